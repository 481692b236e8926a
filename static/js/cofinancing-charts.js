/*
 * Draws the cofinancing charts on the overview page with Chart.js 4.
 *
 * Each <canvas data-chart="doughnut|bar" data-source="ID"> reads its data from the
 * {{ data|json_script:"ID" }} element next to it: {"labels": [...], "values": ["4500.00", ...]}
 * and, for organisations, "business": [true, false, ...]. Amounts arrive as decimal strings,
 * exactly as in the table beside each chart; the table is the source of truth, the canvas is
 * aria-hidden decoration. Without JavaScript the tables say everything.
 */
(function () {
  "use strict";

  // Okabe–Ito: distinguishable with the common kinds of colour blindness.
  var PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  var BUSINESS = "#0a58ca";
  var NOT_BUSINESS = "#adb5bd";

  var language = document.documentElement.lang || "nl";
  var euro = new Intl.NumberFormat(language, { style: "currency", currency: "EUR" });
  // Axis ticks in whole euros: shorter, so the last one fits inside the canvas.
  var wholeEuro = new Intl.NumberFormat(language, {
    style: "currency", currency: "EUR", maximumFractionDigits: 0,
  });
  var LONGEST_LABEL = 32;

  function shorten(label) {
    var text = String(label);
    return text.length > LONGEST_LABEL ? text.slice(0, LONGEST_LABEL - 1) + "…" : text;
  }

  function readData(canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  // The doughnut's legend: Chart.js's own items, their text shortened so none is clipped.
  function shortLegend(chart) {
    var items = window.Chart.overrides.doughnut.plugins.legend.labels.generateLabels(chart);
    return items.map(function (item) {
      item.text = shorten(item.text);
      return item;
    });
  }

  function draw(canvas) {
    var data = readData(canvas);
    if (!data || !Array.isArray(data.labels) || !Array.isArray(data.values)) {
      return;
    }
    var values = data.values.map(Number);
    var bar = canvas.dataset.chart === "bar";
    // A bar per row: the box grows with the rows (data-rows). Set here, through the DOM, as
    // the Content-Security-Policy refuses a style attribute in the page.
    var box = canvas.parentElement;
    var rows = box ? parseInt(box.dataset.rows, 10) : NaN;
    if (rows >= 0) {
      box.style.height = "calc(" + rows + " * 1.75rem + 4rem)";
    }
    var colours = Array.isArray(data.business)
      ? data.business.map(function (counts) { return counts ? BUSINESS : NOT_BUSINESS; })
      : values.map(function (_value, index) { return PALETTE[index % PALETTE.length]; });
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      // Room on the right for the last axis label, which is centred on the chart's edge.
      layout: { padding: { right: 24 } },
      plugins: {
        legend: {
          display: !bar,
          position: "bottom",
          labels: { boxWidth: 12, generateLabels: shortLegend },
        },
        tooltip: {
          callbacks: {
            label: function (context) {
              return context.label + ": " + euro.format(context.raw);
            },
          },
        },
      },
    };
    if (bar) {
      options.indexAxis = "y";
      options.scales = {
        x: {
          beginAtZero: true,
          ticks: {
            maxRotation: 0,
            autoSkip: true,
            callback: function (value) { return wholeEuro.format(value); },
          },
        },
        // A long organisation name is shortened on the axis; the tooltip and the table have
        // it whole.
        y: { ticks: { callback: function (value) { return shorten(this.getLabelForValue(value)); } } },
      };
    }
    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
      options.animation = false;
    }
    // eslint-disable-next-line no-new
    new window.Chart(canvas, {
      type: bar ? "bar" : "doughnut",
      data: {
        labels: data.labels,
        datasets: [{ data: values, backgroundColor: colours, borderWidth: bar ? 0 : 1 }],
      },
      options: options,
    });
  }

  function drawAll() {
    if (typeof window.Chart === "undefined") {
      return;
    }
    document.querySelectorAll("canvas[data-chart][data-source]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
