// How much of a schedule outlives it: bytes V8's young-generation collections (scavenges)
// copy to old space per schedule of W1 (or another standard workload), from one or more built
// trees, each in a child process run with --trace-gc-nvp. A world that nothing holds once its
// schedule ends should be freed by the next scavenge; what is promoted instead costs scavenge
// time now and a full collection later. Usage:
//   node bench/scavenge-survival.mjs <root> [<root> ...] [--workload W1] [--schedules 600] [--pretenuring on|off]
// Pretenuring is off by default, as the dmactor command runs (src/cli/v8-flags.ts).
import { spawnSync } from 'node:child_process';
import { scriptArgs } from './script-args.mjs';

const cli = scriptArgs();
const option = cli.option;
const workload = option('--workload', 'W1');
const schedules = Number(option('--schedules', '600'));
const pretenuring = option('--pretenuring', 'off') === 'on';
const warm = 200;

const child = `
const root = process.argv[1];
const rs = await import(root + '/dist/src/explore/run-schedule.js');
const rnd = await import(root + '/dist/src/kernel/strategies/random.js');
const st = await import(root + '/dist/src/workload/standard.js');
const run = (seed) => rs.runSchedule({ workload: st.standardWorkloads[${JSON.stringify(workload)}], seed, strategy: rnd.randomStrategy(), stepBound: 200_000 });
for (let s = 1; s <= ${warm}; s++) run(s);
console.log('--- measured ---');
for (let s = 1000; s < 1000 + ${schedules}; s++) run(s);
`;

for (const root of cli.rest()) {
  const out = spawnSync(
    process.execPath,
    [
      '--trace-gc-nvp',
      ...(pretenuring ? [] : ['--no-allocation-site-pretenuring']),
      '--input-type=module',
      '-e',
      child,
      root,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    },
  );
  if (out.status !== 0) throw new Error(`${root}: ${out.stderr}`);
  const lines = out.stdout.split('\n');
  const from = lines.indexOf('--- measured ---');
  let promoted = 0;
  let allocated = 0;
  let scavenges = 0;
  for (const line of lines.slice(from + 1)) {
    if (!line.includes('gc=s ')) continue;
    scavenges++;
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
    allocated += Number(/ allocated=(\d+)/.exec(line)?.[1] ?? 0);
  }
  const kib = (n) => (n / schedules / 1024).toFixed(1);
  console.log(
    `${root} ${workload} (pretenuring ${pretenuring ? 'on' : 'off'}): ${kib(promoted)} KiB promoted of ${kib(allocated)} KiB allocated per schedule, ${scavenges} scavenges`,
  );
}
