import type { hardwareChannelMachine } from '../../machines/hardware-channel.js';
import type { Monitor } from '../kernel/monitor.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { DmaController } from './dma-controller.js';
import type { HwObserver } from './hw-channel.js';

/**
 * The controller's side of the record: the framework's observer of what the hardware does
 * (which descriptor it starts, moves, restarts) and the channels' monitors. They are kept
 * here, keyed by the controller, so the provider that programs the controller can neither
 * replace the observer (and hide what its hardware runs) nor reach the monitors. Trusted
 * modules only; the public API does not export these functions.
 */
/** A box per controller: the controller keeps it, so reading the observer costs no lookup per burst. */
interface ObserverBox {
  observer: HwObserver | null;
}
const observers = objectSlot<DmaController, ObserverBox>();

/** The controller's box (created on first use; the controller asks once, at construction). */
export function hwObserverBox(ctl: DmaController): { readonly observer: HwObserver | null } {
  let box = observers.get(ctl);
  if (box === undefined) {
    box = { observer: null };
    observers.set(ctl, box);
  }
  return box;
}
const monitors = objectSlot<DmaController, readonly Monitor<typeof hardwareChannelMachine>[]>();

/** Install the framework's observer (dmaengine's observeHardware does, once per registered device). */
export function setHwObserver(ctl: DmaController, observer: HwObserver | null): void {
  (hwObserverBox(ctl) as ObserverBox).observer = observer;
}

export function hwObserverOf(ctl: DmaController): HwObserver | null {
  return observers.get(ctl)?.observer ?? null;
}

/** Called once by the controller's constructor. */
export function setHwMonitors(
  ctl: DmaController,
  list: readonly Monitor<typeof hardwareChannelMachine>[],
): void {
  if (monitors.has(ctl)) throw new Error(`${ctl.name} has its monitors`);
  monitors.set(ctl, list);
}

/** The monitors of the controller's channels, by channel index. */
export function hwMonitors(ctl: DmaController): readonly Monitor<typeof hardwareChannelMachine>[] {
  return monitors.get(ctl) ?? [];
}
