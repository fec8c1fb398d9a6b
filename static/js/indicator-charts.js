/* The indicators dashboard (reports/dashboard.html): one five-year trend chart per entry of the
 * json_script block "kj-charts", drawn into the element with the entry's id. Needs
 * vendor/echarts.min.js first. */
(function () {
  "use strict";
  var charts = JSON.parse(document.getElementById("kj-charts").textContent);
  var palette = ["#1f4e8c", "#c0392b", "#2e8b57", "#d4a017"];
  charts.forEach(function (c) {
    var chart = echarts.init(document.getElementById(c.id));
    chart.setOption({
      color: palette,
      title: {text: c.title + "（近五年）", left: "center", textStyle: {fontSize: 14}},
      tooltip: {trigger: "axis"},
      legend: {bottom: 0},
      grid: {left: 60, right: 20, top: 40, bottom: 50},
      xAxis: {type: "category", data: c.years},
      yAxis: {type: "value", name: c.unit},
      series: c.series.map(function (s) { return {name: s.name, type: c.kind, data: s.data, connectNulls: true}; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
