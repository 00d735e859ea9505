// @ts-check
// The second thread of a fused trainer in a browser (src/platform-browser.ts starts it as a module
// Web Worker). The first message carries the compiled module, the shared memory, the control
// words and their indices (src/worker-protocol.ts); the worker instantiates the module over the
// memory, answers 'ready', then runs the kernel's two phases on each command, as the Node worker
// in src/platform-node.ts does. Plain JavaScript with no imports, so that it runs as shipped.

/**
 * @typedef {{ work_chunks(ctx: number, tid: number): number,
 *   reduce_adam(ctx: number, part: number, parts: number): number }} KernelExports
 * @typedef {{ GEN: number, CMD: number, DONE: number, ERR: number, CHUNKS: number,
 *   REDUCE: number, EXIT: number, THREW: number }} Protocol
 * @typedef {{ module: unknown, memory: unknown, ctx: number, ctrlBuffer: SharedArrayBuffer,
 *   tid: number, parts: number, protocol: Protocol }} Start
 * @typedef {{ postMessage(message: string): void, close(): void,
 *   addEventListener(type: 'message', listener: (event: { data: Start }) => void,
 *     options: { once: boolean }): void }} WorkerScope
 * @typedef {{ Instance: new (module: unknown, imports: object) => { exports: KernelExports } }}
 *   WasmInstancing
 */

const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (globalThis));
const wasm = /** @type {{ WebAssembly: WasmInstancing }} */ (/** @type {unknown} */ (globalThis))
  .WebAssembly;

scope.addEventListener(
  'message',
  (event) => {
    const { module, memory, ctx, ctrlBuffer, tid, parts, protocol } = event.data;
    /** @type {KernelExports} */
    let ex;
    try {
      ex = new wasm.Instance(module, { env: { memory } }).exports;
    } catch (error) {
      scope.postMessage(String(error));
      return;
    }
    const { GEN, CMD, DONE, ERR, CHUNKS, REDUCE, EXIT, THREW } = protocol;
    const ctrl = new Int32Array(ctrlBuffer);
    // Read the generation before saying ready: the first command may follow immediately.
    let seen = Atomics.load(ctrl, GEN);
    scope.postMessage('ready');
    for (;;) {
      // Spin briefly (steps follow each other within microseconds), then sleep.
      for (let i = 0; i < 20000 && Atomics.load(ctrl, GEN) === seen; i++);
      while (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen, 1000);
      seen = Atomics.load(ctrl, GEN);
      const cmd = Atomics.load(ctrl, CMD);
      if (cmd === EXIT) break;
      try {
        const status =
          cmd === CHUNKS
            ? ex.work_chunks(ctx, tid)
            : cmd === REDUCE
              ? ex.reduce_adam(ctx, tid, parts)
              : 0;
        if (status < 0) Atomics.store(ctrl, ERR, status);
      } catch {
        Atomics.store(ctrl, ERR, THREW);
      }
      Atomics.add(ctrl, DONE, 1);
      Atomics.notify(ctrl, DONE);
    }
    scope.close();
  },
  { once: true },
);
