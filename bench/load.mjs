// The collector under load (issue 13): CLIENTS concurrent clients post realistic batches (each a
// device's sessions: ss and se datapoints, some custom events; one batch in ten sent again, as a
// client retrying after a lost answer does) to one collector on SQLite, one on PostgreSQL, and two
// on one PostgreSQL database (clients alternating between them, as behind a load balancer).
// Prints requests/s, datapoints/s, p50 and p99 latency, and checks that what the collector stored
// equals the distinct datapoints sent: nothing lost, nothing doubled.
// Usage: node bench/load.mjs <collector binary> <postgres server URL>  (scripts/load.sh runs it)
//   LOAD_CLIENTS (32), LOAD_BATCHES per client (300), LOAD_EVENTS per batch (10); then the
//   dashboard's reads timed on a million datapoints on each database (LOAD_QUERIES=0 skips them).
import http from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const [binary, postgres] = process.argv.slice(2);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 32);
const BATCHES = Number(process.env.LOAD_BATCHES ?? 300);
const EVENTS = Number(process.env.LOAD_EVENTS ?? 10);
const TOKEN = `load-${randomUUID()}`;

async function startCollector(db) {
  const child = spawn(binary, ['--port', '0', '--db', db, '--rate-limit', '1000000000'], {
    stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, COLLECTOR_ADMIN_TOKEN: TOKEN, RUST_LOG: 'warn' },
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; const m = out.match(/listening on http:\/\/(\S+)/); if (m) resolve(m[1]); });
    child.on('exit', (code) => reject(new Error(`the collector exited with ${code}`)));
  });
  const [host, port] = url.split(':');
  return { host, port: Number(port), stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill(); }) };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
function request(server, method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: server.host, port: server.port, method, path, agent,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// One client's batches: a device with sessions, each an ss, some custom events and an se.
function batches(key, client) {
  const device = randomUUID();
  const out = [];
  let t = 1_767_225_600 + client * 1000;
  let session = null;
  for (let b = 0; b < BATCHES; b++) {
    const events = [];
    while (events.length < EVENTS) {
      if (!session) { session = randomUUID(); events.push({ name: 'ss', time: t, session_id: session, data: {} }); }
      else if (Math.random() < 0.2) { events.push({ name: 'se', time: t, session_id: session, data: { d: 30 } }); session = null; }
      else events.push({ name: 'ce', time: t, session_id: session, data: { n: 'clicked', p: { i: events.length } } });
      t += 1.5;
    }
    out.push(JSON.stringify({ api_key: key, time: t, sdk_version: '0.1.0', device_id: device, user_id: `user-${client}`, events }));
  }
  return out;
}

async function run(label, servers) {
  const key = `load-${label.replace(/\W+/g, '-')}`;
  const work = Array.from({ length: CLIENTS }, (_, c) => batches(key, c));
  const latencies = [];
  let requests = 0;
  const started = performance.now();
  await Promise.all(work.map(async (list, c) => {
    for (let i = 0; i < list.length; i++) {
      const server = servers[(c + i) % servers.length];
      for (const body of Math.random() < 0.1 ? [list[i], list[i]] : [list[i]]) {
        const t0 = performance.now();
        const answer = await request(server, 'POST', '/api/v3/data/', body);
        latencies.push(performance.now() - t0);
        requests++;
        if (answer.status !== 200) throw new Error(`${answer.status} ${answer.text}`);
      }
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  // What was sent, distinct: sessions (ss/se) and other datapoints.
  const sent = { ss: new Set(), se: new Set(), other: new Set() };
  for (const list of work) for (const body of list) for (const e of JSON.parse(body).events) {
    (e.name === 'ce' ? sent.other : sent[e.name]).add(e.name === 'ce' ? `${e.session_id} ${e.time}` : e.session_id);
  }
  const sessions = JSON.parse((await request(servers[servers.length - 1], 'GET', `/api/v3/sessions?api_key=${key}`)).text);
  const others = JSON.parse((await request(servers[servers.length - 1], 'GET', `/api/v3/events?api_key=${key}`)).text);
  const stored = { ss: sessions.filter((s) => s.start != null).length, se: sessions.filter((s) => !s.open).length, other: others.length };
  const exact = stored.ss === sent.ss.size && stored.se === sent.se.size && stored.other === sent.other.size;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const datapoints = requests * EVENTS;
  return { label, requests, seconds, rps: requests / seconds, dps: datapoints / seconds, p50: pct(0.5), p99: pct(0.99), exact, stored, sent };
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'load-'));
{
  const one = await startCollector(join(dir, 'load.db'));
  results.push(await run('one collector, SQLite', [one]));
  await one.stop();
}
for (const [label, count] of [['one collector, PostgreSQL', 1], ['two collectors, one PostgreSQL', 2]]) {
  const db = `load_${count}_${Date.now()}`;
  execFileSync('psql', [`${postgres}/postgres`, '-qc', `CREATE DATABASE ${db}`]);
  const servers = [];
  for (let i = 0; i < count; i++) servers.push(await startCollector(`${postgres}/${db}`));
  results.push(await run(label, servers));
  for (const s of servers) await s.stop();
}
agent.destroy();

// The dashboard's reads on a million datapoints (500,000 sessions of 10,000 users on 20,000
// devices over 30 days), on each database: the median of five of each.
async function queries(label, server) {
  const key = 'big';
  const start = 1_767_225_600;
  const bodies = [];
  for (let b = 0; b < 1000; b++) {
    const events = [];
    for (let i = 0; i < 500; i++) {
      const n = b * 500 + i;
      const session = `s-${n}`;
      const user = `user-${n % 10_000}`;
      const t = start + (n * 5.184) % (30 * 86400);
      events.push({ name: 'ss', time: t, session_id: session, data: {}, user_id: user }, { name: 'se', time: t + 60 + (n % 600), session_id: session, data: { d: 60 + (n % 600) }, user_id: user });
    }
    bodies.push(JSON.stringify({ api_key: key, time: start, sdk_version: '0.1.0', device_id: `device-${b % 20}-${b}`, events }));
  }
  const loading = performance.now();
  for (let i = 0; i < bodies.length; i += CLIENTS) {
    await Promise.all(bodies.slice(i, i + CLIENTS).map(async (body) => {
      const answer = await request(server, 'POST', '/api/v3/data/', body);
      if (answer.status !== 200) throw new Error(`${answer.status} ${answer.text}`);
    }));
  }
  const loaded = (performance.now() - loading) / 1000;
  const timed = {};
  for (const [name, path] of [['usage', `/api/v3/usage?api_key=${key}&limit=50`], ['usage, searched', `/api/v3/usage?api_key=${key}&limit=50&q=user-42`],
    ['daily', `/api/v3/daily?api_key=${key}`], ["one user's sessions", `/api/v3/sessions?api_key=${key}&user_id=user-4242`]]) {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const answer = await request(server, 'GET', path);
      if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
      times.push(performance.now() - t0);
    }
    timed[name] = times.sort((a, b) => a - b)[2];
  }
  return { label, loaded, timed };
}

const big = [];
if (process.env.LOAD_QUERIES !== '0') {
  const one = await startCollector(join(dir, 'big.db'));
  big.push(await queries('SQLite', one));
  await one.stop();
  const db = `big_${Date.now()}`;
  execFileSync('psql', [`${postgres}/postgres`, '-qc', `CREATE DATABASE ${db}`]);
  const pg = await startCollector(`${postgres}/${db}`);
  big.push(await queries('PostgreSQL', pg));
  await pg.stop();
}

console.log(`\n${CLIENTS} clients × ${BATCHES} batches of ${EVENTS} datapoints, one batch in ten sent twice; ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| setup | requests | requests/s | datapoints/s | p50 | p99 | stored = distinct sent |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.label} | ${r.requests} in ${r.seconds.toFixed(1)} s | ${Math.round(r.rps)} | ${Math.round(r.dps)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.exact ? 'yes' : `NO: stored ${JSON.stringify(r.stored)}, sent ss ${r.sent.ss.size} se ${r.sent.se.size} other ${r.sent.other.size}`} |`);
}
if (big.length) {
  const names = Object.keys(big[0].timed);
  console.log(`\nThe dashboard's reads on 1,000,000 datapoints (500,000 sessions, 10,000 users, 30 days), median of 5:\n`);
  console.log(`| database | loaded in | ${names.join(' | ')} |`);
  console.log(`| --- | --- | ${names.map(() => '---').join(' | ')} |`);
  for (const r of big) console.log(`| ${r.label} | ${r.loaded.toFixed(0)} s | ${names.map((n) => `${r.timed[n].toFixed(0)} ms`).join(' | ')} |`);
}
if (!results.every((r) => r.exact)) process.exit(1);
