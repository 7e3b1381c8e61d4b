// SDK authentication end to end (docs/design.md sections 5 and 6): the page's SDK signs its
// requests with the JWT the site's server made for the user; the real collector, given the
// public key, refuses an expired signature and one for another user, the page hears of each
// refusal, gives a fresh signature, and every datapoint arrives, signed, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, startCollector, startServer, openSdkPage, eventually } from './harness.mjs';

const KEY = 'key-signed';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64 = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
// What the site's server does: an RS256 JWT for `sub`, expiring `exp` seconds from now.
function jwt(sub, exp) {
  const body = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64({ sub, exp: Math.floor(Date.now() / 1000) + exp })}`;
  return `${body}.${sign('sha256', Buffer.from(body), privateKey).toString('base64url')}`;
}

// The site (the repository's test pages) on one origin, the collector on another: the requests
// and their signature headers cross origins as on a real site.
let collector, site, browser;
before(async () => {
  site = await startServer();
  const file = join(mkdtempSync(join(tmpdir(), 'sdk-auth-')), 'public.pem');
  writeFileSync(file, publicKey.export({ type: 'spki', format: 'pem' }));
  collector = await startCollector(['--sdk-auth-public-key', `${KEY}=${file}`]);
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await collector?.close(); await site?.close(); });

const read = async (path) => (await fetch(`${collector.url}${path}`, { headers: { Authorization: `Bearer ${collector.token}` } })).json();
// Waits until the page's subscriber has heard exactly `expected`.
const refusals = (page, expected) => eventually(async () => assert.deepEqual(await page.evaluate(() => window.failures), expected));
const flush = (page) => page.evaluate(() => new Promise((resolve) => appboy.requestImmediateDataFlush(resolve)));

test('an expired signature and one for another user are refused, the page is told, and a fresh one recovers everything', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, site);
  const expired = jwt('alice', -60);
  await page.evaluate(({ key, expired, baseUrl }) => {
    window.failures = [];
    appboy.initialize(key, { baseUrl, enableSdkAuthentication: true });
    appboy.subscribeToSdkAuthenticationFailures((f) => window.failures.push(f));
    appboy.changeUser('alice', expired);
    appboy.openSession();
  }, { key: KEY, expired, baseUrl: collector.url });
  const alice = await page.evaluate(() => appboy.getSessionId());
  // The flush that follows new datapoints by a second is refused; an explicit flush then sends
  // again (docs/design.md section 5) and is refused again. Waiting for the first refusal keeps
  // the count exact however slowly the machine runs the test.
  const aliceRefused = { signature: expired, errorCode: 22, reason: 'EXPIRED', userId: 'alice' };
  await refusals(page, [aliceRefused]);
  assert.equal(await flush(page), false, 'refused');
  assert.deepEqual(await page.evaluate(() => window.failures), [aliceRefused, aliceRefused]);
  assert.deepEqual(await read(`/api/v3/sessions?api_key=${KEY}`), [], 'nothing stored unsigned');

  // A fresh signature: the held request goes again by itself.
  await page.evaluate((s) => appboy.setSdkAuthenticationSignature(s), jwt('alice', 600));
  await eventually(async () => assert.deepEqual((await read(`/api/v3/sessions?api_key=${KEY}&user_id=alice`)).map((s) => s.session_id), [alice]));

  // Bob, given Alice's signature: refused as another user's; his own recovers it.
  const aliceForBob = jwt('alice', 600);
  await page.evaluate((s) => appboy.changeUser('bob', s), aliceForBob);
  const bob = await page.evaluate(() => appboy.getSessionId());
  const bobRefused = { signature: aliceForBob, errorCode: 21, reason: 'SUBJECT_MISMATCH', userId: 'bob' };
  await refusals(page, [aliceRefused, aliceRefused, bobRefused]);
  assert.equal(await flush(page), false);
  assert.deepEqual(await page.evaluate(() => window.failures), [aliceRefused, aliceRefused, bobRefused, bobRefused]);
  await page.evaluate((s) => appboy.setSdkAuthenticationSignature(s), jwt('bob', 600));
  await eventually(async () => {
    const sessions = await read(`/api/v3/sessions?api_key=${KEY}`);
    assert.deepEqual(sessions.map((s) => [s.session_id, s.user_id, s.open]), [[alice, 'alice', false], [bob, 'bob', true]]);
  }, { timeout: 8000 });
  assert.equal(await flush(page), true, 'nothing waits');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('datapoints recorded as the page closes wait for the next page rather than go unsigned', async () => {
  const context = await browser.newContext();
  let page = await openSdkPage(context, site);
  await page.evaluate(({ key, s, baseUrl }) => {
    appboy.initialize(key, { baseUrl, enableSdkAuthentication: true, sessionTimeoutInSeconds: 1 });
    appboy.changeUser('carol', s);
    appboy.openSession();
  }, { key: KEY, s: jwt('carol', 600), baseUrl: collector.url });
  const first = await page.evaluate(() => appboy.getSessionId());
  assert.equal(await flush(page), true);
  // The session times out, and the page closes before its end is sent: no beacon can carry the
  // signature, so the end waits in storage.
  await page.waitForFunction(() => appboy.getSessionId() === undefined, null, { timeout: 5000 });
  await page.close({ runBeforeUnload: true });
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.equal((await read(`/api/v3/sessions?api_key=${KEY}&user_id=carol`))[0].open, true, 'the end did not go unsigned');
  page = await openSdkPage(context, site);
  await page.evaluate(({ key, s, baseUrl }) => {
    appboy.initialize(key, { baseUrl, enableSdkAuthentication: true });
    appboy.changeUser('carol', s);
  }, { key: KEY, s: jwt('carol', 600), baseUrl: collector.url });
  await eventually(async () => {
    const [session] = await read(`/api/v3/sessions?api_key=${KEY}&user_id=carol`);
    assert.deepEqual([session.session_id, session.open], [first, false]);
  }, { timeout: 8000 });
  assert.deepEqual(page.errors, []);
  await context.close();
});
