#!/usr/bin/env node
import { processIo } from './cli-io.js';
import { runCli } from './main.js';
import { installSignalCleanup } from './write-atomic.js';

installSignalCleanup();
// A reader that goes away (`hnn train ... 2>&1 | head`) must not crash the run half-way through
// writing its output file; the work finishes and the rest of the text is dropped.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}
process.exitCode = await runCli(process.argv.slice(2), processIo);
