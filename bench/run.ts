import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchDmaScenarios } from './dma.js';
import { benchExplorer } from './explorer.js';
import { benchMutants } from './fuzz.js';
import { benchKernel } from './kernel.js';

/** `npm run bench`: runs every benchmark in one process and writes bench/results/*.json and *.md. */
const outDir = new URL('../../bench/results/', import.meta.url);
mkdirSync(outDir, { recursive: true });

const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
const kernel = benchKernel();
const dma = benchDmaScenarios();
const explorer = await benchExplorer();
const mutants = await benchMutants();
const json = { date: new Date().toISOString(), machine, kernel, dma, explorer, mutants };
writeFileSync(new URL('bench.json', outDir), `${JSON.stringify(json, null, 2)}\n`);

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const lines = [
  `# dmactor benchmarks (${json.date})`,
  '',
  `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}. Median of 7 rounds each, all measured in the same run.`,
  '',
  `Workload: ${kernel.workload}; ${kernel.tasks} tasks, ${kernel.stepsPerSchedule} steps per schedule.`,
  '',
  '| measurement | ops/s | ns/op |',
  '|---|---:|---:|',
  ...kernel.measurements.map((m) => `| ${m.name} | ${fmt(m.opsPerSec)} | ${fmt(m.nsPerOp)} |`),
  '',
  `- scheduler steps per second: ${fmt(kernel.stepsPerSec)}`,
  `- schedules per second: ${fmt(kernel.schedulesPerSec)}`,
  `- one scheduler step costs ${kernel.stepCostInSends.toFixed(2)} bare xstate sends`,
  '',
  '## DMA engine scenarios (examples/, reference provider, trace off)',
  '',
  '| scenario | steps/schedule | schedules/s | steps/s |',
  '|---|---:|---:|---:|',
  ...dma.map(
    (d) => `| ${d.scenario} | ${d.stepsPerSchedule} | ${fmt(d.schedule.opsPerSec)} | ${fmt(d.stepsPerSec)} |`,
  ),
  '',
  '## Explorer',
  '',
  'Standard workloads (random walk, every invariant attached):',
  '',
  '| workload | steps/schedule | schedules/s | steps/s | time inside xstate | xstate calls |',
  '|---|---:|---:|---:|---:|---:|',
  ...explorer.workloads.map(
    (w) =>
      `| ${w.workload} | ${fmt(w.stepsPerSchedule)} | ${fmt(w.schedulesPerSec)} | ${fmt(w.stepsPerSec)} | ${(100 * w.xstateShare).toFixed(1)}% | ${w.xstateCalls} |`,
  ),
  '',
  'Schedules and seconds to the first violation, median of 10 seeds (kernel bugs: at most 5000 schedules; DMA planted bugs: campaigns of at most 200):',
  '',
  '| planted bug | strategy | schedules | seconds | seeds that found it |',
  '|---|---|---:|---:|---:|',
  ...explorer.firstBug.map(
    (f) =>
      `| ${f.provider} | ${f.strategy} | ${f.medianSchedules ?? '-'} | ${f.medianSeconds === null ? '-' : f.medianSeconds.toFixed(3)} | ${f.found}/10 |`,
  ),
  '',
  `Exhaustive search (${explorer.exhaustive.workload}): brute force ${explorer.exhaustive.bruteForceSchedules} schedules, sleep sets ${explorer.exhaustive.sleepSetSchedules}: reduction x${explorer.exhaustive.reduction.toFixed(1)}; ${fmt(explorer.exhaustive.distinctStatesPerSec)} distinct states/s.`,
  '',
  `Campaign of ${explorer.campaign.schedules} schedules (portfolio): ${fmt(explorer.campaign.distinctStatesPerSec)} distinct states/s; 1 worker ${explorer.campaign.oneWorkerSec.toFixed(2)} s, 2 workers ${explorer.campaign.twoWorkersSec.toFixed(2)} s: speed-up x${explorer.campaign.speedup.toFixed(2)} (best of two each, alternated; one worker already keeps the second core busy with V8's GC and compiler threads).`,
  '',
  '## Fuzzing: the mutant zoo',
  '',
  "Schedules and seconds to the first finding of `dmactor fuzz`'s lifecycle phase, median of 10 seeds (at most 300 schedules):",
  '',
  '| mutant | strategy | schedules | seconds | seeds that found it | rules found |',
  '|---|---|---:|---:|---:|---|',
  ...mutants.map(
    (m) =>
      `| ${m.mutant} | ${m.strategy} | ${m.medianSchedules ?? '-'} | ${m.medianSeconds === null ? '-' : m.medianSeconds.toFixed(3)} | ${m.found}/10 | ${m.rules.join(', ')} |`,
  ),
  '',
];
writeFileSync(new URL('bench.md', outDir), lines.join('\n'));
console.log(lines.join('\n'));
