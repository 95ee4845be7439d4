/* The operations dashboard: ECharts charts and the grid map, drawn from the #dash-data JSON block and drawn
   again after every htmx refresh of #panels. Every chart element links to the case list behind it. */
(function () {
  "use strict";
  var charts = [];
  var map = null;
  var COLORS = ["#1d4ed8", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#64748b", "#14b8a6"];

  function go(url) { if (url) window.location.href = url; }

  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el, null, { renderer: "canvas" });
    c.setOption(option);
    if (onClick) c.on("click", onClick);
    charts.push(c);
  }

  function esc(text) { var d = document.createElement("div"); d.textContent = String(text); return d.innerHTML; }

  function lerp(a, b, t) { return Math.round(a + (b - a) * t); }
  function shade(t, overdue) {
    var from = overdue ? [255, 243, 224] : [224, 236, 255];
    var to = overdue ? [198, 40, 40] : [29, 78, 216];
    t = Math.max(0, Math.min(1, t));
    return "rgb(" + lerp(from[0], to[0], t) + "," + lerp(from[1], to[1], t) + "," + lerp(from[2], to[2], t) + ")";
  }

  // What the shading means: a colour ramp from none to the most (cases registered) or to all overdue.
  function legend(target, overdue, max, labels) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      var title = overdue ? labels.legend_overdue : labels.legend_density;
      div.innerHTML = "<div>" + esc(title) + "</div><div class=\"ramp\" style=\"background: linear-gradient(90deg, " +
        shade(0, overdue) + ", " + shade(1, overdue) + ")\"></div><div class=\"ends\"><span>0</span><span>" +
        (overdue ? "100%" : esc(max)) + "</span></div>";
      return div;
    };
    control.addTo(target);
  }

  function drawMap(data) {
    var el = document.querySelector(".js-dash-map");
    if (!el) return;
    map = window.GaoxinMap ? window.GaoxinMap.baseMap(el) : L.map(el, { attributionControl: false });
    if (!window.GaoxinMap) el.classList.add("no-tiles");
    map.setView([34.81, 113.55], 12);
    var m = data.map;
    var values = m.values || {};
    var overdue = m.shade === "overdue";
    var max = 0;
    Object.keys(values).forEach(function (k) { max = Math.max(max, values[k].n); });
    fetch(m.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (geo) {
      if (!map) return;
      var layer = L.geoJSON(geo, {
        style: function (f) {
          var v = values[String(f.properties.id)] || { n: 0, overdue: 0 };
          var t = overdue ? (v.n ? v.overdue / v.n : 0) : (max ? v.n / max : 0);
          var selected = m.selected === f.properties.id;
          return { color: selected ? "#111827" : "#475569", weight: selected ? 3 : 0.6, fillColor: shade(t, overdue),
                   fillOpacity: v.n ? 0.85 : 0.25 };
        },
        onEachFeature: function (f, lyr) {
          var v = values[String(f.properties.id)] || { n: 0, overdue: 0 };
          lyr.bindTooltip(esc(f.properties.name) + "<br>" + esc(data.labels.registered) + " " + v.n + " " +
                          esc(data.labels.cases) + " · " + esc(data.labels.overdue) + " " + v.overdue);
          lyr.on("click", function () {
            var id = f.properties.id;
            if (m.level === "micro" && m.selected === id) go(m.list + "&grid=" + id);
            else go(m.drill + "&grid=" + id);
          });
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      legend(map, overdue, max, data.labels);
      document.body.dataset.mapReady = "1";
    }).catch(function (err) { console.warn("map data", err); });
  }

  function render() {
    var source = document.getElementById("dash-data");
    if (!source || typeof echarts === "undefined") return;
    dispose();
    var data = JSON.parse(source.textContent);
    var t = data.trend;
    chart("chart-trend", {
      color: COLORS, tooltip: { trigger: "axis" }, legend: { data: [data.labels.registered, data.labels.closed] },
      grid: { left: 40, right: 16, top: 32, bottom: 28 },
      yAxis: { type: "value", minInterval: 1 },
      xAxis: { type: "category", data: t.days, axisLabel: { hideOverlap: true } },
      series: [{ name: data.labels.registered, type: "line", data: t.registered, areaStyle: { opacity: 0.12 },
                 itemStyle: { color: "#1d4ed8" }, lineStyle: { color: "#1d4ed8" } },
               { name: data.labels.closed, type: "line", data: t.closed,  // 办结 in green, not a second blue
                 itemStyle: { color: "#16a34a" }, lineStyle: { color: "#16a34a", type: "dashed" } }]
    }, function (p) { go(data.day_list + "&reg_from=" + t.starts[p.dataIndex] + "&reg_to=" + t.ends[p.dataIndex]); });
    chart("chart-channels", {
      color: COLORS, tooltip: { trigger: "item" },
      // Names in the list under the chart; on the ring only the shares of slices wide enough to carry one.
      series: [{ type: "pie", radius: ["40%", "72%"], minShowLabelAngle: 18,
                 data: data.channels.map(function (c) { return { name: c.name, value: c.value, url: c.url }; }),
                 label: { position: "inside", color: "#fff", fontSize: 11,
                          formatter: function (p) { return Math.round(p.percent) + "%"; } } }]
    }, function (p) { go(p.data && p.data.url); });
    chart("chart-categories", {
      color: COLORS, tooltip: { trigger: "axis" }, grid: { left: 124, right: 16, top: 8, bottom: 20 },
      xAxis: { type: "value", minInterval: 1, splitNumber: 3, axisLabel: { hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: data.categories.map(function (c) { return c.name; }),
               axisLabel: { width: 116, overflow: "truncate" } },
      series: [{ type: "bar", data: data.categories.map(function (c) { return { value: c.value, url: c.url }; }) }]
    }, function (p) { go(p.data && p.data.url); });
    drawMap(data);
    document.body.dataset.chartsReady = String(charts.length);
  }

  function dispose() {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    if (map) { map.remove(); map = null; }
    delete document.body.dataset.mapReady;
  }

  document.addEventListener("DOMContentLoaded", render);
  document.addEventListener("htmx:beforeSwap", function (e) { if (e.detail.target && e.detail.target.id === "panels") dispose(); });
  document.addEventListener("htmx:afterSettle", function (e) { if (document.getElementById("dash-data")) render(); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
