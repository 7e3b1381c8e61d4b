// The packed package under the server-side runtimes (tests/runtimes/run.sh installs the tarball
// here): importing it and calling every function throws nothing, stores nothing, sends nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = (name) => `${here}node_modules/.bin/${name}`;
const RUNTIMES = {
  node: [process.execPath, ['ssr.mjs']],
  deno: [bin('deno'), ['run', '--allow-read', '--allow-env', 'ssr.mjs']],
  bun: [bin('bun'), ['ssr.mjs']],
};

for (const [name, [command, args]] of Object.entries(RUNTIMES)) {
  test(`${name}: import and every function, nothing thrown, stored or sent`, () => {
    const out = execFileSync(command, args, { cwd: here, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
    const result = JSON.parse(out.trim().split('\n').pop());
    assert.deepEqual(result.thrown, []);
    assert.equal(result.answers.initialize, false, 'nothing is initialized on a server');
    assert.deepEqual(result.answers.ids, [null, null, null], 'getters answer undefined');
    assert.deepEqual([result.answers.ready, result.answers.init], [false, false]);
    assert.deepEqual(result.answers.flushed, [true, true], 'the flush callback: true, and not synchronously');
    assert.deepEqual([result.answers.braze, result.answers.isDisabled], [true, false]);
    assert.ok(result.answers.functions.length >= 13, result.answers.functions.join());
    assert.equal(result.fetches, 0);
    assert.ok(result.stored === null || result.stored === 0, `stored ${result.stored}`);
  });
}
