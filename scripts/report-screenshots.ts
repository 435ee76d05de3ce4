import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readInputs, reportData } from '../src/cli/report.js';
import { reportHtml } from '../src/diagrams/report-html.js';
import { runCampaignHere } from '../src/explore/campaign.js';
import { lifecycleKind } from '../src/workload/lifecycle-kind.js';
import { launchBrowser } from '../test/fixtures/browser.js';

/**
 * `npm run docs:report`: the screenshots of docs/report.md, taken in the same headless
 * Chromium the tests use, of a report on a short campaign against a provider with a planted
 * bug and the committed counterexample fixture.
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
await browser.close();
console.log('wrote docs/report-campaign.png, docs/report-counterexample.png');
