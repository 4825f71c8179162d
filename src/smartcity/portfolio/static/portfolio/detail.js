/* Project and place pages: a small map of the location and the indicator charts. */
(function () {
  "use strict";
  var configNode = document.getElementById("project-map-config");
  if (configNode && window.L) {
    var config = JSON.parse(configNode.textContent);
    var map = L.map("project-map", { scrollWheelZoom: false, maxZoom: 19 });
    window.SmartCityTiles.attach(map, config.tiles);
    var shape = L.geoJSON(config.geometry, {
      style: { color: "#00568f", weight: 4, fillOpacity: 0.25 },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 9, color: "#ffffff", weight: 2, fillColor: "#00568f", fillOpacity: 1 });
      }
    }).addTo(map);
    map.fitBounds(shape.getBounds(), { maxZoom: 15 });
    document.getElementById("project-map").dataset.loaded = "true";
  }
  if (!window.Chart) { return; }
  document.querySelectorAll("canvas.indicator-chart").forEach(function (canvas) {
    var data = JSON.parse(document.getElementById(canvas.dataset.config).textContent);
    var datasets = [{ label: data.label, data: data.values, borderColor: "#00568f", backgroundColor: "#00568f" }];
    if (data.target !== null && data.target !== undefined) {
      datasets.push({
        label: canvas.dataset.targetLabel || "", data: data.labels.map(function () { return data.target; }),
        borderColor: "#a30000", borderDash: [6, 4], pointRadius: 0
      });
    }
    new Chart(canvas, { type: "line", data: { labels: data.labels, datasets: datasets },
      options: { animation: false, responsive: true } });
    canvas.dataset.rendered = "true";
  });
})();
