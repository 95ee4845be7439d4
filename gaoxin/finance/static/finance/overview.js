/* The finance overview: money raised per month, one stacked bar per channel, in 亿元, drawn from the
   #overview-data JSON block. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("overview-chart");
    var data = document.getElementById("overview-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var d = JSON.parse(data.textContent);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#1d4ed8", "#10b981", "#f59e0b", "#8b5cf6"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: d.months.map(function (m) { return m + (document.documentElement.lang.indexOf("zh") === 0 ? "月" : ""); }) },
      yAxis: { type: "value" },
      series: d.channels.map(function (name, i) { return { name: name, type: "bar", stack: "raised", data: d.series[i] }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
