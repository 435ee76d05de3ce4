import { defineRule, type Rule } from '../rules/rule.js';
import { cites, kernelSource, section } from '../rules/sources.js';
import { Blamed, describeError } from './blame.js';
import { report } from './checker.js';
import type { TracePayload } from './trace.js';
import type { Violation } from './violation.js';
import type { World } from './world.js';

/**
 * A fault of the provider under test, found by the model: which provider, the rule it broke
 * (side `provider`), and where (the dma_device operation, `tx_submit`, `desc_free`, its
 * interrupt handler or tasklet, `probe`, the controller register it programmed). Reported as a
 * violation whose `data` carries the provider and the operation (`providerFaultOf` reads them
 * back); the detail starts with the provider's name.
 */
export interface ProviderFault {
  readonly provider: string;
  readonly rule: Rule;
  readonly op: string;
  readonly detail: string;
}

export const ProviderException = defineRule({
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
});

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

/** A fault found where the code cannot go on (the hardware fetching what it cannot run): thrown, reported by the scheduler. */
export function providerFaultError(fault: ProviderFault, original: unknown = null): Blamed {
  return new Blamed(fault.rule, faultDetail(fault), faultData(fault), original);
}

/** The exception `error` thrown in provider code, as a fault naming the provider and `op`. */
export function providerException(provider: string, op: string, error: unknown): Blamed {
  if (error instanceof Blamed) return error;
  const detail = `${op} threw ${describeError(error)}`;
  return providerFaultError({ provider, rule: ProviderException, op, detail }, error);
}

/** The provider fault a violation reports, or null for any other finding. */
export function providerFaultOf(v: Violation): ProviderFault | null {
  const provider = v.data?.provider;
  const op = v.data?.op;
  if (v.rule.side !== 'provider' || typeof provider !== 'string' || typeof op !== 'string') return null;
  return { provider, rule: v.rule, op, detail: v.detail };
}
