import type { TxModel } from '../src/dmaengine/descriptor.js';
import { chanId, txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { HardwareDone, hardwareDone } from './observe.js';

/**
 * An async_tx operation runs only after the operation it depends on completed, on any
 * channel: the hardware starts it (its first item fetched, 'hw-start') or the CPU runs it
 * (the synchronous path's 'async-sync' begin) only once its dependency is done: all of its
 * bytes moved (HardwareDone: a dependant submitted directly behind it on the same channel
 * starts there, before the provider's clean-up completes the cookie) or its cookie completed.
 *
 * The dependency is the one the caller gave (submit->depend_tx, seen at async_tx_submit),
 * whatever the layer did with it: chained on the same channel, submitted directly behind it
 * (then the channel's in-order execution must keep the order), or behind an interrupt
 * descriptor after a channel switch.
 */
export const asyncDependencyOrder = defineInvariant({
  rule: defineRule({
    id: 'inv.async-dependency-order',
    rule: 'A dependent async_tx operation never starts before the operation it depends on has completed, whichever channels (or the CPU) run them.',
    source: cites(
      section('async-tx-api.rst', '§1 "Introduction"', '(inter-transactional dependencies)'),
      section('async-tx-api.rst', '§2 "Genealogy"', '2 (cross channel dependency chains)'),
      section('async-tx-api.rst', '§3.7 "Example"'),
      section('kernel-dmaengine-rules.md', '§5.3'),
      section('kernel-dmaengine-rules.md', '§5.4'),
      section('kernel-dmaengine-rules.md', '§5.5'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const parentOf = new Map<TxModel, TxModel>();
    const completed = new WeakSet<TxModel>();
    const hw = hardwareDone(ctx.world);
    const done = (m: TxModel) => completed.has(m) || hw.done(m);
    ctx.on([...HardwareDone.EVENTS, 'async-submit', 'complete', 'async-sync'], (e) => {
      hw.note(e);
      switch (e.type) {
        case 'async-submit':
          {
            const child = txModel(e.tx);
            const parent = e.depend ? txModel(e.depend) : null;
            if (parent && child) parentOf.set(child, parent);
          }
          break;
        case 'complete':
          {
            const m = txModel(e.tx);
            if (m) completed.add(m);
          }
          break;
        case 'hw-start': {
          const m = txModel(e.tx);
          const parent = m === null ? undefined : parentOf.get(m);
          if (parent === undefined) break;
          ctx.checked();
          if (!done(parent)) {
            ctx.fail(
              `${e.tx.name} started on ${chanId(e.tx.chan)} before ${parent.id}, which it depends on, completed (${parent.monitor.state})`,
              e.tx.name,
            );
          }
          break;
        }
        case 'async-sync':
          if (e.phase !== 'begin' || e.depend === null) break;
          ctx.checked();
          if (!done(e.depend)) {
            ctx.fail(
              `the CPU ran ${e.compute.op} before ${e.depend.id}, which it depends on, completed (${e.depend.monitor.state})`,
              e.depend.id,
            );
          }
          break;
      }
    });
  },
});
