import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { shapeFor } from '../src/fuzz/fuzz.js';
import { World } from '../src/kernel/world.js';
import { loadProvider } from '../src/providers/registry.js';
import { createBoard } from '../src/scenarios/board.js';
import { firstBug } from './explorer.js';

export interface MutantBench {
  readonly mutant: string;
  readonly strategy: string;
  readonly medianSchedules: number | null;
  readonly medianSeconds: number | null;
  readonly found: number;
  readonly rules: string[];
}

/** For every mutant of test/mutants and every strategy: schedules and seconds to the first finding, median of 10 seeds. */
export async function benchMutants(maxSchedules = 300): Promise<MutantBench[]> {
  const dir = fileURLToPath(new URL('../../test/mutants/', import.meta.url));
  // mutate.ts and residue.ts are the mutants' helpers, not providers.
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !['mutate.ts', 'residue.ts'].includes(f));
  const strategies = ['random', 'pct(d=1)', 'pct(d=2)', 'pct(d=3)', 'pos'];
  const out: MutantBench[] = [];
  for (const file of files) {
    const provider = dir + file;
    const def = await loadProvider(provider);
    const shape = shapeFor(
      createBoard(new World({ seed: 1 }), { provider: def, invariants: false }).dma.device,
    );
    for (const strategy of strategies) {
      const { medianSchedules, medianSeconds, found, rules } = firstBug(
        provider,
        strategy,
        maxSchedules,
        shape,
      );
      out.push({ mutant: file.replace(/\.ts$/, ''), strategy, medianSchedules, medianSeconds, found, rules });
    }
  }
  return out;
}
