/** IEEE 754 half precision, for CBOR's shortest exact floats (RFC 8949 §4.2.2). */

/**
 * The IEEE 754 binary16 bits of `value` when a half-precision float holds it exactly (zero,
 * integers to 2048, 21.5, 0.25...), else undefined. Infinities fit; NaN is left to float32.
 */
export function halfBitsOf(value: number): number | undefined {
  if (Number.isNaN(value)) return undefined;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === 0) return sign;
  if (magnitude === Infinity) return sign | 0x7c00;
  // Subnormal halves are multiples of 2^-24 below 2^-14.
  if (magnitude < 2 ** -14) {
    const units = magnitude * 2 ** 24;
    return Number.isInteger(units) ? sign | units : undefined;
  }
  const exponent = Math.floor(Math.log2(magnitude));
  // log2 may be off by one at the edges of a binade.
  const e = magnitude >= 2 ** (exponent + 1) ? exponent + 1 : magnitude < 2 ** exponent ? exponent - 1 : exponent;
  if (e > 15) return undefined;
  const fraction = magnitude / 2 ** e - 1;
  const mantissa = fraction * 1024;
  if (!Number.isInteger(mantissa)) return undefined;
  return sign | ((e + 15) << 10) | mantissa;
}
