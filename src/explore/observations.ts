import { CookieOwners, lifeOf } from '../../invariants/observe.js';
import type { DmaChan } from '../dmaengine/channel.js';
import type { TxKind } from '../dmaengine/descriptor.js';
import { dmaBus } from '../dmaengine/events.js';
import { chanModel, txModel } from '../dmaengine/record.js';
import type { World } from '../kernel/world.js';

/**
 * (state x observation) coverage: which observations a client made of which states. A rule
 * about tx_status, the residue, pause, terminate or synchronize is only as good as the states
 * it was judged in, so campaigns count each pair beside the charts' transitions, in the same
 * map, under `obs:` keys, and guidance (guidance.ts) steers toward the pairs never made.
 */

/**
 * Where a cookie can be read, per descriptor kind; `retired`: its descriptor completed and was
 * freed (or recycled), the cookie is history. A cyclic descriptor never completes (it is
 * stopped: aborted), and the workloads' repeated frames have no completion callback.
 */
const LIVES: Readonly<Record<TxKind, readonly string[]>> = {
  oneshot: [
    'submitted',
    'issued',
    'active',
    'completed',
    'callbackPending',
    'callback',
    'done',
    'aborted',
    'retired',
  ],
  cyclic: ['submitted', 'issued', 'active', 'aborted', 'retired'],
  repeat: ['submitted', 'issued', 'active', 'completed', 'done', 'aborted', 'retired'],
};
/** The channel's activity region (pause, terminate and synchronize in each are chart transitions already). */
const CHANNEL_ACTIVITY = ['idle', 'busy', 'paused', 'terminating'] as const;

/** The pairs a campaign can make: tx_status (with the residue) of each kind of cookie in each state, and on a channel in each activity. */
export function observationKeys(): string[] {
  const keys: string[] = [];
  for (const [kind, lives] of Object.entries(LIVES))
    for (const life of lives) keys.push(`obs:tx-status:${kind}:${life}`);
  for (const at of CHANNEL_ACTIVITY) keys.push(`obs:tx-status:channel:${at}`);
  return keys;
}

function activity(state: string): string {
  for (const a of CHANNEL_ACTIVITY) if (state.includes(`activity.${a}`)) return a;
  return 'other';
}

/** Count the world's (state x observation) pairs into `counts`, from the framework's bus. */
export function trackObservations(world: World, counts: Map<string, number>): void {
  const cookies = new CookieOwners();
  // The kind of every cookie submitted, so a retired cyclic or repeated cookie is still one.
  const kinds = new Map<DmaChan, Map<number, TxKind>>();
  const bump = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  dmaBus(world).on(['submit', 'free', 'tx-status'], (e) => {
    if (e.type === 'submit') {
      cookies.submitted(e.tx, e.cookie);
      const kind = txModel(e.tx)?.kind;
      if (kind !== undefined && kind !== 'oneshot') {
        let of = kinds.get(e.tx.chan);
        if (of === undefined) {
          of = new Map();
          kinds.set(e.tx.chan, of);
        }
        of.set(e.cookie, kind);
      }
    } else if (e.type === 'free') cookies.forget(e.tx);
    else if (e.type === 'tx-status') {
      const owner = cookies.owner(e.chan, e.cookie);
      const life = owner ? lifeOf(owner) : 'retired';
      const kind = (owner ? txModel(owner)?.kind : kinds.get(e.chan)?.get(e.cookie)) ?? 'oneshot';
      bump(`obs:tx-status:${kind}:${life === 'freed' || life === 'untracked' ? 'retired' : life}`);
      bump(`obs:tx-status:channel:${activity(chanModel(e.chan).monitor.state)}`);
    }
  });
}

export interface ObservationCoverage {
  readonly made: number;
  readonly total: number;
  /** Pairs never made. */
  readonly never: readonly string[];
}

export function observationReport(counts: ReadonlyMap<string, number>): ObservationCoverage {
  const keys = observationKeys();
  const never = keys.filter((k) => (counts.get(k) ?? 0) === 0);
  return { made: keys.length - never.length, total: keys.length, never };
}
