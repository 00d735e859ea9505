import { describe, expect, it } from 'vitest';
import { chooseThreads } from './kernel-threads.js';

describe('chooseThreads (the adaptive probe)', () => {
  it('keeps two threads when they are faster or about as fast', () => {
    expect(chooseThreads([8.6, 8.5, 8.7], [4.7, 4.8, 4.6])).toBe(2);
    expect(chooseThreads([1.0, 1.0, 1.0], [1.05, 1.1, 1.0])).toBe(2);
  });

  it('switches to one thread when it is clearly faster (a busy second core)', () => {
    expect(chooseThreads([1.5, 1.6, 1.5], [3.2, 3.0, 3.4])).toBe(1);
  });

  it('decides by medians, so a single slow step does not decide', () => {
    expect(chooseThreads([8.6, 8.5, 8.7], [4.7, 40, 4.6])).toBe(2);
    expect(chooseThreads([1.5, 30, 1.5], [3.2, 3.0, 3.4])).toBe(1);
  });
});
