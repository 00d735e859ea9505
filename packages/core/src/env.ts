/**
 * An environment variable under Node (HNN_BACKEND, HNN_FAST_PATH), or undefined where there is no
 * `process` (a browser): reading it through globalThis keeps @hnn/core free of Node globals, so
 * bundlers need no `process` shim.
 */
export function readEnv(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

/** True under Node (and runtimes that present themselves as Node, e.g. Bun, Deno's node mode). */
export function isNode(): boolean {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string';
}
