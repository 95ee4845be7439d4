/* The SME growth index: the chains' median per year (#index-trend) and an enterprise's score and rank per year
   (#index-history), drawn from their JSON blocks. */
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  function draw() {
    if (typeof echarts === "undefined") return;
    var trend = data("index-trend-data"), el = document.getElementById("index-trend");
    if (trend && el) {
      echarts.init(el, null, { renderer: "canvas" }).setOption({
        tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 },
        grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: trend.years }, yAxis: { type: "value", min: 0 },
        series: trend.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: true }; })
      });
    }
    var history = data("index-history-data"), box = document.getElementById("index-history");
    if (history && box) {
      echarts.init(box, null, { renderer: "canvas" }).setOption({
        tooltip: { trigger: "axis" }, grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: history.years },
        yAxis: [{ type: "value", min: 0, max: 100 }, { type: "value", inverse: true, minInterval: 1 }],
        series: [{ name: "指数", type: "bar", data: history.scores },
                 { name: "排名", type: "line", yAxisIndex: 1, data: history.ranks }]
      });
    }
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
