// Bug class: issue_pending returns early for a cyclic transfer, so an idle channel is never
// started (at_hdmac before "Start transfer for cyclic channels in issue_pending", Fixes
// 53830cc75974; it only worked while tx_submit started transfers; reference §8 #8).
import {
  type Body,
  type DmaChan,
  type RefDesc,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_issue_pending,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('cyclic-issue-never-starts', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    const vc = to_virt_chan(chan);
    if (vc.desc_submitted.some((vd) => (vd as RefDesc).cyclic)) {
      const flags = yield* spin_lock_irqsave(vc.lock);
      vchan_issue_pending(vc); // the bug: a cyclic channel is left for tx_submit to start
      spin_unlock_irqrestore(vc.lock, flags);
      return;
    }
    yield* issue(chan);
  };
});
