/**
 * Exact value conversions used by the generated atomic accessors and clamped writes.
 * Each goes through a pair of one-element typed arrays sharing one buffer, so the
 * bits are reinterpreted, never computed (and NaN, -0 and subnormals survive).
 */

const clampScratch = new Uint8ClampedArray(1)

/** Converts as assigning to a `Uint8ClampedArray` element does (NaN → 0, clamp, round half to even). */
export function clampToUint8(value: number): number {
	clampScratch[0] = value
	return clampScratch[0]!
}

const float32Scratch = new Float32Array(1)
const float32Bits = new Int32Array(float32Scratch.buffer)

/** The IEEE 754 single-precision bit pattern of `value`, as a signed 32-bit integer. */
export function float32ToBits(value: number): number {
	float32Scratch[0] = value
	return float32Bits[0]!
}

/** The `float` whose bit pattern is `bits`. */
export function bitsToFloat32(bits: number): number {
	float32Bits[0] = bits
	return float32Scratch[0]!
}

const float64Scratch = new Float64Array(1)
const float64Bits = new BigInt64Array(float64Scratch.buffer)

/** The IEEE 754 double-precision bit pattern of `value`, as a signed 64-bit `bigint`. */
export function float64ToBits(value: number): bigint {
	float64Scratch[0] = value
	return float64Bits[0]!
}

/** The `double` whose bit pattern is `bits`. */
export function bitsToFloat64(bits: bigint): number {
	float64Bits[0] = bits
	return float64Scratch[0]!
}

/** `2^53 - 1` as a `bigint`: the largest stored value a pointer53 read accepts. */
export const maxPointer53 = BigInt(Number.MAX_SAFE_INTEGER)
