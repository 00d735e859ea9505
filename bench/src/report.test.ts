import { describe, expect, it } from 'vitest';
import type { PytorchProbe } from './pytorch.js';
import { formatReport } from './report.js';
import type { BenchEntry, BenchReport, PytorchSummary } from './report.js';
import { ratioStats, timingStats } from './stats.js';

const entry = (pytorch: BenchEntry['pytorch']): BenchEntry => ({
  task: 'mass-spring',
  model: 'hnn',
  msPerStep: 2,
  stepMs: timingStats([1.9, 2, 2.1]),
  roundMedianMs: [2, 2, 2],
  warmupSteps: 30,
  batch: 750,
  inputDim: 2,
  shape: { kind: 'mlp', dim: 2, batch: 750, pool: null, weightDecay: 1e-4 },
  fastPath: 'native-avx512-2threads',
  backend: 'wasm',
  rolloutSeconds: 0.5,
  dataGenerationSeconds: 0.1,
  peakRssMb: 120,
  flopsPerStep: 0.365e9,
  gflops: 182.4,
  pytorch,
});

const probe = (kind: PytorchProbe['blas']['kind']): PytorchProbe => ({
  torch: '1.13.0a0',
  python: '/usr/bin/python3',
  threadsRequested: 'default',
  threads: { torchIntraOp: 1, torchInterOp: 1, openblas: 2, env: {} },
  blas: { kind, libraries: [], openblasConfig: null, torchBuildBlas: 'generic' },
  cpuCapability: 'AVX2',
  sgemmGflops: { '750x200x200': 90 },
});

const report = (pytorch: PytorchSummary, entries: BenchEntry[]): BenchReport => ({
  generatedAt: '2026-01-01T00:00:00.000Z',
  quick: false,
  source: { commit: 'abc123', dirty: true, changedFiles: ['bench/src/main.ts'] },
  machine: {
    cpu: 'AMD EPYC',
    cores: 2,
    node: 'v20.20.2',
    platform: 'linux-x64',
    loadAverageBefore: [0.5, 0.4, 0.3],
    loadAverageAfter: [2.1, 1, 0.5],
  },
  method: 'rounds of ours then PyTorch',
  rounds: 3,
  pytorch,
  entries,
  skipped: [],
});

describe('formatReport', () => {
  it('without torch: says so in one line and prints no PyTorch column or ratio', () => {
    const text = formatReport(
      report({ available: false, reason: 'no Python with torch: python3: no torch' }, [
        entry(null),
      ]),
    );
    const lines = text.split('\n');
    expect(lines.filter((l) => /PyTorch/.test(l))).toEqual([
      'PyTorch: not measured, so no ratio is printed (no Python with torch: python3: no torch).',
    ]);
    expect(text).not.toMatch(/ours\/PyTorch|ratio =/);
    expect(text).toMatch(/\| mass-spring \| hnn {3}\| 750 {3}\| 2\.00 {9}\|/);
  });

  it('with torch: both settings, the median ratio and its spread, and where the numbers came from', () => {
    const side = (ours: number[], theirs: number[]) => ({
      stepMs: timingStats(theirs),
      roundMedianMs: theirs,
      ratio: ratioStats(ours, theirs),
      loss: [1, 0.9] as const,
    });
    const text = formatReport(
      report(
        {
          available: true,
          python: '/usr/bin/python3',
          torch: '1.13.0a0',
          threadSettings: ['default', '1'],
          settings: { default: probe('openblas'), '1': probe('openblas') },
        },
        [
          entry({
            default: side([2, 2, 2], [4, 5, 8]),
            '1': side([2, 2, 2], [10, 8, 4]),
          }),
        ],
      ),
    );
    expect(text).toContain('commit abc123 + uncommitted changes (bench/src/main.ts)');
    expect(text).toContain('load average before 0.5 0.4 0.3, after 2.1 1 0.5');
    expect(text).toContain("PyTorch threads 'default': torch intra-op 1, openblas 2 threads");
    expect(text).toContain('up to 2 threads');
    // default: ratios 0.5, 0.4, 0.25 -> median 0.40 [0.25-0.50]; 1 thread: 0.2, 0.25, 0.5.
    expect(text).toMatch(
      /\| 5\.00 +\| 0\.40 \[0\.25-0\.50\] +\| 8\.00 +\| 0\.25 \[0\.20-0\.50\] +\|/,
    );
    expect(text).not.toMatch(/WARNING/);
  });

  it('warns loudly when torch runs on the reference BLAS', () => {
    const text = formatReport(
      report(
        {
          available: true,
          python: 'python3',
          torch: '1.13.0a0',
          threadSettings: ['default'],
          settings: { default: probe('reference') },
        },
        [],
      ),
    );
    expect(text).toMatch(/WARNING: PyTorch runs on the reference \(netlib\) BLAS/);
    expect(text).toContain('apt-get install -y libopenblas0-pthread');
  });
});
