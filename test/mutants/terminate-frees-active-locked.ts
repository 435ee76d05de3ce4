// Bug class: terminate_all frees the active descriptor directly (vchan_vdesc_fini) with
// vc.lock held and before synchronize (bcm2835-dma before "do not call vchan_vdesc_fini() with
// lock held", 2019-12; reference §8 #6).
import {
  type Body,
  type DmaChan,
  type RefChan,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_vdesc_fini,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('terminate-frees-active-locked', (device) => {
  const terminate = device.device_terminate_all!.bind(device);
  device.device_terminate_all = function* (chan: DmaChan): Body<number> {
    const c = to_virt_chan(chan) as RefChan;
    const active = c.active;
    c.active = null;
    const ret = yield* terminate(chan);
    if (active) {
      const flags = yield* spin_lock_irqsave(c.lock);
      yield* vchan_vdesc_fini(active); // the bug: freed under the lock, now
      spin_unlock_irqrestore(c.lock, flags);
    }
    return ret;
  };
});
