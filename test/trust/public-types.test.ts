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
const FIXTURE = new URL('../fixtures/forge/reach-record.ts', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

function diagnosticsByLine(): Map<number, string[]> {
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

describe("a provider cannot name the checker's record", () => {
  it('every forbidden access is a type error, and nothing else is', () => {
    const lines = readFileSync(FIXTURE, 'utf8').split('\n');
    const forbidden = lines.flatMap((l, i) => (/\/\/ forbidden\b/.test(l) ? [i + 1] : []));
    expect(forbidden.length).toBeGreaterThan(15);
    const errors = diagnosticsByLine();
    const compiled = forbidden.filter((n) => !errors.has(n)).map((n) => `${n}: ${lines[n - 1]!.trim()}`);
    expect(compiled, 'forbidden lines that compile').toEqual([]);
    const unexpected = [...errors].filter(([n]) => !forbidden.includes(n));
    expect(unexpected, 'errors outside the forbidden lines').toEqual([]);
  }, 120_000);
});
