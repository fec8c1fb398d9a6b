/* The patents statistics page (patents/statistics.html): applications and grants by year, from
 * the json_script block "patent-chart-data". Needs vendor/echarts.min.js first. On a phone
 * (ECharts' media query) the legend scrolls and the labels shrink, inside the grid. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("patent-chart-data").textContent);
  var chart = echarts.init(document.getElementById("patent-chart"));
  chart.setOption({
    baseOption: {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, confine: true},
      legend: {type: "scroll", top: 0},
      grid: {left: 16, right: 20, top: 60, bottom: 24, containLabel: true},
      xAxis: {type: "category", data: data.years},
      yAxis: {type: "value", name: "件", nameTextStyle: {align: "left"}},
      series: data.series.map(function (s) { return {name: s.name, type: "bar", stack: s.stack, data: s.data, emphasis: {focus: "series"}}; })
    },
    media: [{
      query: {maxWidth: 480},
      option: {
        legend: {itemWidth: 14, itemGap: 6, textStyle: {fontSize: 11}},
        grid: {left: 4, right: 8, top: 52},
        xAxis: {axisLabel: {fontSize: 10, hideOverlap: true}},
        yAxis: {axisLabel: {fontSize: 10}}
      }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
