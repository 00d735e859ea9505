import { createHnn, encodeModelJson, serializeModel } from '@hnn/core';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, formatConfig, parseConfig } from './config.js';
import { CustomHamiltonianError, compileHamiltonian } from './custom-h.js';
import {
  finiteDifferences,
  generateTrajectories,
  parseTrajectoryCsv,
  splitTrajectories,
} from './data.js';
import { loadModelJson, relativeEnergyDrift, rollout } from './models.js';
import { SYSTEM_IDS, systemOf } from './systems.js';

describe('custom H', () => {
  it('differentiates symbolically: the field is (dH/dp, -dH/dq)', () => {
    const h = compileHamiltonian('p^2/2 + 2*sin(q/2)^2 + 0.1*q^2');
    const out = new Float64Array(2);
    const [q, p] = [0.7, -0.3];
    h.timeDerivative(0, new Float64Array([q, p]), out);
    expect(out[0]).toBeCloseTo(p, 12);
    expect(out[1]).toBeCloseTo(-(Math.sin(q) + 0.2 * q), 12);
    expect(h.hamiltonian([q, p])).toBeCloseTo(
      (p * p) / 2 + 2 * Math.sin(q / 2) ** 2 + 0.1 * q * q,
      12,
    );
  });

  it.each([
    ['q + alert(1)', /unknown function 'alert'/],
    ['x^2 + p^2', /unknown symbol 'x'/],
    ['f(q) = q^2', /not allowed/],
    ['q = 2', /not allowed/],
    ['', /empty/],
    ['log(-1 - q^2)', /not a real number|not finite/],
  ])('refuses %s', (text, message) => {
    expect(() => compileHamiltonian(text)).toThrow(CustomHamiltonianError);
    expect(() => compileHamiltonian(text)).toThrow(message);
  });
});

describe('systems', () => {
  it.each(SYSTEM_IDS.filter((id) => id !== 'custom'))(
    '%s: the field is the symplectic gradient of H (central differences)',
    (id) => {
      const sys = systemOf(id, '');
      const truth = sys.truth!;
      const x = Float64Array.from(sys.defaultStart);
      const f = new Float64Array(sys.dim);
      truth.timeDerivative(0, x, f);
      const n = sys.dim / 2;
      for (let i = 0; i < sys.dim; i++) {
        const e = 1e-6;
        const up = Float64Array.from(x);
        const down = Float64Array.from(x);
        up[i]! += e;
        down[i]! -= e;
        const dH = (truth.hamiltonian(up) - truth.hamiltonian(down)) / (2 * e);
        // dq/dt = dH/dp, dp/dt = -dH/dq.
        const expected = i < n ? -f[i + n]! : f[i - n]!;
        expect(dH).toBeCloseTo(expected, 6);
      }
    },
  );
});

describe('data', () => {
  it('generates seeded trajectories and splits whole ones', () => {
    const sys = systemOf('mass-spring', '');
    const settings = { trajectories: 10, timeSpan: 3, points: 30, noise: 0.1, seed: 3 };
    const a = generateTrajectories(sys, settings);
    const b = generateTrajectories(sys, settings);
    expect(a[4]!.x).toEqual(b[4]!.x);
    const split = splitTrajectories(a, 2, 0.5, 3);
    expect(split.testIds.size).toBe(5);
    expect(split.trainX.length).toBe(5 * 30 * 2);
    expect(split.testX.length).toBe(5 * 30 * 2);
  });

  it('finite differences are exact on quadratics, at the ends too, on a non-uniform grid', () => {
    const t = new Float64Array([0, 0.1, 0.25, 0.5, 0.6]);
    const x = new Float64Array(t.length * 2);
    t.forEach((s, i) => {
      x[2 * i] = 3 * s * s - s;
      x[2 * i + 1] = 2 - s;
    });
    const dx = finiteDifferences(t, x, 2);
    t.forEach((s, i) => {
      expect(dx[2 * i]).toBeCloseTo(6 * s - 1, 10);
      expect(dx[2 * i + 1]).toBeCloseTo(-1, 10);
    });
  });

  it('reads the hnn CLI CSV format, with and without derivative columns', () => {
    const withD = parseTrajectoryCsv(
      'trajectory,t,q1,p1,dq1,dp1\na,0,0.5,0,0,-1\na,0.1,0.49,-0.1,-0.2,-0.98\nb,0,1,0,0,-2\nb,1,0,1,2,0\n',
    );
    expect(withD.dim).toBe(2);
    expect(withD.derivatives).toBe('columns');
    expect(Array.from(withD.trajectories[0]!.dx)).toEqual([0, -1, -0.2, -0.98]);
    const without = parseTrajectoryCsv('T,Trajectory,P1,Q1\n0,x,0,1\n1,x,1,2\n0,y,0,0\n2,y,2,0\n');
    expect(without.derivatives).toBe('finite differences');
    expect(Array.from(without.trajectories[0]!.x)).toEqual([1, 0, 2, 1]);
  });

  it.each([
    ['trajectory,t,q1\n', /1 q and 0 p/],
    ['trajectory,t,q1,p1\na,0,1\n', /row has 3 fields/],
    ['trajectory,t,q1,p1\na,0,0x10,1\nb,0,1,1\n', /not a plain decimal/],
    ['trajectory,t,q1,p1\na,1,1,1\na,0,1,1\n', /does not increase/],
    ['', /empty/],
  ])('refuses a bad CSV (%#)', (text, message) => {
    expect(() => parseTrajectoryCsv(text, 'f.csv')).toThrow(message);
  });
});

describe('configuration in the URL', () => {
  it('round-trips every knob', () => {
    const config = {
      ...DEFAULTS,
      system: 'custom' as const,
      customH: 'p^2 + q^4',
      noise: 0.05,
      steps: 700,
      learningRate: 0.002,
      x0: [0.25, -1.5],
      deltaH: 0.3,
    };
    expect(parseConfig(formatConfig(config))).toEqual(config);
    expect(formatConfig(DEFAULTS)).toBe('');
  });

  it('ignores unknown systems and clamps knobs into their ranges', () => {
    const c = parseConfig('?sys=nope&steps=1e9&noise=-1&hidden=abc&x0=1,NaN');
    expect(c.system).toBe(DEFAULTS.system);
    expect(c.steps).toBe(100000);
    expect(c.noise).toBe(0);
    expect(c.hidden).toBe(DEFAULTS.hidden);
    expect(c.x0).toEqual([]);
  });
});

describe('models', () => {
  it('a saved HNN loads into a float64 field whose rollout keeps its learned H', () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 16, seed: 1 });
    const loaded = loadModelJson(encodeModelJson(serializeModel(model)));
    expect(loaded.kind).toBe('hnn');
    const r = rollout(loaded.field, [0.5, 0], 5, 50);
    expect(r.ys.length).toBe(50);
    const h = loaded.hamiltonian!;
    const h0 = h(r.ys[0]!);
    for (const y of r.ys) expect(Math.abs(h(y) - h0)).toBeLessThan(1e-6);
    // Relative drift of that H along its own rollout: tiny, and exactly 0 for a constant.
    expect(relativeEnergyDrift(h, r.ys)).toBeLessThan(1e-5);
    expect(relativeEnergyDrift(() => 2, r.ys)).toBe(0);
  });

  it('applies the CLI normalisation of a model file', () => {
    const model = createHnn({ inputDim: 2, hiddenDim: 8, seed: 2 });
    const plain = loadModelJson(encodeModelJson(serializeModel(model)));
    const normalization = { shift: [1, -1], scale: [2, 0.5], timeScale: 4, energyScale: 3 };
    const scaled = loadModelJson(
      encodeModelJson(serializeModel(model, { metadata: { normalization } })),
    );
    const x = new Float64Array([1.6, -0.8]);
    const xn = new Float64Array([(1.6 - 1) / 2, (-0.8 + 1) / 0.5]);
    const f = new Float64Array(2);
    const g = new Float64Array(2);
    scaled.field(x, f);
    plain.field(xn, g);
    expect(f[0]).toBeCloseTo((2 * g[0]!) / 4, 14);
    expect(f[1]).toBeCloseTo((0.5 * g[1]!) / 4, 14);
    const hOrigin = plain.hamiltonian!(new Float64Array(2));
    expect(scaled.hamiltonian!(x)).toBeCloseTo(
      3 * (plain.hamiltonian!(xn) + hOrigin) - 3 * hOrigin,
      12,
    );
  });
});
