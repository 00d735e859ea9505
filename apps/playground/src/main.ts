import { editEnergy } from '@hnn/eval';
import { drawAnimationFrame } from './animation.js';
import type { AnimationTrack } from './animation.js';
import { clampKnob, formatConfig, parseConfig } from './config.js';
import { CustomHamiltonianError } from './custom-h.js';
import { generateTrajectories, parseTrajectoryCsv, splitTrajectories } from './data.js';
import type { CsvData, SplitData } from './data.js';
import { loadModelJson, modelLabel, relativeEnergyDrift, rollout, rolloutCsv } from './models.js';
import type { LoadedModel, RolloutResult } from './models.js';
import {
  COLORS,
  PhaseView,
  drawArrows,
  drawAxes,
  drawContours,
  drawDot,
  drawLinePlot,
  drawPath,
  prepare,
} from './plots.js';
import type { Series } from './plots.js';
import type { LossPoint, ModelKind, TrainRequest, WorkerReply } from './protocol.js';
import { csvSystem, systemOf } from './systems.js';
import type { PlaygroundSystem, SystemId } from './systems.js';

/** Output times of the shown rollout (and of its CSV: `hnn rollout --points 400`). */
export const ROLLOUT_POINTS = 400;
const KINDS: readonly ModelKind[] = ['hnn', 'baseline'];

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`the page has no #${id}`);
  return found as T;
}

const ui = {
  system: el<HTMLSelectElement>('system'),
  formula: el('formula'),
  customBox: el('custom-box'),
  customH: el<HTMLInputElement>('custom-h'),
  customError: el('custom-error'),
  trajectories: el<HTMLInputElement>('trajectories'),
  timeSpan: el<HTMLInputElement>('time-span'),
  points: el<HTMLInputElement>('points'),
  noise: el<HTMLInputElement>('noise'),
  split: el<HTMLInputElement>('split'),
  seed: el<HTMLInputElement>('seed'),
  learningRate: el<HTMLInputElement>('lr'),
  hidden: el<HTMLInputElement>('hidden'),
  steps: el<HTMLInputElement>('steps'),
  rolloutTime: el<HTMLInputElement>('rollout-time'),
  deltaH: el<HTMLInputElement>('delta-h'),
  deltaNote: el('delta-h-note'),
  x0: el<HTMLInputElement>('x0'),
  csvUpload: el<HTMLInputElement>('csv-upload'),
  csvNote: el('csv-note'),
  train: el<HTMLButtonElement>('train'),
  reset: el<HTMLButtonElement>('reset'),
  downloadHnn: el<HTMLButtonElement>('download-hnn'),
  downloadBaseline: el<HTMLButtonElement>('download-baseline'),
  downloadRollout: el<HTMLButtonElement>('download-rollout-hnn'),
  modelUpload: el<HTMLInputElement>('model-upload'),
  modelNote: el('model-note'),
  step: el('step'),
  lossHnn: el('loss-hnn'),
  lossBaseline: el('loss-baseline'),
  driftHnn: el('drift-hnn'),
  driftBaseline: el('drift-baseline'),
  status: el('status'),
  threads: el('threads'),
  lossPlot: el<HTMLCanvasElement>('loss-plot'),
  phaseTrue: el<HTMLCanvasElement>('phase-true'),
  phaseHnn: el<HTMLCanvasElement>('phase-hnn'),
  phaseBaseline: el<HTMLCanvasElement>('phase-baseline'),
  energyPlot: el<HTMLCanvasElement>('energy-plot'),
  animation: el<HTMLCanvasElement>('animation'),
  animate: el<HTMLButtonElement>('animate'),
};

/** Numeric knobs and their inputs. */
const KNOB_INPUTS = {
  trajectories: ui.trajectories,
  timeSpan: ui.timeSpan,
  points: ui.points,
  noise: ui.noise,
  split: ui.split,
  seed: ui.seed,
  learningRate: ui.learningRate,
  hidden: ui.hidden,
  steps: ui.steps,
  rolloutTime: ui.rolloutTime,
  deltaH: ui.deltaH,
} as const;

type Phase = 'idle' | 'training' | 'paused' | 'done' | 'error';

interface ModelRun {
  worker: Worker | undefined;
  losses: LossPoint[];
  lastTest: number | undefined;
  step: number;
  finished: boolean;
  fastPath: string | undefined;
  fastPathReason: string | undefined;
  msPerStep: number | undefined;
}

const state = {
  config: parseConfig(location.search),
  system: undefined as PlaygroundSystem | undefined,
  csv: undefined as (CsvData & { name: string }) | undefined,
  data: undefined as SplitData | undefined,
  models: {} as Partial<Record<ModelKind, LoadedModel>>,
  runs: {
    hnn: emptyRun(),
    baseline: emptyRun(),
  } as Record<ModelKind, ModelRun>,
  phase: 'idle' as Phase,
  rollouts: {} as Partial<Record<ModelKind | 'truth', RolloutResult>>,
  editPath: undefined as Float64Array[] | undefined,
  start: new Float64Array(0) as Float64Array,
  portraitCache: new Map<string, { grid?: Float64Array; arrows: ArrowSample[] }>(),
  frame: 0,
  playing: false,
};

interface ArrowSample {
  q: number;
  p: number;
  dq: number;
  dp: number;
}

function emptyRun(): ModelRun {
  return {
    worker: undefined,
    losses: [],
    lastTest: undefined,
    step: 0,
    finished: false,
    fastPath: undefined,
    fastPathReason: undefined,
    msPerStep: undefined,
  };
}

// ---------- configuration <-> controls <-> URL ----------

function writeControls(): void {
  const c = state.config;
  ui.system.value = state.csv !== undefined ? 'csv' : c.system;
  ui.customH.value = c.customH;
  for (const [key, input] of Object.entries(KNOB_INPUTS)) {
    input.value = String(c[key as keyof typeof KNOB_INPUTS]);
  }
  ui.x0.value = Array.from(state.start, (v) => +v.toPrecision(6)).join(', ');
}

function saveUrl(): void {
  const query = formatConfig(state.config);
  history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
}

// ---------- system and data ----------

function selectSystem(): boolean {
  state.portraitCache.clear();
  if (state.csv !== undefined) {
    state.system = csvSystemOf(state.csv);
  } else {
    try {
      state.system = systemOf(state.config.system, state.config.customH);
      ui.customError.textContent = '';
    } catch (error) {
      if (!(error instanceof CustomHamiltonianError)) throw error;
      ui.customError.textContent = error.message;
      state.system = undefined;
    }
  }
  ui.customBox.hidden = state.config.system !== 'custom' || state.csv !== undefined;
  ui.formula.textContent = state.system?.formula ?? '';
  const sys = state.system;
  if (sys !== undefined) {
    const x0 = state.config.x0;
    state.start = Float64Array.from(x0.length === sys.dim ? x0 : sys.defaultStart);
  }
  return sys !== undefined;
}

function csvSystemOf(csv: CsvData): PlaygroundSystem {
  const d = csv.dim;
  const n = d / 2;
  let [q0, q1, p0, p1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const tr of csv.trajectories) {
    for (let i = 0; i < tr.t.length; i++) {
      q0 = Math.min(q0, tr.x[i * d]!);
      q1 = Math.max(q1, tr.x[i * d]!);
      p0 = Math.min(p0, tr.x[i * d + n]!);
      p1 = Math.max(p1, tr.x[i * d + n]!);
    }
  }
  const mq = 0.15 * (q1 - q0 || 1);
  const mp = 0.15 * (p1 - p0 || 1);
  const first = csv.trajectories[0]!;
  return csvSystem(d, [q0 - mq, q1 + mq, p0 - mp, p1 + mp], Array.from(first.x.subarray(0, d)));
}

function buildData(): SplitData {
  const c = state.config;
  const sys = state.system!;
  const trajectories =
    state.csv !== undefined
      ? state.csv.trajectories
      : generateTrajectories(sys, {
          trajectories: c.trajectories,
          timeSpan: c.timeSpan,
          points: c.points,
          noise: c.noise,
          seed: c.seed,
        });
  return splitTrajectories(trajectories, sys.dim, c.split, c.seed);
}

// ---------- training ----------

function setPhase(phase: Phase, message?: string): void {
  state.phase = phase;
  ui.train.textContent =
    phase === 'training'
      ? 'Pause'
      : phase === 'paused'
        ? 'Resume'
        : phase === 'done'
          ? 'Train again'
          : 'Train';
  ui.train.setAttribute('aria-pressed', phase === 'training' ? 'true' : 'false');
  ui.status.textContent =
    message ??
    { idle: 'ready', training: 'training…', paused: 'paused', done: 'done', error: 'error' }[phase];
}

function stopWorkers(): void {
  for (const kind of KINDS) {
    state.runs[kind].worker?.terminate();
    state.runs[kind] = emptyRun();
  }
}

function startTraining(): void {
  if (state.system === undefined) return;
  stopWorkers();
  state.models = {};
  state.portraitCache.clear();
  let data: SplitData;
  try {
    data = buildData();
  } catch (error) {
    setPhase('error', `error: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  state.data = data;
  const c = state.config;
  for (const kind of KINDS) {
    const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<WorkerReply>) => onWorkerReply(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      setPhase('error', `error: the ${modelLabel(kind)} worker failed: ${event.message}`);
    };
    state.runs[kind].worker = worker;
    const request: TrainRequest = {
      type: 'train',
      kind,
      dim: data.dim,
      hidden: c.hidden,
      learningRate: c.learningRate,
      steps: c.steps,
      seed: c.seed,
      trainX: data.trainX,
      trainDx: data.trainDx,
      testX: data.testX,
      testDx: data.testDx,
    };
    worker.postMessage(request);
  }
  setPhase('training');
  updateNumbers();
  renderAll();
}

function onWorkerReply(msg: WorkerReply): void {
  const run = state.runs[msg.kind];
  if (msg.type === 'progress') {
    for (const point of msg.points) {
      run.losses.push(point);
      if (point.testLoss !== undefined) run.lastTest = point.testLoss;
      run.step = point.step;
    }
    scheduleLossRender();
    updateNumbers();
  } else if (msg.type === 'model') {
    run.step = Math.max(run.step, msg.step);
    run.finished = msg.finished;
    if (msg.fastPath !== 'paused') {
      run.fastPath = msg.fastPath;
      run.fastPathReason = msg.fastPathReason;
    }
    if (Number.isFinite(msg.msPerStep)) run.msPerStep = msg.msPerStep;
    state.models[msg.kind] = loadModelJson(msg.json, `${msg.kind} model`);
    state.portraitCache.clear();
    if (KINDS.every((k) => state.runs[k].finished)) setPhase('done');
    refreshRollouts();
    updateNumbers();
    renderAll();
  } else if (msg.type === 'snapshot') {
    // Part-way weights: redraw the learned views (the final model replaces them when it comes).
    if (run.finished) return;
    state.models[msg.kind] = loadModelJson(msg.json, `${msg.kind} model`);
    state.portraitCache.clear();
    refreshRollouts();
    updateNumbers();
    renderAll();
  } else {
    setPhase('error', `error (${modelLabel(msg.kind)}): ${msg.message}`);
  }
}

function onTrainButton(): void {
  if (state.phase === 'training') {
    for (const kind of KINDS) state.runs[kind].worker?.postMessage({ type: 'pause' });
    setPhase('paused');
  } else if (state.phase === 'paused') {
    for (const kind of KINDS) state.runs[kind].worker?.postMessage({ type: 'resume' });
    setPhase('training');
  } else {
    startTraining();
  }
}

function reset(): void {
  stopWorkers();
  state.models = {};
  state.data = undefined;
  state.portraitCache.clear();
  setPhase('idle');
  refreshRollouts();
  updateNumbers();
  renderAll();
}

// ---------- rollouts, energy editing, drift ----------

function hamiltonianForEditing():
  | {
      field: (x: Float64Array, out: Float64Array) => void;
      h: (x: Float64Array) => number;
      by: string;
    }
  | undefined {
  const hnn = state.models.hnn;
  if (hnn?.hamiltonian !== undefined)
    return { field: hnn.field, h: hnn.hamiltonian, by: 'learned' };
  const truth = state.system?.truth;
  if (truth === undefined) return undefined;
  return {
    field: (x, out) => truth.timeDerivative(0, x, out),
    h: (x) => truth.hamiltonian(x),
    by: 'true',
  };
}

function refreshRollouts(): void {
  const sys = state.system;
  state.rollouts = {};
  state.editPath = undefined;
  if (sys === undefined) return;
  let start = state.start;
  const c = state.config;
  ui.deltaNote.textContent = '';
  if (c.deltaH !== 0) {
    const editor = hamiltonianForEditing();
    if (editor !== undefined) {
      const e0 = editor.h(start);
      const dH = c.deltaH * Math.abs(e0);
      try {
        const path = editEnergy(editor.field, start, dH, { points: 40 });
        state.editPath = path.states;
        start = path.states[path.states.length - 1]!;
        ui.deltaNote.textContent = `ΔH = ${dH.toPrecision(3)} along ∇H/|∇H|² of the ${editor.by} H (${e0.toPrecision(6)} → ${editor.h(start).toPrecision(6)})`;
      } catch (error) {
        ui.deltaNote.textContent = `energy edit failed: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  const truth = sys.truth;
  if (truth !== undefined) {
    state.rollouts.truth = rollout(
      (x, out) => truth.timeDerivative(0, x, out),
      start,
      c.rolloutTime,
      ROLLOUT_POINTS,
    );
  }
  for (const kind of KINDS) {
    const model = state.models[kind];
    if (model !== undefined && model.dim === sys.dim) {
      state.rollouts[kind] = rollout(model.field, start, c.rolloutTime, ROLLOUT_POINTS);
    }
  }
  state.frame = 0;
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toExponential(3);
}

function updateNumbers(): void {
  const steps = KINDS.map((k) => state.runs[k].step);
  ui.step.textContent = String(Math.min(...steps));
  ui.lossHnn.textContent = fmt(state.runs.hnn.lastTest);
  ui.lossBaseline.textContent = fmt(state.runs.baseline.lastTest);
  const truth = state.system?.truth;
  for (const kind of KINDS) {
    const r = state.rollouts[kind];
    const target = kind === 'hnn' ? ui.driftHnn : ui.driftBaseline;
    target.textContent =
      truth !== undefined && r !== undefined
        ? fmt(relativeEnergyDrift((x) => truth.hamiltonian(x), r.ys))
        : '–';
  }
  ui.downloadHnn.disabled = state.models.hnn === undefined;
  ui.downloadBaseline.disabled = state.models.baseline === undefined;
  ui.downloadRollout.disabled = state.rollouts.hnn === undefined;
  const iso = globalThis.crossOriginIsolated === true;
  const paths = KINDS.filter((k) => state.runs[k].fastPath !== undefined).map(
    (k) =>
      `${modelLabel(k)} ${state.runs[k].fastPath === 'none' ? 'TensorFlow.js ops' : state.runs[k].fastPath} ${state.runs[k].msPerStep?.toFixed(2) ?? '?'} ms/step`,
  );
  ui.threads.textContent =
    (iso
      ? 'Cross-origin isolated: the kernel may use 2 threads per model.'
      : 'Not cross-origin isolated: 1 kernel thread per model (serve with COOP/COEP for 2).') +
    (paths.length > 0 ? ` Ran: ${paths.join('; ')}.` : '');
  const reason = KINDS.map((k) => state.runs[k].fastPathReason).find((r) => r !== undefined);
  ui.threads.title = reason ?? '';
}

// ---------- drawing ----------

let lossFrame = 0;
function scheduleLossRender(): void {
  if (lossFrame !== 0) return;
  lossFrame = requestAnimationFrame(() => {
    lossFrame = 0;
    renderLoss();
  });
}

function renderLoss(): void {
  const series: Series[] = [];
  for (const kind of KINDS) {
    const losses = state.runs[kind].losses;
    const color = kind === 'hnn' ? COLORS.hnn : COLORS.base;
    series.push({
      xs: losses.map((l) => l.step),
      ys: losses.map((l) => l.trainLoss),
      color: `${color}88`,
      width: 1,
    });
    const tests = losses.filter((l) => l.testLoss !== undefined);
    series.push({
      xs: tests.map((l) => l.step),
      ys: tests.map((l) => l.testLoss!),
      color,
      width: 2.2,
    });
  }
  drawLinePlot(ui.lossPlot, series, {
    logY: true,
    xLabel: 'step',
    yLabel: 'MSE',
    xMax: state.config.steps,
  });
}

const CONTOUR_GRID = 48;
const ARROW_GRID = 15;

/** The state with (q1, p1) replaced: the slice of a many-DOF system that a portrait shows. */
function sliceState(q: number, p: number): Float64Array {
  const x = Float64Array.from(state.start);
  x[0] = q;
  x[x.length / 2] = p;
  return x;
}

function portraitData(
  key: string,
  field: ((x: Float64Array, out: Float64Array) => void) | undefined,
  h: ((x: Float64Array) => number) | undefined,
): { grid?: Float64Array; arrows: ArrowSample[] } {
  const sys = state.system!;
  const sliceKey = sys.dim > 2 ? Array.from(state.start).join(',') : '';
  const cacheKey = `${key}|${sliceKey}`;
  const cached = state.portraitCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const [q0, q1, p0, p1] = sys.window;
  const n = sys.dim / 2;
  let grid: Float64Array | undefined;
  if (h !== undefined) {
    grid = new Float64Array((CONTOUR_GRID + 1) ** 2);
    for (let j = 0; j <= CONTOUR_GRID; j++) {
      for (let i = 0; i <= CONTOUR_GRID; i++) {
        grid[j * (CONTOUR_GRID + 1) + i] = h(
          sliceState(q0 + ((q1 - q0) * i) / CONTOUR_GRID, p0 + ((p1 - p0) * j) / CONTOUR_GRID),
        );
      }
    }
  }
  const arrows: ArrowSample[] = [];
  if (field !== undefined) {
    const out = new Float64Array(sys.dim);
    for (let j = 0; j < ARROW_GRID; j++) {
      for (let i = 0; i < ARROW_GRID; i++) {
        const q = q0 + ((q1 - q0) * (i + 0.5)) / ARROW_GRID;
        const p = p0 + ((p1 - p0) * (j + 0.5)) / ARROW_GRID;
        field(sliceState(q, p), out);
        arrows.push({ q, p, dq: out[0]!, dp: out[n]! });
      }
    }
  }
  const value = grid === undefined ? { arrows } : { grid, arrows };
  state.portraitCache.set(cacheKey, value);
  return value;
}

function project(ys: readonly Float64Array[]): [number, number][] {
  const n = (ys[0]?.length ?? 2) / 2;
  return ys.map((y) => [y[0]!, y[n]!]);
}

function drawPortrait(canvas: HTMLCanvasElement, which: ModelKind | 'truth'): void {
  const { ctx, w, h } = prepare(canvas);
  const sys = state.system;
  if (sys === undefined) return;
  const view = new PhaseView(sys.window, w, h);
  drawAxes(ctx, view);
  if (which === 'truth') {
    const truth = sys.truth;
    const data = portraitData(
      'truth',
      truth === undefined ? undefined : (x, out) => truth.timeDerivative(0, x, out),
      truth === undefined ? undefined : (x) => truth.hamiltonian(x),
    );
    if (data.grid !== undefined) drawContours(ctx, view, data.grid, CONTOUR_GRID, 14, '#7a8699');
    drawArrows(ctx, view, data.arrows, '#55606e');
    const split = state.data;
    if (split !== undefined) {
      const d = split.dim;
      const n = d / 2;
      split.trajectories.forEach((tr, index) => {
        ctx.fillStyle = split.testIds.has(index) ? COLORS.test : COLORS.data;
        for (let i = 0; i < tr.t.length; i++) {
          ctx.fillRect(view.x(tr.x[i * d]!) - 1.5, view.y(tr.x[i * d + n]!) - 1.5, 3, 3);
        }
      });
    }
    if (truth === undefined) {
      ctx.fillStyle = '#666';
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillText('true H unknown (uploaded data)', 8, 16);
    }
  } else {
    const model = state.models[which];
    if (model !== undefined && model.dim === sys.dim) {
      const data = portraitData(which, model.field, model.hamiltonian);
      if (data.grid !== undefined) {
        drawContours(
          ctx,
          view,
          data.grid,
          CONTOUR_GRID,
          14,
          which === 'hnn' ? '#6b8fd6' : '#7a8699',
        );
      }
      drawArrows(ctx, view, data.arrows, which === 'hnn' ? COLORS.hnn : COLORS.base);
    } else {
      ctx.fillStyle = '#666';
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillText(
        state.phase === 'training' ? 'training… (shown when paused or done)' : 'not trained yet',
        8,
        16,
      );
    }
  }
  const paths: [ModelKind | 'truth', string, number, number[]][] = [
    ['truth', COLORS.truth, 1.5, [5, 3]],
    ['baseline', COLORS.base, 2, []],
    ['hnn', COLORS.hnn, 2, []],
  ];
  for (const [k, color, width, dash] of paths) {
    const r = state.rollouts[k];
    if (r !== undefined) drawPath(ctx, view, project(r.ys), color, width, dash);
  }
  // The energy edit on top: from the picked start to where the rollouts begin.
  if (state.editPath !== undefined) {
    drawPath(ctx, view, project(state.editPath), COLORS.edit, 3);
  }
  const n = state.start.length / 2;
  drawDot(ctx, view.x(state.start[0]!), view.y(state.start[n]!), 5, '#fff', COLORS.truth);
}

function renderEnergy(): void {
  const truth = state.system?.truth;
  const series: Series[] = [];
  const energyOf =
    truth !== undefined ? (x: Float64Array) => truth.hamiltonian(x) : state.models.hnn?.hamiltonian;
  if (energyOf !== undefined) {
    for (const [k, color, width, dash] of [
      ['truth', COLORS.truth, 1.5, [5, 3]],
      ['baseline', COLORS.base, 2, []],
      ['hnn', COLORS.hnn, 2, []],
    ] as const) {
      const r = state.rollouts[k];
      if (r !== undefined) {
        series.push({ xs: r.ts, ys: r.ys.map(energyOf), color, width, dash: [...dash] });
      }
    }
  }
  drawLinePlot(ui.energyPlot, series, {
    xLabel: 't',
    yLabel: truth !== undefined ? 'true H' : 'learned H',
  });
}

function animationTracks(): AnimationTrack[] {
  return [
    { label: 'truth', color: COLORS.truth, ys: state.rollouts.truth?.ys ?? [] },
    { label: 'baseline', color: COLORS.base, ys: state.rollouts.baseline?.ys ?? [] },
    { label: 'HNN', color: COLORS.hnn, ys: state.rollouts.hnn?.ys ?? [] },
  ];
}

function renderAnimation(): void {
  const sys = state.system;
  if (sys === undefined) return;
  const scale = Math.max(Math.abs(sys.window[0]), Math.abs(sys.window[1]));
  drawAnimationFrame(ui.animation, sys.animation, animationTracks(), state.frame, scale);
}

function renderAll(): void {
  renderLoss();
  drawPortrait(ui.phaseTrue, 'truth');
  drawPortrait(ui.phaseHnn, 'hnn');
  drawPortrait(ui.phaseBaseline, 'baseline');
  renderEnergy();
  renderAnimation();
  ui.x0.value = Array.from(state.start, (v) => +v.toPrecision(6)).join(', ');
}

let animationHandle = 0;
function setPlaying(playing: boolean): void {
  state.playing = playing;
  ui.animate.textContent = playing ? 'Pause' : 'Play';
  ui.animate.setAttribute('aria-pressed', String(playing));
  cancelAnimationFrame(animationHandle);
  if (!playing) return;
  let last = performance.now();
  const tick = (now: number): void => {
    // About 4 seconds per rollout, whatever its length.
    const advance = Math.floor(((now - last) / 4000) * ROLLOUT_POINTS);
    if (advance > 0) {
      last = now;
      state.frame = (state.frame + advance) % ROLLOUT_POINTS;
      renderAnimation();
    }
    animationHandle = requestAnimationFrame(tick);
  };
  animationHandle = requestAnimationFrame(tick);
}

// ---------- events ----------

function onKnobChange(key: keyof typeof KNOB_INPUTS): void {
  const v = clampKnob(key, Number(KNOB_INPUTS[key].value));
  if (v === undefined) return;
  state.config[key] = v;
  saveUrl();
  if (key === 'rolloutTime' || key === 'deltaH') {
    refreshRollouts();
    updateNumbers();
    renderAll();
  }
}

for (const [key, input] of Object.entries(KNOB_INPUTS)) {
  input.addEventListener(key === 'deltaH' ? 'input' : 'change', () =>
    onKnobChange(key as keyof typeof KNOB_INPUTS),
  );
}

function changeSystem(): void {
  stopWorkers();
  state.models = {};
  state.data = undefined;
  state.config.x0 = [];
  setPhase('idle');
  if (selectSystem()) refreshRollouts();
  saveUrl();
  writeControls();
  updateNumbers();
  renderAll();
}

ui.system.addEventListener('change', () => {
  if (ui.system.value === 'csv') return;
  state.csv = undefined;
  ui.csvNote.textContent = '';
  state.config.system = ui.system.value as SystemId;
  changeSystem();
});

ui.customH.addEventListener('change', () => {
  state.config.customH = ui.customH.value;
  changeSystem();
});

ui.x0.addEventListener('change', () => {
  const values = ui.x0.value.split(',').map((s) => Number(s.trim()));
  if (
    state.system === undefined ||
    values.length !== state.system.dim ||
    !values.every(Number.isFinite)
  ) {
    ui.x0.setCustomValidity(`give ${state.system?.dim ?? 2} numbers separated by commas`);
    ui.x0.reportValidity();
    return;
  }
  ui.x0.setCustomValidity('');
  setStart(Float64Array.from(values));
});

function setStart(x: Float64Array): void {
  state.start = x;
  state.config.x0 = Array.from(x);
  saveUrl();
  refreshRollouts();
  updateNumbers();
  renderAll();
}

let dragFrame = 0;
let pendingStart: Float64Array | undefined;
for (const canvas of [ui.phaseTrue, ui.phaseHnn, ui.phaseBaseline]) {
  const pick = (event: PointerEvent): void => {
    const sys = state.system;
    if (sys === undefined) return;
    const rect = canvas.getBoundingClientRect();
    const view = new PhaseView(sys.window, rect.width, rect.height);
    pendingStart = sliceState(view.q(event.clientX - rect.left), view.p(event.clientY - rect.top));
    if (dragFrame === 0) {
      dragFrame = requestAnimationFrame(() => {
        dragFrame = 0;
        if (pendingStart !== undefined) setStart(pendingStart);
      });
    }
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    pick(event);
  });
  canvas.addEventListener('pointermove', (event) => {
    if (canvas.hasPointerCapture(event.pointerId)) pick(event);
  });
}

// Enter in a field commits it (change event); it never submits the form and reloads the page.
el('settings').addEventListener('submit', (event) => event.preventDefault());
ui.train.addEventListener('click', onTrainButton);
ui.reset.addEventListener('click', reset);
ui.animate.addEventListener('click', () => setPlaying(!state.playing));

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

ui.downloadHnn.addEventListener('click', () => {
  const m = state.models.hnn;
  if (m !== undefined) download('playground-hnn.json', m.json, 'application/json');
});
ui.downloadBaseline.addEventListener('click', () => {
  const m = state.models.baseline;
  if (m !== undefined) download('playground-baseline.json', m.json, 'application/json');
});
ui.downloadRollout.addEventListener('click', () => {
  const m = state.models.hnn;
  const r = state.rollouts.hnn;
  if (m !== undefined && r !== undefined) {
    download('playground-hnn-rollout.csv', rolloutCsv(m, r), 'text/csv');
  }
});

ui.csvUpload.addEventListener('change', () => {
  const file = ui.csvUpload.files?.[0];
  if (file === undefined) return;
  void file.text().then((text) => {
    try {
      const csv = parseTrajectoryCsv(text, file.name);
      state.csv = { ...csv, name: file.name };
      ui.csvNote.textContent = `${file.name}: ${csv.trajectories.length} trajectories, ${csv.dim / 2} DOF, derivatives from ${csv.derivatives}`;
      changeSystem();
    } catch (error) {
      ui.csvNote.textContent = error instanceof Error ? error.message : String(error);
    }
  });
});

ui.modelUpload.addEventListener('change', () => {
  const file = ui.modelUpload.files?.[0];
  if (file === undefined) return;
  void file.text().then((text) => {
    try {
      const model = loadModelJson(text, file.name);
      if (state.system === undefined || model.dim !== state.system.dim) {
        throw new Error(
          `${file.name} has a state of ${model.dim} numbers but this system has ${state.system?.dim ?? '?'}: pick the system it was trained on`,
        );
      }
      state.runs[model.kind].worker?.terminate();
      state.runs[model.kind] = emptyRun();
      state.models[model.kind] = model;
      state.portraitCache.clear();
      ui.modelNote.textContent = `loaded ${file.name} as the ${modelLabel(model.kind)}`;
      refreshRollouts();
      updateNumbers();
      renderAll();
    } catch (error) {
      ui.modelNote.textContent = error instanceof Error ? error.message : String(error);
    }
  });
});

let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(renderAll);
}).observe(document.body);

// ---------- start ----------

if (selectSystem()) refreshRollouts();
writeControls();
setPhase('idle');
updateNumbers();
renderAll();
setPlaying(!window.matchMedia('(prefers-reduced-motion: reduce)').matches);
document.body.dataset.ready = 'true';

// Offline once loaded: the service worker caches the whole build (public/sw.js). Only in the
// production build, where precache.json exists.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register('./sw.js').catch((error: unknown) => {
    ui.status.textContent = `ready (offline use unavailable: ${error instanceof Error ? error.message : String(error)})`;
  });
}
