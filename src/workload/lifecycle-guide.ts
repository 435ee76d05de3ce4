import type { WorkloadShape } from './arbitraries.js';
import type { Guidance, KindGuide } from './guidance.js';
import type { CallbackAction, Op } from './workload.js';

/**
 * How lifecycle workloads are steered (guidance.ts): which operations and callback actions
 * make a chart event, an observation pair or an invariant's check happen. A lever the shape
 * does not offer (an op the provider lacks) is ignored when applied.
 */
type Lever = `op:${Op['op']}` | `callback:${CallbackAction}`;

const PAUSE: readonly Lever[] = ['op:pause', 'op:pause-poll', 'op:control', 'op:race'];
const TERMINATE: readonly Lever[] = [
  'op:terminate',
  'op:terminate-poll',
  'op:control',
  'callback:terminate-async',
  'op:race',
];
const CYCLIC: readonly Lever[] = ['op:cyclic', 'op:cyclic-poll'];
const REPEAT: readonly Lever[] = ['op:repeat', 'op:repeat-poll'];
const READS: readonly Lever[] = ['op:poll', 'op:pause-poll', 'op:terminate-poll', 'callback:read-residue'];
const TRANSFERS: readonly Lever[] = ['op:slave', 'op:memcpy', 'op:memset', 'callback:submit-more'];

/** By chart event: the operations whose client calls or whose provider's work produce it. */
const BY_EVENT: Readonly<Record<string, readonly Lever[]>> = {
  PAUSE,
  RESUME: PAUSE,
  TERMINATE,
  SYNC: TERMINATE,
  GET_ALL: TERMINATE,
  GET_ALL_BUT_ALLOCATED: TERMINATE,
  TERMINATE_VDESC: [...TERMINATE, ...CYCLIC],
  SYNC_FREE: TERMINATE,
  PREP_CYCLIC: CYCLIC,
  PERIOD: CYCLIC,
  FETCH_CALLBACK: [...CYCLIC, 'callback:read-residue'],
  CALLBACK_BEGIN: ['callback:read-residue', 'callback:submit-more', ...CYCLIC],
  CALLBACK_END: ['callback:read-residue', 'callback:submit-more', ...CYCLIC],
  CYCLIC_SET: CYCLIC,
  CYCLIC_CLEAR: CYCLIC,
  PREP_REPEAT: REPEAT,
  REPEAT,
  RESTART: REPEAT,
  SET_REUSE: ['op:slave', 'op:reuse'],
  CLEAR_REUSE: ['op:slave', 'op:reuse'],
  RECYCLE: ['op:slave', 'op:reuse', ...TERMINATE],
  ACK: ['op:batch'],
  METADATA_CLIENT: ['op:metadata'],
  METADATA_ENGINE: ['op:metadata'],
  DRAINED: ['op:wait', ...PAUSE, ...TERMINATE],
  ISSUE: ['op:issue', 'op:wait'],
  SUBMIT: [...TRANSFERS, 'op:batch'],
  PREP: [...TRANSFERS, 'op:batch'],
  PREP_SLAVE: ['op:slave', ...CYCLIC],
  CONFIG: ['op:control', 'op:slave', ...CYCLIC],
  PREP_MEM: ['op:memcpy', 'op:memset', 'op:memcpy-sg'],
  DESC_FREE: ['op:reuse'],
};

function byObservation(target: string): readonly Lever[] {
  const [, , kind, life] = target.split(':');
  if (kind === 'channel') {
    if (life === 'paused') return ['op:pause-poll'];
    if (life === 'terminating') return ['op:terminate-poll', 'callback:terminate-async'];
    return READS;
  }
  const base: Lever[] = ['op:status', ...READS];
  if (kind === 'cyclic') base.push(...CYCLIC);
  if (kind === 'repeat') base.push(...REPEAT);
  if (life === 'aborted') base.push('op:terminate-poll');
  if (life === 'callback') base.push('callback:read-residue');
  return base;
}

/**
 * Invariants no operation of the lifecycle workloads makes checked, so guidance does not pull
 * on levers for them: a DMA_COMPLETION_NO_ORDER device (no reference provider sets it; the
 * legal variant no-order does), an offload validation (only async_tx chains run xor_val).
 */
const OUT_OF_REACH: ReadonlySet<string> = new Set([
  'inv.no-order-tx-status',
  'inv.validation-writes-nothing',
]);

/** By invariant: the operations whose runs it judges. */
function byRule(id: string): readonly Lever[] {
  if (OUT_OF_REACH.has(id)) return [];
  if (id.includes('residue') || id.includes('tx-status')) return READS;
  if (id.includes('repeat')) return REPEAT;
  if (id.includes('metadata') || id.includes('use-after-submit')) return ['op:metadata'];
  if (id.includes('desc-free')) return ['op:reuse'];
  if (id.includes('memcpy-sg')) return ['op:memcpy-sg'];
  if (id.includes('pause') || id.includes('resume')) return PAUSE;
  if (id.includes('sync') || id.includes('leak') || id.includes('callback')) return TERMINATE;
  return TRANSFERS;
}

function leversOf(target: string): readonly Lever[] {
  if (target.startsWith('obs:')) return byObservation(target);
  if (target.startsWith('rule:')) return byRule(target.slice('rule:'.length));
  const event = target.startsWith('event:') ? target.slice('event:'.length) : target.split('#')[1];
  return BY_EVENT[event ?? ''] ?? [];
}

export const lifecycleGuide: KindGuide<WorkloadShape> = {
  levers: leversOf,
  apply(shape: WorkloadShape, guidance: Guidance): WorkloadShape {
    const ops: Partial<Record<Op['op'], number>> = {};
    const callbacks: Partial<Record<CallbackAction, number>> = {};
    let any = false;
    for (const [lever, weight] of Object.entries(guidance.levers)) {
      const [what, name] = lever.split(':') as [string, string];
      if (what === 'op' && shape.ops.includes(name as Op['op'])) {
        ops[name as Op['op']] = weight;
        any = true;
      } else if (what === 'callback' && shape.callbacks.includes(name as CallbackAction)) {
        callbacks[name as CallbackAction] = weight;
        any = true;
      }
    }
    return any ? { ...shape, opWeights: ops, callbackWeights: callbacks } : shape;
  },
};
