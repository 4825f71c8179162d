/* Photo review: draw the rectangle to black out (faces, number plates) on the photo itself.
   Dragging with mouse, pen or finger fills the numeric fields of the form (percent of width
   and height); typing in the fields moves the drawn rectangle. Without this script, or by
   keyboard, the numeric fields alone do the job. No inline code: loaded from our static. */
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
    var box = canvas.querySelector(".blackout-box");
    var status = area.querySelector(".blackout-status");
    var fields = {};
    NAMES.forEach(function (name) { fields[name] = form.elements[name]; });
    var start = null;
    area.hidden = false;

    function show(x, y, width, height) {
      box.style.left = x + "%";
      box.style.top = y + "%";
      box.style.width = width + "%";
      box.style.height = height + "%";
      box.hidden = !(width > 0 && height > 0);
    }

    function fromFields() {
      var values = NAMES.map(function (name) { return parseFloat(fields[name].value); });
      if (values.every(function (value) { return isFinite(value); })) {
        show(values[0], values[1], values[2], values[3]);
      }
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
      var x = tenth(Math.min(start.x, here.x));
      var y = tenth(Math.min(start.y, here.y));
      var width = tenth(Math.min(Math.abs(here.x - start.x), 100 - x));
      var height = tenth(Math.min(Math.abs(here.y - start.y), 100 - y));
      fields.x.value = x;
      fields.y.value = y;
      fields.width.value = width;
      fields.height.value = height;
      show(x, y, width, height);
      return [x, y, width, height];
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      event.preventDefault();
      start = point(event);
      canvas.setPointerCapture(event.pointerId);
      update(event);
    });
    canvas.addEventListener("pointermove", function (event) {
      if (start) { update(event); }
    });
    function finish(event) {
      if (!start) { return; }
      var values = update(event);
      start = null;
      if (canvas.hasPointerCapture(event.pointerId)) { canvas.releasePointerCapture(event.pointerId); }
      if (status) {
        status.textContent = status.getAttribute("data-template")
          .replace("{x}", values[0]).replace("{y}", values[1])
          .replace("{width}", values[2]).replace("{height}", values[3]);
      }
    }
    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);
    NAMES.forEach(function (name) { fields[name].addEventListener("input", fromFields); });
    fromFields();
  }

  Array.prototype.forEach.call(document.querySelectorAll("form.black-out"), setUp);
})();
