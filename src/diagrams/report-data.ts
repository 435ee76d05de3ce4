import { machineSpecs } from '../../machines/index.js';
import type { CampaignReport } from '../explore/campaign.js';
import type { Counterexample } from '../explore/counterexample.js';
import type { TraceEvent, TracePayload } from '../kernel/trace.js';
import { chartOf } from './chart.js';
import { neverTaken } from './coverage-files.js';
import { toDot } from './dot.js';
import { transitionLabel } from './label.js';
import { lanesOf } from './lanes.js';
import { dotToSvg } from './svg.js';

/**
 * What the HTML report shows, as plain data: the page embeds it as JSON and its viewer draws
 * everything from it, each string as text (nothing from a trace or a provider is ever markup).
 */
export interface ReportData {
  readonly title: string;
  readonly tool: { readonly name: 'dmactor'; readonly version: string };
  readonly campaigns: readonly CampaignSection[];
  readonly counterexamples: readonly CounterexampleSection[];
  /** Kernel traces checked by `dmactor trace`, drawn as counterexamples are. */
  readonly traces?: readonly KernelTraceSection[];
}

export interface CampaignSection {
  /** Where it came from: a report file, or the phase of a run (`fuzz refdma: lifecycle`). */
  readonly name: string;
  readonly seed: number;
  readonly schedules: number;
  readonly seconds: number;
  readonly schedulesPerSec: number;
  readonly cutShare: number;
  readonly distinctStates: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly strategies: Readonly<Record<string, { readonly schedules: number; readonly violations: number }>>;
  readonly rules: readonly { readonly id: string; readonly checks: number; readonly violations: number }[];
  readonly coverage: readonly ChartCoverage[];
  readonly found: readonly { readonly id: string; readonly side: string; readonly detail: string }[];
}

export interface ChartCoverage {
  readonly machine: string;
  readonly taken: number;
  readonly total: number;
  /**
   * The statechart with its transitions coloured by how often they were taken: Graphviz's SVG
   * as a data URL, which the page shows as an image (an image runs no script).
   */
  readonly image: string;
  readonly never: readonly string[];
}

export interface LaneData {
  readonly name: string;
  readonly kind: string;
}

export interface EventData {
  readonly step: number;
  readonly time: number;
  readonly task: string;
  readonly ctx: string;
  readonly actor: string;
  readonly event: string;
  /** The lane the event is drawn on (an index into `lanes`). */
  readonly lane: number;
  /** The actor's statechart state after the event, when the event is an accepted observation. */
  readonly state: string | null;
  readonly payload: string;
}

export interface CounterexampleSection {
  readonly file: string;
  readonly provider: string;
  readonly seed: number;
  readonly strategy: string;
  readonly choices: number;
  readonly violation: {
    readonly id: string;
    readonly side: string;
    readonly rule: string;
    readonly source: string;
    readonly detail: string;
    readonly step: number;
    readonly task: string;
  };
  /** Whether the replay reproduced the recorded violation, and with the recorded trace hash. */
  readonly reproduced: boolean;
  readonly sameHash: boolean;
  readonly lanes: readonly LaneData[];
  readonly events: readonly EventData[];
  /** The index in `events` of the violation (or -1). */
  readonly violationAt: number;
}

/** A kernel trace's observation: its event, the CPU and line it was read from, and the finding it is. */
export interface TraceEventData extends EventData {
  readonly cpu: number;
  /** The trace line as the file has it (shown as text, like every string of the page). */
  readonly text: string;
  /** The index in `findings` when this event is one (a VIOLATION row), else null. */
  readonly finding: number | null;
}

export interface TraceFindingData {
  readonly id: string;
  readonly side: string;
  readonly rule: string;
  readonly source: string;
  readonly detail: string;
  readonly line: number;
  readonly text: string;
  /** Accepted by `--accept`: a known deviation of the driver, shown, not counted. */
  readonly accepted: boolean;
  /** Its row: an index into `events`. */
  readonly at: number;
}

/**
 * A kernel trace as the page shows it: one lane per execution context (each task in process
 * context, and softirq and hardirq per CPU, as the trace's irq-info column says), one row per
 * observation, each finding's row marked with its rule and source.
 */
export interface KernelTraceSection {
  readonly file: string;
  readonly records: number;
  readonly observations: number;
  readonly channels: number;
  readonly descriptors: number;
  /** CPUs whose ring buffer lost events. */
  readonly lost: readonly number[];
  readonly findings: readonly TraceFindingData[];
  readonly lanes: readonly LaneData[];
  readonly events: readonly TraceEventData[];
}

/** A campaign report as the page shows it, with each statechart drawn coloured by coverage. */
export async function campaignSection(name: string, r: CampaignReport<unknown>): Promise<CampaignSection> {
  const coverage: ChartCoverage[] = [];
  for (const c of r.coverage) {
    const spec = machineSpecs.find((s) => s.name === c.machine);
    if (spec === undefined) continue;
    const chart = chartOf(spec);
    const svg = await dotToSvg(toDot(chart, { counts: c.counts }));
    const image = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
    const never = neverTaken(chart, c).map((t) => transitionLabel(t));
    coverage.push({ machine: c.machine, taken: c.taken, total: c.total, image, never });
  }
  return {
    name,
    seed: r.seed,
    schedules: r.schedules,
    seconds: r.seconds,
    schedulesPerSec: r.schedulesPerSec,
    cutShare: r.cutShare,
    distinctStates: r.distinctStates,
    outcomes: r.outcomes,
    strategies: r.strategies,
    rules: Object.entries(r.invariants)
      .map(([id, s]) => ({ id, checks: s.checks, violations: s.violations }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    coverage,
    found: r.found.map((f) => ({ id: f.violation.id, side: f.violation.side, detail: f.violation.detail })),
  };
}

const payloadText = (p: TracePayload | undefined): string => {
  if (p === undefined) return '';
  const { state: _state, ...rest } = p;
  return Object.keys(rest).length === 0 ? '' : JSON.stringify(rest);
};

/** A replayed counterexample: its lanes and every event of its trace, placed on a lane. */
export function counterexampleSection(
  file: string,
  cx: Counterexample<unknown>,
  events: readonly TraceEvent[],
  traceHash: string,
  reproduced: boolean,
): CounterexampleSection {
  const lanes = lanesOf(events, cx.provider);
  const index = new Map(lanes.lanes.map((l, i) => [l.name, i]));
  const data = events.map(
    (e): EventData => ({
      step: e.step,
      time: e.time,
      task: e.task,
      ctx: e.ctx,
      actor: e.actor,
      event: e.event,
      // A task's own events go on its lane; what it acts on goes on the object's lane.
      lane: index.get(lanes.ofActor(e.actor).name) ?? 0,
      state: typeof e.payload?.state === 'string' ? e.payload.state : null,
      payload: payloadText(e.payload),
    }),
  );
  const v = cx.violation;
  return {
    file,
    provider: cx.provider,
    seed: cx.seed,
    strategy: cx.strategy,
    choices: cx.choices.length,
    violation: {
      id: v.id,
      side: v.side,
      rule: v.rule,
      source: v.source,
      detail: v.detail,
      step: v.step,
      task: v.task,
    },
    reproduced,
    sameHash: traceHash === cx.traceHash,
    lanes: lanes.lanes.map((l) => ({ name: l.name, kind: l.kind })),
    events: data,
    violationAt: events.findIndex((e) => e.event === 'VIOLATION'),
  };
}
