#!/usr/bin/env node
// The `hnn` command of the repository root's node_modules/.bin. It is a dependency's bin rather
// than a root package.json script because pnpm prints its script banner ("> pkg@ hnn ...") on
// stdout before a script runs, which broke `pnpm hnn eval --json > f.json`; a command that is not
// a script, `pnpm hnn` runs through `pnpm exec`, which prints nothing of its own.
import '../../packages/cli/scripts/dev-hnn.mjs';
