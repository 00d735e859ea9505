import { join } from 'node:path';
import sharp from 'sharp';
import { editEnergy, followSymplecticGradient } from '@hnn/eval';
import type { PixelArtifacts } from './artifacts.js';
import { figure, type PanelOptions, type Series } from './charts.js';
import { writeEnergyEditing } from './energy-editing-figure.js';
import { writeGreyGif, writeVegaLite, type WrittenFigure } from './render.js';

const TRUTH = 'Ground truth';
const NAMES = { baseline: 'Baseline NN', hnn: 'Hamiltonian NN' } as const;
/** Enlargement of the 28 x 28 frames in the GIF (nearest neighbour). */
const GIF_SCALE = 3;
const GUTTER = 6;
const LABEL_HEIGHT = 18;

/** The earlier frame of sample `i` of a pixel-pair array (2 x side^2 values per sample). */
function firstFrame(pairs: Float32Array, i: number, frame: number): Float32Array {
  return pairs.subarray(i * 2 * frame, i * 2 * frame + frame);
}

/** Grey level of a preprocessed value: the rod (~0.5 after red minus green) dark on white. */
const shade = (v: number) => Math.round(255 * (1 - Math.min(1, Math.max(0, 2 * v))));

async function labelStrip(
  labels: readonly string[],
  panel: number,
  width: number,
): Promise<Uint8Array> {
  const texts = labels
    .map(
      (l, k) =>
        `<text x="${k * (panel + GUTTER) + panel / 2}" y="13" font-family="DejaVu Sans" ` +
        `font-size="11" text-anchor="middle">${l}</text>`,
    )
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL_HEIGHT}">` +
    `<rect width="100%" height="100%" fill="white"/>${texts}</svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .flatten({ background: '#ffffff' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== LABEL_HEIGHT || info.channels !== 1) {
    throw new Error(`label strip rendered as ${info.width}x${info.height}x${info.channels}`);
  }
  return data;
}

/**
 * Figure 4's animation: truth | baseline | HNN, the models' frames decoded from their latent
 * rollouts (the energy metric's), one GIF frame per pendulum frame (50 ms, gym's dt).
 */
async function figure4Gif(a: PixelArtifacts, dir: string, side: number): Promise<string> {
  const frame = side * side;
  const frames = Math.min(...a.models.map((m) => m.energy.latentPath.length / 2), a.trajectory.n);
  const decoded = a.models.map((m) =>
    m.model.decodeBatch(m.energy.latentPath.subarray(0, 2 * frames), frames),
  );
  const sources = [
    (i: number) => firstFrame(a.trajectory.pixels, i, frame),
    ...decoded.map((d) => (i: number) => firstFrame(d, i, frame)),
  ];
  const panel = side * GIF_SCALE;
  const width = sources.length * panel + (sources.length - 1) * GUTTER;
  const height = LABEL_HEIGHT + panel;
  // Short labels: a panel is only 84 px wide.
  const short = { baseline: 'Baseline', hnn: 'HNN' } as const;
  const labels = await labelStrip(['Truth', ...a.models.map((m) => short[m.kind])], panel, width);
  const pages: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    const page = new Uint8Array(width * height).fill(255);
    page.set(labels, 0);
    sources.forEach((src, k) => {
      const tile = src(i);
      const x0 = k * (panel + GUTTER);
      for (let y = 0; y < panel; y++) {
        const row = (LABEL_HEIGHT + y) * width + x0;
        const sy = Math.floor(y / GIF_SCALE) * side;
        for (let x = 0; x < panel; x++)
          page[row + x] = shade(tile[sy + Math.floor(x / GIF_SCALE)]!);
      }
    });
    pages.push(page);
  }
  const name = 'figure-4-pixel-pendulum.gif';
  await writeGreyGif(join(dir, name), pages, width, height, 50);
  return name;
}

/** Figure 4's plots: latent trajectories, the energy metric's E over time, and the learned H. */
async function figure4Plots(a: PixelArtifacts, dir: string): Promise<WrittenFigure> {
  const hnn = a.models.find((m) => m.kind === 'hnn');
  const H = hnn?.model.hamiltonian64();
  const truthLatents = (hnn ?? a.models[0]!).model.encodeBatch(a.trajectory.pixels, a.trajectory.n);
  const pairs = (z: Float64Array) =>
    Array.from({ length: z.length / 2 }, (_, k) => z.subarray(2 * k, 2 * k + 2));
  const frameAxis = (n: number) => Array.from({ length: n }, (_, k) => k);
  const first = a.models[0]!.energy;
  // Each model has its own autoencoder, hence its own latent space: one panel per model, with
  // the held-out frames encoded by that model's encoder.
  const latentPanels = a.models.map((m) => {
    const enc = m === hnn ? truthLatents : m.model.encodeBatch(a.trajectory.pixels, a.trajectory.n);
    // The window fits the encoded truth; a rollout that leaves it is cut at the border.
    const xs = pairs(enc).map((z) => z[0]!);
    const ys = pairs(enc).map((z) => z[1]!);
    const half =
      0.8 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) || 1;
    const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
    const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
    return {
      title: `Latent space, ${NAMES[m.kind]}`,
      xTitle: 'z_q',
      yTitle: 'z_p',
      square: true,
      domain: { x: [cx - half, cx + half], y: [cy - half, cy + half] } as const,
      width: 190,
      series: [
        {
          name: TRUTH,
          x: pairs(enc).map((z) => z[0]!),
          y: pairs(enc).map((z) => z[1]!),
          kind: 'points' as const,
        },
        {
          name: NAMES[m.kind],
          x: pairs(m.energy.latentPath).map((z) => z[0]!),
          y: pairs(m.energy.latentPath).map((z) => z[1]!),
        },
      ] satisfies Series[],
    };
  });
  const energy: Series[] = [
    { name: TRUTH, x: frameAxis(first.trueEnergy.length), y: Array.from(first.trueEnergy) },
    ...a.models.map((m) => ({
      name: NAMES[m.kind],
      x: frameAxis(m.energy.predictedEnergy.length),
      y: Array.from(m.energy.predictedEnergy),
    })),
  ];
  const panels: PanelOptions[] = [
    ...latentPanels,
    {
      title: 'Total energy',
      xTitle: 'frame',
      yTitle: 'E = 1.9(1 − cos q) + p²',
      series: energy,
    },
  ];
  if (H && hnn) {
    const along = (name: string, z: Float64Array): Series => ({
      name,
      x: frameAxis(z.length / 2),
      y: pairs(z).map((v) => H(v)),
    });
    panels.push({
      title: 'HNN-conserved quantity',
      xTitle: 'frame',
      yTitle: 'learned H(z)',
      series: [
        { ...along(TRUTH, truthLatents), kind: 'points' },
        along(NAMES.hnn, hnn.energy.latentPath),
      ],
    });
  }
  return writeVegaLite(
    dir,
    'figure-4-pixel-pendulum',
    figure('Figure 4 — the pixel pendulum', panels, {
      subtitle:
        'held-out trajectory; latent rollouts decoded and mapped to (q, p) = (θ, θ̇/4) by the energy metric’s linear map',
    }),
  );
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** Figure 5 in the pixel model's latent space (the paper's own Figure 5). */
async function figure5Pixel(a: PixelArtifacts, dir: string): Promise<WrittenFigure | null> {
  const hnn = a.models.find((m) => m.kind === 'hnn');
  const H = hnn?.model.hamiltonian64();
  if (!hnn || !H) return null;
  const field = hnn.model.latentField64();
  // ~800 training samples are enough to place the data's H levels and the plot's extent.
  const inputDim = hnn.model.inputDim;
  const stride = Math.max(1, Math.floor(a.data.train.n / 800));
  const picks = Array.from({ length: Math.ceil(a.data.train.n / stride) }, (_, k) => stride * k);
  const subset = new Float32Array(picks.length * inputDim);
  picks.forEach((i, k) =>
    subset.set(a.data.train.pixels.subarray(i * inputDim, (i + 1) * inputDim), k * inputDim),
  );
  const z = hnn.model.encodeBatch(subset, picks.length);
  const zs = Array.from({ length: picks.length }, (_, k) => z.subarray(2 * k, 2 * k + 2));
  const hs = zs.map((v) => H(v));
  const z0 = hnn.energy.latentPath.slice(0, 2);
  const h0 = H(z0);
  // Raise H to the upper quartile of the training data's levels (a visibly larger swing).
  const range = quantile(hs, 0.98) - quantile(hs, 0.02);
  let deltaH = quantile(hs, 0.75) - h0;
  if (!(deltaH > 0.05 * range)) deltaH = 0.25 * range;
  // About one and a half small-angle periods (gym: ~32 frames, one latent time unit per frame).
  const duration = 48;
  const low = followSymplecticGradient(field, z0, duration, { points: 150 });
  const bump = editEnergy(field, low.states.at(-1)!, deltaH, { points: 60 });
  const high = followSymplecticGradient(field, bump.states.at(-1)!, duration, { points: 150 });
  const all = [...zs, ...low.states, ...bump.states, ...high.states];
  const ext = (i: number): [number, number] => {
    const v = all.map((s) => s[i]!);
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    const m = 0.1 * (hi - lo || 1);
    return [lo - m, hi + m];
  };
  return writeEnergyEditing(dir, 'figure-5-pixel-pendulum', 'pixel pendulum, HNN latent space', {
    H,
    low,
    bump,
    high,
    box: { x: ext(0), y: ext(1) },
    axes: ['z_q', 'z_p'],
  });
}

/** Every pixel-pendulum figure: Figure 4 (GIF + plots) and Figure 5 in latent space. */
export async function pixelFigures(
  a: PixelArtifacts,
  dir: string,
): Promise<{ written: WrittenFigure[]; gif: string }> {
  const gif = await figure4Gif(a, dir, a.data.side);
  const written = [await figure4Plots(a, dir)];
  const f5 = await figure5Pixel(a, dir);
  if (f5) written.push(f5);
  return { written, gif };
}
