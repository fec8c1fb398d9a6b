/* The earthquake-safety overview (seismic/overview.html): activities and participants by month,
 * from the json_script block "months-data". Needs vendor/echarts.min.js first. On a phone
 * (ECharts' media query) the labels shrink and the axis names stay clear of the legend. */
(function () {
  "use strict";
  var rows = JSON.parse(document.getElementById("months-data").textContent);
  var chart = echarts.init(document.getElementById("chart-months"));
  chart.setOption({
    baseOption: {
      tooltip: {trigger: "axis", confine: true}, legend: {data: ["活动次数", "参与人次"], top: 0},
      grid: {left: 16, right: 16, top: 56, bottom: 16, containLabel: true},
      xAxis: {type: "category", data: rows.map(function (r) { return r.month + "月"; })},
      yAxis: [{type: "value", name: "次"}, {type: "value", name: "人次"}],
      series: [
        {name: "活动次数", type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: {color: "#1f4e8c"}},
        {name: "参与人次", type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.participants; }), itemStyle: {color: "#b8282e"}}
      ]
    },
    media: [{
      query: {maxWidth: 480},
      option: {
        legend: {textStyle: {fontSize: 11}},
        grid: {left: 4, right: 4, top: 52},
        xAxis: {axisLabel: {fontSize: 10, hideOverlap: true}},
        yAxis: [{axisLabel: {fontSize: 10}, nameTextStyle: {fontSize: 10}}, {axisLabel: {fontSize: 10}, nameTextStyle: {fontSize: 10}}]
      }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
