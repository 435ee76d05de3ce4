import type { DmaController } from '../hw/dma-controller.js';
import { setHwObserver } from '../hw/observer.js';
import { report } from '../kernel/checker.js';
import { DmaAsyncTxDescriptor } from './descriptor.js';
import { dmaBus } from './events.js';
import { instrument } from './instrument.js';
import { txModel } from './record.js';
import { DmaRules } from './rules.js';

/**
 * The framework's trusted view of the hardware: the controller reports which descriptor's
 * items it starts and restarts (Lli.tag), and the descriptor charts see START and REPEAT from
 * here, never from the provider's own word.
 */
const LOOPS = Object.freeze({ cyclic: true });
const ONCE = Object.freeze({ cyclic: false });

export function observeHardware(hw: DmaController): void {
  const txOf = (ch: number, tag: unknown): DmaAsyncTxDescriptor | null => {
    if (tag instanceof DmaAsyncTxDescriptor) return tag;
    report(hw.world, DmaRules.untaggedHardware, `${hw.name}.ch${ch} runs an item without a descriptor tag`);
    return null;
  };
  const world = hw.world;
  const bus = dmaBus(world);
  setHwObserver(hw, {
    started(ch, tag) {
      const tx = txOf(ch, tag);
      if (tx !== null) instrument(world, { type: 'hw-start', tx, ch });
    },
    moved(ch, tag, bytes, writes) {
      // The hot path: nothing is made for a burst while no invariant listens.
      if (bus.active && tag instanceof DmaAsyncTxDescriptor)
        instrument(world, { type: 'hw-moved', tx: tag, ch, bytes, writes });
    },
    transfer(tag) {
      const kind = tag instanceof DmaAsyncTxDescriptor ? txModel(tag)?.kind : undefined;
      if (kind === undefined) return null;
      // A repeat restarts by its register, but a provider may build it as a loop too.
      return kind === 'cyclic' || kind === 'repeat' ? LOOPS : ONCE;
    },
    restarted(ch, tag) {
      const tx = txOf(ch, tag);
      if (tx !== null) instrument(world, { type: 'hw-restart', tx, ch });
    },
  });
}
