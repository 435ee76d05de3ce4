import { inOrderCompletion } from './in-order-completion.js';
import type { Invariant } from './invariant.js';
import { noCallbackAfterSynchronize } from './no-callback-after-synchronize.js';

/** Every invariant dmactor checks, in the order of the catalogue (docs/invariants.md). */
export const catalogue: readonly Invariant[] = [noCallbackAfterSynchronize, inOrderCompletion];
