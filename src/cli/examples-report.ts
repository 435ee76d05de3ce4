import { scenarios } from '../../examples/client-flows.js';
import { formatViolation } from '../kernel/violation.js';
import { World } from '../kernel/world.js';

export interface ExamplesOptions {
  readonly seed: number;
  /** Random schedules per scenario. */
  readonly runs: number;
  /** Print the full trace of this scenario's first run. */
  readonly trace: string | null;
  readonly out: (line: string) => void;
}

/**
 * Runs the client.rst scenarios of examples/ on the reference provider under random schedules
 * and reports, per scenario, outcomes, steps, the data checks and any rule broken.
 */
export function runExamples({ seed, runs, trace, out }: ExamplesOptions): number {
  out(`dmactor: the documented DMA engine flows on the reference provider (${runs} random schedules each)`);
  out('');
  let failed = 0;
  for (const scenario of scenarios) {
    let problems: string[] = [];
    let steps = 0;
    let maxSteps = 0;
    let shown = false;
    for (let i = 0; i < runs; i++) {
      const world = new World({ seed: seed + i, trace: trace === scenario.name && i === 0 ? 'full' : 'off' });
      const check = scenario.setup(world);
      const result = world.run();
      steps += result.steps;
      maxSteps = Math.max(maxSteps, result.steps);
      if (trace === scenario.name && i === 0) {
        for (const line of world.trace.render().split('\n')) out(`    ${line}`);
      }
      const found = [
        ...result.violations.map((v) => formatViolation(v)),
        ...(result.outcome.kind === 'quiescent' || result.outcome.kind === 'violation'
          ? []
          : [`run ended ${result.outcome.kind}`]),
        ...check(),
      ];
      if (found.length > 0 && !shown) {
        problems = [`seed ${seed + i}:`, ...found];
        shown = true;
      }
      if (found.length > 0) failed++;
    }
    const status = problems.length === 0 ? 'ok  ' : 'FAIL';
    out(`${status} ${scenario.name}: ${scenario.summary}`);
    out(`     ${runs} schedules, ${Math.round(steps / runs)} steps on average (max ${maxSteps})`);
    for (const p of problems) out(`     ${p.split('\n').join('\n     ')}`);
  }
  out('');
  out(
    failed === 0
      ? 'every scenario ran clean under every schedule'
      : `${failed} schedule(s) broke a rule or a data check`,
  );
  return failed === 0 ? 0 : 1;
}
