// Bug class: no device_synchronize, so terminate_sync returns while the completion tasklet may
// still run and terminated descriptors are never freed (tegra-apb before "Add
// device_synchronize", reference §8).
import { mutant } from './mutate.js';

export default mutant('no-synchronize', (device) => {
  delete device.device_synchronize;
});
