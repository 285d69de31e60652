// Inline script of the isostack HTML report: a time cursor on each two-axis figure, clickable
// index rows. The page is complete without it.
(function () {
  "use strict";
  function human(ns) {
    var a = Math.abs(ns), s = ns < 0 ? "\u2212" : "+";
    if (a >= 1e9) return s + (a / 1e9).toPrecision(3) + " s";
    if (a >= 1e6) return s + (a / 1e6).toPrecision(3) + " ms";
    if (a >= 1e3) return s + (a / 1e3).toPrecision(3) + " \u00b5s";
    return s + Math.round(a) + " ns";
  }
  document.querySelectorAll("svg.two-axis").forEach(function (svg) {
    var x0 = +svg.dataset.x0, x1 = +svg.dataset.x1, t0 = +svg.dataset.t0, t1 = +svg.dataset.t1;
    var line = svg.querySelector(".cursor"), label = svg.querySelector(".cursor-label");
    svg.addEventListener("mousemove", function (e) {
      var m = svg.getScreenCTM();
      if (!m) return;
      var p = svg.createSVGPoint();
      p.x = e.clientX; p.y = e.clientY;
      var x = p.matrixTransform(m.inverse()).x;
      if (x < x0 || x > x1) { line.setAttribute("visibility", "hidden"); label.setAttribute("visibility", "hidden"); return; }
      line.setAttribute("x1", x); line.setAttribute("x2", x);
      label.setAttribute("x", Math.min(Math.max(x, x0 + 30), x1 - 30));
      label.textContent = human(t0 + (x - x0) / (x1 - x0) * (t1 - t0));
      line.setAttribute("visibility", "visible"); label.setAttribute("visibility", "visible");
    });
    svg.addEventListener("mouseleave", function () {
      line.setAttribute("visibility", "hidden"); label.setAttribute("visibility", "hidden");
    });
  });
  document.querySelectorAll(".index tr[data-href]").forEach(function (tr) {
    tr.addEventListener("click", function (e) {
      if (e.target.tagName !== "A") location.hash = tr.dataset.href;
    });
  });
  document.documentElement.setAttribute("data-rendered", "true");
})();
