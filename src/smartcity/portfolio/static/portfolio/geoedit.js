/* Draw a point, a line or an area on a Leaflet map and write it into form fields that stay
   usable without the map (keyboard, screen reader, no JavaScript).

   A click on the map, or Enter / Space on the focused map (arrow keys move it, + and -
   zoom), adds a vertex at that place or at the map's centre; Backspace removes the last
   one. For a point the new vertex replaces the old one. Typing into the fields redraws.

   <div class="map-canvas" data-geo-edit="form|geojson"
        data-kind-name="location_kind"      name of the radio group: point, line, area[, citywide]
        data-text="id_geometry"              form: "lat, lon" per line; geojson: GeoJSON text
        data-lat="id_latitude" data-lon="id_longitude"   form mode, for a point
        data-point-box="…" data-shape-box="…" data-map-box="…"  boxes shown per kind (form)
        data-tools="…" data-undo="…" data-clear="…" data-status="…" data-tiles="…"
        data-center="51.48,7.50"
        data-msg-added="Punkt {n} gesetzt: Breite {lat}, Länge {lon}."
        data-msg-undone="…" data-msg-cleared="…" data-msg-foreign="…">
   Messages are whole translated sentences; {n}, {lat} and {lon} are replaced here. */
(function () {
  "use strict";
  if (!window.L) { return; }

  function byId(id) { return id ? document.getElementById(id) : null; }
  function fixed(value) { return Number(value.toFixed(6)); }

  function parseLines(text) {
    var vertices = [];
    var lines = text.split(/[\n;]/);
    for (var i = 0; i < lines.length; i += 1) {
      var line = lines[i].trim();
      if (!line) { continue; }
      var parts = line.replace(/,/g, " ").split(/\s+/);
      var lat = parseFloat(parts[0]), lon = parseFloat(parts[1]);
      if (parts.length !== 2 || isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
        return null;
      }
      vertices.push([lat, lon]);
    }
    return vertices;
  }

  function kindOf(geometry) {
    if (!geometry || !geometry.type) { return null; }
    if (geometry.type === "Point") { return "point"; }
    if (/LineString$/.test(geometry.type)) { return "line"; }
    if (/Polygon$/.test(geometry.type)) { return "area"; }
    return null;
  }

  /* {kind, vertices} for a simple geometry, {kind, foreign: geometry} for the others. */
  function fromGeoJSON(geometry) {
    if (geometry && geometry.type === "Feature") { geometry = geometry.geometry; }
    var kind = kindOf(geometry);
    if (!kind) { return null; }
    var c = geometry.coordinates;
    function swap(p) { return [p[1], p[0]]; }
    if (geometry.type === "Point") { return { kind: kind, vertices: [swap(c)] }; }
    if (geometry.type === "LineString") { return { kind: kind, vertices: c.map(swap) }; }
    if (geometry.type === "Polygon" && c.length === 1) {
      return { kind: kind, vertices: c[0].slice(0, -1).map(swap) };
    }
    return { kind: kind, vertices: [], foreign: geometry };
  }

  function toGeoJSON(kind, vertices) {
    function swap(v) { return [fixed(v[1]), fixed(v[0])]; }
    if (kind === "point" && vertices.length) { return { type: "Point", coordinates: swap(vertices[vertices.length - 1]) }; }
    if (kind === "line" && vertices.length >= 2) { return { type: "LineString", coordinates: vertices.map(swap) }; }
    if (kind === "area" && vertices.length >= 3) {
      var ring = vertices.map(swap);
      ring.push(ring[0]);
      return { type: "Polygon", coordinates: [ring] };
    }
    return null;
  }

  function Editor(element) {
    var data = element.dataset;
    var geojsonMode = data.geoEdit === "geojson";
    var text = byId(data.text);
    var lat = byId(data.lat), lon = byId(data.lon);
    var status = byId(data.status);
    var tools = byId(data.tools);
    var kindInputs = Array.prototype.slice.call(
      document.querySelectorAll('input[name="' + data.kindName + '"]'));
    var center = (data.center || "51.48,7.50").split(",").map(Number);
    /* A click adds a vertex, so a double click must not zoom as well. */
    var map = L.map(element, { maxZoom: 19, keyboard: true, doubleClickZoom: false }).setView(center, 11);
    var layer = L.layerGroup().addTo(map);
    var state = { kind: "point", vertices: [], foreign: null };
    element.setAttribute("tabindex", "0");
    element.setAttribute("role", "application");
    if (tools) { tools.hidden = false; }
    if (data.tiles && window.SmartCityTiles) {
      var source = byId(data.tiles);
      if (source) { window.SmartCityTiles.attach(map, JSON.parse(source.textContent)); }
    }

    function say(message) { if (status) { status.textContent = message || ""; } }

    function chosenKind() {
      for (var i = 0; i < kindInputs.length; i += 1) {
        if (kindInputs[i].checked) { return kindInputs[i].value; }
      }
      return null;
    }
    function choose(kind) {
      kindInputs.forEach(function (input) { input.checked = input.value === kind; });
    }

    function showBoxes() {
      if (geojsonMode) { return; }
      var kind = state.kind;
      var point = byId(data.pointBox), shape = byId(data.shapeBox), box = byId(data.mapBox);
      if (point) { point.hidden = kind !== "point"; }
      if (shape) { shape.hidden = kind !== "line" && kind !== "area"; }
      if (box) {
        var wasHidden = box.hidden;
        box.hidden = kind === "citywide";
        if (wasHidden && !box.hidden) { map.invalidateSize(); }
      }
    }

    function render() {
      layer.clearLayers();
      var style = { color: "#00568f", weight: 4, fillOpacity: 0.2 };
      if (state.foreign) { L.geoJSON(state.foreign, { style: style }).addTo(layer); }
      var v = state.vertices;
      if (state.kind === "line" && v.length >= 2) { L.polyline(v, style).addTo(layer); }
      if (state.kind === "area" && v.length >= 3) { L.polygon(v, style).addTo(layer); }
      if (state.kind === "area" && v.length === 2) { L.polyline(v, L.extend({ dashArray: "6 6" }, style)).addTo(layer); }
      v.forEach(function (vertex) {
        L.circleMarker(vertex, {
          radius: state.kind === "point" ? 9 : 6, color: "#ffffff", weight: 2,
          fillColor: "#00568f", fillOpacity: 1
        }).addTo(layer);
      });
      element.dataset.kind = state.kind;
      element.dataset.vertices = String(v.length);
    }

    function write() {
      var v = state.vertices;
      if (geojsonMode) {
        var geometry = toGeoJSON(state.kind, v);
        if (geometry || !state.foreign) { text.value = geometry ? JSON.stringify(geometry) : ""; }
        return;
      }
      if (state.kind === "point") {
        var last = v[v.length - 1];
        lat.value = last ? last[0].toFixed(6) : "";
        lon.value = last ? last[1].toFixed(6) : "";
      } else if (state.kind === "line" || state.kind === "area") {
        text.value = v.map(function (p) { return p[0].toFixed(6) + ", " + p[1].toFixed(6); }).join("\n");
      }
    }

    /* Read the fields into the state; false when they hold nothing drawable. */
    function read() {
      state.foreign = null;
      state.vertices = [];
      if (state.kind === "citywide") { return false; }
      if (!geojsonMode && state.kind === "point") {
        var la = parseFloat(lat.value), lo = parseFloat(lon.value);
        if (!isNaN(la) && !isNaN(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) { state.vertices = [[la, lo]]; }
        return state.vertices.length > 0;
      }
      var value = text ? text.value.trim() : "";
      if (!value) { return false; }
      if (value.charAt(0) === "{") {
        var parsed = null;
        try { parsed = fromGeoJSON(JSON.parse(value)); } catch (e) { parsed = null; }
        if (!parsed) { return false; }
        if (geojsonMode || parsed.kind === state.kind) {
          state.kind = parsed.kind;
          state.vertices = parsed.vertices;
          state.foreign = parsed.foreign || null;
          if (state.foreign) { say(data.msgForeign); }
          choose(state.kind);
        }
        return true;
      }
      var vertices = parseLines(value);
      if (vertices) { state.vertices = vertices; }
      return Boolean(vertices && vertices.length);
    }

    function fit() {
      var bounds = layer.getLayers().length ? L.featureGroup(layer.getLayers()).getBounds() : null;
      if (bounds && bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); }
    }

    function add(latlng) {
      if (state.kind === "citywide") { return; }
      var vertex = [fixed(latlng.lat), fixed(latlng.lng)];
      var last = state.vertices[state.vertices.length - 1];
      if (last && last[0] === vertex[0] && last[1] === vertex[1]) { return; }  /* same place twice */
      if (state.kind === "point") { state.vertices = [vertex]; } else { state.vertices.push(vertex); }
      state.foreign = null;
      write();
      render();
      say((data.msgAdded || "{lat}, {lon}").replace("{n}", state.vertices.length)
        .replace("{lat}", vertex[0].toFixed(6)).replace("{lon}", vertex[1].toFixed(6)));
    }
    function undo() {
      if (!state.vertices.length) { return; }
      state.vertices.pop();
      write();
      render();
      say(data.msgUndone);
    }
    function clear() {
      state.vertices = [];
      state.foreign = null;
      write();
      render();
      say(data.msgCleared);
    }

    function setKind(kind) {
      if (!kind) { return; }
      var previous = state.vertices;
      state.kind = kind;
      /* Form: the new kind's own fields win; when empty, the drawing so far carries over. */
      if (geojsonMode && !previous.length) {
        /* Nothing drawn yet: a geometry shown from the text stays as it is. */
      } else if ((geojsonMode || !read()) && kind !== "citywide") {
        state.vertices = kind === "point" ? previous.slice(-1) : previous;
        state.foreign = null;
        write();
      }
      showBoxes();
      render();
    }

    /* The starting state: the chosen kind, or what the fields hold. */
    var initial = chosenKind();
    if (!initial && !geojsonMode) {
      if (lat.value || lon.value) { initial = "point"; } else if (text.value.trim()) {
        var guess = text.value.trim().charAt(0) === "{" ? null : parseLines(text.value);
        initial = guess && guess.length === 2 ? "line" : "area";
      } else { initial = "point"; }
      choose(initial);
    }
    state.kind = initial || "point";
    read();
    if (!chosenKind()) { choose(state.kind); }
    showBoxes();
    render();
    fit();

    map.on("click", function (event) { add(event.latlng); });
    /* An arrow key pans with an animation: Enter right after it takes the centre where the
       map comes to rest, not a point on the way. */
    var moving = false;
    map.on("movestart", function () { moving = true; });
    map.on("moveend", function () { moving = false; });
    element.addEventListener("keydown", function (event) {
      if (event.target !== element) { return; }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        if (moving) {
          map.once("moveend", function () { add(map.getCenter()); });
        } else {
          add(map.getCenter());
        }
      } else if (event.key === "Backspace" || event.key === "Delete") {
        event.preventDefault();
        undo();
      }
    });
    kindInputs.forEach(function (input) {
      input.addEventListener("change", function () { if (input.checked) { setKind(input.value); } });
    });
    [text, lat, lon].forEach(function (input) {
      if (!input) { return; }
      input.addEventListener("change", function () { read(); render(); fit(); });
    });
    var undoButton = byId(data.undo), clearButton = byId(data.clear);
    if (undoButton) { undoButton.addEventListener("click", undo); }
    if (clearButton) { clearButton.addEventListener("click", clear); }
    var form = element.closest("form");
    if (form && !geojsonMode) {
      /* Only the chosen kind's fields count; the others are emptied so nothing stale is sent. */
      form.addEventListener("submit", function () {
        if (state.kind !== "point") { lat.value = ""; lon.value = ""; }
        if (state.kind !== "line" && state.kind !== "area") { text.value = ""; }
      });
    }
    return { map: map, add: add, undo: undo, clear: clear, state: state, element: element };
  }

  var editors = [];
  window.SmartCityGeoEdit = { editors: editors };
  function start() {
    document.querySelectorAll("[data-geo-edit]").forEach(function (element) {
      editors.push(new Editor(element));
    });
  }
  /* The admin loads form media in the head, before the widget exists. */
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
