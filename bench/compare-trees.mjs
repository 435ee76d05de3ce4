// Side by side, in one process: the explorer bench's standard workloads (W1, W2: whole
// schedules under a random walk, trace off, every invariant attached) and the DMA scenarios
// of bench/dma.ts, from two built trees, alternately. Usage:
//   node bench/compare-trees.mjs <before-root> <after-root> [rounds]
const [before, after] = process.argv.slice(2, 4);
const rounds = Number(process.argv[4] ?? 4);
const trees = await Promise.all(
  [before, after].map(async (root) => ({
    root,
    ...(await import(`${root}/dist/src/explore/run-schedule.js`)),
    ...(await import(`${root}/dist/src/kernel/strategies/random.js`)),
    ...(await import(`${root}/dist/src/workload/standard.js`)),
    ...(await import(`${root}/dist/bench/dma.js`)),
  })),
);

function workload(t, name, schedules) {
  const run = (seed) =>
    t.runSchedule({
      workload: t.standardWorkloads[name],
      seed,
      strategy: t.randomStrategy(),
      stepBound: 200_000,
    }).result.steps;
  for (let s = 1; s <= 5; s++) run(s);
  const t0 = performance.now();
  let steps = 0;
  for (let s = 1; s <= schedules; s++) steps += run(s);
  const ms = performance.now() - t0;
  return { schedulesPerSec: (1000 * schedules) / ms, stepsPerSchedule: steps / schedules };
}

const results = trees.map(() => ({ W1: [], W2: [], dma: new Map() }));
for (let r = 0; r < rounds; r++) {
  for (const [i, t] of (r % 2 === 0 ? trees : [...trees].reverse()).entries()) {
    const k = r % 2 === 0 ? i : 1 - i;
    results[k].W1.push(workload(t, 'W1', 150));
    results[k].W2.push(workload(t, 'W2', 60));
    for (const s of t.benchDmaScenarios()) {
      const list = results[k].dma.get(s.scenario) ?? [];
      list.push(s.schedule.opsPerSec);
      results[k].dma.set(s.scenario, list);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fmt = (x) => x.toFixed(0).padStart(8);
console.log(`${rounds} alternating rounds; medians; before=${before} after=${after}`);
console.log('what'.padEnd(44), '  before', '   after', ' after/before');
for (const w of ['W1', 'W2']) {
  const b = median(results[0][w].map((x) => x.schedulesPerSec));
  const a = median(results[1][w].map((x) => x.schedulesPerSec));
  console.log(
    `${w} schedules/s (steps/schedule ${results[1][w][0].stepsPerSchedule.toFixed(0)})`.padEnd(44),
    fmt(b),
    fmt(a),
    (a / b).toFixed(3).padStart(12),
  );
}
for (const [name, bs] of results[0].dma) {
  const b = median(bs);
  const a = median(results[1].dma.get(name));
  console.log(
    `dma ${name} schedules/s`.slice(0, 44).padEnd(44),
    fmt(b),
    fmt(a),
    (a / b).toFixed(3).padStart(12),
  );
}
