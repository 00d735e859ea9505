import { HnnError } from '@hnn/errors';

/**
 * Base class of every error @hnn/cli throws on purpose, so callers can catch them as a group; an
 * HnnError (@hnn/errors) whose `code` names the case. Messages are made printable (see below).
 */
export class HnnCliError extends HnnError {
  override readonly code: string = 'HNN_CLI_ERROR';

  constructor(message: string) {
    super(printable(message));
  }
}

/**
 * Text from a file or the command line made safe to print on a terminal: control characters
 * (escape sequences, bells, carriage returns, line breaks) become visible escapes such as \x1b,
 * so a crafted header cannot recolour or rewrite the user's terminal nor split an error line.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A value quoted for a message: printable, and cut to `max` characters so a huge field stays one short line. */
export function quoted(text: string, max = 40): string {
  const cut = text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
  return `'${printable(cut)}'`;
}

/** A flag is missing, unknown or has a bad value. */
export class UsageError extends HnnCliError {
  override readonly code = 'HNN_CLI_USAGE';
}

/**
 * A data file cannot be used: missing or unreadable, a malformed CSV, a bad value. The message
 * names the file and, where there is one, the line, and says how to fix it.
 */
export class DataFileError extends HnnCliError {
  override readonly code = 'HNN_CLI_DATA_FILE';
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
  override readonly code = 'HNN_CLI_MODEL_FORMAT';
  /** Where the model came from (a path, or 'model JSON' when given as a value). */
  readonly source: string;
  readonly line: number | undefined;

  constructor(source: string, line: number | undefined, problem: string) {
    super(`${line === undefined ? source : `${source}:${line}`}: ${problem}`);
    this.source = source;
    this.line = line;
  }
}
