// Canvas 2D drawing: phase portraits (contours, arrows, points, paths), line plots, animation.
// Plain canvas keeps the bundle small and the drawing fast enough to follow a drag.

export const COLORS = {
  hnn: '#1f6feb',
  base: '#d9480f',
  truth: '#222222',
  edit: '#2b8a3e',
  data: 'rgba(90, 90, 90, 0.45)',
  test: 'rgba(150, 60, 160, 0.55)',
  grid: '#e4e4e0',
  axis: '#9a9a94',
};

/** A canvas sized to its CSS box at the device's pixel ratio; draw in CSS pixels. */
export function prepare(canvas: HTMLCanvasElement): {
  ctx: CanvasRenderingContext2D;
  w: number;
  h: number;
} {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, canvas.clientWidth);
  const h = Math.max(1, canvas.clientHeight);
  const bw = Math.round(w * dpr);
  const bh = Math.round(h * dpr);
  if (canvas.width !== bw || canvas.height !== bh) {
    canvas.width = bw;
    canvas.height = bh;
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2D canvas context');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/** Maps (q, p) in a window to canvas pixels and back. */
export class PhaseView {
  constructor(
    readonly window: readonly [number, number, number, number],
    readonly w: number,
    readonly h: number,
  ) {}
  x(q: number): number {
    return ((q - this.window[0]) / (this.window[1] - this.window[0])) * this.w;
  }
  y(p: number): number {
    return (1 - (p - this.window[2]) / (this.window[3] - this.window[2])) * this.h;
  }
  q(px: number): number {
    return this.window[0] + (px / this.w) * (this.window[1] - this.window[0]);
  }
  p(py: number): number {
    return this.window[2] + (1 - py / this.h) * (this.window[3] - this.window[2]);
  }
}

export function drawAxes(ctx: CanvasRenderingContext2D, view: PhaseView): void {
  ctx.strokeStyle = COLORS.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(view.x(0), 0);
  ctx.lineTo(view.x(0), view.h);
  ctx.moveTo(0, view.y(0));
  ctx.lineTo(view.w, view.y(0));
  ctx.stroke();
}

/**
 * Contour lines of values on an (n+1) x (n+1) grid over the view (row-major, row 0 at the
 * window's lowest p) by marching squares, at `levels` evenly spaced levels, with a light fill
 * of alternate bands so the shape of H reads at a glance.
 */
export function drawContours(
  ctx: CanvasRenderingContext2D,
  view: PhaseView,
  grid: Float64Array,
  n: number,
  levels: number,
  color: string,
): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of grid) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(hi > lo)) return;
  const at = (i: number, j: number): number => grid[j * (n + 1) + i]!;
  const cw = view.w / n;
  const ch = view.h / n;
  // Bands: one translucent cell per grid cell, shaded by level parity.
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = (at(i, j) + at(i + 1, j) + at(i, j + 1) + at(i + 1, j + 1)) / 4;
      const band = Math.floor(((v - lo) / (hi - lo)) * levels);
      if (band % 2 === 0) {
        ctx.fillStyle = 'rgba(120, 140, 170, 0.10)';
        ctx.fillRect(i * cw, view.h - (j + 1) * ch, cw + 0.5, ch + 0.5);
      }
    }
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 0.8;
  ctx.beginPath();
  for (let k = 1; k < levels; k++) {
    const level = lo + ((hi - lo) * k) / levels;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const a = at(i, j) - level; // bottom-left
        const b = at(i + 1, j) - level; // bottom-right
        const c = at(i + 1, j + 1) - level; // top-right
        const d = at(i, j + 1) - level; // top-left
        const pts: [number, number][] = [];
        const edge = (v1: number, v2: number, x1: number, y1: number, x2: number, y2: number) => {
          if (v1 < 0 !== v2 < 0) {
            const t = v1 / (v1 - v2);
            pts.push([x1 + t * (x2 - x1), y1 + t * (y2 - y1)]);
          }
        };
        edge(a, b, i, j, i + 1, j);
        edge(b, c, i + 1, j, i + 1, j + 1);
        edge(c, d, i + 1, j + 1, i, j + 1);
        edge(d, a, i, j + 1, i, j);
        for (let s = 0; s + 1 < pts.length; s += 2) {
          const [x1, y1] = pts[s]!;
          const [x2, y2] = pts[s + 1]!;
          ctx.moveTo(x1 * cw, view.h - y1 * ch);
          ctx.lineTo(x2 * cw, view.h - y2 * ch);
        }
      }
    }
  }
  ctx.stroke();
}

/** Arrows of a field (dq, dp) on a grid, in screen units, lengths scaled to the fastest. */
export function drawArrows(
  ctx: CanvasRenderingContext2D,
  view: PhaseView,
  samples: readonly { q: number; p: number; dq: number; dp: number }[],
  color: string,
): void {
  const sx = view.w / (view.window[1] - view.window[0]);
  const sy = view.h / (view.window[3] - view.window[2]);
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.hypot(s.dq * sx, s.dp * sy));
  if (!(max > 0) || !Number.isFinite(max)) return;
  const scale = (0.85 * view.w) / Math.sqrt(samples.length) / max;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1;
  for (const s of samples) {
    const x = view.x(s.q);
    const y = view.y(s.p);
    const dx = s.dq * sx * scale;
    const dy = -s.dp * sy * scale;
    const len = Math.hypot(dx, dy);
    if (!(len >= 0.5)) continue;
    ctx.beginPath();
    ctx.moveTo(x - dx / 2, y - dy / 2);
    ctx.lineTo(x + dx / 2, y + dy / 2);
    ctx.stroke();
    const ux = dx / len;
    const uy = dy / len;
    const head = Math.min(4, len / 2);
    const tx = x + dx / 2;
    const ty = y + dy / 2;
    ctx.beginPath();
    ctx.moveTo(tx, ty);
    ctx.lineTo(tx - head * (ux - 0.5 * uy), ty - head * (uy + 0.5 * ux));
    ctx.lineTo(tx - head * (ux + 0.5 * uy), ty - head * (uy - 0.5 * ux));
    ctx.closePath();
    ctx.fill();
  }
}

export function drawPath(
  ctx: CanvasRenderingContext2D,
  view: PhaseView,
  points: readonly (readonly [number, number])[],
  color: string,
  width: number,
  dash: number[] = [],
): void {
  if (points.length < 2) return;
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  points.forEach(([q, p], k) => {
    if (k === 0) ctx.moveTo(view.x(q), view.y(p));
    else ctx.lineTo(view.x(q), view.y(p));
  });
  ctx.stroke();
  ctx.setLineDash([]);
}

export function drawDot(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  r: number,
  fill: string,
  stroke?: string,
): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fillStyle = fill;
  ctx.fill();
  if (stroke !== undefined) {
    ctx.strokeStyle = stroke;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}

export interface Series {
  readonly xs: ArrayLike<number>;
  readonly ys: ArrayLike<number>;
  readonly color: string;
  readonly width: number;
  readonly dash?: number[];
}

/** A line plot with axes labels at the ends; `logY` plots log10 of positive values. */
export function drawLinePlot(
  canvas: HTMLCanvasElement,
  series: readonly Series[],
  options: { logY?: boolean; xLabel: string; yLabel: string; xMax?: number },
): void {
  const { ctx, w, h } = prepare(canvas);
  const left = 52;
  const bottom = 22;
  const top = 8;
  const right = 10;
  const tr = (v: number): number => (options.logY === true ? Math.log10(v) : v);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const y = tr(s.ys[i]!);
      if (!Number.isFinite(y)) continue;
      x0 = Math.min(x0, s.xs[i]!);
      x1 = Math.max(x1, s.xs[i]!);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  ctx.strokeStyle = COLORS.axis;
  ctx.strokeRect(left, top, w - left - right, h - top - bottom);
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(options.xLabel, w - right - ctx.measureText(options.xLabel).width, h - 6);
  ctx.fillText(options.yLabel, 4, top + 10);
  if (!(x1 >= x0) || !(y1 >= y0)) return;
  if (options.xMax !== undefined) x1 = Math.max(x1, options.xMax);
  if (x1 === x0) x1 = x0 + 1;
  // A linear axis spans at least 2% of the values' size, so that a solver's 1e-9 wiggle of a
  // conserved energy draws as the flat line it is, not as a drift.
  const minSpan = options.logY === true ? 0.5 : 0.02 * Math.max(Math.abs(y0), Math.abs(y1), 1e-12);
  if (y1 - y0 < minSpan) {
    const mid = (y0 + y1) / 2;
    y0 = mid - minSpan / 2;
    y1 = mid + minSpan / 2;
  }
  const px = (x: number): number => left + ((x - x0) / (x1 - x0)) * (w - left - right);
  const py = (y: number): number => top + (1 - (tr(y) - y0) / (y1 - y0)) * (h - top - bottom);
  const fmt = (v: number): string =>
    options.logY === true
      ? // v is log10 of the value: label the value itself (e.g. 3.2e-2, not 1e-1.5).
        (10 ** v).toExponential(1)
      : Math.abs(v) < 1e-3 && v !== 0
        ? v.toExponential(1)
        : v.toPrecision(3);
  ctx.fillText(fmt(y1), 4, top + 22);
  ctx.fillText(fmt(y0), 4, h - bottom);
  ctx.fillText(String(+x0.toPrecision(3)), left, h - 6);
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, w - left - right, h - top - bottom);
  ctx.clip();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.width;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let started = false;
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      if (!Number.isFinite(tr(y))) continue;
      if (!started) ctx.moveTo(px(s.xs[i]!), py(y));
      else ctx.lineTo(px(s.xs[i]!), py(y));
      started = true;
    }
    ctx.stroke();
  }
  ctx.restore();
  ctx.setLineDash([]);
}
