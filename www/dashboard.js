// The App Usage dashboard, for sites with real traffic: sessions per day and their median length
// (/api/v3/daily), the users and devices (/api/v3/usage: searchable, the most recently active
// first, their Sessions count, total and median duration), and the timeline of the one selected
// (/api/v3/sessions of that user or device): one bar per session, open ones drawn up to now and
// marked. Every figure that may be missing is shown as a dash, never as NaN.
import { read as json, setToken, token, Unauthorized } from '/www/token.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const picker = $('key');
const LIST = 50;

const number = (n) => (Number.isFinite(n) ? n.toLocaleString('en') : '–');
const seconds = (s) => (!Number.isFinite(s) ? '–' : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const short = (id) => (id == null ? 'anonymous' : id.length > 20 ? `${id.slice(0, 8)}…` : id);
const when = (t) => (Number.isFinite(t) ? new Date(t * 1000).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '–');

// What the timeline shows: a user (`id` null: the anonymous sessions) or a device. `picked`: what
// the viewer clicked; until then, the most recently active user, followed as the data moves.
let picked = null;
let selected = null;

function askForToken() {
  if (token() !== null) $('token-note').textContent = 'That token was refused; try again.';
  $('token-form').hidden = false;
  $('timeline').textContent = 'Reading needs the admin token.';
}
$('token-form').onsubmit = (event) => {
  event.preventDefault();
  setToken($('token').value.trim());
  $('token').value = '';
  refresh();
};

function el(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

// Bars for the sessions started each day, a line for their median length, on two scales.
function drawDaily(days) {
  const box = $('daily');
  if (!days.length) return box.replaceChildren('No sessions yet.');
  const width = 900, height = 220, left = 44, right = 50, top = 12, bottom = 26;
  const most = Math.max(1, ...days.map((d) => d.sessions));
  const longest = Math.max(1, ...days.map((d) => d.median_seconds ?? 0));
  const step = (width - left - right) / days.length;
  const y = (v, max) => top + (height - top - bottom) * (1 - v / max);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': 'Sessions per day and their median length' });
  for (const [v, anchor, x, max, format] of [[most, 'end', left - 6, most, number], [longest, 'start', width - right + 6, longest, seconds]]) {
    svg.append(el('text', { x, y: y(v, max) + 4, 'text-anchor': anchor, 'font-size': 11, fill: '#6b7385' }, format(v)));
  }
  svg.append(el('line', { x1: left, x2: width - right, y1: y(0, 1), y2: y(0, 1), stroke: '#e3e6ee' }));
  const points = [];
  days.forEach((d, i) => {
    const x = left + i * step;
    const bar = el('rect', { class: 'day', x: x + step * 0.15, y: y(d.sessions, most), width: Math.max(step * 0.7, 1), height: y(0, most) - y(d.sessions, most), fill: '#c9b5f4' });
    bar.append(el('title', {}, `${d.day}: ${number(d.sessions)} sessions, median ${seconds(d.median_seconds)}`));
    svg.append(bar);
    if (d.median_seconds != null) points.push(`${x + step / 2},${y(d.median_seconds, longest)}`);
  });
  if (points.length) svg.append(el('polyline', { points: points.join(' '), fill: 'none', stroke: '#1a9e6a', 'stroke-width': 2 }));
  const labels = [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])];
  for (const i of labels) {
    svg.append(el('text', { x: left + (i + 0.5) * step, y: height - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#6b7385' }, days[i].day));
  }
  box.replaceChildren(svg);
}

function fillTable(table, rows, field) {
  table.tBodies[0].replaceChildren(...rows.map((row) => {
    const tr = document.createElement('tr');
    const id = row[field] ?? null;
    tr.dataset.id = id ?? '';
    tr.setAttribute('aria-selected', String(selected !== undefined && selected?.field === field && selected.id === id));
    tr.onclick = () => { picked = { field, id }; refresh(); };
    for (const [text, numeric] of [[short(id), false], [number(row.sessions), true], [number(row.open), true],
      [seconds(row.total_seconds), true], [seconds(row.median_seconds), true]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (numeric) td.className = 'num';
      tr.append(td);
    }
    return tr;
  }));
}

// The selected user's or device's sessions, one bar each from its start to its end (or to now,
// dashed, if open), on an axis fitted to them: sessions within a day share one row, whose axis
// runs from the first start to the last end (a ten-second demo session is a bar you can see and
// hover); longer spans get one row per day, midnight to midnight, so that weeks stay readable.
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200];
function drawTimeline(sessions) {
  const box = $('timeline');
  if (!sessions.length) return box.replaceChildren('No sessions yet.');
  const now = Date.now() / 1000;
  const spans = sessions.map((s) => { const start = s.start ?? s.end; return [s, start, s.end ?? (s.open ? now : start)]; });
  const first = Math.min(...spans.map(([, start]) => start));
  const last = Math.max(...spans.map(([, , end]) => end));
  const day = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  const fitted = last - first <= 86400;
  // The axis: [from, to] in seconds, and the rows' labels and origins.
  const pad = Math.max((last - first) * 0.05, 2);
  const [from, to] = fitted ? [first - pad, last + pad] : [0, 86400];
  const rows = fitted ? [''] : [...new Set(spans.map(([, start]) => day(start)))];
  const origin = (start) => (fitted ? 0 : Date.parse(`${day(start)}T00:00:00Z`) / 1000);
  const width = 900, label = fitted ? 10 : 92, row = 26, top = 22;
  const x = (t) => label + ((t - from) / (to - from)) * (width - label - 10);
  const svg = el('svg', { viewBox: `0 0 ${width} ${top + rows.length * row + 6}`, width: '100%', role: 'img', 'aria-label': 'Sessions over time' });
  const step = fitted ? STEPS.find((s) => (to - from) / s <= 6) ?? 86400 : 6 * 3600;
  const tick = (t) => fitted
    ? new Date(t * 1000).toLocaleTimeString([], step < 60 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' })
    : `${t / 3600}:00`;
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) {
    const anchor = x(t) > width - 50 ? 'end' : x(t) < label + 50 ? 'start' : 'middle';
    svg.append(el('text', { class: 'tick', x: x(t), y: 14, 'text-anchor': anchor, 'font-size': 11, fill: '#6b7385' }, tick(t)));
    svg.append(el('line', { x1: x(t), x2: x(t), y1: 18, y2: top + rows.length * row, stroke: '#e3e6ee' }));
  }
  rows.forEach((d, i) => svg.append(el('text', { x: 0, y: top + i * row + 17, 'font-size': 12, fill: '#1d2330' }, d)));
  for (const [s, start, end] of spans) {
    const o = origin(start);
    const y = top + rows.indexOf(fitted ? '' : day(start)) * row + 4;
    const left = x(start - o);
    const bar = el('rect', {
      x: left, y, width: Math.max(x(Math.min(end - o, to)) - left, 3), height: 16, rx: 4,
      fill: s.open ? '#e9fbf3' : '#7b3fe4', stroke: s.open ? '#1a9e6a' : 'none', 'stroke-dasharray': s.open ? '4 3' : '',
      class: s.open ? 'session open' : 'session',
    });
    const length = s.duration ?? (s.open ? now - start : null);
    bar.append(el('title', {}, `${s.session_id}\n${when(start)} → ${s.open ? 'open' : when(s.end)}${length != null ? ` (${seconds(length)}${s.open ? ' so far' : ''})` : ''}`));
    svg.append(bar);
  }
  box.replaceChildren(svg);
}

// One refresh at a time: on a big site a round of reads takes a second or two.
let refreshing = false;
async function refresh() {
  if (token() === null) return askForToken();
  if (refreshing) return;
  refreshing = true;
  try {
    const keys = await json('/api/v3/keys');
    $('token-form').hidden = true;
    const chosen = picker.value || new URLSearchParams(location.search).get('api_key') || (keys.includes('demo-api-key') ? 'demo-api-key' : keys[0]);
    picker.replaceChildren(...keys.map((k) => Object.assign(document.createElement('option'), { value: k, textContent: k, selected: k === chosen })));
    if (!chosen) return;
    const key = encodeURIComponent(chosen);
    const q = encodeURIComponent($('search').value.trim());
    const [days, usage] = await Promise.all([json(`/api/v3/daily?api_key=${key}`), json(`/api/v3/usage?api_key=${key}&limit=${LIST}&q=${q}`)]);
    drawDaily(days);
    // The most recently active user until the viewer picks one: a new user shows at once.
    selected = picked ?? (usage.users.length ? { field: 'user_id', id: usage.users[0].user_id ?? null } : null);
    fillTable($('users'), usage.users, 'user_id');
    fillTable($('devices'), usage.devices, 'device_id');
    $('users-count').textContent = `${number(usage.users.length)} of ${number(usage.users_matching)}`;
    $('devices-count').textContent = `${number(usage.devices.length)} of ${number(usage.devices_matching)}`;
    if (!selected) return drawTimeline([]);
    $('selected').textContent = selected.field === 'user_id' ? `user ${short(selected.id)}` : `device ${short(selected.id)}`;
    // Anonymous sessions have no user id to ask for: they are picked from the key's sessions.
    const sessions = selected.id === null
      ? (await json(`/api/v3/sessions?api_key=${key}`)).filter((s) => s.user_id === null)
      : await json(`/api/v3/sessions?api_key=${key}&${selected.field}=${encodeURIComponent(selected.id)}`);
    drawTimeline(sessions);
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken();
    $('timeline').textContent = `The collector is not answering (${error.message}).`;
  } finally {
    refreshing = false;
  }
}
picker.onchange = () => { picked = null; refresh(); };
let typing;
$('search').oninput = () => { clearTimeout(typing); typing = setTimeout(refresh, 250); };
setInterval(() => document.visibilityState === 'visible' && refresh(), 3000);
refresh();
