// Bug class: pause loses the bytes in flight: resume restarts from the next item instead of
// where the transfer stopped ("pauses activity on the DMA channel without data loss",
// client.rst "Pause API").
import { type Body, type DmaChan, type RefChan, to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('pause-loses-bytes', (device, ctx) => {
  const resume = device.device_resume!.bind(device);
  device.device_resume = function* (chan: DmaChan): Body<number> {
    const c = to_virt_chan(chan) as RefChan;
    const hw = ctx.controller;
    if (c.phy !== null && c.active && hw.state(c.phy) === 'paused') {
      const next = hw.currentItem(c.phy)?.next ?? null;
      if (next !== null && next !== c.active.llis[0]) {
        // The bug: drop the rest of the current item.
        hw.abort(c.phy);
        hw.start(c.phy, next);
        c.paused = false;
        return 0;
      }
    }
    return yield* resume(chan);
  };
});
