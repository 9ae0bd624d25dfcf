// The page side of the Qt bridge: window.gazetteBridge.send(obj) -> Python Bridge.receive(json).
// Sends {type: "ready"} once both the QWebChannel and the map (gazette:ready) are up.
(function () {
  "use strict";
  var bridge = null;
  var mapReady = false;
  var pending = [];
  var readySent = false;

  function deliver(obj) {
    bridge.receive(JSON.stringify(obj));
  }

  function maybeReady() {
    if (bridge && mapReady && !readySent) {
      readySent = true;
      var queued = pending;
      pending = [];
      deliver({ type: "ready" });
      queued.forEach(deliver);
    }
  }

  window.gazetteBridge = {
    send: function (obj) {
      if (bridge && readySent) {
        deliver(obj);
      } else {
        pending.push(obj);
      }
    },
  };

  function onMapReady() {
    mapReady = true;
    maybeReady();
  }
  if (window.gazette && window.gazette.ready) {
    onMapReady();
  } else {
    document.addEventListener("gazette:ready", onMapReady, { once: true });
  }

  if (typeof QWebChannel === "undefined" || typeof qt === "undefined" || !qt.webChannelTransport) {
    return; // opened outside Gazette's window (e.g. a browser): the map works without the bridge
  }
  new QWebChannel(qt.webChannelTransport, function (channel) {
    bridge = channel.objects.bridge;
    maybeReady();
  });
})();
