/* The indicators dashboard (reports/dashboard.html): one five-year trend chart per entry of the
 * json_script block "kj-charts", drawn into the element with the entry's id. Needs
 * vendor/echarts.min.js first. ECharts' media queries (baseOption + media) keep the title, the
 * unit and the legend apart on a phone: smaller title, the unit above the axis, a scrolling
 * legend under the plot, labels inside the grid (containLabel). */
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("kj-charts").textContent);
  var palette = ["#1f4e8c", "#c0392b", "#2e8b57", "#d4a017"];
  charts.forEach(function (c) {
    var element = document.getElementById(c.id);
    element.setAttribute("role", "img");  // its aria-label names the chart
    var chart = echarts.init(element);
    chart.setOption({
      baseOption: {
        color: palette,
        title: {text: c.title + "（近五年）", left: "center", top: 0, textStyle: {fontSize: 14}},
        tooltip: {trigger: "axis", confine: true},
        legend: {type: "scroll", bottom: 0},
        grid: {left: 16, right: 20, top: 56, bottom: 40, containLabel: true},
        xAxis: {type: "category", data: c.years},
        yAxis: {type: "value", name: c.unit, nameGap: 12, nameTextStyle: {align: "left"}},
        series: c.series.map(function (s) { return {name: s.name, type: c.kind, data: s.data, connectNulls: true}; })
      },
      media: [{
        query: {maxWidth: 480},
        option: {
          title: {textStyle: {fontSize: 12}, top: 0},
          legend: {bottom: 0, itemWidth: 14, itemGap: 6, textStyle: {fontSize: 11}},
          grid: {left: 4, right: 8, top: 52, bottom: 36},
          xAxis: {axisLabel: {fontSize: 10, hideOverlap: true}},
          yAxis: {nameTextStyle: {fontSize: 10}, axisLabel: {fontSize: 10}}
        }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
