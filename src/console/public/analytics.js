// The analytics page's charts (Chart.js 4, loaded before this file). Each <canvas data-chart="ID"> is
// drawn from the JSON in <script type="application/json" id="ID"> next to it (never executed: the CSP
// allows no inline script). The same figures are in the table under each chart. Charts arriving later
// with htmx (the lead stages) are drawn when they are swapped in.
(function () {
  'use strict';
  // Colours with at least 3:1 contrast on white, told apart by more than hue in the tables.
  var COLOURS = ['#0b57d0', '#0f6b3a', '#8a4b00', '#b3261e', '#6a3fb5', '#00677f', '#4a5460'];

  function draw(canvas) {
    if (canvas.dataset.drawn === '1' || typeof window.Chart === 'undefined') return;
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    canvas.dataset.drawn = '1';
    var datasets = spec.datasets.map(function (d, i) {
      return {
        label: d.label,
        data: d.data,
        backgroundColor: COLOURS[i % COLOURS.length],
        borderColor: COLOURS[i % COLOURS.length],
      };
    });
    var scale = { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 } };
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { x: scale, y: scale },
        plugins: { legend: { display: datasets.length > 1, position: 'bottom' } },
      },
    });
  }

  function drawAll(root) {
    var canvases = (root || document).querySelectorAll('canvas[data-chart]');
    for (var i = 0; i < canvases.length; i++) draw(canvases[i]);
  }

  // Chart.js and this file are deferred in order: the document is parsed when this runs.
  drawAll(document);
  document.addEventListener('htmx:afterSwap', function (event) {
    drawAll(event.target);
  });

  // "Chosen dates" only matter with their two date fields: say so to keyboard and screen reader users.
  var range = document.getElementById('range');
  function syncDates() {
    var chosen = range && range.value === 'dates';
    ['from', 'to'].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) input.setAttribute('aria-disabled', chosen ? 'false' : 'true');
    });
  }
  if (range) {
    range.addEventListener('change', syncDates);
    syncDates();
  }
})();
