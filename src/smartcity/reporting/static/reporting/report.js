// Charts of the status report; the same numbers are in the tables next to them.
(function () {
  "use strict";
  var colours = { on_track: "#2e7d32", at_risk: "#f9a825", delayed: "#e65100", stopped: "#b71c1c" };
  var mapNode = document.getElementById("report-map-config");
  if (mapNode && window.L) {
    var config = JSON.parse(mapNode.textContent);
    var map = L.map("report-map", { scrollWheelZoom: false, maxZoom: 19 });
    window.SmartCityTiles.attach(map, config.tiles);
    var layer = L.geoJSON({ type: "FeatureCollection", features: config.features }, {
      style: function (feature) { return { color: colours[feature.properties.light], weight: 4 }; },
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 8, color: "#ffffff", weight: 2,
          fillColor: colours[feature.properties.light], fillOpacity: 1 });
      },
      onEachFeature: function (feature, item) {
        var link = document.createElement("a");
        link.href = feature.properties.url;
        link.textContent = feature.properties.title;
        var box = document.createElement("div");
        box.appendChild(link);
        box.appendChild(document.createTextNode(" – " + feature.properties.label));
        item.bindPopup(box);
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { maxZoom: 14 });
    document.getElementById("report-map").dataset.loaded = "true";
  }
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var status = document.getElementById("status-chart");
  if (status) {
    new Chart(status, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: Object.keys(data.lights).map(function (key) {
          return { label: data.lights[key], data: data.counts[key], backgroundColor: colours[key] };
        })
      },
      options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { stacked: true, ticks: { precision: 0 } }, y: { stacked: true } } }
    });
    status.dataset.rendered = "true";
  }
  var timeline = document.getElementById("milestone-chart");
  if (timeline && data.milestones.length) {
    var rows = data.milestones;
    var pick = function (key) { return rows.map(function (row) { return row[key]; }); };
    new Chart(timeline, {
      type: "bar",
      data: {
        labels: pick("quarter"),
        datasets: [
          { label: "termingerecht", data: pick("on_time"), backgroundColor: colours.on_track },
          { label: "verspätet", data: pick("late"), backgroundColor: colours.delayed },
          { label: "offen", data: pick("open"), backgroundColor: "#9e9e9e" }
        ]
      },
      options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } }
    });
    timeline.dataset.rendered = "true";
  }
  var budget = document.getElementById("budget-chart");
  if (budget) {
    new Chart(budget, {
      type: "bar",
      data: {
        labels: data.budget.labels,
        datasets: [
          { label: "geplant (Euro)", data: data.budget.planned, backgroundColor: "#90caf9" },
          { label: "ausgegeben (Euro)", data: data.budget.spent, backgroundColor: "#00568f" }
        ]
      },
      options: { maintainAspectRatio: false }
    });
    budget.dataset.rendered = "true";
  }
})();
