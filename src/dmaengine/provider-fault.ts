import { Blamed, describeError } from '../kernel/blame.js';
import { report } from '../kernel/checker.js';
import type { TracePayload } from '../kernel/trace.js';
import type { Violation } from '../kernel/violation.js';
import type { World } from '../kernel/world.js';
import { defineRule, type Rule } from '../rules/rule.js';
import { cites, kernelSource, section } from '../rules/sources.js';
import type { DmaDevice } from './device.js';

/**
 * A fault of the provider under test, found by the framework: which provider, the rule it
 * broke (side `provider`), and where it was (the operation, `tx_submit`, `desc_free`, its
 * interrupt handler or tasklet, `probe`). Reported as a violation whose `data` carries the
 * provider and the operation (`providerFaultOf` reads them back).
 */
export interface ProviderFault {
  readonly provider: string;
  readonly rule: Rule;
  readonly op: string;
  readonly detail: string;
}

export const ProviderFaultRules = {
  exception: defineRule({
    id: 'provider.exception',
    rule: "A provider's probe, dma_device operations, tx_submit, desc_free, interrupt handler and tasklets return normally: an exception there is a crash of the driver.",
    source: cites(
      section(
        'provider.rst',
        'Device operations',
        '(each operation returns its result: a descriptor, NULL, a status or an error code)',
      ),
      kernelSource('Documentation/admin-guide/bug-hunting.rst', '(an oops in a driver)'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  prepNull: defineRule({
    id: 'provider.prep-null',
    rule: 'A device_prep_* operation returns a descriptor for a request within the capabilities the device registered (cap_mask, directions, address widths, bursts, max_sg_burst, alignment); NULL only when it runs out of descriptors or memory.',
    source: section(
      'provider.rst',
      'Device operations',
      '(device_prep_dma_*: "These functions are matching the capabilities you registered previously", "It should return a unique instance of the dma_async_tx_descriptor structure")',
    ),
    side: 'provider',
    kind: 'safety',
  }),
} as const;

const names = new WeakMap<DmaDevice, string>();

/** Name the provider that probed `device` (done once, by the framework, after probe). */
export function setProviderName(device: DmaDevice, name: string): void {
  names.set(device, name);
}

/** The provider that probed `device`, or its struct device's name for a device built by hand. */
export function providerName(device: DmaDevice): string {
  return names.get(device) ?? device.dev?.name ?? 'provider';
}

function faultData(fault: ProviderFault): TracePayload {
  return { provider: fault.provider, op: fault.op };
}

function faultDetail(fault: ProviderFault): string {
  return `${fault.provider}: ${fault.detail}`;
}

/** Report a provider fault now. */
export function reportProviderFault(world: World, fault: ProviderFault, actor = '-'): Violation {
  return report(world, fault.rule, faultDetail(fault), actor, faultData(fault));
}

/** The exception `error` thrown in provider code, as a fault that names the provider and `op`. */
export function providerException(provider: string, op: string, error: unknown): Blamed {
  if (error instanceof Blamed) return error;
  const fault: ProviderFault = {
    provider,
    rule: ProviderFaultRules.exception,
    op,
    detail: `${op} threw ${describeError(error)}`,
  };
  return new Blamed(fault.rule, faultDetail(fault), faultData(fault), error);
}

/** `providerException` for a device's operation (the catch of each provider-call boundary). */
export function blameDevice(device: DmaDevice, op: string, error: unknown): Blamed {
  return providerException(providerName(device), op, error);
}

/** The provider fault a violation reports, or null for any other finding. */
export function providerFaultOf(v: Violation): ProviderFault | null {
  const provider = v.data?.provider;
  const op = v.data?.op;
  if (v.rule.side !== 'provider' || typeof provider !== 'string' || typeof op !== 'string') return null;
  return { provider, rule: v.rule, op, detail: v.detail };
}
