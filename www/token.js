// The collector's reads need its admin token (`--admin-token`): the API key is public in every
// page that loads the SDK. The token comes in the page's URL fragment (`#token=…`, which is never
// sent to a server nor logged; `scripts/demo.sh` prints such links) or from the dashboard's form,
// and is kept for this tab only (sessionStorage); the fragment is cleared from the address bar.
const KEY = 'appboy-demo-admin-token';
const given = new URLSearchParams(location.hash.slice(1)).get('token');
if (given) {
  sessionStorage.setItem(KEY, given);
  history.replaceState(null, '', location.pathname + location.search);
}

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (value) => sessionStorage.setItem(KEY, value);
export class Unauthorized extends Error {}

// One of the collector's reads, as JSON.
export async function read(url) {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token() ?? ''}` } });
  if (response.status === 401) throw new Unauthorized(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}
