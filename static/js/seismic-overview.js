/* The earthquake-safety overview (seismic/overview.html): activities and participants by month,
 * from the json_script block "months-data". Needs vendor/echarts.min.js first. */
(function () {
  "use strict";
  var rows = JSON.parse(document.getElementById("months-data").textContent);
  var chart = echarts.init(document.getElementById("chart-months"));
  chart.setOption({
    tooltip: {trigger: "axis"}, legend: {data: ["活动次数", "参与人次"]},
    xAxis: {type: "category", data: rows.map(function (r) { return r.month + "月"; })},
    yAxis: [{type: "value", name: "次"}, {type: "value", name: "人次"}],
    series: [
      {name: "活动次数", type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: {color: "#1f4e8c"}},
      {name: "参与人次", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.participants; }), itemStyle: {color: "#b8282e"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
