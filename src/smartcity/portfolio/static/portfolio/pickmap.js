/* The submission form's location picker: a click on the map fills latitude and longitude.
   No background tiles here: the fields can also be typed, the map is an aid. */
(function () {
  "use strict";
  var element = document.getElementById("pick-map");
  if (!element || !window.L) { return; }
  var lat = document.getElementById(element.dataset.latInput);
  var lon = document.getElementById(element.dataset.lonInput);
  var map = L.map(element, { maxZoom: 19 }).setView([51.48, 7.50], 11);
  var marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else {
      marker = L.circleMarker(latlng, { radius: 9, color: "#ffffff", weight: 2, fillColor: "#00568f", fillOpacity: 1 }).addTo(map);
    }
  }
  if (lat.value && lon.value) { place([+lat.value, +lon.value]); map.setView([+lat.value, +lon.value], 14); }
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
  });
})();
