import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The trust boundary at compile time: a provider written against dmactor's public types (the
 * built package, as tsconfig.providers.json checks providers) cannot name the checker's record.
 * Every line of the fixture marked "forbidden" must be a type error, and no other line may be:
 * so the test fails both when the record becomes reachable and when the fixture stops
 * compiling for some other reason.
 */
const fixture = (name: string) => new URL(`../fixtures/forge/${name}`, import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

function diagnosticsByLine(FIXTURE: string): Map<number, string[]> {
  const config = ts.readConfigFile(`${ROOT}tsconfig.providers.json`, (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([FIXTURE], { ...parsed.options, noEmit: true });
  const byLine = new Map<number, string[]>();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.file?.fileName !== FIXTURE || d.start === undefined) {
      byLine.set(-1, [...(byLine.get(-1) ?? []), ts.flattenDiagnosticMessageText(d.messageText, ' ')]);
      continue;
    }
    const line = d.file.getLineAndCharacterOfPosition(d.start).line + 1;
    byLine.set(line, [...(byLine.get(line) ?? []), ts.flattenDiagnosticMessageText(d.messageText, ' ')]);
  }
  return byLine;
}

describe.each([
  ['a provider', 'reach-record.ts', 15],
  ['a client', 'client-reach-record.ts', 12],
] as const)("%s cannot name the checker's record", (_who, name, atLeast) => {
  it('every forbidden access is a type error, and nothing else is', () => {
    const FIXTURE = fixture(name);
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const forbidden = lines.flatMap((l, i) => (/\/\/ forbidden\b/.test(l) ? [i + 1] : []));
    expect(forbidden.length).toBeGreaterThan(atLeast);
    const errors = diagnosticsByLine(FIXTURE);
    const compiled = forbidden.filter((n) => !errors.has(n)).map((n) => `${n}: ${lines[n - 1]!.trim()}`);
    expect(compiled, 'forbidden lines that compile').toEqual([]);
    const unexpected = [...errors].filter(([n]) => !forbidden.includes(n));
    expect(unexpected, 'errors outside the forbidden lines').toEqual([]);
  }, 120_000);
});
