// Side by side: the explorer bench's standard workloads (W1, W2: whole schedules under a random
// walk, trace off, every invariant attached) and the client.rst scenarios of bench/dma.ts (whole
// schedules on the reference provider), from two built trees, in alternating batches. Timed in
// CPU time (process.cpuUsage), not wall time, so other processes on a loaded machine move the
// numbers less. Usage:
//   node --expose-gc bench/compare-trees.mjs <before-root> <after-root> [rounds] [--processes]
// By default both trees run in this process. With --processes each sample is a fresh child
// process that loads one tree, sets V8 as that tree's dmactor command does (src/cli/v8-flags.ts,
// when the tree has it), warms the job up and times it: the way to compare changes to how long
// objects live, since in one process one tree's garbage taxes the other's collections.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const child = args[0] === '--child';
const processes = args.includes('--processes');
const positional = args.filter((a) => !a.startsWith('--'));
const [before, after] = child ? [positional[0], positional[0]] : positional;
const rounds = Number(positional[2] ?? 5);

async function load(root) {
  const flags = `${root}/dist/src/cli/v8-flags.js`;
  if (child && existsSync(flags)) (await import(flags)).tuneV8ForWorlds();
  return {
    root,
    ...(await import(`${root}/dist/src/explore/run-schedule.js`)),
    ...(await import(`${root}/dist/src/kernel/strategies/random.js`)),
    ...(await import(`${root}/dist/src/workload/standard.js`)),
    ...(await import(`${root}/dist/src/kernel/world.js`)),
    ...(await import(`${root}/dist/examples/client-flows.js`)),
    async: await import(`${root}/dist/src/fuzz/async-phase.js`),
    registry: await import(`${root}/dist/src/providers/registry.js`),
  };
}

/**
 * `n` schedules of the fuzzer's async_tx phase on refdma: CPU ms per schedule. Trees before
 * the shared pipeline (fbcb26e) take the provider's definition and a time budget for shrinking.
 */
function asyncPhase(t, n, seed) {
  const before = 'ASYNC_TOLERATE' in t.async;
  const provider = before ? t.registry.providerByName('refdma') : 'refdma';
  const budget = before ? { shrinkMs: 0 } : { shrinkRuns: 0 };
  const t0 = cpuMs();
  t.async.runAsyncPhase(provider, { seed, schedules: n, stepBound: 200_000, ...budget });
  return (cpuMs() - t0) / n;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** `n` schedules of a standard workload: CPU ms per schedule. */
function workload(t, name, n, base) {
  const t0 = cpuMs();
  for (let s = base; s < base + n; s++)
    t.runSchedule({
      workload: t.standardWorkloads[name],
      seed: s,
      strategy: t.randomStrategy(),
      stepBound: 200_000,
    });
  return (cpuMs() - t0) / n;
}

/** `n` schedules of a client.rst scenario: CPU ms per schedule. */
function scenario(t, s, n, base) {
  const t0 = cpuMs();
  for (let i = base; i < base + n; i++) {
    const world = new t.World({ seed: i + 1 });
    s.setup(world);
    world.run();
  }
  return (cpuMs() - t0) / n;
}

const jobs = (scenarios) => [
  { name: 'W1', run: (t, r) => workload(t, 'W1', 120, 1 + 120 * r) },
  { name: 'W2', run: (t, r) => workload(t, 'W2', 36, 1 + 36 * r) },
  { name: 'async_tx phase', run: (t, r) => asyncPhase(t, 100, r + 1) },
  ...scenarios.map((s, k) => ({
    name: `dma ${s.name}`,
    run: (t, r) => scenario(t, t.scenarios[k], 200, 200 * r),
  })),
];

if (child) {
  // --child <root> <job index> <round>: one sample, printed as CPU ms per schedule.
  const t = await load(before);
  const j = jobs(t.scenarios)[Number(positional[1])];
  for (let w = 0; w < 5; w++) j.run(t, 90 + w); // a fresh process needs more warm-up than one batch
  console.log(j.run(t, Number(positional[2])));
  process.exit(0);
}

const trees = processes ? [{ root: before }, { root: after }] : await Promise.all([before, after].map(load));
const names = processes ? (await load(before)).scenarios : trees[0].scenarios;
const list = jobs(names);
const sample = (i, k, r) => {
  if (!processes) {
    globalThis.gc?.(); // each sample starts on a collected heap, not the other tree's garbage
    return list[k].run(trees[i], r);
  }
  const script = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [script, '--child', trees[i].root, String(k), String(r)], {
    encoding: 'utf8',
  });
  return Number(out.trim());
};
if (!processes) for (const t of trees) for (const j of list) j.run(t, 99); // warm up both trees
const samples = list.map(() => [[], []]);
for (let r = 0; r < rounds; r++) {
  list.forEach((_j, k) => {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) samples[k][i].push(sample(i, k, r));
  });
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const where = processes ? 'a fresh process per sample' : 'one process';
console.log(
  `${rounds} alternating rounds (${where}), median CPU ms per schedule; before=${before} after=${after}`,
);
console.log('schedule'.padEnd(32), '  before', '   after', ' after/before');
list.forEach((j, k) => {
  const b = median(samples[k][0]);
  const a = median(samples[k][1]);
  console.log(
    j.name.slice(0, 32).padEnd(32),
    b.toFixed(2).padStart(8),
    a.toFixed(2).padStart(8),
    (a / b).toFixed(3).padStart(12),
  );
});
