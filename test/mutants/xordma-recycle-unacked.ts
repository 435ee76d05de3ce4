// Bug class: descriptors recycled from the pool before the client acknowledged them
// (DMA_CTRL_ACK), so async_tx may chain a dependant to (or wait on) a descriptor that already
// carries another operation: provider.rst "Misc notes: DMA_CTRL_ACK"; async-tx-api.rst §3.3;
// reference §5.7 (tegra-apb before its fix took any descriptor off its free list).
import { xordmaMutant } from './mutate.js';

export default xordmaMutant('xordma-recycle-unacked', (xd) => {
  // The bug: prep (and clean-up) treat every completed descriptor as free, acked or not.
  xd.hooks.reusable = () => true;
});
