import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BlockQuery } from './boundary.js';
import { checkRegionBytes, ctxArg, describe, intArg, layoutArgs, U32_MAX } from './engine-base.js';
import type { Engine, EngineName, KernelPlatform, KernelWorker, Outcome } from './engine-base.js';
import { checkKernel, checkKernelArgument } from './kernel-errors.js';
import { choosePrebuild, hostLibc, listAddons, parsePrebuildName } from './prebuilds.js';
import type { Isa } from './prebuilds.js';
import {
  CMD_CHUNKS,
  CMD_EXIT,
  CMD_REDUCE,
  CTRL_CMD,
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_GEN,
  WORKER_THREW,
} from './worker-protocol.js';
import { wasmApi } from './wasm-api.js';
import type { WasmModule } from './wasm-api.js';

// The Node side of the kernels (package.json `imports`, `#platform`, default condition): the
// prebuilt native addons, .wasm files read from disk, and the second thread as a worker_threads
// worker.

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { engine, ctx, ctrlBuffer, tid, parts } = workerData;
let work, reduce;
if (engine === 'wasm') {
  const { module, memory } = workerData;
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  work = () => ex.work_chunks(ctx, tid);
  reduce = () => ex.reduce_adam(ctx, tid, parts);
  // The driver checked ctx, tid and parts (integers in range) before starting this worker.
} else {
  const addon = require(workerData.addonPath);
  const address = workerData.address;
  work = () => addon.workChunks(address, ctx, tid);
  reduce = () => addon.reduceAdam(address, ctx, tid, parts);
}
const ctrl = new Int32Array(ctrlBuffer);
const GEN = ${CTRL_GEN}, CMD = ${CTRL_CMD}, DONE = ${CTRL_DONE}, ERR = ${CTRL_ERROR};
// Read the generation before saying ready: the first command may follow immediately.
let seen = Atomics.load(ctrl, GEN);
parentPort.postMessage('ready');
for (;;) {
  // Spin briefly (steps follow each other within microseconds), then sleep.
  for (let i = 0; i < 20000 && Atomics.load(ctrl, GEN) === seen; i++);
  while (Atomics.load(ctrl, GEN) === seen) Atomics.wait(ctrl, GEN, seen, 1000);
  seen = Atomics.load(ctrl, GEN);
  const cmd = Atomics.load(ctrl, CMD);
  if (cmd === ${CMD_EXIT}) break;
  try {
    const status = cmd === ${CMD_CHUNKS} ? work() : cmd === ${CMD_REDUCE} ? reduce() : 0;
    if (status < 0) Atomics.store(ctrl, ERR, status);
  } catch (e) {
    Atomics.store(ctrl, ERR, ${WORKER_THREW});
  }
  Atomics.add(ctrl, DONE, 1);
  Atomics.notify(ctrl, DONE);
}
`;

/** This platform's prebuilds: prebuilds/<platform>-<arch>/ (see src/prebuilds.ts). */
export const NATIVE_PREBUILD_DIR = new URL(
  `../prebuilds/${process.platform}-${process.arch}/`,
  import.meta.url,
);

/**
 * Where the addon is loaded from: NATIVE_PREBUILD_DIR, or the directory in HNN_NATIVE_ADDON_DIR
 * (the sanitizer build of scripts/build-sanitize.mjs, for `pnpm --filter @hnn/kernels test:sanitize`),
 * which holds files named the same way.
 */
function nativeAddonDir(): URL {
  const dir = process.env.HNN_NATIVE_ADDON_DIR;
  return dir ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : NATIVE_PREBUILD_DIR;
}

// Entry points return the kernel's status: >= 0, or a negative error code (see kernel-errors.ts).
interface Addon {
  alloc(bytes: number): ArrayBuffer;
  address(buffer: ArrayBuffer): bigint;
  transposeW2(address: bigint, ctx: number): number;
  workChunks(address: bigint, ctx: number, tid: number): number;
  reduceAdam(address: bigint, ctx: number, part: number, parts: number): number;
  kernelBlock(which: number): number;
  rngSeed(address: bigint, ctx: number, seed: number): number;
  permute(address: bigint, ctx: number): number;
  f64Product(address: bigint, ctx: number): number;
  pixelLayout(...args: [number, number, number, number, number, number, number]): number;
}

/** CPU flags from /proc/cpuinfo (Linux), or undefined. */
function cpuFlags(): Set<string> | undefined {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    return line === undefined ? undefined : new Set(line.split(':')[1]?.trim().split(/\s+/));
  } catch {
    return undefined;
  }
}

// The instruction sets the two prebuilds are compiled for (clang -march=x86-64-v3 / -v4); an
// instruction the CPU lacks would kill the process, so every one must be present.
const X86_64_V3 = ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'];
const X86_64_V4 = [...X86_64_V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];

let nativeOutcome: Outcome | undefined;

function loadNative(): Outcome {
  if (nativeOutcome !== undefined) return nativeOutcome;
  nativeOutcome = (() => {
    const dir = nativeAddonDir();
    const files = listAddons(dir);
    if (files.length === 0) {
      return { error: `no native prebuild for ${process.platform}-${process.arch}` };
    }
    // The two x86-64 builds need every flag of their level; elsewhere there is no such build yet.
    const flags = process.arch === 'x64' ? cpuFlags() : undefined;
    if (process.arch === 'x64' && flags === undefined)
      return { error: 'cannot read /proc/cpuinfo' };
    const has = (level: readonly string[]): boolean => level.every((f) => flags?.has(f));
    // HNN_NATIVE_ISA=avx2 keeps an AVX-512 machine on the AVX2 build (to test or compare it).
    const capped = process.env.HNN_NATIVE_ISA === 'avx2';
    const isas: Isa[] = [];
    if (!capped && has(X86_64_V4)) isas.push('avx512');
    if (has(X86_64_V3)) isas.push('avx2');
    const libc = hostLibc();
    const file = choosePrebuild(files, { libc, isas });
    if (file === undefined) {
      return {
        error:
          `no prebuild in ${fileURLToPath(dir)} fits this machine (` +
          `CPU: ${isas.length > 0 ? isas.join(', ') : 'no AVX2/FMA'}; libc: ${libc ?? 'none'})`,
      };
    }
    const isa = parsePrebuildName(file)?.isa;
    const path = fileURLToPath(new URL(file, dir));
    let addon: Addon;
    try {
      addon = createRequire(import.meta.url)(path) as Addon;
    } catch (error) {
      return { error: `native addon unavailable: ${describe(error)}` };
    }
    if (isa === undefined) return { error: `${file} names no instruction set` };
    const name: EngineName = isa === 'avx512' ? 'native-avx512' : 'native-avx2';
    const engine: Engine = {
      name,
      rowBlock: addon.kernelBlock(BlockQuery.ROWS),
      colBlock: addon.kernelBlock(BlockQuery.COLUMNS),
      heapBase: 0,
      pixelLayout: (...args) => {
        layoutArgs(args);
        return checkKernel(addon.pixelLayout(...args), 'pixel_layout');
      },
      create(bytes) {
        checkRegionBytes(bytes);
        const buffer = addon.alloc(bytes);
        const address = addon.address(buffer);
        return {
          buffer,
          transposeW2: (ctx) => {
            checkKernel(addon.transposeW2(address, ctxArg(ctx)), 'transpose_w2');
          },
          workChunks: (ctx, tid) =>
            checkKernel(addon.workChunks(address, ctxArg(ctx), intArg('tid', tid)), 'work_chunks'),
          reduceAdam: (ctx, part, parts) => {
            const status = addon.reduceAdam(
              address,
              ctxArg(ctx),
              intArg('part', part),
              intArg('parts', parts),
            );
            checkKernel(status, 'reduce_adam');
          },
          rngSeed: (ctx, seed) => {
            const s = checkKernelArgument('seed', seed, 0, U32_MAX);
            checkKernel(addon.rngSeed(address, ctxArg(ctx), s | 0), 'rng_seed');
          },
          permute: (ctx) => {
            checkKernel(addon.permute(address, ctxArg(ctx)), 'permute');
          },
          f64Product: (ctx) => {
            checkKernel(addon.f64Product(address, ctxArg(ctx)), 'f64_product');
          },
          workerData: { engine: 'native', addonPath: path, address },
        };
      },
    };
    return { engine };
  })();
  return nativeOutcome;
}

function compileSync(url: URL): WasmModule {
  if (wasmApi === undefined) throw new Error('WebAssembly is missing');
  return new wasmApi.Module(readFileSync(url));
}

/** Node: native addons, synchronous or asynchronous compilation, worker_threads. */
export const platform: KernelPlatform = {
  loadNative,
  compileSync,
  async compile(url) {
    if (wasmApi === undefined) throw new Error('WebAssembly is missing');
    return wasmApi.compile(await readFile(url));
  },
  parallelism: () => availableParallelism(),
  async startWorker(data, onError, onExit): Promise<KernelWorker> {
    const started = new Worker(WORKER_SOURCE, { eval: true, workerData: data });
    try {
      await new Promise<void>((resolve, reject) => {
        started.once('message', () => resolve());
        started.once('error', reject);
        started.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)));
      });
    } catch (error) {
      await started.terminate();
      throw error;
    }
    // A worker that dies later makes the trainer report FusedPathError.
    started.on('error', onError);
    started.removeAllListeners('exit');
    started.on('exit', onExit);
    // Never keep the process alive for the worker; close() terminates it.
    started.unref();
    return {
      terminate: async () => {
        await started.terminate();
      },
    };
  },
  wait: (words, index, value, ms) => Atomics.wait(words, index, value, ms),
};
