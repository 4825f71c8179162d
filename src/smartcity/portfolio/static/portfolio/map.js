/* The map page: markers (clustered), lines and areas from the GeoJSON endpoint with the
   page's own filters; the list beside it stays the accessible equivalent. Selecting in one
   highlights in the other; the map position is kept in the URL hash (#z/lat/lon). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var element = document.getElementById("map");
  var status = document.getElementById("map-status");
  var list = document.getElementById("feature-list");
  element.innerHTML = "";
  element.setAttribute("tabindex", "0");

  var map = L.map(element, { maxZoom: 19 });
  var view = parseHash();
  if (view) { map.setView([view.lat, view.lon], view.zoom); } else { map.setView(config.center, config.zoom); }
  window.SmartCityTiles.attach(map, config.tiles);

  var clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
  var shapes = L.featureGroup();
  var byId = {};
  var selected = null;

  function parseHash() {
    var match = /^#(\d+)\/(-?[\d.]+)\/(-?[\d.]+)/.exec(window.location.hash);
    return match ? { zoom: +match[1], lat: +match[2], lon: +match[3] } : null;
  }
  function writeHash() {
    var center = map.getCenter();
    var hash = "#" + map.getZoom() + "/" + center.lat.toFixed(5) + "/" + center.lng.toFixed(5);
    window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
  }

  function listItem(id) {
    return list ? list.querySelector('[data-feature-id="' + CSS.escape(id) + '"]') : null;
  }

  function highlight(id, fromMap) {
    if (selected) {
      var old = listItem(selected);
      if (old) { old.classList.remove("is-selected"); old.removeAttribute("aria-current"); }
      var oldLayer = byId[selected];
      if (oldLayer && oldLayer.setStyle) { oldLayer.setStyle({ weight: 3 }); }
      if (oldLayer && oldLayer.getElement && oldLayer.getElement()) {
        oldLayer.getElement().classList.remove("is-selected");
      }
    }
    selected = id;
    var item = listItem(id);
    if (item) {
      item.classList.add("is-selected");
      item.setAttribute("aria-current", "true");
      if (fromMap) { item.scrollIntoView({ block: "nearest" }); }
    }
    var layer = byId[id];
    if (!layer) { return; }
    if (layer.setStyle) { layer.setStyle({ weight: 6 }); }
    if (layer.getElement && layer.getElement()) { layer.getElement().classList.add("is-selected"); }
    if (!fromMap) {
      if (layer.getLatLng) {
        // Close enough that clusters open up, then the popup; same-place markers spiderfy.
        map.setView(layer.getLatLng(), Math.max(map.getZoom(), 17), { animate: false });
        if (clusters.getVisibleParent(layer) === layer) {
          layer.openPopup();
        } else {
          clusters.zoomToShowLayer(layer, function () { layer.openPopup(); });
        }
      } else {
        map.fitBounds(layer.getBounds(), { maxZoom: 16 });
        layer.openPopup();
      }
    }
    element.dataset.selected = id;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = (properties.code ? properties.code + " – " : "") + properties.title;
    box.appendChild(link);
    // Project status labels in the page's language (the map index keeps one language).
    var label = ((config.statusLabels || {})[properties.layer] || {})[properties.status] ||
      properties.status_label;
    if (label) {
      var meta = document.createElement("p");
      meta.textContent = label;
      box.appendChild(meta);
    }
    return box;
  }

  function addFeature(feature) {
    if (!feature.geometry) { return; }
    var properties = feature.properties;
    var colour = properties.colour || "#00568f";
    var layer;
    if (feature.geometry.type === "Point") {
      var c = feature.geometry.coordinates;
      // DOM markers: focusable with the keyboard and named by their title.
      layer = L.marker([c[1], c[0]], {
        icon: L.divIcon({ className: "map-pin map-pin-" + properties.layer, iconSize: [18, 18] }),
        title: properties.title, alt: properties.title, keyboard: true
      });
      layer.featureId = feature.id;
      clusters.addLayer(layer);
    } else {
      layer = L.geoJSON(feature, { style: { color: colour, weight: 3, fillOpacity: 0.25 } });
      shapes.addLayer(layer);
    }
    layer.bindPopup(popup(properties));
    layer.on("click", function () { highlight(feature.id, true); });
    byId[feature.id] = layer;
  }

  fetch(config.geojsonUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    })
    .then(function (data) {
      data.features.forEach(addFeature);
      clusters.addTo(map);
      shapes.addTo(map);
      var count = Object.keys(byId).length;
      element.dataset.markerCount = String(count);
      // whole translated sentences from the page (data-count-one / -other), {count} filled in
      status.textContent = (count === 1 ? status.dataset.countOne : status.dataset.countOther)
        .replace("{count}", String(count));
      if (!view && count) {
        var bounds = L.latLngBounds([]);
        if (clusters.getLayers().length) { bounds.extend(clusters.getBounds()); }
        if (shapes.getLayers().length) { bounds.extend(shapes.getBounds()); }
        if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20], animate: false }); }
      }
      map.on("moveend", writeHash);
      element.dataset.loaded = "true";
    })
    .catch(function (error) {
      console.error(error);
      element.dataset.markerCount = "0";
      element.dataset.loaded = "true";
      status.textContent = status.dataset.failed;
    });

  // For tests and other scripts on the page.
  window.SmartCityMap = { map: map, highlight: highlight, layers: byId };

  if (list) {
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-show]");
      if (button) { highlight(button.getAttribute("data-show"), false); }
    });
  }
})();
