/** Base class of every error @hnn/cli throws on purpose, so callers can catch them as a group. */
export class HnnCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag is missing, unknown or has a bad value. */
export class UsageError extends HnnCliError {}

/**
 * A data file cannot be used: missing or unreadable, a malformed CSV, a bad value. The message
 * names the file and, where there is one, the line, and says how to fix it.
 */
export class DataFileError extends HnnCliError {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, line: number | undefined, problem: string) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${problem}`);
    this.file = file;
    this.line = line;
  }
}

/**
 * A model file is not a valid model of this format version: not JSON (e.g. truncated), another
 * format or version, wrong shapes, non-finite weights.
 */
export class ModelFormatError extends HnnCliError {
  /** Where the model came from (a path, or 'model JSON' when given as a value). */
  readonly source: string;
  readonly line: number | undefined;

  constructor(source: string, line: number | undefined, problem: string) {
    super(`${line === undefined ? source : `${source}:${line}`}: ${problem}`);
    this.source = source;
    this.line = line;
  }
}

/** The adaptive solver could not integrate the learned field over the requested span. */
export class RolloutError extends HnnCliError {}
