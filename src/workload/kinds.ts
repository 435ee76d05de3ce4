import { asyncTxKind } from './async-tx-kind.js';
import { clientKind } from './client-kind.js';
import type { BuiltWorkload, WorkloadKind, WorkloadKindName } from './kind.js';
import { lifecycleKind } from './lifecycle-kind.js';

/** Code that works for a workload kind whatever its types (a worker thread, a counterexample reader). */
export type KindVisitor<R> = <W, S, B extends BuiltWorkload>(kind: WorkloadKind<W, S, B>) => R;

/** Run `visit` with the kind of that name. */
export function withWorkloadKind<R>(name: WorkloadKindName, visit: KindVisitor<R>): R {
  switch (name) {
    case 'lifecycle':
      return visit(lifecycleKind);
    case 'async-tx':
      return visit(asyncTxKind);
    case 'client':
      return visit(clientKind);
  }
}
