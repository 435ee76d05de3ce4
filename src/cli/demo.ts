import { replayStrategy } from '../kernel/strategies/replay.js';
import { formatViolation } from '../kernel/violation.js';
import { World } from '../kernel/world.js';
import { buildPipeline, type PipelineOptions, SYNTHETIC_16 } from '../scenarios/kernel-pipeline.js';

export interface DemoOptions {
  readonly seed: number;
  readonly schedules: number;
  readonly out: (line: string) => void;
}

/**
 * The main job until the DMA engine and the explorer land: a scripted scenario on the
 * simulated kernel, a batch of random schedules of the synthetic workload checked against
 * the kernel rules, and a planted lock bug found and replayed.
 */
export function runDemo({ seed, schedules, out }: DemoOptions): number {
  out('dmactor: the simulated kernel (DMA engine model in progress)');
  out('');
  out('1. One schedule of a driver-shaped scenario: a client queues a copy, the engine copies,');
  out('   the interrupt handler retires it, the tasklet runs the callback that wakes the client.');
  const world = new World({ seed, trace: 'full' });
  const small = buildPipeline(world, { threads: 1, requestsPerThread: 1, bytes: 64, chunk: 32 });
  const first = world.run();
  for (const line of world.trace.render().split('\n')) out(`   ${line}`);
  out(
    `   outcome: ${first.outcome.kind}, ${first.steps} steps, data verified: ${small.verified.join(', ') || 'none'}`,
  );
  out('');

  out(`2. ${schedules} random schedules of the synthetic workload (${describe(SYNTHETIC_16)}):`);
  const steps: number[] = [];
  const outcomes = new Map<string, number>();
  let violations = 0;
  let verified = 0;
  let corrupted = 0;
  for (let i = 0; i < schedules; i++) {
    const w = new World({ seed: seed + i });
    const p = buildPipeline(w, SYNTHETIC_16);
    const r = w.run();
    steps.push(r.steps);
    outcomes.set(r.outcome.kind, (outcomes.get(r.outcome.kind) ?? 0) + 1);
    violations += r.violations.length;
    verified += p.verified.length;
    corrupted += p.corrupted.length;
  }
  const avg = steps.reduce((a, b) => a + b, 0) / steps.length;
  out(
    `   outcomes: ${[...outcomes].map(([k, n]) => `${k} ${n}`).join(', ')}; steps min/avg/max ${Math.min(...steps)}/${avg.toFixed(0)}/${Math.max(...steps)}`,
  );
  out(`   violations: ${violations}; transfers verified: ${verified}, corrupted: ${corrupted}`);
  out('');

  out('3. The same workload with a planted bug (the client takes the device lock with interrupts on):');
  const buggy: PipelineOptions = { ...SYNTHETIC_16, bug: 'process-lock-irqs-on' };
  for (let i = 0; i < schedules; i++) {
    const w = new World({ seed: seed + i });
    buildPipeline(w, buggy);
    const r = w.run();
    const v = r.violations[0];
    if (v === undefined) continue;
    out(`   found after ${i + 1} schedule(s), seed ${seed + i}, ${r.choices.picks.length} choices:`);
    for (const line of formatViolation(v).split('\n')) out(`   ${line}`);
    const a = new World({ seed: seed + i, trace: 'hash' });
    buildPipeline(a, buggy);
    const ra = a.run();
    const b = new World({ seed: 0, trace: 'hash', strategy: replayStrategy(r.choices.picks) });
    buildPipeline(b, buggy);
    const rb = b.run();
    out(`   replayed from its choices: trace hash ${rb.traceHash} (original ${ra.traceHash})`);
    return violations === 0 && corrupted === 0 && ra.traceHash === rb.traceHash ? 0 : 1;
  }
  out('   not found');
  return 1;
}

function describe(o: PipelineOptions): string {
  return `${o.threads} client threads x ${o.requestsPerThread} requests of ${o.bytes} bytes, engine, handler, tasklet`;
}
