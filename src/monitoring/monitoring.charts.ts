// Bar charts drawn on the server as inline SVG: geometry computed here, drawn by
// views/monitoring/_bar-chart.ejs with a <title>, a <desc> and role="img", presentation attributes
// only (no style attribute or element, no script), so the strict CSP holds; the data table beside
// each chart carries the same numbers for screen readers and for copying.

export interface Bar {
  label: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarChart {
  id: string;
  title: string;
  desc: string;
  width: number;
  height: number;
  baseline: number;
  max: number;
  bars: Bar[];
}

const WIDTH = 320;
const HEIGHT = 180;
const TOP = 16;
const BOTTOM = 32;

/** Bars of equal width over the chart's width, scaled to the largest value (at least 1). */
export function barChart(
  id: string,
  title: string,
  desc: string,
  data: Array<{ label: string; value: number }>,
): BarChart {
  const max = Math.max(1, ...data.map((d) => d.value));
  const slot = WIDTH / Math.max(1, data.length);
  const plot = HEIGHT - TOP - BOTTOM;
  const bars = data.map((d, i) => {
    const height = Math.round((d.value / max) * plot);
    return {
      label: d.label,
      value: d.value,
      x: Math.round(i * slot + slot * 0.15),
      y: HEIGHT - BOTTOM - height,
      width: Math.max(1, Math.round(slot * 0.7)),
      height,
    };
  });
  return { id, title, desc, width: WIDTH, height: HEIGHT, baseline: HEIGHT - BOTTOM, max, bars };
}
