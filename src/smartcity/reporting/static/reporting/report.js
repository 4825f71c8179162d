// Charts of the status report; the same numbers are in the tables next to them.
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { on_track: "#2e7d32", at_risk: "#f9a825", delayed: "#e65100", stopped: "#b71c1c" };
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
