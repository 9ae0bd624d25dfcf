// The page side of the Qt bridge: window.gazetteBridge.send(obj) -> Python Bridge.receive(json).
// Injected by the window (viewer/mapview.py) right after Qt's qwebchannel.js, before the page's
// own scripts; pages never name it. Sends {type: "ready"} once both the QWebChannel and the
// map (gazette:ready) are up; messages sent before that are queued. A waiting shell's
// {type: "waiting"} (gazetteBridge.waiting()) goes as soon as the channel is up.
(function () {
  "use strict";
  if (window.gazetteBridge) return;
  var bridge = null;
  var mapReady = false;
  var pending = [];
  var readySent = false;

  // Start-up phase marks for viewer/startup.py (wall clock, read from the console by the window).
  function phase(name) {
    if (window.console && console.debug) console.debug("gazette-phase " + name + " " + Date.now() / 1000);
  }
  phase("page: document created");

  function deliver(obj) {
    bridge.receive(JSON.stringify(obj));
  }

  function maybeReady() {
    if (bridge && mapReady && !readySent) {
      readySent = true;
      phase("page: ready sent");
      var queued = pending;
      pending = [];
      deliver({ type: "ready" });
      queued.forEach(deliver);
    }
  }

  // A waiting shell's request for its data (map.js build): sent once the channel is up, not held for "ready".
  var waitingAsked = false, waitingSent = false;
  function maybeWaiting() {
    if (bridge && waitingAsked && !waitingSent) {
      waitingSent = true;
      deliver({ type: "waiting" });
    }
  }

  window.gazetteBridge = {
    phase: phase,
    waiting: function () {
      waitingAsked = true;
      maybeWaiting();
    },
    send: function (obj) {
      if (bridge && readySent) {
        deliver(obj);
      } else {
        pending.push(obj);
      }
    },
  };

  // "ready" means painted: wait for the frame after the one the map was built in. A hidden
  // page paints nothing and runs no frames; a safety timer covers a frame that never comes.
  function afterPaint(callback) {
    var done = false;
    function once() {
      if (!done) { done = true; callback(); }
    }
    if (document.visibilityState === "hidden") {
      window.setTimeout(once, 0);
      return;
    }
    window.requestAnimationFrame(function () { window.requestAnimationFrame(once); });
    window.setTimeout(once, 1000);
  }

  function onMapReady() {
    phase("page: map built");
    afterPaint(function () {
      phase("page: painted");
      mapReady = true;
      maybeReady();
    });
  }
  if (window.gazette && window.gazette.ready) {
    onMapReady();
  } else {
    document.addEventListener("gazette:ready", onMapReady, { once: true });
  }

  function connect() {
    if (bridge || typeof QWebChannel === "undefined" || typeof qt === "undefined" || !qt.webChannelTransport) {
      return false;
    }
    new QWebChannel(qt.webChannelTransport, function (channel) {
      phase("page: channel up");
      bridge = channel.objects.bridge;
      maybeWaiting();
      maybeReady();
    });
    return true;
  }
  // The transport may appear only once the document exists.
  if (!connect()) document.addEventListener("DOMContentLoaded", connect, { once: true });
})();
