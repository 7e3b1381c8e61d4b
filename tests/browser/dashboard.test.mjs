// The dashboard on a real site's data (issue 13): 10,000+ sessions of named users over 30 days,
// sent to the real collector. The chart covers every day, the lists are searchable, a user's
// timeline shows their sessions with the open ones marked, nothing reads NaN, and a phone can use
// it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { launchBrowser, startCollector, openPage, eventually, ROOT } from './harness.mjs';

const KEY = 'site-key';
// Where the pictures go: target/screenshots, or docs/ for the README (scripts/screenshots.sh).
const shots = process.env.SCREENSHOTS ?? join(ROOT, 'target/screenshots');
const DAYS = 30;
const USERS = 400;
let collector, browser;
const sessionsOf = new Map();  // user → [{ id, open }]

before(async () => {
  collector = await startCollector();
  browser = await launchBrowser();
  // Sessions on each of the 30 days before today (UTC), whatever the time of day the test runs:
  // named users (and some anonymous ones), each on a device or two, lasting seconds to an hour;
  // the last session of one user in ten still open.
  const now = Date.now() / 1000;
  const first = Math.floor(now / 86400) * 86400 - DAYS * 86400;
  const devices = Array.from({ length: USERS }, () => [randomUUID(), randomUUID()]);
  let events = [];
  const send = async () => {
    const byDevice = new Map();
    for (const e of events) byDevice.set(e.device, [...(byDevice.get(e.device) ?? []), e]);
    for (const [device, list] of byDevice) {
      for (let i = 0; i < list.length; i += 1000) {
        const body = { api_key: KEY, time: now, sdk_version: '0.1.0', device_id: device, events: list.slice(i, i + 1000).map(({ device: _, ...e }) => e) };
        const response = await fetch(`${collector.url}/api/v3/data/`, { method: 'POST', body: JSON.stringify(body) });
        assert.equal(response.status, 200, await response.text());
      }
    }
    events = [];
  };
  let count = 0;
  for (let u = 0; u < USERS; u++) {
    const user = u % 20 === 19 ? null : `user-${String(u).padStart(3, '0')}`;
    const mine = sessionsOf.get(user) ?? [];
    sessionsOf.set(user, mine);
    for (let s = 0; s < 26; s++) {
      const id = randomUUID();
      const t = first + ((u + s) % DAYS) * 86400 + (u * 3613 + s * 977) % 80_000;
      const duration = 5 + ((u * 7 + s * 13) % 3600);
      const device = devices[u][s % 2];
      const open = s === 25 && u % 10 === 0;
      events.push({ device, name: 'ss', time: t, session_id: id, data: {}, ...(user && { user_id: user }) });
      if (!open) events.push({ device, name: 'se', time: t + duration, session_id: id, data: { d: duration }, ...(user && { user_id: user }) });
      mine.push({ id, open });
      count++;
    }
    if (events.length > 5000) await send();
  }
  await send();
  assert.ok(count >= 10_000, `${count} sessions`);
});
after(async () => { await browser?.close(); await collector?.close(); });

const noNaN = (page) => page.evaluate(() => {
  const texts = [document.body.innerText, ...[...document.querySelectorAll('svg text, svg title')].map((n) => n.textContent)];
  return texts.filter((t) => /NaN|undefined|Infinity/.test(t));
});

test('10,000 sessions over 30 days: the chart, the lists, search, a user\'s timeline, no NaN', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 1000 } });
  const page = await openPage(context, `${collector.url}/www/dashboard.html?api_key=${KEY}#token=${collector.token}`);
  await eventually(async () => assert.equal(await page.locator('rect.day').count(), DAYS), { timeout: 15_000 });
  const perDay = await page.evaluate(() => [...document.querySelectorAll('rect.day title')].map((t) => t.textContent));
  const total = perDay.reduce((sum, t) => sum + Number(t.match(/: ([\d,]+) sessions/)[1].replace(/,/g, '')), 0);
  assert.equal(total, [...sessionsOf.values()].flat().length, 'every session counted on its day');
  assert.equal(await page.textContent('#users-count'), `50 of ${sessionsOf.size}`);
  assert.deepEqual(await noNaN(page), []);

  // Search, then one user's timeline: each of their sessions, the open one marked.
  await page.fill('#search', 'USER-010');
  await eventually(async () => assert.equal(await page.locator('#users tbody tr').count(), 1));
  await page.click('#users tbody tr');
  const mine = sessionsOf.get('user-010');
  await eventually(async () => {
    assert.equal(await page.textContent('#selected'), 'user user-010');
    const bars = await page.evaluate(() => [...document.querySelectorAll('svg rect.session')].map((r) => [r.textContent.split('\n')[0], r.classList.contains('open')]));
    assert.deepEqual(bars.sort(), mine.map((s) => [s.id, s.open]).sort());
  });
  assert.deepEqual(await noNaN(page), []);
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, 'dashboard-site.png'), fullPage: true });
  assert.deepEqual([...page.errors, ...page.logs.filter((l) => l.startsWith('error'))], []);
  await context.close();
});

test('on a phone: nothing wider than the screen, the lists and the timeline still there', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await openPage(context, `${collector.url}/www/dashboard.html?api_key=${KEY}#token=${collector.token}`);
  await eventually(async () => assert.ok((await page.locator('svg rect.session').count()) > 0), { timeout: 15_000 });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide on a ${widths[1]} px screen`);
  assert.deepEqual(await noNaN(page), []);
  await page.screenshot({ path: join(shots, 'dashboard-phone.png'), fullPage: true });
  await context.close();
});
