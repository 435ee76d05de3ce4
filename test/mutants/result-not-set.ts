// Bug class: the driver does not fill vd->tx_result before vchan_cookie_complete, so the
// client's callback_result hears DMA_TRANS_NOERROR with residue 0 for a transfer a bus error
// cut short (sh usb-dmac before "set tx_result parameters", after 24461d9792c2; reference §8 #21).
import { type PrepResult, to_virt_desc, type VirtDmaDesc } from 'dmactor';
import { mutant } from './mutate.js';

const NOERROR = { result: 'DMA_TRANS_NOERROR', residue: 0 } as const;

/** The bug: whatever the driver writes to tx_result, the client gets the default. */
function forgetResult(vd: VirtDmaDesc): void {
  Object.defineProperty(vd, 'tx_result', {
    configurable: true,
    get: () => NOERROR,
    set: () => {},
  });
}

export default mutant('result-not-set', (device) => {
  const preps = ['device_prep_slave_sg', 'device_prep_dma_memcpy', 'device_prep_dma_memset'] as const;
  for (const name of preps) {
    const prep = device[name] as ((...args: never[]) => PrepResult) | undefined;
    if (!prep) continue;
    const bound = prep.bind(device);
    (device as unknown as Record<string, unknown>)[name] = function* (...args: never[]): PrepResult {
      const tx = yield* bound(...args);
      if (tx) forgetResult(to_virt_desc(tx));
      return tx;
    };
  }
});
