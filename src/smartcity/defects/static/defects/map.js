/* Leaflet map of the defect reporter. No background tiles until the person agrees twice:
   the tile server is another host and would learn their IP address (TDDDG/DSGVO). */
(function () {
  "use strict";
  var element = document.querySelector(".defects-map");
  var configElement = document.getElementById("defects-map-config");
  if (!element || !configElement || typeof L === "undefined") { return; }
  var config = JSON.parse(configElement.textContent);
  var map = L.map(element, { zoomControl: true }).setView(config.center, 14);
  var boundaryLayer = null;
  if (config.boundary) {
    boundaryLayer = L.geoJSON(config.boundary, { style: { color: "#00568f", weight: 2, fillOpacity: 0.05 } }).addTo(map);
  }
  (config.markers || []).forEach(function (item) {
    var marker = L.circleMarker([item.lat, item.lon], { radius: 8, color: "#a35200", weight: 2, fillOpacity: 0.7 });
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.title;
    marker.bindPopup(link).addTo(map);
  });
  if ((config.markers || []).length > 1) {
    map.fitBounds(L.latLngBounds(config.markers.map(function (m) { return [m.lat, m.lon]; })), { maxZoom: 16, padding: [20, 20] });
  }

  var consent = document.querySelector("[data-map-consent]");
  if (consent) {
    var first = consent.querySelector('[data-consent-step="1"]');
    var confirm = consent.querySelector("[data-consent-confirm]");
    var second = consent.querySelector('[data-consent-step="2"]');
    first.addEventListener("click", function () {
      confirm.hidden = false;
      first.hidden = true;
      second.focus();
    });
    second.addEventListener("click", function () {
      L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution }).addTo(map);
      consent.hidden = true;
      element.focus();
    });
  }
  window.DefectsMap = { map: map, config: config, boundary: boundaryLayer };
})();
