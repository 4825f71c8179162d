// Room history chart: CO₂ (left axis), temperature and humidity (right axis), lessons shaded.
(function () {
  "use strict";
  var source = document.getElementById("room-chart-data");
  var canvas = document.getElementById("room-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var lang = document.documentElement.lang || "de";
  var timeFormat = { weekday: "short", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" };
  function points(rows) { return (rows || []).map(function (row) { return { x: row[0], y: row[1] }; }); }
  var shading = {
    id: "lessonShading",
    beforeDatasetsDraw: function (chart) {
      var area = chart.chartArea, x = chart.scales.x, ctx = chart.ctx;
      ctx.save();
      ctx.fillStyle = "rgba(0, 0, 0, 0.08)";
      data.lessons.forEach(function (lesson) {
        var left = Math.max(x.getPixelForValue(lesson[0]), area.left);
        var right = Math.min(x.getPixelForValue(lesson[1]), area.right);
        if (right > left) { ctx.fillRect(left, area.top, right - left, area.bottom - area.top); }
      });
      ctx.restore();
    }
  };
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        { label: data.labels.co2, data: points(data.series.co2), borderColor: "#00568f", pointRadius: 0, borderWidth: 2, yAxisID: "y" },
        { label: data.labels.temperature, data: points(data.series.temperature), borderColor: "#a35200", pointRadius: 0, borderWidth: 1.5, yAxisID: "y1" },
        { label: data.labels.humidity, data: points(data.series.humidity), borderColor: "#2e6b30", borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, yAxisID: "y1" }
      ]
    },
    options: {
      maintainAspectRatio: false, animation: false, parsing: false, normalized: true,
      interaction: { mode: "nearest", intersect: false, axis: "x" },
      scales: {
        x: { type: "linear", min: data.start, max: data.end, ticks: { maxTicksLimit: 10, callback: function (value) { return new Date(value).toLocaleString(lang, timeFormat); } } },
        y: { position: "left", title: { display: true, text: "ppm" } },
        y1: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "°C / %" } }
      },
      plugins: { tooltip: { callbacks: { title: function (items) { return items.length ? new Date(items[0].parsed.x).toLocaleString(lang, timeFormat) : ""; } } } }
    },
    plugins: [shading]
  });
  canvas.dataset.rendered = "true";
})();
