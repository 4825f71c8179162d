// Previews on the dataset page: paged table with column types, GeoJSON map with a list
// beside it, time series chart with the table as its text alternative.
(function () {
  "use strict";

  // Whole sentences from the page (#od-preview-texts, translated there); {key} placeholders.
  var texts = (document.getElementById("od-preview-texts") || { dataset: {} }).dataset;
  function t(key, values) {
    var text = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    return text;
  }

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function renderTable(box, url, data) {
    var old = box.querySelector(".od-table-block");
    if (old) { old.remove(); }
    var block = element("div", { "class": "od-table-block" });
    var wrap = element("div", { "class": "od-table-wrap", tabindex: "0", role: "region",
      "aria-label": t("table", { name: box.dataset.name }) });
    var table = element("table", { "class": "od-table" });
    var caption = element("caption", {}, t(data.truncated ? "captionTruncated" : "caption",
      { total: data.total, page: data.page, pages: data.pages }));
    table.appendChild(caption);
    var head = element("thead");
    var headRow = element("tr");
    data.columns.forEach(function (column) {
      var th = element("th", { scope: "col" }, column.name);
      th.appendChild(element("small", { "data-type": column.type }, column.label));
      headRow.appendChild(th);
    });
    head.appendChild(headRow);
    table.appendChild(head);
    var body = element("tbody");
    data.rows.forEach(function (row) {
      var tr = element("tr");
      row.forEach(function (cell) { tr.appendChild(element("td", {}, cell)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    block.appendChild(wrap);
    if (data.pages > 1) {
      var nav = element("nav", { "aria-label": t("pages"), "class": "od-pages" });
      if (data.page > 1) {
        var prev = element("button", { type: "button" }, t("previous"));
        prev.addEventListener("click", function () { load(box, url, data.page - 1); });
        nav.appendChild(prev);
      }
      nav.appendChild(element("span", {}, t("page", { page: data.page, pages: data.pages })));
      if (data.page < data.pages) {
        var next = element("button", { type: "button" }, t("next"));
        next.addEventListener("click", function () { load(box, url, data.page + 1); });
        nav.appendChild(next);
      }
      block.appendChild(nav);
    }
    box.appendChild(block);
  }

  function renderChart(box, series) {
    if (box.querySelector(".od-chart") || typeof Chart === "undefined") { return; }
    var holder = element("div", { "class": "od-chart" });
    var canvas = element("canvas", { role: "img",
      "aria-label": t("chart", { name: box.dataset.name }) });
    holder.appendChild(canvas);
    box.insertBefore(holder, box.querySelector(".od-table-block"));
    new Chart(canvas, {
      type: "line",
      data: { labels: series.labels, datasets: series.datasets.map(function (item) {
        return { label: item.label, data: item.data, pointRadius: 0, borderWidth: 2 };
      }) },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { ticks: { maxTicksLimit: 8 } } } }
    });
  }

  function renderMap(box, data) {
    var layout = element("div", { "class": "od-map-layout" });
    var mapNode = element("div", { "class": "od-map", role: "region",
      "aria-label": t("map", { name: box.dataset.name }) });
    var list = element("ol", { "class": "od-feature-list", "aria-label": t("features"), tabindex: "0" });
    data.labels.forEach(function (label) { list.appendChild(element("li", {}, label)); });
    layout.appendChild(mapNode);
    layout.appendChild(list);
    box.appendChild(layout);
    if (typeof L === "undefined") { return; }
    // No background tiles: they would come from a third-party host.
    var map = L.map(mapNode, { attributionControl: false });
    var layer = L.geoJSON(data.geojson, {
      onEachFeature: function (feature, item) {
        var props = feature.properties || {};
        var name = props.name || props.title || props.bezeichnung || "";
        if (name) { item.bindPopup(document.createTextNode(String(name)).textContent); }
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([51.5, 7.46], 11); }
  }

  function load(box, url, page) {
    var status = box.querySelector(".od-preview-status");
    fetch(url + (page ? "?page=" + page : ""), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (pair) {
        var ok = pair[0], data = pair[1];
        if (!ok) { status.textContent = (data.error && data.error.message) || t("none"); return; }
        status.textContent = "";
        if (data.kind === "table") {
          renderTable(box, url, data);
          if (data.series) { renderChart(box, data.series); }
        } else if (data.kind === "map") {
          renderMap(box, data);
        }
      })
      .catch(function () { status.textContent = t("failed"); });
  }

  document.querySelectorAll(".od-preview").forEach(function (box) { load(box, box.dataset.url, 1); });
})();
