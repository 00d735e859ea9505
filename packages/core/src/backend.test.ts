import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getBackendInfo, initBackend } from './backend.js';
import { InvalidInputError } from './errors.js';

describe('initBackend', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("'auto' picks tfjs-node when it loads, else falls back with the reason recorded", async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const info = await initBackend('auto');
    expect(tf.getBackend()).toBe(info.name);
    if (info.name === 'tensorflow') {
      expect(info.fallbackReason).toBeUndefined();
    } else {
      expect(info.name).toBe('wasm');
      expect(info.fallbackReason).toMatch(/^tensorflow unavailable: /);
    }
    expect(getBackendInfo()).toEqual(info);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatch(new RegExp(`backend: ${info.name}`));
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
