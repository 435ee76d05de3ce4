import { DEFAULT_HANG_MS, SCHEDULES_PER_WORKER, strategyNames } from '../explore/campaign.js';
import { DEFAULT_SHRINK_RUNS } from '../explore/shrink.js';
import { UsageError } from '../rules/usage-error.js';
import { choice, int, type Option, outDir, outFile, shard } from './options.js';

/** Upper bounds: a typo of a few digits is an error, not a run that exhausts memory or never ends. */
export const MAX_SCHEDULES = 1_000_000_000;
const SEED = { min: 0, max: 0xffff_ffff };

export const seedOption = int(
  'N',
  'campaign seed (default 1); the same seed gives the same campaign',
  SEED,
  1,
);

/** A count of schedules, `fallback` when not given. */
export const schedulesOption = (fallback: number) =>
  int('N', `schedules to run (default ${fallback})`, { min: 1, max: MAX_SCHEDULES }, fallback);

/** The watchdog's silence, in ms, after which a schedule on a worker is a hang; `what` says whose. */
export const hangMsOption = (what: string) =>
  int('N', `${what} (default ${DEFAULT_HANG_MS})`, { min: 100, max: 2_147_483_647 }, DEFAULT_HANG_MS);

/** An option that was removed: given, it says what replaced it. */
function gone(message: string): Option<undefined> {
  return {
    arg: 'X',
    help: '(gone)',
    hidden: true,
    parse: (raw) => {
      if (raw !== undefined) throw new UsageError(message);
      return undefined;
    },
  };
}

/** The options `check` and `fuzz` share: a campaign's size, its strategy, its output. */
export const campaignOptions = {
  seed: seedOption,
  schedules: schedulesOption(1000),
  time: int('S', 'stop after S seconds even if schedules remain', { min: 1, max: 31_536_000 }),
  'step-bound': int(
    'N',
    'steps after which a schedule is cut (default 5000)',
    { min: 1, max: 10_000_000 },
    5000,
  ),
  workers: int(
    'N',
    `worker threads (default: one per ${SCHEDULES_PER_WORKER.toLocaleString('en-US')} schedules, up to the cores, at most 8;\na worker's JIT warm-up outweighs a smaller share)`,
    { min: 1, max: 256 },
  ),
  shard: shard(
    'run only schedules with index = I mod N (spread a campaign over machines;\ndmactor merge joins the --json reports)',
  ),
  strategy: choice(
    'NAME',
    `${strategyNames().join(' | ')} (default portfolio)`,
    strategyNames,
    'portfolio',
    'strategy',
  ),
  guidance: choice(
    'on|off',
    'steer workloads toward transitions, observations and rules not yet covered,\nbetween epochs of 100 schedules (default on; a sharded run is unguided, so its\nshards merge to the unsharded run with --guidance off)',
    () => ['on', 'off'] as const,
    'on',
    'guidance mode',
  ),
  'shrink-runs': int(
    'N',
    `schedules a shrink may run per distinct violation (default ${DEFAULT_SHRINK_RUNS};\n0: no shrinking); a count, so a counterexample is the same on any machine`,
    { min: 0, max: 100_000_000 },
    DEFAULT_SHRINK_RUNS,
  ),
  // Gone (shrinking was bounded by time): declared, so using it says what replaced it.
  'shrink-ms': gone('--shrink-ms is gone: shrinking is bounded by a number of runs, --shrink-runs N'),
  out: outDir('where counterexamples go (default dmactor-counterexamples)', 'dmactor-counterexamples'),
  json: outFile('write the full report as JSON'),
  html: outFile('write the HTML report of the run (as dmactor report draws it)'),
};
