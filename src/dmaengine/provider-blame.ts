import type { Blamed } from '../kernel/blame.js';
import { providerException } from '../kernel/provider-fault.js';
import type { DmaDevice } from './device.js';

/** Which provider probed each dma_device, so a fault the framework finds can name it. */
const names = new WeakMap<DmaDevice, string>();

/** Name the provider that probed `device` (done once, by the framework, after probe). */
export function setProviderName(device: DmaDevice, name: string): void {
  names.set(device, name);
}

/** The provider that probed `device`, or its struct device's name for a device built by hand. */
export function providerName(device: DmaDevice): string {
  return names.get(device) ?? device.dev?.name ?? 'provider';
}

/** `providerException` for a device's operation (the catch of each provider-call boundary). */
export function blameDevice(device: DmaDevice, op: string, error: unknown): Blamed {
  return providerException(providerName(device), op, error);
}
