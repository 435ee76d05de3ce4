// Bug class: the descriptor is freed before its callback reads the result: virt-dma's order
// before commit 24461d9792c2 ("vchan_vdesc_fini, then dmaengine_desc_callback_invoke(&vd->tx_result)",
// reference §1.3, §1.6, §8 #1).
import { to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('free-before-callback', (device) => {
  for (const chan of device.channels) to_virt_chan(chan).finiBeforeInvoke = true;
});
