import { readFileSync } from 'node:fs';

/** This package's name and version, read from its package.json (next to src/ and dist/). */
export const LIBRARY: { readonly name: string; readonly version: string } = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  return { name: pkg.name, version: pkg.version };
})();
