// Member development pages: the funnel chart and the print button.
(function () {
  "use strict";
  function funnel() {
    var el = document.getElementById("dev-funnel");
    if (!el || !window.echarts) return;
    var data = JSON.parse(el.getAttribute("data-funnel") || "[]");
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}：{c} 人" },
      color: ["#c0392b", "#d35400", "#e67e22", "#f1c40f", "#27ae60"],
      series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { formatter: "{b} {c}" }, data: data }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function load(src, done) {
    if (window.echarts) return done();
    var s = document.createElement("script");
    s.src = src;
    s.onload = done;
    document.head.appendChild(s);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("dev-funnel");
    if (el) load(el.getAttribute("data-echarts"), funnel);
    document.querySelectorAll(".print-button").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
