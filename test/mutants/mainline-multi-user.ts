// Bug class: terminate_all also frees the descriptors another thread prepared and has not yet
// submitted (mainline virt-dma's vchan_get_all_descriptors takes desc_allocated; "virt-dma:
// Fix multi-user with vchan", Jie Hai, 2024, proposed; reference §1.8, §8 #30).
import { to_virt_chan } from 'dmactor';
import { mutant } from './mutate.js';

export default mutant('mainline-multi-user', (device) => {
  for (const chan of device.channels) to_virt_chan(chan).getAllTakesAllocated = true;
});
