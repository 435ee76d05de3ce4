/**
 * The reference-provider matrix of issue 13 at a budget you choose (after `npm run build`):
 *   npx tsx scripts/reference-matrix.ts [SCHEDULES] [SEEDS]
 * prints one line per campaign (provider, strategy, seed, schedules, cut, rules broken) and a
 * last line with the totals; exit 1 when a campaign breaks a rule its provider may not.
 * The bounded version runs in the suite: test/explore/reference-matrix.test.ts.
 */
import { runMatrix, SEEDS } from '../test/explore/reference-matrix.js';

const schedules = Number(process.argv[2] ?? 100);
const seedCount = Number(process.argv[3] ?? SEEDS.length);
let schedulesRun = 0;
let bad = 0;
const cells = await runMatrix(
  schedules,
  (name, c) => {
    schedulesRun += c.schedules;
    const found = c.found.map((f) => `${f.id}@${f.index}`).join(' ') || 'clean';
    console.log(`${name}\t${c.strategy}\tseed ${c.seed}\t${c.schedules} schedules\t${c.cut} cut\t${found}`);
  },
  SEEDS.slice(0, seedCount),
);
for (const { allowed, cell } of cells) if (cell.found.some((f) => !allowed.includes(f.id))) bad++;
const mainlineRace = cells.filter((c) => c.allowed.length > 0 && c.cell.found.length > 0).length;
console.log(
  `${cells.length} campaigns, ${schedulesRun} schedules, ${bad} with a finding not allowed; mainline's race shown in ${mainlineRace}`,
);
process.exitCode = bad > 0 ? 1 : 0;
