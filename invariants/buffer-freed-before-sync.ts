import type { DmaChan } from '../src/dmaengine/channel.js';
import type { DmaAsyncTxDescriptor, TxModel } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { onMemoryFree } from '../src/kernel/checker.js';
import type { Region } from '../src/kernel/memory.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, hex, IN_FLIGHT, layoutSegs, lifeIn, lifeOf, overlaps } from './observe.js';

/**
 * The client keeps a transfer's memory until the engine is done with it: not while the
 * transfer is submitted, issued or running, and, once it was terminated with
 * dmaengine_terminate_async, not before dmaengine_synchronize returned (the hardware may
 * still be accessing it). A completed transfer's memory may go (a client that polls
 * tx_status learns of the completion before the callback runs).
 *
 * Terminated transfers are remembered by this checker, not looked up: a provider frees the
 * descriptors it aborts whenever it likes (virt-dma frees queued ones inside terminate), but
 * the client's obligation lasts until synchronize either way. A terminate is released by a
 * synchronize that began after it returned, once that synchronize returns.
 */
export const bufferFreedBeforeSync = defineInvariant({
  rule: defineRule({
    id: 'inv.buffer-freed-before-sync',
    rule: 'The client does not free memory a transfer accesses while the transfer is in flight, nor after terminating it with dmaengine_terminate_async until dmaengine_synchronize has returned.',
    source: cites(
      section(
        'client.rst',
        'Further APIs: 1. Terminate APIs',
        '("dmaengine_synchronize() must be called before it is safe to free the memory accessed by the DMA transfer")',
      ),
      section(
        'client.rst',
        'DMA usage: 3. Get a descriptor for transaction',
        '("must keep the scatterlist mapped until the DMA operation has completed")',
      ),
    ),
    side: 'client',
    kind: 'safety',
  }),
  attach(ctx) {
    // Descriptors submitted and not yet completed or freed (their state says if still in flight).
    const submitted = new Set<DmaAsyncTxDescriptor>();
    interface Terminated {
      readonly models: readonly TxModel[];
      returned: boolean;
      /** A synchronize that began after this terminate returned is running. */
      syncing: boolean;
    }
    const terminated = new Map<DmaChan, Terminated[]>();

    ctx.on(['submit', 'complete', 'free', 'terminate', 'synchronize'], (e) => {
      switch (e.type) {
        case 'submit':
          submitted.add(e.tx);
          break;
        case 'complete':
        case 'free':
          submitted.delete(e.tx);
          break;
        case 'terminate': {
          const list = terminated.get(e.chan) ?? [];
          if (e.phase === 'begin') {
            const models: TxModel[] = [];
            for (const tx of submitted)
              if (tx.chan === e.chan && lifeIn(tx, IN_FLIGHT)) models.push(txModel(tx)!);
            if (models.length > 0) list.push({ models, returned: false, syncing: false });
          } else {
            for (const t of list) t.returned = true;
          }
          terminated.set(e.chan, list);
          break;
        }
        case 'synchronize': {
          const list = terminated.get(e.chan);
          if (list === undefined) break;
          if (e.phase === 'begin') {
            for (const t of list) if (t.returned) t.syncing = true;
          } else {
            const left = list.filter((t) => !t.syncing);
            if (left.length > 0) terminated.set(e.chan, left);
            else terminated.delete(e.chan);
          }
          break;
        }
      }
    });

    onMemoryFree(ctx.world, (region: Region) => {
      ctx.checked();
      for (const tx of submitted) {
        const m = txModel(tx);
        if (!m || !lifeIn(tx, IN_FLIGHT) || !touches(m, region)) continue;
        ctx.fail(
          `the client frees ${region.label} (${hex(region.addr)}) while ${tx.name} is ${lifeOf(tx)} and uses it`,
          tx.name,
        );
        return;
      }
      for (const [chan, list] of terminated) {
        for (const t of list) {
          const m = t.models.find((model) => touches(model, region));
          if (m === undefined) continue;
          ctx.fail(
            `the client frees ${region.label} (${hex(region.addr)}), used by ${m.id}, after dmaengine_terminate_async(${chanName(chan)}) and before dmaengine_synchronize returned`,
            m.id,
          );
          return;
        }
      }
    });
  },
});

const touches = (model: TxModel, region: Region): boolean =>
  layoutSegs(model.layout).some((s) => overlaps(s, region.addr, region.size));
