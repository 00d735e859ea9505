import type { PhasePath } from '@hnn/eval';
import { contourFigure, figure, phaseSeries, sampleGrid } from './charts.js';
import { vegaLiteToSvg, vegaToSvg, writeChart, type WrittenFigure } from './render.js';

/** Shared by the spring and the pixel model: contours of the learned H with the three legs on top. */
export async function writeEnergyEditing(
  dir: string,
  id: string,
  where: string,
  e: {
    H: (x: Float64Array) => number;
    trueH?: (x: Float64Array) => number;
    low: PhasePath;
    bump: PhasePath;
    high: PhasePath;
    box: { x: [number, number]; y: [number, number] };
    axes: [string, string];
  },
): Promise<WrittenFigure> {
  const x = new Float64Array(2);
  const legs: [string, PhasePath][] = [
    ['Symplectic, low H', e.low],
    ['Riemannian (adds H)', e.bump],
    ['Symplectic, high H', e.high],
  ];
  const overlays = legs.map(([name, p]) => phaseSeries(name, p.states));
  // Each leg gets one unit of the x axis: time along S_H and the change of H along R_H live on
  // unrelated scales.
  const hAlong = legs.map(([name, p], i) => ({
    name,
    x: Array.from(p.ts, (_, k) => i + k / Math.max(1, p.ts.length - 1)),
    y: p.states.map((s) => e.H(s)),
  }));
  const spec = contourFigure(
    '',
    [
      {
        title: 'Learned H with the integrated path',
        grid: sampleGrid((q, p) => {
          x[0] = q;
          x[1] = p;
          return e.H(x);
        }, e.box),
        xTitle: e.axes[0],
        yTitle: e.axes[1],
        overlays,
      },
    ],
    { size: 260 },
  );
  // A second panel, H along the path, as a plain line chart beside the contours.
  const lineSpec = figure('', [
    {
      title: 'Learned H along the path',
      xTitle: 'S_H low (0–1), R_H (1–2), S_H high (2–3)',
      yTitle: 'learned H',
      series: hAlong,
      width: 260,
      height: 200,
    },
  ]);
  const [left, right] = await Promise.all([vegaToSvg(spec), vegaLiteToSvg(lineSpec)]);
  return writeChart(
    dir,
    id,
    sideBySide(left, right, {
      title: `Figure 5 — adding energy with the Riemannian gradient (${where})`,
      subtitle: 'S_H at low H (blue), R_H adding H (purple), then S_H at the higher level (red)',
    }),
  );
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Places two standalone SVG documents next to each other in one SVG, under a title. */
export function sideBySide(
  left: string,
  right: string,
  heading: { title: string; subtitle?: string },
): string {
  const size = (svg: string) => {
    const w = /width="([\d.]+)"/.exec(svg);
    const h = /height="([\d.]+)"/.exec(svg);
    return { w: Number(w?.[1] ?? 0), h: Number(h?.[1] ?? 0) };
  };
  const a = size(left);
  const b = size(right);
  const top = heading.subtitle ? 46 : 30;
  const width = Math.max(a.w + b.w, 12 + 9 * heading.title.length);
  const body = Math.max(a.h, b.h);
  const height = top + body;
  const strip = (svg: string) => svg.replace(/^<\?xml[^>]*>/, '');
  const font = 'font-family="DejaVu Sans, sans-serif"';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="white"/>` +
    `<text x="12" y="24" ${font} font-size="15" font-weight="bold">${escapeXml(heading.title)}</text>` +
    (heading.subtitle
      ? `<text x="12" y="40" ${font} font-size="11">${escapeXml(heading.subtitle)}</text>`
      : '') +
    `<svg x="0" y="${top + (body - a.h) / 2}" width="${a.w}" height="${a.h}">${strip(left)}</svg>` +
    `<svg x="${a.w}" y="${top + (body - b.h) / 2}" width="${b.w}" height="${b.h}">${strip(right)}</svg>` +
    '</svg>'
  );
}
