/* The patents statistics page (patents/statistics.html): applications and grants by year, from
 * the json_script block "patent-chart-data". Needs vendor/echarts.min.js first. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("patent-chart-data").textContent);
  var chart = echarts.init(document.getElementById("patent-chart"));
  chart.setOption({
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {top: 0},
    grid: {left: 50, right: 20, top: 60, bottom: 30},
    xAxis: {type: "category", data: data.years},
    yAxis: {type: "value", name: "件"},
    series: data.series.map(function (s) { return {name: s.name, type: "bar", stack: s.stack, data: s.data, emphasis: {focus: "series"}}; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
