// What each feature of the SDK weighs in the entry module (scripts/weigh-features.sh): each
// feature is taken out of a copy of the source by replacing the bodies of the functions that carry
// it with what they return when the feature is absent, so that the compiler drops the code only
// the feature reached. The behaviour of such a build is not tested; only its bytes are weighed.
// Usage: node scripts/lib/features.mjs <copy of the source> <feature>   (`list` names them)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// [file, the start of a function's signature, the body that replaces its body], or [file, a
// pattern, its replacement] (the flag that turns a feature on read as off).
export const FEATURES = {
  'shared-cookie': ['one session across subdomains: the shared cookie, its format, throttle and merge', [
    ['src/tab/cookie.rs', 'pub fn read(', 'let _ = (text, local_user); None'],
    ['src/tab/cookie.rs', 'pub fn changed(', 'let _ = text; false'],
    ['src/tab/cookie.rs', 'pub fn due(', 'None'],
    ['src/tab/cookie.rs', 'pub fn hold(', 'let _ = (device, state, now, now_or_never); true'],
    ['src/tab/cookie.rs', 'pub fn offer(', 'let _ = (device, state); None'],
    ['src/tab/cookie.rs', 'pub fn write(', 'let _ = (value, device, state, now, out);'],
    ['src/tab/cookie.rs', 'pub fn remove(', 'let _ = out;'],
  ]],
  'sdk-authentication': ['SDK authentication: signatures per user, refusals, failure subscribers', [
    ['src/tab/sdk.rs', /\bself\.signed\b(?! =)/g, 'false'],
    ['src/delivery/machine.rs', /\bself\.signed\b(?! =)/g, 'false'],
  ]],
  'other-tabs-outboxes': ["other tabs' outboxes taken over (a closed or crashed tab's datapoints)", [
    ['src/tab/sdk.rs', 'fn theirs(', 'let _ = (host, out); Vec::new()'],
  ]],
  'http-date': ['`Retry-After` as an HTTP date (seconds stay)', [
    ['src/tab/answer.rs', 'pub fn http_date(', 'let _ = text; None'],
  ]],
  'session-updates': ['subscribers to session updates (`subscribeToSessionUpdates`)', [
    ['src/tab/subscribers.rs', 'pub fn news(', 'let _ = engine; None'],
  ]],
  'crawlers': ["crawlers not tracked (Braze's list of markers)", [
    ['src/tab/crawler.rs', 'pub fn is_crawler(', 'let _ = user_agent; false'],
  ]],
  'wipe': ['`wipeData()` and `logout()`', [
    ['src/tab/sdk.rs', 'pub fn wipe(', 'let _ = (now, afresh, host, out);'],
  ]],
  'log': ['the log: every call site that says something', [
    ['src/tab/effects.rs', 'pub fn say_with(', 'let _ = (message, a, b);'],
  ]],
  'message-texts': ["the log messages' texts (in browser.js)", [
    ['src/web/browser.js', /\['(log|info|warn|error)', *('[^']*'|"[^"]*")\]/g, "['$1', '']"],
  ]],
};

/** Replaces the body of the function whose signature starts with `signature` in `text` (its end
 * found by counting braces: the functions named above have none in a string or a character). */
function replaceBody(text, signature, body, file) {
  const start = text.indexOf(signature);
  if (start < 0 || text.indexOf(signature, start + 1) >= 0) throw new Error(`${file}: expected one \`${signature}\`: update scripts/lib/features.mjs`);
  const open = text.indexOf('{', start);
  let depth = 0, end = open;
  for (; end < text.length; end++) {
    if (text[end] === '{') depth++;
    else if (text[end] === '}' && --depth === 0) break;
  }
  return `${text.slice(0, open)}{ ${body} }${text.slice(end + 1)}`;
}

const [root, feature] = process.argv.slice(2);
if (feature === 'list') {
  for (const [name, [what]] of Object.entries(FEATURES)) console.log(`${name}\t${what}`);
} else if (feature) {
  const [, edits] = FEATURES[feature] ?? [];
  if (!edits) throw new Error(`no feature ${feature}: ${Object.keys(FEATURES).join(', ')}`);
  for (const [file, where, body] of edits) {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    const next = typeof where === 'string' ? replaceBody(text, where, body, file) : text.replace(where, body);
    if (next === text) throw new Error(`${file}: nothing to take out for ${feature}: update scripts/lib/features.mjs`);
    writeFileSync(path, next);
  }
}
