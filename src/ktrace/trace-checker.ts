import type { EventFromLogic } from 'xstate';
import { freeResourcesAfterSync } from '../../invariants/free-resources-after-sync.js';
import { inOrderCompletion } from '../../invariants/in-order-completion.js';
import { noCallbackAfterSynchronize } from '../../invariants/no-callback-after-synchronize.js';
import { startInIssueOrder } from '../../invariants/start-in-issue-order.js';
import { txStatusConsistent } from '../../invariants/tx-status-consistent.js';
import type { channelSpec } from '../../machines/channel.js';
import type { descriptorSpec } from '../../machines/descriptor.js';
import { TX_STATE } from '../dmaengine/chart-states.js';
import { violationsOf } from '../kernel/checker.js';
import type { TraceEvent } from '../kernel/trace.js';
import { World } from '../kernel/world.js';
import type { Rule } from '../rules/rule.js';
import type { FtraceRecord } from './ftrace-line.js';
import { lifeIs, type TraceChan, type TraceDesc, TraceObjects } from './trace-objects.js';

export type ChanEvent = EventFromLogic<typeof channelSpec.machine>;
export type DescEvent = EventFromLogic<typeof descriptorSpec.machine>;
export type PrepKind = 'mem' | 'slave' | 'cyclic';

/** An observation as a trace event (step = line number), with the CPU and the line it was read from. */
export interface KernelTraceEvent extends TraceEvent {
  readonly cpu: number;
  /** The trace line, as the file has it. */
  readonly text: string;
}

/** One rule a trace breaks, at the trace line where it shows. */
export interface KernelTraceFinding {
  readonly rule: Rule;
  readonly detail: string;
  readonly line: number;
  readonly text: string;
  /** Accepted by name (`accept`): a known deviation of the driver, listed, not counted. */
  readonly accepted: boolean;
}

/**
 * What a trace says happened, made into observations: each operation feeds the descriptor and
 * channel charts (machines/) and checks the invariants that need only observations, under the
 * invariants' own rules. The readers (probe-events.ts, tracepoint-events.ts) decide which
 * operation a trace line is; this class holds what the trace has shown so far.
 */
export class TraceChecker {
  readonly #world = new World({ stopOnViolation: false });
  readonly objects = new TraceObjects(this.#world);
  readonly findings: KernelTraceFinding[] = [];
  readonly events: KernelTraceEvent[] = [];
  observations = 0;
  #submitted = 0;
  /** Drivers that put descriptors back in a pool of their own (pl330) show no desc_free. */
  freesTraced = false;
  /** Drivers whose start is out of reach (pl330) show none: completion implies the start. */
  startsTraced = false;
  /** Per task: the driver operation it is inside, for a desc_free it makes. */
  readonly inside = new Map<string, { op: 'terminate' | 'synchronize' | 'release'; chan: string }>();
  /**
   * Per task: a terminate entered and not yet in effect. It takes effect under the channel
   * lock, after its entry probe: at its first visible effect or its return.
   */
  readonly terminating = new Map<string, { chan: string; at: FtraceRecord }>();
  /** Per CPU: the DMA interrupt being handled (the channel and cookie of c->desc at entry). */
  readonly irq = new Map<number, { chan: string; cookie: number | null }>();
  /** Per CPU: the completion tasklet runs; the client callback it ran last. */
  readonly tasklet = new Set<number>();
  readonly callback = new Map<number, FtraceRecord>();

  constructor(private readonly accept: ReadonlySet<string>) {}

  finding(rule: Rule, detail: string, at: FtraceRecord): void {
    this.findings.push({ rule, detail, line: at.line, text: at.text, accepted: this.accept.has(rule.id) });
    this.events.push(traceEvent(at, rule.id, 'VIOLATION', { rule: rule.id, detail }));
  }

  note(actor: string, event: string, at: FtraceRecord, state?: string): void {
    this.observations++;
    this.events.push(traceEvent(at, actor, event, state === undefined ? {} : { state }));
  }

  #rejected(at: FtraceRecord): void {
    const all = violationsOf(this.#world);
    const v = all[all.length - 1];
    if (v !== undefined) this.finding(v.rule, v.detail, at);
  }

  chanObserve(c: TraceChan, type: ChanEvent['type'], at: FtraceRecord): void {
    const ok = c.monitor.observe({ type } as ChanEvent);
    this.note(c.monitor.name, type, at, ok ? c.monitor.state : undefined);
    if (!ok) this.#rejected(at);
  }

  descObserve(d: TraceDesc, type: DescEvent['type'], at: FtraceRecord): void {
    const ok = d.monitor.observe({ type } as DescEvent);
    // Drawn on its channel's lane, as the model names a channel's descriptors.
    this.note(`${d.chan.monitor.name}.${d.name}`, type, at, ok ? d.monitor.state : undefined);
    if (!ok) this.#rejected(at);
  }

  /** The channel at `p`; one first seen after its request is taken as requested before the trace began. */
  chanAt(p: string): TraceChan {
    const { chan, fresh } = this.objects.chan(p);
    if (fresh) chan.monitor.observe({ type: 'REQUEST' });
    return chan;
  }

  ownerOf(c: TraceChan, cookie: number | null): TraceDesc | undefined {
    return cookie === null ? undefined : c.cookies.get(cookie);
  }

  request(at: FtraceRecord, p: string): void {
    const c = this.objects.chan(p).chan;
    this.chanObserve(c, 'REQUEST', at);
    // Cookies start again at a new allocation (dma_cookie_init in the driver's alloc).
    c.lastCompleted = null;
    c.cookies.clear();
  }

  /** The framework's DRAINED: nothing issued or running is left on a busy channel. */
  drained(c: TraceChan, at: FtraceRecord): void {
    if (!c.monitor.matches({ allocated: { activity: 'busy' } })) return;
    for (const d of c.live) if (lifeIs(d, 'issued', 'active')) return;
    this.chanObserve(c, 'DRAINED', at);
  }

  prepared(at: FtraceRecord, txp: string, c: TraceChan, kind: PrepKind): void {
    this.chanObserve(c, kind === 'mem' ? 'PREP_MEM' : 'PREP_SLAVE', at);
    const event = kind === 'cyclic' ? 'PREP_CYCLIC' : 'PREP';
    const old = this.objects.descs.get(txp);
    if (old !== undefined && !old.monitor.is(TX_STATE.freed)) {
      if (this.freesTraced || !lifeIs(old, 'completed', 'done', 'aborted')) {
        // Memory the trace never saw freed handed out again: the old life goes on.
        this.descObserve(old, event, at);
        return;
      }
      // Back from the driver's pool: its callback, if any, ran unattributed.
      if (lifeIs(old, 'completed')) {
        for (const e of ['FETCH_CALLBACK', 'CALLBACK_BEGIN', 'CALLBACK_END'] as const)
          old.monitor.observe({ type: e });
      }
      this.free(at, old);
    }
    const d = this.objects.newDesc(txp, c);
    d.cyclic = kind === 'cyclic';
    this.descObserve(d, event, at);
  }

  /** `desc`, first seen here, was prepared before the trace began. */
  adopted(txp: string, chanPtr: string): TraceDesc {
    const d = this.objects.newDesc(txp, this.chanAt(chanPtr));
    d.monitor.observe({ type: 'PREP' });
    return d;
  }

  submit(at: FtraceRecord, d: TraceDesc, cookie: number): void {
    this.descObserve(d, 'SUBMIT', at);
    d.cookie = cookie;
    d.submitOrder = ++this.#submitted;
    d.chan.cookies.set(cookie, d);
  }

  /** issue_pending: the channel, and every descriptor submitted on it. */
  issue(at: FtraceRecord, c: TraceChan): void {
    this.chanObserve(c, 'ISSUE', at);
    for (const d of c.live) if (lifeIs(d, 'submitted')) this.descObserve(d, 'ISSUE', at);
    this.drained(c, at);
  }

  start(at: FtraceRecord, c: TraceChan, d: TraceDesc): void {
    if (d.submitOrder !== null) {
      for (const other of c.live) {
        if (other === d || other.submitOrder === null || other.submitOrder >= d.submitOrder) continue;
        if (lifeIs(other, 'issued')) {
          this.finding(
            startInIssueOrder.rule,
            `${d.name} starts on chan ${c.ptr} while ${other.name}, issued before it, has not started`,
            at,
          );
          break;
        }
      }
    }
    this.descObserve(d, 'START', at);
  }

  complete(at: FtraceRecord, c: TraceChan, d: TraceDesc): void {
    if (!this.startsTraced && lifeIs(d, 'issued')) this.start(at, c, d);
    if (d.cookie !== null) {
      const prev = c.lastCompleted;
      // Cookies wrap from INT_MAX to 1: a drop of more than half the range is a wrap.
      if (prev !== null && d.cookie < prev && prev - d.cookie < 0x40000000) {
        this.finding(
          inOrderCompletion.rule,
          `${d.name} completed with cookie ${d.cookie} after cookie ${prev}`,
          at,
        );
      }
      c.lastCompleted = d.cookie;
    }
    this.descObserve(d, 'COMPLETE', at);
    this.drained(c, at);
  }

  /**
   * The interrupt handler completes c->desc only when the transfer ended: then
   * vchan_cookie_complete schedules the tasklet (__tasklet_schedule, unless it is scheduled
   * already) and the handler starts the next (start_desc). The first of the two on the
   * handler's CPU is the completion.
   */
  irqCompletes(at: FtraceRecord, chanPtr: string | null): void {
    const irq = this.irq.get(at.cpu);
    if (irq === undefined || (chanPtr !== null && irq.chan !== chanPtr)) return;
    this.irq.delete(at.cpu);
    const c = this.chanAt(irq.chan);
    const done = this.ownerOf(c, irq.cookie);
    if (done !== undefined && !done.cyclic) this.complete(at, c, done);
  }

  /** The channel's terminate, and every descriptor vchan_get_all_descriptors takes. */
  terminate(at: FtraceRecord, c: TraceChan, descriptors: boolean): void {
    this.chanObserve(c, 'TERMINATE', at);
    c.uncoveredTerminates++;
    if (!descriptors) return;
    // Every list but the completion tasklet's private one.
    for (const d of c.live) {
      if (lifeIs(d, 'prepared', 'submitted', 'issued', 'active', 'completed'))
        this.descObserve(d, 'TERMINATE', at);
    }
  }

  terminateTakesEffect(task: string, at: FtraceRecord): void {
    const t = this.terminating.get(task);
    if (t === undefined) return;
    this.terminating.delete(task);
    this.terminate(at, this.chanAt(t.chan), true);
  }

  syncBegin(c: TraceChan): void {
    c.syncBegan = this.#submitted;
    c.coveringTerminates = c.uncoveredTerminates;
  }

  syncEnd(at: FtraceRecord, c: TraceChan): void {
    this.chanObserve(c, 'SYNC', at);
    c.fence = c.syncBegan ?? this.#submitted;
    c.uncoveredTerminates -= c.coveringTerminates;
    c.coveringTerminates = 0;
  }

  release(at: FtraceRecord, c: TraceChan): void {
    if (c.uncoveredTerminates > 0) {
      this.finding(
        freeResourcesAfterSync.rule,
        `device_free_chan_resources(chan ${c.ptr}) while a terminate is not covered by a returned synchronize`,
        at,
      );
    }
    this.chanObserve(c, 'RELEASE', at);
  }

  /** The completion tasklet begins: it takes the channel's completed descriptors. */
  taskletTakes(at: FtraceRecord, chanPtr: string): void {
    // A terminate entered on another CPU may have taken the list first (both hold vc.lock):
    // then who took each descriptor shows only at its free.
    if ([...this.terminating.values()].some((t) => t.chan === chanPtr)) return;
    const c = this.chanAt(chanPtr);
    for (const d of c.live) if (lifeIs(d, 'completed')) this.descObserve(d, 'FETCH_CALLBACK', at);
  }

  callbackBegins(at: FtraceRecord, d: TraceDesc): void {
    const c = d.chan;
    if (c.fence !== null && d.submitOrder !== null && d.submitOrder <= c.fence) {
      this.finding(
        noCallbackAfterSynchronize.rule,
        `callback of ${d.name} runs after dmaengine_synchronize(chan ${c.ptr}) returned`,
        at,
      );
    }
    this.descObserve(d, 'CALLBACK_BEGIN', at);
  }

  /**
   * The completion tasklet hands `d` to its callback (at the callback's line; a descriptor
   * without one, at the free) and then frees it.
   */
  #callbackThenFree(at: FtraceRecord, d: TraceDesc): void {
    const cb = this.callback.get(at.cpu);
    this.callback.delete(at.cpu);
    if (lifeIs(d, 'completed')) this.descObserve(d, 'FETCH_CALLBACK', cb ?? at);
    if (cb !== undefined) this.callbackBegins(cb, d);
    else this.descObserve(d, 'CALLBACK_BEGIN', at);
    this.descObserve(d, 'CALLBACK_END', cb ?? at);
    this.free(at, d);
  }

  free(at: FtraceRecord, d: TraceDesc): void {
    this.descObserve(d, 'FREE', at);
    if (d.monitor.is(TX_STATE.freed)) {
      d.chan.live.delete(d);
      if (d.cookie !== null && d.chan.cookies.get(d.cookie) === d) d.chan.cookies.delete(d.cookie);
    }
  }

  /** The driver's desc_free: in the completion tasklet, after a synchronize, or plain. */
  descFree(at: FtraceRecord, txp: string): void {
    const d = this.objects.descs.get(txp);
    if (d === undefined) return; // prepared before the trace began: nothing known of its life
    const inTasklet = this.tasklet.has(at.cpu) && (at.flags === '' || /s/i.test(at.flags));
    if (inTasklet && lifeIs(d, 'completed', 'callbackPending')) {
      this.#callbackThenFree(at, d);
      return;
    }
    const inside = this.inside.get(at.task);
    if (inside?.op === 'synchronize' && lifeIs(d, 'prepared', 'submitted', 'issued', 'active', 'completed')) {
      this.descObserve(d, 'TERMINATE', at);
    }
    this.free(at, d);
  }

  /** A tx_status answer, judged at its return (the answer was read between entry and return). */
  txStatus(at: FtraceRecord, chanPtr: string, cookie: number, status: string): void {
    const c = this.chanAt(chanPtr);
    if (status === 'DMA_PAUSED' && !c.monitor.matches({ allocated: { activity: 'paused' } })) {
      this.finding(
        txStatusConsistent.rule,
        `tx_status(chan ${c.ptr}, cookie ${cookie}) reports DMA_PAUSED on a channel in ${c.monitor.state}`,
        at,
      );
    }
    const owner = this.ownerOf(c, cookie);
    if (status === 'DMA_COMPLETE' && owner !== undefined && lifeIs(owner, 'submitted', 'issued', 'active')) {
      this.finding(
        txStatusConsistent.rule,
        `tx_status(chan ${c.ptr}, cookie ${cookie}) reports DMA_COMPLETE while ${owner.name} is in ${owner.monitor.state}`,
        at,
      );
    }
    this.note(`chan ${c.ptr}`, `tx_status ${cookie} ${status}`, at);
  }
}

function traceEvent(
  r: FtraceRecord,
  actor: string,
  event: string,
  payload: Record<string, string>,
): KernelTraceEvent {
  return {
    step: r.line,
    time: Math.round(r.time * 1e9),
    task: r.task,
    ctx: /h/i.test(r.flags) ? 'hardirq' : /s/.test(r.flags) ? 'softirq' : 'process',
    actor,
    event,
    payload,
    cpu: r.cpu,
    text: r.text,
  };
}
