import { randomStrategy } from '../kernel/strategies/random.js';
import type { Strategy } from '../kernel/strategy.js';
import { fairPctStrategy } from './strategies/fair-pct.js';
import { pctStrategy } from './strategies/pct.js';
import { posStrategy } from './strategies/pos.js';
import { DEFAULT_STARVATION_BOUND } from './strategies/starvation.js';

export interface PortfolioEntry {
  readonly name: string;
  readonly create: () => Strategy;
  /**
   * Whether every continuously enabled task eventually runs (with probability 1): only runs
   * of fair strategies count as evidence for liveness rules.
   */
  readonly fair: boolean;
}

export interface PortfolioOptions {
  /** k for the PCT entries (see `PctOptions.expectedSteps`); give a typical run length when known. */
  readonly expectedSteps?: number;
  /** Add fair PCT (d = 3), for campaigns that check liveness. Default false. */
  readonly fair?: boolean;
  /** Passes over an enabled task before PCT and POS raise it (strategies/starvation.ts). */
  readonly starvationBound?: number;
}

/**
 * Random walk, PCT with d = 1, 2, 3, POS, and optionally fair PCT. The priority strategies
 * never starve an enabled task past DEFAULT_STARVATION_BOUND choices (strategies/starvation.ts),
 * so a schedule ends as the workload does instead of spinning to the step bound.
 */
export function defaultPortfolio(options: PortfolioOptions = {}): PortfolioEntry[] {
  const k = {
    ...(options.expectedSteps === undefined ? {} : { expectedSteps: options.expectedSteps }),
    starvationBound: options.starvationBound ?? DEFAULT_STARVATION_BOUND,
  };
  const entries: PortfolioEntry[] = [
    { name: 'random', create: randomStrategy, fair: true },
    { name: 'pct(d=1)', create: () => pctStrategy({ depth: 1, ...k }), fair: false },
    { name: 'pct(d=2)', create: () => pctStrategy({ depth: 2, ...k }), fair: false },
    { name: 'pct(d=3)', create: () => pctStrategy({ depth: 3, ...k }), fair: false },
    { name: 'pos', create: () => posStrategy(k), fair: false },
  ];
  if (options.fair) {
    entries.push({ name: 'fair-pct(d=3)', create: () => fairPctStrategy({ depth: 3, ...k }), fair: true });
  }
  return entries;
}

export interface PortfolioPick {
  readonly entry: PortfolioEntry;
  /** A fresh strategy for this schedule. */
  readonly strategy: Strategy;
  /** The world seed for this schedule, so (campaign seed, index) fixes the whole run. */
  readonly seed: number;
}

/**
 * No single strategy wins on every bug (PCT on ordering bugs of small depth, POS on races
 * between independent-looking events, random walk on shallow ones), so the default is a
 * portfolio: schedule `index` of a campaign seeded `seed` uses entry (index + offset) mod n,
 * the offset fixed by the seed, with world seed mix(seed, index). The answer depends on
 * (seed, index) only, so a campaign split over workers or shards runs the same schedules.
 */
export function portfolio(
  seed: number,
  entries: readonly PortfolioEntry[] = defaultPortfolio(),
): (index: number) => PortfolioPick {
  if (entries.length === 0) throw new Error('portfolio: no strategies');
  const offset = mix(seed, 0x9e3779b9) % entries.length;
  return (index) => {
    if (!Number.isSafeInteger(index) || index < 0) throw new Error(`portfolio: bad schedule index ${index}`);
    const entry = entries[(offset + (index % entries.length)) % entries.length]!;
    return { entry, strategy: entry.create(), seed: scheduleSeed(seed, index) };
  };
}

/** The world seed of schedule `index` in a campaign seeded `seed`: a 32-bit mix of both. */
export function scheduleSeed(seed: number, index: number): number {
  return mix(mix(seed, 0x85ebca6b) ^ (index >>> 0), Math.floor(index / 4294967296));
}

/** murmur3's finalizer over (a, b): unsigned 32 bits. */
function mix(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0xcc9e2d51) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
