// The demo pages' panel: the SDK used as a page would, plus a view of what it is doing (the live
// session, the datapoints waiting in localStorage and the ones the collector has).
import { appboy } from '/pkg/appboy_wasm.js';
import { read, token } from '/www/token.js';

export const API_KEY = 'demo-api-key';

// The panel, the same on every demo page.
document.getElementById('panel').outerHTML = `
  <section>
    <h2>This session</h2>
    <dl>
      <dt>Session</dt><dd id="session">–</dd>
      <dt>User</dt><dd id="user-id">–</dd>
      <dt>Started</dt><dd id="started">–</dd>
      <dt>Last activity</dt><dd id="last">–</dd>
      <dt>Ends in</dt><dd id="expires">–</dd>
      <dt>Device</dt><dd id="device">–</dd>
    </dl>
  </section>
  <section>
    <h2>Try it</h2>
    <div class="controls">
      <form id="timeout-form"><label>Timeout <input id="timeout" type="number" min="1" style="width:5rem"> s</label> <button>Apply</button></form>
      <form id="user-form"><input id="user" placeholder="user id"> <button>Change user</button></form>
      <button id="flush">Send now</button>
    </div>
    <p class="muted">Switch to another tab for longer than the timeout, then come back: the old session ends at the moment you left, and a new one starts.</p>
  </section>
  <section>
    <h2>Datapoints</h2>
    <div class="pair">
      <div><h3 class="muted" style="font-size:.9rem;margin:0 0 .4rem">Waiting in localStorage</h3><ol class="log" id="queued"></ol></div>
      <div><h3 class="muted" style="font-size:.9rem;margin:0 0 .4rem">Stored by the collector (this device)</h3><ol class="log" id="acked"></ol></div>
    </div>
  </section>
`;
const timeout = Number(localStorage.getItem('demo.timeout') ?? 10);

appboy.initialize(API_KEY, { sessionTimeoutInSeconds: timeout, enableLogging: true });
let session = null;
appboy.subscribeToSessionUpdates((s) => { session = s; });
appboy.openSession();

const $ = (id) => document.getElementById(id);
const time = (ms) => new Date(ms).toLocaleTimeString();
$('timeout').value = timeout;
$('timeout-form').onsubmit = (e) => {
  e.preventDefault();
  localStorage.setItem('demo.timeout', $('timeout').value);
  location.reload();
};
$('user-form').onsubmit = (e) => {
  e.preventDefault();
  if ($('user').value) appboy.changeUser($('user').value);
};
$('flush').onclick = () => appboy.requestImmediateDataFlush();
$('device').textContent = appboy.getDeviceId();

// What waits in this API key's outboxes (one per tab), straight from localStorage.
function queued() {
  const events = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key.startsWith(`appboy.${API_KEY}.outbox.`)) continue;
    try { events.push(...JSON.parse(localStorage.getItem(key)).events); } catch {}
  }
  return events;
}

// What the collector stored for this device: a read, which needs the collector's admin token.
async function acknowledged() {
  if (token() === null) return null;
  return read(`/api/v3/sessions?api_key=${API_KEY}&device_id=${appboy.getDeviceId()}`);
}

function render(list, items) {
  list.replaceChildren(...items.map((text) => Object.assign(document.createElement('li'), { textContent: text })));
}

async function refresh() {
  $('session').textContent = session ? session.id : 'none: it ended; any activity opens a new one';
  $('user-id').textContent = appboy.getUserId() ?? 'anonymous';
  $('started').textContent = session ? time(session.startedAt) : '–';
  $('last').textContent = session ? time(session.lastActivityAt) : '–';
  $('expires').textContent = session ? `${Math.max(0, Math.ceil((session.expiresAt - Date.now()) / 1000))} s` : '–';
  const waiting = queued();
  render($('queued'), waiting.length ? waiting.map((e) => `${e.name} ${e.session_id.slice(0, 8)} at ${time(e.time * 1000)}`) : ['nothing waiting']);
  try {
    const sessions = await acknowledged();
    if (sessions === null) return render($('acked'), ['shown with the admin token: open this page with the link scripts/demo.sh prints']);
    render($('acked'), sessions.length ? sessions.map((s) => `${s.session_id.slice(0, 8)}  ${s.start ? time(s.start * 1000) : '?'} → ${s.open ? 'open' : time(s.end * 1000)}${s.duration != null ? ` (${Math.round(s.duration)} s)` : ''}`) : ['none yet']);
  } catch {
    render($('acked'), ['the collector is not answering']);
  }
}
setInterval(refresh, 500);
refresh();
