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
  var TILE_TIMEOUT_MS = 4000;

  var state = {
    map: null,
    world: null,
    worldById: {},
    worldByName: {},
    offline: null,
    labels: null,
    labelInfo: [],
    tiles: null,
    tileName: null,
    fellBack: false,
    cluster: null,
    places: {},
    order: [],
    kindsUsed: {},
    shadesUsed: {},
    connectionsShown: false,
    attributions: {},
    kinds: {},
    legend: {},
    articleTitles: {},
    showArticleTitles: true,
    articleColors: {},
    articleShown: {},
    editable: false,
    lesson: null
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

  function polygonsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    return [];
  }

  function mergedFeature(first, other) {
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
    var node = document.getElementById(elementId);
    if (!node || typeof topojson === "undefined") return;
    var topo = JSON.parse(node.textContent);
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
    state.labelInfo = null;  // worked out when first needed (updateLabels): not at world zoom
    state.labels = L.layerGroup([], { pane: "gzLabels" }).addTo(map);
    map.on("zoomend", updateLabels);
    updateLabels();
    addAttribution((options && options.attribution) || "Natural Earth", options && options.attributionUrl);
    phase("page: basemap drawn");
  }

  function updateLabels() {
    if (!state.labels) return;
    var map = state.map, zoom = map.getZoom();
    state.labels.clearLayers();
    if (zoom < 2) return;
    if (!state.labelInfo) {
      state.labelInfo = state.world.features.map(function (f) {
        var ring = largestRing(f.geometry);
        return { name: f.properties.name, at: ringCentroid(ring), bounds: ringBounds(ring) };
      });
    }
    state.labelInfo.forEach(function (info) {
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
    if (state.tiles) {
      map.removeLayer(state.tiles);
      state.tiles = null;
    }
    addOfflineBasemap(map, null);
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

  function excerptNode(segments) {
    var li = el("li", "gz-excerpt");
    segments.forEach(function (seg) {
      if (seg[1]) li.appendChild(el("mark", null, seg[0]));
      else li.appendChild(document.createTextNode(seg[0]));
    });
    return li;
  }

  function popupContent(place) {
    var box = el("div", "gz-popup");
    box.setAttribute("data-place-id", place.id);
    box.appendChild(el("h3", "gz-popup-title", place.name));
    var meta = [place.kindLabel];
    if (place.countryName && place.countryName !== place.name) meta.push(place.countryName);
    meta.push(place.count === 1 ? "1 mention" : place.count + " mentions");
    box.appendChild(el("div", "gz-popup-meta", meta.join(" · ")));
    place.articles.forEach(function (article) {
      var section = el("div", "gz-popup-article");
      var title = Object.prototype.hasOwnProperty.call(state.articleTitles, article.id) ? state.articleTitles[article.id] : article.id;
      if (state.showArticleTitles) section.appendChild(el("div", "gz-popup-article-title", title));
      var list = el("ul", "gz-excerpts");
      article.excerpts.forEach(function (segments) { list.appendChild(excerptNode(segments)); });
      section.appendChild(list);
      box.appendChild(section);
    });
    return box;
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
    var shade = shadeFor(place.count);
    state.shadesUsed[shade.label] = shade;
    var layer = L.geoJSON(feature, {
      pane: "gzCountries",
      style: function () {
        return {
          fillColor: shade.color, fillOpacity: state.tiles ? 0.55 : 0.85,
          color: "#8a4b26", weight: 1, opacity: 0.9,
          className: "gz-country gz-country-" + place.country
        };
      }
    });
    layer.bindTooltip(tooltipContent(place.name), { sticky: true, className: "gz-tooltip" });
    layer.bindPopup(function () { return popupContent(place); }, popupOptions());
    layer.on("click", function () { takeOverFromFocus(); send({ type: "place-clicked", id: place.id }); });
    if (state.editable) layer.on("contextmenu", function () { send({ type: "place-menu", id: place.id }); });
    layer.addTo(map);
    layer.eachLayer(function (path) {
      var node = path.getElement && path.getElement();
      if (node) node.setAttribute("data-place-id", place.id);
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
    var first = place.articles.length ? state.articleColors[place.articles[0].id] : null;
    if (first && Object.keys(state.articleColors).length > 1) {
      marker.on("add", function () {
        var node = marker.getElement();
        if (node) node.style.boxShadow = "0 0 0 3px " + first;
        if (node) node.style.borderRadius = "50%";
      });
    }
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
    marker.on("click", function () { takeOverFromFocus(); send({ type: "place-clicked", id: place.id }); });
    if (state.editable && !place.extra) marker.on("contextmenu", function () { send({ type: "place-menu", id: place.id }); });
    state.cluster.addLayer(marker);
    return marker;
  }

  function addPlaces(map, payload) {
    state.map = map;
    state.cluster = L.markerClusterGroup({
      maxClusterRadius: payload.clusterRadius || 20,
      disableClusteringAtZoom: payload.disableClusteringAtZoom || 7,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: function (cluster) {
        var n = el("span", null, String(cluster.getChildCount()));
        return L.divIcon({ className: "gz-cluster", html: n, iconSize: [30, 30] });
      }
    });
    var pointBounds = [];
    var permanent = payload.places.length <= (payload.permanentLabelLimit || 25);
    payload.places.forEach(function (place) {
      var kind = state.kinds[place.kind] || {};
      place.kindLabel = kind.label || place.kind;
      place.symbol = kind.symbol || "city";
      var entry = { place: place, marker: null, shape: null };
      var feature = findShape(place);
      if (feature) {
        entry.shape = addCountryShape(map, place, feature);
      } else {
        entry.marker = addMarker(place, permanent);
        state.kindsUsed[place.symbol] = true;
      }
      state.places[place.id] = entry;
      state.order.push(place.id);
      pointBounds.push([place.lat, place.lon]);
    });
    map.addLayer(state.cluster);
    var links = payload.attributionLinks || {};
    (payload.attributions || []).forEach(function (text) {
      addAttribution(text, Object.prototype.hasOwnProperty.call(links, text) ? links[text] : "");
    });
    fitAll(map, pointBounds);
    if (permanent) {
      map.on("zoomend moveend", declutterLabels);
      state.cluster.on("animationend", declutterLabels);
      declutterLabels();
    }
  }

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
    container.querySelectorAll(".gz-cluster, .gz-info, .gz-legend, .leaflet-control-zoom").forEach(function (n) {
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
    if (links.length) state.connectionsShown = true;
    links.forEach(function (link) {
      var line = L.polyline([link.from, link.to], {
        color: "#4b4f5c", weight: 1.5, opacity: 0.65, dashArray: "5 4", className: "gz-connection"
      });
      var tip = el("div", "gz-connection-tip");
      tip.appendChild(el("div", "gz-connection-names", link.names.join(" — ")));
      link.sentences.forEach(function (s) { tip.appendChild(el("div", "gz-connection-sentence", s)); });
      line.bindTooltip(tip, { sticky: true, className: "gz-tooltip" });
      line.addTo(map);
    });
  }

  // ---------------------------------------------------------------- info and legend

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
        var list = el("ul", "gz-sources");
        info.sources.forEach(function (src) {
          var item = el("li", null, src.title);
          if (src.source) item.appendChild(el("div", "gz-source-path", src.source));
          if (src.published) item.appendChild(el("div", "gz-source-date", src.published));
          list.appendChild(item);
        });
        node.appendChild(list);
      }
      node.appendChild(el("div", "gz-summary", info.summary));
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    };
    box.addTo(map);
  }

  // Each article is a layer: a place shows while one of its articles is switched on.
  function placeShown(place) {
    if (!place.articles.length) return true;
    return place.articles.some(function (a) { return state.articleShown[a.id] !== false; });
  }

  function setArticleShown(id, on) {
    if (!Object.prototype.hasOwnProperty.call(state.articleColors, id)) return false;
    state.articleShown[id] = !!on;
    state.order.forEach(function (pid) {
      var entry = state.places[pid], shown = placeShown(entry.place);
      if (entry.marker) {
        var has = state.cluster.hasLayer(entry.marker);
        if (shown && !has) state.cluster.addLayer(entry.marker);
        if (!shown && has) state.cluster.removeLayer(entry.marker);
      } else if (entry.shape) {
        if (shown) entry.shape.layer.addTo(state.map); else state.map.removeLayer(entry.shape.layer);
      }
    });
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
      box.checked = true;
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

  function addLegend(map) {
    var kinds = Object.keys(state.kindsUsed);
    var shades = SHADES.filter(function (s) { return state.shadesUsed[s.label]; });
    var several = Object.keys(state.articleColors).length > 1;
    if (!kinds.length && !shades.length && !state.connectionsShown && !several) return;
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var node = el("div", "gz-legend");
      node.appendChild(el("div", "gz-legend-title", "Legend"));
      articleToggles(node);
      L.DomEvent.disableClickPropagation(node);
      kinds.sort().forEach(function (kind) {
        var row = el("div", "gz-legend-row");
        row.appendChild(el("span", "gz-legend-sym gz-pin gz-pin-" + kind));
        row.appendChild(el("span", null, state.legend[kind] || kind));
        node.appendChild(row);
      });
      if (state.connectionsShown) {
        var link = el("div", "gz-legend-row gz-legend-connection");
        link.appendChild(el("span", "gz-legend-line"));
        link.appendChild(el("span", null, "Named in the same sentence"));
        node.appendChild(link);
      }
      if (shades.length) node.appendChild(el("div", "gz-legend-sub", "Countries, by mentions"));
      shades.forEach(function (shade) {
        var row = el("div", "gz-legend-row");
        var sw = el("span", "gz-legend-swatch");
        sw.style.background = shade.color;
        row.appendChild(sw);
        row.appendChild(el("span", null, shade.label));
        node.appendChild(row);
      });
      return node;
    };
    legend.addTo(map);
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

  var show = { on: false, stops: [], index: 0, blank: false, card: null, quiz: null, quizLayer: null, target: null };
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

  function goTo(i) {
    if (!show.stops.length) return;
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

  function present(stops) {
    if (!state.map) return false;
    show.stops = stops || (state.lesson ? state.lesson.tour : []) || [];
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
  // moves first; the popup opens only once the map and the cluster layer are at rest and the
  // marker is really on the map (a popup opened earlier is closed again when markercluster
  // swaps the marker out at the end of its animation). Moves that end without an event are
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
    return { maxWidth: 360, className: "gz-popup-wrap" };
  }

  function focusPlace(id) {
    var entry = state.places[id], map = state.map;
    if (!entry || !map) return false;
    cancelFocus();
    map.stop();  // ends a flight or pan in progress now, so that its moveend is not taken for ours
    pendingFocus = startFocus(entry);
    return true;
  }

  function markerShown(marker) {
    var map = state.map;
    return !!(marker._icon && map.hasLayer(marker) && map.getBounds().contains(marker.getLatLng()));
  }

  // The lowest zoom at which the cluster layer shows the marker on its own.
  function unclusteredZoom(marker) {
    var parent = marker.__parent;
    return parent && typeof parent._zoom === "number" ? parent._zoom + 1 : 0;
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

  // The page's one call: draw everything in the JSON block ``elementId`` (viewer.mapbuilder.map_data).
  function build(map, elementId) {
    state.map = map;
    var node = document.getElementById(elementId);
    var data = JSON.parse(node.textContent);
    state.kinds = data.kinds || {};
    state.legend = data.legend || {};
    state.articleTitles = data.articles || {};
    state.showArticleTitles = data.showArticleTitles !== false;
    Object.keys(state.articleTitles).forEach(function (id, i) {
      state.articleColors[id] = ARTICLE_COLORS[i % ARTICLE_COLORS.length];
    });
    state.editable = !!data.editable;
    state.lesson = data.lesson || null;
    setWorld(map, data.world);
    if (data.basemap && data.basemap.tiles) addTiles(map, data.basemap.tiles);
    else addOfflineBasemap(map, data.basemap ? data.basemap.offline : null);
    addPlaces(map, data);
    if (data.connections) addConnections(map, data.connections);
    addInfo(map, data.info);
    finish(map);
    if (state.editable) map.on("moveend", reportView);  // the tour editor's "Add view"
    if (state.lesson && state.lesson.file) {
      // An exported tour: the keys of presentation mode work in any browser, from stop 1.
      document.addEventListener("keydown", onTourKey);
      present(null);
    }
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
    pointAt: function (x, y) { var p = state.map.containerPointToLatLng([x, y]); return [p.lat, p.lng]; },
    shownPlaces: function () { return state.order.filter(function (id) { return placeShown(state.places[id].place); }); },
    places: function () { return state.order.slice(); },
    fallBack: fallBack
  };
})();
