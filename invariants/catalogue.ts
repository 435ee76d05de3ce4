import { asyncDependencyOrder } from './async-dependency-order.js';
import { asyncDependencyRuns } from './async-dependency-runs.js';
import { asyncResult } from './async-result.js';
import { bufferFreedBeforeSync } from './buffer-freed-before-sync.js';
import { configAppliesLater } from './config-applies-later.js';
import { dataIntegrity } from './data-integrity.js';
import { enforcedElsewhere } from './enforced-elsewhere.js';
import { freeResourcesAfterSync } from './free-resources-after-sync.js';
import { inOrderCompletion } from './in-order-completion.js';
import type { Invariant } from './invariant.js';
import { issuedCompletes } from './issued-completes.js';
import { issuedStarts } from './issued-starts.js';
import { memcpySgSmallerTotal } from './memcpy-sg-smaller-total.js';
import { metadataAtCompletion } from './metadata-at-completion.js';
import { metadataUntouchedAfterCompletion } from './metadata-untouched-after-completion.js';
import { noCallbackAfterSynchronize } from './no-callback-after-synchronize.js';
import { noOrderTxStatus } from './no-order-tx-status.js';
import { nothingLeakedAfterSync } from './nothing-leaked-after-sync.js';
import { pauseMovesNoByte } from './pause-moves-no-byte.js';
import { preparedNeverSubmitted } from './prepared-never-submitted.js';
import { recycleAfterAck } from './recycle-after-ack.js';
import { repeatAppearsStuck } from './repeat-appears-stuck.js';
import { residueBounds } from './residue-bounds.js';
import { residueGranularity } from './residue-granularity.js';
import { resumeResumes } from './resume-resumes.js';
import { startInIssueOrder } from './start-in-issue-order.js';
import { txStatusConsistent } from './tx-status-consistent.js';
import { validationWritesNothing } from './validation-writes-nothing.js';

/**
 * Every invariant dmactor checks. Checkers first, safety before the end-of-run rules, whose
 * hooks run in this order: the most specific cause is reported first (a transfer that never
 * started before one that never finished, a repeat without LOAD_EOT before either).
 * Then the rules the statecharts and the framework enforce themselves.
 */
export const catalogue: readonly Invariant[] = [
  noCallbackAfterSynchronize,
  inOrderCompletion,
  startInIssueOrder,
  txStatusConsistent,
  noOrderTxStatus,
  residueBounds,
  residueGranularity,
  pauseMovesNoByte,
  resumeResumes,
  configAppliesLater,
  dataIntegrity,
  memcpySgSmallerTotal,
  validationWritesNothing,
  metadataAtCompletion,
  metadataUntouchedAfterCompletion,
  asyncDependencyOrder,
  asyncResult,
  recycleAfterAck,
  nothingLeakedAfterSync,
  freeResourcesAfterSync,
  bufferFreedBeforeSync,
  repeatAppearsStuck,
  asyncDependencyRuns,
  issuedStarts,
  issuedCompletes,
  preparedNeverSubmitted,
  ...enforcedElsewhere,
];
