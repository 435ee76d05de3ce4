import { report, schedulerOf, traceEmit } from './checker.js';
import { KernelRules } from './kernel-rules.js';
import { objectSlot } from './object-slot.js';
import { might_sleep } from './preempt.js';
import type { Task, YieldPoint } from './task.js';
import { sleepUntil, WaitQueue, wake_up_all } from './waitqueue.js';
import type { World } from './world.js';

export type IrqReturn = 'IRQ_NONE' | 'IRQ_HANDLED';

/** An interrupt handler: runs in hardirq context; may spin on locks but never sleep. */
export type IrqHandler = () => Generator<YieldPoint, IrqReturn, void>;

/**
 * One handler invocation: module-level, not a generator closure made per line (see `DaemonSpec`
 * in task.ts).
 */
function* handlerRun(line: IrqLine, handler: IrqHandler): Generator<YieldPoint, void, void> {
  const world = line.world;
  line.pending = false;
  line.running = true;
  traceEmit(world, line.name, 'handler');
  const ret = yield* handler();
  if (ret === 'IRQ_HANDLED') line.handled++;
  else line.unhandled++;
  if (world.trace.enabled) traceEmit(world, line.name, 'handler-return', { ret });
}

/**
 * An interrupt line (kernel/irq/). The hardware raises it; the line latches one pending
 * interrupt (edge-triggered) and its handler task becomes runnable, so interrupt latency is
 * a scheduling choice like any other. disable_irq masks it and waits for a running handler.
 */
export class IrqLine {
  #pending = false;
  #depth = 0;
  running = false;
  raised = 0;
  handled = 0;
  unhandled = 0;
  /**
   * Fault injection: when set, each raise is delivered after a delay the strategy chooses
   * (0 to `lateMaxNs`), so a handler can see its interrupt after the world moved on.
   */
  lateMaxNs = 0;
  readonly task: Task;
  readonly wq: WaitQueue;
  /** The kind of a late raise's delay choice, made once (not a string a raise). */
  private readonly lateKind: string;

  /** An interrupt is latched, not yet handled. */
  get pending(): boolean {
    return this.#pending;
  }

  set pending(value: boolean) {
    this.#pending = value;
    this.task.wanted = value && this.#depth === 0;
  }

  /** disable_irq nesting: the handler runs only at 0. */
  get depth(): number {
    return this.#depth;
  }

  set depth(value: number) {
    this.#depth = value;
    this.task.wanted = this.#pending && value === 0;
  }

  constructor(
    readonly world: World,
    readonly name: string,
    handler: IrqHandler,
  ) {
    this.wq = new WaitQueue(world, `${name}.sync`);
    this.lateKind = `irq-late:${name}`;
    this.task = world.spawnDaemon({
      name,
      context: 'hardirq',
      pending: null, // `task.wanted`, kept by the pending and depth setters
      run: () => handlerRun(this, handler),
      onRunEnd: () => {
        this.running = false;
        wake_up_all(this.wq);
      },
    });
  }

  /** The device asserts the line. Raising a line already pending coalesces. */
  raise(): void {
    this.raised++;
    if (this.lateMaxNs > 0) {
      const steps = this.world.choose(this.lateKind, 4);
      if (steps > 0) {
        const at = this.world.now + (steps * this.lateMaxNs) / 3;
        if (this.world.trace.enabled) traceEmit(this.world, this.name, 'raise-late', { at });
        schedulerOf(this.world).addTimer(at, () => {
          this.pending = true;
        });
        return;
      }
    }
    this.pending = true;
    traceEmit(this.world, this.name, 'raise');
  }
}

export function request_irq(world: World, name: string, handler: IrqHandler): IrqLine {
  const line = new IrqLine(world, name, handler);
  irqLines(world).push(line);
  return line;
}

const lines = objectSlot<World, IrqLine[]>();

/** Every interrupt line requested in a world (fault injection reaches them here). */
export function irqLines(world: World): IrqLine[] {
  let l = lines.get(world);
  if (l === undefined) {
    l = [];
    lines.set(world, l);
  }
  return l;
}

/** Wait for a running handler to return (synchronize_irq; may sleep). */
export function* synchronize_irq(line: IrqLine): Generator<YieldPoint, void, void> {
  might_sleep(line.world, 'synchronize_irq', line.name);
  if (line.running) yield* sleepUntil(line.wq, () => !line.running, Number.POSITIVE_INFINITY);
}

export function disable_irq_nosync(line: IrqLine): void {
  line.depth++;
  if (line.world.trace.enabled) traceEmit(line.world, line.name, 'disable', { depth: line.depth });
}

export function* disable_irq(line: IrqLine): Generator<YieldPoint, void, void> {
  disable_irq_nosync(line);
  yield* synchronize_irq(line);
}

export function enable_irq(line: IrqLine): void {
  if (line.depth === 0) {
    report(
      line.world,
      KernelRules.irqEnableUnbalanced,
      `enable_irq(${line.name}) without disable_irq`,
      line.name,
    );
    return;
  }
  line.depth--;
  if (line.world.trace.enabled) traceEmit(line.world, line.name, 'enable', { depth: line.depth });
}
