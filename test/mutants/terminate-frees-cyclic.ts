// Bug class: terminate_all frees the active descriptor itself, leaving vc->cyclic pointing at
// it, so the completion tasklet calls back a freed descriptor (virt-dma before commit
// 1c7f072d94e8 "Support for race free transfer termination", reference §1.6 step 1, §8 #2).
import { type Body, type DmaChan, type RefChan, to_virt_chan, vchan_vdesc_fini } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('terminate-frees-cyclic', (device) => {
  const terminate = device.device_terminate_all!.bind(device);
  device.device_terminate_all = function* (chan: DmaChan): Body<number> {
    const c = to_virt_chan(chan) as RefChan;
    const active = c.active;
    c.active = null; // not parked with vchan_terminate_vdesc: vc->cyclic keeps pointing at it
    const ret = yield* terminate(chan);
    if (active) yield* vchan_vdesc_fini(active); // the bug: freed now, not at synchronize
    return ret;
  };
});
