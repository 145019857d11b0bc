import { throwPointer53ValueError } from './errors.js'
import { raise, raiseWithCause, valueNotABigint, valueNotANumber, valueNotConvertibleToNumber } from './messages.js'

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

/** Rounds a non-negative `x` to the nearest integer, ties to even (IEEE 754's default rounding). */
function roundHalfToEven(x: number): number {
	const floor = Math.floor(x)
	const fraction = x - floor // exact: both lie within 2^25 of each other
	return fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor
}

/**
 * The IEEE 754 half-precision bit pattern of `value`, rounded to nearest, ties to even,
 * straight from the double (no detour through `float`, which would round twice), as
 * `Float16Array` and `Math.f16round` do. NaN becomes the quiet NaN 0x7e00. Engines
 * without `Float16Array` (Node 20) need this; the result is the same where they have it.
 */
export function float16ToBits(value: number): number {
	value = +value // as a Float16Array element assignment converts (and throws for a bigint)
	if (value !== value) return 0x7e00
	const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0
	const magnitude = Math.abs(value)
	// 65520 is halfway between the largest half (65504) and the next step (65536): it and
	// everything above round to infinity.
	if (magnitude >= 65520) return sign | 0x7c00
	if (magnitude < 2 ** -14) {
		// Subnormal (or zero): a multiple of 2^-24. A result of 1024 is the smallest
		// normal's bit pattern, which is right.
		return sign | roundHalfToEven(magnitude * 2 ** 24)
	}
	let exponent = Math.floor(Math.log2(magnitude))
	// log2 may be off by one next to a power of two: settle it exactly.
	if (2 ** exponent > magnitude) exponent--
	else if (2 ** (exponent + 1) <= magnitude) exponent++
	let mantissa = roundHalfToEven((magnitude / 2 ** exponent) * 1024)
	if (mantissa === 2048) {
		mantissa = 1024
		exponent++
	}
	if (exponent > 15) return sign | 0x7c00
	return sign | ((exponent + 15) << 10) | (mantissa - 1024)
}

/** The half-precision float whose bit pattern is the low 16 bits of `bits` (exact in a double). */
export function bitsToFloat16(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1
	const exponent = (bits >> 10) & 0x1f
	const mantissa = bits & 0x3ff
	if (exponent === 0) return sign * mantissa * 2 ** -24
	if (exponent === 31) return mantissa === 0 ? sign * Infinity : Number.NaN
	return sign * (1024 + mantissa) * 2 ** (exponent - 25)
}

/** `2^53 - 1` as a `bigint`: the largest stored value a pointer53 read accepts. */
export const maxPointer53 = BigInt(Number.MAX_SAFE_INTEGER)

/** A pointer53 value as the uint64 it is stored as, or the error `write<Pointer53>` gives, naming `method`. */
export function pointer53ToStored(value: unknown, method: string): bigint {
	if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) throwPointer53ValueError(method, value)
	return BigInt(value)
}

/**
 * An element of `alloc<BigInt>Array`'s values, held to what `write<BigInt>` accepts: a
 * `bigint`, or the same `TypeError` naming `method` (a typed array would run `ToBigInt`,
 * which takes `'5'`, `true` or an object whose `valueOf` returns a bigint).
 */
export function bigintElement(value: unknown, method: string): bigint {
	if (typeof value !== 'bigint') bigintValue(value, method)
	return value as bigint
}

/**
 * Cold path of a write to a number type whose value is not a number: converts it as
 * the type's TypedArray would (`+value`, which runs an object's `valueOf`), but a
 * bigint or a symbol is a `TypeError` naming the method rather than the engine's.
 */
export function numberValue(value: unknown, method: string, name?: string): number {
	if (typeof value === 'bigint' || typeof value === 'symbol') {
		throw raise(valueNotANumber, method, value, name)
	}
	try {
		return +(value as number)
	} catch (error) {
		// An object whose valueOf returned a bigint or a symbol.
		if (error instanceof TypeError) throw raiseWithCause(error, valueNotConvertibleToNumber, method, error.message, name)
		throw error
	}
}

/** Cold path of a write to a bigint type whose value is not a bigint: always a `TypeError` naming the method. */
export function bigintValue(value: unknown, method: string, name?: string): never {
	throw raise(valueNotABigint, method, value, name)
}
