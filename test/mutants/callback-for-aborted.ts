// Bug class: terminate completes the running descriptor instead of parking it with
// vchan_terminate_vdesc, so the client is called back for a transfer it aborted, whose data
// never fully moved ("For aborted transfers the complete callback should not be called",
// provider.rst device_terminate_all; reference §1.6, §8).
import {
  type Body,
  type DmaChan,
  type RefChan,
  type RefDesc,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_cookie_complete,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('callback-for-aborted', (device) => {
  const terminate = device.device_terminate_all!.bind(device);
  device.device_terminate_all = function* (chan: DmaChan): Body<number> {
    const c = to_virt_chan(chan) as RefChan;
    const active = c.active as RefDesc | null;
    const ret = yield* terminate(chan); // gathers the lists, parks the active one...
    if (active) {
      // ...and then the bug: "finish" it after all, with its callback.
      const flags = yield* spin_lock_irqsave(c.lock);
      c.desc_terminated.splice(c.desc_terminated.indexOf(active), 1);
      active.node = null;
      vchan_cookie_complete(active);
      spin_unlock_irqrestore(c.lock, flags);
    }
    return ret;
  };
});
