import type { KernelTraceResult } from '../ktrace/check-kernel-trace.js';
import type { KernelTraceSection, LaneData, TraceEventData } from './report-data.js';

/**
 * A checked kernel trace as the HTML report draws it. Its lanes are the contexts the code ran
 * in, read from each line: a task in process context is a lane of its own (dmatest threads,
 * insmod); softirq (the completion tasklet) and hardirq (the DMA interrupt) are a lane per CPU,
 * since the task column then names whichever task they interrupted.
 */
const KIND = { process: 'client', softirq: 'tasklet', hardirq: 'interrupt' } as const;
const ORDER = ['client', 'tasklet', 'interrupt'] as const;

function laneOf(e: { readonly task: string; readonly ctx: string; readonly cpu: number }): LaneData {
  if (e.ctx === 'softirq' || e.ctx === 'hardirq') return { name: `${e.ctx} cpu${e.cpu}`, kind: KIND[e.ctx] };
  return { name: e.task, kind: KIND.process };
}

export function kernelTraceSection(file: string, r: KernelTraceResult): KernelTraceSection {
  // Lanes in order of kind, then of first appearance.
  const seen = new Map<string, LaneData>();
  for (const e of r.events) {
    const l = laneOf(e);
    if (!seen.has(l.name)) seen.set(l.name, l);
  }
  const lanes = [...seen.values()]
    .map((l, first) => ({ l, first }))
    .sort(
      (a, b) =>
        ORDER.indexOf(a.l.kind as (typeof ORDER)[number]) -
          ORDER.indexOf(b.l.kind as (typeof ORDER)[number]) || a.first - b.first,
    )
    .map(({ l }) => l);
  const index = new Map(lanes.map((l, i) => [l.name, i]));
  // A finding is recorded with its VIOLATION event, in the same order.
  let k = 0;
  const events = r.events.map((e): TraceEventData => {
    const finding = e.event === 'VIOLATION' ? k++ : null;
    const state = e.payload?.state;
    return {
      step: e.step,
      time: e.time,
      task: e.task,
      ctx: e.ctx,
      actor: e.actor,
      event: e.event,
      lane: index.get(laneOf(e).name) ?? 0,
      state: typeof state === 'string' ? state : null,
      payload: '',
      cpu: e.cpu,
      text: e.text,
      finding,
    };
  });
  const at = events.flatMap((e, i) => (e.finding === null ? [] : [i]));
  return {
    file,
    records: r.records,
    observations: r.observations,
    channels: r.channels,
    descriptors: r.descriptors,
    lost: r.lost,
    findings: r.findings.map((f, i) => ({
      id: f.rule.id,
      side: f.rule.side,
      rule: f.rule.rule,
      source: f.rule.source,
      detail: f.detail,
      line: f.line,
      text: f.text,
      accepted: f.accepted,
      at: at[i] ?? -1,
    })),
    lanes,
    events,
  };
}
