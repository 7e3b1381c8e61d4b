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
  var names = ['initialize', 'openSession', 'changeUser', 'requestImmediateDataFlush', 'getDeviceId', 'getUserId',
    'getSessionId', 'subscribeToSessionUpdates', 'removeSubscription', 'toggleLogging', 'setLogger', 'wipeData', 'destroy'];
  var stub = { loaded: false };
  names.forEach(function (name) {
    stub[name] = function () { queue.push([name, arguments]); };
  });
  window.appboy = stub;
  import(url).then(function (sdk) {
    return sdk.default().then(function () {
      // In order, including calls that the replayed ones make (a subscriber's, say).
      while (queue.length) {
        var call = queue.shift();
        sdk.appboy[call[0]].apply(null, call[1]);
      }
      // A page that kept a reference to the stub now reaches the SDK through it too.
      names.forEach(function (name) { stub[name] = sdk.appboy[name]; });
      stub.loaded = true;
    });
  }).catch(function (error) {
    // The page keeps its stub: its calls go on being accepted and dropped, never thrown.
    if (window.console) console.warn('Appboy: the SDK could not be loaded', error);
  });
})();
