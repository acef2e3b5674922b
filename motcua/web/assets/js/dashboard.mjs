// The leaders' dashboard's charts (chart.js, loaded before this module from our static files:
// chart.umd.min.js sets window.Chart). Each <canvas data-chart="ID"> reads its numbers from
// the JSON script element ID that the page renders beside it ({labels, series: [{label,
// values}], max?, percent?, stacked?}); the page also shows the same numbers as a table, the
// charts' text alternative. No inline script: the Content-Security-Policy forbids it.
const COLOURS = ["#a4161a", "#1d70b8", "#00703c", "#f47738", "#4c2c92", "#b58840", "#505a5f"];

function chartOf(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source || !window.Chart) return;
  const data = JSON.parse(source.textContent);
  const bar = canvas.dataset.kind === "bar";
  const datasets = data.series.map((series, i) => ({
    label: series.label,
    data: series.values,
    borderColor: COLOURS[i % COLOURS.length],
    backgroundColor: COLOURS[i % COLOURS.length],
    borderWidth: bar ? 0 : 2,
    spanGaps: false,
    tension: 0.2,
  }));
  const valueScale = { beginAtZero: true, stacked: Boolean(data.stacked) };
  if (data.max) valueScale.suggestedMax = data.max;
  if (data.percent) valueScale.ticks = { callback: (value) => `${value} %` };
  return new window.Chart(canvas, {
    type: bar ? "bar" : "line",
    data: { labels: data.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: Boolean(data.stacked) }, y: valueScale },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
  chartOf(canvas);
}
