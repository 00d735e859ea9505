import { describe, expect, it } from 'vitest';
import { choosePrebuild, hostLibc, listAddons, parsePrebuildName } from './prebuilds.js';
import type { PrebuildHost } from './prebuilds.js';

const COMMITTED = ['node.napi.glibc.avx2.node', 'node.napi.glibc.avx512.node'];

describe('prebuild file names (prebuildify tags + an instruction-set tag)', () => {
  it('parses runtime, napi, libc and instruction set', () => {
    expect(parsePrebuildName('node.napi.glibc.avx512.node')).toEqual({
      runtime: 'node',
      napi: true,
      libc: 'glibc',
      isa: 'avx512',
    });
    expect(parsePrebuildName('electron.abi40.node')).toEqual({
      runtime: 'electron',
      napi: false,
      libc: undefined,
      isa: undefined,
    });
    expect(parsePrebuildName('manifest.json')).toBeUndefined();
  });

  it.each<[string, PrebuildHost, string | undefined]>([
    ['an AVX-512 CPU on glibc', { libc: 'glibc', isas: ['avx512', 'avx2'] }, COMMITTED[1]],
    ['an AVX2-only CPU (or HNN_NATIVE_ISA=avx2)', { libc: 'glibc', isas: ['avx2'] }, COMMITTED[0]],
    ['a CPU without AVX2', { libc: 'glibc', isas: [] }, undefined],
    ['musl (Alpine): the glibc builds do not load', { libc: 'musl', isas: ['avx2'] }, undefined],
  ])('picks the right committed build for %s', (_, host, expected) => {
    expect(choosePrebuild(COMMITTED, host)).toBe(expected);
  });

  it('never picks a build for another runtime or without Node-API', () => {
    const files = ['electron.napi.glibc.avx2.node', 'node.abi115.glibc.avx2.node'];
    expect(choosePrebuild(files, { libc: 'glibc', isas: ['avx2'] })).toBeUndefined();
  });

  it('prefers a build for the CPU over a generic one', () => {
    const files = ['node.napi.node', 'node.napi.glibc.avx2.node'];
    expect(choosePrebuild(files, { libc: 'glibc', isas: ['avx2'] })).toBe(files[1]);
    expect(choosePrebuild(files, { libc: 'glibc', isas: [] })).toBe(files[0]);
  });

  it('finds the committed linux-x64 builds, and they are named as the loader expects', () => {
    const files = listAddons(new URL('../prebuilds/linux-x64/', import.meta.url)).sort();
    expect(files).toEqual(COMMITTED);
    for (const file of files) expect(parsePrebuildName(file)?.isa).toBeDefined();
  });

  it.skipIf(process.platform !== 'linux')('reads the C library of this Linux', () => {
    expect(['glibc', 'musl']).toContain(hostLibc());
  });
});
