import { Blamed, blamed, callbackBlame, describeError, enterCode, leaveCode } from '../kernel/blame.js';
import { report } from '../kernel/checker.js';
import { KernelRules } from '../kernel/kernel-rules.js';
import { objectSlot } from '../kernel/object-slot.js';
import type { Task, TaskBody } from '../kernel/task.js';
import { codeBoundary } from '../kernel/write-watch.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import { instrument } from './instrument.js';
import { noteDmaProgress } from './progress.js';
import { DmaRules } from './rules.js';
import type { DmaengineResult, dma_async_tx_callback, dma_async_tx_callback_result } from './types.js';

/** struct dmaengine_desc_callback: the callback copied out of a descriptor (under the provider's lock). */
export interface DmaengineDescCallback {
  readonly callback: dma_async_tx_callback | null;
  readonly callback_result: dma_async_tx_callback_result | null;
  readonly callback_param: unknown;
  /** The descriptor it was copied from, so the wrapper can observe the call. */
  readonly tx: DmaAsyncTxDescriptor;
}

/** Tasks inside a completion callback now, and how deeply (a callback may complete another descriptor). */
const callbackDepth = objectSlot<Task, number>();

/** Whether `task` is running a completion callback (terminate_sync there is a client error). */
export function inCallback(task: Task | null): boolean {
  return task !== null && (callbackDepth.get(task) ?? 0) > 0;
}

const NOERROR: DmaengineResult = Object.freeze({
  result: 'DMA_TRANS_NOERROR',
  residue: 0,
}) as DmaengineResult;

/** dmaengine_desc_get_callback: copy the callback out; from here on it will be invoked. */
export function dmaengine_desc_get_callback(tx: DmaAsyncTxDescriptor): DmaengineDescCallback {
  instrument(tx.chan.world, { type: 'fetch-callback', tx });
  return {
    callback: tx.callback,
    callback_result: tx.callback_result,
    callback_param: tx.callback_param,
    tx,
  };
}

export function dmaengine_desc_callback_valid(cb: DmaengineDescCallback): boolean {
  return cb.callback !== null || cb.callback_result !== null;
}

/**
 * dmaengine_desc_callback_invoke, the trusted wrapper around every client callback: it checks
 * the context and the locks held, and observes the callback's start and end on the descriptor.
 * callback_result gets `result`, or {NOERROR, 0} when none is given, as in the kernel.
 */
export function* dmaengine_desc_callback_invoke(
  cb: DmaengineDescCallback,
  result: DmaengineResult | null,
): TaskBody {
  const { tx } = cb;
  const world = tx.chan.world;
  const task = world.current;
  if (task !== null && task.context !== 'softirq') {
    report(
      world,
      DmaRules.callbackContext,
      `callback of ${tx.name} invoked in ${task.context} context`,
      tx.name,
    );
  }
  if (task !== null && task.locksHeld.length > 0) {
    report(
      world,
      DmaRules.callbackUnderLock,
      `callback of ${tx.name} invoked holding ${task.locksHeld.map((l) => l.name).join(', ')}`,
      tx.name,
    );
  }
  instrument(world, { type: 'callback', tx, phase: 'begin', result });
  if (task !== null) callbackDepth.set(task, (callbackDepth.get(task) ?? 0) + 1);
  codeBoundary(world, task);
  enterCode(task, 'client');
  try {
    let body: TaskBody | undefined;
    if (cb.callback_result) body = cb.callback_result(cb.callback_param, result ?? NOERROR);
    else if (cb.callback) body = cb.callback(cb.callback_param);
    if (body !== undefined) yield* body;
  } catch (error) {
    // The client's code, even inside the provider's tasklet: not the provider's fault.
    const owner = callbackBlame(world);
    throw blamed(error, (e) =>
      owner
        ? owner(e, `the callback of ${tx.name}`)
        : new Blamed(KernelRules.oops, `the callback of ${tx.name} threw ${describeError(e)}`, undefined, e),
    );
  } finally {
    codeBoundary(world, task);
    leaveCode(task);
    if (task !== null) callbackDepth.set(task, (callbackDepth.get(task) ?? 1) - 1);
  }
  instrument(world, { type: 'callback', tx, phase: 'end', result });
  noteDmaProgress(world);
}

/** dmaengine_desc_get_callback_invoke: fetch and invoke in one go (for providers without a tasklet list). */
export function* dmaengine_desc_get_callback_invoke(
  tx: DmaAsyncTxDescriptor,
  result: DmaengineResult | null,
): TaskBody {
  yield* dmaengine_desc_callback_invoke(dmaengine_desc_get_callback(tx), result);
}
