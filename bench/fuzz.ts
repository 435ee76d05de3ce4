import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CampaignOptions, runBatch } from '../src/explore/campaign.js';
import { shapeFor } from '../src/fuzz/fuzz.js';
import { World } from '../src/kernel/world.js';
import { loadProvider } from '../src/providers/registry.js';
import { createBoard } from '../src/scenarios/board.js';

export interface MutantBench {
  readonly mutant: string;
  readonly strategy: string;
  readonly medianSchedules: number | null;
  readonly medianSeconds: number | null;
  readonly found: number;
  readonly rules: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** For every mutant of test/mutants and every strategy: schedules and seconds to the first finding, median of 10 seeds. */
export async function benchMutants(maxSchedules = 300): Promise<MutantBench[]> {
  const dir = fileURLToPath(new URL('../../test/mutants/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'mutate.ts');
  const strategies = ['random', 'pct(d=1)', 'pct(d=2)', 'pct(d=3)', 'pos'];
  const out: MutantBench[] = [];
  for (const file of files) {
    const provider = dir + file;
    const def = await loadProvider(provider);
    const shape = shapeFor(
      createBoard(new World({ seed: 1 }), { provider: def, invariants: false }).dma.device,
    );
    for (const strategy of strategies) {
      const counts: number[] = [];
      const secs: number[] = [];
      const rules = new Set<string>();
      for (let seed = 1; seed <= 10; seed++) {
        const o: CampaignOptions = {
          seed,
          schedules: maxSchedules,
          stepBound: 5000,
          workers: 1,
          strategy,
          shrinkMs: 0,
          provider,
          shape,
        };
        const t0 = performance.now();
        for (let i = 0; i < maxSchedules; i++) {
          const v = runBatch(o, [i]).summaries[0]?.violation;
          if (v) {
            counts.push(i + 1);
            secs.push((performance.now() - t0) / 1000);
            rules.add(v.id);
            break;
          }
        }
      }
      const ok = counts.length * 2 > 10;
      out.push({
        mutant: file.replace(/\.ts$/, ''),
        strategy,
        medianSchedules: ok ? median(counts) : null,
        medianSeconds: ok ? median(secs) : null,
        found: counts.length,
        rules: [...rules],
      });
    }
  }
  return out;
}
