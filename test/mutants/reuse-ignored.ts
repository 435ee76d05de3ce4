// Bug class: reuse granted where the driver does not support it: the driver builds its
// descriptors without DMA_CTRL_REUSE and frees a reusable descriptor after completion (the
// consequence of dmaengine_desc_set_reuse ignoring dma_get_slave_caps' error, "Fix access to
// uninitialized dma_slave_caps", Fixes 272420214d26; reference §1.7, §8 #22).
import { type Body, DMA_CTRL_REUSE, type DmaChan, to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('reuse-ignored', (device) => {
  const issue = device.device_issue_pending!.bind(device);
  device.device_issue_pending = function* (chan: DmaChan): Body<void> {
    for (const vd of to_virt_chan(chan).desc_submitted) vd.tx.flags &= ~DMA_CTRL_REUSE; // the bug
    yield* issue(chan);
  };
});
