// Bug class: terminate_all returns early when nothing is on the hardware, so what is queued
// or completed (its tasklet not yet run) stays live after terminate (tegra20-apb-dma before
// "Fix use-after-free", Dmitry Osipenko, 2020; reference §8 #13).
import { type Body, type DmaChan, type RefChan, to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('terminate-skips-idle', (device) => {
  const terminate = device.device_terminate_all!.bind(device);
  device.device_terminate_all = function* (chan: DmaChan): Body<number> {
    const c = to_virt_chan(chan) as RefChan;
    if (c.active === null && c.phy === null) return 0; // the bug: "nothing running, nothing to do"
    return yield* terminate(chan);
  };
});
