import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackendInfo, initBackend } from './backend.js';
import { InvalidInputError } from './errors.js';

describe('initBackend', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("'auto' picks tfjs-node when it loads, else falls back with the reason recorded", async () => {
    const consoleError = vi.spyOn(console, 'error');
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    const info = await initBackend('auto', { logger });
    expect(tf.getBackend()).toBe(info.name);
    if (info.name === 'tensorflow') {
      expect(info.fallbackReason).toBeUndefined();
    } else {
      expect(info.name).toBe('wasm');
      expect(info.fallbackReason).toMatch(/^tensorflow unavailable: /);
    }
    expect(getBackendInfo()).toEqual(info);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`backend: ${info.name}`));
    // A library writes to the console only through the logger it is given.
    await initBackend('auto');
    expect(consoleError).not.toHaveBeenCalled();
  });

  it('honours an explicit preference and env HNN_BACKEND', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await initBackend('cpu')).toEqual({ name: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    vi.stubEnv('HNN_BACKEND', 'wasm');
    expect(await initBackend()).toEqual({ name: 'wasm' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown preference', async () => {
    vi.stubEnv('HNN_BACKEND', 'gpu');
    await expect(initBackend()).rejects.toBeInstanceOf(InvalidInputError);
  });
});
