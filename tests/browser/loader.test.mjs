// The loader for plain pages (pkg/appboy-loader.js): `appboy` exists at once, calls made before
// the module loads are replayed in order, and a module that fails to load throws nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, eventually } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const open = (context, path) => openPage(context, `${server.url}/tests/browser/fixtures/${path}`);

test('calls made before the module loaded are replayed in order; later calls go straight through', async () => {
  const context = await browser.newContext();
  const page = await open(context, 'loader.html');
  // Methods exist at once; the stub is no thenable (awaiting it must not hang).
  assert.deepEqual(await page.evaluate(() => window.early), ['function', undefined, 'undefined']);
  await page.waitForFunction(() => window.appboy.loaded === true);
  const state = await page.evaluate(() => ({ user: appboy.getUserId(), session: appboy.getSessionId(), viaStub: window.kept.getSessionId() }));
  assert.equal(state.user, 'early-user', 'changeUser was replayed before openSession');
  assert.ok(state.session);
  assert.equal(state.viaStub, state.session);
  await page.evaluate(() => { appboy.changeUser('later-user'); appboy.requestImmediateDataFlush(); });
  await eventually(() => {
    const ss = server.stored('ss').filter((d) => d.user_id === 'early-user' || d.user_id === 'later-user');
    assert.deepEqual(ss.map((d) => d.user_id).sort(), ['early-user', 'later-user']);
  });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a module that cannot be loaded leaves a stub that accepts every call and throws nothing', async () => {
  const context = await browser.newContext();
  const page = await open(context, 'loader-broken.html');
  await page.waitForFunction(() => window.done === true);
  assert.equal(await page.evaluate(() => appboy.loaded), false);
  assert.deepEqual(page.errors, []);
  await context.close();
});
