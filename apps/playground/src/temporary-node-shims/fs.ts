// TEMPORARY (until @hnn/kernels has its browser entry, branch wip-kbrowser): node:fs for the
// kernel's loader inside the training worker. Reads a URL with a synchronous request, which a
// worker may make; anything else (e.g. /proc/cpuinfo) is missing, as on a non-Linux machine.
export function readFileSync(path: URL | string): Uint8Array {
  if (!(path instanceof URL) || !/^https?:$/.test(path.protocol)) {
    throw new Error(`no file system in the browser: ${String(path)}`);
  }
  const xhr = new XMLHttpRequest();
  xhr.open('GET', path.href, false);
  xhr.responseType = 'arraybuffer';
  xhr.send();
  if (xhr.status !== 200) throw new Error(`GET ${path.href}: ${xhr.status}`);
  return new Uint8Array(xhr.response as ArrayBuffer);
}
export const existsSync = (): boolean => false;
export const readdirSync = (): string[] => [];
