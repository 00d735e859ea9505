/**
 * `num` evenly spaced values from `start` to `stop` inclusive, computed as numpy.linspace does
 * (`start + i * step`, last value set to `stop` exactly), so evaluation times match the reference
 * to the last bit.
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  if (!Number.isInteger(num) || num < 0) {
    throw new RangeError(`linspace needs a non-negative integer count, got ${num}`);
  }
  const out = new Float64Array(num);
  if (num === 0) return out;
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}
