import { join } from 'node:path';
import sharp from 'sharp';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../write-atomic.js';

/** Pixels per CSS pixel of the PNGs (sharp rasterises the SVG at 72 x this dpi). */
const PNG_SCALE = 1.5;

/** Renders a Vega spec to SVG headlessly (renderer 'none': no canvas needed). */
export async function vegaToSvg(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Compiles a Vega-Lite spec to Vega and renders it to SVG. */
export async function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  return vegaToSvg(vl.compile(spec).spec);
}

/** Rasterises an SVG to PNG with sharp (text drawn with the machine's fonts, e.g. DejaVu). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * PNG_SCALE })
    .flatten({ background: '#ffffff' })
    .png({ compressionLevel: 9, palette: true, quality: 90, effort: 7 })
    .toBuffer();
}

/** What a figure writer produced: file names relative to the figures folder. */
export interface WrittenFigure {
  /** Stable id, e.g. 'figure-2-pendulum'; also the file stem. */
  readonly id: string;
  readonly files: readonly string[];
}

/** Writes `<dir>/<id>.svg` and `<dir>/<id>.png` atomically. */
export async function writeChart(dir: string, id: string, svg: string): Promise<WrittenFigure> {
  const png = await svgToPng(svg);
  await writeFileAtomic(join(dir, `${id}.svg`), svg);
  await writeFileAtomic(join(dir, `${id}.png`), png);
  return { id, files: [`${id}.svg`, `${id}.png`] };
}

/** A Vega-Lite spec straight to `<id>.svg` + `<id>.png`. */
export async function writeVegaLite(
  dir: string,
  id: string,
  spec: TopLevelSpec,
): Promise<WrittenFigure> {
  return writeChart(dir, id, await vegaLiteToSvg(spec));
}

/** A Vega spec straight to `<id>.svg` + `<id>.png`. */
export async function writeVega(dir: string, id: string, spec: vega.Spec): Promise<WrittenFigure> {
  return writeChart(dir, id, await vegaToSvg(spec));
}

/**
 * Writes an animated GIF from grey frames (values in [0, 1], 0 black), each `width` x `height`,
 * `delayMs` per frame, looping. sharp reads the frames as one tall raw image of `pageHeight`
 * pages.
 */
export async function writeGreyGif(
  path: string,
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  delayMs: number,
): Promise<void> {
  const pages = Buffer.alloc(width * height * frames.length);
  frames.forEach((f, k) => {
    if (f.length !== width * height) {
      throw new Error(`GIF frame ${k} has ${f.length} pixels, expected ${width * height}`);
    }
    pages.set(f, k * width * height);
  });
  const gif = await sharp(pages, {
    raw: { width, height: height * frames.length, channels: 1, pageHeight: height },
  })
    .gif({ delay: frames.map(() => delayMs), loop: 0, colours: 32, effort: 7 })
    .toBuffer();
  await writeFileAtomic(path, gif);
}
