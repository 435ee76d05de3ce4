// Bug class: descriptors recycled from a pool before the client acked them (DMA_CTRL_ACK):
// "If clear, the descriptor cannot be reused by provider until the client acknowledges
// receipt" (provider.rst "Misc notes: DMA_CTRL_ACK"; async_tx depends on it, reference §5.7).
import {
  type DmaChan,
  list_del,
  type PrepResult,
  type RefDesc,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  to_virt_desc,
  type VirtDmaDesc,
  vchan_tx_prep,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('recycle-before-ack', (device) => {
  // The bug: every freed descriptor goes back to a pool, acked or not.
  const pool: RefDesc[] = [];
  for (const chan of device.channels) {
    (to_virt_chan(chan) as { desc_free: (vd: VirtDmaDesc) => void }).desc_free = (vd) =>
      pool.push(vd as RefDesc);
  }
  const prep = device.device_prep_slave_sg!.bind(device);
  device.device_prep_slave_sg = function* (chan: DmaChan, sgl, direction, flags): PrepResult {
    const tx = yield* prep(chan, sgl, direction, flags);
    const old = pool.findIndex((vd) => vd.tx.chan === chan);
    if (!tx || old < 0) return tx;
    // Move the new transfer into a pooled descriptor object and hand that out instead.
    const fresh = to_virt_desc(tx) as RefDesc;
    const reused = pool.splice(old, 1)[0]!;
    const vc = to_virt_chan(chan);
    const lockFlags = yield* spin_lock_irqsave(vc.lock);
    list_del(fresh);
    spin_unlock_irqrestore(vc.lock, lockFlags);
    reused.llis = fresh.llis;
    reused.size = fresh.size;
    reused.direction = fresh.direction;
    for (const item of reused.llis) item.tag = reused.tx;
    return yield* vchan_tx_prep(vc, reused, flags);
  };
});
