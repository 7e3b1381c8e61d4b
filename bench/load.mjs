// The collector under load (issue 13): CLIENTS concurrent clients post realistic batches (each a
// device's sessions: ss and se datapoints, some custom events; one batch in ten sent again, as a
// client retrying after a lost answer does) to one collector on SQLite, one on PostgreSQL, and two
// on one PostgreSQL database (clients alternating between them, as behind a load balancer).
// Prints requests/s, datapoints/s, p50 and p99 latency, and checks that what the collector stored
// equals the distinct datapoints sent: nothing lost, nothing doubled.
//
// Two builds are compared by alternating them within one run (issue item 7): each setup is run
// ROUNDS times per build, the builds in turn (A B, then B A, so neither is always first), each run
// on a fresh database; per build and setup it prints the median requests/s with its min-max
// spread, the median p50 and p99, and the ratio of the first build's median to the second's. Runs
// minutes apart on a shared machine are not comparable; runs interleaved like this are.
//
// Usage: node bench/load.mjs <postgres server URL> <name>=<collector binary> [<name>=<binary>]
//        node bench/load.mjs <collector binary> <postgres server URL>   (one build, as before)
//   (scripts/load.sh runs it.) LOAD_CLIENTS (32), LOAD_BATCHES per client (300), LOAD_EVENTS per
//   batch (10), LOAD_ROUNDS per setup and build (5), LOAD_SETUPS (sqlite,postgres,two: which
//   setups); LOAD_WAITS=1 samples what PostgreSQL's active backends wait on during each run
//   (every 100 ms) and prints the commonest; then the dashboard's reads timed on a million
//   datapoints on each database, with the first build (LOAD_QUERIES=0 skips them).
import http from 'node:http';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

let postgres;
const builds = [];
for (const arg of process.argv.slice(2)) {
  if (/^postgres(ql)?:\/\//.test(arg)) postgres = arg;
  else {
    const named = arg.match(/^([^=/]+)=(.+)$/);
    builds.push(named ? { name: named[1], binary: named[2] } : { name: 'collector', binary: arg });
  }
}
if (!postgres || builds.length < 1 || builds.length > 2) {
  console.error('usage: node bench/load.mjs <postgres server URL> <name>=<collector binary> [<name>=<binary>]');
  process.exit(2);
}
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 32);
const BATCHES = Number(process.env.LOAD_BATCHES ?? 300);
const EVENTS = Number(process.env.LOAD_EVENTS ?? 10);
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 5);
const SETUPS = (process.env.LOAD_SETUPS ?? 'sqlite,postgres,two').split(',');
const WAITS = process.env.LOAD_WAITS === '1';
const TOKEN = `load-${randomUUID()}`;

async function startCollector(binary, db) {
  const child = spawn(binary, ['--port', '0', '--db', db, '--rate-limit', '1000000000'], {
    stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, COLLECTOR_ADMIN_TOKEN: TOKEN, RUST_LOG: 'warn' },
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; const m = out.match(/listening on http:\/\/(\S+)/); if (m) resolve(m[1]); });
    child.on('exit', (code) => reject(new Error(`the collector exited with ${code}`)));
  });
  const [host, port] = url.split(':');
  return { host, port: Number(port), pid: child.pid, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill(); }) };
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
  const cpuBefore = servers.reduce((sum, s) => sum + cpu(s.pid), 0);
  const pgBefore = PG_PID ? cpu(PG_PID, true) : NaN;
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
  const collectorCpu = (servers.reduce((sum, s) => sum + cpu(s.pid), 0) - cpuBefore) / requests;
  const pgCpu = (PG_PID ? cpu(PG_PID, true) - pgBefore : NaN) / requests;
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
  return { requests, seconds, rps: requests / seconds, dps: datapoints / seconds, p50: pct(0.5), p99: pct(0.99), collectorCpu, pgCpu, exact, stored,
    sent: { ss: sent.ss.size, se: sent.se.size, other: sent.other.size } };
}

// CPU time (ms) a process has used (Linux), with, for `children`, what its children used: live
// ones read directly, ended ones counted by the kernel in the parent's. The collectors' and
// PostgreSQL's CPU per request compare builds with less noise than their speed on a shared
// machine. PostgreSQL's is the server's every process (LOAD_PG_PID: its postmaster, which
// scripts/load.sh passes).
const TICK = 10;
function cpu(pid, children = false) {
  try {
    const fields = (text) => text.slice(text.lastIndexOf(')') + 2).split(' ');
    const own = fields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    // After the ')': state ppid ... utime (index 11), stime, cutime, cstime.
    let ticks = Number(own[11]) + Number(own[12]);
    if (children) {
      ticks += Number(own[13]) + Number(own[14]);
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const f = fields(readFileSync(`/proc/${entry}/stat`, 'utf8'));
          if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12]);
        } catch { /* ended meanwhile */ }
      }
    }
    return ticks * TICK;
  } catch {
    return NaN;
  }
}
const PG_PID = Number(process.env.LOAD_PG_PID ?? 0);

// What PostgreSQL's active backends of `db` are doing, sampled every 100 ms through one psql:
// counts of "wait event | statement" (CPU: running, no wait).
function sampleWaits(db) {
  const psql = spawn('psql', [`${postgres}/postgres`, '-AtqX', '-F', ' | '], { stdio: ['pipe', 'pipe', 'ignore'] });
  const counts = new Map();
  let samples = 0;
  let buffer = '';
  psql.stdout.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop();
    for (const line of lines) {
      if (line === '--') samples++;
      else if (line) counts.set(line, (counts.get(line) ?? 0) + 1);
    }
  });
  const query = `SELECT COALESCE(wait_event_type || ':' || wait_event, 'CPU'), LEFT(REGEXP_REPLACE(query, '\\s+', ' ', 'g'), 60)
    FROM pg_stat_activity WHERE datname = '${db}' AND state = 'active' AND pid <> pg_backend_pid();\n\\echo --\n`;
  const timer = setInterval(() => psql.stdin.write(query), 100);
  return () => new Promise((resolve) => {
    clearInterval(timer);
    psql.once('exit', () => resolve({ samples, counts }));
    psql.stdin.end('\\q\n');
  });
}

const dir = mkdtempSync(join(tmpdir(), 'load-'));
const setups = {
  sqlite: { label: 'one collector, SQLite', count: 1, sqlite: true },
  postgres: { label: 'one collector, PostgreSQL', count: 1 },
  two: { label: 'two collectors, one PostgreSQL', count: 2 },
};
let serial = 0;
async function runOn(setup, build) {
  serial++;
  if (setup.sqlite) {
    const file = join(dir, `load-${serial}.db`);
    const one = await startCollector(build.binary, file);
    const result = await run(setup.label, [one]);
    await one.stop();
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
    return result;
  }
  const db = `load_${serial}_${Date.now()}`;
  execFileSync('psql', [`${postgres}/postgres`, '-qc', `CREATE DATABASE ${db}`]);
  const servers = [];
  for (let i = 0; i < setup.count; i++) servers.push(await startCollector(build.binary, `${postgres}/${db}`));
  const stopSampling = WAITS ? sampleWaits(db) : null;
  const result = await run(setup.label, servers);
  if (stopSampling) result.waits = await stopSampling();
  for (const s of servers) await s.stop();
  execFileSync('psql', [`${postgres}/postgres`, '-qc', `DROP DATABASE ${db}`]);
  return result;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => `${n.toFixed(1)} ms`;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const cpuText = (r) => `${r.collectorCpu.toFixed(2)} ms${Number.isNaN(r.pgCpu) || r.pgCpu < 0.005 ? '' : ` + PostgreSQL ${r.pgCpu.toFixed(2)} ms`}`;
const spread = (xs, f) => `${f(Math.min(...xs))}–${f(Math.max(...xs))}`;

// results[setup][build] = [run, run, ...], in round order.
const results = {};
const wanted = SETUPS.map((s) => { if (!setups[s]) throw new Error(`LOAD_SETUPS: unknown setup ${s}`); return s; });
for (const s of wanted) results[s] = Object.fromEntries(builds.map((b) => [b.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const s of wanted) {
    for (const build of round % 2 === 0 ? builds : [...builds].reverse()) {
      const r = await runOn(setups[s], build);
      results[s][build.name].push(r);
      console.error(`round ${round + 1}/${ROUNDS}  ${setups[s].label.padEnd(30)}  ${build.name.padEnd(10)}  ${fmt(r.rps).padStart(6)} requests/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  CPU/request ${cpuText(r)}${r.exact ? '' : '  LOST OR DOUBLED'}`);
    }
  }
}

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
  const binary = builds[0].binary;
  console.error(`the dashboard's reads on a million datapoints, ${builds[0].name}`);
  const one = await startCollector(binary, join(dir, 'big.db'));
  big.push(await queries('SQLite', one));
  await one.stop();
  const db = `big_${Date.now()}`;
  execFileSync('psql', [`${postgres}/postgres`, '-qc', `CREATE DATABASE ${db}`]);
  const pg = await startCollector(binary, `${postgres}/${db}`);
  big.push(await queries('PostgreSQL', pg));
  await pg.stop();
  execFileSync('psql', [`${postgres}/postgres`, '-qc', `DROP DATABASE ${db}`]);
}
agent.destroy();
rmSync(dir, { recursive: true, force: true });

const all = Object.values(results).flatMap((byBuild) => Object.values(byBuild).flat());
console.log(`\n${CLIENTS} clients × ${BATCHES} batches of ${EVENTS} datapoints, one batch in ten sent twice; ${ROUNDS} round${ROUNDS === 1 ? '' : 's'} per setup${builds.length > 1 ? `, the builds alternating (${builds.map((b) => b.name).join(' then ')}, then the other way)` : ''}, each run on a fresh database; ${new Date().toISOString().slice(0, 10)}`);
for (const b of builds) console.log(`  ${b.name}: ${b.binary}`);
console.log('\n| setup | build | requests/s, median (min–max) | datapoints/s | p50 | p99, median (min–max) | CPU per request, median | stored = distinct sent |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const s of wanted) {
  for (const b of builds) {
    const runs = results[s][b.name];
    const rps = runs.map((r) => r.rps);
    const p99 = runs.map((r) => r.p99);
    const wrong = runs.filter((r) => !r.exact);
    const exact = wrong.length === 0 ? `yes (${runs.length} of ${runs.length})`
      : `NO in ${wrong.length} of ${runs.length}: stored ${JSON.stringify(wrong[0].stored)}, sent ${JSON.stringify(wrong[0].sent)}`;
    console.log(`| ${setups[s].label} | ${b.name} | ${fmt(median(rps))} (${spread(rps, fmt)}) | ${fmt(median(runs.map((r) => r.dps)))} | ${ms(median(runs.map((r) => r.p50)))} | ${ms(median(p99))} (${spread(p99, (x) => x.toFixed(1))}) | ${cpuText({ collectorCpu: median(runs.map((r) => r.collectorCpu)), pgCpu: median(runs.map((r) => r.pgCpu)) })} | ${exact} |`);
  }
}
if (builds.length === 2) {
  const [a, b] = builds;
  console.log(`\n| setup | requests/s ${a.name}/${b.name}: ratio of medians (round by round, min–max) | p50 ${a.name}/${b.name} | p99 ${a.name}/${b.name} | CPU per request ${a.name}/${b.name} (collector + PostgreSQL) |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const s of wanted) {
    const [ra, rb] = [results[s][a.name], results[s][b.name]];
    const ratio = (f) => median(ra.map(f)) / median(rb.map(f));
    const paired = ra.map((r, i) => r.rps / rb[i].rps);
    const both = (r) => r.collectorCpu + (Number.isNaN(r.pgCpu) ? 0 : r.pgCpu);
    console.log(`| ${setups[s].label} | ${ratio((r) => r.rps).toFixed(3)}x (${spread(paired, (x) => x.toFixed(2))}) | ${ratio((r) => r.p50).toFixed(2)}x | ${ratio((r) => r.p99).toFixed(2)}x | ${ratio(both).toFixed(2)}x |`);
  }
}
if (WAITS) {
  console.log("\nPostgreSQL's active backends, sampled every 100 ms during the runs: the commonest wait (CPU: none) and statement, in backends per sample");
  for (const s of wanted.filter((s) => !setups[s].sqlite)) {
    for (const b of builds) {
      const counts = new Map();
      let samples = 0;
      for (const r of results[s][b.name]) {
        samples += r.waits.samples;
        for (const [k, n] of r.waits.counts) counts.set(k, (counts.get(k) ?? 0) + n);
      }
      const total = [...counts.values()].reduce((x, y) => x + y, 0);
      console.log(`\n${setups[s].label}, ${b.name}: ${(total / Math.max(samples, 1)).toFixed(2)} active backends on average over ${samples} samples`);
      for (const [k, n] of [...counts].sort((x, y) => y[1] - x[1]).slice(0, 8)) console.log(`  ${(n / Math.max(samples, 1)).toFixed(2)}  ${k}`);
    }
  }
}
if (big.length) {
  const names = Object.keys(big[0].timed);
  console.log(`\nThe dashboard's reads on 1,000,000 datapoints (500,000 sessions, 10,000 users, 30 days), ${builds[0].name}, median of 5:\n`);
  console.log(`| database | loaded in | ${names.join(' | ')} |`);
  console.log(`| --- | --- | ${names.map(() => '---').join(' | ')} |`);
  for (const r of big) console.log(`| ${r.label} | ${r.loaded.toFixed(0)} s | ${names.map((n) => `${r.timed[n].toFixed(0)} ms`).join(' | ')} |`);
}
if (!all.every((r) => r.exact)) process.exit(1);
