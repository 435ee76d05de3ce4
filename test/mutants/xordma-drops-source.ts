// Bug class: an xor or pq engine that loses a source (an off-by-one in the descriptor's source
// count): the result is wrong, which dmatest's xor and pq threads catch by verifying every
// destination byte (kernel-dmaengine-rules.md §6.2; drivers/dma/dmatest.c dmatest_verify()).
import type { DmaChan } from 'dmactor';
import { xordmaMutant } from './mutate.js';

export default xordmaMutant('xordma-drops-source', (xd) => {
  const xor = xd.device.device_prep_dma_xor!.bind(xd.device);
  const pq = xd.device.device_prep_dma_pq!.bind(xd.device);
  // The bug: the last source never reaches the hardware.
  xd.device.device_prep_dma_xor = (chan: DmaChan, dest, src, len, flags) =>
    xor(chan, dest, src.length > 1 ? src.slice(0, -1) : src, len, flags);
  xd.device.device_prep_dma_pq = (chan: DmaChan, dst, src, scf, len, flags) =>
    pq(
      chan,
      dst,
      src.length > 1 ? src.slice(0, -1) : src,
      scf.slice(0, Math.max(1, src.length - 1)),
      len,
      flags,
    );
});
