// charts.js draws every chart of a dashboard page with the vendored ECharts.
// The server renders each chart's option JSON (built with go-echarts) into a
// data-option attribute, so the page needs no inline script under its CSP.
// This file adds what JSON cannot carry: number formatters in the page's
// locale, a phone layout (fewer axis labels), resizing, and no animation
// when the reader prefers reduced motion.
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var lang = document.documentElement.lang || "en";
  var reduced = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var charts = [];

  function formatter(el) {
    var kind = el.getAttribute("data-format");
    var cur = el.getAttribute("data-currency") || "BRL";
    var nf;
    if (kind === "money") {
      try {
        nf = new Intl.NumberFormat(lang, { style: "currency", currency: cur, maximumFractionDigits: 0 });
      } catch (e) {
        nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
      }
    } else if (kind === "percent") {
      return function (v) { return new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(v) + (lang === "pt-BR" ? "\u00a0%" : "%"); };
    } else {
      nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    }
    return function (v) { return typeof v === "number" ? nf.format(v) : v; };
  }

  function compact(el) {
    var kind = el.getAttribute("data-format");
    var cur = el.getAttribute("data-currency") || "BRL";
    var opts = { notation: "compact", maximumFractionDigits: 1 };
    if (kind === "money") { opts.style = "currency"; opts.currency = cur; }
    var nf;
    try { nf = new Intl.NumberFormat(lang, opts); } catch (e) { nf = new Intl.NumberFormat(lang); }
    return function (v) { return nf.format(v); };
  }

  function draw(el) {
    var option;
    try { option = JSON.parse(el.getAttribute("data-option")); } catch (e) { return; }
    var fmt = formatter(el);
    var narrow = el.clientWidth < 480;
    option.animation = !reduced;
    option.tooltip = option.tooltip || {};
    option.tooltip.valueFormatter = fmt;
    if (option.yAxis && !Array.isArray(option.yAxis)) {
      option.yAxis.axisLabel = option.yAxis.axisLabel || {};
      option.yAxis.axisLabel.formatter = compact(el);
    }
    if (narrow && option.grid) {
      option.grid.bottom = 72; // room for a legend wrapped on two lines
    }
    if (option.xAxis && !Array.isArray(option.xAxis) && narrow) {
      var n = (option.xAxis.data || []).length;
      option.xAxis.axisLabel = option.xAxis.axisLabel || {};
      option.xAxis.axisLabel.interval = n > 6 ? Math.ceil(n / 4) - 1 : 0;
    }
    (option.series || []).forEach(function (s) {
      if (s.type === "gauge") {
        s.detail = s.detail || {};
        s.detail.formatter = function (v) { return fmt(v); };
      }
      if (s.type === "funnel") {
        s.label = s.label || {};
        s.label.formatter = function (p) { return p.name + ": " + compact(el)(p.value); };
      }
    });
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  }

  function start() {
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) { draw(els[i]); }
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
