import { describe, expect, it } from 'vitest';
import { type HardwareChannelEvent, hardwareChannelSpec } from '../../machines/hardware-channel.js';
import { Monitor } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';
import { transitionNames, untakenTransitions } from './contract.js';

type Ev = HardwareChannelEvent['type'];

function monitorAfter(events: Ev[]) {
  const world = new World({ trace: 'full' });
  const m = new Monitor(world, hardwareChannelSpec, 'ch0');
  for (const type of events) m.observe({ type } as HardwareChannelEvent);
  return { world, m };
}

const LOADED: Ev[] = ['LOAD', 'FETCH'];

const accepted: [Ev[], string][] = [
  [[], 'engine.idle|irq.clear'],
  [['LOAD'], 'engine.loading|irq.clear'],
  [LOADED, 'engine.transferring|irq.clear'],
  [[...LOADED, 'BURST', 'BURST', 'ITEM_END', 'FETCH', 'BURST', 'EOT'], 'engine.idle|irq.clear'],
  [[...LOADED, 'BURST', 'RESTART', 'FETCH', 'BURST'], 'engine.transferring|irq.clear'],
  [[...LOADED, 'BURST', 'EOT', 'RAISE', 'LOAD'], 'engine.loading|irq.raised'],
  [[...LOADED, 'RAISE', 'RAISE'], 'engine.transferring|irq.raised'],
  [[...LOADED, 'RAISE', 'ACK_IRQ'], 'engine.transferring|irq.clear'],
  [['ACK_IRQ'], 'engine.idle|irq.clear'],
  [['LOAD', 'PAUSE'], 'engine.paused.loading|irq.clear'],
  [['LOAD', 'PAUSE', 'PAUSE'], 'engine.paused.loading|irq.clear'],
  [['LOAD', 'PAUSE', 'RESUME'], 'engine.loading|irq.clear'],
  [[...LOADED, 'PAUSE'], 'engine.paused.transferring|irq.clear'],
  [[...LOADED, 'PAUSE', 'PAUSE', 'RESUME', 'BURST'], 'engine.transferring|irq.clear'],
  [[...LOADED, 'PAUSE', 'ABORT'], 'engine.idle|irq.clear'],
  [['LOAD', 'ABORT'], 'engine.idle|irq.clear'],
  [[...LOADED, 'BURST', 'ABORT', 'LOAD'], 'engine.loading|irq.clear'],
  [['ABORT'], 'engine.idle|irq.clear'],
  [[...LOADED, 'BUS_ERROR', 'RAISE'], 'engine.error|irq.raised'],
  [[...LOADED, 'BUS_ERROR', 'RAISE', 'CLEAR_ERROR', 'ACK_IRQ'], 'engine.idle|irq.clear'],
  [[...LOADED, 'BUS_ERROR', 'ABORT', 'LOAD'], 'engine.loading|irq.clear'],
];

describe('hardware channel statechart', () => {
  it.each(accepted)('accepts %j and ends in %s', (events, state) => {
    const { world, m } = monitorAfter(events);
    expect(world.violations).toEqual([]);
    expect(m.state).toBe(state);
  });

  it.each([
    [['LOAD', 'LOAD'], 'hardware-channel.program-while-busy'],
    [[...LOADED, 'LOAD'], 'hardware-channel.program-while-busy'],
    [[...LOADED, 'PAUSE', 'LOAD'], 'hardware-channel.program-while-busy'],
    [[...LOADED, 'BUS_ERROR', 'LOAD'], 'hardware-channel.program-while-busy'],
    [[...LOADED, 'PAUSE', 'BURST'], 'hardware-channel.pause-moves-no-byte'],
    [[...LOADED, 'PAUSE', 'FETCH'], 'hardware-channel.pause-moves-no-byte'],
    [['LOAD', 'PAUSE', 'FETCH'], 'hardware-channel.pause-moves-no-byte'],
    [[...LOADED, 'PAUSE', 'ITEM_END'], 'hardware-channel.pause-moves-no-byte'],
    [[...LOADED, 'PAUSE', 'EOT'], 'hardware-channel.pause-moves-no-byte'],
    [[...LOADED, 'PAUSE', 'RESTART'], 'hardware-channel.pause-moves-no-byte'],
    [['FETCH'], 'hardware-channel.progress-while-stopped'],
    [['BURST'], 'hardware-channel.progress-while-stopped'],
    [['ITEM_END'], 'hardware-channel.progress-while-stopped'],
    [['EOT'], 'hardware-channel.progress-while-stopped'],
    [['RESTART'], 'hardware-channel.progress-while-stopped'],
    [[...LOADED, 'BUS_ERROR', 'BURST'], 'hardware-channel.progress-while-stopped'],
    [[...LOADED, 'BUS_ERROR', 'FETCH'], 'hardware-channel.progress-while-stopped'],
    [['LOAD', 'BURST'], 'hardware-channel.move-before-fetch'],
    [['LOAD', 'ITEM_END'], 'hardware-channel.move-before-fetch'],
    [['LOAD', 'EOT'], 'hardware-channel.move-before-fetch'],
    [['LOAD', 'RESTART'], 'hardware-channel.move-before-fetch'],
    [['RESUME'], 'hardware-channel.resume-not-paused'],
    [[...LOADED, 'RESUME'], 'hardware-channel.resume-not-paused'],
    [['PAUSE'], 'hardware-channel.pause-inactive'],
    [[...LOADED, 'BUS_ERROR', 'PAUSE'], 'hardware-channel.pause-inactive'],
    [['BUS_ERROR'], 'hardware-channel.error-without-access'],
    [['LOAD', 'BUS_ERROR'], 'hardware-channel.error-without-access'],
    [[...LOADED, 'PAUSE', 'BUS_ERROR'], 'hardware-channel.error-without-access'],
    [['CLEAR_ERROR'], 'hardware-channel.clear-error-without-error'],
    [[...LOADED, 'CLEAR_ERROR'], 'hardware-channel.clear-error-without-error'],
  ] as [Ev[], string][])('rejects the last of %j with %s', (events, id) => {
    const world = new World({ stopOnViolation: false });
    const m = new Monitor(world, hardwareChannelSpec, 'ch0');
    const prefix = events.slice(0, -1);
    for (const type of prefix) m.observe({ type } as HardwareChannelEvent);
    expect(world.violations).toEqual([]);
    const before = m.state;
    m.observe({ type: events[events.length - 1]! } as HardwareChannelEvent);
    expect(world.violations.map((v) => v.rule.id)).toEqual([id]);
    // A rejected observation leaves the state unchanged.
    expect(m.state).toBe(before);
    expect(world.violations[0]!.rule.source).toMatch(/provider\.rst|client\.rst/);
  });

  it('names a rule for every event a state can refuse; ABORT, RAISE and ACK_IRQ are never refused', () => {
    const events: Ev[] = [
      'LOAD',
      'FETCH',
      'BURST',
      'ITEM_END',
      'EOT',
      'RESTART',
      'PAUSE',
      'RESUME',
      'ABORT',
      'BUS_ERROR',
      'CLEAR_ERROR',
      'RAISE',
      'ACK_IRQ',
    ];
    const always: Ev[] = ['ABORT', 'RAISE', 'ACK_IRQ'];
    expect(Object.keys(hardwareChannelSpec.rejections).sort()).toEqual(
      events.filter((e) => !always.includes(e)).sort(),
    );
    // Every state reachable by the accepted sequences takes the always-accepted events.
    for (const [seq] of accepted) {
      for (const type of always) {
        const { world } = monitorAfter([...seq, type]);
        expect(world.violations).toEqual([]);
      }
    }
  });

  it('exercises every transition in the accepted sequences', () => {
    expect(transitionNames(hardwareChannelSpec.machine).size).toBe(19);
    expect(
      untakenTransitions(
        hardwareChannelSpec,
        accepted.map(([events]) => events),
      ),
    ).toEqual([]);
  });
});
