// appboy-wasm loader: a classic script that defines `window.appboy` at once, queues the calls a
// page makes before the SDK has loaded, then loads the module (appboy_wasm.js, next to this file
// unless data-module says where), and replays the calls in order. Queued calls return undefined.
//   <script src="/pkg/appboy-loader.js"></script>   (not async: appboy must exist for the next script)
//   <script>appboy.initialize('API-KEY'); appboy.openSession();</script>
(function () {
  if (window.appboy) return;
  var script = document.currentScript;
  var url = (script && script.getAttribute('data-module')) || new URL('appboy_wasm.js', script ? script.src : location.href).href;
  var queue = [];
  var sdk = null;
  // Any method: queued until the module is there, the SDK's own afterwards (so a page that kept
  // a reference to the stub reaches the SDK through it too).
  window.appboy = new Proxy({}, {
    get: function (_, name) {
      if (name === 'loaded') return !!sdk;
      // Not a thenable, not a symbol-keyed protocol: only method names queue.
      if (typeof name !== 'string' || name === 'then') return undefined;
      return sdk ? sdk[name] : function () { queue.push([name, arguments]); };
    },
  });
  import(url).then(function (module) {
    return module.default().then(function () {
      // In order, including calls that the replayed ones make (a subscriber's, say).
      while (queue.length) {
        var call = queue.shift();
        var method = module.appboy[call[0]];
        if (typeof method === 'function') method.apply(null, call[1]);
      }
      sdk = module.appboy;
    });
  }).catch(function (error) {
    // The page keeps its stub: its calls go on being accepted and dropped, never thrown.
    if (window.console) console.warn('Appboy: the SDK could not be loaded', error);
  });
})();
