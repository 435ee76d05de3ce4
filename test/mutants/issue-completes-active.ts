// Bug class: a repeated issue_pending completes the running descriptor before the hardware
// finished it (at_hdmac's atc_advance_work "always completed the first active descriptor",
// before "Fix premature completion of desc in issue_pending"; reference §8 #9).
import {
  type Body,
  type DmaChan,
  type RefChan,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_cookie_complete,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('issue-completes-active', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    const c = to_virt_chan(chan) as RefChan;
    const flags = yield* spin_lock_irqsave(c.lock);
    const vd = c.active;
    if (vd && !vd.cyclic && !vd.repeat) {
      vd.tx_result = { result: 'DMA_TRANS_NOERROR', residue: 0 };
      vchan_cookie_complete(vd); // the bug: the hardware may still be moving it
      spin_unlock_irqrestore(c.lock, flags);
      return;
    }
    spin_unlock_irqrestore(c.lock, flags);
    yield* issue(chan);
  };
});
