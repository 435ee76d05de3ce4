// Bug class: virt-dma put reusable descriptors back on desc_allocated without vc.lock
// (regression from 13bb26ae8850, fixed by "dmaengine: virt-dma: Add missing locking", Sascha
// Hauer, 2019-12; reference §1.6 step 3, §8 #3): list corruption.
import { to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('reuse-list-without-lock', (device) => {
  for (const chan of device.channels) to_virt_chan(chan).reuseWithoutLock = true;
});
