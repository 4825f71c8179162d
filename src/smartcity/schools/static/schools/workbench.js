// Workbench charts: one line per room (with the limit), and the scatter of two quantities.
(function () {
  "use strict";
  var source = document.getElementById("workbench-data");
  if (!source) { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "de";
  var colours = ["#00568f", "#a35200", "#2e6b30", "#6a1b9a", "#8a0000", "#005f5f", "#5c4300"];
  var timeFormat = { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" };
  function time(value) { return new Date(value).toLocaleString(lang, timeFormat); }
  document.querySelectorAll("[data-epoch]").forEach(function (cell) { cell.textContent = time(Number(cell.dataset.epoch)); });
  if (typeof Chart === "undefined") { return; }
  var lines = data.lines.map(function (line, index) {
    return { label: line.label, data: line.points.map(function (p) { return { x: p[0], y: p[1] }; }), borderColor: colours[index % colours.length], backgroundColor: colours[index % colours.length], pointRadius: 0, borderWidth: 2 };
  });
  var xs = [].concat.apply([], data.lines.map(function (line) { return line.points.map(function (p) { return p[0]; }); }));
  if (data.limit !== null && xs.length) {
    lines.push({ label: data.limit_label + " " + data.limit, data: [{ x: data.start, y: data.limit }, { x: data.end, y: data.limit }], borderColor: "#8a0000", borderDash: [8, 4], pointRadius: 0, borderWidth: 1.5 });
  }
  var chartCanvas = document.getElementById("workbench-chart");
  new Chart(chartCanvas, {
    type: "line",
    data: { datasets: lines },
    options: {
      maintainAspectRatio: false, animation: false, parsing: false,
      interaction: { mode: "nearest", intersect: false, axis: "x" },
      scales: { x: { type: "linear", min: data.start, max: data.end, ticks: { maxTicksLimit: 8, callback: time } }, y: { title: { display: true, text: data.label + " (" + data.unit + ")" } } },
      plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? time(items[0].parsed.x) : ""; } } } }
    }
  });
  chartCanvas.dataset.rendered = "true";
  var scatterCanvas = document.getElementById("scatter-chart");
  if (scatterCanvas && data.scatter) {
    new Chart(scatterCanvas, {
      type: "scatter",
      data: { datasets: data.scatter.sets.map(function (set, index) {
        return { label: set.label, data: set.points.map(function (p) { return { x: p[0], y: p[1] }; }), backgroundColor: colours[index % colours.length], pointRadius: 2 };
      }) },
      options: { maintainAspectRatio: false, animation: false, parsing: false,
        scales: { x: { title: { display: true, text: data.scatter.x_label } }, y: { title: { display: true, text: data.scatter.y_label } } } }
    });
    scatterCanvas.dataset.rendered = "true";
  }
})();
