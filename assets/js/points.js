/* Gazette's point layer: many pins, clustered without overlap, drawn only where the view is.
 *
 * supercluster (npm) groups the points per zoom; a bubble that would still touch another bubble
 * or a pin on screen is then merged with it, the bigger absorbing the smaller, until no bubble
 * overlaps anything (two pins merge only once they mostly cover each other). Only what
 * lies in (or near) the view is in the DOM, and it is redrawn once a move or zoom has ended,
 * so zooming animates a few hundred icons at most, whatever the number of places.
 * map.js owns the pins (L.Marker objects with their popups and tooltips); this layer only
 * decides which of them, and which bubbles, are on the map. It fires "animationend" after
 * every redraw (the name markercluster used, which map.js's focus waits for).
 */
(function () {
  "use strict";

  var GAP_PX = 2;
  var PIN_RADIUS_PX = 9;
  // Two pins may touch (each stays clickable); they become a bubble once they mostly cover each other.
  var PIN_MERGE_PX = 12;

  function bubbleSize(count) {
    return count < 10 ? 26 : count < 100 ? 32 : count < 1000 ? 40 : 48;
  }

  function radiusOf(item) {
    return item.count === 1 ? PIN_RADIUS_PX : bubbleSize(item.count) / 2;
  }

  // Greedy: biggest first; an item whose box touches a kept one's joins it. Repeated until a pass merges
  // nothing, which is when no two kept items overlap (radii grow as bubbles absorb others).
  function mergeOverlaps(items) {
    items.sort(function (a, b) { return b.count - a.count; });
    for (var pass = 0; pass < items.length + 1; pass++) {
      var kept = [], merged = false;
      for (var i = 0; i < items.length; i++) {
        var item = items[i], host = null;
        for (var k = 0; k < kept.length; k++) {
          // Icons are square boxes: two touch when both their x and y ranges meet.
          var other = kept[k];
          var reach = other.count === 1 && item.count === 1 ? PIN_MERGE_PX : other.r + item.r + GAP_PX;
          if (Math.abs(other.x - item.x) < reach && Math.abs(other.y - item.y) < reach) { host = other; break; }
        }
        if (host) {
          host.count += item.count;
          host.parts = host.parts.concat(item.parts);
          host.entry = null;
          host.r = radiusOf(host);
          merged = true;
        } else {
          kept.push(item);
        }
      }
      items = kept;
      if (!merged) break;
    }
    return items;
  }

  var PointLayer = L.Layer.extend({
    options: { radius: 20, disableClusteringAtZoom: 7, padding: 0.5 },

    initialize: function (options) {
      L.setOptions(this, options);
      this._entries = [];
      this._index = null;
      this._group = L.layerGroup();
      this._shownMarkers = new Set();
      this._bubbles = [];
    },

    // entries: [{marker, lat, lon, weight}], the points to show now (filters applied by the caller).
    setEntries: function (entries) {
      this._entries = entries;
      var maxZoom = Math.max(0, this.options.disableClusteringAtZoom - 1);
      this._index = new Supercluster({ radius: this.options.radius, extent: 256, maxZoom: maxZoom, minPoints: 2 });
      this._index.load(entries.map(function (e, i) {
        return { type: "Feature", properties: { i: i }, geometry: { type: "Point", coordinates: [e.lon, e.lat] } };
      }));
      if (this._map) this.redraw();
      return this;
    },

    entries: function () { return this._entries; },

    onAdd: function (map) {
      this._group.addTo(map);
      map.on("moveend", this.redraw, this);
      this.redraw();
    },

    onRemove: function (map) {
      map.off("moveend", this.redraw, this);
      map.removeLayer(this._group);
      this._shownMarkers = new Set();
      this._bubbles = [];
      this._group.clearLayers();
    },

    // What would be drawn at ``zoom`` inside ``bounds``: [{x, y, r, count, entry|null, parts}].
    layout: function (zoom, bounds) {
      var map = this._map, items = [];
      if (!this._index || !map) return items;
      // Between zoom levels, supercluster's next level clusters a little less than the screen
      // needs; the merge below joins exactly what still touches at the real zoom.
      var z = Math.min(Math.ceil(zoom), this.options.disableClusteringAtZoom);
      var west = Math.max(-180, bounds.getWest()), east = Math.min(180, bounds.getEast());
      var south = Math.max(-85, bounds.getSouth()), north = Math.min(85, bounds.getNorth());
      if (east - west >= 360 || bounds.getEast() - bounds.getWest() >= 360) { west = -180; east = 180; }
      var features = this._index.getClusters([west, south, east, north], z);
      for (var i = 0; i < features.length; i++) {
        var f = features[i], c = f.geometry.coordinates, p = map.project([c[1], c[0]], zoom);
        var cluster = !!f.properties.cluster;
        var item = {
          x: p.x, y: p.y, count: cluster ? f.properties.point_count : 1,
          entry: cluster ? null : this._entries[f.properties.i], parts: [f]
        };
        item.r = radiusOf(item);
        items.push(item);
      }
      return zoom >= this.options.disableClusteringAtZoom ? items : mergeOverlaps(items);
    },

    redraw: function () {
      var map = this._map;
      if (!map) return;
      var items = this.layout(map.getZoom(), map.getBounds().pad(this.options.padding));
      var keep = new Set(), group = this._group, self = this;
      items.forEach(function (item) { if (item.entry) keep.add(item.entry.marker); });
      this._shownMarkers.forEach(function (marker) { if (!keep.has(marker)) group.removeLayer(marker); });
      keep.forEach(function (marker) { if (!self._shownMarkers.has(marker)) group.addLayer(marker); });
      this._shownMarkers = keep;
      this._bubbles.forEach(function (b) { group.removeLayer(b); });
      this._bubbles = items.filter(function (item) { return !item.entry; }).map(function (item) {
        return self._bubble(item);
      });
      this.fire("animationend");
    },

    _bubble: function (item) {
      var map = this._map, size = bubbleSize(item.count), self = this;
      var label = document.createElement("span");
      label.textContent = String(item.count);
      var bubble = L.marker(map.unproject([item.x, item.y], map.getZoom()), {
        icon: L.divIcon({ className: "gz-cluster", html: label, iconSize: [size, size] }),
        keyboard: true, title: item.count + " places", zIndexOffset: 1000
      });
      bubble.on("add", function () {
        var node = bubble.getElement();
        if (node) { node.setAttribute("data-count", String(item.count)); node.style.lineHeight = (size - 4) + "px"; }
      });
      bubble.on("click", function () { self._open(item); });
      this._group.addLayer(bubble);
      return bubble;
    },

    // Every point of a drawn item.
    leavesOf: function (item) {
      var out = [], index = this._index, entries = this._entries;
      item.parts.forEach(function (f) {
        if (f.properties.cluster) {
          index.getLeaves(f.properties.cluster_id, Infinity).forEach(function (leaf) { out.push(entries[leaf.properties.i]); });
        } else {
          out.push(entries[f.properties.i]);
        }
      });
      return out;
    },

    _open: function (item) {
      var map = this._map;
      var points = this.leavesOf(item).map(function (e) { return [e.lat, e.lon]; });
      var bounds = L.latLngBounds(points);
      var zoom = Math.min(map.getBoundsZoom(bounds.pad(0.3)), this.options.disableClusteringAtZoom);
      if (zoom <= map.getZoom()) zoom = Math.min(map.getMaxZoom(), map.getZoom() + 2);
      map.flyTo(bounds.getCenter(), zoom, { duration: 0.5 });
    },

    // The lowest zoom (from ``from`` on) at which ``marker`` is drawn on its own near its place.
    unclusteredZoom: function (marker, from) {
      var map = this._map, size = map.getSize();
      var entry = this._entries.find(function (e) { return e.marker === marker; });
      if (!entry) return from;
      for (var z = Math.ceil(from); z < this.options.disableClusteringAtZoom; z++) {
        var centre = map.project([entry.lat, entry.lon], z);
        var half = size.divideBy(2);
        var bounds = L.latLngBounds(map.unproject(centre.subtract(half), z), map.unproject(centre.add(half), z));
        var alone = this.layout(z, bounds).some(function (item) { return item.entry === entry; });
        if (alone) return z;
      }
      return this.options.disableClusteringAtZoom;
    },

    // Screen rectangles of the drawn bubbles (tests and label placement read them).
    bubbleCount: function () { return this._bubbles.length; }
  });

  window.GazettePoints = PointLayer;
})();
