import type { Spec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

/** One colour per role, the same in every figure. */
export const COLORS: Readonly<Record<string, string>> = {
  'Ground truth': '#222222',
  Observations: '#9a9a9a',
  'Baseline NN': '#e4572e',
  'Hamiltonian NN': '#2a6fdb',
  'Dissipative HNN': '#2ca02c',
  Measured: '#9a9a9a',
  'Symplectic, low H': '#1f77b4',
  'Riemannian (adds H)': '#8e44ad',
  'Symplectic, high H': '#d62728',
};
const FALLBACK_COLORS = ['#17becf', '#bcbd22', '#7f7f7f', '#2ca02c'];

export interface Series {
  readonly name: string;
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** 'line' (default) joins the points in order; 'points' scatters them. */
  readonly kind?: 'line' | 'points';
  /** Lines of one series drawn separately (e.g. one per body); default 0. */
  readonly group?: number;
}

export interface PanelOptions {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly series: readonly Series[];
  readonly width?: number;
  readonly height?: number;
  /** Phase-space plots: equal x and y ranges on a square panel. */
  readonly square?: boolean;
  readonly yScale?: 'linear' | 'log';
  /** Fixed axis ranges (e.g. shared by panels that should be compared); default: the data's. */
  readonly domain?: {
    readonly x: readonly [number, number];
    readonly y: readonly [number, number];
  };
}

/** Component `i` of each state. */
export const column = (states: readonly Float64Array[], i: number) => states.map((s) => s[i]!);

/** A path in a 2-d phase space (q, p) or latent space (z_q, z_p). */
export function phaseSeries(
  name: string,
  states: readonly Float64Array[],
  kind?: 'points',
): Series {
  return { name, x: column(states, 0), y: column(states, 1), ...(kind ? { kind } : {}) };
}

/** At most this many points per line: enough for smooth curves, small SVGs. */
const MAX_POINTS = 400;

interface Row {
  s: string;
  m: 'line' | 'points';
  g: number;
  k: number;
  x: number;
  y: number;
}

function rowsOf(series: readonly Series[], logY: boolean): Row[] {
  const rows: Row[] = [];
  for (const s of series) {
    const n = Math.min(s.x.length, s.y.length);
    const stride = s.kind === 'points' ? 1 : Math.max(1, Math.ceil(n / MAX_POINTS));
    for (let k = 0; k < n; k += stride) {
      const x = s.x[k]!;
      const y = s.y[k]!;
      // Failed or blown-up rollouts end early: drop what cannot be drawn.
      if (!Number.isFinite(x) || !Number.isFinite(y) || (logY && !(y > 0))) continue;
      rows.push({ s: s.name, m: s.kind ?? 'line', g: s.group ?? 0, k, x: round(x), y: round(y) });
    }
    // Keep the last point of a strided line.
    const last = n - 1;
    if (
      stride > 1 &&
      last % stride !== 0 &&
      Number.isFinite(s.x[last]) &&
      Number.isFinite(s.y[last])
    ) {
      rows.push({
        s: s.name,
        m: 'line',
        g: s.group ?? 0,
        k: last,
        x: round(s.x[last]!),
        y: round(s.y[last]!),
      });
    }
  }
  return rows;
}

/** 6 significant digits keep the SVG and the inline data small. */
const round = (v: number) => Number(v.toPrecision(6));

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

function colourScale(names: readonly string[]) {
  let extra = 0;
  return {
    domain: [...names],
    range: names.map((n) => COLORS[n] ?? FALLBACK_COLORS[extra++ % FALLBACK_COLORS.length]!),
  };
}

/** A Vega-Lite layer (lines + scatter) for one panel. */
export function panel(options: PanelOptions, colourNames: readonly string[]): object {
  const logY = options.yScale === 'log';
  const rows = rowsOf(options.series, logY);
  const width = options.width ?? 220;
  const height = options.square ? width : (options.height ?? 170);
  let xDomain: [number, number] | undefined;
  let yDomain: [number, number] | undefined;
  if (options.domain) {
    xDomain = [...options.domain.x];
    yDomain = [...options.domain.y];
  } else if (options.square) {
    const [x0, x1] = extent(rows.map((r) => r.x));
    const [y0, y1] = extent(rows.map((r) => r.y));
    const half = (Math.max(x1 - x0, y1 - y0) / 2) * 1.08 || 1;
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    xDomain = [cx - half, cx + half];
    yDomain = [cy - half, cy + half];
  }
  const colour = {
    field: 's',
    type: 'nominal',
    title: null,
    scale: colourScale(colourNames),
    legend: { orient: 'bottom', direction: 'horizontal', symbolOpacity: 1, symbolStrokeWidth: 3 },
  };
  const x = {
    field: 'x',
    type: 'quantitative',
    title: options.xTitle,
    scale: xDomain ? { domain: xDomain, nice: false, zero: false } : { zero: false, nice: false },
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    title: options.yTitle,
    scale: yDomain
      ? { domain: yDomain, nice: false, zero: false }
      : logY
        ? { type: 'log' }
        : { zero: false },
  };
  return {
    title: { text: options.title, fontSize: 13 },
    width,
    height,
    data: { values: rows },
    layer: [
      {
        transform: [{ filter: "datum.m == 'points'" }],
        mark: { type: 'circle', size: 14, opacity: 0.55 },
        encoding: { x, y, color: colour },
      },
      {
        transform: [{ filter: "datum.m == 'line'" }],
        mark: { type: 'line', strokeWidth: 1.8, clip: true },
        encoding: {
          x,
          y,
          color: colour,
          detail: { field: 'g', type: 'nominal' },
          order: { field: 'k', type: 'quantitative' },
        },
      },
    ],
  };
}

/** Panels side by side (wrapping after `columns`) under one title, with a shared legend. */
export function figure(
  title: string,
  panels: readonly PanelOptions[],
  options: { columns?: number; subtitle?: string } = {},
): TopLevelSpec {
  const names = [...new Set(panels.flatMap((p) => p.series.map((s) => s.name)))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title
      ? {
          title: {
            text: title,
            fontSize: 15,
            anchor: 'start',
            ...(options.subtitle ? { subtitle: options.subtitle, subtitleFontSize: 11 } : {}),
          },
        }
      : {}),
    background: 'white',
    padding: 12,
    columns: options.columns ?? panels.length,
    concat: panels.map((p) => panel(p, names)),
    resolve: { scale: { color: 'shared' } },
    config: { font: 'DejaVu Sans', axis: { labelFontSize: 10, titleFontSize: 11 } },
  } as TopLevelSpec;
}

/** A scalar function sampled at cell centres on a regular grid (row 0 = largest y). */
export interface Grid {
  readonly values: Float64Array;
  readonly nx: number;
  readonly ny: number;
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
}

/** Samples `f(x, y)` on an nx x ny grid over the box, at cell centres, top row first. */
export function sampleGrid(
  f: (x: number, y: number) => number,
  box: { x: readonly [number, number]; y: readonly [number, number] },
  nx = 60,
  ny = 60,
): Grid {
  const values = new Float64Array(nx * ny);
  const dx = (box.x[1] - box.x[0]) / nx;
  const dy = (box.y[1] - box.y[0]) / ny;
  for (let j = 0; j < ny; j++) {
    const y = box.y[1] - (j + 0.5) * dy;
    for (let i = 0; i < nx; i++) values[j * nx + i] = f(box.x[0] + (i + 0.5) * dx, y);
  }
  return { values, nx, ny, x: box.x, y: box.y };
}

export interface ContourPanel {
  readonly title: string;
  readonly grid: Grid;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Lines or points drawn over the contours, in data coordinates. */
  readonly overlays?: readonly Series[];
}

/**
 * Filled contour plots (Vega's isocontour transform) side by side, each with its own colour
 * levels (a learned H is only defined up to a constant and a scale), overlays on top.
 */
export function contourFigure(
  title: string,
  panels: readonly ContourPanel[],
  options: { size?: number; levels?: number; subtitle?: string } = {},
): Spec {
  const size = options.size ?? 230;
  const gap = 60;
  const names = [...new Set(panels.flatMap((p) => (p.overlays ?? []).map((s) => s.name)))];
  const colour = colourScale(names);
  const groups = panels.map((p, i) => {
    const g = p.grid;
    const rows = rowsOf(p.overlays ?? [], false);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of g.values) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const levels = options.levels ?? 14;
    // The first threshold is the minimum itself, so the lowest band covers the whole panel.
    const thresholds = Array.from({ length: levels }, (_, k) => lo + ((hi - lo) * k) / levels);
    return {
      type: 'group',
      encode: {
        enter: {
          x: { value: i * (size + gap) },
          y: { value: 0 },
          width: { value: size },
          height: { value: size },
        },
      },
      title: { text: p.title, fontSize: 13 },
      data: [
        {
          name: `grid${i}`,
          values: [{ width: g.nx, height: g.ny, values: Array.from(g.values, round) }],
        },
        {
          name: `contours${i}`,
          source: `grid${i}`,
          transform: [{ type: 'isocontour', scale: size / g.nx, smooth: true, thresholds }],
        },
        { name: `overlay${i}`, values: rows },
        {
          name: `lines${i}`,
          source: `overlay${i}`,
          transform: [{ type: 'filter', expr: "datum.m == 'line'" }],
        },
        {
          name: `points${i}`,
          source: `overlay${i}`,
          transform: [{ type: 'filter', expr: "datum.m == 'points'" }],
        },
      ],
      scales: [
        { name: 'x', type: 'linear', domain: [...g.x], range: [0, size], zero: false, nice: false },
        { name: 'y', type: 'linear', domain: [...g.y], range: [size, 0], zero: false, nice: false },
        {
          name: 'fill',
          type: 'linear',
          domain: [lo, hi],
          range: { scheme: 'viridis' },
          zero: false,
        },
      ],
      axes: [
        {
          orient: 'bottom',
          scale: 'x',
          title: p.xTitle,
          tickCount: 5,
          labelFontSize: 10,
          titleFontSize: 11,
        },
        {
          orient: 'left',
          scale: 'y',
          title: p.yTitle,
          tickCount: 5,
          labelFontSize: 10,
          titleFontSize: 11,
        },
      ],
      marks: [
        {
          type: 'path',
          clip: true,
          from: { data: `contours${i}` },
          encode: {
            enter: {
              fill: { scale: 'fill', field: 'contour.value' },
              stroke: { value: '#ffffff' },
              strokeWidth: { value: 0.4 },
              strokeOpacity: { value: 0.6 },
            },
          },
          transform: [{ type: 'geopath', field: 'datum.contour' }],
        },
        {
          type: 'symbol',
          clip: true,
          from: { data: `points${i}` },
          encode: {
            enter: {
              x: { scale: 'x', field: 'x' },
              y: { scale: 'y', field: 'y' },
              fill: { scale: 'colour', field: 's' },
              size: { value: 7 },
              opacity: { value: 0.45 },
            },
          },
        },
        {
          type: 'group',
          // A facet cell clips to its own box: give it the panel's size.
          clip: true,
          encode: { enter: { width: { value: size }, height: { value: size } } },
          from: { facet: { name: `series${i}`, data: `lines${i}`, groupby: ['s', 'g'] } },
          marks: [
            {
              type: 'line',
              from: { data: `series${i}` },
              sort: { field: 'datum.k' },
              encode: {
                enter: {
                  x: { scale: 'x', field: 'x' },
                  y: { scale: 'y', field: 'y' },
                  stroke: { scale: 'colour', field: 's' },
                  strokeWidth: { value: 2.2 },
                },
              },
            },
          ],
        },
      ],
    };
  });
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    background: 'white',
    padding: 12,
    width: panels.length * (size + gap) - gap,
    height: size,
    autosize: 'pad',
    ...(title
      ? {
          title: {
            text: title,
            anchor: 'start',
            fontSize: 15,
            offset: 28,
            ...(options.subtitle ? { subtitle: options.subtitle, subtitleFontSize: 11 } : {}),
          },
        }
      : {}),
    config: {
      text: { font: 'DejaVu Sans' },
      title: { font: 'DejaVu Sans', subtitleFont: 'DejaVu Sans' },
    },
    scales: [{ name: 'colour', type: 'ordinal', domain: colour.domain, range: colour.range }],
    legends:
      names.length > 0
        ? [
            {
              stroke: 'colour',
              orient: 'bottom',
              direction: 'horizontal',
              symbolType: 'stroke',
              symbolStrokeWidth: 3,
            },
          ]
        : [],
    marks: groups,
  } as Spec;
}
