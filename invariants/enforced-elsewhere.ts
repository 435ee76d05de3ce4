import { channelSpec } from '../machines/channel.js';
import { clientAfterSubmit, descriptorSpec } from '../machines/descriptor.js';
import { HardwareChannelRules } from '../machines/hardware-channel.js';
import type { MachineSpec, RejectionCase } from '../machines/spec.js';
import { AsyncTxRules } from '../src/async_tx/rules.js';
import { DmaRules } from '../src/dmaengine/rules.js';
import type { Rule } from '../src/rules/rule.js';
import { defineInvariant, type Invariant } from './invariant.js';

/**
 * Catalogue entries for rules a statechart or a framework check already enforces. Each
 * reuses the Rule object that fires (picked from the chart's rejections by id, so a renamed
 * or removed rule fails at load time), and names the file where that rule is defined:
 * `enforcedBy` is "<file> <rule id>".
 */

/** The rule with `id` among the rejections of `event` in `spec`. */
function rejection(spec: MachineSpec, event: string, id: string): Rule {
  const r = spec.rejections[event];
  const cases: readonly RejectionCase[] = r === undefined ? [] : Array.isArray(r) ? r : [{ rule: r as Rule }];
  const found = cases.find((c) => c.rule.id === id);
  if (found === undefined) throw new Error(`${spec.name} rejects ${event} with no rule ${id}`);
  return found.rule;
}

const enforced = (rule: Rule, file: string): Invariant =>
  defineInvariant({ rule, enforcedBy: `${file} ${rule.id}` });

const DESCRIPTOR = 'machines/descriptor.ts';
const CHANNEL = 'machines/channel.ts';
const RULES = 'src/dmaengine/rules.ts';
const ASYNC_TX = 'src/async_tx/rules.ts';

export const enforcedElsewhere: readonly Invariant[] = [
  // Callbacks.
  enforced(rejection(descriptorSpec, 'CALLBACK_BEGIN', 'descriptor.callback-for-aborted'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'FETCH_CALLBACK', 'descriptor.callback-twice'), DESCRIPTOR),
  enforced(DmaRules.callbackContext, RULES),
  enforced(DmaRules.callbackUnderLock, RULES),
  enforced(DmaRules.descriptorUnmap, RULES),
  // Submit, completion, descriptor lifetime.
  enforced(rejection(descriptorSpec, 'START', 'descriptor.start-unissued'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'COMPLETE', 'descriptor.complete-twice'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'START', 'descriptor.use-after-free'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'RECYCLE', 'descriptor.recycle-in-flight'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'FREE', 'descriptor.free-reusable'), DESCRIPTOR),
  // Terminate, synchronize, pause.
  enforced(DmaRules.terminateSleeps, RULES),
  enforced(rejection(channelSpec, 'ISSUE', 'channel.issue-before-sync'), CHANNEL),
  enforced(DmaRules.syncInCallback, RULES),
  // terminate_sync or synchronize from atomic context: checked before might_sleep, blamed on the client.
  enforced(DmaRules.syncInAtomic, RULES),
  enforced(rejection(channelSpec, 'RESUME', 'channel.resume-not-paused'), CHANNEL),
  enforced(HardwareChannelRules.pauseMovesNoByte, 'machines/hardware-channel.ts'),
  // Client use of descriptors and channels.
  enforced(clientAfterSubmit, DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'SUBMIT', 'descriptor.submit-twice'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'METADATA_ENGINE', 'descriptor.metadata-engine-invalid'), DESCRIPTOR),
  enforced(rejection(descriptorSpec, 'METADATA_CLIENT', 'descriptor.metadata-mixed'), DESCRIPTOR),
  enforced(rejection(channelSpec, 'PREP_SLAVE', 'channel.prep-slave-unconfigured'), CHANNEL),
  // async_tx: the layer's own checks, where the kernel BUG()s, panics or states a constraint.
  enforced(AsyncTxRules.dependAcked, ASYNC_TX),
  enforced(AsyncTxRules.oneChild, ASYNC_TX),
  enforced(AsyncTxRules.callbackSubmits, ASYNC_TX),
  enforced(AsyncTxRules.irqContext, ASYNC_TX),
  enforced(AsyncTxRules.waitFailed, ASYNC_TX),
  enforced(AsyncTxRules.prepNoProgress, ASYNC_TX),
  enforced(AsyncTxRules.badArguments, ASYNC_TX),
];
