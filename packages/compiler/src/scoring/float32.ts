// scikit-learn's trees cast their input to float32 and compare it with float64 thresholds:
// `float32(x) <= t`. Rounding to float32 is monotonic, so that test is `x <= T` for one float64 T
// per threshold: the SQL compares the float64 value directly, with no CAST to FLOAT on each row
// (cheaper, and no engine-specific overflow errors for values past float32's range).

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

const SMALLEST_F32 = 2 ** -149;

/** The next float32 above a float32 (±0 -> the smallest subnormal; the largest -> Infinity). */
function nextUp32(f: number): number {
  if (f === 0) return SMALLEST_F32;
  if (f === Number.POSITIVE_INFINITY) return f;
  f32[0] = f;
  u32[0] = f > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}

function nextDown32(f: number): number {
  return -nextUp32(-f);
}

/** The largest float64 below a finite float64 > 0 (used on midpoints, which are never 0). */
function prevDouble(x: number): number {
  f64[0] = x;
  u64[0] = x > 0 ? u64[0]! - 1n : u64[0]! + 1n;
  return f64[0]!;
}

function mantissaIsEven32(f: number): boolean {
  f32[0] = f;
  return (u32[0]! & 1) === 0;
}

/**
 * The largest float64 T with `Math.fround(x) <= t` exactly when `x <= T`, for every float64 x that
 * float32 can hold (larger magnitudes make scikit-learn refuse the row anyway).
 */
export function float32Cut(t: number): number {
  if (Number.isNaN(t)) throw new Error("compiler bug: NaN tree threshold");
  // The largest float32 f <= t: every x that rounds to f or below goes left.
  let f = Math.fround(t);
  if (f > t) f = nextDown32(f);
  if (f === Number.NEGATIVE_INFINITY) return f;
  const g = nextUp32(f);
  // Halfway between two neighbouring float32 values is exact in float64 (24 < 53 bits); the
  // halfway point itself rounds to the even one of the two.
  const mid = g === Number.POSITIVE_INFINITY ? f + (f - nextDown32(f)) / 2 : f + (g - f) / 2;
  return mantissaIsEven32(f) ? mid : prevDouble(mid);
}
