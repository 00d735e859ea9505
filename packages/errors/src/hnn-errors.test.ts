import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODE_PATTERN, HnnError, isHnnError } from './index.js';

class ProbeError extends HnnError {
  override readonly code = 'HNN_PROBE_FAILED';
}

describe('HnnError', () => {
  it('carries the subclass code and name, and the cause', () => {
    const cause = new Error('inner');
    const error = new ProbeError('outer', { cause });
    expect(error.code).toBe('HNN_PROBE_FAILED');
    expect(error.name).toBe('ProbeError');
    expect(error.message).toBe('outer');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(HnnError);
    expect(error).toBeInstanceOf(Error);
  });

  it('isHnnError tells HnnErrors from other errors', () => {
    expect(isHnnError(new ProbeError('x'))).toBe(true);
    expect(isHnnError(new HnnError('x'))).toBe(true);
    const lookalike = Object.assign(new Error('x'), { code: 'HNN_PROBE_FAILED' });
    expect(isHnnError(lookalike)).toBe(false);
    expect(isHnnError({ code: 'HNN_PROBE_FAILED', message: 'x' })).toBe(false);
    expect(isHnnError(undefined)).toBe(false);
  });

  it('isHnnError recognises an error from another copy of the package', async () => {
    // A second module instance stands for a duplicate copy in node_modules.
    vi.resetModules();
    const other = await import('./index.js');
    expect(other.HnnError).not.toBe(HnnError);
    const foreign = new other.HnnError('from another copy');
    expect(foreign instanceof HnnError).toBe(false);
    expect(isHnnError(foreign)).toBe(true);
  });

  it('the code pattern accepts namespaced codes only', () => {
    expect(ERROR_CODE_PATTERN.test('HNN_CORE_INVALID_INPUT')).toBe(true);
    expect(ERROR_CODE_PATTERN.test('KERNEL_BAD_CONTEXT')).toBe(true);
    expect(ERROR_CODE_PATTERN.test('INVALID')).toBe(false);
    expect(ERROR_CODE_PATTERN.test('hnn_core')).toBe(false);
  });
});
