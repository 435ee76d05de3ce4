import { Worker } from 'node:worker_threads';
import { UsageError } from '../rules/usage-error.js';
import type { WorkloadKindName } from '../workload/kind.js';
import type { BatchTally } from './batch-tally.js';

/**
 * The campaign worker pool: worker threads (campaign-worker.ts) started once per process and
 * reused by every campaign and every phase of `dmactor fuzz`, so each pays module loading,
 * JIT warm-up and the statechart transition memo once, not once per campaign.
 *
 * A campaign opens a session (its workload kind and options go to a worker once) and runs
 * epochs of schedule indices through it. An epoch is handed out in batches as workers ask for
 * work, the batches shrinking towards its end (guided self-scheduling: a batch is the remaining
 * work over twice the workers, within [MIN_BATCH, MAX_BATCH]) so no core idles behind one long
 * batch. A worker sends back one compact tally per batch (batch-tally.ts). Which worker ran
 * which batch never shows in the result: tallies merge by index.
 *
 * The watchdog: each worker counts the schedules it starts and finishes in shared memory and
 * stores the position of the one it runs; a worker whose count stands still for `hangMs` runs a
 * schedule that never returns (a provider or client that loops without yielding). It is
 * terminated and replaced, and the epoch is cut at that position: batches past it are dropped,
 * the schedules before it that the terminated worker had run are run again, so the epoch holds
 * exactly the schedules before the first hanging one, whatever the number of workers.
 */
// Down to single schedules at an epoch's end, so at each barrier (every 100 schedules of a guided
// campaign) a core idles for at most about one schedule while the other finishes.
export const MIN_BATCH = 1;
export const MAX_BATCH = 64;

/** Messages to a worker. */
export type ToWorker =
  | { readonly t: 'context'; readonly id: number; readonly kind: WorkloadKindName; readonly options: unknown }
  | {
      readonly t: 'batch';
      readonly ctx: number;
      /** The position of indices[0] in the epoch (what the progress word and the cut count in). */
      readonly first: number;
      readonly indices: readonly number[];
      /** Present when the epoch's guidance differs from what this worker was sent last for ctx. */
      readonly guidance?: unknown;
      readonly deadline: number;
      /** The epoch's cut (one Int32 in shared memory): no schedule at or past it runs. */
      readonly cut: Int32Array;
    }
  | { readonly t: 'release'; readonly id: number }
  /** A batch of this worker's was dropped: its state fingerprints must be sent again when met again. */
  | { readonly t: 'forget'; readonly id: number };

/** Messages from a worker. */
export type FromWorker =
  | { readonly t: 'done'; readonly tally: BatchTally }
  | { readonly t: 'failed'; readonly message: string; readonly usage: boolean };

/** The worker's progress words: [0] ticks (a schedule started or finished), [1] the position running. */
export const TICKS = 0;
export const POSITION = 1;

export interface EpochOptions {
  readonly guidance?: unknown;
  /** Wall-clock time (Date.now()) after which no batch is handed out. */
  readonly deadline: number;
  /** Workers this campaign may use at once. */
  readonly workers: number;
  readonly onBatch?: (tally: BatchTally) => void;
}

export interface EpochResult {
  /** The batches' tallies, in the order they came back. */
  readonly tallies: readonly BatchTally[];
  /** The first schedule index found hanging; the epoch holds exactly the schedules before it. */
  readonly hung: number | null;
}

interface Epoch {
  readonly ctx: number;
  readonly hangMs: number;
  readonly indices: readonly number[];
  readonly options: EpochOptions;
  readonly cutShared: Int32Array;
  next: number;
  cut: number;
  hung: number | null;
  readonly requeue: [number, number][];
  inflight: number;
  readonly tallies: BatchTally[];
  readonly resolve: (r: EpochResult) => void;
  readonly reject: (e: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly progress: Int32Array;
  readonly contexts: Set<number>;
  readonly guidance: Map<number, unknown>;
  batch: { readonly epoch: Epoch; readonly from: number; readonly to: number } | null;
  seenTicks: number;
  /** Whether the worker has started the batch (context loaded): the watchdog counts from then. */
  watching: boolean;
  lastChange: number;
  gone: boolean;
}

export interface PoolSession {
  /** Run one epoch: every index (or those before the first hanging one), then resolve. */
  run(indices: readonly number[], options: EpochOptions): Promise<EpochResult>;
  /** Let the workers drop this campaign's state. */
  close(): void;
}

export class WorkerPool {
  readonly #slots: Slot[] = [];
  readonly #epochs: Epoch[] = [];
  /** Each open session's context message, sent to a worker before its first batch of it. */
  readonly #sessions = new Map<number, ToWorker>();
  #contexts = 0;
  #starts = 0;
  #watch: NodeJS.Timeout | null = null;
  readonly #url: URL;

  constructor(url: URL = new URL('./campaign-worker.js', import.meta.url)) {
    this.#url = url;
  }

  /** Worker threads started so far (replacements of hung workers included). */
  get starts(): number {
    return this.#starts;
  }

  /** Worker threads alive now. */
  get size(): number {
    return this.#slots.length;
  }

  open(kind: WorkloadKindName, options: unknown, hangMs: number): PoolSession {
    const ctx = ++this.#contexts;
    this.#sessions.set(ctx, { t: 'context', id: ctx, kind, options });
    return {
      run: (indices, o) =>
        new Promise<EpochResult>((resolve, reject) => {
          const epoch: Epoch = {
            ctx,
            hangMs,
            indices,
            options: o,
            cutShared: new Int32Array(new SharedArrayBuffer(4)),
            next: 0,
            cut: indices.length,
            hung: null,
            requeue: [],
            inflight: 0,
            tallies: [],
            resolve,
            reject,
          };
          Atomics.store(epoch.cutShared, 0, epoch.cut);
          this.#epochs.push(epoch);
          this.#pump();
          this.#settle(epoch);
        }),
      close: () => {
        this.#sessions.delete(ctx);
        for (const slot of this.#slots) {
          if (!slot.contexts.delete(ctx)) continue;
          slot.guidance.delete(ctx);
          slot.worker.postMessage({ t: 'release', id: ctx } satisfies ToWorker);
        }
      },
    };
  }

  /** Stop every worker (tests; a process may also just exit: idle workers do not keep it alive). */
  async close(): Promise<void> {
    const slots = this.#slots.splice(0);
    for (const s of slots) s.gone = true;
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Hand out work to idle workers, the earliest epoch first. */
  #pump(): void {
    for (const epoch of this.#epochs) {
      while (epoch.inflight < epoch.options.workers && this.#hasWork(epoch)) {
        const slot = this.#idleSlot(epoch.options.workers);
        if (!slot) return;
        this.#send(slot, epoch, this.#nextRange(epoch));
      }
    }
  }

  #hasWork(epoch: Epoch): boolean {
    if (Date.now() > epoch.options.deadline) return false;
    return epoch.requeue.length > 0 || epoch.next < epoch.cut;
  }

  #nextRange(epoch: Epoch): [number, number] {
    const again = epoch.requeue.shift();
    if (again) return again;
    const left = epoch.cut - epoch.next;
    const size = Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(left / (2 * epoch.options.workers))));
    const range: [number, number] = [epoch.next, Math.min(epoch.cut, epoch.next + size)];
    epoch.next = range[1];
    return range;
  }

  /** An idle worker, the oldest first (the warmest); a new one while fewer than `wanted` are alive. */
  #idleSlot(wanted: number): Slot | null {
    const idle = this.#slots.find((s) => s.batch === null);
    if (idle) return idle;
    if (this.#slots.length >= wanted) return null;
    return this.#spawn();
  }

  #spawn(): Slot {
    const progress = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(this.#url, { workerData: { progress } });
    this.#starts++;
    const slot: Slot = {
      worker,
      progress,
      contexts: new Set(),
      guidance: new Map(),
      batch: null,
      seenTicks: 0,
      watching: false,
      lastChange: 0,
      gone: false,
    };
    worker.unref();
    worker.on('message', (m: FromWorker) => this.#onMessage(slot, m));
    worker.on('error', (e) => this.#lost(slot, e));
    worker.on('exit', (code) => {
      if (!slot.gone) this.#lost(slot, new Error(`a campaign worker exited (code ${code})`));
    });
    this.#slots.push(slot);
    return slot;
  }

  #send(slot: Slot, epoch: Epoch, [from, to]: [number, number]): void {
    if (!slot.contexts.has(epoch.ctx)) {
      slot.worker.postMessage(this.#sessions.get(epoch.ctx)!);
      slot.contexts.add(epoch.ctx);
    }
    const guided = 'guidance' in epoch.options;
    const fresh =
      guided && (!slot.guidance.has(epoch.ctx) || slot.guidance.get(epoch.ctx) !== epoch.options.guidance);
    if (fresh) slot.guidance.set(epoch.ctx, epoch.options.guidance);
    const message: ToWorker = {
      t: 'batch',
      ctx: epoch.ctx,
      first: from,
      indices: epoch.indices.slice(from, to),
      ...(fresh ? { guidance: epoch.options.guidance } : {}),
      deadline: epoch.options.deadline,
      cut: epoch.cutShared,
    };
    slot.batch = { epoch, from, to };
    slot.seenTicks = Atomics.load(slot.progress, TICKS);
    slot.watching = false;
    epoch.inflight++;
    slot.worker.ref();
    slot.worker.postMessage(message);
    this.#arm();
  }

  #onMessage(slot: Slot, m: FromWorker): void {
    const batch = slot.batch;
    if (!batch) return;
    slot.batch = null;
    slot.worker.unref();
    const { epoch, from } = batch;
    epoch.inflight--;
    if (m.t === 'failed') {
      this.#fail(epoch, m.usage ? new UsageError(m.message) : new Error(m.message));
      return;
    }
    // A batch that ran at or past a cut lowered while it ran is dropped, its part before the cut run again.
    if (from + m.tally.schedules <= epoch.cut) {
      epoch.tallies.push(m.tally);
      epoch.options.onBatch?.(m.tally);
    } else {
      if (from < epoch.cut) epoch.requeue.push([from, epoch.cut]);
      slot.worker.postMessage({ t: 'forget', id: epoch.ctx } satisfies ToWorker);
    }
    this.#pump();
    this.#settle(epoch);
  }

  #settle(epoch: Epoch): void {
    if (epoch.inflight > 0 || this.#hasWork(epoch)) return;
    this.#forget(epoch);
    epoch.resolve({ tallies: epoch.tallies, hung: epoch.hung === null ? null : epoch.indices[epoch.hung]! });
  }

  #forget(epoch: Epoch): void {
    const i = this.#epochs.indexOf(epoch);
    if (i >= 0) this.#epochs.splice(i, 1);
  }

  #fail(epoch: Epoch, error: Error): void {
    this.#forget(epoch);
    epoch.reject(error);
  }

  /** A worker that died on its own (an error outside any schedule, out of memory): its epoch fails. */
  #lost(slot: Slot, error: Error): void {
    if (slot.gone) return;
    this.#remove(slot);
    const batch = slot.batch;
    slot.batch = null;
    if (batch) {
      batch.epoch.inflight--;
      this.#fail(batch.epoch, error);
    }
    this.#pump();
  }

  #remove(slot: Slot): void {
    slot.gone = true;
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
  }

  #arm(): void {
    if (this.#watch) return;
    const busy = this.#slots.filter((s) => s.batch !== null);
    if (busy.length === 0) return;
    const hangMs = Math.min(...busy.map((s) => s.batch!.epoch.hangMs));
    this.#watch = setTimeout(
      () => {
        this.#watch = null;
        this.#check();
        this.#arm();
      },
      Math.max(10, Math.min(250, hangMs / 4)),
    );
    this.#watch.unref();
  }

  #check(): void {
    const now = Date.now();
    for (const slot of [...this.#slots]) {
      const batch = slot.batch;
      if (!batch) continue;
      const ticks = Atomics.load(slot.progress, TICKS);
      if (ticks !== slot.seenTicks) {
        slot.seenTicks = ticks;
        slot.watching = true;
        slot.lastChange = now;
      } else if (slot.watching && now - slot.lastChange >= batch.epoch.hangMs) {
        this.#hang(slot, Atomics.load(slot.progress, POSITION));
      }
    }
  }

  /** The schedule at `position` made no progress for the watchdog's time. */
  #hang(slot: Slot, position: number): void {
    const { epoch, from } = slot.batch!;
    slot.batch = null;
    this.#remove(slot);
    void slot.worker.terminate();
    epoch.inflight--;
    if (position < epoch.cut) {
      epoch.hung = position;
      epoch.cut = position;
      Atomics.store(epoch.cutShared, 0, position);
      if (from < position) epoch.requeue.push([from, position]);
    }
    // Work queued past the new cut is dropped, work across it shortened.
    const kept = epoch.requeue
      .filter(([a]) => a < epoch.cut)
      .map(([a, b]): [number, number] => [a, Math.min(b, epoch.cut)]);
    epoch.requeue.splice(0, epoch.requeue.length, ...kept);
    epoch.next = Math.min(epoch.next, epoch.cut);
    this.#pump();
    this.#settle(epoch);
  }
}

let shared: WorkerPool | null = null;

/** The process's pool, started on first use. */
export function sharedPool(): WorkerPool {
  shared ??= new WorkerPool();
  return shared;
}
