/// <reference lib="webworker" />
// One model's training, off the page's thread: @hnn/core's train() on its fused WebAssembly
// kernel (two kernel threads when the page is cross-origin isolated, else one).
import {
  TrainingAbortedError,
  createBaseline,
  createHnn,
  encodeModelJson,
  initBackend,
  serializeModel,
  train,
} from '@hnn/core';
import type { HnnModel, BaselineModel, TrainHistoryEntry, TrainResult } from '@hnn/core';
import type { LossPoint, TrainRequest, WorkerReply, WorkerRequest } from './protocol.js';

declare const self: DedicatedWorkerGlobalScope;

const post = (reply: WorkerReply): void => self.postMessage(reply);

let request: TrainRequest | undefined;
let model: HnnModel | BaselineModel | undefined;
/** Iterations completed so far (over every train() call of this request). */
let done = 0;
let controller: AbortController | undefined;
let running = false;

async function run(): Promise<void> {
  const req = request;
  if (req === undefined || model === undefined || running) return;
  const remaining = req.steps + 1 - done;
  if (remaining <= 0) return;
  running = true;
  controller = new AbortController();
  const offset = done;
  let pending: LossPoint[] = [];
  let lastPost = performance.now();
  const flush = (): void => {
    if (pending.length > 0) post({ type: 'progress', kind: req.kind, points: pending });
    pending = [];
    lastPost = performance.now();
  };
  const onStep = (entry: TrainHistoryEntry): void => {
    done = offset + entry.step + 1;
    pending.push({ ...entry, step: offset + entry.step });
    // Batched so the page redraws the curves a few times a second, not per step.
    if (performance.now() - lastPost > 80) flush();
  };
  let lastSnapshot = performance.now();
  // train()'s onWeights: the current weights go into the model (which the fused kernel does not
  // read until train() returns) and to the page, at most once a second (each one redraws the page's learned views).
  const onWeights = (weights: Float32Array[], step: number): void => {
    const current = model;
    if (current === undefined || performance.now() - lastSnapshot < 1000) return;
    lastSnapshot = performance.now();
    current.setWeights(weights);
    post({
      type: 'snapshot',
      kind: req.kind,
      json: encodeModelJson(
        serializeModel(current, { metadata: { trainedBy: '@hnn/playground' } }),
      ),
      step: offset + step,
    });
  };
  let result: TrainResult | undefined;
  try {
    result = await train(model, {
      trainX: req.trainX,
      trainDx: req.trainDx,
      testX: req.testX,
      testDx: req.testDx,
      steps: remaining - 1,
      learningRate: req.learningRate,
      seed: req.seed,
      progressEvery: 10,
      onStep,
      onWeights,
      weightsEvery: 25,
      signal: controller.signal,
    });
  } catch (error) {
    if (!(error instanceof TrainingAbortedError)) {
      running = false;
      flush();
      post({
        type: 'error',
        kind: req.kind,
        message: error instanceof Error ? error.message : String(error),
      });
      return;
    }
  }
  running = false;
  flush();
  post({
    type: 'model',
    kind: req.kind,
    json: encodeModelJson(serializeModel(model, { metadata: { trainedBy: '@hnn/playground' } })),
    step: done - 1,
    finished: done >= req.steps + 1,
    fastPath: result?.fastPath ?? 'paused',
    ...(result?.fastPathReason === undefined ? {} : { fastPathReason: result.fastPathReason }),
    backend: result?.backend ?? '',
    msPerStep: result?.msPerStep ?? Number.NaN,
  });
}

let backendReady: Promise<unknown> | undefined;

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  if (msg.type === 'train') {
    request = msg;
    done = 0;
    // TensorFlow.js only holds the weights here (the fused kernel trains; train() compiles its
    // WebAssembly first); its pure-JS cpu backend needs no extra files and no GPU.
    backendReady ??= initBackend('cpu');
    void backendReady
      .then(() => {
        model =
          msg.kind === 'hnn'
            ? createHnn({ inputDim: msg.dim, hiddenDim: msg.hidden, seed: msg.seed })
            : createBaseline({ inputDim: msg.dim, hiddenDim: msg.hidden, seed: msg.seed });
        return run();
      })
      .catch((error: unknown) => {
        post({
          type: 'error',
          kind: msg.kind,
          message: error instanceof Error ? error.message : String(error),
        });
      });
  } else if (msg.type === 'pause') {
    controller?.abort();
  } else {
    void run();
  }
};
