import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { benchDmaScenarios } from './dma.js';
import { benchKernel } from './kernel.js';

/** `npm run bench`: runs every benchmark in one process and writes bench/results/*.json and *.md. */
const outDir = new URL('../../bench/results/', import.meta.url);
mkdirSync(outDir, { recursive: true });

const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
const kernel = benchKernel();
const dma = benchDmaScenarios();
const json = { date: new Date().toISOString(), machine, kernel, dma };
writeFileSync(new URL('kernel.json', outDir), `${JSON.stringify(json, null, 2)}\n`);

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
const lines = [
  `# Kernel benchmark (${json.date})`,
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
];
writeFileSync(new URL('kernel.md', outDir), lines.join('\n'));
console.log(lines.join('\n'));
