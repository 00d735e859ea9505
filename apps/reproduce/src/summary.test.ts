import { describe, expect, it } from 'vitest';
import { DataFileChecksumError } from '@hnn/datasets';
import { TaskInputError } from './errors.js';
import { describeFailure, exitCode, formatSummary, type Outcome } from './summary.js';

describe('the end-of-run summary', () => {
  const ran: Outcome = { task: 'mass-spring', status: 'ran' };
  const skipped: Outcome = {
    task: 'real-pendulum',
    status: 'skipped',
    reason: 'no data file given',
  };
  const failed: Outcome = { task: 'two-body', status: 'failed', reason: 'disk full' };

  it('lists what ran, each skip and failure with its reason, and the notes', () => {
    expect(formatSummary([ran, skipped, failed], ['cache: disabled'])).toBe(
      [
        'Summary: 1 ran, 1 skipped, 1 failed (exit code 1)',
        '  ran:     mass-spring',
        '  skipped: real-pendulum — no data file given',
        '  failed:  two-body — disk full',
        '  note:    cache: disabled',
      ].join('\n'),
    );
  });

  it('exits 0 when everything asked for ran or was skipped, 1 when something failed', () => {
    expect(exitCode([ran, skipped])).toBe(0);
    expect(formatSummary([ran, skipped], [])).toMatch(
      /^Summary: 1 ran, 1 skipped, 0 failed \(exit code 0\)\n/,
    );
    expect(exitCode([ran, failed])).toBe(1);
    expect(exitCode([skipped, failed])).toBe(1);
    // A failure outside the tasks (REPORT.md) passes its own code.
    expect(exitCode([ran], 1)).toBe(1);
  });
});

describe('describeFailure', () => {
  it('gives typed errors as their one-line message, without a stack', () => {
    expect(describeFailure(new TaskInputError('--tasks names real-pendulum but\nno file'))).toEqual(
      {
        reason: '--tasks names real-pendulum but no file',
      },
    );
    expect(describeFailure(new DataFileChecksumError('f.txt', 'a', 'b')).stack).toBeUndefined();
  });

  it('adds the stack for anything else: a bug or a surprise', () => {
    const bug = new TypeError("Cannot read properties of null (reading 'format')");
    expect(describeFailure(bug)).toEqual({ reason: bug.message, stack: bug.stack });
    const fsError = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    expect(describeFailure(fsError).stack).toContain('EIO: i/o error');
    expect(describeFailure('thrown string')).toEqual({
      reason: 'thrown string',
      stack: 'thrown string',
    });
  });
});
