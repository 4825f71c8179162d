/* A location picker for forms (project submission, ideas): a click on the map, or Enter /
   Space on the focused map (arrow keys move it, + and - zoom), puts the point at the map's
   centre into the latitude and longitude fields. The fields stay the fallback and can be
   typed; typing moves the point. Background tiles with the page's tile consent, when the
   page gives a tile configuration (data-tiles: id of a json_script element).

   <div id="pick-map" data-lat-input="id_latitude" data-lon-input="id_longitude"
        data-tiles="pick-map-tiles" data-status="pick-map-status"
        data-placed="Ort übernommen: Breite {lat}, Länge {lon}." data-clear="pick-map-clear"
        data-center="51.51,7.46">
   data-placed is the whole translated sentence; {lat} and {lon} are replaced here. */
(function () {
  "use strict";
  var element = document.getElementById("pick-map");
  if (!element || !window.L) { return; }
  var lat = document.getElementById(element.dataset.latInput);
  var lon = document.getElementById(element.dataset.lonInput);
  var status = element.dataset.status ? document.getElementById(element.dataset.status) : null;
  var clear = element.dataset.clear ? document.getElementById(element.dataset.clear) : null;
  var center = (element.dataset.center || "51.48,7.50").split(",").map(Number);
  var map = L.map(element, { maxZoom: 19, keyboard: true }).setView(center, 11);
  element.setAttribute("tabindex", "0");
  element.setAttribute("role", "application");
  var marker = null;

  if (element.dataset.tiles && window.SmartCityTiles) {
    var source = document.getElementById(element.dataset.tiles);
    if (source) { window.SmartCityTiles.attach(map, JSON.parse(source.textContent)); }
  }

  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, {
        radius: 9, color: "#ffffff", weight: 2, fillColor: "#00568f", fillOpacity: 1
      }).addTo(map);
    }
    if (clear) { clear.hidden = false; }
  }
  function take(latlng) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    place(latlng);
    element.dataset.picked = lat.value + "," + lon.value;
    if (status) {
      status.textContent = (element.dataset.placed || "{lat}, {lon}")
        .replace("{lat}", lat.value).replace("{lon}", lon.value);
    }
  }
  function fromFields() {
    var la = parseFloat(lat.value), lo = parseFloat(lon.value);
    if (isNaN(la) || isNaN(lo) || Math.abs(la) > 90 || Math.abs(lo) > 180) { return false; }
    place([la, lo]);
    map.setView([la, lo], Math.max(map.getZoom(), 14));
    return true;
  }

  fromFields();
  map.on("click", function (event) { take(event.latlng); });
  element.addEventListener("keydown", function (event) {
    if (event.target !== element) { return; }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      take(map.getCenter());
    }
  });
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  if (clear) {
    clear.hidden = !(lat.value && lon.value);
    clear.addEventListener("click", function () {
      lat.value = "";
      lon.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      clear.hidden = true;
      delete element.dataset.picked;
      if (status) { status.textContent = clear.dataset.cleared || ""; }
    });
  }
  window.SmartCityPickMap = { map: map, take: take };
})();
