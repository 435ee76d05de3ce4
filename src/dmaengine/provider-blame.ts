import { type Blamed, enterCode, leaveCode } from '../kernel/blame.js';
import { objectSlot } from '../kernel/object-slot.js';
import { providerException } from '../kernel/provider-fault.js';
import type { YieldPoint } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { codeBoundary } from '../kernel/write-watch.js';
import type { DmaDevice } from './device.js';

/** Which provider probed each dma_device, so a fault the framework finds can name it. */
const names = objectSlot<DmaDevice, string>();

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

/**
 * A call from the framework into `device`'s provider: its exceptions are the provider's
 * (`blameDevice`), and while it runs the task is in the provider's code (`enterCode`), so a
 * kernel rule it breaks (a lock taken twice, a sleep in atomic context) is blamed on it.
 */
export function* callProvider<T>(
  world: World,
  device: DmaDevice,
  op: string,
  call: () => Generator<YieldPoint, T, void>,
): Generator<YieldPoint, T, void> {
  const task = world.current;
  codeBoundary(world, task);
  enterCode(task, { provider: providerName(device), op });
  try {
    return yield* call();
  } catch (error) {
    throw blameDevice(device, op, error);
  } finally {
    codeBoundary(world, task);
    leaveCode(task);
  }
}

/** `callProvider` for a provider function that does not yield (desc_free, a filter, device_caps). */
export function callProviderSync<T>(world: World, device: DmaDevice, op: string, call: () => T): T {
  const task = world.current;
  codeBoundary(world, task);
  enterCode(task, { provider: providerName(device), op });
  try {
    return call();
  } catch (error) {
    throw blameDevice(device, op, error);
  } finally {
    codeBoundary(world, task);
    leaveCode(task);
  }
}
