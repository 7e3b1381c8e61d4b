// The collector on PostgreSQL while the database goes away and comes back (docs/design.md, "The
// collector"): an SDK page keeps sending; /readyz follows the database; the data endpoint answers
// 503 with Retry-After, never 500; once the database is back, the SDK's retries store every
// datapoint exactly once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, startCollector, startPostgres, startServer, openSdkPage, eventually } from './harness.mjs';

const KEY = 'key-outage';
let postgres, collector, site, browser;
before(async () => {
  postgres = await startPostgres();
  collector = await startCollector(['--db', postgres.database('outage')]);
  site = await startServer();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.close(); await site?.close(); postgres?.close(); });

const owner = (path) => fetch(`${collector.url}${path}`, { headers: { Authorization: `Bearer ${collector.token}` } });
const ready = async () => (await fetch(`${collector.url}/readyz`)).status;
const flush = (page) => page.evaluate(() => new Promise((resolve) => appboy.requestImmediateDataFlush(resolve)));
const stored = async () => {
  const scrape = await (await owner('/metrics')).text();
  return Number(scrape.match(/^collector_datapoints_total\{outcome="stored"\} (\d+)/m)?.[1] ?? 0);
};

test('PostgreSQL stopped and started under a running collector: readiness follows, and nothing is lost or doubled', async () => {
  const page = await openSdkPage(await browser.newContext(), site);
  await page.evaluate(({ key, baseUrl }) => { appboy.initialize(key, { baseUrl }); appboy.openSession(); }, { key: KEY, baseUrl: collector.url });
  const first = await page.evaluate(() => appboy.getSessionId());
  assert.equal(await flush(page), true);
  assert.equal(await ready(), 200);

  postgres.down();
  await eventually(async () => assert.equal(await ready(), 503), { timeout: 5000 });
  const direct = await fetch(`${collector.url}/api/v3/data/`, {
    method: 'POST', body: JSON.stringify({ api_key: KEY, device_id: 'd', events: [{ name: 'ss', time: 1, session_id: 's', data: {} }] }),
  });
  assert.equal(direct.status, 503, await direct.text());
  assert.match(direct.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
  // Two more sessions while the database is away: each change of user ends one and opens one.
  await page.evaluate(() => appboy.changeUser('alice'));
  const second = await page.evaluate(() => appboy.getSessionId());
  assert.equal(await flush(page), false, 'not stored while the database is down');
  await page.evaluate(() => appboy.changeUser('bob'));
  const third = await page.evaluate(() => appboy.getSessionId());

  postgres.up();
  await eventually(async () => assert.equal(await ready(), 200), { timeout: 10_000 });
  // The SDK sends again by itself, after the Retry-After it was given.
  await eventually(async () => {
    const sessions = await (await owner(`/api/v3/sessions?api_key=${KEY}`)).json();
    assert.deepEqual(sessions.map((s) => [s.session_id, s.open]), [[first, false], [second, false], [third, true]]);
  }, { timeout: 60_000 });
  // ss and se of the first two sessions, ss of the third: five datapoints, each stored once
  // (the SDK's retries, if any, counted as duplicates).
  assert.equal(await stored(), 5);
  assert.deepEqual(page.errors, []);
});
