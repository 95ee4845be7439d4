/* The compute network's charts: the overview's CU-hours (bars) and user enterprises (line) per month, and a
   pool's monthly utilisation, drawn from the page's JSON blocks with the bundled ECharts. */
(function () {
  "use strict";
  function zh() { return document.documentElement.lang.indexOf("zh") === 0; }
  function months(list) { return list.map(function (m) { return m + (zh() ? "月" : ""); }); }
  function mount(id) {
    var el = document.getElementById(id);
    if (!el || typeof echarts === "undefined") return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }
  function overview() {
    var data = document.getElementById("overview-data");
    var chart = data && mount("overview-chart");
    if (!chart) return;
    var d = JSON.parse(data.textContent);
    var l = JSON.parse(document.getElementById("overview-labels").textContent);
    chart.setOption({
      color: ["#1d4ed8", "#f59e0b"],
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: months(d.months) },
      yAxis: [{ type: "value" }, { type: "value", minInterval: 1 }],
      series: [{ name: l.cu, type: "bar", data: d.cu }, { name: l.users, type: "line", yAxisIndex: 1, data: d.users }]
    });
  }
  function pool() {
    var data = document.getElementById("pool-data");
    var chart = data && mount("pool-chart");
    if (!chart) return;
    var d = JSON.parse(data.textContent);
    chart.setOption({
      color: ["#10b981"], tooltip: { trigger: "axis" },
      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: months(d.months) }, yAxis: { type: "value", max: 100 },
      series: [{ type: "bar", data: d.shares }]
    });
  }
  document.addEventListener("DOMContentLoaded", function () { overview(); pool(); });
})();
