import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BLOCKS,
  ENUMS,
  HEADER_PATH,
  renderHeader,
  renderTs,
  TS_PATH,
} from '../scripts/boundary.mjs';
import * as boundary from './boundary.js';
import type { BlockField } from './boundary.js';

const NATIVE_DIR = fileURLToPath(new URL('../native/', import.meta.url));

describe('the generated boundary files', () => {
  it('are what scripts/boundary.mjs writes from its tables (run gen:boundary after an edit)', async () => {
    expect(readFileSync(HEADER_PATH, 'utf8')).toBe(renderHeader());
    expect(readFileSync(TS_PATH, 'utf8')).toBe(await renderTs());
  });
});

function compiler(): string | undefined {
  for (const name of [process.env.CLANG, 'clang-14', 'clang']) {
    if (name && spawnSync(name, ['--version']).status === 0) return name;
  }
  return undefined;
}

const C_TYPE = { i32: 'int32_t', u32: 'uint32_t', f32: 'float' } as const;

/**
 * A C file of _Static_asserts built from the TypeScript side (src/boundary.ts): every field's byte
 * offset and C type, every block's size and every enum value, as the driver uses them.
 */
function probeFromTypeScript(): string {
  const lines = ['#include <stddef.h>', '#include "boundary.h"'];
  const tables = boundary as unknown as Record<string, unknown>;
  for (const block of BLOCKS) {
    const fields = tables[block.ts] as Record<string, BlockField>;
    for (const [name, field] of Object.entries(fields)) {
      const where = `${block.c}.${name}`;
      lines.push(
        `_Static_assert(offsetof(${block.c}, ${name}) == ${field.word * 4}, "${where} offset");`,
        `_Static_assert(_Generic(((${block.c} *)0)->${name}, ${C_TYPE[field.type]}: 1, default: 0), "${where} type");`,
      );
    }
    const bytes = tables[`${block.ts}_BYTES`] as number;
    lines.push(`_Static_assert(sizeof(${block.c}) == ${bytes}, "${block.c} size");`);
  }
  for (const e of ENUMS) {
    const values = tables[e.ts] as Record<string, number>;
    for (const [name, value] of Object.entries(values)) {
      lines.push(`_Static_assert(${e.cPrefix}${name} == ${value}, "${e.cPrefix}${name}");`);
    }
  }
  return `${lines.join('\n')}\n`;
}

const clang = compiler();

describe.skipIf(clang === undefined)('native/boundary.h against src/boundary.ts (clang)', () => {
  // Both targets the kernel is built for: the native addon (x86-64) and WebAssembly (wasm32).
  it.each([
    ['x86_64-linux-gnu', []],
    ['wasm32', ['-ffreestanding']],
  ] as const)('agree on every offset, type, size and enum value (%s)', (target, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'hnn-boundary-'));
    try {
      const probe = join(dir, 'probe.c');
      writeFileSync(probe, probeFromTypeScript());
      const run = spawnSync(
        clang ?? '',
        [`--target=${target}`, ...extra, '-fsyntax-only', '-Werror', `-I${NATIVE_DIR}`, probe],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when a C field moves (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hnn-boundary-'));
    try {
      // A header with Ctx's first two fields swapped, and the same probe against it.
      const swapped = renderHeader().replace(
        /( {2}int32_t kind;[^\n]*\n)( {2}int32_t d;[^\n]*\n)/,
        '$2$1',
      );
      expect(swapped).not.toBe(renderHeader());
      writeFileSync(join(dir, 'boundary.h'), swapped);
      writeFileSync(join(dir, 'probe.c'), probeFromTypeScript());
      const run = spawnSync(clang ?? '', ['-fsyntax-only', `-I${dir}`, join(dir, 'probe.c')], {
        encoding: 'utf8',
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/Ctx\.kind offset/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
