// Where a fused MLP step's time goes, for one shape: the whole step (kernel-drawn minibatch,
// gradients, Adam), the minibatch draw alone (numpy's permutation of every training row), the
// gradients alone and Adam alone, on one and two threads. From the package folder:
//   node --conditions=@hnn/source --import ./scripts/ts-child-loader.mjs scripts/step-profile.ts
// PROFILE_SHAPE=two-body|spring|pendulum (default two-body: 8 inputs, 40000 rows, batch 200),
// HASH_ENGINE-style PROFILE_ENGINE=auto|native|wasm, PROFILE_STEPS (default 400).
import { RandomState } from '@hnn/random';
import { FusedTrainer } from '../src/index.js';

const SHAPES = {
  'two-body': { d: 8, rows: 40000, batch: 200 },
  spring: { d: 2, rows: 750, batch: 750 },
  pendulum: { d: 2, rows: 1125, batch: 1125 },
} as const;
const shape = SHAPES[(process.env.PROFILE_SHAPE ?? 'two-body') as keyof typeof SHAPES];
const engine = (process.env.PROFILE_ENGINE ?? 'auto') as 'auto' | 'native' | 'wasm';
const STEPS = Number(process.env.PROFILE_STEPS ?? 400);
const H = 200;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}
function time(f: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < 30; i++) f();
  for (let i = 0; i < STEPS; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return median(times);
}

const rs = new RandomState(1);
const { d, rows, batch } = shape;
for (const kind of ['baseline', 'hnn'] as const) {
  const nOut = kind === 'hnn' ? 1 : d;
  const weights = [d * H, H, H * H, H, H * nOut].map((n) => rs.randnArray(n).map((v) => v * 0.07));
  const x = rs.randnArray(rows * d);
  const dx = rs.randnArray(rows * d);
  for (const threads of [1, 2] as const) {
    const trainer = new FusedTrainer({
      kind,
      inputDim: d,
      hiddenDim: H,
      weights,
      x,
      dx,
      batchRows: batch,
      minibatchSeed: batch < rows ? 3 : undefined,
      threads,
      engine,
    });
    await trainer.start();
    const internals = trainer as unknown as {
      region: { permute(ctx: number): void };
      ctx: number;
    };
    const fixed = Int32Array.from({ length: batch }, (_, i) => (i * 7919) % rows);
    const step = time(() => trainer.step());
    const draw = batch < rows ? time(() => internals.region.permute(internals.ctx)) : 0;
    const grads = time(() => trainer.computeGradients(batch < rows ? fixed : undefined));
    const adam = time(() => trainer.applyAdam());
    console.log(
      `${kind} threads=${threads} ${trainer.path}: step ${step.toFixed(3)} ms = draw ` +
        `${draw.toFixed(3)} + gradients ${grads.toFixed(3)} + Adam ${adam.toFixed(3)} ` +
        `(sum ${(draw + grads + adam).toFixed(3)})`,
    );
    await trainer.close();
  }
}
