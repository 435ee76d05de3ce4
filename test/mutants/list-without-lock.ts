// Bug class: a virt-dma list changed without vc.lock (vchan_issue_pending asserts the lock,
// reference §1.4).
import { type Body, type DmaChan, to_virt_chan, vchan_issue_pending } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('list-without-lock', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    vchan_issue_pending(to_virt_chan(chan)); // the bug: no spin_lock_irqsave(&vc->lock)
    yield* issue(chan);
  };
});
