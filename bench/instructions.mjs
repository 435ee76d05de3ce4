// Instructions per schedule, counted by valgrind (cachegrind, no cache simulation), for one or
// more built trees: a figure that does not move with the machine's load, where a timed run of
// the same tree moves by a quarter over minutes on a shared 2-core machine. Each tree runs two
// child processes, N1 and N2 schedules after the same start, with V8's helper threads off
// (--single-threaded, so compilation and collection are counted and happen at the same points
// every time); the difference over N2 - N1 is the cost of a schedule once warmed, start-up and
// warm-up taken out. Repeated runs of one tree agree to about 1%. It counts instructions, not
// time: a change that saves memory traffic but not instructions shows here as nothing. Needs
// valgrind on the PATH (apt-get install valgrind). Usage:
//   node bench/instructions.mjs <root> [<root> ...] [--workload W1|W2|kernel] [--from N1] [--to N2]
// Defaults: W1 from 200 to 400, W2 from 30 to 70, kernel (the 16-task synthetic workload) from
// 3000 to 6000. Two children run at a time.
import { spawn, spawnSync } from 'node:child_process';
import { scriptArgs } from './script-args.mjs';

const cli = scriptArgs();
const option = cli.option;
const workload = option('--workload', 'W1');
const defaults = { W1: [200, 400], W2: [30, 70], kernel: [3000, 6000] };
if (!(workload in defaults)) {
  console.error(`unknown workload ${workload} (W1, W2 or kernel)`);
  process.exit(2);
}
const from = Number(option('--from', defaults[workload][0]));
const to = Number(option('--to', defaults[workload][1]));
const roots = cli.rest();
if (roots.length === 0 || !(to > from)) {
  console.error(
    'usage: node bench/instructions.mjs <root> [<root> ...] [--workload W1|W2|kernel] [--from N1] [--to N2]',
  );
  process.exit(2);
}
if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('valgrind is not installed (apt-get install valgrind)');
  process.exit(2);
}

const child = `
const [root, workload, n] = process.argv.slice(1);
const flags = root + '/dist/src/cli/v8-flags.js';
try { (await import(flags)).tuneV8ForWorlds(); } catch {}
if (workload === 'kernel') {
  const { World } = await import(root + '/dist/src/kernel/world.js');
  const { buildPipeline, SYNTHETIC_16 } = await import(root + '/dist/src/scenarios/kernel-pipeline.js');
  for (let i = 0; i < Number(n); i++) { const w = new World({ seed: i }); buildPipeline(w, SYNTHETIC_16); w.run(); }
} else {
  const { runSchedule } = await import(root + '/dist/src/explore/run-schedule.js');
  const { randomStrategy } = await import(root + '/dist/src/kernel/strategies/random.js');
  const { standardWorkloads } = await import(root + '/dist/src/workload/standard.js');
  const w = standardWorkloads[workload];
  for (let s = 1; s <= Number(n); s++) runSchedule({ workload: w, seed: s, strategy: randomStrategy(), stepBound: 200000 });
}
`;

/** The instructions one child executes, from valgrind's summary. */
function count(root, n) {
  return new Promise((resolve, reject) => {
    const p = spawn(
      'valgrind',
      [
        '--tool=cachegrind',
        '--cache-sim=no',
        '--cachegrind-out-file=/dev/null',
        process.execPath,
        '--single-threaded',
        '--input-type=module',
        '-e',
        child,
        root,
        workload,
        String(n),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => {
      const m = /I\s+refs:\s+([\d,]+)/.exec(err);
      if (code !== 0 || m === null)
        reject(new Error(`${root}: valgrind failed (${code})\n${err.slice(-2000)}`));
      else resolve(Number(m[1].replaceAll(',', '')));
    });
  });
}

/** Run the jobs two at a time (the machine's cores). */
async function pool(jobs) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

const counts = await pool(roots.flatMap((root) => [() => count(root, from), () => count(root, to)]));
const perSchedule = roots.map((_, i) => (counts[2 * i + 1] - counts[2 * i]) / (to - from));
const base = perSchedule[0];
for (const [i, root] of roots.entries()) {
  const ratio = i === 0 ? '' : `  x${(perSchedule[i] / base).toFixed(3)} of the first`;
  console.log(
    `${root} ${workload}: ${Math.round(perSchedule[i]).toLocaleString('en-US')} instructions a schedule${ratio}`,
  );
}
