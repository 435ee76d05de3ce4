import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shard } from '../../src/cli/options.js';

/**
 * The sharded-campaign examples (examples/ci/, docs/scale.md) as a CI system runs them: every
 * index the matrix or the Indexed Job hands out is a shard the CLI takes, and together they are
 * every shard of the campaign, 0-based as JOB_COMPLETION_INDEX and the matrix count.
 */
const read = (name: string) => readFileSync(new URL(`../../examples/ci/${name}`, import.meta.url), 'utf8');
const parse = shard('').parse;

describe('examples/ci', () => {
  it('the GitHub Actions matrix runs shards 0..N-1 of N and merges every report', () => {
    const yml = read('github-actions.yml');
    const matrix = /^\s+shard: \[([\d, ]+)\]$/m.exec(yml);
    expect(matrix).not.toBeNull();
    const indices = matrix![1]!.split(',').map((s) => Number(s.trim()));
    expect(indices).toEqual(indices.map((_, i) => i));
    // N is the number of matrix jobs (strategy.job-total), so the two cannot drift apart.
    expect(yml).toContain(`--shard $\{{ matrix.shard }}/$\{{ strategy.job-total }}`);
    for (const i of indices)
      expect(parse(`${i}/${indices.length}`, '--shard')).toEqual({ index: i, count: indices.length });
    expect(() => parse(`${indices.length}/${indices.length}`, '--shard')).toThrow(/0 <= I < N/);
    // Every shard runs the one campaign of the workflow's env; merge reads what the shards uploaded.
    const campaign = /^ {2}CAMPAIGN: (.+)$/m.exec(yml)?.[1] ?? '';
    expect(campaign).toMatch(/^(check|fuzz|check-client)\b/);
    expect(yml).toMatch(
      /npx dmactor \$CAMPAIGN --shard .*\n.*--json report\.json --out counterexamples \|\| \[ \$\? -eq 1 \]/,
    );
    expect(yml).toContain('pattern: dmactor-shard-*');
    expect(yml).toContain('npx dmactor merge shards/*/report.json');
  });

  it('the Kubernetes Indexed Job passes JOB_COMPLETION_INDEX as the shard index of its completions', () => {
    const yaml = read('k8s-indexed-job.yaml');
    expect(yaml).toContain('completionMode: Indexed');
    const completions = Number(/^ {2}completions: (\d+)$/m.exec(yaml)?.[1]);
    const shards = [...yaml.matchAll(/name: SHARDS\n\s+value: '(\d+)'/g)].map((m) => Number(m[1]));
    // The shard Job's and the merge Job's count are the Job's completions.
    expect(shards).toEqual([completions, completions]);
    expect(yaml).toContain('--shard "$JOB_COMPLETION_INDEX/$SHARDS"');
    // The completion indices are 0 .. completions-1: each is a shard, and there is no other.
    for (let i = 0; i < completions; i++) expect(parse(`${i}/${completions}`, '--shard')?.index).toBe(i);
    expect(() => parse(`${completions}/${completions}`, '--shard')).toThrow(/0 <= I < N/);
    expect(yaml).toMatch(/dmactor merge shard-\*\/report\.json/);
  });
});
