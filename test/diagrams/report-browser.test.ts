import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputs, reportData } from '../../src/cli/report.js';
import type { CounterexampleSection, ReportData } from '../../src/diagrams/report-data.js';
import { reportHtml } from '../../src/diagrams/report-html.js';
import { runCampaignHere } from '../../src/explore/campaign.js';
import { lifecycleKind } from '../../src/workload/lifecycle-kind.js';
import { launchBrowser } from '../fixtures/browser.js';
import { dmactor, tempDir } from './cli.js';

/**
 * The HTML report in a real browser: a headless Chromium installed from npm
 * (@sparticuz/chromium, driven by playwright-core) opens the generated file, and the test
 * reads what the page shows, steps through a counterexample with the keyboard and the mouse,
 * and checks that nothing from a trace runs as markup and nothing is fetched.
 */
const FIXTURE = new URL('../fixtures/counterexamples/v1-lifecycle.json', import.meta.url).pathname;
const TRACES = new URL('../fixtures/kernel-traces/', import.meta.url).pathname;
const HOSTILE = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';

let browser: Browser;
let data: ReportData;
let dir: string;

beforeAll(async () => {
  browser = await launchBrowser();
  dir = tempDir();
  const report = runCampaignHere(lifecycleKind, {
    seed: 3,
    schedules: 24,
    stepBound: 5000,
    workers: 1,
    strategy: 'portfolio',
    shrinkRuns: 0,
    provider: 'planted:terminate-leaks',
  });
  data = await reportData(
    { title: 'a test report', campaigns: [{ name: 'planted', report }], counterexamples: [FIXTURE] },
    '0.0.0-test',
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
}

async function open(html: string, name: string): Promise<Opened> {
  const file = join(dir, name);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('request', (r) => {
    if (!/^(file|data):/.test(r.url())) requests.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready=true]');
  return { page, errors, requests };
}

/** The states the page should show after event `i`: each actor's last state up to it. */
function statesAfter(cx: CounterexampleSection, i: number): Record<string, string> {
  const states: Record<string, string> = {};
  for (const e of cx.events.slice(0, i + 1)) if (e.state !== null) states[e.actor] = e.state;
  return Object.fromEntries(Object.entries(states).sort(([a], [b]) => a.localeCompare(b)));
}

async function shownStates(page: Page): Promise<Record<string, string>> {
  const rows = await page.locator('section.counterexample table.states tr').all();
  const out: Record<string, string> = {};
  for (const r of rows) {
    const cells = await r.locator('td').allTextContents();
    out[cells[0]!] = cells[1]!;
  }
  return out;
}

describe('the HTML report in a real browser', () => {
  it('shows the campaign: summary, per-rule counts, statecharts coloured by coverage', async () => {
    const { page, errors, requests } = await open(reportHtml(data), 'report.html');
    const c = data.campaigns[0]!;
    const campaign = page.locator('section.campaign');
    await expect(campaign.locator('h2').textContent()).resolves.toBe('Campaign: planted');
    expect(await campaign.locator('table.kv').textContent()).toContain(`schedules${c.schedules}`);
    expect(await campaign.locator('tr[data-rule]').count()).toBe(c.rules.length);
    const broken = c.rules.filter((r) => r.violations > 0).map((r) => r.id);
    expect(broken.length).toBeGreaterThan(0);
    expect(
      await campaign.locator('tr.broken').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rule'))),
    ).toEqual(broken);
    // The filter hides every rule whose id does not match.
    await campaign.locator('input.filter').fill(broken[0]!);
    const visible = await campaign
      .locator('tr[data-rule]')
      .evaluateAll((rows) =>
        rows
          .filter((r) => (r as HTMLElement).style.display !== 'none')
          .map((r) => r.getAttribute('data-rule')),
      );
    expect(visible).toEqual(c.rules.filter((r) => r.id.includes(broken[0]!)).map((r) => r.id));
    // One drawing per chart, each an image that decoded (Graphviz's SVG as a data URL).
    const figures = campaign.locator('figure.chart');
    expect(await figures.count()).toBe(c.coverage.length);
    const decoded = await figures
      .locator('img')
      .evaluateAll((imgs) =>
        imgs.map((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0),
      );
    expect(decoded).toEqual(c.coverage.map(() => true));
    expect(await figures.first().locator('figcaption').textContent()).toBe(
      `${c.coverage[0]!.machine}: ${c.coverage[0]!.taken}/${c.coverage[0]!.total} transitions taken`,
    );
    expect({ errors, requests }).toEqual({ errors: [], requests: [] });
    await page.close();
  });

  it('steps through a counterexample by keyboard and mouse, showing every actor state at the step', async () => {
    const { page, errors } = await open(reportHtml(data), 'report.html');
    const cx = data.counterexamples[0]!;
    expect(cx.reproduced).toBe(true);
    expect(cx.violationAt).toBeGreaterThan(5);
    const section = page.locator('section.counterexample');
    const selected = async () => Number(await section.getAttribute('data-selected'));
    // It opens on the violation, marked with its rule and source.
    expect(await selected()).toBe(cx.violationAt);
    expect(await section.locator('.row.violation').count()).toBe(1);
    expect(await section.locator('.event-detail').textContent()).toContain(`source: ${cx.violation.source}`);
    expect(await shownStates(page)).toEqual(statesAfter(cx, cx.violationAt));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('k');
    expect(await selected()).toBe(cx.violationAt - 2);
    expect(await shownStates(page)).toEqual(statesAfter(cx, cx.violationAt - 2));
    await page.keyboard.press('Home');
    expect(await selected()).toBe(0);
    await page.keyboard.press('ArrowUp'); // stays at the first event
    expect(await selected()).toBe(0);
    await page.keyboard.press('j');
    expect(await selected()).toBe(1);
    await page.keyboard.press('End');
    expect(await selected()).toBe(cx.events.length - 1);
    await page.keyboard.press('v');
    expect(await selected()).toBe(cx.violationAt);
    // A click on a row selects it; the buttons step too.
    const target = Math.floor(cx.violationAt / 2);
    await section.locator(`.row[data-index="${target}"]`).click();
    expect(await selected()).toBe(target);
    expect(await section.locator('.row.selected').getAttribute('data-index')).toBe(String(target));
    await section.getByRole('button', { name: 'next' }).click();
    expect(await selected()).toBe(target + 1);
    expect(await shownStates(page)).toEqual(statesAfter(cx, target + 1));
    expect(await section.locator('.status').textContent()).toBe(
      `event ${target + 1} of ${cx.events.length}, step ${cx.events[target + 1]!.step}, t=${cx.events[target + 1]!.time} ns`,
    );
    // One lane per task and context, and per object.
    const lanes = await section.locator('.row.head > div').allTextContents();
    expect(lanes.slice(2)).toEqual(cx.lanes.map((l) => l.name));
    expect(cx.lanes.map((l) => l.kind)).toEqual(expect.arrayContaining(['channel', 'tasklet', 'hardware']));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders every string from a trace as text: a hostile provider name runs nothing', async () => {
    const cx = data.counterexamples[0]!;
    const hostile: ReportData = {
      ...data,
      title: HOSTILE,
      campaigns: data.campaigns.map((c) => ({ ...c, name: HOSTILE })),
      counterexamples: [
        {
          ...cx,
          provider: HOSTILE,
          violation: { ...cx.violation, detail: HOSTILE },
          lanes: cx.lanes.map((l, i) => (i === 0 ? { ...l, name: HOSTILE } : l)),
          events: cx.events.map((e, i) =>
            i === 0 ? { ...e, actor: HOSTILE, payload: HOSTILE, state: HOSTILE } : e,
          ),
        },
      ],
    };
    const { page, errors } = await open(reportHtml(hostile), 'hostile.html');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The only images are the chart drawings; the text shows the characters as they are.
    const images = await page
      .locator('img')
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')!.slice(0, 26)));
    expect(images.every((src) => src === 'data:image/svg+xml;base64,')).toBe(true);
    expect(await page.locator('section.campaign h2').textContent()).toBe(`Campaign: ${HOSTILE}`);
    expect(await page.locator('.row.head > div').nth(2).textContent()).toBe(HOSTILE);
    expect(await page.title()).toBe(HOSTILE);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('dmactor report writes the page from a check --json report and its counterexamples', async () => {
    const out = join(dir, 'cli');
    const json = join(dir, 'check.json');
    const r = dmactor(
      'check',
      '--provider',
      'planted:terminate-leaks',
      '--schedules',
      '30',
      '--workers',
      '1',
      '--shrink-runs',
      '50',
      '--out',
      out,
      '--json',
      json,
    );
    expect(r.code).toBe(1);
    const html = join(dir, 'cli.html');
    const made = dmactor('report', json, '--out', html);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const inputs = readInputs([json]);
    expect(inputs.counterexamples.length).toBe(1);
    const page = await browser.newPage();
    await page.goto(`file://${html}`);
    await page.waitForSelector('body[data-ready=true]');
    expect(await page.locator('section.campaign').count()).toBe(1);
    expect(await page.locator('section.counterexample h2').textContent()).toMatch(/^Counterexample: /);
    expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\//);
    await page.close();
    // Not a report: one line, exit 2.
    const bad = dmactor('report', FIXTURE.replace('v1-lifecycle.json', 'missing.json'), '--out', html);
    expect({ code: bad.code, lines: bad.stderr.trim().split('\n').length }).toEqual({ code: 2, lines: 1 });
  }, 120_000);
  it('draws a real kernel trace and an edited-to-break copy like a counterexample', async () => {
    // bcm2835-dma under QEMU running dmatest; the copy frees a descriptor twice, and its
    // dmatest thread is renamed to markup, which must show as text.
    const real = join(TRACES, 'bcm2835-memcpy-1thread.trace');
    const lines = readFileSync(real, 'utf8').split('\n');
    const at = lines.findIndex((l) => / desc_free: /.test(l));
    const task = /^\s*(\S+)-(\d+)\s/.exec(lines[at] ?? '');
    expect(task).not.toBeNull();
    const [, comm = '', pid = ''] = task!;
    lines.splice(at + 1, 0, lines[at] ?? '');
    const broken = join(dir, 'freed-twice.trace');
    writeFileSync(broken, lines.map((l) => l.split(`${comm}-${pid}`).join(`${HOSTILE}-${pid}`)).join('\n'));
    const [a, b, page] = ['clean.json', 'broken.json', 'traces.html'].map((f) => join(dir, f));
    expect(dmactor('trace', real, '--json', a!).code).toBe(0);
    const found = dmactor('trace', broken, '--json', b!, '--html', join(dir, 'broken.html'));
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('HTML report:');
    expect(dmactor('report', a!, b!, '--out', page!).code).toBe(0);

    const { page: p, errors, requests } = await open(readFileSync(page!, 'utf8'), 'traces.html');
    const sections = p.locator('section.kernel-trace');
    expect(await sections.count()).toBe(2);
    const clean = sections.nth(0);
    expect(await clean.locator('.pill').first().textContent()).toBe('no finding');
    expect(await clean.locator('.row.violation').count()).toBe(0);
    // A lane per context: the task of each process-context line, softirq and hardirq per CPU.
    const laneNames = (await clean.locator('.row.head > div').allTextContents()).slice(2);
    expect(laneNames).toEqual(expect.arrayContaining([`${comm}-${pid}`, 'softirq cpu0', 'hardirq cpu0']));
    const tasks = new Set(
      readFileSync(real, 'utf8')
        .split('\n')
        .map((l) => /^\s*(.+?-\d+)\s+\[/.exec(l)?.[1]),
    );
    for (const name of laneNames)
      expect(tasks.has(name) || /^(soft|hard)irq cpu\d+$/.test(name), name).toBe(true);

    // The broken copy opens on its finding: the duplicated line, its rule and source.
    const json = JSON.parse(readFileSync(b!, 'utf8')) as {
      events: { step: number; actor: string; event: string; payload?: { state?: string } }[];
      findings: { line: number; rule: { id: string; rule: string; source: string } }[];
    };
    expect(json.findings.map((f) => [f.rule.id, f.line])).toEqual([['descriptor.use-after-free', at + 2]]);
    const finding = json.findings[0]!;
    const row = json.events.findIndex((e) => e.event === 'VIOLATION');
    const s = sections.nth(1);
    const selected = async () => Number(await s.getAttribute('data-selected'));
    expect(await selected()).toBe(row);
    expect(await s.locator('.violation-card .id').textContent()).toBe(`[provider] ${finding.rule.id}`);
    expect(await s.locator('.row.selected .num').nth(1).textContent()).toBe(String(at + 2));
    const detail = await s.locator('.event-detail').textContent();
    expect(detail).toContain(`rule: ${finding.rule.rule}`);
    expect(detail).toContain(`source: ${finding.rule.source}`);
    expect(detail).toContain((lines[at] ?? '').trim().replace(`${comm}-${pid}`, `${HOSTILE}-${pid}`));
    const states = async () => {
      const out: Record<string, string> = {};
      for (const r of await s.locator('table.states tr').all()) {
        const [k = '', v = ''] = await r.locator('td').allTextContents();
        out[k] = v;
      }
      return out;
    };
    const statesAt = (i: number) => {
      const out: Record<string, string> = {};
      for (const e of json.events.slice(0, i + 1)) if (e.payload?.state) out[e.actor] = e.payload.state;
      return out;
    };
    expect(await states()).toEqual(statesAt(row));
    expect(Object.values(await states())).toContain('freed');
    // Keyboard stepping, as on a counterexample: away, and v back to the finding.
    await s.locator('.timeline').focus();
    await p.keyboard.press('Home');
    expect(await selected()).toBe(0);
    await p.keyboard.press('v');
    expect(await selected()).toBe(row);
    await p.keyboard.press('ArrowUp');
    expect(await selected()).toBe(row - 1);
    expect(await states()).toEqual(statesAt(row - 1));
    expect(await s.locator('.status').textContent()).toMatch(
      new RegExp(
        `^event ${row - 1} of ${json.events.length}, line ${json.events[row - 1]!.step}, cpu \\d+, t=`,
      ),
    );
    // The markup in the task name is text: in the lane, the card and the side panel.
    expect(await s.locator('.row.head > div').allTextContents()).toContain(`${HOSTILE}-${pid}`);
    expect(await p.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await p.locator('img').count()).toBe(0);
    expect({ errors, requests }).toEqual({ errors: [], requests: [] });
    await p.close();
  }, 120_000);
});
