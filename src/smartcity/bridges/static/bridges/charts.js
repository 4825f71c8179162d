// Bridge charts: every canvas with data-source gets a Chart.js chart from the JSON next to it.
// Config: {type: "line"|"bar", x: "time"|"linear"|"category", xLabel, yLabel, logY,
//          datasets: [{label, points: [[x, y], …], colour}]}. The tables beside the charts
// carry the same numbers for screen readers and keyboard users.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var lang = document.documentElement.lang || "de";
  var timeFormat = { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", timeZone: "Europe/Berlin" };
  function formatTime(value) { return new Date(value).toLocaleString(lang, timeFormat); }
  document.querySelectorAll("canvas[data-source]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var config = JSON.parse(source.textContent);
    var category = config.x === "category";
    var datasets = config.datasets.map(function (set) {
      return {
        label: set.label,
        data: category ? set.points.map(function (p) { return p[1]; })
                       : set.points.map(function (p) { return { x: p[0], y: p[1] }; }),
        borderColor: set.colour, backgroundColor: set.colour,
        pointRadius: 0, borderWidth: 1.5, spanGaps: false
      };
    });
    var xScale = category ? { type: "category", title: { display: !!config.xLabel, text: config.xLabel || "" } }
      : { type: "linear", title: { display: !!config.xLabel, text: config.xLabel || "" },
          ticks: config.x === "time" ? { maxTicksLimit: 8, callback: formatTime } : { maxTicksLimit: 12 } };
    new Chart(canvas, {
      type: config.type,
      data: category ? { labels: config.datasets[0].points.map(function (p) { return p[0]; }), datasets: datasets }
                     : { datasets: datasets },
      options: {
        maintainAspectRatio: false, animation: false, parsing: !category ? false : undefined,
        normalized: true,
        interaction: { mode: "nearest", intersect: false, axis: "x" },
        scales: {
          x: xScale,
          y: { type: config.logY ? "logarithmic" : "linear", title: { display: !!config.yLabel, text: config.yLabel || "" } }
        },
        plugins: { tooltip: { callbacks: { title: function (items) {
          if (!items.length) { return ""; }
          return config.x === "time" ? formatTime(items[0].parsed.x) : items[0].label;
        } } } }
      }
    });
    canvas.dataset.rendered = "true";
  });
})();
