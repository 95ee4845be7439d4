/* The parcels map of the land bureau: the listed parcels as polygons; a click anywhere asks the locator for the
   parcel under it and opens its one-code dossier. */
(function () {
  "use strict";
  function setup() {
    var el = document.getElementById("parcel-map");
    if (!el || !window.L || !window.GaoxinMap) return;
    var source = document.getElementById(el.dataset.parcels);
    var data = source ? JSON.parse(source.textContent) : { features: [] };
    var map = window.GaoxinMap.baseMap(el);
    map.setView([34.81, 113.55], 12);
    var layer = L.geoJSON(data, {
      style: function (f) { return { color: f.properties.supplied ? "#b91c1c" : "#1d4ed8", weight: 1, fillOpacity: 0.3 }; },
      onEachFeature: function (f, l) { l.bindTooltip(window.GaoxinMap.escapeText(f.properties.code + " " + f.properties.name)); }
    }).addTo(map);
    if (layer.getBounds().isValid()) map.fitBounds(layer.getBounds().pad(0.1), { maxZoom: 16 });
    map.on("click", function (e) {
      window.location.href = el.dataset.dossier + "?lon=" + e.latlng.lng.toFixed(6) + "&lat=" + e.latlng.lat.toFixed(6);
    });
    layer.on("click", function (e) {
      window.location.href = el.dataset.dossier + "?lon=" + e.latlng.lng.toFixed(6) + "&lat=" + e.latlng.lat.toFixed(6);
    });
  }
  document.addEventListener("DOMContentLoaded", setup);
})();
