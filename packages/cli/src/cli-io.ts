import type { ModelFile } from './model-io.js';

/** Where a command writes: the process's streams in the binary, buffers in tests. */
export interface CliIo {
  /** Results (tables, summaries): what a user pipes or redirects. */
  readonly stdout: (text: string) => void;
  /** Progress and error messages. */
  readonly stderr: (text: string) => void;
  /**
   * Optional: each candidate `hnn train --normalize auto` trained, as its model file (without the
   * training record), labelled as in the messages, e.g. 'symplectic spread 1'. The file is what
   * `--normalize` with that setting would have written; bench/normalize.ts compares them.
   */
  readonly candidateModel?: (label: string, file: ModelFile) => void;
}

/** The process's own streams. */
export const processIo: CliIo = {
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
};
