import type { ImplementedTask } from './args.js';

/** What became of one task asked for. */
export type Outcome =
  | { readonly task: ImplementedTask; readonly seed?: number; readonly status: 'ran' }
  | {
      readonly task: ImplementedTask;
      readonly seed?: number;
      readonly status: 'skipped' | 'failed';
      /** One line: why it was skipped, or the error's message. */
      readonly reason: string;
    };

const BUILTIN_ERRORS: ReadonlySet<unknown> = new Set([
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
  AggregateError,
]);

/**
 * A failed task's message as one line, plus its stack when the error is not one of the typed
 * errors of this repository (DataFileChecksumError, CacheDirError, TaskInputError, ...), whose
 * message already says what to do. A plain Error, a TypeError or a raw file-system error is a bug
 * or a surprise, and its stack is what a bug report needs.
 */
export function describeFailure(err: unknown): { reason: string; stack?: string } {
  const reason = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
  const typed = err instanceof Error && !BUILTIN_ERRORS.has(err.constructor);
  if (typed) return { reason };
  return { reason, stack: err instanceof Error ? (err.stack ?? reason) : reason };
}

/**
 * 1 when a task failed (or `code` is already non-zero), else 0. A skip is not a failure: only the
 * real-pendulum row skips, and only when --tasks did not name it.
 */
export function exitCode(outcomes: readonly Outcome[], code = 0): number {
  return outcomes.some((o) => o.status === 'failed') ? 1 : code;
}

/** The end-of-run summary: counts, what ran, each skip and failure with its reason, notes. */
export function formatSummary(
  outcomes: readonly Outcome[],
  notes: readonly string[],
  code = 0,
): string {
  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  const lines = [
    `Summary: ${count('ran')} ran, ${count('skipped')} skipped, ${count('failed')} failed ` +
      `(exit code ${exitCode(outcomes, code)})`,
  ];
  const name = (o: Outcome) => (o.seed === undefined ? o.task : `${o.task} (seed ${o.seed})`);
  const ran = outcomes.filter((o) => o.status === 'ran').map(name);
  if (ran.length > 0) lines.push(`  ran:     ${ran.join(', ')}`);
  for (const o of outcomes) {
    if (o.status !== 'ran') lines.push(`  ${`${o.status}:`.padEnd(8)} ${name(o)} — ${o.reason}`);
  }
  for (const note of notes) lines.push(`  note:    ${note}`);
  return lines.join('\n');
}
