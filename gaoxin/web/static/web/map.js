/* Maps of the case page, the report forms and the grid worker's page (Leaflet).
   Without GAOXIN_TILE_URL the app draws its own vector base map (/maps/base.geojson: street boundaries, named
   roads, landmarks) under the grids; with it, the tile service (e.g. 天地图 on the government network). */
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

  // The app's own vector base map (street boundaries, named roads, landmarks), fetched once per page.
  var basemapData = null;
  function basemap() {
    if (!basemapData) {
      basemapData = fetch("/maps/base.geojson", { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .catch(function () { return { features: [] }; });
    }
    return basemapData;
  }

  var STYLE = {
    street: { color: "#7c6f9b", weight: 2, dashArray: "6 4", fill: false, interactive: false },
    roadCasing: { color: "#c9c2b5", weight: 7, opacity: 1, interactive: false },
    road: { color: "#ffffff", weight: 5, opacity: 1, interactive: false }
  };

  function drawBasemap(map, data) {
    var labels = [];
    var extent = null;
    function label(latlng, text, cls) {
      var marker = L.marker(latlng, {
        pane: "basemapLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "map-label " + cls, html: "<span>" + escapeText(text) + "</span>", iconSize: null })
      }).addTo(map);
      labels.push({ marker: marker, cls: cls });
    }
    var features = data.features || [];
    ["street", "road", "landmark"].forEach(function (kind) {
      features.filter(function (f) { return f.properties.kind === kind; }).forEach(function (f) {
        var name = f.properties.name;
        if (kind === "street") {
          var shape = L.geoJSON(f, { pane: "basemap", style: STYLE.street }).addTo(map);
          extent = extent ? extent.extend(shape.getBounds()) : shape.getBounds();
          label(shape.getBounds().getCenter(), name, "street-label");
        } else if (kind === "road") {
          L.geoJSON(f, { pane: "basemap", style: STYLE.roadCasing }).addTo(map);
          L.geoJSON(f, { pane: "basemap", style: STYLE.road }).addTo(map);
          // The name along the road (at its vertices), so that a zoomed-in map still shows which road it is.
          var parts = f.geometry.type === "MultiLineString" ? f.geometry.coordinates : [f.geometry.coordinates];
          parts.forEach(function (line) {
            line.forEach(function (c, i) { if (i % 2 === 1 || line.length < 3) label([c[1], c[0]], name, "road-label"); });
          });
        } else {
          var c = f.geometry.coordinates;
          L.circleMarker([c[1], c[0]], { pane: "basemap", radius: 4, color: "#7a5c2e", weight: 1,
                                         fillColor: "#d9a441", fillOpacity: 1, interactive: false }).addTo(map);
          label([c[1], c[0]], name, "landmark-label");
        }
      });
    });
    function byZoom() {
      var z = map.getZoom();
      labels.forEach(function (l) {
        var show = l.cls === "street-label" ? z <= 14 : z >= (l.cls === "road-label" ? 14 : 13);
        l.marker.getElement().style.display = show ? "" : "none";
      });
    }
    map.on("zoomend", byZoom);
    // A map with nothing of its own to show (the report form before a pin) opens on the whole zone.
    if (map.options.fitZone && extent && extent.isValid()) map.fitBounds(extent);
    byZoom();
  }

  function baseMap(el) {
    var map = L.map(el, { attributionControl: false, zoomControl: true, zoomSnap: 0.25 });
    var url = tileUrl();
    if (url) {
      L.tileLayer(url, { maxZoom: 19 }).addTo(map);
      return map;
    }
    el.classList.add("no-tiles");
    map.createPane("basemap").style.zIndex = 250;  // under the grids and markers (overlayPane is 400)
    map.createPane("basemapLabels").style.zIndex = 450;
    map.getPane("basemapLabels").style.pointerEvents = "none";
    map.whenReady(function () { basemap().then(function (data) { drawBasemap(map, data); }); });
    return map;
  }
  window.GaoxinMap = { baseMap: baseMap, escapeText: escapeText };

  function setup(el) {
    if (el.dataset.ready) return;
    el.dataset.ready = "1";
    var source = document.getElementById(el.dataset.map || "");
    var data = source ? JSON.parse(source.textContent) : { points: [], geometry: null };
    var map = baseMap(el);
    el.gaoxinMap = map;  // for the browser tests
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
    else map.options.fitZone = true;

    if (!el.dataset.pick) return;
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var picked = null;
    function place(latValue, lonValue, zoom) {
      map.options.fitZone = false;
      if (picked) picked.setLatLng([latValue, lonValue]);
      else picked = L.circleMarker([latValue, lonValue], { radius: 8, color: "#b91c1c", weight: 2, fillOpacity: 0.7 }).addTo(map);
      if (zoom) map.setView([latValue, lonValue], Math.max(map.getZoom(), 15));
    }
    function announcePick() { document.body.dispatchEvent(new CustomEvent("gaoxin:picked")); }  // nearby reports
    map.on("click", function (e) {
      lon.value = e.latlng.lng.toFixed(6);
      lat.value = e.latlng.lat.toFixed(6);
      place(e.latlng.lat, e.latlng.lng, false);
      announcePick();
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
          announcePick();
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
