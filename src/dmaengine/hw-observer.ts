import type { DmaController } from '../hw/dma-controller.js';
import { report } from '../kernel/checker.js';
import { DmaAsyncTxDescriptor } from './descriptor.js';
import { dmaBus } from './events.js';
import { observeTx, txModel } from './record.js';
import { DmaRules } from './rules.js';
import { submittedDuringIssue } from './tracking.js';

/**
 * The framework's trusted view of the hardware: the controller reports which descriptor's
 * items it starts and restarts (Lli.tag), and the descriptor charts see START and REPEAT from
 * here, never from the provider's own word.
 */
export function observeHardware(hw: DmaController): void {
  const txOf = (ch: number, tag: unknown): DmaAsyncTxDescriptor | null => {
    if (tag instanceof DmaAsyncTxDescriptor) return tag;
    report(hw.world, DmaRules.untaggedHardware, `${hw.name}.ch${ch} runs an item without a descriptor tag`);
    return null;
  };
  const bus = dmaBus(hw.world);
  hw.observer = {
    started(ch, tag) {
      // A descriptor already active (a list of several items, a repeat) is not started twice;
      // any other state is checked by the chart (START is accepted only when issued).
      const tx = txOf(ch, tag);
      // Submitted while another task's issue_pending on the channel was in progress: that
      // call issued it (the provider saw it in its queue), as the kernel allows.
      const m = tx === null ? null : txModel(tx);
      if (m && submittedDuringIssue.has(m) && m.monitor.matches({ live: { life: 'submitted' } })) {
        observeTx(tx!, { type: 'ISSUE' }, 'by the issue_pending in progress at its submit');
      }
      if (tx && !txModel(tx)?.monitor.matches({ live: { life: 'active' } })) observeTx(tx, { type: 'START' });
      if (tx && bus.active) bus.emit({ type: 'hw-start', tx, ch });
    },
    moved(ch, tag, bytes) {
      if (bus.active && tag instanceof DmaAsyncTxDescriptor)
        bus.emit({ type: 'hw-moved', tx: tag, ch, bytes });
    },
    restarted(ch, tag) {
      const tx = txOf(ch, tag);
      if (tx !== null && txModel(tx)?.kind === 'repeat') observeTx(tx, { type: 'REPEAT' });
    },
  };
}
