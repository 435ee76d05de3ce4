import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type VirtualChannelCounts,
  type VirtualChannelEvent,
  virtualChannelSpec,
} from '../../machines/virtual-channel.js';
import { Monitor } from '../../src/kernel/monitor.js';
import { World } from '../../src/kernel/world.js';
import { driveMonitor } from '../fixtures/charts.js';
import { alphabet, untakenTransitions } from './contract.js';

type E = VirtualChannelEvent['type'];

const drive = (events: readonly E[]) => driveMonitor(virtualChannelSpec, 'vc', events);

const LISTS = ['allocated', 'submitted', 'issued', 'completed', 'terminated'] as const;
type Counts = VirtualChannelCounts;
const ZERO: Counts = { allocated: 0, submitted: 0, issued: 0, completed: 0, terminated: 0 };

/** The state string the counts imply: a list region is `nonempty` exactly when its count is. */
const stateOf = (c: Counts, cyclic: boolean) =>
  [...LISTS.map((l) => `${l}.${c[l] > 0 ? 'nonempty' : 'empty'}`), `cyclic.${cyclic ? 'set' : 'empty'}`].join(
    '|',
  );

/** The list operations of virt-dma on plain counters: the next counts, or null if impossible. */
function reference(c: Counts, cyclic: boolean, e: E): { c: Counts; cyclic: boolean } | null {
  switch (e) {
    case 'PREP':
    case 'RECYCLE':
      return { c: { ...c, allocated: c.allocated + 1 }, cyclic };
    case 'SUBMIT':
      return c.allocated === 0
        ? null
        : { c: { ...c, allocated: c.allocated - 1, submitted: c.submitted + 1 }, cyclic };
    case 'DESC_FREE':
      return c.allocated === 0 ? null : { c: { ...c, allocated: c.allocated - 1 }, cyclic };
    case 'ISSUE':
      return { c: { ...c, issued: c.issued + c.submitted, submitted: 0 }, cyclic };
    case 'TAKE':
      return c.issued === 0 ? null : { c: { ...c, issued: c.issued - 1 }, cyclic };
    case 'COMPLETE':
      return { c: { ...c, completed: c.completed + 1 }, cyclic };
    case 'SPLICE':
      return { c: { ...c, completed: 0 }, cyclic };
    case 'TERMINATE_VDESC':
      return { c: { ...c, terminated: c.terminated + 1 }, cyclic };
    case 'SYNC_FREE':
      return { c: { ...c, terminated: 0 }, cyclic };
    case 'GET_ALL':
      return { c: { ...ZERO }, cyclic };
    case 'GET_ALL_BUT_ALLOCATED':
      return { c: { ...ZERO, allocated: c.allocated }, cyclic };
    case 'CYCLIC_SET':
      return { c, cyclic: true };
    case 'CYCLIC_CLEAR':
      return cyclic ? { c, cyclic: false } : null;
  }
}

const ALL_EVENTS: E[] = [
  'PREP',
  'SUBMIT',
  'ISSUE',
  'TAKE',
  'COMPLETE',
  'SPLICE',
  'TERMINATE_VDESC',
  'CYCLIC_SET',
  'CYCLIC_CLEAR',
  'GET_ALL',
  'GET_ALL_BUT_ALLOCATED',
  'SYNC_FREE',
  'DESC_FREE',
  'RECYCLE',
];

/** Four descriptors on every list: 1 allocated, 1 submitted, 1 issued, 1 completed, 2 terminated. */
const EVERY_LIST: E[] = [
  'PREP',
  'PREP',
  'PREP',
  'PREP',
  'SUBMIT',
  'SUBMIT',
  'ISSUE',
  'TAKE',
  'COMPLETE',
  'SUBMIT',
  'TERMINATE_VDESC',
  'TERMINATE_VDESC',
];

const ACCEPTED: [string, E[], Counts, boolean][] = [
  ['nothing', [], ZERO, false],
  [
    'one-shot lifecycle: prep, submit, issue, take, complete, splice',
    [
      'PREP',
      'PREP',
      'PREP',
      'SUBMIT',
      'SUBMIT',
      'ISSUE',
      'SUBMIT',
      'ISSUE',
      'TAKE',
      'COMPLETE',
      'SPLICE',
      'TAKE',
      'TAKE',
      'COMPLETE',
      'COMPLETE',
      'SPLICE',
      'ISSUE',
    ],
    ZERO,
    false,
  ],
  [
    'mid-lifecycle',
    ['PREP', 'PREP', 'SUBMIT', 'ISSUE', 'TAKE', 'COMPLETE'],
    { ...ZERO, allocated: 1, completed: 1 },
    false,
  ],
  [
    'cyclic: periods coalesce, the tasklet takes the slot, terminate parks it, synchronize frees it',
    [
      'PREP',
      'SUBMIT',
      'ISSUE',
      'TAKE',
      'CYCLIC_SET',
      'CYCLIC_SET',
      'CYCLIC_CLEAR',
      'SPLICE',
      'CYCLIC_SET',
      'TERMINATE_VDESC',
      'CYCLIC_CLEAR',
      'SYNC_FREE',
      'SYNC_FREE',
    ],
    ZERO,
    false,
  ],
  ['cyclic period pending', ['PREP', 'SUBMIT', 'ISSUE', 'TAKE', 'CYCLIC_SET'], ZERO, true],
  [
    'every list filled',
    EVERY_LIST,
    { allocated: 1, submitted: 1, issued: 1, completed: 1, terminated: 2 },
    false,
  ],
  ['terminate takes every list, twice', [...EVERY_LIST, 'GET_ALL', 'GET_ALL'], ZERO, false],
  [
    'terminate leaves desc_allocated (reference §1.8)',
    [...EVERY_LIST, 'GET_ALL_BUT_ALLOCATED', 'GET_ALL_BUT_ALLOCATED'],
    { ...ZERO, allocated: 1 },
    false,
  ],
  [
    'reuse: desc_free of an idle reusable descriptor, recycling',
    ['PREP', 'DESC_FREE', 'RECYCLE', 'RECYCLE', 'DESC_FREE'],
    { ...ZERO, allocated: 1 },
    false,
  ],
];

const REJECTED: [E[], string, 'provider' | 'framework'][] = [
  [['SUBMIT'], 'virtualChannel.submit-unallocated', 'provider'],
  [['PREP', 'SUBMIT', 'SUBMIT'], 'virtualChannel.submit-unallocated', 'provider'],
  // Reference §1.8: terminate freed the prepared descriptor another thread is about to submit.
  [['PREP', 'GET_ALL', 'SUBMIT'], 'virtualChannel.submit-unallocated', 'provider'],
  [['TAKE'], 'virtualChannel.take-empty', 'provider'],
  [['PREP', 'SUBMIT', 'TAKE'], 'virtualChannel.take-empty', 'provider'],
  [['PREP', 'SUBMIT', 'ISSUE', 'TAKE', 'TAKE'], 'virtualChannel.take-empty', 'provider'],
  [['DESC_FREE'], 'virtualChannel.desc-free-unallocated', 'provider'],
  [['PREP', 'SUBMIT', 'DESC_FREE'], 'virtualChannel.desc-free-unallocated', 'provider'],
  [['CYCLIC_CLEAR'], 'virtualChannel.cyclic-clear-empty', 'framework'],
  [['CYCLIC_SET', 'CYCLIC_CLEAR', 'CYCLIC_CLEAR'], 'virtualChannel.cyclic-clear-empty', 'framework'],
];

describe('virtual channel statechart', () => {
  it.each(ACCEPTED)('accepts %s', (_name, events, counts, cyclic) => {
    const { world, m } = drive(events);
    expect(world.violations).toEqual([]);
    expect(m.snapshot.context).toEqual(counts);
    expect(m.state).toBe(stateOf(counts, cyclic));
  });

  it.each(REJECTED)('rejects the last of %j with %s (%s side)', (events, id, side) => {
    const { world, m } = drive(events.slice(0, -1));
    expect(world.violations).toEqual([]);
    const before = m.state;
    const counts = m.snapshot.context;
    expect(m.observe({ type: events[events.length - 1]! } as VirtualChannelEvent)).toBe(false);
    expect(world.violations.map((v) => v.rule.id)).toEqual([id]);
    expect(world.violations[0]!.rule.side).toBe(side);
    // A rejected observation leaves state and counts unchanged.
    expect(m.state).toBe(before);
    expect(m.snapshot.context).toEqual(counts);
  });

  it('agrees with plain list counters on any sequence, and never lets a count go negative', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL_EVENTS), { maxLength: 40 }), (events) => {
        const world = new World({ stopOnViolation: false });
        const m = new Monitor(world, virtualChannelSpec, 'vc');
        let c: Counts = { ...ZERO };
        let cyclic = false;
        for (const e of events) {
          const next = reference(c, cyclic, e);
          expect(m.observe({ type: e } as VirtualChannelEvent)).toBe(next !== null);
          if (next !== null) ({ c, cyclic } = next);
          expect(m.snapshot.context).toEqual(c);
          expect(m.state).toBe(stateOf(c, cyclic));
          for (const l of LISTS) expect(m.snapshot.context[l]).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('lists every event of the chart in ALL_EVENTS, and each has a rule', () => {
    expect(alphabet(virtualChannelSpec.machine)).toEqual([...ALL_EVENTS].sort());
    expect(Object.keys(virtualChannelSpec.rejections).sort()).toEqual([...ALL_EVENTS].sort());
  });

  it('takes every transition of the chart in the accepted sequences', () => {
    expect(
      untakenTransitions(
        virtualChannelSpec,
        ACCEPTED.map(([, events]) => events),
      ),
    ).toEqual([]);
  });
});
