import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { tuneV8ForWorlds } from '../src/cli/v8-flags.js';
import { benchAsyncTx } from './async-tx.js';
import { benchDmaScenarios } from './dma.js';
import { benchExplorer } from './explorer.js';
import { benchFreshProcesses } from './fresh-process.js';
import { benchMutants } from './fuzz.js';
import { benchGuidance, guidanceTable } from './guidance.js';
import { benchKernel } from './kernel.js';
import { benchMemcpy } from './memcpy.js';
import { benchWorkers } from './workers.js';

/** `npm run bench`: runs every benchmark in one process and writes bench/results/*.json and *.md. */
// As the dmactor command runs (src/cli/v8-flags.ts).
tuneV8ForWorlds();
const outDir = new URL('../../bench/results/', import.meta.url);
mkdirSync(outDir, { recursive: true });

const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
const fresh = benchFreshProcesses();
const coldW1 = fresh.W1;
const kernel = benchKernel();
const dma = benchDmaScenarios();
const explorer = await benchExplorer();
const workers = await benchWorkers();
const mutants = await benchMutants();
const asyncTx = benchAsyncTx();
const memcpy = benchMemcpy();
// Guided against unguided fuzzing of every mutant takes minutes: only with `npm run bench -- --guidance`.
const guidance = process.argv.includes('--guidance') ? await benchGuidance() : null;
const json = {
  date: new Date().toISOString(),
  machine,
  coldW1,
  fresh,
  kernel,
  dma,
  explorer,
  workers,
  mutants,
  asyncTx,
  memcpy,
  guidance,
};
writeFileSync(new URL('bench.json', outDir), `${JSON.stringify(json, null, 2)}\n`);

const ex = explorer.exhaustive;
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
  `1 MiB copied, each way timed alternately with \`Uint8Array.prototype.set\` of the same bytes (${fmt(memcpy.setMs * 1000)} us), round by round; the ratio is the median per-round ratio:`,
  '',
  '| path | ms per MiB | times set |',
  '|---|---:|---:|',
  ...memcpy.rows.map((r) => `| ${r.path} | ${fmt(r.ms)} | x${fmt(r.overSet)} |`),
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
  `The table above is warmed in this process, after the kernel and DMA benches. Each workload alone, in a fresh child process that runs nothing else (CPU time, module loading excluded):`,
  '',
  '| workload | cold: first fifth | cold: first schedules | warmed alone: the next ones |',
  '|---|---:|---:|---:|',
  ...(['W1', 'W2'] as const).map((name) => {
    const f = fresh[name];
    return `| ${name} | ${fmt(f.first100PerSec)}/s (first ${f.schedules / 5}) | ${fmt(f.first500PerSec)}/s (first ${f.schedules}) | ${fmt(f.warmPerSec)}/s (next ${f.warmSchedules}) |`;
  }),
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
  `Exhaustive search (${ex.workload}): brute force ${ex.bruteForceSchedules} schedules, sleep sets ${ex.sleepSetSchedules}: reduction x${ex.reduction.toFixed(1)}; ${ex.visitedStates} distinct states visited (the unreduced search: ${ex.unreducedVisitedStates}), ${ex.distinctStates} distinct final states; the first search of the process ${ex.coldMs.toFixed(2)} ms (${fmt(ex.visitedStatesPerSecCold)} states/s), warmed ${ex.warmMs.toFixed(2)} ms (${fmt(ex.visitedStatesPerSecWarm)} states/s, median of 21).`,
  '',
  `Exhaustive search, ${ex.dma.workload}, bounded (${ex.dma.bounds}): ${ex.dma.schedules} schedules (${ex.dma.sleepBlocked} found redundant by the sleep sets), ${fmt(ex.dma.steps)} steps, ${fmt(ex.dma.visitedStates)} distinct states visited in ${ex.dma.seconds.toFixed(2)} s: ${fmt(ex.dma.visitedStatesPerSec)} states/s, ${fmt(ex.dma.schedulesPerSec)} schedules/s; ${ex.dma.complete ? 'complete' : `not complete (exhausted: ${ex.dma.exhausted}; cut: depth ${ex.dma.cut.depth}, preemption ${ex.dma.cut.preemption}, step bound ${ex.dma.cut.stepBound})`}.`,
  '',
  "Cost as the work grows: W1's shape (`w1Shape`) with more descriptors, random walk, distinct states and coverage tracked as `check` does, warmed:",
  '',
  '| descriptors | schedules | steps/schedule | us/step | us/descriptor |',
  '|---:|---:|---:|---:|---:|',
  ...explorer.scaling.rows.map(
    (r) =>
      `| ${r.descriptors} | ${r.schedules} | ${fmt(r.stepsPerSchedule)} | ${r.usPerStep.toFixed(2)} | ${r.usPerDescriptor.toFixed(1)} |`,
  ),
  '',
  `- per step, 1,024 descriptors over 16: x${explorer.scaling.perStep1024Over16.toFixed(2)}; per descriptor: x${explorer.scaling.perDescriptor1024Over16.toFixed(2)}`,
  '',
  '## Workers',
  '',
  `A campaign of ${fmt(workers.schedules)} schedules (seed 5, portfolio, no shrinking) on 1 worker (this thread) and on 2 (the campaign worker pool), alternated 1, 2, 1, 2 in this process, best of two each; then each as a fresh \`dmactor check\` process. CPU seconds count every thread of the process. ${fmt(workers.distinctStatesPerSec)} distinct states/s on 1 worker.`,
  '',
  '| run | seconds | CPU seconds | speed-up over 1 worker |',
  '|---|---:|---:|---:|',
  `| 1 worker, this process | ${workers.inProcess.oneWorker.seconds.toFixed(2)} | ${workers.inProcess.oneWorker.cpuSeconds.toFixed(2)} | - |`,
  `| 2 workers, the pool's first campaign (cold workers) | ${workers.inProcess.twoWorkersFirst.seconds.toFixed(2)} | ${workers.inProcess.twoWorkersFirst.cpuSeconds.toFixed(2)} | x${workers.inProcess.speedupFirst.toFixed(2)} |`,
  `| 2 workers, best of two | ${workers.inProcess.twoWorkers.seconds.toFixed(2)} | ${workers.inProcess.twoWorkers.cpuSeconds.toFixed(2)} | x${workers.inProcess.speedup.toFixed(2)} |`,
  `| \`dmactor check --workers 1\`, fresh process | ${workers.processes.oneWorkerSec.toFixed(2)} | - | - |`,
  `| \`dmactor check --workers 2\`, fresh process | ${workers.processes.twoWorkersSec.toFixed(2)} | - | x${workers.processes.speedup.toFixed(2)} |`,
  `| \`dmactor check --guidance off --workers 1\`, fresh process | ${workers.processes.unguidedOneSec.toFixed(2)} | - | - |`,
  `| two \`--guidance off --shard i/2\` processes at once (the ceiling: two isolates sharing only the cores) | ${workers.processes.twoShardProcessesSec.toFixed(2)} | - | x${workers.processes.shardSpeedup.toFixed(2)} over the unguided process |`,
  '',
  `- CPU time of 2 workers over 1: x${workers.inProcess.cpuRatio.toFixed(2)} (the work the split adds)`,
  ...(workers.inProcess.criticalPathSpeedup === null
    ? []
    : [
        `- CPU seconds by thread, 1 worker: this thread ${workers.inProcess.oneWorker.threads!.main.toFixed(2)}, helpers ${workers.inProcess.oneWorker.threads!.helpers.toFixed(2)}; 2 workers: busiest worker ${workers.inProcess.twoWorkers.threads!.busiestWorker.toFixed(2)}, both ${workers.inProcess.twoWorkers.threads!.workers.toFixed(2)}, this thread ${workers.inProcess.twoWorkers.threads!.main.toFixed(2)}, helpers ${workers.inProcess.twoWorkers.threads!.helpers.toFixed(2)}: critical path x${workers.inProcess.criticalPathSpeedup.toFixed(2)} shorter (what the speed-up is on two otherwise idle cores, helper threads aside)`,
      ]),
  `- cold start of one worker: ${workers.coldStart.perWorkerSec.toFixed(2)} s (an isolated ${workers.coldStart.schedules}-schedule campaign in a new worker ${workers.coldStart.firstSec.toFixed(2)} s, in this warm thread ${workers.coldStart.hereSec.toFixed(2)} s); the same campaign again on the kept worker: ${workers.coldStart.againSec.toFixed(2)} s, ${workers.coldStart.perCampaignSec.toFixed(2)} s over this thread`,
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
  ...(guidance
    ? [
        '## Coverage guidance: the mutant zoo under the default `dmactor fuzz`',
        '',
        'Schedules and seconds of checking (one thread, no worker start-up) to the first finding of the fuzzer\'s phases in order (dmatest, lifecycle, faults, async_tx; 1000 lifecycle schedules), guided and unguided, alternated seed by seed; median of 10 seeds ("-": fewer than half found it):',
        '',
        ...guidanceTable(guidance),
        '',
      ]
    : []),
  '## async_tx',
  '',
  `Random chain workloads (\`chainWorkloadArb\`, \`fc.sample\` seed ${asyncTx.chains.seed}: the first ${asyncTx.chains.workloads} with at least one engine; ${asyncTx.chains.engines} xordma engines, ${asyncTx.chains.ops} operations), every invariant on, random walk, each workload with its own world seed; the same workloads with no engine (\`engines: []\`, every operation on the CPU path), alternated round by round:`,
  '',
  '| path | steps/schedule | schedules/s | steps/s |',
  '|---|---:|---:|---:|',
  ...(
    [
      ['xordma engines', asyncTx.chains.hw],
      ['CPU path (no engine)', asyncTx.chains.cpu],
    ] as const
  ).map(
    ([name, c]) =>
      `| ${name} | ${fmt(c.stepsPerSchedule)} | ${fmt(c.schedulesPerSec)} | ${fmt(c.stepsPerSec)} |`,
  ),
  '',
  `- the CPU path runs x${asyncTx.chains.cpuOverHw.toFixed(2)} the schedules per second of the engines`,
  '',
  `RAID6 recovery: a stripe of ${asyncTx.raid6.dataDisks} data disks and ${asyncTx.raid6.bytes}-byte blocks, every double data failure (${asyncTx.raid6.recoveriesPerStripe}) overwritten and recovered in place by \`async_raid6_2data_recov\`, waited for and compared with the originals, every invariant on; on one xordma engine and on the CPU path (no engine: lib/raid6), alternated round by round:`,
  '',
  '| path | steps/stripe | stripes/s | recoveries/s |',
  '|---|---:|---:|---:|',
  ...(
    [
      ['xordma engine', asyncTx.raid6.hw],
      ['CPU path (lib/raid6)', asyncTx.raid6.cpu],
    ] as const
  ).map(
    ([name, r]) => `| ${name} | ${r.stepsPerStripe} | ${fmt(r.stripesPerSec)} | ${fmt(r.recoveriesPerSec)} |`,
  ),
  '',
  `- the CPU path recovers x${asyncTx.raid6.cpuOverHw.toFixed(2)} the stripes per second of the engine`,
  '',
  `P and Q of the same stripe's ${asyncTx.raid6.pq.sources} data blocks (${asyncTx.raid6.pq.bytes} bytes each): the controller's pq item (a world with a bare controller channel running a list of ${asyncTx.raid6.pq.itemsPerList} items, setup included) against the software reference \`pqOf\`, alternated round by round; source bytes per second:`,
  '',
  '| implementation | MB/s | pqOf is faster by |',
  '|---|---:|---:|',
  `| pqOf (src/raid6/reference.ts) | ${fmt(asyncTx.raid6.pq.pqOfBytesPerSec / 1e6)} | - |`,
  `| pq item, burst by burst (width 8 x burst 4, as xordma programs it) | ${fmt(asyncTx.raid6.pq.itemBurstBytesPerSec / 1e6)} | x${asyncTx.raid6.pq.pqOfOverBurst.toFixed(2)} |`,
  `| pq item in bulk (one step per item) | ${fmt(asyncTx.raid6.pq.itemBulkBytesPerSec / 1e6)} | x${asyncTx.raid6.pq.pqOfOverBulk.toFixed(2)} |`,
  '',
  `The fuzz async_tx phase (\`runAsyncPhase('xordma', { seed: ${asyncTx.fuzzPhase.seed}, schedules: ${asyncTx.fuzzPhase.schedules}, stepBound: ${asyncTx.fuzzPhase.stepBound}, shrinkRuns: 0 })\`, median of ${asyncTx.fuzzPhase.rounds} runs): ${asyncTx.fuzzPhase.seconds.toFixed(3)} s, ${fmt(asyncTx.fuzzPhase.schedulesPerSec)} schedules/s; outcomes ${Object.entries(
    asyncTx.fuzzPhase.outcomes,
  )
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')}; ${asyncTx.fuzzPhase.found} findings.`,
  '',
];
writeFileSync(new URL('bench.md', outDir), lines.join('\n'));
console.log(lines.join('\n'));
