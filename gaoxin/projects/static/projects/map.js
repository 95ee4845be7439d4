/* The leaders' project map: one marker per project, coloured by its light of the month, linking to the project. */
(function () {
  "use strict";
  var COLOURS = { red: "#dc2626", yellow: "#ca8a04", green: "#16a34a", "": "#64748b" };
  function setup() {
    var el = document.getElementById("project-map");
    if (!el || !window.L || !window.GaoxinMap) return;
    var source = document.getElementById(el.dataset.projects);
    var data = source ? JSON.parse(source.textContent) : { points: [] };
    var map = window.GaoxinMap.baseMap(el);
    map.setView([34.81, 113.55], 12);
    var bounds = null;
    data.points.forEach(function (p) {
      var marker = L.circleMarker([p.lat, p.lon], { radius: 7, color: COLOURS[p.light] || COLOURS[""], weight: 2,
                                                      fillOpacity: 0.8 }).addTo(map);
      marker.bindTooltip(window.GaoxinMap.escapeText(p.label));
      marker.on("click", function () { window.location.href = p.url; });
      bounds = bounds ? bounds.extend(marker.getLatLng()) : L.latLngBounds([marker.getLatLng()]);
    });
    if (bounds && bounds.isValid()) map.fitBounds(bounds.pad(0.2), { maxZoom: 16 });
  }
  document.addEventListener("DOMContentLoaded", setup);
})();
