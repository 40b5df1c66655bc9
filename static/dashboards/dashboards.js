// The dashboards' charts (Apache ECharts, served from static/vendor/echarts): a trend line in each figure's card
// and the comparison of the places one level down (a bar each; a click opens that place's dashboard). The data is
// the page's own (json_script "dashboard-data", the same numbers as the .xlsx). SVG renderer: sharp when printed.
(function () {
  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  function fmt(unit) {
    return function (v) { return v === null || v === undefined ? "—" : unit === "percent" ? v + "%" : String(v); };
  }
  function make(el) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    charts.push(chart);
    return chart;
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = data[el.getAttribute("data-chart")];
    if (!d) return;
    make(el).setOption({
      animation: false,
      grid: { left: 36, right: 8, top: 8, bottom: 20 },
      tooltip: { trigger: "axis", valueFormatter: fmt(d.unit) },
      xAxis: { type: "category", data: d.months, axisLabel: { fontSize: 10, formatter: function (m) { return m.slice(5) || m; } } },
      yAxis: { type: "value", max: d.unit === "percent" ? 100 : null, axisLabel: { fontSize: 10 }, splitNumber: 2 },
      series: [{ type: "line", data: d.trend, connectNulls: false, symbolSize: 4, lineStyle: { width: 2 } }],
    });
  });
  var select = document.querySelector("[data-compare]");
  var box = document.querySelector("[data-compare-chart]");
  if (select && box) {
    var compare = null;
    var draw = function () {
      var d = data[select.value];
      if (!d) return;
      var units = d.units.slice().sort(function (a, b) {
        var x = a.thin || a.value === null ? -Infinity : a.value, y = b.thin || b.value === null ? -Infinity : b.value;
        return d.higher ? y - x : (x === -Infinity ? 1 : y === -Infinity ? -1 : x - y);
      });
      box.style.height = Math.max(120, units.length * 26 + 40) + "px";
      if (!compare) {
        compare = make(box);
        compare.on("click", function (p) { var u = p.data && p.data.url; if (u) window.location.href = u; });
      } else {
        compare.resize();
      }
      compare.setOption({
        animation: false,
        grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
        tooltip: { valueFormatter: fmt(d.unit) },
        xAxis: { type: "value", max: d.unit === "percent" ? 100 : null },
        yAxis: { type: "category", inverse: true, data: units.map(function (u) { return u.name; }) },
        series: [{
          type: "bar",
          barMaxWidth: 18,
          label: { show: true, position: "right", formatter: function (p) { return fmt(d.unit)(p.value); } },
          data: units.map(function (u) {
            return { value: u.value, url: u.url, itemStyle: { color: u.thin ? "#c9c9c9" : "#2f6fb0" }, cursor: u.url ? "pointer" : "default" };
          }),
        }],
      }, true);
    };
    select.addEventListener("change", draw);
    draw();
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  var printer = document.querySelector("[data-print]");
  if (printer) printer.addEventListener("click", function () { window.print(); });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
})();
