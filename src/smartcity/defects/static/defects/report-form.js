/* The report form: pick a place (map tap, device position or address), then show open
   reports of the same category nearby ("Ist es eine dieser Meldungen?"). */
(function () {
  "use strict";
  var form = document.querySelector(".report-form");
  if (!form) { return; }
  var configElement = document.getElementById("defects-map-config");
  var config = configElement ? JSON.parse(configElement.textContent) : {};
  var lat = form.querySelector("#id_latitude");
  var lon = form.querySelector("#id_longitude");
  var category = form.querySelector("#id_category");
  var address = form.querySelector("#id_address");
  var suggestions = document.getElementById("address-suggestions");
  var positionStatus = document.getElementById("position-status");
  var duplicates = document.getElementById("duplicates");
  var duplicateList = document.getElementById("duplicate-list");
  var template = document.getElementById("duplicate-template");
  var marker = null;
  // Translated texts come from the page (German is the source language).
  var texts = (document.getElementById("form-texts") || { dataset: {} }).dataset;

  function setPlace(latitude, longitude, label) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (window.DefectsMap) {
      var map = window.DefectsMap.map;
      if (marker) { marker.setLatLng([latitude, longitude]); }
      else { marker = L.circleMarker([latitude, longitude], { radius: 10, color: "#00568f", weight: 3 }).addTo(map); }
      map.panTo([latitude, longitude]);
    }
    if (label && address) { address.value = label; }
    checkDuplicates();
  }

  if (window.DefectsMap) {
    window.DefectsMap.map.on("click", function (event) {
      setPlace(event.latlng.lat, event.latlng.lng);
    });
  }

  var positionButton = document.getElementById("use-position");
  if (positionButton) {
    positionButton.addEventListener("click", function () {
      if (!navigator.geolocation) {
        positionStatus.textContent = texts.unsupported;
        return;
      }
      positionStatus.textContent = texts.locating;
      navigator.geolocation.getCurrentPosition(function (position) {
        setPlace(position.coords.latitude, position.coords.longitude);
        positionStatus.textContent = texts.located;
      }, function () {
        positionStatus.textContent = texts.noPosition;
      }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  var searchTimer = null;
  function showSuggestions(items) {
    suggestions.innerHTML = "";
    items.forEach(function (item) {
      var option = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link-button";
      button.textContent = item.label;
      button.addEventListener("click", function () {
        setPlace(item.lat, item.lon, item.label);
        suggestions.hidden = true;
        address.setAttribute("aria-expanded", "false");
        address.focus();
      });
      option.setAttribute("role", "option");
      option.appendChild(button);
      suggestions.appendChild(option);
    });
    suggestions.hidden = items.length === 0;
    address.setAttribute("aria-expanded", items.length ? "true" : "false");
  }
  if (address && config.addresses_url) {
    address.addEventListener("input", function () {
      clearTimeout(searchTimer);
      var text = address.value.trim();
      if (text.length < 3) { showSuggestions([]); return; }
      searchTimer = setTimeout(function () {
        fetch(config.addresses_url + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(showSuggestions)
          .catch(function () { showSuggestions([]); });
      }, 250);
    });
  }

  function checkDuplicates() {
    if (!config.duplicates_url || !category.value || !lat.value || !lon.value) { return; }
    var query = "?category=" + encodeURIComponent(category.value) + "&lat=" + lat.value + "&lon=" + lon.value;
    fetch(config.duplicates_url + query, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (items) {
        duplicateList.innerHTML = "";
        items.forEach(function (item) {
          var entry = template.content.firstElementChild.cloneNode(true);
          var link = entry.querySelector('[data-slot="link"]');
          link.href = item.url;
          link.textContent = "#" + item.id + " " + item.category;
          entry.querySelector('[data-slot="meta"]').textContent =
            item.status_label + " · " + item.distance_m + " " + texts.metres + " · " +
            item.supporters + " " + texts.supporters;
          entry.querySelector('[data-slot="description"]').textContent = item.description;
          entry.querySelector('[data-slot="support"]').action = item.url + "unterstuetzen/";
          duplicateList.appendChild(entry);
        });
        duplicates.hidden = items.length === 0;
      })
      .catch(function () { duplicates.hidden = true; });
  }
  // Show only the chosen category's extra questions.
  function showQuestions() {
    form.querySelectorAll(".category-question").forEach(function (question) {
      question.hidden = question.dataset.category !== category.value;
    });
  }
  showQuestions();
  category.addEventListener("change", showQuestions);
  category.addEventListener("change", checkDuplicates);
  lat.addEventListener("change", checkDuplicates);
  lon.addEventListener("change", checkDuplicates);
})();
