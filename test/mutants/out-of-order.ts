// Bug class: descriptors started and completed out of order on a device that does not set
// DMA_COMPLETION_NO_ORDER (completed_cookie moves backwards, reference §2).
import {
  type Body,
  type DmaChan,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_issue_pending,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('out-of-order', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    const vc = to_virt_chan(chan);
    const flags = yield* spin_lock_irqsave(vc.lock);
    vchan_issue_pending(vc);
    vc.desc_issued.reverse(); // the bug: newest first
    spin_unlock_irqrestore(vc.lock, flags);
    yield* issue(chan);
  };
});
