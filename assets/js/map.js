/* Gazette map page: builds the map from the one JSON block the Python map builder writes.
 *
 * The page (viewer/elements.py) makes the Leaflet map and calls gazette.build once;
 * everything else, words for kinds included, comes from that data. Article text and place
 * names are untrusted: every piece of them reaches the DOM through textContent, never
 * innerHTML. Contract with the Qt window (viewer/mapview.py):
 *   window.gazette.focusPlace(id), window.gazette.ready, the "gazette:ready" document event,
 *   and messages sent through window.gazetteBridge.send({type: ...}).
 */
(function () {
  "use strict";

  var SEA = "#cfe0ea";
  var LAND = { fillColor: "#f6f3ec", color: "#a9a293", weight: 0.6, fillOpacity: 1, opacity: 1 };
  // Shades for mentioned countries, by number of mentions (upper bound inclusive).
  var SHADES = [
    { max: 1, color: "#fbd7a8", label: "1 mention" },
    { max: 3, color: "#f6ad6a", label: "2–3 mentions" },
    { max: 7, color: "#ea7a3a", label: "4–7 mentions" },
    { max: Infinity, color: "#c4461c", label: "8 or more mentions" }
  ];
  // A country only involved through demonyms ("Russian forces"): shaded lighter, dashed, never pinned.
  var ASSOCIATIVE_SHADE = { color: "#fbd7a8", fillOpacity: 0.35, dashArray: "4 3", label: "Only through demonyms (“Russian”)" };
  var TILE_TIMEOUT_MS = 4000;
  var RESIZE_WAIT_MS = 250;  // a waiting page's resize (provide) comes sooner or not at all

  var state = {
    map: null,
    world: null,
    worldElement: null,
    waiting: null,
    worldById: {},
    worldByName: {},
    offline: null,
    labels: null,
    labelInfo: [],
    labelInfoFor: null,
    tiles: null,
    tileName: null,
    fellBack: false,
    cluster: null,
    places: {},
    order: [],
    kindsUsed: {},
    shadesUsed: {},
    associativeUsed: false,
    connectionsShown: false,
    attributions: {},
    kinds: {},
    legend: {},
    articleTitles: {},
    showArticleTitles: true,
    articleColors: {},
    articleShown: {},
    editable: false,
    lesson: null,
    points: null,
    permanentLabels: false,
    heat: null,
    time: null,
    controls: [],
    connectionLayer: null,
    legendOpen: undefined,
    userMoved: false
  };
  // One colour per article (cycled); the pin's ring and the legend's swatch show it.
  var ARTICLE_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
  var ARTICLE_GROUP_AT = 8;  // more articles than this: the toggles fold into one list

  // ---------------------------------------------------------------- helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function send(message) {
    try {
      if (window.gazetteBridge && typeof window.gazetteBridge.send === "function") {
        window.gazetteBridge.send(message);
      }
    } catch (err) {
      if (window.console) console.warn("gazette: bridge send failed", err);
    }
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function addAttribution(text, url) {
    if (!text || state.attributions[text]) return;
    state.attributions[text] = true;
    // Leaflet's attribution control takes HTML; ours are plain text, linked only to http(s).
    var html = escapeHtml(text);
    if (typeof url === "string" && /^https?:\/\/[^\s"'<>]+$/i.test(url)) {
      html = '<a href="' + escapeHtml(url) + '" target="_blank" rel="noopener noreferrer">' + html + "</a>";
    }
    state.map.attributionControl.addAttribution(html);
  }

  function shadeFor(count) {
    for (var i = 0; i < SHADES.length; i++) {
      if (count <= SHADES[i].max) return SHADES[i];
    }
    return SHADES[SHADES.length - 1];
  }

  function ensurePane(name, zIndex, interactive) {
    var pane = state.map.getPane(name) || state.map.createPane(name);
    pane.style.zIndex = String(zIndex);
    if (!interactive) pane.style.pointerEvents = "none";
    return pane;
  }

  // Largest outer ring of a (Multi)Polygon, for labels and for fitting a country: fitting
  // Russia to all of its parts would show the whole globe (Chukotka crosses 180°).
  function largestRing(geometry) {
    var polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    var best = null, bestArea = -1;
    for (var i = 0; i < polys.length; i++) {
      var ring = polys[i][0];
      var a = Math.abs(ringArea(ring));
      if (a > bestArea) { bestArea = a; best = ring; }
    }
    return best;
  }

  function ringArea(ring) {
    var sum = 0;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      sum += (ring[j][0] * ring[i][1]) - (ring[i][0] * ring[j][1]);
    }
    return sum / 2;
  }

  function ringCentroid(ring) {
    var a = ringArea(ring), cx = 0, cy = 0;
    if (Math.abs(a) < 1e-9) return [ring[0][1], ring[0][0]];
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var f = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
      cx += (ring[j][0] + ring[i][0]) * f;
      cy += (ring[j][1] + ring[i][1]) * f;
    }
    return [cy / (6 * a), cx / (6 * a)];
  }

  function ringBounds(ring) {
    var s = 90, w = 540, n = -90, e = -540;
    for (var i = 0; i < ring.length; i++) {
      var p = ring[i];
      if (p[1] < s) s = p[1];
      if (p[1] > n) n = p[1];
      if (p[0] < w) w = p[0];
      if (p[0] > e) e = p[0];
    }
    return L.latLngBounds([s, w], [n, e]);
  }

  // ---------------------------------------------------------------- basemap

  function mergedFeature(first, other) {
    var polygonsOf = window.gazetteBasemap.polygonsOf;
    return {
      type: "Feature", id: first.id, properties: first.properties,
      geometry: { type: "MultiPolygon", coordinates: polygonsOf(first.geometry).concat(polygonsOf(other.geometry)) }
    };
  }

  function phase(name) {
    if (window.gazetteBridge && window.gazetteBridge.phase) window.gazetteBridge.phase(name);
  }

  function setWorld(map, elementId) {
    phase("page: build started");
    state.map = map;
    if (state.world && state.worldElement === elementId) return;  // decoded while the page waited for its data
    state.worldElement = elementId;
    var node = document.getElementById(elementId);
    if (!node || typeof topojson === "undefined") return;
    var topo = window.gazetteBasemap.parseTopology(node.textContent);  // an export's arcs are compact text
    var objectName = Object.keys(topo.objects)[0];
    state.world = topojson.feature(topo, topo.objects[objectName]);
    state.world.features.forEach(function (f) {
      window.gazetteBasemap.unwrapAntimeridian(f.geometry);
      if (f.id !== undefined && f.id !== null) {
        var id = String(f.id);
        // Natural Earth gives some countries' outlying territories the country's own code
        // (Ashmore and Cartier Is. are 036, like Australia): one shape holds them all.
        state.worldById[id] = state.worldById[id] ? mergedFeature(state.worldById[id], f) : f;
      }
      if (f.properties && f.properties.name) state.worldByName[f.properties.name.toLowerCase()] = f;
    });
    phase("page: topojson parsed");
  }

  function addOfflineBasemap(map, options) {
    state.map = map;
    if (state.offline || !state.world) return;
    ensurePane("gzBasemap", 150, false);
    ensurePane("gzLabels", 390, false);
    map.getContainer().classList.add("gz-offline");
    map.getContainer().style.background = SEA;
    // One canvas path for all the land (basemap.js): a Leaflet layer per country made ~240
    // SVG paths re-projected on every zoom, the biggest part of the page's start.
    state.offline = window.gazetteBasemap.addLand(map, state.world.features, LAND, "gzBasemap", "gzLabels");
    state.labels = L.layerGroup([], { pane: "gzLabels" }).addTo(map);
    map.on("zoomend", updateLabels);
    // While the page is built, the places' fit moves the view right after: the labels wait for
    // it (build calls labelsForView) instead of being laid out twice, once for zoom 2.
    if (state.points) updateLabels();
    addAttribution((options && options.attribution) || "Natural Earth", options && options.attributionUrl);
    phase("page: basemap drawn");
  }

  // Where each country's label goes and how big its largest ring is: worked out once per world,
  // when first needed (not at world zoom) or once the page is idle after its first paint (labelsLater).
  function labelInfoOf(world) {
    if (state.labelInfoFor !== world) {
      state.labelInfoFor = world;
      state.labelInfo = world.features.map(function (f) {
        var ring = largestRing(f.geometry);
        return { name: f.properties.name, at: ringCentroid(ring), bounds: ringBounds(ring) };
      });
    }
    return state.labelInfo;
  }

  // What a page does with its world whatever its data: decoded and the land's path. (The labels'
  // places wait for labelsLater: a waiting page's data has mostly come before its world is decoded.)
  function prepareWorld(map, elementId) {
    setWorld(map, elementId);
    if (!state.world) return;
    window.gazetteBasemap.prepareLand(state.world.features);
  }

  // The labels' places when the page is idle, not before its first paint (at world zoom no label is shown).
  function labelsLater() {
    var world = state.world;
    if (!world) return;
    var run = function () { if (state.world === world) labelInfoOf(world); };
    if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 2000 });
    else window.setTimeout(run, 500);
  }

  function labelsForView() {
    if (state.labels && state.labelsZoom !== state.map.getZoom()) updateLabels();
  }

  function updateLabels() {
    if (!state.labels) return;
    var map = state.map, zoom = map.getZoom();
    state.labelsZoom = zoom;
    state.labels.clearLayers();
    if (zoom < 2) return;
    labelInfoOf(state.world).forEach(function (info) {
      var nw = map.project(info.bounds.getNorthWest(), zoom);
      var se = map.project(info.bounds.getSouthEast(), zoom);
      var width = Math.abs(se.x - nw.x), height = Math.abs(se.y - nw.y);
      if (width < info.name.length * 6.2 + 6 || height < 14) return;
      var label = el("span", null, info.name);
      L.marker(info.at, {
        pane: "gzLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "gz-country-label", html: label, iconSize: null })
      }).addTo(state.labels);
    });
  }

  function addTiles(map, spec) {
    state.map = map;
    state.tileName = spec.name;
    var loaded = 0, errors = 0;
    var layer = L.tileLayer(spec.url, {
      attribution: spec.attribution,  // from xyzservices (trusted package data), HTML
      subdomains: spec.subdomains || "abc",
      maxZoom: spec.maxZoom || 19,
      crossOrigin: false
    });
    state.tiles = layer;
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () {
      errors += 1;
      if ((loaded === 0 && errors >= 2) || errors >= 8) fallBack("tiles failed to load");
    });
    try {
      layer.addTo(map);
    } catch (err) {
      // A bad URL template throws here; the rest of the page must still be built.
      if (window.console) console.warn("gazette: tile layer failed", err);
      fallBack("the tile address is not usable");
      return;
    }
    window.setTimeout(function () {
      if (loaded === 0 && !state.fellBack && state.tiles) fallBack("no tile loaded within 4 s");
    }, spec.timeoutMs || TILE_TIMEOUT_MS);
  }

  function fallBack(reason) {
    if (state.fellBack) return;
    state.fellBack = true;
    var map = state.map;
    // The reader's view stays (the offline basemap draws every zoom the map allows): the
    // window keeps this page, its pins and an open popup, and only takes the offline map as its own.
    var center = map.getCenter(), zoom = map.getZoom();
    if (state.tiles) {
      map.removeLayer(state.tiles);
      state.tiles = null;
    }
    addOfflineBasemap(map, null);
    zoom = Math.min(zoom, map.getMaxZoom());
    if (zoom !== map.getZoom() || !map.getCenter().equals(center)) map.setView(center, zoom, { animate: false });
    // Country fills were made lighter to let tiles show through; on the offline map they are not.
    state.order.forEach(function (id) {
      var entry = state.places[id];
      if (entry.shape) entry.shape.layer.resetStyle();
    });
    var notice = L.control({ position: "bottomleft" });
    notice.onAdd = function () {
      var box = el("div", "gz-notice",
        "Online map tiles (" + state.tileName + ") are unavailable: " + reason + ". Showing the offline map.");
      box.setAttribute("role", "status");
      return box;
    };
    notice.addTo(map);
    send({ type: "basemap-fallback", basemap: state.tileName, reason: reason });
  }

  // ---------------------------------------------------------------- places

  var PinIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var node = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      node.setAttribute("data-place-id", this.options.placeId);
      node.setAttribute("aria-label", this.options.placeName);
      return node;
    }
  });

  function has(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  // The place as the latest data has it (a streamed update replaces the record, not the layer).
  function current(place) {
    var entry = state.places[place.id];
    return entry ? entry.place : place;
  }

  function excerptNode(segments) {
    var li = el("li", "gz-excerpt");
    segments.forEach(function (seg) {
      if (seg[1]) li.appendChild(el("mark", null, seg[0]));
      else li.appendChild(document.createTextNode(seg[0]));
    });
    return li;
  }

  function popupContent(place) {
    place = current(place);
    var box = el("div", "gz-popup");
    box.setAttribute("data-place-id", place.id);
    box.appendChild(el("h3", "gz-popup-title", place.name));
    var meta = [place.kindLabel];
    if (place.countryName && place.countryName !== place.name) meta.push(place.countryName);
    if (place.count || !place.associative) meta.push(place.count === 1 ? "1 mention" : place.count + " mentions");
    box.appendChild(el("div", "gz-popup-meta", meta.join(" · ")));
    popupArticles(box, place.articles);
    if (place.associative) {
      place.associative.labels.forEach(function (label) { box.appendChild(el("div", "gz-popup-associative", label)); });
      popupArticles(box, place.associative.articles);
    }
    return box;
  }

  function popupArticles(box, articles) {
    articles.forEach(function (article) {
      var section = el("div", "gz-popup-article");
      var title = has(state.articleTitles, article.id) ? state.articleTitles[article.id] : article.id;
      if (state.showArticleTitles) section.appendChild(el("div", "gz-popup-article-title", title));
      var list = el("ul", "gz-excerpts");
      article.excerpts.forEach(function (segments) { list.appendChild(excerptNode(segments)); });
      section.appendChild(list);
      box.appendChild(section);
    });
  }

  function tooltipContent(text) {
    return el("span", null, text);
  }

  function findShape(place) {
    if (place.kind !== "country") return null;
    if (place.isoNumeric && state.worldById[place.isoNumeric]) return state.worldById[place.isoNumeric];
    return state.worldByName[String(place.name).toLowerCase()] || null;
  }

  function addCountryShape(map, place, feature) {
    ensurePane("gzCountries", 380, true);
    var layer = L.geoJSON(feature, {
      pane: "gzCountries",
      style: function () {
        var p = current(place), only = !p.count && !!p.associative;  // involved through demonyms only
        var shade = only ? ASSOCIATIVE_SHADE : shadeFor(p.count);
        return {
          fillColor: shade.color, fillOpacity: only ? shade.fillOpacity : state.tiles ? 0.55 : 0.85,
          color: "#8a4b26", weight: 1, opacity: 0.9, dashArray: only ? shade.dashArray : null,
          className: "gz-country gz-country-" + place.country + (only ? " gz-country-associative" : "")
        };
      }
    });
    layer.bindTooltip(tooltipContent(place.name), { sticky: true, className: "gz-tooltip" });
    layer.bindPopup(function () { return popupContent(place); }, popupOptions());
    layer.on("click", function () { takeOverFromFocus(); send({ type: "place-clicked", id: place.id }); });
    if (state.editable) layer.on("contextmenu", function () { send({ type: "place-menu", id: place.id }); });
    layer.on("add", function () {
      layer.eachLayer(function (path) {
        var node = path.getElement && path.getElement();
        if (node) node.setAttribute("data-place-id", place.id);
      });
    });
    var ring = largestRing(feature.geometry);
    return { layer: layer, bounds: ringBounds(ring), center: ringCentroid(ring) };
  }

  function addMarker(place, permanentLabels) {
    var marker = L.marker([place.lat, place.lon], {
      icon: new PinIcon({
        className: "gz-pin gz-pin-" + place.symbol, iconSize: [18, 18], iconAnchor: [9, 9],
        popupAnchor: [0, -8], tooltipAnchor: [9, 0], placeId: place.id, placeName: place.name
      }),
      keyboard: true,
      riseOnHover: true,
      draggable: state.editable && !place.extra
    });
    marker.on("add", function () {
      var p = current(place);
      var first = p.articles.length ? state.articleColors[p.articles[0].id] : null;
      var node = marker.getElement();
      var articles = Object.keys(state.articleColors).length;
      // A ring per article tells a few articles apart; with more than there are colours it only adds noise.
      if (!node || !first || articles < 2 || articles > ARTICLE_COLORS.length) return;
      node.style.boxShadow = "0 0 0 3px " + first;
      node.style.borderRadius = "50%";
    });
    if (state.editable && !place.extra) {
      marker.on("dragend", function () {
        var at = marker.getLatLng();
        send({ type: "place-moved", id: place.id, lat: at.lat, lon: at.lng });
      });
    }
    marker.bindTooltip(tooltipContent(place.name), {
      permanent: permanentLabels, direction: "right", className: "gz-tooltip gz-pin-label"
    });
    marker.bindPopup(function () { return popupContent(place); }, popupOptions());
    // A click shows the pin's popup; one already open (the list's focus opened it) stays open
    // instead of Leaflet's toggling it closed.
    marker.off("click", marker._openPopup, marker);
    marker.on("click", function (event) {
      takeOverFromFocus();
      if (!marker.isPopupOpen()) marker.openPopup(event.latlng);
      send({ type: "place-clicked", id: place.id });
    });
    if (state.editable && !place.extra) marker.on("contextmenu", function () { send({ type: "place-menu", id: place.id }); });
    return marker;
  }

  function preparePlace(place) {
    var kind = state.kinds[place.kind] || {};
    place.kindLabel = kind.label || place.kind;
    place.symbol = kind.symbol || "city";
    return place;
  }

  function addEntry(map, place) {
    preparePlace(place);
    var entry = { place: place, marker: null, shape: null };
    var feature = findShape(place);
    if (!feature && !place.count && place.associative) return null;  // involved through demonyms only, no shape: never a pin
    state.places[place.id] = entry;  // before the layers: their closures read the current record
    state.order.push(place.id);
    if (feature) entry.shape = addCountryShape(map, place, feature);
    else entry.marker = addMarker(place, state.permanentLabels);
    return entry;
  }

  function addPlaces(map, payload) {
    state.map = map;
    state.points = new window.GazettePoints({
      radius: payload.clusterRadius || 20,
      disableClusteringAtZoom: payload.disableClusteringAtZoom || 7
    });
    state.cluster = state.points;
    state.permanentLabels = payload.places.length <= (payload.permanentLabelLimit || 25);
    payload.places.forEach(function (place) { addEntry(map, place); });
    refreshPoints();
    map.addLayer(state.points);
    addAttributions(payload);
    map.on("zoomend moveend", declutterLabels);
    state.points.on("animationend", declutterLabels);
    declutterLabels();
  }

  function addAttributions(payload) {
    var links = payload.attributionLinks || {};
    (payload.attributions || []).forEach(function (text) {
      addAttribution(text, has(links, text) ? links[text] : "");
    });
  }

  // The pins that pass the filters (article toggles, time) go to the point layer (and the heat
  // map); country shapes are added or removed. One pass, so a filter change redraws once.
  function refreshPoints() {
    var points = [], kindsUsed = {}, shadesUsed = {}, associativeUsed = false;
    state.order.forEach(function (id) {
      var entry = state.places[id], shown = placeShown(entry.place);
      if (entry.marker) {
        kindsUsed[entry.place.symbol] = true;
        if (shown) points.push({ marker: entry.marker, lat: entry.place.lat, lon: entry.place.lon, weight: entry.place.count });
      } else if (entry.shape) {
        if (!entry.place.count && entry.place.associative) associativeUsed = true;
        else { var shade = shadeFor(entry.place.count); shadesUsed[shade.label] = shade; }
        var on = state.map.hasLayer(entry.shape.layer);
        if (shown && !on) entry.shape.layer.addTo(state.map);
        if (!shown && on) state.map.removeLayer(entry.shape.layer);
      }
    });
    state.kindsUsed = kindsUsed;
    state.shadesUsed = shadesUsed;
    state.associativeUsed = associativeUsed;
    state.points.setEntries(points);
    if (state.heat) state.heat.setLatLngs(heatPoints(points));
  }

  // ---------------------------------------------------------------- heat map

  function heatPoints(points) {
    var max = 1;
    points.forEach(function (p) { max = Math.max(max, p.weight); });
    return points.map(function (p) { return [p.lat, p.lon, 0.3 + 0.7 * p.weight / max]; });
  }

  function setHeat(on) {
    var map = state.map;
    if (!state.points || typeof L.heatLayer !== "function") return false;
    on = !!on;
    if (on && !state.heat) {
      state.heat = L.heatLayer(heatPoints(state.points.entries()), { radius: 22, blur: 18, maxZoom: 9, minOpacity: 0.35 });
      state.heat.addTo(map);
      map.removeLayer(state.points);
    } else if (!on && state.heat) {
      map.removeLayer(state.heat);
      state.heat = null;
      map.addLayer(state.points);
    }
    var button = document.querySelector(".gz-heat-toggle");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    map.getContainer().classList.toggle("gz-heat-on", on);
    return true;
  }

  function addHeatToggle(map) {
    if (!state.points || !state.points.entries().length) return;
    var box = L.control({ position: "topleft" });
    box.onAdd = function () {
      var node = el("div", "leaflet-bar gz-heat");
      var button = el("button", "gz-heat-toggle", "Heat");
      button.type = "button";
      button.title = "Show the pins as a heat map";
      button.setAttribute("aria-pressed", state.heat ? "true" : "false");
      button.addEventListener("click", function () { setHeat(!state.heat); });
      node.appendChild(button);
      L.DomEvent.disableClickPropagation(node);
      return node;
    };
    box.addTo(map);
    state.controls.push(box);
  }

  // ---------------------------------------------------------------- pin labels

  // Permanent pin labels. Each label tries the right of its pin, then the left, above and
  // below; it is hidden only when every spot overlaps a pin, a cluster, a kept label or a
  // map control, or leaves the map. Facilities go first (they are rare and usually the
  // subject), then the most-mentioned places.
  var LABEL_GAP = 15;  // pin half-width (9) + Leaflet's tooltip margin (6)

  function labelSpots(r) {
    var w = r.width, h = r.height;
    return [
      [0, 0],
      [-(w + 2 * LABEL_GAP), 0],
      [-(w / 2 + LABEL_GAP), -(h / 2 + 12)],
      [-(w / 2 + LABEL_GAP), h / 2 + 12]
    ];
  }

  function overlaps(a, b) {
    return a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;
  }

  function declutterLabels() {
    if (!state.permanentLabels || !state.map) return;
    var container = state.map.getContainer();
    var bounds = container.getBoundingClientRect();
    var kept = [];
    var entries = state.order.map(function (id) { return state.places[id]; })
      .filter(function (e) { return e.marker; })
      .sort(function (a, b) {
        var fa = a.place.symbol === "facility" ? 1 : 0, fb = b.place.symbol === "facility" ? 1 : 0;
        return (fb - fa) || (b.place.count - a.place.count);
      });
    // Pins, clusters and the title/legend/zoom boxes are obstacles too.
    entries.forEach(function (entry) {
      var icon = entry.marker.getElement && entry.marker.getElement();
      if (icon && icon.isConnected) kept.push(icon.getBoundingClientRect());
    });
    container.querySelectorAll(".gz-cluster, .gz-info, .gz-legend, .gz-timebar, .leaflet-control-zoom").forEach(function (n) {
      kept.push(n.getBoundingClientRect());
    });
    entries.forEach(function (entry) {
      var tip = entry.marker.getTooltip();
      var node = tip && tip.getElement && tip.getElement();
      if (!node || !node.isConnected) return;
      node.style.visibility = "";
      node.style.marginLeft = "";
      node.style.marginTop = "";
      node.classList.remove("gz-label-moved");
      var r = node.getBoundingClientRect();
      var spots = labelSpots(r);
      for (var i = 0; i < spots.length; i++) {
        var dx = spots[i][0], dy = spots[i][1];
        var moved = { left: r.left + dx, right: r.right + dx, top: r.top + dy, bottom: r.bottom + dy };
        var inside = moved.left >= bounds.left && moved.right <= bounds.right &&
          moved.top >= bounds.top && moved.bottom <= bounds.bottom;
        if (!inside || kept.some(function (k) { return overlaps(moved, k); })) continue;
        if (i > 0) {
          node.style.marginLeft = (6 + dx) + "px";
          node.style.marginTop = dy + "px";
          node.classList.add("gz-label-moved");
        }
        kept.push(moved);
        return;
      }
      node.style.visibility = "hidden";
    });
  }

  // The page's first view, set before any layer is added (build), so that the land, labels and
  // points are laid out once, for it, not first for the world view and again after a fit.
  function firstView(map, payload) {
    if (payload.fit === false) {
      map.setView([25, 10], 2);
      return;
    }
    var points = payload.places
      .filter(function (place) { return place.count || !place.associative; })  // the view fits what is named
      .map(function (place) { return [place.lat, place.lon]; });
    fitAll(map, points);
  }

  function fitAll(map, points) {
    if (points.length === 0) {
      map.setView([25, 10], 2);
    } else if (points.length === 1) {
      map.setView(points[0], 5);
    } else {
      // Extra room on the right for pin labels and the title box.
      map.fitBounds(L.latLngBounds(points), {
        paddingTopLeft: [40, 60], paddingBottomRight: [150, 40], maxZoom: 7, animate: false
      });
    }
  }

  function addConnections(map, links) {
    if (state.connectionLayer) map.removeLayer(state.connectionLayer);
    state.connectionLayer = L.layerGroup().addTo(map);
    state.connectionsShown = !!(links && links.length);
    (links || []).forEach(function (link) {
      var line = L.polyline([link.from, link.to], {
        color: "#4b4f5c", weight: 1.5, opacity: 0.65, dashArray: "5 4", className: "gz-connection"
      });
      var tip = el("div", "gz-connection-tip");
      tip.appendChild(el("div", "gz-connection-names", link.names.join(" — ")));
      link.sentences.forEach(function (s) { tip.appendChild(el("div", "gz-connection-sentence", s)); });
      line.bindTooltip(tip, { sticky: true, className: "gz-tooltip" });
      line.addTo(state.connectionLayer);
    });
  }

  // ---------------------------------------------------------------- popups that fit

  // A popup opens above its pin when it fits there; else below, right or left, whichever lies
  // inside the map and covers neither the title box, the legend nor the time bar. The tip
  // arrow is shown only above. With no side that fits, Leaflet's own autoPan moves the map.
  var POPUP_MARGIN = 6;

  function boxesToAvoid(container) {
    return Array.prototype.map.call(container.querySelectorAll(".gz-info, .gz-legend, .gz-timebar"), function (n) {
      return n.getBoundingClientRect();
    });
  }

  function placePopup(event) {
    var popup = event.popup, node = popup.getElement(), map = state.map;
    if (!node || show.on || !popup.options.gzFit) return;
    var container = map.getContainer(), frame = container.getBoundingClientRect();
    node.classList.remove("gz-popup-side");
    popup.options.offset = L.point(0, 7);
    popup.update();
    var above = node.getBoundingClientRect();
    var wrap = node.querySelector(".leaflet-popup-content-wrapper");
    var w = above.width, h = wrap ? wrap.getBoundingClientRect().height : above.height;
    var src = popup._source, pin = !!(src && src._getPopupAnchor);
    var at = map.latLngToContainerPoint(popup.getLatLng());
    var ax = frame.left + at.x, ay = frame.top + at.y, room = pin ? 12 : 6;  // the place itself
    var sides = [
      { left: above.left, top: above.top, h: above.height },
      { left: ax - w / 2, top: ay + room, h: h },
      { left: ax + room, top: ay - h / 2, h: h },
      { left: ax - room - w, top: ay - h / 2, h: h }
    ];
    var avoid = boxesToAvoid(container);
    var inside = function (s) {
      return s.left >= frame.left + POPUP_MARGIN && s.top >= frame.top + POPUP_MARGIN &&
        s.left + w <= frame.right - POPUP_MARGIN && s.top + s.h <= frame.bottom - POPUP_MARGIN;
    };
    var clear = function (s) {
      var rect = { left: s.left, top: s.top, right: s.left + w, bottom: s.top + s.h };
      return !avoid.some(function (b) { return overlaps(rect, b); });
    };
    var best = sides.find(function (s) { return inside(s) && clear(s); }) || sides.find(inside);
    if (!best) {  // too big for any side: move the map for the default side, as Leaflet would
      popup.options.autoPan = true;
      popup._adjustPan();
      popup.options.autoPan = false;
      return;
    }
    if (best === sides[0]) return;
    // The popup's box moves one for one with its offset (Leaflet keeps a bottom margin under it).
    popup.options.offset = L.point(best.left - above.left, 7 + best.top + best.h - above.bottom);
    node.classList.add("gz-popup-side");
    popup.update();
  }

  // ---------------------------------------------------------------- info and legend

  function addSourceList(node, sources) {
    var list = el("ul", "gz-sources");
    sources.forEach(function (src) {
      var item = el("li", null, src.title);
      if (src.source) item.appendChild(el("div", "gz-source-path", src.source));
      if (src.published) item.appendChild(el("div", "gz-source-date", src.published));
      list.appendChild(item);
    });
    if (sources.length <= ARTICLE_GROUP_AT) {
      node.appendChild(list);
      return;
    }
    // Many articles: a count that opens into a searchable list.
    var box = el("details", "gz-sources-box");
    box.appendChild(el("summary", "gz-sources-count", "List all " + sources.length + " articles"));
    var search = el("input", "gz-source-search");
    search.type = "search";
    search.placeholder = "Search titles";
    search.setAttribute("aria-label", "Search the articles' titles");
    search.addEventListener("input", function () {
      var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(list.children, function (item) {
        var text = item.textContent.toLowerCase();
        item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
    box.appendChild(search);
    box.appendChild(list);
    node.appendChild(box);
  }

  function addInfo(map, info) {
    var box = L.control({ position: "topright" });
    box.onAdd = function () {
      var node = el("div", "gz-info");
      node.appendChild(el("h1", "gz-title", info.title));
      if (info.sources.length === 1) {
        // One article: the heading is its title; only where it came from follows.
        var src = info.sources[0];
        if (src.title && src.title !== info.title) node.appendChild(el("div", "gz-source-title", src.title));
        var line = [src.source, src.published].filter(function (s) { return s; }).join(" · ");
        if (line) node.appendChild(el("div", "gz-source-path", line));
      } else if (info.sources.length) {
        addSourceList(node, info.sources);
      }
      node.appendChild(el("div", "gz-summary", info.summary));
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    };
    box.addTo(map);
    state.controls.push(box);
  }

  // Each article is a layer: a place shows while one of its articles is switched on (and, with
  // the time bar set, published in the chosen day or week).
  function placeShown(place) {
    if (!place.articles.length) return true;
    return place.articles.some(function (a) { return state.articleShown[a.id] !== false && inTime(a.id); });
  }

  function setArticleShown(id, on) {
    if (!has(state.articleColors, id)) return false;
    state.articleShown[id] = !!on;
    refreshPoints();
    var box = document.querySelector('.gz-article-toggle[data-article-id="' + CSS.escape(id) + '"]');
    if (box) box.checked = !!on;
    return true;
  }

  function articleToggles(node) {
    var ids = Object.keys(state.articleColors);
    if (ids.length < 2) return;
    var holder = node;
    if (ids.length > ARTICLE_GROUP_AT) {
      holder = el("details", "gz-legend-articles");
      holder.appendChild(el("summary", null, ids.length + " articles"));
      node.appendChild(holder);
    } else {
      node.appendChild(el("div", "gz-legend-sub", "Articles"));
    }
    ids.forEach(function (id) {
      var row = el("label", "gz-legend-row gz-legend-article");
      var box = el("input", "gz-article-toggle");
      box.type = "checkbox";
      box.checked = state.articleShown[id] !== false;
      box.setAttribute("data-article-id", id);
      box.addEventListener("change", function () { setArticleShown(id, box.checked); });
      var sw = el("span", "gz-legend-swatch");
      sw.style.background = state.articleColors[id];
      sw.style.borderRadius = "50%";
      row.appendChild(box);
      row.appendChild(sw);
      row.appendChild(el("span", null, state.articleTitles[id] || id));
      holder.appendChild(row);
    });
  }

  // The legend folds to its heading (a click opens it); it starts folded when the map is small
  // or lists many articles, so that it never sits over the title box or the pins.
  function addLegend(map) {
    var kinds = Object.keys(state.kindsUsed);
    var shades = SHADES.filter(function (s) { return state.shadesUsed[s.label]; });
    var several = Object.keys(state.articleColors).length > 1;
    if (!kinds.length && !shades.length && !state.connectionsShown && !several && !state.associativeUsed) return;
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var node = el("div", "gz-legend");
      var fold = el("details", "gz-legend-fold");
      var many = Object.keys(state.articleColors).length > ARTICLE_GROUP_AT;
      fold.open = state.legendOpen !== undefined ? state.legendOpen : !(many || map.getSize().y < 480);
      var summary = el("summary", "gz-legend-title", "Legend");
      summary.addEventListener("click", function () { state.legendOpen = !fold.open; });  // the reader's choice is kept
      fold.appendChild(summary);
      articleToggles(fold);
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      kinds.sort().forEach(function (kind) {
        var row = el("div", "gz-legend-row");
        row.appendChild(el("span", "gz-legend-sym gz-pin gz-pin-" + kind));
        row.appendChild(el("span", null, state.legend[kind] || kind));
        fold.appendChild(row);
      });
      if (state.connectionsShown) {
        var link = el("div", "gz-legend-row gz-legend-connection");
        link.appendChild(el("span", "gz-legend-line"));
        link.appendChild(el("span", null, "Named in the same sentence"));
        fold.appendChild(link);
      }
      if (shades.length) fold.appendChild(el("div", "gz-legend-sub", "Countries, by mentions"));
      shades.forEach(function (shade) {
        var row = el("div", "gz-legend-row");
        var sw = el("span", "gz-legend-swatch");
        sw.style.background = shade.color;
        row.appendChild(sw);
        row.appendChild(el("span", null, shade.label));
        fold.appendChild(row);
      });
      if (state.associativeUsed) {
        var row = el("div", "gz-legend-row gz-legend-associative");
        var sw = el("span", "gz-legend-swatch");
        sw.style.background = ASSOCIATIVE_SHADE.color;
        sw.style.opacity = "0.6";
        sw.style.borderStyle = "dashed";
        row.appendChild(sw);
        row.appendChild(el("span", null, ASSOCIATIVE_SHADE.label));
        fold.appendChild(row);
      }
      node.appendChild(fold);
      return node;
    };
    legend.addTo(map);
    state.controls.push(legend);
  }

  // ---------------------------------------------------------------- time

  // With dates, a bar filters the map by day or week (and plays through them); "All" shows
  // every article again. Days are UTC calendar days of the articles' ISO 8601 dates.
  var DAY_MS = 86400000;
  var PLAY_MS = 800;

  function dayNumber(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS : null;
  }

  function dayLabel(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function inTime(articleId) {
    var t = state.time;
    if (!t || t.index < 0) return true;
    var day = t.days[articleId];
    if (day === undefined || day === null) return false;
    var step = t.steps[t.index];
    return day >= step.from && day < step.to;
  }

  function timeSteps(first, last, unit) {
    var steps = [], start = first;
    if (unit === "week") start = first - ((new Date(first * DAY_MS).getUTCDay() + 6) % 7);  // Monday
    var length = unit === "week" ? 7 : 1;
    for (var d = start; d <= last; d += length) {
      steps.push({ from: d, to: d + length, label: unit === "week" ? "week of " + dayLabel(d) : dayLabel(d) });
    }
    return steps;
  }

  function setTime(index, unit) {
    var t = state.time;
    if (!t) return false;
    if (unit && unit !== t.unit) {
      var at = t.index >= 0 ? t.steps[t.index].from : null;
      t.unit = unit;
      t.steps = timeSteps(t.first, t.last, unit);
      if (at !== null) index = t.steps.findIndex(function (s) { return at >= s.from && at < s.to; });
    }
    t.index = Math.max(-1, Math.min(t.steps.length - 1, index));
    showTime();
    refreshPoints();
    return true;
  }

  function showTime() {
    var t = state.time, bar = t && t.node;
    if (!bar) return;
    var range = bar.querySelector(".gz-time-range");
    range.max = String(t.steps.length - 1);
    if (t.index >= 0) range.value = String(t.index);
    bar.classList.toggle("gz-time-all", t.index < 0);
    bar.querySelector(".gz-time-label").textContent = t.index < 0
      ? "All dates (" + dayLabel(t.first) + " – " + dayLabel(t.last) + ")" : t.steps[t.index].label;
    bar.querySelector(".gz-time-play").textContent = t.timer ? "❚❚" : "▶";
  }

  function playTime() {
    var t = state.time;
    if (t.timer) {
      window.clearInterval(t.timer);
      t.timer = null;
      showTime();
      return;
    }
    if (t.index < 0 || t.index >= t.steps.length - 1) setTime(0);
    t.timer = window.setInterval(function () {
      if (t.index >= t.steps.length - 1) { playTime(); return; }
      setTime(t.index + 1);
    }, PLAY_MS);
    showTime();
  }

  function timeBar() {
    var node = el("div", "gz-timebar");
    var play = el("button", "gz-time-play", "▶");
    play.type = "button";
    play.title = "Play through the dates";
    play.addEventListener("click", playTime);
    var range = el("input", "gz-time-range");
    range.type = "range";
    range.min = "0";
    range.step = "1";
    range.setAttribute("aria-label", "Date");
    range.addEventListener("input", function () { setTime(+range.value); });
    var unit = el("select", "gz-time-unit");
    ["day", "week"].forEach(function (u) { var o = el("option", null, u === "day" ? "Day" : "Week"); o.value = u; unit.appendChild(o); });
    unit.addEventListener("change", function () { setTime(state.time.index, unit.value); });
    var all = el("button", "gz-time-reset", "All");
    all.type = "button";
    all.addEventListener("click", function () { if (state.time.timer) playTime(); setTime(-1); });
    [play, range, unit, all, el("span", "gz-time-label")].forEach(function (n) { node.appendChild(n); });
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
    return node;
  }

  function addTimebar(map, dates) {
    var days = {}, list = [];
    Object.keys(dates || {}).forEach(function (id) {
      var d = dayNumber(dates[id]);
      if (d !== null) { days[id] = d; list.push(d); }
    });
    var old = state.time;
    if (old && old.timer) window.clearInterval(old.timer);
    if (!list.length) { state.time = null; return; }  // no dates: no bar
    var first = Math.min.apply(null, list), last = Math.max.apply(null, list);
    var unit = old ? old.unit : (last - first > 120 ? "week" : "day");
    state.time = { days: days, first: first, last: last, unit: unit, steps: timeSteps(first, last, unit), index: -1, timer: null, node: null };
    if (old && old.index >= 0) {
      var at = old.steps[old.index].from;
      state.time.index = state.time.steps.findIndex(function (s) { return at >= s.from && at < s.to; });
    }
    var box = L.control({ position: "bottomleft" });
    box.onAdd = function () { state.time.node = timeBar(); return state.time.node; };
    box.addTo(map);
    state.time.node.querySelector(".gz-time-unit").value = unit;
    showTime();
    state.controls.push(box);
  }

  function timeState() {
    var t = state.time;
    if (!t) return null;
    return { index: t.index, steps: t.steps.length, unit: t.unit, label: t.index < 0 ? "all" : t.steps[t.index].label, playing: !!t.timer };
  }

  // ---------------------------------------------------------------- presentation and quiz

  // The same formula as viewer.lessonmap.great_circle_km (geopy's great_circle).
  function greatCircleKm(lat1, lon1, lat2, lon2) {
    var r = (state.lesson && state.lesson.earthRadiusKm) || 6371.0088, rad = Math.PI / 180;
    var p1 = lat1 * rad, p2 = lat2 * rad, dl = (lon2 - lon1) * rad;
    var y = Math.sqrt(Math.pow(Math.cos(p2) * Math.sin(dl), 2) +
      Math.pow(Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(dl), 2));
    var x = Math.sin(p1) * Math.sin(p2) + Math.cos(p1) * Math.cos(p2) * Math.cos(dl);
    return r * Math.atan2(y, x);
  }

  var show = { on: false, stops: [], index: 0, blank: false, card: null, quiz: null, quizLayer: null, target: null, labelled: null };
  var FLY_SECONDS = 1.2;

  function cardNode() {
    if (show.card) return show.card;
    var card = el("div", "gz-card");
    card.setAttribute("role", "status");
    card.setAttribute("aria-live", "polite");
    L.DomEvent.disableClickPropagation(card);
    state.map.getContainer().appendChild(card);
    show.card = card;
    var blank = el("div", "gz-blank");
    state.map.getContainer().appendChild(blank);
    return card;
  }

  function fillCard(parts) {
    var card = cardNode();
    card.textContent = "";
    parts.forEach(function (p) { if (p) card.appendChild(p); });
  }

  // The view after every move; while presenting, only once the map has arrived at the stop.
  function reportView() {
    var c = state.map.getCenter(), zoom = state.map.getZoom(), stop = -1;
    if (show.on && !show.quiz && show.target) {
      var t = show.target;
      var off = state.map.latLngToContainerPoint([t.lat, t.lon]).distanceTo(state.map.getSize().divideBy(2));
      if (off > 3 || Math.abs(zoom - t.zoom) > 0.51) return;  // a move on the way (a resize), not the arrival
      stop = show.index;
      labelStop();
    }
    send({ type: "view", lat: c.lat, lon: c.lng, zoom: zoom, stop: stop });
  }

  function excerptLine(segments) {
    if (!segments || !segments.length) return null;
    var p = el("p", "gz-card-excerpt");
    segments.forEach(function (seg) {
      if (seg[1]) p.appendChild(el("mark", null, seg[0]));
      else p.appendChild(document.createTextNode(seg[0]));
    });
    return p;
  }

  // The stop's own pin is named on the map while the class looks at it (unless every pin already is).
  function labelStop() {
    var stop = show.stops[show.index], entry = stop && stop.id ? state.places[stop.id] : null;
    var marker = entry && entry.marker, tip = marker && marker.getTooltip();
    if (!tip || tip.options.permanent || !marker._map || show.labelled === marker) return;
    unlabelStop();
    marker.openTooltip();
    show.labelled = marker;
  }

  function unlabelStop() {
    if (show.labelled) show.labelled.closeTooltip();
    show.labelled = null;
  }

  function goTo(i) {
    if (!show.stops.length) return;
    unlabelStop();
    show.index = Math.max(0, Math.min(show.stops.length - 1, i));
    var stop = show.stops[show.index];
    fillCard([
      el("div", "gz-card-count", "stop " + (show.index + 1) + " of " + show.stops.length),
      el("h2", "gz-card-caption", stop.caption || stop.name),
      stop.caption && stop.name ? el("div", "gz-card-name", stop.name) : null,
      excerptLine(stop.excerpt)
    ]);
    var map = state.map;
    show.target = { lat: stop.lat, lon: stop.lon, zoom: stop.zoom };  // before stop(): its moveend is not an arrival
    map.stop();
    var off = map.latLngToContainerPoint([stop.lat, stop.lon]).distanceTo(map.getSize().divideBy(2));
    if (off <= 3 && Math.abs(map.getZoom() - stop.zoom) <= 0.51) {
      reportView();  // already there (Home on stop 1): no move, no moveend
      return;
    }
    map.flyTo([stop.lat, stop.lon], stop.zoom, { duration: FLY_SECONDS });
  }

  // The lesson's own tour, or the default one: [place id, zoom] pairs, each stop made from its place
  // (viewer.lessonmap.lesson_payload), the excerpt where the articles first name it.
  function tourStops(lesson) {
    if (!lesson) return [];
    if (lesson.tour) return lesson.tour;
    return (lesson.tourPlaces || []).filter(function (pair) { return state.places[pair[0]]; }).map(function (pair) {
      var p = state.places[pair[0]].place, first = p.articles && p.articles[0];
      return { caption: "", name: p.name, lat: p.lat, lon: p.lon, zoom: pair[1], id: p.id, kind: p.kind,
               excerpt: first && first.excerpts.length ? first.excerpts[0] : [] };
    });
  }

  // The window passes its lesson's tour part (the page it shows may predate the lesson).
  function present(lesson) {
    if (!state.map) return false;
    show.stops = tourStops(lesson || state.lesson);
    show.on = true;
    show.blank = false;
    state.map.closePopup();
    state.map.getContainer().classList.add("gz-presenting");
    if (!show.stops.length) {
      fillCard([el("h2", "gz-card-caption", "This lesson has no places to visit.")]);
      return true;
    }
    goTo(0);
    return true;
  }

  function endPresentation() {
    unlabelStop();
    endQuiz();
    show.on = false;
    var box = state.map.getContainer();
    box.classList.remove("gz-presenting", "gz-blanked");
    if (show.card) show.card.textContent = "";
  }

  function presentStep(action) {
    if (!show.on) return false;
    if (action === "blank") {
      show.blank = !show.blank;
      state.map.getContainer().classList.toggle("gz-blanked", show.blank);
      return true;
    }
    if (show.blank) {  // any other key brings the picture back first, as slide software does
      show.blank = false;
      state.map.getContainer().classList.remove("gz-blanked");
    }
    if (action === "end") { endPresentation(); return true; }
    if (action === "quiz") { if (show.quiz) { endQuiz(); goTo(show.index); } else startQuiz(); return true; }
    if (show.quiz) return quizStep(action);
    var to = { next: show.index + 1, prev: show.index - 1, first: 0, last: show.stops.length - 1 }[action];
    if (to === undefined) return false;
    goTo(to);
    return true;
  }

  var TOUR_KEYS = {
    ArrowRight: "next", " ": "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev",
    Home: "first", End: "last", b: "blank", B: "blank", q: "quiz", Q: "quiz"
  };

  function onTourKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var action = TOUR_KEYS[event.key];
    if (!show.on && action) { present(null); event.preventDefault(); return; }
    if (event.key === "Escape" && show.on) { endPresentation(); return; }
    if (action && presentStep(action)) event.preventDefault();
  }

  // The quiz: every stop that is a place becomes "Where is …?"; a click on the map answers.
  function startQuiz() {
    unlabelStop();
    var questions = show.stops.filter(function (s) { return s.name && s.kind !== "view"; });
    show.quiz = { questions: questions, index: 0, answered: false, distances: [] };
    state.map.getContainer().classList.add("gz-quiz");
    state.map.closePopup();
    show.quizLayer = L.layerGroup().addTo(state.map);
    state.map.on("click", onQuizClick);
    askQuestion();
  }

  function endQuiz() {
    if (!show.quiz) return;
    state.map.off("click", onQuizClick);
    if (show.quizLayer) state.map.removeLayer(show.quizLayer);
    show.quiz = null;
    state.map.getContainer().classList.remove("gz-quiz");
  }

  function askQuestion() {
    var quiz = show.quiz;
    show.quizLayer.clearLayers();
    quiz.answered = false;
    if (!quiz.questions.length) {
      fillCard([el("h2", "gz-card-caption", "No places to ask about.")]);
      return;
    }
    var q = quiz.questions[quiz.index];
    fillCard([
      el("div", "gz-card-count", "question " + (quiz.index + 1) + " of " + quiz.questions.length),
      el("h2", "gz-card-caption gz-quiz-question", "Where is " + q.name + "?"),
      el("div", "gz-card-name", "Click on the map.")
    ]);
    var points = quiz.questions.map(function (s) { return [s.lat, s.lon]; });
    if (points.length > 1) state.map.fitBounds(L.latLngBounds(points).pad(0.6), { maxZoom: 5, animate: false });
    else state.map.setView(points[0], 3, { animate: false });
  }

  function quizAnswer(lat, lon) {
    var quiz = show.quiz;
    if (!quiz || quiz.answered || !quiz.questions.length) return null;
    var q = quiz.questions[quiz.index];
    var km = greatCircleKm(lat, lon, q.lat, q.lon);
    quiz.answered = true;
    quiz.distances.push(km);
    L.polyline([[lat, lon], [q.lat, q.lon]], { color: "#c4461c", weight: 3, dashArray: "6 5", className: "gz-quiz-line" }).addTo(show.quizLayer);
    L.circleMarker([lat, lon], { radius: 7, color: "#333", fillColor: "#fff", fillOpacity: 1, className: "gz-quiz-guess" }).addTo(show.quizLayer);
    L.circleMarker([q.lat, q.lon], { radius: 9, color: "#fff", weight: 2, fillColor: "#c4461c", fillOpacity: 1, className: "gz-quiz-truth" }).addTo(show.quizLayer);
    var answer = el("div", "gz-quiz-distance", Math.round(km).toLocaleString("en") + " km away");
    answer.setAttribute("data-km", String(km));
    var last = quiz.index === quiz.questions.length - 1;
    fillCard([
      el("div", "gz-card-count", "question " + (quiz.index + 1) + " of " + quiz.questions.length),
      el("h2", "gz-card-caption", q.name),
      answer,
      el("div", "gz-card-name", last ? "→ for the score" : "→ for the next question")
    ]);
    return km;
  }

  function onQuizClick(event) {
    quizAnswer(event.latlng.lat, event.latlng.lng);
  }

  var CLOSE_KM = 500;

  function quizStep(action) {
    var quiz = show.quiz;
    if (action !== "next" && action !== "prev") return false;
    if (action === "prev") { if (quiz.index > 0) { quiz.index -= 1; quiz.distances = quiz.distances.slice(0, quiz.index); askQuestion(); } return true; }
    if (!quiz.answered) return true;
    if (quiz.index < quiz.questions.length - 1) { quiz.index += 1; askQuestion(); return true; }
    var close = quiz.distances.filter(function (d) { return d <= CLOSE_KM; }).length;
    var mean = quiz.distances.reduce(function (a, b) { return a + b; }, 0) / quiz.distances.length;
    fillCard([
      el("div", "gz-card-count", "score"),
      el("h2", "gz-card-caption gz-quiz-score", close + " of " + quiz.distances.length + " within " + CLOSE_KM + " km"),
      el("div", "gz-card-name", "on average " + Math.round(mean).toLocaleString("en") + " km away")
    ]);
    quiz.answered = false;
    quiz.done = true;
    return true;
  }

  function presentationState() {
    var c = state.map ? state.map.getCenter() : { lat: 0, lng: 0 };
    return {
      on: show.on, index: show.index, total: show.stops.length, blank: show.blank, quiz: !!show.quiz,
      card: show.card ? show.card.textContent : "", lat: c.lat, lon: c.lng, zoom: state.map ? state.map.getZoom() : 0
    };
  }

  // ---------------------------------------------------------------- public API

  // Focusing a place (the window's list calls this) always ends with its popup open. The view
  // moves first; the popup opens only once the map and the point layer are at rest and the
  // marker is really on the map (a popup opened earlier is closed again when the point layer
  // redraws at the end of the move). Moves that end without an event are
  // caught by a poll, and a deadline forces the view and finally opens a free-standing popup.
  // A new focus cancels the pending one.
  var FOCUS_POLL_MS = 100;
  var FOCUS_FORCE_MS = 1500;
  var FOCUS_GIVE_UP_MS = 3000;
  var FOCUS_MIN_ZOOM = 5;
  var pendingFocus = null;

  function cancelFocus() {
    if (pendingFocus) pendingFocus.cancel();
    pendingFocus = null;
  }

  // A click on a pin or shape while a focus is still flying wins: the flight stops where it is,
  // so that re-clustering at its end cannot close the popup the click just opened.
  function takeOverFromFocus() {
    if (!pendingFocus) return;
    cancelFocus();
    if (state.map) state.map.stop();
  }

  function popupOptions() {
    return { maxWidth: 360, className: "gz-popup-wrap", autoPan: false, gzFit: true };  // placePopup places it
  }

  function focusPlace(id) {
    var entry = state.places[id], map = state.map;
    if (!entry || !map) return false;
    state.userMoved = true;
    cancelFocus();
    map.stop();  // ends a flight or pan in progress now, so that its moveend is not taken for ours
    pendingFocus = startFocus(entry);
    return true;
  }

  function markerShown(marker) {
    var map = state.map;
    return !!(marker._icon && map.hasLayer(marker) && map.getBounds().contains(marker.getLatLng()));
  }

  // The lowest zoom at which the point layer shows the marker on its own.
  function unclusteredZoom(marker) {
    return state.points ? state.points.unclusteredZoom(marker, Math.max(state.map.getZoom(), FOCUS_MIN_ZOOM)) : 0;
  }

  function startFocus(entry) {
    var map = state.map, cluster = state.cluster, marker = entry.marker;
    var done = false, moving = false, forced = false;
    var poll = null, forceTimer = null, giveUpTimer = null;
    var task = { cancel: stop };
    var center, zoom;

    if (marker) {
      center = marker.getLatLng();
      zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom(), FOCUS_MIN_ZOOM, unclusteredZoom(marker)));
    } else {
      zoom = Math.min(map.getBoundsZoom(entry.shape.bounds, false, L.point(60, 60)), 6);
      center = entry.shape.bounds.getCenter();
    }

    function settled() {
      return !moving && !map._animatingZoom && !(cluster && cluster._inZoomAnimation);
    }

    function stop() {
      done = true;
      map.off("moveend", onMoveEnd);
      if (cluster) cluster.off("animationend", check);
      window.clearInterval(poll);
      window.clearTimeout(forceTimer);
      window.clearTimeout(giveUpTimer);
      if (pendingFocus === task) pendingFocus = null;
    }

    function open() {
      stop();
      if (!marker) {
        entry.shape.layer.openPopup(entry.shape.center);
      } else if (markerShown(marker)) {
        marker.openPopup();
      } else {
        L.popup(popupOptions()).setLatLng(center).setContent(popupContent(entry.place)).openOn(map);
      }
    }

    function check() {
      if (done || !settled()) return;
      if (!marker || markerShown(marker)) open();
    }

    function onMoveEnd() {
      moving = false;
      check();
    }

    function force() {
      if (done || forced) return;
      forced = true;
      map.off("moveend", onMoveEnd);
      map.stop();
      moving = false;
      map.setView(center, zoom, { animate: false });
      check();
    }

    if (cluster) cluster.on("animationend", check);
    poll = window.setInterval(check, FOCUS_POLL_MS);
    forceTimer = window.setTimeout(force, FOCUS_FORCE_MS);
    giveUpTimer = window.setTimeout(function () { if (!done) open(); }, FOCUS_GIVE_UP_MS);

    if (marker && markerShown(marker) && map.getZoom() >= zoom) {
      check();  // already in view: no move
    } else {
      moving = true;
      map.on("moveend", onMoveEnd);  // before the move: an instant move ends synchronously
      if (marker) {
        map.flyTo(center, zoom, { duration: 0.6 });
      } else {
        map.flyToBounds(entry.shape.bounds, { padding: [30, 30], maxZoom: 6, duration: 0.6 });
      }
    }
    return task;
  }

  function finish(map) {
    addLegend(map);
    window.gazette.ready = true;
    document.dispatchEvent(new CustomEvent("gazette:ready"));
  }

  function setArticles(data) {
    state.articleTitles = data.articles || {};
    state.showArticleTitles = data.showArticleTitles !== false;
    state.articleColors = {};
    Object.keys(state.articleTitles).forEach(function (id, i) {
      state.articleColors[id] = ARTICLE_COLORS[i % ARTICLE_COLORS.length];
    });
  }

  // The boxes drawn from the data (title, time bar, heat toggle, legend), in their order.
  function addControls(map, data) {
    addInfo(map, data.info);
    addTimebar(map, data.dates);
  }

  // The page's one call: draw everything in the JSON block ``elementId`` (viewer.mapbuilder.map_data).
  // A shell the window loads before its data is known (viewer/mapview.py) has {waiting: true,
  // world: ...} there: only the world is decoded now, and provide() draws the rest when it comes.
  function build(map, elementId) {
    state.map = map;
    var node = document.getElementById(elementId);
    var data = JSON.parse(node.textContent);
    if (data.waiting) {
      state.waiting = { map: map, elementId: elementId };
      // The window sends the data as soon as it has it and the page asked, not once the page
      // finished loading: the request goes now, and its answer runs right after the world is decoded.
      if (window.gazetteBridge && window.gazetteBridge.waiting) window.gazetteBridge.waiting();
      prepareWorld(map, data.world);
      return;
    }
    state.kinds = data.kinds || {};
    state.legend = data.legend || {};
    setArticles(data);
    state.editable = !!data.editable;
    state.lesson = data.lesson || null;
    firstView(map, data);
    setWorld(map, data.world);
    if (data.basemap && data.basemap.tiles) addTiles(map, data.basemap.tiles);
    else addOfflineBasemap(map, data.basemap ? data.basemap.offline : null);
    addPlaces(map, data);
    labelsForView();
    if (data.connections) addConnections(map, data.connections);
    addControls(map, data);
    addHeatToggle(map);
    map.on("popupopen", placePopup);
    watchReader(map);
    finish(map);
    labelsLater();
    if (state.editable) map.on("moveend", reportView);  // the tour editor's "Add view"
    if (state.lesson && state.lesson.file) {
      // An exported tour: the keys of presentation mode work in any browser, from stop 1.
      document.addEventListener("keydown", onTourKey);
      present(null);
    }
  }

  function removeEntry(entry) {
    if (entry.shape && state.map.hasLayer(entry.shape.layer)) state.map.removeLayer(entry.shape.layer);
    if (entry.marker) entry.marker.closePopup();
  }

  function setPermanentLabels(on) {
    if (on === state.permanentLabels) return;
    state.permanentLabels = on;
    state.order.forEach(function (id) {
      var marker = state.places[id].marker;
      if (!marker) return;
      marker.unbindTooltip();
      marker.bindTooltip(tooltipContent(state.places[id].place.name), {
        permanent: on, direction: "right", className: "gz-tooltip gz-pin-label"
      });
    });
  }

  // Whether the reader has moved the map (a stream's final data fits the view only if not).
  function watchReader(map) {
    var moved = function () { state.userMoved = true; };
    ["mousedown", "wheel", "touchstart", "keydown", "dblclick"].forEach(function (name) {
      map.getContainer().addEventListener(name, moved, { passive: true });
    });
  }

  // The data of a waiting shell (see build): the page becomes the one loaded with this title and
  // data block (dataText: the block's text, as the shell's data slot would have held it).
  // width, height: the view's size as the window knows it; a page not resized to it yet waits for that
  // (a resize to another size, one the renderer had queued behind the world's decoding, is not it).
  function provide(title, dataText, width, height) {
    var waiting = state.waiting;
    if (!waiting) return false;
    if (width && (window.innerWidth !== width || window.innerHeight !== height) && !waiting.resizing) {
      waiting.resizing = true;
      var go = function () {
        window.removeEventListener("resize", resized);
        window.clearTimeout(timer);
        provide(title, dataText);
      };
      var resized = function () {
        if (window.innerWidth === width && window.innerHeight === height) go();
      };
      var timer = window.setTimeout(go, RESIZE_WAIT_MS);
      window.addEventListener("resize", resized);
      return true;
    }
    state.waiting = null;
    document.title = title;
    document.getElementById(waiting.elementId).textContent = dataText;
    // The view may have been resized since the map was made (the window laid out around it),
    // and a page hidden meanwhile ran no frame to notice: the first view fits the size it has now.
    waiting.map.invalidateSize({ pan: false });
    build(waiting.map, waiting.elementId);
    return true;
  }

  // Streaming: the data of more articles (the whole value map_data gives, as build reads it)
  // merged into the live map. Partial data (``fit: false``) never moves the view; the final
  // data fits it as a one-shot load would, unless the reader has moved the map. Places, titles,
  // dates, legend and filters end as a one-shot load of the same data draws them.
  function update(data) {
    var map = state.map;
    if (!map || !state.points) return false;
    if (typeof data === "string") data = JSON.parse(data);
    var wanted = {}, points = [];
    state.kinds = data.kinds || state.kinds;
    state.legend = data.legend || state.legend;
    state.lesson = data.lesson || null;
    setArticles(data);
    data.places.forEach(function (place) {
      wanted[place.id] = true;
      if (place.count || !place.associative) points.push([place.lat, place.lon]);
      var entry = state.places[place.id];
      if (!entry) { addEntry(map, place); return; }
      entry.place = preparePlace(place);
      if (entry.shape) entry.shape.layer.resetStyle();
    });
    state.order.forEach(function (id) {
      if (!wanted[id]) { removeEntry(state.places[id]); delete state.places[id]; }
    });
    state.order = data.places.map(function (place) { return place.id; }).filter(function (id) { return has(state.places, id); });
    setPermanentLabels(data.places.length <= (data.permanentLabelLimit || 25));
    addAttributions(data);
    addConnections(map, data.connections);
    state.controls.forEach(function (c) { c.remove(); });
    state.controls = [];
    addControls(map, data);
    refreshPoints();
    addHeatToggle(map);
    addLegend(map);
    if (data.fit !== false && !state.userMoved) fitAll(map, points);  // the final data of a stream
    declutterLabels();
    return true;
  }

  window.gazette = {
    ready: false,
    build: build,
    focusPlace: focusPlace,
    present: present,
    presentStep: presentStep,
    quizAnswer: quizAnswer,
    presentation: presentationState,
    greatCircleKm: greatCircleKm,
    setArticleShown: setArticleShown,
    update: update,
    provide: provide,
    setHeat: setHeat,
    setTime: setTime,
    time: timeState,
    pointAt: function (x, y) { var p = state.map.containerPointToLatLng([x, y]); return [p.lat, p.lng]; },
    shownPlaces: function () { return state.order.filter(function (id) { return placeShown(state.places[id].place); }); },
    places: function () { return state.order.slice(); },
    fallBack: fallBack,
    // "Zoom to all" in the window: fit the view to the places shown (articles switched off left out).
    fitShown: function () {
      var points = state.order.filter(function (id) { return placeShown(state.places[id].place); })
        .map(function (id) { var p = state.places[id].place; return [p.lat, p.lon]; });
      fitAll(state.map, points);
      return points.length;
    }
  };
})();
