import { readdirSync } from 'node:fs';

/**
 * Prebuilt addons follow the layout Node users know from prebuildify and node-gyp-build:
 * `prebuilds/<platform>-<arch>/<tag>.<tag>...node`, tags separated by dots: the runtime (`node`),
 * `napi` (Node-API, one binary for every Node version), the C library (`glibc` / `musl`). One tag
 * is this package's own: the x86-64 instruction set (`avx512`, `avx2`). node-gyp-build itself is
 * not used because it cannot choose by instruction set (it matches platform, arch, runtime, ABI,
 * libc and ARM version), and an AVX-512 build loaded on a CPU without AVX-512 kills the process.
 */
export type Isa = 'avx512' | 'avx2';

export interface PrebuildTags {
  readonly runtime: string | undefined;
  readonly napi: boolean;
  readonly libc: 'glibc' | 'musl' | undefined;
  readonly isa: Isa | undefined;
}

/** The tags of a prebuild's file name, or undefined for a file that is not a `.node` addon. */
export function parsePrebuildName(file: string): PrebuildTags | undefined {
  if (!file.endsWith('.node')) return undefined;
  const tags = file.slice(0, -'.node'.length).split('.');
  const runtime = tags.find((t) => t === 'node' || t === 'electron' || t === 'node-webkit');
  const libc = tags.find((t): t is 'glibc' | 'musl' => t === 'glibc' || t === 'musl');
  const isa = tags.find((t): t is Isa => t === 'avx512' || t === 'avx2');
  return { runtime, napi: tags.includes('napi'), libc, isa };
}

/** What the running process can load: its C library and the instruction sets its CPU has, best first. */
export interface PrebuildHost {
  readonly libc: 'glibc' | 'musl' | undefined;
  readonly isas: readonly Isa[];
}

/**
 * The file of `files` to load on `host`: a Node-API build for Node whose libc tag (if any) is the
 * host's, with the best instruction set the host has (a build without an instruction-set tag is
 * the last choice); undefined when none fits.
 */
export function choosePrebuild(files: readonly string[], host: PrebuildHost): string | undefined {
  const rank = (isa: Isa | undefined): number =>
    isa === undefined ? host.isas.length : host.isas.indexOf(isa);
  let best: { file: string; rank: number } | undefined;
  for (const file of [...files].sort()) {
    const tags = parsePrebuildName(file);
    if (tags === undefined || tags.runtime !== 'node' || !tags.napi) continue;
    if (tags.libc !== undefined && tags.libc !== host.libc) continue;
    const r = rank(tags.isa);
    if (r < 0) continue;
    if (best === undefined || r < best.rank) best = { file, rank: r };
  }
  return best?.file;
}

/** The C library Node runs on (Linux): glibc when Node's report names its version, else musl. */
export function hostLibc(): 'glibc' | 'musl' | undefined {
  if (process.platform !== 'linux') return undefined;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
  return report?.header?.glibcVersionRuntime === undefined ? 'musl' : 'glibc';
}

/** The `.node` files in `dir`, or [] when it does not exist. */
export function listAddons(dir: URL): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.node'));
  } catch {
    return [];
  }
}
