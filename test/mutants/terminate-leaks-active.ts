// Bug class: terminate_all forgets the active descriptor instead of handing it back with
// vchan_terminate_vdesc, so it is never freed (imx-sdma, reference §1.2 "ACTIVE" and §8).
import { type Body, type DmaChan, type RefChan, to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('terminate-leaks-active', (device) => {
  const terminate = device.device_terminate_all!.bind(device);
  device.device_terminate_all = function* (chan: DmaChan): Body<number> {
    const c = to_virt_chan(chan) as RefChan;
    c.active = null; // the active descriptor is dropped on the floor
    return yield* terminate(chan);
  };
});
