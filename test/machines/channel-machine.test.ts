import { describe, expect, it } from 'vitest';
import { type ChannelEvent, channelSpec } from '../../machines/channel.js';
import { driveMonitor } from '../fixtures/charts.js';
import { untakenTransitions } from './contract.js';

type E = ChannelEvent['type'];

const drive = (events: readonly E[]) => driveMonitor(channelSpec, 'chan', events);

const held = (activity: string, config: 'unconfigured' | 'configured' = 'unconfigured') =>
  `allocated.config.${config}|activity.${activity}`;

const ACCEPTED: [string, E[], string][] = [
  ['nothing', [], 'available'],
  ['request', ['REQUEST'], held('idle')],
  [
    'slave flow: config, prep, issue twice, drain, release',
    ['REQUEST', 'CONFIG', 'PREP_SLAVE', 'ISSUE', 'PREP_SLAVE', 'ISSUE', 'DRAINED', 'RELEASE'],
    'released',
  ],
  ['memcpy needs no config', ['REQUEST', 'PREP_MEM', 'ISSUE', 'DRAINED'], held('idle')],
  [
    'reconfigure for later transfers',
    ['REQUEST', 'CONFIG', 'PREP_SLAVE', 'CONFIG'],
    held('idle', 'configured'),
  ],
  [
    'pause a busy channel, issue while paused, late completion, resume',
    ['REQUEST', 'CONFIG', 'PREP_SLAVE', 'ISSUE', 'PAUSE', 'PAUSE', 'ISSUE', 'DRAINED', 'RESUME', 'DRAINED'],
    held('idle', 'configured'),
  ],
  ['pause an idle channel and resume it', ['REQUEST', 'PAUSE', 'RESUME'], held('busy')],
  [
    'terminate_sync = TERMINATE then SYNC',
    ['REQUEST', 'CONFIG', 'PREP_SLAVE', 'ISSUE', 'TERMINATE', 'SYNC'],
    held('idle', 'configured'),
  ],
  [
    'terminate_async: late completion, terminate again, prep, then synchronize',
    ['REQUEST', 'PREP_MEM', 'ISSUE', 'TERMINATE', 'DRAINED', 'TERMINATE', 'PREP_MEM', 'SYNC', 'SYNC'],
    held('idle'),
  ],
  ['terminate while paused', ['REQUEST', 'ISSUE', 'PAUSE', 'TERMINATE', 'SYNC'], held('idle')],
  ['terminate an idle channel', ['REQUEST', 'TERMINATE'], held('terminating')],
  ['synchronize without terminate', ['REQUEST', 'SYNC', 'ISSUE', 'SYNC', 'PAUSE', 'SYNC'], held('paused')],
  [
    'request again after release: config starts over',
    ['REQUEST', 'CONFIG', 'RELEASE', 'REQUEST'],
    held('idle'),
  ],
  ['release a busy channel (dma_chan_put synchronizes)', ['REQUEST', 'ISSUE', 'RELEASE'], 'released'],
];

const REJECTED: [E[], string, 'provider' | 'client' | 'framework'][] = [
  [['CONFIG'], 'channel.not-held', 'client'],
  [['PREP_SLAVE'], 'channel.not-held', 'client'],
  [['REQUEST', 'RELEASE', 'ISSUE'], 'channel.not-held', 'client'],
  [['REQUEST', 'RELEASE', 'SYNC'], 'channel.not-held', 'client'],
  [['RESUME'], 'channel.not-held', 'client'],
  [['REQUEST', 'REQUEST'], 'channel.request-held', 'framework'],
  [['RELEASE'], 'channel.release-unheld', 'client'],
  [['REQUEST', 'RELEASE', 'RELEASE'], 'channel.release-unheld', 'client'],
  [['REQUEST', 'RESUME'], 'channel.resume-not-paused', 'client'],
  [['REQUEST', 'ISSUE', 'RESUME'], 'channel.resume-not-paused', 'client'],
  [['REQUEST', 'ISSUE', 'PAUSE', 'RESUME', 'RESUME'], 'channel.resume-not-paused', 'client'],
  [['REQUEST', 'ISSUE', 'PAUSE', 'TERMINATE', 'RESUME'], 'channel.resume-not-paused', 'client'],
  [['REQUEST', 'ISSUE', 'TERMINATE', 'ISSUE'], 'channel.issue-before-sync', 'client'],
  [['REQUEST', 'PREP_SLAVE'], 'channel.prep-slave-unconfigured', 'client'],
  [['REQUEST', 'CONFIG', 'RELEASE', 'REQUEST', 'PREP_SLAVE'], 'channel.prep-slave-unconfigured', 'client'],
  [['REQUEST', 'TERMINATE', 'PAUSE'], 'channel.pause-before-sync', 'client'],
  [['REQUEST', 'DRAINED'], 'channel.activity-while-idle', 'provider'],
  [['REQUEST', 'ISSUE', 'TERMINATE', 'SYNC', 'DRAINED'], 'channel.activity-while-idle', 'provider'],
  [['REQUEST', 'ISSUE', 'RELEASE', 'DRAINED'], 'channel.activity-after-release', 'provider'],
];

describe('channel statechart', () => {
  it.each(ACCEPTED)('accepts %s', (_name, events, state) => {
    const { world, m } = drive(events);
    expect(world.violations).toEqual([]);
    expect(m.state).toBe(state);
  });

  it.each(REJECTED)('rejects the last of %j with %s (%s side)', (events, id, side) => {
    const { world, m } = drive(events.slice(0, -1));
    expect(world.violations).toEqual([]);
    const before = m.state;
    expect(m.observe({ type: events[events.length - 1]! } as ChannelEvent)).toBe(false);
    expect(world.violations.map((v) => v.rule.id)).toEqual([id]);
    expect(world.violations[0]!.rule.side).toBe(side);
    // A rejected observation leaves the state unchanged.
    expect(m.state).toBe(before);
  });

  it('takes every transition of the chart in the accepted sequences', () => {
    expect(
      untakenTransitions(
        channelSpec,
        ACCEPTED.map(([, events]) => events),
      ),
    ).toEqual([]);
  });
});
