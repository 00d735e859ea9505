import type { ModelFile } from '../model-io.js';

/**
 * A model file in the version-1 layout `hnn train` wrote before version 2 (each weight array as a
 * line of numbers with 9 significant digits), for the tests of the version-1 reader: line
 * numbers of JSON damage and per-number checks only exist in that layout.
 */
export function serializeModelVersion1(file: ModelFile): string {
  const data: string[] = [];
  const shell = {
    ...file,
    formatVersion: 1,
    weights: file.weights.map((w) => {
      data.push(`[${w.data.map((v) => Number(Math.fround(v).toPrecision(9))).join(',')}]`);
      return { ...w, data: `@@DATA${data.length - 1}@@` };
    }),
  };
  return `${JSON.stringify(shell, null, 2).replace(/"@@DATA(\d+)@@"/g, (_, i: string) => data[Number(i)] as string)}\n`;
}
