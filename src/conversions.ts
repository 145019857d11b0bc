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

/**
 * The double's two 32-bit halves, over `float64Scratch`'s buffer: the high half (sign,
 * exponent, top 20 bits of the fraction) is element 1 on a little-endian host, 0 on a
 * big-endian one.
 */
const float64Halves = new Uint32Array(float64Scratch.buffer)
const highHalf = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
const lowHalf = 1 - highHalf

/**
 * The IEEE 754 half-precision bit pattern of `value`, rounded to nearest, ties to even,
 * straight from the double's bits (no detour through `float`, which would round twice),
 * as `Float16Array` and `Math.f16round` do. Every NaN becomes the quiet NaN 0x7e00, whatever
 * its sign bit, which JavaScript code does not set reliably (V8's interpreter sets it for `-x`
 * of a NaN, its optimising compiler may fold the same `-x` to the positive NaN). Engines
 * without `Float16Array` (Node 20) need this; the result is the same where they have it.
 * Integer work on the double's halves: no `Math.log2` or `**`, which V8 compiles as calls.
 */
export function float16ToBits(value: number): number {
	value = +value // as a Float16Array element assignment converts (and throws for a bigint)
	float64Scratch[0] = value
	const high = float64Halves[highHalf]!
	const sign = (high >>> 16) & 0x8000
	const exponent = (high >>> 20) & 0x7ff // biased by 1023
	if (exponent >= 1023 - 14) {
		// 2^16 and up, infinities and NaN (exponent 0x7ff with a fraction)
		if (exponent >= 1023 + 16) return exponent === 0x7ff && ((high & 0xfffff) | float64Halves[lowHalf]!) !== 0 ? 0x7e00 : sign | 0x7c00
		// A normal half: its exponent and the fraction's top 10 bits, then rounded on the 42
		// bits below them. A carry out of the fraction moves to the next exponent, which is
		// right, and from the largest half (65504) to infinity's pattern, as it should.
		let bits = ((exponent - 1008) << 10) | ((high >>> 10) & 0x3ff)
		const rest = high & 0x3ff
		if (rest > 0x200 || (rest === 0x200 && ((bits & 1) !== 0 || float64Halves[lowHalf]! !== 0))) bits++
		return sign | bits
	}
	// Subnormal (or zero): a multiple of 2^-24, exact after the scaling. A result of 1024
	// is the smallest normal's bit pattern, which is right.
	const scaled = Math.abs(value) * 16777216
	const floor = Math.floor(scaled)
	const fraction = scaled - floor
	return sign | (fraction > 0.5 || (fraction === 0.5 && (floor & 1) === 1) ? floor + 1 : floor)
}

/** `2 ** (exponent - 25)` for a half's biased exponent 1..30 (index 0: the subnormals' 2^-24), looked up: V8 calls out for `**`. */
const float16Scales = Array.from({ length: 32 }, (_, exponent) => 2 ** ((exponent || 1) - 25))

/** The half-precision float whose bit pattern is the low 16 bits of `bits` (exact in a double). */
export function bitsToFloat16(bits: number): number {
	const exponent = (bits >> 10) & 0x1f
	const fraction = bits & 0x3ff
	if (exponent === 31) return fraction !== 0 ? Number.NaN : bits & 0x8000 ? -Infinity : Infinity
	const magnitude = exponent === 0 ? fraction * float16Scales[0]! : (1024 + fraction) * float16Scales[exponent]!
	return bits & 0x8000 ? -magnitude : magnitude
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
