// Bug class: issue_pending queues the descriptors but does not start an idle channel
// ("If channel is idle then the first transaction in queue is started", client.rst).
import {
  type Body,
  type DmaChan,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_issue_pending,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('issue-pending-never-starts', (device) => {
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    const vc = to_virt_chan(chan);
    const flags = yield* spin_lock_irqsave(vc.lock);
    vchan_issue_pending(vc); // issued, never started
    spin_unlock_irqrestore(vc.lock, flags);
  };
});
