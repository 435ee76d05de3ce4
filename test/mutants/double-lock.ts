// Bug class: a function takes the channel lock its caller already holds: a non-recursive
// spinlock deadlocks (coh901318 before "Fix a double lock bug in dma_tc_handle()", Fixes
// 0b58828c923e; reference §8 #20).
import { type Body, type DmaChan, spin_lock_irqsave, spin_unlock_irqrestore, to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('double-lock', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    const vc = to_virt_chan(chan);
    const flags = yield* spin_lock_irqsave(vc.lock);
    yield* issue(chan); // the bug: it takes vc.lock again
    spin_unlock_irqrestore(vc.lock, flags);
  };
});
