import type { EventFromLogic } from 'xstate';
import { freeResourcesAfterSync } from '../../invariants/free-resources-after-sync.js';
import { inOrderCompletion } from '../../invariants/in-order-completion.js';
import { noCallbackAfterSynchronize } from '../../invariants/no-callback-after-synchronize.js';
import { startInIssueOrder } from '../../invariants/start-in-issue-order.js';
import { txStatusConsistent } from '../../invariants/tx-status-consistent.js';
import type { channelSpec } from '../../machines/channel.js';
import type { descriptorSpec } from '../../machines/descriptor.js';
import { DMA_PREP_REPEAT } from '../hw/ctrl-flags.js';
import { violationsOf } from '../kernel/checker.js';
import type { TraceEvent } from '../kernel/trace.js';
import { World } from '../kernel/world.js';
import type { Rule } from '../rules/rule.js';
import { UsageError } from '../rules/usage-error.js';
import { dmaTracepoints } from '../rv/tracepoints.js';
import { type FtraceRecord, parseFtraceLine } from './ftrace-line.js';
import { lifeIs, type TraceChan, type TraceDesc, TraceObjects } from './trace-objects.js';

/**
 * `dmactor trace`: a kernel trace (ftrace text) read as observations of the statecharts, per
 * object: channels by `struct dma_chan *`, descriptors by pointer (a new life at each prep)
 * and by cookie. The events come from kprobe events on the driver's operations (named as
 * scripts/kernel-trace/init-bcm2835 names them; docs/kernel.md lists them), the function
 * tracer (the virt-dma completion tasklet, the client's callback) and the dmaengine
 * tracepoints of src/rv/tracepoints.ts. The descriptor and channel charts of machines/ check
 * every observation; the invariants that need only observations run beside them, under their
 * own rule ids.
 */

export interface KernelTraceFinding {
  readonly rule: Rule;
  readonly detail: string;
  readonly line: number;
  readonly text: string;
  /** Accepted by name (`accept`): a known deviation of the driver, listed, not counted. */
  readonly accepted: boolean;
}

export interface KernelTraceOptions {
  /** Rule ids accepted as known deviations of the traced driver (docs/kernel.md lists them). */
  readonly accept?: readonly string[];
  /** Functions that are client completion callbacks (the function tracer names them). */
  readonly callbacks?: readonly string[];
  /**
   * The driver has no device_synchronize (pl330): dmaengine_synchronize does nothing there, so
   * a terminate's return is taken as synchronized, and a client's issue_pending between
   * terminate_async and synchronize cannot be told from a trace.
   */
  readonly noDeviceSynchronize?: boolean;
}

export interface KernelTraceResult {
  readonly findings: readonly KernelTraceFinding[];
  /** Lines read as records, and how many of them fed a chart. */
  readonly records: number;
  readonly observations: number;
  readonly channels: number;
  readonly descriptors: number;
  /** The observations as trace events (step = line number), for the diagrams. */
  readonly events: readonly TraceEvent[];
  /** CPUs whose buffer lost events: the checks there are incomplete. */
  readonly lost: readonly number[];
}

/** dmatest's and dslave's callbacks; `callbacks` adds a driver's own. */
export const DEFAULT_CALLBACKS: readonly string[] = ['dmatest_callback', 'dmatest_cb', 'dslave_cb'];

type ChanEvent = EventFromLogic<typeof channelSpec.machine>;
type DescEvent = EventFromLogic<typeof descriptorSpec.machine>;

/** What a task is inside, for a desc_free it makes: the driver op that frees. */
type Inside = 'terminate' | 'synchronize' | 'release';

const STATUS: Readonly<Record<string, string>> = {
  '0': 'DMA_COMPLETE',
  '0x0': 'DMA_COMPLETE',
  '1': 'DMA_IN_PROGRESS',
  '0x1': 'DMA_IN_PROGRESS',
  '2': 'DMA_PAUSED',
  '0x2': 'DMA_PAUSED',
  '3': 'DMA_ERROR',
  '0x3': 'DMA_ERROR',
};

const tracepoints = new Map(dmaTracepoints.map((t) => [t.name, t]));

function num(v: string | undefined): number | null {
  if (v === undefined || v === '') return null;
  const n = v.startsWith('0x') ? Number.parseInt(v, 16) : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A pointer as kprobes print it (0x...) or as %p does (hashed, bare hex); NULL is none. */
function ptr(v: string | undefined): string | null {
  if (v === undefined || !/^(0x)?[\da-f]+$/i.test(v)) return null;
  const n = Number.parseInt(v.replace(/^0x/i, ''), 16);
  if (!Number.isFinite(n) || n === 0) return null;
  return `0x${n.toString(16)}`;
}

export function checkKernelTrace(text: string, options: KernelTraceOptions = {}): KernelTraceResult {
  const world = new World({ stopOnViolation: false });
  const objects = new TraceObjects(world);
  const accept = new Set(options.accept ?? []);
  const callbacks = new Set([...DEFAULT_CALLBACKS, ...(options.callbacks ?? [])]);
  const findings: KernelTraceFinding[] = [];
  const events: TraceEvent[] = [];
  const lost = new Set<number>();
  let records = 0;
  let observations = 0;
  let submitted = 0;

  // Per task: the prep, submit and tx_status calls awaiting their return probe; the op inside.
  const prepOf = new Map<string, { chan: string; kind: 'mem' | 'slave' | 'cyclic' }>();
  const submitOf = new Map<string, { tx: string; chan: string | null }>();
  const statusOf = new Map<string, { chan: string; cookie: number }>();
  const startOf = new Map<string, { chan: string; cookie: number | null; at: FtraceRecord }>();
  // Drivers that put descriptors back in a pool of their own with no traced call (pl330) show
  // no desc_free; then a prep handing a pointer out again ends its previous life.
  let freesTraced = false;
  // Drivers whose start is inlined out of reach (pl330) show none: completion implies the start.
  let startsTraced = false;
  const insideOf = new Map<string, { op: Inside; chan: string }>();
  // A terminate takes effect under the channel lock, after its entry probe: at its first effect
  // (vchan_dma_desc_free_list, a desc_free) or its return, whichever this task shows first.
  const terminating = new Map<string, { chan: string; at: FtraceRecord }>();
  const terminateTakesEffect = (task: string, at: FtraceRecord): void => {
    const t = terminating.get(task);
    if (t === undefined) return;
    terminating.delete(task);
    terminate(at, chanAt(t.chan));
  };
  // Per CPU: the interrupt being handled, whether the completion tasklet runs, the callback it ran.
  const irqOf = new Map<number, { chan: string; cookie: number | null }>();
  const taskletOn = new Set<number>();
  const callbackOn = new Map<number, FtraceRecord>();

  const finding = (rule: Rule, detail: string, at: FtraceRecord): void => {
    findings.push({ rule, detail, line: at.line, text: at.text, accepted: accept.has(rule.id) });
    events.push(traceEvent(at, rule.id, 'VIOLATION', { rule: rule.id, detail }));
  };
  const note = (actor: string, event: string, at: FtraceRecord, state?: string): void => {
    observations++;
    events.push(traceEvent(at, actor, event, state === undefined ? {} : { state }));
  };
  const takeViolation = (at: FtraceRecord): void => {
    const all = violationsOf(world);
    const v = all[all.length - 1];
    if (v !== undefined) finding(v.rule, v.detail, at);
  };
  const chanObserve = (c: TraceChan, type: ChanEvent['type'], at: FtraceRecord): void => {
    const ok = c.monitor.observe({ type } as ChanEvent);
    note(c.monitor.name, type, at, ok ? c.monitor.state : undefined);
    if (!ok) takeViolation(at);
  };
  const descObserve = (d: TraceDesc, type: DescEvent['type'], at: FtraceRecord): void => {
    const ok = d.monitor.observe({ type } as DescEvent);
    // Drawn on its channel's lane, as the model names a channel's descriptors.
    note(`${d.chan.monitor.name}.${d.name}`, type, at, ok ? d.monitor.state : undefined);
    if (!ok) takeViolation(at);
  };
  /** The channel at `p`; one first seen after its request is taken as requested before the trace began. */
  const chanAt = (p: string): TraceChan => {
    const { chan, fresh } = objects.chan(p);
    if (fresh) chan.monitor.observe({ type: 'REQUEST' });
    return chan;
  };
  /**
   * bcm2835_dma_callback completes c->desc only when the transfer ended: then
   * vchan_cookie_complete schedules the tasklet (__tasklet_schedule, unless it is scheduled
   * already) and the handler starts the next (start_desc). The first of the two on the
   * handler's CPU is the completion.
   */
  const irqCompletes = (at: FtraceRecord, p: string | null): void => {
    const irq = irqOf.get(at.cpu);
    if (irq === undefined || (p !== null && irq.chan !== p)) return;
    irqOf.delete(at.cpu);
    const c = chanAt(irq.chan);
    const done = ownerOf(c, irq.cookie);
    if (done !== undefined && !done.cyclic) complete(at, c, done);
  };
  const request = (at: FtraceRecord, p: string): void => {
    const c = objects.chan(p).chan;
    chanObserve(c, 'REQUEST', at);
    // Cookies start again at a new allocation (dma_cookie_init in the driver's alloc).
    c.lastCompleted = null;
    c.cookies.clear();
  };
  const drained = (c: TraceChan, at: FtraceRecord): void => {
    if (!c.monitor.matches({ allocated: { activity: 'busy' } })) return;
    for (const d of c.live) if (lifeIs(d, 'issued', 'active')) return;
    chanObserve(c, 'DRAINED', at);
  };
  const ownerOf = (c: TraceChan, cookie: number | null): TraceDesc | undefined =>
    cookie === null ? undefined : c.cookies.get(cookie);

  const prepared = (at: FtraceRecord, txp: string, c: TraceChan, kind: 'mem' | 'slave' | 'cyclic'): void => {
    chanObserve(c, kind === 'mem' ? 'PREP_MEM' : 'PREP_SLAVE', at);
    const old = objects.descs.get(txp);
    if (old !== undefined && !old.monitor.matches('freed')) {
      if (!freesTraced && lifeIs(old, 'completed', 'done', 'aborted')) {
        // Back from the driver's pool: its callback, if any, ran unattributed.
        if (lifeIs(old, 'completed')) {
          for (const e of ['FETCH_CALLBACK', 'CALLBACK_BEGIN', 'CALLBACK_END'] as const)
            old.monitor.observe({ type: e });
        }
        free(at, old);
      } else {
        // Memory the trace never saw freed handed out again: the old life goes on.
        descObserve(old, kind === 'cyclic' ? 'PREP_CYCLIC' : 'PREP', at);
        return;
      }
    }
    const d = objects.newDesc(txp, c);
    d.cyclic = kind === 'cyclic';
    descObserve(d, kind === 'cyclic' ? 'PREP_CYCLIC' : 'PREP', at);
  };
  const submit = (at: FtraceRecord, txp: string, chanPtr: string | null, cookie: number): void => {
    let d = objects.descs.get(txp);
    if (d === undefined) {
      // Prepared before the trace began.
      if (chanPtr === null) return;
      d = objects.newDesc(txp, chanAt(chanPtr));
      d.monitor.observe({ type: 'PREP' });
    }
    descObserve(d, 'SUBMIT', at);
    d.cookie = cookie;
    d.submitOrder = ++submitted;
    d.chan.cookies.set(cookie, d);
  };
  const issue = (at: FtraceRecord, c: TraceChan): void => {
    chanObserve(c, 'ISSUE', at);
    for (const d of c.live) if (lifeIs(d, 'submitted')) descObserve(d, 'ISSUE', at);
    drained(c, at);
  };
  const start = (at: FtraceRecord, c: TraceChan, d: TraceDesc): void => {
    if (d.submitOrder !== null) {
      for (const other of c.live) {
        if (other === d || other.submitOrder === null || other.submitOrder >= d.submitOrder) continue;
        if (lifeIs(other, 'issued')) {
          finding(
            startInIssueOrder.rule,
            `${d.name} starts on chan ${c.ptr} while ${other.name}, issued before it, has not started`,
            at,
          );
          break;
        }
      }
    }
    descObserve(d, 'START', at);
  };
  const complete = (at: FtraceRecord, c: TraceChan, d: TraceDesc): void => {
    if (!startsTraced && lifeIs(d, 'issued')) start(at, c, d);
    if (d.cookie !== null) {
      const prev = c.lastCompleted;
      if (prev !== null && d.cookie < prev && prev - d.cookie < 0x40000000) {
        finding(
          inOrderCompletion.rule,
          `${d.name} completed with cookie ${d.cookie} after cookie ${prev}`,
          at,
        );
      }
      c.lastCompleted = d.cookie;
    }
    descObserve(d, 'COMPLETE', at);
    drained(c, at);
  };
  const terminate = (at: FtraceRecord, c: TraceChan): void => {
    chanObserve(c, 'TERMINATE', at);
    c.uncoveredTerminates++;
    // vchan_get_all_descriptors takes every list but the completion tasklet's private one.
    for (const d of c.live) {
      if (lifeIs(d, 'prepared', 'submitted', 'issued', 'active', 'completed'))
        descObserve(d, 'TERMINATE', at);
    }
  };
  const syncBegin = (c: TraceChan): void => {
    c.syncBegan = submitted;
    c.coveringTerminates = c.uncoveredTerminates;
  };
  const syncEnd = (at: FtraceRecord, c: TraceChan): void => {
    chanObserve(c, 'SYNC', at);
    c.fence = c.syncBegan ?? submitted;
    c.uncoveredTerminates -= c.coveringTerminates;
    c.coveringTerminates = 0;
  };
  const release = (at: FtraceRecord, c: TraceChan): void => {
    if (c.uncoveredTerminates > 0) {
      finding(
        freeResourcesAfterSync.rule,
        `device_free_chan_resources(chan ${c.ptr}) while a terminate is not covered by a returned synchronize`,
        at,
      );
    }
    chanObserve(c, 'RELEASE', at);
  };
  /**
   * The completion tasklet hands `d` to its callback (or to none) and then frees it. It took
   * the channel's completed list when it began (the vchan_complete probe); without that probe,
   * at the free.
   */
  const callbackThenFree = (at: FtraceRecord, d: TraceDesc): void => {
    const cb = callbackOn.get(at.cpu) ?? null;
    callbackOn.delete(at.cpu);
    const c = d.chan;
    if (cb !== null && c.fence !== null && d.submitOrder !== null && d.submitOrder <= c.fence) {
      finding(
        noCallbackAfterSynchronize.rule,
        `callback of ${d.name} runs after dmaengine_synchronize(chan ${c.ptr}) returned`,
        cb,
      );
    }
    if (lifeIs(d, 'completed')) descObserve(d, 'FETCH_CALLBACK', cb ?? at);
    descObserve(d, 'CALLBACK_BEGIN', cb ?? at);
    descObserve(d, 'CALLBACK_END', cb ?? at);
    free(at, d);
  };
  const free = (at: FtraceRecord, d: TraceDesc): void => {
    descObserve(d, 'FREE', at);
    if (d.monitor.matches('freed')) {
      d.chan.live.delete(d);
      if (d.cookie !== null && d.chan.cookies.get(d.cookie) === d) d.chan.cookies.delete(d.cookie);
    }
  };
  const descFree = (at: FtraceRecord, txp: string): void => {
    const d = objects.descs.get(txp);
    if (d === undefined) return; // prepared before the trace began: nothing known of its life
    if (
      taskletOn.has(at.cpu) &&
      (at.flags === '' || /s/i.test(at.flags)) &&
      lifeIs(d, 'completed', 'callbackPending')
    ) {
      callbackThenFree(at, d);
      return;
    }
    const inside = insideOf.get(at.task);
    if (inside?.op === 'synchronize' && lifeIs(d, 'prepared', 'submitted', 'issued', 'active', 'completed')) {
      descObserve(d, 'TERMINATE', at);
    }
    free(at, d);
  };
  const txStatus = (at: FtraceRecord, q: { chan: string; cookie: number }, status: string): void => {
    const c = chanAt(q.chan);
    if (status === 'DMA_PAUSED' && !c.monitor.matches({ allocated: { activity: 'paused' } })) {
      finding(
        txStatusConsistent.rule,
        `tx_status(chan ${c.ptr}, cookie ${q.cookie}) reports DMA_PAUSED on a channel in ${c.monitor.state}`,
        at,
      );
    }
    const owner = ownerOf(c, q.cookie);
    if (status === 'DMA_COMPLETE' && owner !== undefined && lifeIs(owner, 'submitted', 'issued', 'active')) {
      finding(
        txStatusConsistent.rule,
        `tx_status(chan ${c.ptr}, cookie ${q.cookie}) reports DMA_COMPLETE while ${owner.name} is in ${owner.monitor.state}`,
        at,
      );
    }
    note(`chan ${c.ptr}`, `tx_status ${q.cookie} ${status}`, at);
  };

  const probe = (r: FtraceRecord): void => {
    const a = r.args;
    const chanPtr = ptr(a.chan);
    switch (r.name) {
      case 'alloc_chan':
        if (chanPtr !== null) request(r, chanPtr);
        return;
      case 'free_chan':
        if (chanPtr !== null) {
          insideOf.set(r.task, { op: 'release', chan: chanPtr });
          release(r, chanAt(chanPtr));
        }
        return;
      case 'slave_config':
        if (chanPtr !== null) chanObserve(chanAt(chanPtr), 'CONFIG', r);
        return;
      case 'prep_memcpy':
      case 'prep_slave_sg':
      case 'prep_cyclic':
        if (chanPtr !== null) {
          prepOf.set(r.task, {
            chan: chanPtr,
            kind: r.name === 'prep_memcpy' ? 'mem' : r.name === 'prep_cyclic' ? 'cyclic' : 'slave',
          });
        }
        return;
      case 'prep_memcpy_ret':
      case 'prep_slave_sg_ret':
      case 'prep_cyclic_ret': {
        const p = prepOf.get(r.task);
        prepOf.delete(r.task);
        const txp = ptr(a.desc);
        if (p !== undefined && txp !== null) prepared(r, txp, chanAt(p.chan), p.kind);
        return;
      }
      case 'tx_submit': {
        const txp = ptr(a.tx);
        if (txp !== null) submitOf.set(r.task, { tx: txp, chan: chanPtr });
        return;
      }
      case 'tx_submit_ret': {
        const s = submitOf.get(r.task);
        submitOf.delete(r.task);
        const cookie = num(a.cookie);
        if (s !== undefined && cookie !== null && cookie > 0) submit(r, s.tx, s.chan, cookie);
        return;
      }
      case 'issue_pending':
        if (chanPtr !== null) issue(r, chanAt(chanPtr));
        return;
      case 'dma_irq':
        // The handler completes c->desc only when it also starts the next (bcm2835_dma_callback).
        if (chanPtr !== null && ptr(a.desc) !== null)
          irqOf.set(r.cpu, { chan: chanPtr, cookie: num(a.cookie) });
        return;
      case 'complete': {
        if (chanPtr === null) return;
        const c = chanAt(chanPtr);
        const d = ownerOf(c, num(a.cookie));
        if (d !== undefined) complete(r, c, d);
        return;
      }
      case 'start_desc': {
        if (chanPtr === null) return;
        const c = chanAt(chanPtr);
        irqCompletes(r, chanPtr);
        startsTraced = true;
        if (a.next !== undefined && a.next === a.nextnext) return; // desc_issued is empty
        const d = ownerOf(c, num(a.cookie));
        if (d !== undefined) start(r, c, d);
        return;
      }
      case 'start': {
        startsTraced = true;
        // Handed to the hardware if the driver's submit call returns 0 (start_ret).
        if (chanPtr !== null) startOf.set(r.task, { chan: chanPtr, cookie: num(a.cookie), at: r });
        return;
      }
      case 'start_ret': {
        const st = startOf.get(r.task);
        startOf.delete(r.task);
        if (st === undefined || num(a.ret) !== 0) return;
        const c = chanAt(st.chan);
        const d = ownerOf(c, st.cookie);
        if (d !== undefined) start(r, c, d);
        return;
      }
      case 'tx_status': {
        const cookie = num(a.cookie);
        if (chanPtr !== null && cookie !== null) statusOf.set(r.task, { chan: chanPtr, cookie });
        return;
      }
      case 'tx_status_ret': {
        const q = statusOf.get(r.task);
        statusOf.delete(r.task);
        if (q !== undefined) txStatus(r, q, STATUS[a.status ?? ''] ?? `status ${a.status}`);
        return;
      }
      case 'desc_free': {
        freesTraced = true;
        terminateTakesEffect(r.task, r);
        const txp = ptr(a.vd ?? a.tx);
        if (txp !== null) descFree(r, txp);
        return;
      }
      case 'terminate_all':
        if (chanPtr !== null) {
          insideOf.set(r.task, { op: 'terminate', chan: chanPtr });
          terminating.set(r.task, { chan: chanPtr, at: r });
        }
        return;
      case 'synchronize':
        if (chanPtr !== null) {
          insideOf.set(r.task, { op: 'synchronize', chan: chanPtr });
          syncBegin(chanAt(chanPtr));
        }
        return;
      case 'terminate_all_ret': {
        terminateTakesEffect(r.task, r);
        const inside = insideOf.get(r.task);
        insideOf.delete(r.task);
        if (options.noDeviceSynchronize && inside?.op === 'terminate') {
          const c = chanAt(inside.chan);
          syncBegin(c);
          syncEnd(r, c);
        }
        return;
      }
      case 'free_chan_ret':
        insideOf.delete(r.task);
        return;
      case 'synchronize_ret': {
        const inside = insideOf.get(r.task);
        insideOf.delete(r.task);
        if (inside?.op === 'synchronize') syncEnd(r, chanAt(inside.chan));
        return;
      }
      case 'vchan_complete':
        // The tasklet splices desc_completed away at its start: terminate no longer reaches those.
        taskletOn.add(r.cpu);
        // A terminate entered on another CPU may have taken the list first (both hold vc.lock):
        // then who took each descriptor shows only at its free.
        if (chanPtr !== null && ![...terminating.values()].some((t) => t.chan === chanPtr)) {
          const c = chanAt(chanPtr);
          for (const d of c.live) if (lifeIs(d, 'completed')) descObserve(d, 'FETCH_CALLBACK', r);
        }
        return;
      case 'dmatest_cb':
        callbackOn.set(r.cpu, r);
        return;
    }
  };

  /** A dmaengine tracepoint (src/rv/tracepoints.ts): its chart events on its object. */
  const tracepoint = (r: FtraceRecord): boolean => {
    const tp = tracepoints.get(r.name);
    if (tp === undefined) return false;
    const objPtr = ptr(r.args[tp.object]);
    if (objPtr === null) return true;
    // The tracepoints name each descriptor's issue, start and abort themselves, so a channel's
    // issue or terminate moves only the channel here.
    const preps = tp.events.filter((e) => e.machine === 'descriptor' && e.event.startsWith('PREP'));
    const flags = num(r.args.flags) ?? 0;
    const prepEvent =
      preps.length > 1 ? ((flags & DMA_PREP_REPEAT) !== 0 ? 'PREP_REPEAT' : 'PREP') : preps[0]?.event;
    for (const e of tp.events) {
      if (e.machine === 'channel') {
        const cp =
          tp.object === 'chan' ? objPtr : (ptr(r.args.chan) ?? objects.descs.get(objPtr)?.chan.ptr ?? null);
        if (cp === null) continue;
        if (e.event === 'REQUEST') {
          request(r, cp);
          continue;
        }
        const c = chanAt(cp);
        if (e.event === 'ISSUE') {
          chanObserve(c, 'ISSUE', r);
          drained(c, r);
        } else if (e.event === 'TERMINATE') {
          chanObserve(c, 'TERMINATE', r);
          c.uncoveredTerminates++;
        } else if (e.event === 'SYNC') {
          syncBegin(c);
          syncEnd(r, c);
        } else if (e.event === 'RELEASE') release(r, c);
        else chanObserve(c, e.event as ChanEvent['type'], r);
      } else if (e.machine === 'descriptor') {
        if (e.event.startsWith('PREP')) {
          if (e.event !== prepEvent) continue;
          const cp = ptr(r.args.chan);
          if (cp === null) continue;
          const old = objects.descs.get(objPtr);
          const d =
            old !== undefined && !old.monitor.matches('freed') ? old : objects.newDesc(objPtr, chanAt(cp));
          descObserve(d, e.event as DescEvent['type'], r);
          continue;
        }
        const d = objects.descs.get(objPtr);
        if (d === undefined) continue;
        const cookie = num(r.args.cookie);
        if (e.event === 'SUBMIT' && cookie !== null) submit(r, objPtr, d.chan.ptr, cookie);
        else if (e.event === 'START') start(r, d.chan, d);
        else if (e.event === 'COMPLETE') complete(r, d.chan, d);
        else if (e.event === 'FREE') free(r, d);
        else if (e.event === 'CALLBACK_BEGIN') {
          const c = d.chan;
          if (c.fence !== null && d.submitOrder !== null && d.submitOrder <= c.fence) {
            finding(
              noCallbackAfterSynchronize.rule,
              `callback of ${d.name} runs after dmaengine_synchronize(chan ${c.ptr}) returned`,
              r,
            );
          }
          descObserve(d, 'CALLBACK_BEGIN', r);
        } else {
          descObserve(d, e.event as DescEvent['type'], r);
          if (e.event === 'TERMINATE' || e.event === 'ISSUE') drained(d.chan, r);
        }
      }
      // virtualChannel and tasklet events: those charts are not run on a kernel trace.
    }
    return true;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseFtraceLine(lines[i] ?? '', i + 1);
    if (parsed.type === 'skip') continue;
    if (parsed.type === 'lost') {
      lost.add(parsed.cpu);
      continue;
    }
    if (parsed.type === 'bad') {
      // Nothing read yet: not an ftrace file at all; later, one damaged line.
      if (records === 0) throw new UsageError(`line ${i + 1}: unknown trace format: ${parsed.reason}`);
      throw new UsageError(`line ${i + 1}: ${parsed.reason}`);
    }
    const r = parsed.record;
    records++;
    if (r.kind === 'kprobe' || r.kind === 'kretprobe') {
      if (!tracepoint(r)) probe(r);
    } else if (r.kind === 'event') {
      if (tracepoint(r)) continue;
      if (r.name === 'irq_handler_exit') irqOf.delete(r.cpu);
      else if (r.name === 'tasklet_exit' || r.name === 'softirq_exit') {
        taskletOn.delete(r.cpu);
        callbackOn.delete(r.cpu);
      } else if (r.name === 'tasklet_entry' && /vchan_complete/.test(r.args.function ?? ''))
        taskletOn.add(r.cpu);
    } else if (r.kind === 'function' || r.kind === 'graph-entry') {
      if (r.name === 'vchan_complete') taskletOn.add(r.cpu);
      else if (r.name === '__tasklet_schedule') irqCompletes(r, null);
      else if (r.name === 'vchan_dma_desc_free_list') terminateTakesEffect(r.task, r);
      else if (callbacks.has(r.name) && !callbackOn.has(r.cpu)) callbackOn.set(r.cpu, r);
    }
  }
  if (records === 0) throw new UsageError('line 1: unknown trace format: no ftrace record in the file');
  return {
    findings,
    records,
    observations,
    channels: objects.chans.size,
    descriptors: [...objects.descs.values()].length,
    events,
    lost: [...lost].sort((x, y) => x - y),
  };
}

function traceEvent(
  r: FtraceRecord,
  actor: string,
  event: string,
  payload: Record<string, string>,
): TraceEvent {
  return {
    step: r.line,
    time: Math.round(r.time * 1e9),
    task: r.task,
    ctx: /h/i.test(r.flags) ? 'hardirq' : /s/.test(r.flags) ? 'softirq' : 'process',
    actor,
    event,
    payload,
  };
}
