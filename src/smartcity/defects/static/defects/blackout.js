/* Photo review: draw the rectangles to black out (faces, number plates) on the photo itself,
   several in one pass. Each drag with mouse, pen or finger fills the next empty rectangle's
   numeric fields (percent of width and height); typing in the fields moves the drawn
   rectangle; "Rechteck N entfernen" empties one. Without this script, or by keyboard, the
   numeric fields alone do the job (all rectangles are shown then). No inline code. */
(function () {
  "use strict";
  var NAMES = ["x", "y", "width", "height"];

  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }
  function tenth(value) { return Math.floor(value * 10) / 10; }

  function setUp(form) {
    var area = form.querySelector("[data-blackout]");
    if (!area) { return; }
    var canvas = area.querySelector(".blackout-canvas");
    var image = canvas.querySelector("img");
    var status = area.querySelector(".blackout-status");
    var more = form.querySelector(".blackout-more");
    var rows = Array.prototype.map.call(form.querySelectorAll(".blackout-row"), function (row) {
      var number = row.getAttribute("data-row");
      var fields = {};
      NAMES.forEach(function (name) { fields[name] = form.elements[name + "_" + number]; });
      var box = document.createElement("div");
      box.className = "blackout-box";
      box.setAttribute("data-number", number);
      box.setAttribute("aria-hidden", "true");
      box.textContent = number;
      box.hidden = true;
      canvas.appendChild(box);
      return { element: row, number: number, fields: fields, box: box,
               remove: row.querySelector(".blackout-remove"), open: number === "1" };
    });
    var drawing = null;
    area.hidden = false;

    function values(row) {
      return NAMES.map(function (name) { return parseFloat(row.fields[name].value); });
    }
    function filled(row) {
      return values(row).every(function (value) { return isFinite(value); });
    }
    function empty(row) {
      return NAMES.every(function (name) { return row.fields[name].value === ""; });
    }
    function announce(template, row, numbers) {
      if (!status) { return; }
      var text = status.getAttribute(template).replace("{number}", row.number);
      if (numbers) {
        text = text.replace("{x}", numbers[0]).replace("{y}", numbers[1])
          .replace("{width}", numbers[2]).replace("{height}", numbers[3]);
      }
      status.textContent = text;
    }

    function refresh() {
      var anyFilled = rows.some(filled);
      rows.forEach(function (row) {
        var shown = filled(row);
        if (shown) {
          var v = values(row);
          row.box.style.left = v[0] + "%";
          row.box.style.top = v[1] + "%";
          row.box.style.width = v[2] + "%";
          row.box.style.height = v[3] + "%";
          shown = v[2] > 0 && v[3] > 0;
        }
        row.box.hidden = !shown;
        row.element.hidden = !(row.open || !empty(row));
        if (row.remove) { row.remove.hidden = empty(row); }
        // The first rectangle is needed only while no other one is given.
        NAMES.forEach(function (name) {
          row.fields[name].required = row.number === "1" && !anyFilled;
        });
      });
      if (more) { more.hidden = !rows.some(function (row) { return row.element.hidden; }); }
    }

    function point(event) {
      var rect = image.getBoundingClientRect();
      return {
        x: clamp((event.clientX - rect.left) / rect.width * 100, 0, 100),
        y: clamp((event.clientY - rect.top) / rect.height * 100, 0, 100)
      };
    }

    function update(event) {
      var here = point(event);
      var start = drawing.start;
      var x = tenth(Math.min(start.x, here.x));
      var y = tenth(Math.min(start.y, here.y));
      var numbers = [x, y, tenth(Math.min(Math.abs(here.x - start.x), 100 - x)),
                     tenth(Math.min(Math.abs(here.y - start.y), 100 - y))];
      NAMES.forEach(function (name, index) { drawing.row.fields[name].value = numbers[index]; });
      refresh();
      return numbers;
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      var row = rows.filter(empty)[0];
      if (!row) { announce("data-full", rows[0]); return; }
      row.open = true;
      drawing = { row: row, start: point(event) };
      canvas.setPointerCapture(event.pointerId);
      update(event);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (drawing) { update(event); }
    });
    function finish(event) {
      if (!drawing) { return; }
      var numbers = update(event);
      var row = drawing.row;
      drawing = null;
      if (canvas.hasPointerCapture(event.pointerId)) { canvas.releasePointerCapture(event.pointerId); }
      if (numbers[2] > 0 && numbers[3] > 0) {
        announce("data-template", row, numbers);
      } else {  // a click without dragging draws nothing
        NAMES.forEach(function (name) { row.fields[name].value = ""; });
        row.open = row.number === "1";
        refresh();
      }
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);

    rows.forEach(function (row) {
      NAMES.forEach(function (name) { row.fields[name].addEventListener("input", refresh); });
      if (!row.remove) { return; }
      row.remove.addEventListener("click", function () {
        NAMES.forEach(function (name) { row.fields[name].value = ""; });
        row.open = row.number === "1";
        refresh();
        announce("data-removed", row);
        (row.open ? row.fields.x : (more && !more.hidden ? more : rows[0].fields.x)).focus();
      });
    });
    if (more) {
      more.addEventListener("click", function () {
        var row = rows.filter(function (candidate) { return candidate.element.hidden; })[0];
        if (!row) { return; }
        row.open = true;
        refresh();
        row.fields.x.focus();
      });
    }
    refresh();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.black-out"), setUp);
})();
