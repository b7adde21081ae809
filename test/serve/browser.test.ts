/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core), served by
 * `transferkit serve` in a child process as users start it: it loads with no
 * console errors, a fit started from its form finishes and appears in the runs list, a what-if
 * edit changes the shown prediction, and a run's HTML report renders its charts. Screenshots go
 * to <tmp>/transferkit-browser-test. Without chromium the test is skipped, unless
 * TRANSFERKIT_REQUIRE_BROWSER=1.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cliCommand } from '../../scripts/cli-command.ts';
import { irisRuns } from './helpers.ts';

const CHROMIUM = process.env.TRANSFERKIT_CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(tmpdir(), 'transferkit-browser-test');
const missing = !existsSync(CHROMIUM);
if (missing && process.env.TRANSFERKIT_REQUIRE_BROWSER === '1') throw new Error(`The browser test needs chromium at ${CHROMIUM} (TRANSFERKIT_REQUIRE_BROWSER=1): install it (apt-get install chromium) or set TRANSFERKIT_CHROMIUM`);
const skip = missing ? `no chromium at ${CHROMIUM}: install it (apt-get install chromium) or set TRANSFERKIT_CHROMIUM; TRANSFERKIT_REQUIRE_BROWSER=1 makes this a failure` : false;

/** `url`: the printed address (with ?token=); `base`: the same without it. */
let server: { url: string; base: string; child: ChildProcess } | undefined;
let runs: string;
let browser: Browser;
let page: Page;
const problems: string[] = [];

/** Starts `transferkit serve <runs> --port 0 --json` as users do; resolves with its URL once it listens. */
async function serve(dir: string): Promise<{ url: string; base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...cliCommand(), 'serve', dir, '--port', '0', '--json'], { env: { ...process.env, CI: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`transferkit serve exited with ${code}`)));
  });
  const info = JSON.parse(line) as { url: string; host: string; port: number; token: string; tokenRequired: boolean };
  assert.equal(info.host, '127.0.0.1');
  assert.equal(info.tokenRequired, true, 'loopback needs the token too (other users of the machine reach it)');
  assert.ok(info.port > 0 && info.token.length >= 40);
  const base = `http://127.0.0.1:${info.port}/`;
  assert.equal(info.url, `${base}?token=${info.token}`, 'the printed URL carries the token');
  return { url: info.url, base, child };
}

before(async () => {
  if (missing) return;
  await mkdir(SHOTS, { recursive: true });
  runs = await irisRuns('tk-serve-browser-');
  // a learning curve, as `transferkit curve --out` leaves it
  await mkdir(join(runs, 'mnist-curve'));
  await copyFile(fileURLToPath(new URL('../fixtures/serve/curve.json', import.meta.url)), join(runs, 'mnist-curve', 'curve.json'));
  server = await serve(runs);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // the page closes a job's event stream itself once the job has ended
    if (/\/api\/jobs\/[^/]+\/events$/.test(r.url()) && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
  });
});
after(async () => {
  await browser?.close();
  if (server) {
    const exited = new Promise<number | null>((ok) => server!.child.once('exit', (code) => ok(code)));
    server.child.kill('SIGTERM');
    assert.equal(await exited, 0, '`transferkit serve` stops cleanly on SIGTERM');
  }
});

test('the dashboard loads with no console errors, lists the runs and draws a learning curve', { skip, timeout: 30_000 }, async () => {
  assert.equal((await fetch(`${server!.base}api/runs`)).status, 401, 'without the token: refused');
  // the user opens the printed URL: ?token= sets the cookie the page's requests carry
  await page.goto(server!.url);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#runs-table tr[data-run="iris"] td.status').textContent(), 'finished');
  assert.equal(await page.evaluate(() => typeof (window as unknown as { vegaEmbed?: unknown }).vegaEmbed), 'function', 'vega-embed served from /vendor');
  assert.equal(await page.locator('#curves-table tr[data-curve="mnist-curve"]').count(), 1, 'the learning curve is listed');
  await page.click('#curves-table tr[data-curve="mnist-curve"] a');
  await page.waitForSelector('#curve-chart svg');
  await page.screenshot({ path: join(SHOTS, '1-runs.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('a fit started from the form finishes, its run appears in the list and compares with another', { skip, timeout: 40_000 }, async () => {
  await page.fill('#fit-form [name=name]', 'iris-browser');
  await page.fill('#fit-form [name=train]', 'builtin:iris');
  await page.selectOption('#fit-form [name=strategy]', 'scratch');
  await page.selectOption('#fit-form [name=arch]', 'mlp');
  await page.fill('#fit-form [name=epochs]', '3');
  await page.click('#fit-form button[type=submit]');
  await page.waitForSelector('#job-status.finished', { timeout: 30_000 });
  await page.waitForSelector('#runs-table tr[data-run="iris-browser"][data-status="finished"]');
  assert.match((await page.textContent('#job-log')) ?? '', /train epoch 3: loss/);
  assert.ok((await page.locator('#job-chart svg').count()) >= 1, 'the live loss chart is drawn');
  // the two runs side by side
  await page.check('#runs-table tr[data-run="iris"] input[type=checkbox]');
  await page.check('#runs-table tr[data-run="iris-browser"] input[type=checkbox]');
  await page.click('#compare-button');
  await page.waitForSelector('#compare-chart svg');
  assert.equal(await page.locator('#compare-table tbody tr').count(), 2);
  await page.screenshot({ path: join(SHOTS, '2-fit.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test('a what-if edit changes the shown prediction; the run charts render as SVG', { skip, timeout: 30_000 }, async () => {
  await page.goto(`${server!.base}#run=iris`);
  await page.waitForFunction(() => document.querySelector('#whatif-prediction')?.textContent !== '…');
  await page.waitForSelector('#history-chart svg');
  await page.waitForSelector('#whatif-chart svg');
  assert.ok((await page.locator('#confusion-chart svg').count()) >= 1);
  const before = await page.textContent('#whatif-prediction');
  assert.equal(before, 'setosa');
  await page.fill('#whatif-form [data-feature="petal_length"]', '6.5');
  await page.fill('#whatif-form [data-feature="petal_width"]', '2.3');
  await page.fill('#whatif-form [data-feature="sepal_width"]', '2.8');
  await page.waitForFunction((b) => document.querySelector('#whatif-prediction')?.textContent !== b, before, { timeout: 10_000 });
  assert.notEqual(await page.textContent('#whatif-prediction'), 'setosa');
  await page.click('#cf-button');
  await page.waitForSelector('#cf-table tr th');
  await page.screenshot({ path: join(SHOTS, '3-whatif.png'), fullPage: true });
  assert.deepEqual(problems, []);
});

test("a run's HTML report, served from the runs folder, renders its charts", { skip, timeout: 30_000 }, async () => {
  const { writeRunReport } = await import('../../src/report/index.ts');
  const dir = join(runs, 'iris');
  const report = await writeRunReport(dir);
  const charts = Array.isArray(report.charts) ? report.charts.length : Number(report.charts);
  await page.goto(`${server!.base}files/iris/report.html`);
  const svgs = await page.locator('svg').count();
  assert.ok(charts >= 1, 'the report has charts');
  assert.ok(svgs >= charts, `${svgs} SVG elements for ${charts} charts`);
  await page.screenshot({ path: join(SHOTS, '4-report.png'), fullPage: true });
  assert.deepEqual(problems, []);
});
