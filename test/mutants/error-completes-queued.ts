// Bug class: the error handler completes the queued descriptors, which never ran, along with
// the failed one (at_hdmac's atc_handle_error spliced the queue into active_list, before "Fix
// completion of unissued descriptor in case of errors"; reference §8 #12).
import { list_del, type RefChan, to_virt_chan, vchan_cookie_complete } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('error-completes-queued', (device, ctx) => {
  const hw = ctx.controller;
  const clearError = hw.clearError.bind(hw);
  // Called by the interrupt handler's error path with the owner's vc.lock held.
  hw.clearError = (ch: number) => {
    clearError(ch);
    for (const chan of device.channels) {
      const c = to_virt_chan(chan) as RefChan;
      if (c.phy !== ch) continue;
      for (const vd of [...c.desc_issued, ...c.desc_submitted]) {
        list_del(vd);
        vchan_cookie_complete(vd); // the bug: it never ran
      }
    }
  };
});
