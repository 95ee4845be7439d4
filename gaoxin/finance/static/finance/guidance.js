/* The guidance funds' dashboard: per fund, committed vs paid in vs invested, and the 返投 obligation vs what was
   invested in the zone, in 亿元, drawn from the #guidance-data JSON block. A bar opens its fund. */
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("guidance-chart");
    var data = document.getElementById("guidance-data");
    if (!el || !data || typeof echarts === "undefined") return;
    var d = JSON.parse(data.textContent);
    var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
    var names = zh ? ["认缴", "实缴", "已投资", "返投要求", "区内投资"]
                   : ["Committed", "Paid in", "Invested", "Reinvestment due", "Invested in the zone"];
    var keys = ["committed", "paid_in", "invested", "reinvest_due", "in_zone"];
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#1d4ed8", "#0ea5e9", "#10b981", "#f59e0b", "#8b5cf6"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: zh ? "亿元" : "100M yuan" },
      yAxis: { type: "category", data: d.funds, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
      series: keys.map(function (k, i) { return { name: names[i], type: "bar", data: d[k] }; })
    });
    chart.on("click", function (p) { if (d.urls[p.dataIndex]) window.location.href = d.urls[p.dataIndex]; });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
