import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tileGrid, writeGreyPng } from './images.js';

describe('tileGrid and writeGreyPng', () => {
  it('places tiles on a grid with white gutters and writes a decodable PNG', async () => {
    const black = new Float32Array(4);
    const grey = new Float32Array(4).fill(0.5);
    const grid = tileGrid([black, grey, grey], 2, 2);
    expect([grid.width, grid.height]).toEqual([7, 7]);
    expect(grid.pixels[0]).toBe(1); // gutter
    expect(grid.pixels[1 * 7 + 1]).toBe(0); // first tile
    expect(grid.pixels[1 * 7 + 4]).toBe(0.5); // second tile, same row
    expect(grid.pixels[4 * 7 + 1]).toBe(0.5); // third tile, next row
    expect(grid.pixels[4 * 7 + 4]).toBe(1); // empty slot stays white

    const path = join(await mkdtemp(join(tmpdir(), 'hnn-png-')), 'grid.png');
    await writeGreyPng(path, grid, 3);
    const { data, info } = await sharp(await readFile(path))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([21, 21]);
    expect(data[(4 * 21 + 4) * info.channels]).toBe(0);
    expect(data[(4 * 21 + 13) * info.channels]).toBe(128);
  });
});
