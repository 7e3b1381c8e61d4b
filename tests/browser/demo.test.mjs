// The demo site and the App Usage dashboard on the real collector (issue: the demo command's
// product, end to end): pages load cleanly, and a visit, a departure longer than the timeout and a
// return show on the dashboard as two sessions, the first ending when the user left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, startCollector, setVisibility, eventually, ROOT } from './harness.mjs';

let collector, browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.close(); });

async function visit(context, path) {
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(m.text()); });
  await page.goto(`${collector.url}${path}`);
  return page;
}

const sessionsCell = (page) => page.evaluate(() => document.querySelector('#devices tbody tr td:nth-child(2)')?.textContent);

test('the demo pages and the dashboard load with no console errors', async () => {
  const context = await browser.newContext();
  for (const path of ['/www/', '/www/pricing.html', '/www/dashboard.html']) {
    const page = await visit(context, path);
    await page.waitForTimeout(800);
    assert.deepEqual(page.problems, [], path);
  }
  await context.close();
});

test('visit, leave for longer than the timeout, return: the dashboard goes from 1 to 2 sessions', async () => {
  const site = await browser.newContext();
  // A minute behind real time, so that after the departure the site is at about the dashboard's now.
  await site.clock.install({ time: Date.now() - 60_000 });
  const page = await visit(site, '/www/');
  await page.waitForFunction(() => document.getElementById('session').textContent.length === 36);
  const first = await page.evaluate(() => document.getElementById('session').textContent);
  const device = await page.evaluate(() => document.getElementById('device').textContent);
  await page.click('#flush');

  const board = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const dashboard = await visit(board, '/www/dashboard.html');
  await eventually(async () => assert.equal(await sessionsCell(dashboard), '1'), { timeout: 8000 });

  await setVisibility(page, 'hidden');
  const left = await page.evaluate(() => Date.now());
  await page.clock.fastForward(45_000);  // the demo's timeout is 10 s
  await setVisibility(page, 'visible');
  await page.click('#flush');
  await eventually(async () => assert.equal(await sessionsCell(dashboard), '2'), { timeout: 8000 });

  const sessions = await (await fetch(`${collector.url}/api/v3/sessions?api_key=demo-api-key&device_id=${device}`)).json();
  const ended = sessions.find((s) => s.session_id === first);
  assert.equal(ended.open, false);
  assert.ok(Math.abs(ended.end * 1000 - left) <= 1000, `ended at ${ended.end * 1000}, left at ${left}`);
  assert.equal(sessions.filter((s) => s.open).length, 1);
  await eventually(async () => assert.equal(await dashboard.locator('svg rect.session').count(), 2));

  mkdirSync(join(ROOT, 'target/screenshots'), { recursive: true });
  await dashboard.screenshot({ path: join(ROOT, 'target/screenshots/dashboard.png'), fullPage: true });
  assert.deepEqual([...page.problems, ...dashboard.problems], []);
  await site.close();
  await board.close();
});
