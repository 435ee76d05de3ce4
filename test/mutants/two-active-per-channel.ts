// Bug class: the next descriptor is started on a physical channel whose descriptor is still in
// flight, losing the first (k3dma before 2f42e05b942f "Avoid null pointer traversal";
// reference §8 #18).
import {
  type Body,
  type DmaChan,
  list_del,
  type RefChan,
  type RefDesc,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_issue_pending,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('two-active-per-channel', (device, ctx) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    const c = to_virt_chan(chan) as RefChan;
    const flags = yield* spin_lock_irqsave(c.lock);
    const busy = c.active !== null && c.phy !== null && !c.paused && !c.active.repeat;
    if (busy && vchan_issue_pending(c)) {
      // The bug: start the next one without checking that the channel is free (ds_run).
      const vd = c.desc_issued[0] as RefDesc;
      list_del(vd);
      c.active = vd;
      ctx.controller.start(c.phy!, vd.llis[0]!);
      spin_unlock_irqrestore(c.lock, flags);
      return;
    }
    spin_unlock_irqrestore(c.lock, flags);
    yield* issue(chan);
  };
});
