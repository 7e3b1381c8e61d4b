// The demo site and the App Usage dashboard on the real collector (issue: the demo command's
// product, end to end): pages load cleanly, and a visit, a departure longer than the timeout and a
// return show on the dashboard as two sessions, the first ending when the user left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, startCollector, openPage, setVisibility, eventually, ROOT } from './harness.mjs';

let collector, browser;
before(async () => { collector = await startCollector(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await collector?.close(); });

const visit = (context, path) => openPage(context, `${collector.url}${path}`);
// Uncaught errors and console errors.
const problems = (page) => [...page.errors, ...page.logs.filter((l) => l.startsWith('error: '))];

// The Sessions count in the dashboard's row for `device`.
const sessionsCell = (page, device) => page.evaluate((id) => document.querySelector(`#devices tbody tr[data-id="${id}"] td:nth-child(2)`)?.textContent, device);

test('the demo pages and the dashboard load with no console errors', async () => {
  const context = await browser.newContext();
  for (const path of ['/www/', '/www/pricing.html', `/www/dashboard.html#token=${collector.token}`]) {
    const page = await visit(context, path);
    await page.waitForTimeout(800);
    assert.deepEqual(problems(page), [], path);
  }
  await context.close();
});

test('the dashboard asks for the token, reads nothing without it, and keeps it for the tab', async () => {
  const context = await browser.newContext();
  const page = await visit(context, '/www/dashboard.html');
  await page.waitForSelector('#token-form:not([hidden])');
  assert.match(await page.textContent('#timeline'), /admin token/);
  assert.deepEqual(problems(page), [], 'nothing is read without a token');
  await page.fill('#token', 'not-the-token-0123456789');
  await page.click('#token-form button');
  await eventually(async () => assert.match(await page.textContent('#token-form'), /refused/));
  await page.fill('#token', collector.token);
  await page.click('#token-form button');
  await page.waitForSelector('#token-form[hidden]', { state: 'attached' });
  // Kept for the tab: a reload reads without asking; the fragment never reaches the server.
  await page.reload();
  await page.waitForTimeout(500);
  assert.equal(await page.isHidden('#token-form'), true);
  assert.deepEqual(problems(page).filter((p) => !p.includes('401')), []);
  await context.close();
});

test('visit, leave for longer than the timeout, return: the dashboard goes from 1 to 2 sessions', async () => {
  const site = await browser.newContext();
  // Behind real time by the visit and the departure, so the site ends at about the dashboard's now.
  await site.clock.install({ time: Date.now() - 70_000 });
  const page = await visit(site, '/www/');
  await page.waitForFunction(() => document.getElementById('session').textContent.length === 36);
  const first = await page.evaluate(() => document.getElementById('session').textContent);
  const device = await page.evaluate(() => document.getElementById('device').textContent);
  await page.click('#flush');

  const board = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const dashboard = await visit(board, `/www/dashboard.html#token=${collector.token}`);
  await eventually(async () => assert.equal(await sessionsCell(dashboard, device), '1'), { timeout: 8000 });

  await page.clock.runFor(8_000);  // reading the page (the demo's timeout is 10 s)
  await page.mouse.click(400, 30);
  await setVisibility(page, 'hidden');
  const left = await page.evaluate(() => Date.now());
  await page.clock.fastForward(45_000);  // the demo's timeout is 10 s
  await setVisibility(page, 'visible');
  await page.click('#flush');
  await eventually(async () => assert.equal(await sessionsCell(dashboard, device), '2'), { timeout: 8000 });

  const sessions = await (await fetch(`${collector.url}/api/v3/sessions?api_key=demo-api-key&device_id=${device}`, {
    headers: { Authorization: `Bearer ${collector.token}` },
  })).json();
  const ended = sessions.find((s) => s.session_id === first);
  assert.equal(ended.open, false);
  assert.ok(Math.abs(ended.end * 1000 - left) <= 1000, `ended at ${ended.end * 1000}, left at ${left}`);
  assert.equal(sessions.filter((s) => s.open).length, 1);
  // The timeline has a bar for each of the two sessions, the second marked open.
  const second = sessions.find((s) => s.open).session_id;
  await eventually(async () => {
    const bars = await dashboard.evaluate(() => [...document.querySelectorAll('svg rect.session')].map((r) => [r.textContent.split('\n')[0], r.classList.contains('open')]));
    assert.deepEqual(bars.filter(([id]) => id === first || id === second).sort(), [[first, false], [second, true]].sort());
  });

  // Seconds-long sessions on an axis fitted to them: bars you can see and hover, ticks in seconds.
  const widths = await dashboard.evaluate((ids) => [...document.querySelectorAll('svg rect.session')]
    .filter((r) => ids.includes(r.textContent.split('\n')[0])).map((r) => Number(r.getAttribute('width'))), [first, second]);
  assert.ok(widths.length === 2 && widths.every((w) => w >= 40), `bars of ${widths} units of 900`);
  assert.ok((await dashboard.locator('svg text.tick').count()) >= 3);

  // A user change on the site: the dashboard, where nobody picked a row, follows to the new user.
  // (The site's clock catches up with real time first: the most recently active is by time.)
  await page.clock.fastForward(Math.max(0, Date.now() - await page.evaluate(() => Date.now())) + 1000);
  await page.fill('#user', 'alice');
  await page.click('#user-form button');
  await page.click('#flush');
  await eventually(async () => assert.equal(await dashboard.textContent('#selected'), 'user alice'), { timeout: 8000 });
  const alice = await page.evaluate(() => document.getElementById('session').textContent);
  await eventually(async () => {
    const ids = await dashboard.evaluate(() => [...document.querySelectorAll('svg rect.session')].map((r) => r.textContent.split('\n')[0]));
    assert.deepEqual(ids, [alice]);
  }, { timeout: 8000 });

  // The README's picture of the dashboard (scripts/screenshots.sh writes it to docs/): this
  // device's timeline, picked by the viewer: the first session ended when the page was left, the
  // next ones as time went on and the user changed, and alice's open.
  await dashboard.click(`#devices tbody tr[data-id="${device}"]`);
  await eventually(async () => {
    const ids = await dashboard.evaluate(() => [...document.querySelectorAll('svg rect.session')].map((r) => r.textContent.split('\n')[0]));
    assert.ok([first, second, alice].every((id) => ids.includes(id)), `${ids}`);
  }, { timeout: 8000 });
  const shots = process.env.SCREENSHOTS ?? join(ROOT, 'target/screenshots');
  mkdirSync(shots, { recursive: true });
  await dashboard.screenshot({ path: join(shots, 'dashboard.png'), fullPage: true });
  assert.deepEqual([...problems(page), ...problems(dashboard)], []);
  await site.close();
  await board.close();
});

test('the demo site fits a phone: no horizontal scroll at 390 pixels, nothing clipped', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  for (const path of ['/www/', '/www/pricing.html', `/www/dashboard.html#token=${collector.token}`]) {
    const page = await visit(context, path);
    await page.waitForTimeout(800);
    const fit = await page.evaluate(() => ({
      page: [document.documentElement.scrollWidth, innerWidth],
      // What reaches past the screen, and what hides part of itself (a <pre> scrolls, by design).
      past: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > innerWidth + 1).map((e) => e.tagName),
      cut: [...document.querySelectorAll('body *')].filter((e) => e.tagName !== 'PRE' && /hidden|auto|scroll/.test(getComputedStyle(e).overflowX)
        && e.scrollWidth > e.clientWidth + 1).map((e) => `${e.tagName}#${e.id}.${e.className}`),
      // Numbered lists whose markers an overflowing box would clip are numbered inside it.
      markers: [...document.querySelectorAll('ol')].map((ol) => getComputedStyle(ol).listStylePosition),
    }));
    assert.ok(fit.page[0] <= fit.page[1], `${path}: ${fit.page[0]} px wide on a ${fit.page[1]} px screen`);
    assert.deepEqual(fit.past, [], path);
    assert.deepEqual(fit.cut, [], path);
    assert.ok(fit.markers.every((p) => p === 'inside'), `${path}: ${fit.markers}`);
  }
  await context.close();
});
