// Bug class: dependencies run when the parent is issued (here: as soon as it reaches the
// hardware queue) instead of from the clean-up path after it completed, so a dependant on
// another channel starts while its parent is still running: async-tx-api.rst §4.1 point 3
// (the clean-up path runs the dependencies); reference §5.5 (dma_run_dependencies "from
// their cleanup path").
import { type DmaAsyncTxDescriptor, type DmaChan, spin_lock_irqsave, spin_unlock_irqrestore } from 'dmactor';
import { xordmaMutant } from './mutate.js';

export default xordmaMutant('xordma-dependent-first', (xd) => {
  const runDependencies = xd.hooks.runDependencies;
  xd.hooks.runDependencies = function* () {};
  const issue = xd.device.device_issue_pending!.bind(xd.device);
  // The bug: issue_pending submits the dependants of everything it issued, right away.
  xd.device.device_issue_pending = function* (chan: DmaChan) {
    yield* issue(chan);
    const c = xd.chans[chan.chan_id]!;
    const flags = yield* spin_lock_irqsave(c.lock);
    const parents: DmaAsyncTxDescriptor[] = [...c.active, ...c.issued]
      .map((d) => d.tx)
      .filter((tx) => tx.next !== null);
    spin_unlock_irqrestore(c.lock, flags);
    for (const tx of parents) yield* runDependencies(tx);
  };
});
