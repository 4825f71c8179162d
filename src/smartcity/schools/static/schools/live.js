// Live dashboard and wall display: refreshes the room cards from the small JSON endpoint.
(function () {
  "use strict";
  var root = document.querySelector(".schools-live");
  if (!root) { return; }
  var initial = JSON.parse(document.getElementById("schools-live").textContent);
  var lang = document.documentElement.lang || "de";
  var only = root.dataset.room;
  if (only) {
    root.querySelectorAll("[data-room-card]").forEach(function (card) {
      card.hidden = card.dataset.roomCard !== only;
    });
  }
  function format(value) {
    return value === null || value === undefined ? "–" : Number(value).toLocaleString(lang, { maximumFractionDigits: 1 });
  }
  function apply(data) {
    data.rooms.forEach(function (room) {
      var card = root.querySelector('[data-room-card="' + room.slug + '"]');
      if (!card) { return; }
      var reminder = card.querySelector("[data-reminder]");
      if (reminder.textContent !== room.reminder) { reminder.textContent = room.reminder; }
      Object.keys(room.values).forEach(function (key) {
        var cell = card.querySelector('[data-quantity="' + key + '"]');
        if (!cell) { return; }
        cell.querySelector("[data-value]").textContent = format(room.values[key]);
        cell.querySelector("[data-light]").textContent = room.light_labels[key] || "";
        cell.className = "schools-value schools-light-" + (room.lights[key] || "none");
      });
    });
    var stamp = new Date(data.generated);
    var generated = root.querySelector("[data-generated]");
    // data-generated-text is the whole translated sentence with a {time} placeholder.
    generated.textContent = (generated.dataset.generatedText || "{time}").replace(
      "{time}", stamp.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" }));
    root.dataset.refreshed = String((Number(root.dataset.refreshed) || 0) + 1);
  }
  function refresh() {
    fetch(root.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () { /* keep the last values; try again next time */ });
  }
  var seconds = Number(root.dataset.interval) || initial.refresh_seconds || 30;
  window.setInterval(refresh, seconds * 1000);
  var full = document.querySelector("[data-fullscreen]");
  if (full && document.documentElement.requestFullscreen) {
    full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
  } else if (full) {
    full.hidden = true;
  }
})();
