// Bug class: desc_free called with vc.lock held: synchronize frees the terminated descriptors
// inside the spinlock (before "virt-dma: Do not call desc_free() under a spin_lock", 2019-12;
// imx-sdma's desc_free calls dma_free_coherent; reference §1.4, §8 #4).
import {
  type Body,
  type DmaChan,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  tasklet_kill,
  to_virt_chan,
  vchan_vdesc_fini,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('synchronize-frees-under-lock', (device) => {
  device.device_synchronize = function* (chan: DmaChan): Body<void> {
    const vc = to_virt_chan(chan);
    yield* tasklet_kill(vc.task);
    const flags = yield* spin_lock_irqsave(vc.lock);
    const head = vc.desc_terminated.splice(0);
    for (const vd of head) {
      vd.node = null;
      yield* vchan_vdesc_fini(vd); // the bug: under vc.lock
    }
    spin_unlock_irqrestore(vc.lock, flags);
  };
});
