/* Background tiles: loaded at once from the city's own server, or from OpenStreetMap only
   after the visitor pressed "Karte laden" (remembered in localStorage). */
(function () {
  "use strict";
  var KEY = "smartcity.tileConsent";

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "yes"; } catch (e) { return false; }
  }
  function remember(value) {
    try {
      if (value) { window.localStorage.setItem(KEY, "yes"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* private mode: consent lasts for this page only */ }
  }

  window.SmartCityTiles = {
    attach: function (map, config) {
      var box = document.querySelector("[data-tile-consent]");
      var revokeBox = document.querySelector("[data-tile-consent-revoke-box]");
      function load() {
        L.tileLayer(config.url, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
        if (box) { box.hidden = true; }
        if (revokeBox && config.needs_consent) { revokeBox.hidden = false; }
      }
      if (!config.needs_consent || remembered()) { load(); return; }
      if (!box) { return; }
      box.hidden = false;
      box.querySelector("[data-tile-consent-accept]").addEventListener("click", function () {
        remember(true);
        load();
      });
      if (revokeBox) {
        revokeBox.querySelector("[data-tile-consent-revoke]").addEventListener("click", function () {
          remember(false);
          revokeBox.hidden = true;
        });
      }
    }
  };
})();
