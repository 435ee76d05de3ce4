import { bytesEqual } from '../kernel/bytes-equal.js';
import { traceEmit } from '../kernel/checker.js';
import { type Completion, complete, init_completion, wait_for_completion } from '../kernel/completion.js';
import { type IrqLine, type IrqReturn, request_irq } from '../kernel/irq.js';
import {
  type Spinlock,
  spin_lock,
  spin_lock_init,
  spin_lock_irqsave,
  spin_unlock,
  spin_unlock_irqrestore,
} from '../kernel/spinlock.js';
import type { TaskBody, YieldPoint } from '../kernel/task.js';
import { type Tasklet, tasklet_schedule, tasklet_setup } from '../kernel/tasklet.js';
import type { World } from '../kernel/world.js';

/**
 * A small driver-shaped workload on the simulated kernel, before the DMA engine exists:
 * client threads queue copy requests under a lock, a hardware engine copies the bytes
 * chunk by chunk and raises an interrupt, the handler moves finished requests to a done
 * list and schedules a tasklet, and the tasklet runs each request's callback, which wakes
 * the waiting thread. It exercises every kernel service, and it is the synthetic workload
 * of the first benchmark.
 */
export interface PipelineOptions {
  readonly threads: number;
  readonly requestsPerThread: number;
  readonly bytes: number;
  /** Bytes the engine copies per step. */
  readonly chunk: number;
  /**
   * A planted bug, for tests and the demo: `process-lock-irqs-on` takes the device lock
   * with interrupts enabled in process context although the handler takes it too.
   */
  readonly bug?: 'process-lock-irqs-on';
}

interface Request {
  readonly id: string;
  readonly src: number;
  readonly dst: number;
  readonly len: number;
  copied: number;
  readonly done: Completion;
}

export interface Pipeline {
  readonly lock: Spinlock;
  readonly irq: IrqLine;
  readonly tasklet: Tasklet;
  /** Requests whose destination matched their source when the thread checked it. */
  readonly verified: string[];
  readonly corrupted: string[];
}

/** What the pipeline's tasks share: the lock, the queues, the request being copied. */
interface Dev {
  readonly world: World;
  readonly options: PipelineOptions;
  readonly lock: Spinlock;
  readonly queued: Request[];
  readonly finished: Request[];
  readonly verified: string[];
  readonly corrupted: string[];
  active: Request | null;
  tasklet: Tasklet | null;
  irq: IrqLine | null;
}

// The tasks' bodies are module-level generators called from ordinary closures, not generator
// closures made per world (see `DaemonSpec` in src/kernel/task.ts).

/** Where the tasklet yields between callbacks (immutable, so one for every world). */
const NEXT_CALLBACK: YieldPoint = Object.freeze({
  kind: 'preempt',
  label: 'next-callback',
  obj: 'dev.tasklet',
});

function* taskletBody(d: Dev): TaskBody {
  const flags = yield* spin_lock_irqsave(d.lock);
  const batch = d.finished.splice(0);
  spin_unlock_irqrestore(d.lock, flags);
  for (const req of batch) {
    traceEmit(d.world, req.id, 'callback');
    complete(req.done);
    yield NEXT_CALLBACK;
  }
}

function* irqHandler(d: Dev): Generator<YieldPoint, IrqReturn, void> {
  yield* spin_lock(d.lock);
  let handled = false;
  if (d.active !== null && d.active.copied === d.active.len) {
    d.finished.push(d.active);
    d.active = null;
    handled = true;
  }
  spin_unlock(d.lock);
  if (handled) tasklet_schedule(d.tasklet!);
  return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
}

/** The copy engine's step: load the next request, or copy one chunk and interrupt at the end. */
function engineStep(d: Dev): void {
  if (d.active === null) {
    d.active = d.queued.shift()!;
    // Guarded here: the payload would be made at every load even with the trace off.
    if (d.world.trace.enabled) traceEmit(d.world, 'hw:engine', 'load', { req: d.active.id });
    return;
  }
  const active = d.active;
  const n = Math.min(d.options.chunk, active.len - active.copied);
  d.world.memory.copy(active.dst + active.copied, active.src + active.copied, n, 'hw:engine');
  active.copied += n;
  if (active.copied === active.len) d.irq!.raise();
}

function* clientBody(d: Dev, t: number): TaskBody {
  const { world, options, lock } = d;
  for (let r = 0; r < options.requestsPerThread; r++) {
    const id = `req${t}.${r}`;
    const len = options.bytes;
    const src = world.memory.alloc(len, { label: `${id}.src` });
    const dst = world.memory.alloc(len, { label: `${id}.dst` });
    const s = world.memory.view(src, len);
    for (let i = 0; i < len; i++) s[i] = (t * 31 + r * 7 + i) & 0xff;
    const req: Request = { id, src, dst, len, copied: 0, done: init_completion(world, `${id}.done`) };
    if (options.bug === 'process-lock-irqs-on') {
      yield* spin_lock(lock);
      d.queued.push(req);
      spin_unlock(lock);
    } else {
      const flags = yield* spin_lock_irqsave(lock);
      d.queued.push(req);
      spin_unlock_irqrestore(lock, flags);
    }
    if (world.trace.enabled) traceEmit(world, id, 'submit', { len });
    yield* wait_for_completion(req.done);
    const a = world.memory.view(src, len);
    const b = world.memory.view(dst, len);
    (bytesEqual(a, b) ? d.verified : d.corrupted).push(id);
    world.memory.free(src);
    world.memory.free(dst);
  }
}

export function buildPipeline(world: World, options: PipelineOptions): Pipeline {
  const d: Dev = {
    world,
    options,
    lock: spin_lock_init(world, 'dev.lock'),
    queued: [],
    finished: [],
    verified: [],
    corrupted: [],
    active: null,
    tasklet: null,
    irq: null,
  };
  const tasklet = tasklet_setup(world, 'dev.tasklet', () => taskletBody(d));
  d.tasklet = tasklet;
  const irq = request_irq(world, 'dev.irq', () => irqHandler(d));
  d.irq = irq;

  // The copy engine: one chunk per step, an interrupt at the end of each request. It
  // loads the next request only once the handler has retired the previous one.
  const step = () => engineStep(d);
  world.spawnDaemon({
    name: 'hw:engine',
    context: 'hardware',
    pending: () => (d.active === null ? d.queued.length > 0 : d.active.copied < d.active.len),
    step,
  });

  for (let t = 0; t < options.threads; t++) world.spawn(`client${t}`, () => clientBody(d, t));
  return { lock: d.lock, irq, tasklet, verified: d.verified, corrupted: d.corrupted };
}

/** The benchmark's synthetic workload: 16 tasks (13 threads, engine, handler, tasklet), ~400 steps. */
export const SYNTHETIC_16: PipelineOptions = { threads: 13, requestsPerThread: 3, bytes: 64, chunk: 32 };
