import { describe, expect, it } from 'vitest';
import { type DescriptorEvent, descriptorSpec } from '../../machines/descriptor.js';
import { driveMonitor } from '../fixtures/charts.js';
import { untakenTransitions } from './contract.js';

type E = DescriptorEvent['type'];

const drive = (events: readonly E[]) => driveMonitor(descriptorSpec, 'desc', events);

interface Regions {
  period?: 'idle' | 'fetched' | 'running';
  ack?: 'unacked' | 'acked';
  reuse?: 'oneshot' | 'reusable';
  metadata?: 'none' | 'client' | 'engine';
}

/** The state string of a live descriptor, the other regions at their defaults unless given. */
const live = (life: string, r: Regions = {}) =>
  `live.life.${life}|period.${r.period ?? 'idle'}|ack.${r.ack ?? 'unacked'}|reuse.${r.reuse ?? 'oneshot'}|metadata.${r.metadata ?? 'none'}`;

const RUN: E[] = ['SUBMIT', 'ISSUE', 'START'];
const NOTIFY: E[] = ['FETCH_CALLBACK', 'CALLBACK_BEGIN', 'CALLBACK_END'];
const SLAVE: E[] = ['PREP', ...RUN, 'COMPLETE', ...NOTIFY];

const ACCEPTED: [string, E[], string][] = [
  ['nothing', [], 'new'],
  ['slave flow to free', ['PREP', 'ACK', ...RUN, 'COMPLETE', ...NOTIFY, 'FREE'], 'freed'],
  ['slave flow up to its callback', ['PREP', ...RUN, 'COMPLETE', 'FETCH_CALLBACK'], live('callbackPending')],
  ['re-ack', ['PREP', 'ACK', 'ACK'], live('prepared', { ack: 'acked' })],
  ['free before submit', ['PREP', 'FREE'], 'freed'],
  [
    'cyclic: periods, a coalesced callback, terminate while a fetched callback runs on',
    [
      'PREP_CYCLIC',
      ...RUN,
      'PERIOD',
      'PERIOD',
      ...NOTIFY,
      'PERIOD',
      'FETCH_CALLBACK',
      'TERMINATE',
      'CALLBACK_BEGIN',
      'CALLBACK_END',
      'FREE',
    ],
    'freed',
  ],
  [
    'cyclic: terminate with a fetched callback',
    ['PREP_CYCLIC', ...RUN, 'PERIOD', 'FETCH_CALLBACK', 'TERMINATE'],
    live('aborted', { period: 'fetched' }),
  ],
  [
    'cyclic: terminate while the callback runs',
    ['PREP_CYCLIC', ...RUN, 'PERIOD', 'FETCH_CALLBACK', 'CALLBACK_BEGIN', 'TERMINATE'],
    live('aborted', { period: 'running' }),
  ],
  [
    'repeat: repeats with period callbacks, then replaced by a LOAD_EOT successor',
    ['PREP_REPEAT', ...RUN, 'REPEAT', 'PERIOD', ...NOTIFY, 'REPEAT', 'COMPLETE', ...NOTIFY, 'FREE'],
    'freed',
  ],
  [
    'reuse: done, recycled, submitted again',
    ['PREP', 'SET_REUSE', 'SET_REUSE', ...RUN, 'COMPLETE', ...NOTIFY, 'RECYCLE', 'SUBMIT'],
    live('submitted', { reuse: 'reusable' }),
  ],
  [
    'reuse: cleared after the last transfer, then freed',
    ['PREP', 'SET_REUSE', ...RUN, 'COMPLETE', ...NOTIFY, 'RECYCLE', 'CLEAR_REUSE', 'CLEAR_REUSE', 'FREE'],
    'freed',
  ],
  [
    'reuse: a terminated reusable descriptor goes back to desc_allocated',
    ['PREP', 'SET_REUSE', 'SUBMIT', 'ISSUE', 'TERMINATE', 'RECYCLE'],
    live('prepared', { reuse: 'reusable' }),
  ],
  ['terminate a prepared descriptor (virt-dma takes desc_allocated)', ['PREP', 'TERMINATE', 'FREE'], 'freed'],
  ['terminate a submitted descriptor', ['PREP', 'SUBMIT', 'TERMINATE'], live('aborted')],
  ['terminate an issued descriptor', ['PREP', 'SUBMIT', 'ISSUE', 'TERMINATE'], live('aborted')],
  [
    'a terminated cookie completed without a callback (k3-udma)',
    ['PREP', ...RUN, 'TERMINATE', 'COMPLETE'],
    live('aborted'),
  ],
  [
    'terminate an active descriptor, gathered twice',
    ['PREP', ...RUN, 'TERMINATE', 'TERMINATE', 'FREE'],
    'freed',
  ],
  [
    'terminate a completed descriptor before its callback was fetched',
    ['PREP', ...RUN, 'COMPLETE', 'TERMINATE', 'FREE'],
    'freed',
  ],
  [
    'client metadata',
    ['PREP', 'METADATA_CLIENT', 'METADATA_CLIENT', 'SUBMIT'],
    live('submitted', { metadata: 'client' }),
  ],
  [
    'engine metadata, MEM_TO_DEV: set before submit',
    ['PREP', 'METADATA_ENGINE', 'SUBMIT', 'METADATA_ENGINE'],
    live('submitted', { metadata: 'engine' }),
  ],
  [
    'engine metadata, DEV_TO_MEM: read in the completion callback',
    [
      'PREP',
      ...RUN,
      'COMPLETE',
      'FETCH_CALLBACK',
      'METADATA_ENGINE',
      'CALLBACK_BEGIN',
      'METADATA_ENGINE',
      'CALLBACK_END',
    ],
    live('done', { metadata: 'engine' }),
  ],
];

const REJECTED: [E[], string, 'provider' | 'client' | 'framework'][] = [
  [['SUBMIT'], 'descriptor.before-prep', 'framework'],
  [['ACK'], 'descriptor.before-prep', 'framework'],
  [['PREP', 'PREP_CYCLIC'], 'descriptor.prep-not-unique', 'provider'],
  [['PREP', 'FREE', 'SUBMIT'], 'descriptor.use-after-free', 'provider'],
  [['PREP', 'FREE', 'FREE'], 'descriptor.use-after-free', 'provider'],
  [['PREP', 'FREE', 'ACK'], 'descriptor.use-after-free', 'provider'],
  [['PREP', 'FREE', 'PREP'], 'descriptor.use-after-free', 'provider'],
  [
    ['PREP_CYCLIC', ...RUN, 'PERIOD', 'FETCH_CALLBACK', 'TERMINATE', 'FREE', 'CALLBACK_BEGIN'],
    'descriptor.use-after-free',
    'provider',
  ],
  [['PREP', 'SUBMIT', 'SUBMIT'], 'descriptor.submit-twice', 'client'],
  [[...SLAVE, 'SUBMIT'], 'descriptor.submit-twice', 'client'],
  [['PREP', 'TERMINATE', 'SUBMIT'], 'descriptor.submit-after-terminate', 'framework'],
  [['PREP', 'ISSUE'], 'descriptor.issue-unsubmitted', 'provider'],
  [['PREP', 'SUBMIT', 'START'], 'descriptor.start-unissued', 'provider'],
  [['PREP', ...RUN, 'START'], 'descriptor.start-unissued', 'provider'],
  [['PREP', ...RUN, 'PERIOD'], 'descriptor.period-not-running', 'provider'],
  [['PREP_CYCLIC', 'SUBMIT', 'ISSUE', 'PERIOD'], 'descriptor.period-not-running', 'provider'],
  [['PREP_CYCLIC', ...RUN, 'REPEAT'], 'descriptor.repeat-not-repeating', 'provider'],
  [['PREP_CYCLIC', ...RUN, 'COMPLETE'], 'descriptor.complete-not-done', 'provider'],
  [['PREP', 'SUBMIT', 'ISSUE', 'COMPLETE'], 'descriptor.complete-not-done', 'provider'],
  [['PREP', ...RUN, 'COMPLETE', 'COMPLETE'], 'descriptor.complete-twice', 'provider'],
  // A terminated cookie may complete without a callback (k3-udma); its callback stays forbidden.
  [
    ['PREP', ...RUN, 'TERMINATE', 'COMPLETE', 'FETCH_CALLBACK'],
    'descriptor.callback-for-aborted',
    'provider',
  ],
  [
    ['PREP_CYCLIC', ...RUN, 'PERIOD', 'TERMINATE', 'FETCH_CALLBACK'],
    'descriptor.callback-for-aborted',
    'provider',
  ],
  [['PREP', ...RUN, 'TERMINATE', 'FETCH_CALLBACK'], 'descriptor.callback-for-aborted', 'provider'],
  [
    ['PREP', ...RUN, 'COMPLETE', 'TERMINATE', 'CALLBACK_BEGIN'],
    'descriptor.callback-for-aborted',
    'provider',
  ],
  [[...SLAVE, 'FETCH_CALLBACK'], 'descriptor.callback-twice', 'provider'],
  [
    ['PREP_CYCLIC', ...RUN, 'PERIOD', 'FETCH_CALLBACK', 'FETCH_CALLBACK'],
    'descriptor.period-callback-overlap',
    'framework',
  ],
  [['PREP', ...RUN, 'FETCH_CALLBACK'], 'descriptor.callback-before-complete', 'provider'],
  [['PREP', ...RUN, 'COMPLETE', 'CALLBACK_BEGIN'], 'descriptor.callback-unfetched', 'framework'],
  [['PREP_CYCLIC', ...RUN, 'PERIOD', 'CALLBACK_BEGIN'], 'descriptor.callback-unfetched', 'framework'],
  [['PREP', 'CALLBACK_END'], 'descriptor.callback-end-unbalanced', 'framework'],
  [['PREP', ...RUN, 'COMPLETE', 'FETCH_CALLBACK', 'TERMINATE'], 'descriptor.terminate-not-owned', 'provider'],
  [[...SLAVE, 'TERMINATE'], 'descriptor.terminate-not-owned', 'provider'],
  [['PREP', 'SUBMIT', 'FREE'], 'descriptor.free-in-flight', 'provider'],
  [['PREP', ...RUN, 'FREE'], 'descriptor.free-in-flight', 'provider'],
  [
    ['PREP', ...RUN, 'COMPLETE', 'FETCH_CALLBACK', 'CALLBACK_BEGIN', 'FREE'],
    'descriptor.free-in-flight',
    'provider',
  ],
  [['PREP', 'SET_REUSE', 'SUBMIT', 'FREE'], 'descriptor.free-in-flight', 'provider'],
  [['PREP', 'SET_REUSE', 'FREE'], 'descriptor.free-reusable', 'provider'],
  [['PREP', 'SET_REUSE', ...RUN, 'COMPLETE', ...NOTIFY, 'FREE'], 'descriptor.free-reusable', 'provider'],
  [[...SLAVE, 'RECYCLE'], 'descriptor.recycle-not-reusable', 'framework'],
  [['PREP', 'SET_REUSE', 'SUBMIT', 'RECYCLE'], 'descriptor.recycle-in-flight', 'provider'],
  [['PREP', 'METADATA_CLIENT', 'METADATA_ENGINE'], 'descriptor.metadata-mixed', 'client'],
  [['PREP', 'METADATA_ENGINE', 'METADATA_CLIENT'], 'descriptor.metadata-mixed', 'client'],
  [['PREP', 'SUBMIT', 'ISSUE', 'METADATA_ENGINE'], 'descriptor.metadata-engine-invalid', 'client'],
  [['PREP', 'METADATA_ENGINE', ...RUN, 'METADATA_ENGINE'], 'descriptor.metadata-engine-invalid', 'client'],
  [[...SLAVE, 'METADATA_ENGINE'], 'descriptor.metadata-engine-invalid', 'client'],
];

describe('descriptor statechart', () => {
  it.each(ACCEPTED)('accepts %s', (_name, events, state) => {
    const { world, m } = drive(events);
    expect(world.violations).toEqual([]);
    expect(m.state).toBe(state);
  });

  it('records the kind of transfer in context', () => {
    expect(drive(['PREP']).m.snapshot.context.kind).toBe('oneshot');
    expect(drive(['PREP_CYCLIC']).m.snapshot.context.kind).toBe('cyclic');
    expect(drive(['PREP_REPEAT']).m.snapshot.context.kind).toBe('repeat');
    // Recycling keeps the kind.
    const reused = drive(['PREP_REPEAT', 'SET_REUSE', ...RUN, 'COMPLETE', ...NOTIFY, 'RECYCLE']);
    expect(reused.world.violations).toEqual([]);
    expect(reused.m.snapshot.context.kind).toBe('repeat');
  });

  it('is done once freed', () => {
    expect(drive([...SLAVE, 'FREE']).m.snapshot.status).toBe('done');
  });

  it.each(REJECTED)('rejects the last of %j with %s (%s side)', (events, id, side) => {
    const { world, m } = drive(events.slice(0, -1));
    expect(world.violations).toEqual([]);
    const before = m.state;
    expect(m.observe({ type: events[events.length - 1]! } as DescriptorEvent)).toBe(false);
    expect(world.violations.map((v) => v.rule.id)).toEqual([id]);
    expect(world.violations[0]!.rule.side).toBe(side);
    // A rejected observation leaves the state unchanged.
    expect(m.state).toBe(before);
  });

  it('takes every transition of the chart in the accepted sequences', () => {
    expect(
      untakenTransitions(
        descriptorSpec,
        ACCEPTED.map(([, events]) => events),
      ),
    ).toEqual([]);
  });
});
