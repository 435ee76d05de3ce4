import { describe, expect, it } from 'vitest';
import {
  API_GROUPS,
  apiMarkdown,
  documentedNames,
  type PublicApi,
  readApiDoc,
  readPublicApi,
} from '../../scripts/public-api.js';

/**
 * src/index.ts names every export, in three groups, and docs/api.md lists the same names in the
 * same groups (`npm run docs:api` rewrites it). Nothing exported comes from a module that holds
 * the checker's record.
 */

/** Modules whose exports are the checker's own record or its feeding: never public. */
const TRUSTED_ONLY = [
  /^src\/kernel\/checker\.ts$/,
  /^src\/kernel\/instrument\.ts$/,
  /^src\/kernel\/monitor\.ts$/,
  /^src\/kernel\/trace-access\.ts$/,
  /^src\/dmaengine\/record\.ts$/,
  /^src\/dmaengine\/events\.ts$/,
  /^src\/hw\/observer\.ts$/,
  /^invariants\//,
];

let api: PublicApi;
const load = () => {
  api ??= readPublicApi();
  return api;
};

describe('the public API', () => {
  it('is named export by export in src/index.ts, every statement under a group heading', () => {
    const { starExports, ungrouped, entries } = load();
    expect(starExports, 'export * hides what is public').toEqual([]);
    expect(ungrouped, 'exports before a // Provider|Client|Checker API heading').toEqual([]);
    for (const g of API_GROUPS)
      expect(
        entries.some((e) => e.group === g),
        g,
      ).toBe(true);
    const names = entries.map((e) => e.name);
    expect(names.length).toBe(new Set(names).size);
  }, 60_000);

  it('is listed in docs/api.md, group by group, and the page is current (npm run docs:api)', () => {
    const { entries } = load();
    const documented = documentedNames(readApiDoc());
    for (const g of API_GROUPS) {
      const declared = entries.filter((e) => e.group === g).map((e) => e.name);
      const listed = documented.get(g) ?? [];
      expect({ group: g, missing: declared.filter((n) => !listed.includes(n)) }).toEqual({
        group: g,
        missing: [],
      });
      expect({ group: g, stale: listed.filter((n) => !declared.includes(n)) }).toEqual({
        group: g,
        stale: [],
      });
    }
    expect(readApiDoc()).toBe(apiMarkdown(load()));
  }, 60_000);

  it("exports nothing from the modules that hold the checker's record", () => {
    const leaked = load().entries.filter((e) => TRUSTED_ONLY.some((re) => re.test(e.from)));
    expect(leaked.map((e) => `${e.name} (${e.from})`)).toEqual([]);
  }, 60_000);
});
