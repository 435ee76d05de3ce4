import type { CampaignReport } from '../explore/campaign.js';
import type { FuzzReport } from '../fuzz/fuzz.js';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML for CI: one test suite per phase, one test case per conformance rule broken and per
 * invariant of the catalogue (failed when the phase found it broken).
 */
export function fuzzJunit(r: FuzzReport): string {
  const suites: string[] = [];
  suites.push(
    `  <testsuite name="conformance" tests="${Math.max(1, r.conformance.length)}" failures="${r.conformance.length}">`,
    ...(r.conformance.length === 0
      ? ['    <testcase classname="conformance" name="dma_device"/>']
      : r.conformance.map(
          (f) =>
            `    <testcase classname="conformance" name="${esc(f.rule.id)}"><failure message="${esc(f.detail)}">${esc(`${f.rule.rule}\n${f.rule.source}`)}</failure></testcase>`,
        )),
    '  </testsuite>',
  );
  for (const [name, c] of [
    ['dmatest', r.dmatest],
    ['lifecycle', r.lifecycle],
    ['faults', r.faults],
  ] as const) {
    if (c) suites.push(...campaignSuite(name, c));
  }
  if (r.asyncTx) suites.push(...asyncSuite(r.asyncTx));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="dmactor fuzz ${esc(r.provider)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function asyncSuite<W>(a: CampaignReport<W>): string[] {
  const found = new Map(a.found.map((f) => [f.violation.id, f]));
  const ids = [...new Set([...Object.keys(a.invariants), ...found.keys()])].sort();
  const cases = ids.map((id) => {
    const f = found.get(id);
    return f
      ? `    <testcase classname="async_tx" name="${esc(id)}"><failure message="${esc(f.violation.detail)}">${esc(`${f.violation.rule}\n${f.violation.source}\n${f.strategy}, seed ${f.seed}`)}</failure></testcase>`
      : `    <testcase classname="async_tx" name="${esc(id)}"><system-out>checked ${a.invariants[id]?.checks ?? 0} times</system-out></testcase>`;
  });
  return [
    `  <testsuite name="async_tx" tests="${ids.length}" failures="${found.size}" time="${a.seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
  ];
}

function campaignSuite<W>(name: string, c: CampaignReport<W>): string[] {
  const found = new Map(c.found.map((f) => [f.violation.id, f]));
  const ids = [...new Set([...Object.keys(c.invariants), ...found.keys()])].sort();
  const cases = ids.map((id) => {
    const f = found.get(id);
    const checks = c.invariants[id]?.checks ?? 0;
    return f
      ? `    <testcase classname="${name}" name="${esc(id)}"><failure message="${esc(f.violation.detail)}">${esc(`${f.violation.rule}\n${f.violation.source}\nfirst at schedule ${f.index}`)}</failure></testcase>`
      : `    <testcase classname="${name}" name="${esc(id)}"><system-out>checked ${checks} times</system-out></testcase>`;
  });
  return [
    `  <testsuite name="${name}" tests="${ids.length}" failures="${found.size}" time="${c.seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
  ];
}
