// What the SDK says to a developer (docs/design.md section 2): each message says what happened
// and what to do, and nothing is thrown. With logging off, a call before initialize() is said once
// a page, and a baseUrl that is no address refuses initialize and names the option; with logging
// on, a failed send names the address and the cause (the status, a network error, or no answer
// in 30 s).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openSdkPage, eventually } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const appboyLines = (page) => page.logs.filter((l) => l.includes('Appboy:'));

test('a call before initialize() is said once, as a warning, with logging off', async () => {
  const page = await openSdkPage(await browser.newContext(), server);
  await page.evaluate(() => { appboy.openSession(); appboy.changeUser('early'); appboy.getSessionId(); });
  await eventually(() => assert.equal(appboyLines(page).length, 1));
  assert.match(appboyLines(page)[0], /^warning: Appboy: openSession\(\) was called before initialize\(\): .*call appboy\.initialize\(apiKey, options\) first/);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(appboyLines(page).length, 1, 'once a page');
  assert.deepEqual(page.errors, []);
});

test('a baseUrl that is not an address: initialize is false and the error names the option', async () => {
  const page = await openSdkPage(await browser.newContext(), server);
  const result = await page.evaluate(() => appboy.initialize('key-bad-base', { baseUrl: 'not a url at all' }));
  assert.equal(result, false);
  await eventually(() => assert.ok(appboyLines(page).some((l) => l.startsWith('error: Appboy: initialize(): baseUrl "not a url at all" is not an address')), appboyLines(page).join('\n')));
  assert.equal(await page.evaluate(() => appboy.isInitialized()), false);
  assert.deepEqual(page.errors, []);
});

test('a failed send names the address and the cause: the status, a network error, no answer in 30 s', async () => {
  const context = await browser.newContext();
  await context.clock.install({ time: Date.UTC(2026, 0, 1) });
  const page = await openSdkPage(context, server);
  const flush = () => page.evaluate(() => new Promise((resolve) => appboy.requestImmediateDataFlush(resolve)));
  const said = (pattern) => eventually(() => assert.ok(appboyLines(page).some((l) => pattern.test(l)), appboyLines(page).join('\n')));

  server.respond = (req, body) => (JSON.parse(body).api_key === 'key-messages' ? 503 : null);
  await page.evaluate((baseUrl) => { appboy.initialize('key-messages', { baseUrl, enableLogging: true }); appboy.openSession(); }, server.url);
  assert.equal(await flush(), false);
  await said(new RegExp(`^warning: Appboy: sending to ${server.url}/api/v3/data/ failed: the endpoint answered 503; will try again`));

  server.respond = () => ({ hang: true });
  const hung = flush();
  await page.clock.runFor(31_000);
  assert.equal(await hung, false);
  await said(/failed: no answer within 30 s; will try again/);

  // A network error: the endpoint's address refuses connections.
  const refused = await openSdkPage(context, server);
  await refused.evaluate(() => { appboy.initialize('key-refused-port', { baseUrl: 'http://127.0.0.1:9', enableLogging: true }); appboy.openSession(); });
  assert.equal(await refused.evaluate(() => new Promise((resolve) => appboy.requestImmediateDataFlush(resolve))), false);
  await eventually(() => assert.ok(appboyLines(refused).some((l) => /^warning: Appboy: sending to http:\/\/127\.0\.0\.1:9\/api\/v3\/data\/ failed: a network error/.test(l)), appboyLines(refused).join('\n')));
  server.respond = null;
  assert.deepEqual([...page.errors, ...refused.errors], []);
  await context.close();
});
