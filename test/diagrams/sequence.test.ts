import { describe, expect, it } from 'vitest';
import { counterexampleMarkdown } from '../../src/diagrams/counterexample-doc.js';
import { lanesOf } from '../../src/diagrams/lanes.js';
import { MAX_RUN, toSequenceDiagram, windowStart } from '../../src/diagrams/sequence.js';
import { toStateTimeline } from '../../src/diagrams/timeline.js';
import { makeCounterexample } from '../../src/explore/counterexample.js';
import type { TraceEvent } from '../../src/kernel/trace.js';
import { lifecycleKind } from '../../src/workload/lifecycle-kind.js';
import { mermaidBlocks, mermaidParse } from './mermaid-parse.js';

/** A small hand-written trace: one client, one channel, a tasklet, an interrupt, the hardware. */
const ev = (
  step: number,
  task: string,
  ctx: TraceEvent['ctx'],
  actor: string,
  event: string,
  payload?: TraceEvent['payload'],
): TraceEvent => ({
  step,
  time: step * 100,
  task,
  ctx,
  actor,
  event,
  ...(payload ? { payload } : {}),
});

const burst = (step: number) => [
  ev(step, 'prov.ch0', 'hardware', 'prov.ch0', 'BURST', { state: 'engine.transferring|irq.clear' }),
  ev(step, 'prov.ch0', 'hardware', 'prov.ch0', 'burst', { bytes: 8, residue: 0 }),
];

const trace: TraceEvent[] = [
  ev(0, '-', '-', 'dmac0', 'dma_async_device_register', { channels: 2 }),
  ev(1, 'client0', 'process', 'dmac0chan0', 'REQUEST', {
    state: 'allocated.config.unconfigured|activity.idle',
  }),
  ev(1, 'client0', 'process', 'dmac0chan0', 'dma_request_chan', { client: 'uart0', name: 'tx' }),
  ev(2, 'client0', 'process', 'dmac0chan0.d1', 'SUBMIT', { state: 'live.life.submitted' }),
  ev(2, 'client0', 'process', 'prov.lock', 'lock', { via: 'spin_lock_irqsave' }),
  ev(3, 'client0', 'process', 'prov.ch0', 'LOAD', { state: 'engine.loading|irq.clear' }),
  ...burst(4),
  ...burst(5),
  ...burst(6),
  ev(7, 'prov.irq', 'hardirq', 'dmac0chan0.tasklet', 'SCHEDULE', { state: 'run.scheduled|enable.enabled' }),
  ev(8, 'dmac0chan0.tasklet', 'softirq', 'dmac0chan0.d1', 'CALLBACK_BEGIN', { state: 'live.life.callback' }),
  ev(9, 'client0', 'process', 'dmac0chan0', 'SYNC', { state: 'allocated.config.unconfigured|activity.idle' }),
  ev(9, 'client0', 'process', 'dmac0chan0.d1', 'VIOLATION', {
    rule: 'inv.no-callback-after-synchronize',
    detail: 'callback still running; after sync',
  }),
  ev(10, '-', '-', 'world', 'END', { outcome: 'violation', steps: 10 }),
];

describe('counterexample sequence diagrams', () => {
  it('derive lanes from tasks, contexts and actors', () => {
    const lanes = lanesOf(trace, 'prov');
    expect(lanes.lanes.map((l) => `${l.kind}:${l.name}`)).toEqual([
      'client:client0',
      'channel:dmac0chan0',
      'provider:prov',
      'tasklet:dmac0chan0.tasklet',
      'interrupt:prov.irq',
      'hardware:prov.ch0',
      'kernel:kernel',
    ]);
    expect(lanes.ofActor('dmac0chan0.d1').name).toBe('dmac0chan0');
    expect(lanes.ofActor('prov.lock').name).toBe('prov');
    expect(lanes.ofActor('dmac0').name).toBe('prov');
    expect(lanes.ofActor('memory').name).toBe('kernel');
  });

  it('mark the violation, collapse hardware bursts, and parse', async () => {
    const text = toSequenceDiagram(trace, 'prov');
    expect(text).toContain('rect rgb(255, 228, 228)');
    expect(text).toMatch(/L1-xL2: \[9\] d1 VIOLATION inv\.no-callback-after-synchronize/);
    expect(text).toContain('callback still running#59; after sync');
    // Six hardware events in a row (more than MAX_RUN) are one arrow with counts and bytes.
    expect(6).toBeGreaterThan(MAX_RUN);
    expect(text).toContain('[4–6] BURST ×3, burst ×3, 24 bytes');
    expect(text).not.toContain('[5] BURST');
    expect(text).toContain('L5->>L4: [7] SCHEDULE');
    await expect(mermaidParse(text)).resolves.toBeTruthy();
  });

  it('draw a state timeline per actor with the violation as a milestone', async () => {
    const text = toStateTimeline(trace);
    expect(text).toContain('section dmac0chan0\n    allocated.config.unconfigured|activity.idle : 1, 11');
    expect(text).toContain(
      'section prov.ch0\n    engine.loading|irq.clear : 3, 4\n    engine.transferring|irq.clear : 4, 11',
    );
    expect(text).toContain('inv.no-callback-after-synchronize : milestone, 9, 0s');
    await expect(mermaidParse(text)).resolves.toBeTruthy();
  });

  it('keep long traces within what Mermaid draws: the last events before the end', async () => {
    const long: TraceEvent[] = [];
    for (let s = 0; s < 3000; s++)
      long.push(ev(s, 'client0', 'process', 'dmac0chan0', 'ISSUE', { state: `s${s % 3}` }));
    long.push(...trace.slice(-2).map((e) => ({ ...e, step: 3000 })));
    const from = windowStart(long);
    expect(from).toBeGreaterThan(2000);
    const text = toSequenceDiagram(long, 'prov', from);
    expect(text.length).toBeLessThan(50_000);
    expect(text).toContain(`left out (dmactor replay prints them all)`);
    expect(text).toContain('VIOLATION');
    const timeline = toStateTimeline(long, from);
    expect(timeline).not.toMatch(/: 0, /);
    await expect(mermaidParse(text)).resolves.toBeTruthy();
    await expect(mermaidParse(timeline)).resolves.toBeTruthy();
  });

  it('fit every diagram of a long, wordy counterexample under the Mermaid size limit', async () => {
    const wordy: TraceEvent[] = [];
    for (let s = 0; s < 5000; s++) {
      wordy.push(
        ev(s, 'client0', 'process', 'dmac0chan0.vc', 'ISSUE', {
          state: `allocated.nonempty|submitted.empty|issued.nonempty|completed.empty|terminated.empty|cyclic.empty|s${s}`,
        }),
      );
      wordy.push(ev(s, 'client0', 'process', 'memory', 'alloc', { label: 'x'.repeat(80), size: s }));
    }
    wordy.push(...trace.slice(-2).map((e) => ({ ...e, step: 5000 })));
    const cx = makeCounterexample(lifecycleKind, {
      toolVersion: '0.0.0',
      provider: 'prov',
      seed: 1,
      stepBound: 6000,
      strategy: 'random',
      workload: { board: { uarts: 1, physicalChannels: 1, fifoDepth: 16 }, threads: [] },
      choices: [],
      violation: {
        id: 'inv.x',
        side: 'provider',
        kind: 'safety',
        rule: 'r',
        source: 's',
        detail: 'd',
        step: 5000,
        task: 'client0',
        actor: 'dmac0chan0.d1',
      },
      traceHash: '0',
      steps: 5001,
    });
    const md = counterexampleMarkdown(cx, {
      events: wordy,
      traceHash: '0',
      reproduced: { id: 'inv.x', step: 5000, task: 'client0' },
    });
    const blocks = mermaidBlocks(md);
    expect(blocks).toHaveLength(2);
    for (const b of blocks) {
      expect(b.length).toBeLessThan(50_000);
      await expect(mermaidParse(b)).resolves.toBeTruthy();
    }
    expect(blocks[0]).toContain('VIOLATION');
  });
});
