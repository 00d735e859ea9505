const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Word order of a float64 inside Uint32Array depends on platform endianness.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = LITTLE_ENDIAN ? 1 : 0;

/**
 * The float64 adjacent to `x` in the direction of `direction` (> 0 towards +Infinity, < 0
 * towards -Infinity), like C `nextafter(x, direction * Infinity)`. Bit twiddling instead of
 * BigInt keeps it cheap enough to call once per step.
 */
export function nextAfter(x: number, direction: number): number {
  if (Number.isNaN(x) || direction === 0) return x;
  if (x === 0) return direction > 0 ? Number.MIN_VALUE : -Number.MIN_VALUE;
  if (!Number.isFinite(x)) {
    if (x > 0 === direction > 0) return x;
    return x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
  }
  f64[0] = x;
  const lo = u32[LO] as number;
  if (x > 0 === direction > 0) {
    // Growing the magnitude means incrementing the 64-bit pattern.
    if (lo === 0xffffffff) {
      u32[LO] = 0;
      u32[HI] = (u32[HI] as number) + 1;
    } else {
      u32[LO] = lo + 1;
    }
  } else if (lo === 0) {
    u32[LO] = 0xffffffff;
    u32[HI] = (u32[HI] as number) - 1;
  } else {
    u32[LO] = lo - 1;
  }
  return f64[0];
}
