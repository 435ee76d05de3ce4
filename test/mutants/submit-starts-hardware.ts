// Bug class: tx_submit starts the transfer ("dmaengine_submit() will not start the DMA
// operation", client.rst; at_hdmac, reference §8).
import {
  type Body,
  type DmaAsyncTxDescriptor,
  type DmaChan,
  type dma_cookie_t,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  to_virt_chan,
  vchan_issue_pending,
  vchan_tx_submit,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('submit-starts-hardware', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  const prep = device.device_prep_slave_sg!.bind(device);
  device.device_prep_slave_sg = function* (chan, sgl, direction, flags) {
    const tx = yield* prep(chan, sgl, direction, flags);
    if (tx) {
      tx.tx_submit = function* (t: DmaAsyncTxDescriptor): Body<dma_cookie_t> {
        const cookie = yield* vchan_tx_submit(t);
        const vc = to_virt_chan(t.chan as DmaChan);
        const flags2 = yield* spin_lock_irqsave(vc.lock);
        vchan_issue_pending(vc);
        spin_unlock_irqrestore(vc.lock, flags2);
        yield* issue(t.chan); // the bug: start it now
        return cookie;
      };
    }
    return tx;
  };
});
