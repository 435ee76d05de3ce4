import { argNumber, argPointer, type FtraceRecord } from './ftrace-line.js';
import type { PrepKind, TraceChecker } from './trace-checker.js';

const STATUS: Readonly<Record<string, string>> = {
  '0': 'DMA_COMPLETE',
  '1': 'DMA_IN_PROGRESS',
  '2': 'DMA_PAUSED',
  '3': 'DMA_ERROR',
};

const PREPS: Readonly<Record<string, PrepKind>> = {
  prep_memcpy: 'mem',
  prep_slave_sg: 'slave',
  prep_cyclic: 'cyclic',
};

/**
 * The kprobe events on a driver's operations (the names scripts/kernel-trace/init-* gives
 * them; docs/kernel.md lists them), and the function tracer's lines that matter: the virt-dma
 * completion tasklet, a terminate's effect, the client's callback. A probe and its return
 * probe are paired by task.
 */
export class ProbeReader {
  readonly #prep = new Map<string, { chan: string; kind: PrepKind }>();
  readonly #submit = new Map<string, { tx: string; chan: string | null }>();
  readonly #status = new Map<string, { chan: string; cookie: number }>();
  readonly #start = new Map<string, { chan: string; cookie: number | null }>();

  constructor(
    private readonly chk: TraceChecker,
    private readonly callbacks: ReadonlySet<string>,
    private readonly noDeviceSynchronize: boolean,
  ) {}

  /** A kprobe or kretprobe line. */
  probe(r: FtraceRecord): void {
    const chk = this.chk;
    const a = r.args;
    const chanPtr = argPointer(a.chan);
    const prepKind = PREPS[r.name] ?? PREPS[r.name.replace(/_ret$/, '')];
    if (prepKind !== undefined) {
      if (!r.name.endsWith('_ret')) {
        if (chanPtr !== null) this.#prep.set(r.task, { chan: chanPtr, kind: prepKind });
        return;
      }
      const p = this.#prep.get(r.task);
      this.#prep.delete(r.task);
      const txp = argPointer(a.desc);
      if (p !== undefined && txp !== null) chk.prepared(r, txp, chk.chanAt(p.chan), p.kind);
      return;
    }
    switch (r.name) {
      case 'alloc_chan':
        if (chanPtr !== null) chk.request(r, chanPtr);
        return;
      case 'free_chan':
        if (chanPtr !== null) {
          chk.inside.set(r.task, { op: 'release', chan: chanPtr });
          chk.release(r, chk.chanAt(chanPtr));
        }
        return;
      case 'free_chan_ret':
        chk.inside.delete(r.task);
        return;
      case 'slave_config':
        if (chanPtr !== null) chk.chanObserve(chk.chanAt(chanPtr), 'CONFIG', r);
        return;
      case 'tx_submit': {
        const txp = argPointer(a.tx);
        if (txp !== null) this.#submit.set(r.task, { tx: txp, chan: chanPtr });
        return;
      }
      case 'tx_submit_ret': {
        const s = this.#submit.get(r.task);
        this.#submit.delete(r.task);
        const cookie = argNumber(a.cookie);
        if (s === undefined || cookie === null || cookie <= 0) return;
        const d = chk.objects.descs.get(s.tx) ?? (s.chan === null ? undefined : chk.adopted(s.tx, s.chan));
        if (d !== undefined) chk.submit(r, d, cookie);
        return;
      }
      case 'issue_pending':
        if (chanPtr !== null) chk.issue(r, chk.chanAt(chanPtr));
        return;
      case 'dma_irq':
        // c->desc at the handler's entry; completed only if the handler then completes it.
        if (chanPtr !== null && argPointer(a.desc) !== null) {
          chk.irq.set(r.cpu, { chan: chanPtr, cookie: argNumber(a.cookie) });
        }
        return;
      case 'complete': {
        if (chanPtr === null) return;
        const c = chk.chanAt(chanPtr);
        const d = chk.ownerOf(c, argNumber(a.cookie));
        if (d !== undefined) chk.complete(r, c, d);
        return;
      }
      case 'start_desc': {
        if (chanPtr === null) return;
        chk.irqCompletes(r, chanPtr);
        chk.startsTraced = true;
        if (a.next !== undefined && a.next === a.nextnext) return; // desc_issued is empty
        const c = chk.chanAt(chanPtr);
        const d = chk.ownerOf(c, argNumber(a.cookie));
        if (d !== undefined) chk.start(r, c, d);
        return;
      }
      case 'start':
        // On the hardware if the driver's call returns 0 (start_ret).
        chk.startsTraced = true;
        if (chanPtr !== null) this.#start.set(r.task, { chan: chanPtr, cookie: argNumber(a.cookie) });
        return;
      case 'start_ret': {
        const st = this.#start.get(r.task);
        this.#start.delete(r.task);
        if (st === undefined || argNumber(a.ret) !== 0) return;
        const c = chk.chanAt(st.chan);
        const d = chk.ownerOf(c, st.cookie);
        if (d !== undefined) chk.start(r, c, d);
        return;
      }
      case 'tx_status': {
        const cookie = argNumber(a.cookie);
        if (chanPtr !== null && cookie !== null) this.#status.set(r.task, { chan: chanPtr, cookie });
        return;
      }
      case 'tx_status_ret': {
        const q = this.#status.get(r.task);
        this.#status.delete(r.task);
        const n = argNumber(a.status);
        if (q !== undefined) chk.txStatus(r, q.chan, q.cookie, STATUS[String(n)] ?? `status ${a.status}`);
        return;
      }
      case 'desc_free': {
        chk.freesTraced = true;
        chk.terminateTakesEffect(r.task, r);
        const txp = argPointer(a.vd ?? a.tx);
        if (txp !== null) chk.descFree(r, txp);
        return;
      }
      case 'terminate_all':
        if (chanPtr !== null) {
          chk.inside.set(r.task, { op: 'terminate', chan: chanPtr });
          chk.terminating.set(r.task, { chan: chanPtr, at: r });
        }
        return;
      case 'terminate_all_ret': {
        chk.terminateTakesEffect(r.task, r);
        const inside = chk.inside.get(r.task);
        chk.inside.delete(r.task);
        if (this.noDeviceSynchronize && inside?.op === 'terminate') {
          const c = chk.chanAt(inside.chan);
          chk.syncBegin(c);
          chk.syncEnd(r, c);
        }
        return;
      }
      case 'synchronize':
        if (chanPtr !== null) {
          chk.inside.set(r.task, { op: 'synchronize', chan: chanPtr });
          chk.syncBegin(chk.chanAt(chanPtr));
        }
        return;
      case 'synchronize_ret': {
        const inside = chk.inside.get(r.task);
        chk.inside.delete(r.task);
        if (inside?.op === 'synchronize') chk.syncEnd(r, chk.chanAt(inside.chan));
        return;
      }
      case 'vchan_complete':
        // The tasklet splices desc_completed away at its start: terminate no longer reaches those.
        chk.tasklet.add(r.cpu);
        if (chanPtr !== null) chk.taskletTakes(r, chanPtr);
        return;
      case 'dmatest_cb':
        chk.callback.set(r.cpu, r);
        return;
    }
  }

  /** An irq, softirq or tasklet event: where a handler or a tasklet run ends. */
  event(r: FtraceRecord): void {
    const chk = this.chk;
    if (r.name === 'irq_handler_exit') chk.irq.delete(r.cpu);
    else if (r.name === 'tasklet_exit' || r.name === 'softirq_exit') {
      chk.tasklet.delete(r.cpu);
      chk.callback.delete(r.cpu);
    } else if (r.name === 'tasklet_entry' && /vchan_complete/.test(r.args.function ?? '')) {
      chk.tasklet.add(r.cpu);
    }
  }

  /** A function tracer (or function_graph entry) line. */
  call(r: FtraceRecord): void {
    const chk = this.chk;
    if (r.name === 'vchan_complete') chk.tasklet.add(r.cpu);
    else if (r.name === '__tasklet_schedule') chk.irqCompletes(r, null);
    else if (r.name === 'vchan_dma_desc_free_list') chk.terminateTakesEffect(r.task, r);
    else if (this.callbacks.has(r.name) && !chk.callback.has(r.cpu)) chk.callback.set(r.cpu, r);
  }
}
