// Bug class: a provider whose clean-up path never runs the dependencies, so an async_tx
// operation chained behind a descriptor of this channel is never submitted: async-tx-api.rst
// §4.1 "Conformance points" (3. "Use async_tx_run_dependencies() in the descriptor clean up
// path to handle submission of dependent operations"); reference §5.5.
import { xordmaMutant } from './mutate.js';

export default xordmaMutant('xordma-no-dependencies', (xd) => {
  // The bug: the clean-up calls back and recycles, but forgets dma_run_dependencies.
  xd.hooks.runDependencies = function* () {};
});
