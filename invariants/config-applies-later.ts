import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { chanModel, txModel } from '../src/dmaengine/record.js';
import { DMA_DEV_TO_MEM, DMA_MEM_TO_DEV } from '../src/dmaengine/types.js';
import { defineRule } from '../src/rules/rule.js';
import { section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';

/**
 * device_config "should NOT perform synchronously, or on any currently queued transfers, but
 * only on subsequent ones": a slave transfer runs with the peripheral's bus width configured
 * when it was prepared, whatever the client configured since. Checked when the controller
 * starts the transfer's first item, the width on the device side of the item against the one
 * recorded at prep. (The burst is not compared: a provider may cap it to what the controller
 * can do.)
 */
export const configAppliesLater = defineInvariant({
  rule: defineRule({
    id: 'inv.config-applies-later',
    rule: 'A slave transfer runs with the bus width configured when it was prepared: dmaengine_slave_config applies only to transfers prepared after it.',
    source: section(
      'provider.rst',
      'Device operations: device_config',
      '("This command should NOT perform synchronously, or on any currently queued transfers, but only on subsequent ones")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const prepared = new Map<DmaAsyncTxDescriptor, { readonly toDev: boolean; readonly width: number }>();
    const record = (tx: DmaAsyncTxDescriptor) => {
      const m = txModel(tx);
      const cfg = chanModel(tx.chan).config;
      if (m === null || cfg === null || (m.direction !== DMA_MEM_TO_DEV && m.direction !== DMA_DEV_TO_MEM)) {
        prepared.delete(tx);
        return;
      }
      const toDev = m.direction === DMA_MEM_TO_DEV;
      const width = toDev ? cfg.dst_addr_width : cfg.src_addr_width;
      if (width) prepared.set(tx, { toDev, width });
      else prepared.delete(tx);
    };
    ctx.on(['prep', 'hw-start'], (e) => {
      switch (e.type) {
        case 'prep':
          record(e.tx);
          break;
        case 'hw-start': {
          const want = prepared.get(e.tx);
          const item = e.tx.chan.device.hw?.currentItem(e.ch) ?? null;
          if (want === undefined || item === null || item.tag !== e.tx || item.xform !== undefined) break;
          ctx.checked();
          const width = want.toDev ? item.dstWidth : item.srcWidth;
          if (width !== want.width)
            ctx.fail(
              `${e.tx.name} was prepared for a ${want.width}-byte bus width and runs with ${width}: a later dmaengine_slave_config reached a queued transfer`,
              e.tx.name,
            );
          break;
        }
      }
    });
  },
});
