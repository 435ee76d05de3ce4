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

export function buildPipeline(world: World, options: PipelineOptions): Pipeline {
  const lock = spin_lock_init(world, 'dev.lock');
  const queued: Request[] = [];
  const finished: Request[] = [];
  const verified: string[] = [];
  const corrupted: string[] = [];
  let active: Request | null = null;

  const tasklet = tasklet_setup(world, 'dev.tasklet', function* (): TaskBody {
    const flags = yield* spin_lock_irqsave(lock);
    const batch = finished.splice(0);
    spin_unlock_irqrestore(lock, flags);
    for (const req of batch) {
      traceEmit(world, req.id, 'callback');
      complete(req.done);
      yield { kind: 'preempt', label: 'next-callback', obj: 'dev.tasklet' };
    }
  });

  const irq = request_irq(world, 'dev.irq', function* (): Generator<YieldPoint, IrqReturn, void> {
    yield* spin_lock(lock);
    let handled = false;
    if (active !== null && active.copied === active.len) {
      finished.push(active);
      active = null;
      handled = true;
    }
    spin_unlock(lock);
    if (handled) tasklet_schedule(tasklet);
    return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
  });

  // The copy engine: one chunk per step, an interrupt at the end of each request. It
  // loads the next request only once the handler has retired the previous one.
  world.spawnDaemon({
    name: 'hw:engine',
    context: 'hardware',
    pending: () => (active === null ? queued.length > 0 : active.copied < active.len),
    *run() {
      if (active === null) {
        active = queued.shift()!;
        traceEmit(world, 'hw:engine', 'load', { req: active.id });
        return;
      }
      const n = Math.min(options.chunk, active.len - active.copied);
      world.memory.copy(active.dst + active.copied, active.src + active.copied, n, 'hw:engine');
      active.copied += n;
      if (active.copied === active.len) irq.raise();
    },
  });

  for (let t = 0; t < options.threads; t++) {
    world.spawn(`client${t}`, function* (): TaskBody {
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
          queued.push(req);
          spin_unlock(lock);
        } else {
          const flags = yield* spin_lock_irqsave(lock);
          queued.push(req);
          spin_unlock_irqrestore(lock, flags);
        }
        traceEmit(world, id, 'submit', { len });
        yield* wait_for_completion(req.done);
        const a = world.memory.view(src, len);
        const b = world.memory.view(dst, len);
        (a.every((x, i) => x === b[i]) ? verified : corrupted).push(id);
        world.memory.free(src);
        world.memory.free(dst);
      }
    });
  }
  return { lock, irq, tasklet, verified, corrupted };
}

/** The benchmark's synthetic workload: 16 tasks (13 threads, engine, handler, tasklet), ~400 steps. */
export const SYNTHETIC_16: PipelineOptions = { threads: 13, requestsPerThread: 3, bytes: 64, chunk: 32 };
