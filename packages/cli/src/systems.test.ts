import { massSpringDataset, pendulumDataset } from '@hnn/datasets';
import { describe, expect, it } from 'vitest';
import { generatePaperSystemCsv, PAPER_SYSTEMS } from './systems.js';

describe('hnn make-data systems', () => {
  for (const [name, dataset] of [
    ['mass-spring', massSpringDataset],
    ['pendulum', pendulumDataset],
  ] as const) {
    it(`${name}: the CSV holds @hnn/datasets' reference data set, bit for bit`, () => {
      const system = PAPER_SYSTEMS[name];
      const csv = generatePaperSystemCsv(system, {
        trajectories: 50,
        points: system.points,
        tEnd: 3,
        noise: 0.1,
        seed: 0,
        derivatives: true,
      });
      const rows = csv
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',').map(Number));
      const data = dataset();
      const x = [...data.train.x, ...data.test.x];
      const dx = [...data.train.dx, ...data.test.dx];
      expect(rows).toHaveLength(x.length / 2);
      let mismatches = 0;
      rows.forEach((row, i) => {
        if (row[2] !== x[2 * i] || row[3] !== x[2 * i + 1]) mismatches++;
        if (row[4] !== dx[2 * i] || row[5] !== dx[2 * i + 1]) mismatches++;
      });
      expect(mismatches).toBe(0);
    });
  }
});
