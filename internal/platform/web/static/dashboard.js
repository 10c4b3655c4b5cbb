// Draws the dashboard's charts from their data-chart JSON and opens the
// filtered member list when a bar or sector is clicked.
document.addEventListener('DOMContentLoaded', function () {
  if (!window.echarts) return;
  var palette = ['#b71c1c', '#ef9a9a', '#e65100', '#f9a825', '#2e7d32', '#1565c0', '#6a1b9a', '#5d4037'];
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var spec = JSON.parse(el.getAttribute('data-chart'));
    var chart = echarts.init(el, null, { renderer: 'svg' });
    var option;
    if (spec.kind === 'pie') {
      option = {
        color: palette,
        tooltip: { trigger: 'item', formatter: '{b}：{c}（{d}%）' },
        legend: { bottom: 0, type: 'scroll' },
        series: [{ type: 'pie', radius: ['35%', '65%'], name: spec.series[0].name,
          data: spec.categories.map(function (c, i) { return { name: c, value: spec.series[0].data[i] }; }) }]
      };
    } else {
      var horizontal = spec.kind === 'hbar';
      // Every category label is shown; long vertical ones are slanted.
      var cats = { type: 'category', data: spec.categories, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
      var vals = { type: 'value', minInterval: 1 };
      option = {
        color: palette,
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { show: spec.series.length > 1, bottom: 0 },
        grid: { left: 8, right: 16, top: 16, bottom: spec.series.length > 1 ? 32 : 8, containLabel: true },
        xAxis: horizontal ? vals : cats,
        yAxis: horizontal ? cats : vals,
        series: spec.series.map(function (s) {
          return { type: 'bar', name: s.name, stack: 'total', data: s.data, barMaxWidth: 36 };
        })
      };
      if (horizontal) option.yAxis.inverse = true;
    }
    chart.setOption(option);
    chart.on('click', function (p) {
      var links = spec.series[p.seriesIndex || 0].links;
      if (links && links[p.dataIndex]) window.location.href = links[p.dataIndex];
    });
    el.setAttribute('data-drawn', 'true');
    window.addEventListener('resize', function () { chart.resize(); });
  });
});
