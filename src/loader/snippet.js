// The inline loading snippet (docs/design.md section 2): pasted into a page's HTML, it defines
// `window.appboy` (and `window.braze`, the same object) at once, keeps every call with the time it was made, and loads the SDK
// (appboy-loader.js) with one async request. The SDK replays the calls in order, each at its own
// time, and from then on the stub forwards to it, so a page that kept a reference keeps working.
// If the script cannot be loaded, the stub goes on accepting calls and throws nothing.
(function (w, d, src) {
  if (w.appboy) return;
  var stub = { q: [] };
  w.appboy = w.braze = new Proxy(stub, {
    get: function (t, k) {
      if (t.s) return t.s[k];
      if (k === 'q') return t.q;
      // Not a thenable, not a symbol-keyed protocol: only method names are kept.
      if (typeof k !== 'string' || k === 'then') return undefined;
      return function () { t.q.push([k, arguments, Date.now()]); };
    },
  });
  var script = d.createElement('script');
  script.async = true;
  script.src = src;
  (d.head || d.documentElement).appendChild(script);
})(window, document, 'https://YOUR-SITE/appboy-loader.js');
