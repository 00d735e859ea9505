// TEMPORARY (until @hnn/kernels has its browser entry, branch wip-kbrowser): the node: modules
// its Node loader imports, as "not available" so that it falls back to one WebAssembly thread.
export function createRequire(): () => never {
  return () => {
    throw new Error('no native addons in the browser');
  };
}
export function fileURLToPath(url: URL | string): string {
  return String(url);
}
export function pathToFileURL(path: string): URL {
  return new URL(path, 'file:///');
}
export function availableParallelism(): number {
  return navigator.hardwareConcurrency;
}
export class Worker {
  constructor() {
    throw new Error('no worker_threads in the browser');
  }
}
export const workerData = undefined;
export const parentPort = undefined;
