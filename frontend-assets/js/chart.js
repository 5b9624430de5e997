// Daily usage charts: an element with data-chart holds the server's series as JSON
// ({"days": ["2026-11-01", ...], "series": [{"label": "Credits", "values": [...]}, ...]}); uPlot draws it.
// Without JavaScript the table beside the chart carries the same numbers.
(() => {
  const colors = ["#7c9cff", "#ff6b6b", "#3ecf8e"];
  const draw = (el) => {
    if (el.dataset.drawn || typeof uPlot === "undefined") return;
    el.dataset.drawn = "1";
    const data = JSON.parse(el.dataset.chart);
    const xs = data.days.map((d) => Date.parse(d + "T00:00:00Z") / 1000);
    const css = getComputedStyle(document.documentElement);
    const axis = { stroke: css.getPropertyValue("--muted").trim() || "#a0a7b8", grid: { stroke: "rgba(128,128,128,.15)" } };
    const opts = {
      width: Math.max(280, el.clientWidth),
      height: 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true } },
      axes: [axis, axis],
      series: [{}].concat(data.series.map((s, i) => ({
        label: s.label, stroke: colors[i % colors.length], width: 2, fill: i === 0 ? "rgba(124,156,255,.15)" : undefined,
      }))),
    };
    const plot = new uPlot(opts, [xs].concat(data.series.map((s) => s.values)), el);
    new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 })).observe(el);
  };
  const drawAll = () => document.querySelectorAll("[data-chart]").forEach(draw);
  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
  if (document.readyState !== "loading") drawAll();
})();
