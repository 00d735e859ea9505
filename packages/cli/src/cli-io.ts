/** Where a command writes: the process's streams in the binary, buffers in tests. */
export interface CliIo {
  /** Results (tables, summaries): what a user pipes or redirects. */
  readonly stdout: (text: string) => void;
  /** Progress and error messages. */
  readonly stderr: (text: string) => void;
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
