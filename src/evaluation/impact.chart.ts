// The impact view's chart: converted IKM per quarter (solid) and the share of staff who completed
// the chosen courses (dashed), drawn as an SVG image from numbers only (no text from users), served
// inline as an <img> data URL so that pages keep no inline SVG markup. The table below it carries
// the same figures for screen readers.
import type { ImpactRow } from './impact.service';

const W = 320;
const H = 160;
const PAD = 24;

export function impactChartDataUrl(rows: ImpactRow[]): string {
  const step = rows.length > 1 ? (W - 2 * PAD) / (rows.length - 1) : 0;
  const yIkm = (v: number) => H - PAD - ((v - 25) / 75) * (H - 2 * PAD);
  const yShare = (v: number) => H - PAD - (v / 100) * (H - 2 * PAD);
  const points = (value: (r: ImpactRow) => number | null, y: (v: number) => number) =>
    rows
      .map((r, i) => {
        const v = value(r);
        return v === null ? null : `${(PAD + i * step).toFixed(1)},${y(v).toFixed(1)}`;
      })
      .filter((p): p is string => p !== null)
      .join(' ');
  const ikm = points((r) => r.converted, yIkm);
  const share = points((r) => r.share, yShare);
  const guide = (v: number) =>
    `<line x1="${PAD}" y1="${yIkm(v).toFixed(1)}" x2="${W - PAD}" y2="${yIkm(v).toFixed(1)}" stroke="#c8d0d8" stroke-dasharray="3 3"/>`;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W * 2}" height="${H * 2}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<line x1="${PAD}" y1="${H - PAD}" x2="${W - PAD}" y2="${H - PAD}" stroke="#8a939e"/>`,
    guide(76.61),
    guide(88.31),
    ikm ? `<polyline points="${ikm}" fill="none" stroke="#0b3954" stroke-width="2.5"/>` : '',
    share
      ? `<polyline points="${share}" fill="none" stroke="#b35900" stroke-width="2" stroke-dasharray="5 3"/>`
      : '',
    '</svg>',
  ].join('');
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
