import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readInputs, reportData } from '../src/cli/report.js';
import { reportHtml } from '../src/diagrams/report-html.js';
import { runCampaignHere } from '../src/explore/campaign.js';
import { checkKernelTrace } from '../src/ktrace/check-kernel-trace.js';
import { lifecycleKind } from '../src/workload/lifecycle-kind.js';
import { launchBrowser } from '../test/fixtures/browser.js';

/**
 * `npm run docs:report`: the screenshots of docs/report.md, taken in the same headless
 * Chromium the tests use, of a report on a short campaign against a provider with a planted
 * bug and the committed counterexample fixture; and those of docs/kernel.md, of the report of
 * a real kernel trace (bcm2835-dma under QEMU) and of a copy edited to free a descriptor twice.
 */
const root = new URL('..', import.meta.url).pathname;
const fixture = join(root, 'test/fixtures/counterexamples/v1-lifecycle.json');
const report = runCampaignHere(lifecycleKind, {
  seed: 3,
  schedules: 200,
  stepBound: 5000,
  workers: 1,
  strategy: 'portfolio',
  shrinkRuns: 0,
  provider: 'planted:terminate-leaks',
});
const inputs = readInputs([fixture]);
const data = await reportData(
  {
    ...inputs,
    title: 'dmactor check --provider planted:terminate-leaks',
    campaigns: [{ name: 'check', report }],
  },
  'docs',
);
const file = join(mkdtempSync(join(tmpdir(), 'dmactor-report-')), 'report.html');
writeFileSync(file, reportHtml(data));
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(`file://${file}`);
await page.waitForSelector('body[data-ready=true]');
await page.screenshot({ path: join(root, 'docs/report-campaign.png') });
const cx = page.locator('section.counterexample');
await cx.scrollIntoViewIfNeeded();
await page.keyboard.press('ArrowUp');
await page.keyboard.press('ArrowUp');
await cx.screenshot({ path: join(root, 'docs/report-counterexample.png') });

const traces = join(root, 'test/fixtures/kernel-traces');
const client = join(traces, 'bcm2835-client.trace');
const memcpy = readFileSync(join(traces, 'bcm2835-memcpy-1thread.trace'), 'utf8').split('\n');
const free = memcpy.findIndex((l) => / desc_free: /.test(l));
memcpy.splice(free + 1, 0, memcpy[free] ?? '');
const traceData = await reportData(
  {
    title: 'dmactor trace: bcm2835-dma under QEMU',
    campaigns: [],
    counterexamples: [],
    traces: [
      { name: 'bcm2835-client.trace', result: checkKernelTrace(readFileSync(client, 'utf8')) },
      {
        name: 'bcm2835-memcpy-1thread.trace, a descriptor freed twice',
        result: checkKernelTrace(memcpy.join('\n')),
      },
    ],
  },
  'docs',
);
const traceFile = join(dirname(file), 'traces.html');
writeFileSync(traceFile, reportHtml(traceData));
await page.goto(`file://${traceFile}`);
await page.waitForSelector('body[data-ready=true]');
const [real, broken] = [
  page.locator('section.kernel-trace').nth(0),
  page.locator('section.kernel-trace').nth(1),
];
// The real trace at the client's terminate_sync: the descriptor states it left behind.
const terminate = traceData.traces?.[0]?.events.findIndex((e) => e.event === 'TERMINATE') ?? 0;
await real.locator(`.row[data-index="${terminate}"]`).click();
await real.screenshot({ path: join(root, 'docs/kernel-trace-report.png') });
await broken.scrollIntoViewIfNeeded();
await broken.screenshot({ path: join(root, 'docs/kernel-trace-finding.png') });
await browser.close();
console.log(
  'wrote docs/report-campaign.png, docs/report-counterexample.png, docs/kernel-trace-report.png, docs/kernel-trace-finding.png',
);
