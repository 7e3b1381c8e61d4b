// The App Usage dashboard: per user and per device, the Sessions count, total and median
// duration (from the collector's /api/v3/usage), and a timeline with one bar per session
// (from /api/v3/sessions), open sessions drawn up to now and marked.
import { read as json, setToken, token, Unauthorized } from '/www/token.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const picker = $('key');

const seconds = (s) => (s == null ? '–' : s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);
const short = (id) => (id == null ? 'anonymous' : id.length > 20 ? `${id.slice(0, 8)}…` : id);
const clock = (t) => new Date(t * 1000).toLocaleTimeString();

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

function fillTable(table, rows, idField) {
  table.tBodies[0].replaceChildren(...rows.map((row) => {
    const tr = document.createElement('tr');
    tr.dataset.id = row[idField] ?? '';
    for (const [text, numeric] of [[short(row[idField]), false], [row.sessions, true], [row.open ? `${row.open}` : '0', true],
      [seconds(row.total_seconds), true], [seconds(row.median_seconds), true]]) {
      const td = document.createElement('td');
      td.textContent = text;
      if (numeric) td.className = 'num';
      tr.append(td);
    }
    return tr;
  }));
}

function el(name, attributes, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  if (text != null) node.textContent = text;
  return node;
}

// One row per user (or device), one bar per session from its start to its end (or to now, dashed, if open).
function drawTimeline(sessions, field) {
  const box = $('timeline');
  if (!sessions.length) return box.replaceChildren('No sessions yet.');
  const now = Date.now() / 1000;
  const starts = sessions.map((s) => s.start ?? s.end);
  const from = Math.min(...starts);
  const to = Math.max(now, ...sessions.map((s) => s.end ?? now));
  const rows = [...new Set(sessions.map((s) => s[field] ?? null))];
  const width = 900, label = 130, row = 30, top = 24;
  const x = (t) => label + ((t - from) / Math.max(to - from, 1)) * (width - label - 10);
  const svg = el('svg', { viewBox: `0 0 ${width} ${top + rows.length * row + 10}`, width: '100%', role: 'img', 'aria-label': 'Sessions over time' });
  for (const [t, anchor] of [[from, 'start'], [(from + to) / 2, 'middle'], [to, 'end']]) {
    svg.append(el('text', { x: x(t), y: 14, 'text-anchor': anchor, 'font-size': 11, fill: '#6b7385' }, clock(t)));
    svg.append(el('line', { x1: x(t), x2: x(t), y1: 18, y2: top + rows.length * row, stroke: '#e3e6ee' }));
  }
  rows.forEach((row, i) => {
    const y = top + i * row;
    svg.append(el('text', { x: 0, y: y + 19, 'font-size': 12, fill: '#1d2330' }, short(row)));
    for (const s of sessions.filter((s) => (s[field] ?? null) === row)) {
      const start = s.start ?? s.end, end = s.end ?? now;
      const bar = el('rect', {
        x: x(start), y: y + 6, width: Math.max(x(end) - x(start), 3), height: 18, rx: 4,
        fill: s.open ? '#e9fbf3' : '#7b3fe4', stroke: s.open ? '#1a9e6a' : 'none', 'stroke-dasharray': s.open ? '4 3' : '',
        class: s.open ? 'session open' : 'session',
      });
      bar.append(el('title', {}, `${s.session_id}\n${clock(start)} → ${s.open ? 'open' : clock(s.end)}${s.duration != null ? ` (${seconds(s.duration)})` : ''}`));
      svg.append(bar);
    }
  });
  box.replaceChildren(svg);
}

async function refresh() {
  if (token() === null) return askForToken();
  try {
    const keys = await json('/api/v3/keys');
    $('token-form').hidden = true;
    const chosen = picker.value || new URLSearchParams(location.search).get('api_key') || (keys.includes('demo-api-key') ? 'demo-api-key' : keys[0]);
    picker.replaceChildren(...keys.map((k) => Object.assign(document.createElement('option'), { value: k, textContent: k, selected: k === chosen })));
    if (!chosen) return;
    const key = encodeURIComponent(chosen);
    const [usage, sessions] = await Promise.all([json(`/api/v3/usage?api_key=${key}`), json(`/api/v3/sessions?api_key=${key}`)]);
    fillTable($('users'), usage.users, 'user_id');
    fillTable($('devices'), usage.devices, 'device_id');
    drawTimeline(sessions, $('group').value);
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken();
    $('timeline').textContent = `The collector is not answering (${error.message}).`;
  }
}
picker.onchange = refresh;
$('group').onchange = refresh;
setInterval(refresh, 2000);
refresh();
