/* Maps of the case page, the report forms and the grid worker's page (Leaflet).
   Without GAOXIN_TILE_URL there is no base map: grid polygons on a plain background. */
(function () {
  "use strict";
  var CENTER = [34.81, 113.55];

  function escapeText(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function tileUrl() {
    var meta = document.querySelector('meta[name="gaoxin-tiles"]');
    return meta ? meta.content : "";
  }

  function baseMap(el) {
    var map = L.map(el, { attributionControl: false, zoomControl: true });
    var url = tileUrl();
    if (url) L.tileLayer(url, { maxZoom: 19 }).addTo(map);
    else el.classList.add("no-tiles");
    return map;
  }
  window.GaoxinMap = { baseMap: baseMap, escapeText: escapeText };

  function setup(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.map || "");
    var data = source ? JSON.parse(source.textContent) : { points: [], geometry: null };
    var map = baseMap(el);
    map.setView(CENTER, 12);  // a view first: Leaflet cannot draw vector layers on a map without one
    var bounds = null;
    if (data.geometry) {
      var shape = L.geoJSON(data.geometry, { style: { color: "#1d4ed8", weight: 2, fillOpacity: 0.08 } }).addTo(map);
      bounds = shape.getBounds();
    }
    (data.points || []).forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], {
        radius: p.main ? 8 : 6, color: p.main ? "#b91c1c" : "#1d4ed8", weight: 2, fillOpacity: 0.7
      }).addTo(map);
      marker.bindTooltip(escapeText(p.label));
      bounds = bounds ? bounds.extend(marker.getLatLng()) : L.latLngBounds([marker.getLatLng()]);
    });
    if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });

    if (!el.dataset.pick) return;
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var picked = null;
    function place(latValue, lonValue, zoom) {
      if (picked) picked.setLatLng([latValue, lonValue]);
      else picked = L.circleMarker([latValue, lonValue], { radius: 8, color: "#b91c1c", weight: 2, fillOpacity: 0.7 }).addTo(map);
      if (zoom) map.setView([latValue, lonValue], Math.max(map.getZoom(), 15));
    }
    map.on("click", function (e) {
      lon.value = e.latlng.lng.toFixed(6);
      lat.value = e.latlng.lat.toFixed(6);
      place(e.latlng.lat, e.latlng.lng, false);
    });
    function fromInputs() {
      var x = parseFloat(lon.value), y = parseFloat(lat.value);
      if (isFinite(x) && isFinite(y)) place(y, x, true);
    }
    lon.addEventListener("change", fromInputs);
    lat.addEventListener("change", fromInputs);
    fromInputs();
    var locate = document.querySelector(".js-locate");
    var status = document.querySelector(".js-locate-status");
    if (locate) {
      locate.addEventListener("click", function () {
        if (!navigator.geolocation) { if (status) status.textContent = "×"; return; }
        if (status) status.textContent = "…";
        navigator.geolocation.getCurrentPosition(function (pos) {
          lon.value = pos.coords.longitude.toFixed(6);
          lat.value = pos.coords.latitude.toFixed(6);
          place(pos.coords.latitude, pos.coords.longitude, true);
          if (status) status.textContent = "✓ ±" + Math.round(pos.coords.accuracy) + " m";
        }, function (err) {
          if (status) status.textContent = "× " + err.message;
        }, { enableHighAccuracy: true, timeout: 10000 });
      });
    }
  }

  function init() { document.querySelectorAll(".js-map").forEach(setup); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
