// Bug class: the completion callback is invoked twice: virt-dma's tasklet calls it after
// vchan_cookie_complete, and the driver's own done tasklet calls it again (sf-pdma before
// 8f6b6d060602 "Fix an error that calls callback twice"; reference §8 #16).
import {
  dmaengine_desc_get_callback_invoke,
  type RefChan,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  tasklet_schedule,
  tasklet_setup,
  to_virt_chan,
} from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('callback-twice', (device, ctx) => {
  const hw = ctx.controller;
  const chans = device.channels.map((chan) => to_virt_chan(chan) as RefChan);
  // The driver's done tasklet: calls back the descriptors the handler completed.
  const done = tasklet_setup(ctx.world, 'callback-twice.done', function* () {
    for (const c of chans) {
      const flags = yield* spin_lock_irqsave(c.lock);
      const finished = c.desc_completed.slice();
      spin_unlock_irqrestore(c.lock, flags);
      for (const vd of finished) yield* dmaengine_desc_get_callback_invoke(vd.tx, null); // the bug
    }
  });
  const clearInt = hw.clearInt.bind(hw);
  hw.clearInt = (ch: number) => {
    clearInt(ch);
    tasklet_schedule(done);
  };
});
