/**
 * Helpers shared by the suites that loop over the descriptor rows: calling generated
 * methods by name, the loose types of the refs and views they return, the value sets
 * of each row's type (fixed conversion inputs, exact samples, seeded random values),
 * an independent reference for reads, writes and conversions, and the assertions on
 * thrown errors that every suite makes.
 */
import { expect } from 'chai'
import { elementRows } from '../../descriptors/elements.js'
import { normalizeElements, type NormalizedElement } from '../../codegen/normalize.js'
import * as conversions from '../../src/conversions.js'
import type { SeededRandom } from './heaps.js'

/** Every row of the descriptor table, normalized. */
export const elements: readonly NormalizedElement[] = normalizeElements(elementRows)

/**
 * The rows whose views this engine can make (all of them but `Float16` before Node 24),
 * for suites whose every step takes views. numeric.test.ts checks every row's plain,
 * atomic and view access, and that a missing constructor is a `TypeError`.
 */
export const viewableElements: readonly NormalizedElement[] = elements.filter(
	(element) => typeof (globalThis as Record<string, unknown>)[element.viewConstructor] === 'function',
)

/** A value of any element type: a `number`, or a `bigint` for the 64-bit integer rows. */
export type Value = number | bigint

/** A TypedArray of any element type, typed loosely so one test body serves every row. */
export interface TypedArrayLike {
	readonly length: number
	readonly buffer: ArrayBufferLike
	readonly byteOffset: number
	readonly byteLength: number
	[index: number]: Value
}

/** The members every ref (value, array or string) has. */
export interface AnyRef {
	readonly address: number
	readonly allocatedByteSize: number
	readonly isFreed: boolean
	free(): void
}

/** The members every value ref (`alloc<T>()`, `wrap<T>()`) has, typed loosely so one test body serves every row. */
export interface ValueRef extends AnyRef {
	value: Value
	read(): Value
	write(value: Value): void
	readAtomic(): Value
	writeAtomic(value: Value): void
	readonly allocatedBytesView: Uint8Array
	clear(): void
	[Symbol.dispose](): void
}

/** The members every array ref (`alloc<T>Array()`, `wrap<T>Array()`) has, typed loosely so one test body serves every row. */
export interface ArrayRef extends Omit<ValueRef, 'value' | 'read' | 'write' | 'readAtomic' | 'writeAtomic'> {
	readonly elementCount: number
	readonly bytesPerElement: number
	readonly view: TypedArrayLike
	readAt(index: number): Value
	writeAt(index: number, value: Value): void
	readAtomicAt(index: number): Value
	writeAtomicAt(index: number, value: Value): void
}

type AnyMethod = (...args: unknown[]) => unknown

/**
 * `target[name](...args)`, failing clearly if the method does not exist: one loop then
 * covers every generated method of every row (or every `DataView` accessor). `R` is what
 * the caller takes the result to be; it is not checked.
 */
export function callMethod<R = unknown>(target: object, name: string, ...args: unknown[]): R {
	const method = (target as Record<string, AnyMethod | undefined>)[name]
	if (typeof method !== 'function') throw new Error(`test setup: ${target.constructor.name} has no method ${name}`)
	return method.apply(target, args) as R
}

/** The global TypedArray constructor of the given name (`Float16Array` only where the engine has it). */
export function typedArrayConstructor(name: string): {
	new (length: number): TypedArrayLike & { readonly buffer: ArrayBuffer }
	new (values: ArrayLike<Value>): TypedArrayLike
	new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArrayLike
	readonly BYTES_PER_ELEMENT: number
	readonly name: string
} {
	const constructor = (globalThis as unknown as Record<string, unknown>)[name]
	if (typeof constructor !== 'function') throw new Error(`no global ${name}`)
	return constructor as never
}

// ---- the value sets of each row --------------------------------------------------

/** The value a read of all-zero bytes returns for the row. */
export function zeroOf(element: NormalizedElement): Value {
	return element.valueType === 'bigint' ? 0n : 0
}

/** A value of the wrong JS type for the row: a `bigint` where a `number` is expected, and the reverse. */
export function wrongTypeValueOf(element: NormalizedElement): Value {
	return element.valueType === 'bigint' ? 1 : 1n
}

/** Number inputs at every edge a conversion has: wrap-around, clamping, rounding ties, NaN, infinities, -0, float limits. */
const numberInputs: readonly number[] = [
	0, -0, 1, -1, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 127, 128, 200, 254.5, 255, 255.5, 256, 300, -128, -129, 32767, 32768,
	65535, 65536, 65537.7, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 0.5, 2 ** 32 + 3, 1e10, -1e10, 2 ** 53 - 1,
	2 ** 53, -(2 ** 53), 2 ** 64, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300, -1e300, 1e39,
	5e-324, 1e-46, 1.17549435e-38, 3.4028234663852886e38, 3.4028235677973366e38, 0.1,
]

/** `bigint` inputs at every edge of the 64-bit wrap-around. */
const bigintInputs: readonly bigint[] = [
	0n, 1n, -1n, 0x1234n, 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n), -(2n ** 63n) - 1n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 64n + 5n,
	2n ** 70n + 5n, -(2n ** 64n),
]

/** Pointer53 values are validated, not converted: every input is a valid address, up to 2^53 - 1. */
const pointer53Inputs: readonly number[] = [0, 1, 4096, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 3, 2 ** 40 + 16, 2 ** 53 - 1]

/**
 * Fixed inputs that tell the rows' conversions apart (wrap-around, clamping, rounding,
 * NaN, -0, out of range), of the row's JS type; for Pointer53, valid addresses across its
 * range. What a write of each must store is {@link convertAsStored}.
 */
export function conversionInputs(element: NormalizedElement): readonly Value[] {
	if (element.kind === 'pointer53') return pointer53Inputs
	return element.valueType === 'bigint' ? bigintInputs : numberInputs
}

/** Distinct non-zero values of the row's JS type that it stores exactly (a write then a read gives them back). */
export function exactSamples(element: NormalizedElement): Value[] {
	if (element.kind === 'pointer53') return [1, 0x12_3456_789a, 2 ** 53 - 1]
	const raws: Value[] =
		element.valueType === 'bigint' ? [0x0123_4567_89ab_cdefn, -2n, 2n ** 63n + 5n] : [123, -100.75, 2 ** 31 + 0.5, 1.1]
	const samples: Value[] = []
	for (const raw of raws) {
		const value = convertAsStored(element, raw)
		if (value !== zeroOf(element) && !samples.some((seen) => Object.is(seen, value))) samples.push(value)
	}
	return samples
}

/**
 * A seeded random input for the row's conversion, mostly out of its range: floats
 * from 10^-40 to 10^40, integers within ±2^33, any 64-bit pattern for `bigint` rows,
 * any valid address for Pointer53.
 */
export function randomInput(element: NormalizedElement, random: SeededRandom): Value {
	if (element.kind === 'pointer53') return random.int(0, 2 ** 21) * 2 ** 32 + random.int(0, 2 ** 32)
	if (element.valueType === 'bigint') return BigInt.asIntN(64, random.bits64())
	if (element.kind === 'float') return (random.next() - 0.5) * 10 ** random.int(-40, 40)
	return random.int(-(2 ** 33), 2 ** 33)
}

/** A random value of the row's type that every accessor stores and returns unchanged. */
export function sampleValue(element: NormalizedElement, random: SeededRandom): Value {
	if (element.bits !== undefined) {
		// Any bit pattern but NaN's (which has many): every other one round-trips exactly.
		let bits: number
		do bits = random.int(0, 0xffff)
		while ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0)
		return fromBits(element, bits)
	}
	switch (element.kind) {
		case 'float': {
			const value = (random.next() - 0.5) * 2 ** random.int(1, 40)
			return element.byteSize === 4 ? Math.fround(value) : value
		}
		case 'pointer53':
			// Uniform below 2^53, so mostly above 2^32, as a pointer into a heap larger than 4 GiB would be.
			return Number(random.bits64() >> 11n)
		default: {
			const one = new (typedArrayConstructor(element.viewConstructor))(1)
			new Uint8Array(one.buffer).set(random.bytes(element.byteSize))
			return one[0]!
		}
	}
}

/**
 * A row's bits-to-value conversion (Float16 on an engine whose `DataView` has no
 * `getFloat16`). The conversions themselves are checked against the engine's
 * `Float16Array`, where it has one, in float16.test.ts.
 */
function fromBits(element: NormalizedElement, bits: number): number {
	return (conversions[element.bits!.fromBits] as (bits: number) => number)(bits)
}

function toBits(element: NormalizedElement, value: Value): number {
	return (conversions[element.bits!.toBits] as (value: Value) => number)(value)
}

/** The value at `address` as an independent `DataView` sees it (little-endian). */
export function referenceRead(dataView: DataView, element: NormalizedElement, address: number): Value {
	if (element.kind === 'pointer53') return Number(dataView.getBigUint64(address, true))
	if (element.bits !== undefined) return fromBits(element, callMethod<number>(dataView, `get${element.bits.accessor}`, address, true))
	return callMethod<Value>(dataView, `get${element.dataViewAccessor}`, address, true)
}

/** Writes `value` at `address` through an independent `DataView` (little-endian). */
export function referenceWrite(dataView: DataView, element: NormalizedElement, address: number, value: Value): void {
	if (element.kind === 'pointer53') dataView.setBigUint64(address, BigInt(value), true)
	else if (element.bits !== undefined) callMethod(dataView, `set${element.bits.accessor}`, address, toBits(element, value), true)
	else callMethod(dataView, `set${element.dataViewAccessor}`, address, value, true)
}

/**
 * `value` converted as a write of the row converts it: as assigning to an element of its
 * TypedArray does (the engine's `Float16Array` where it has one), else through the row's
 * bit conversions. Pointer53 values are stored as they are.
 */
export function convertAsStored(element: NormalizedElement, value: Value): Value {
	if (element.kind === 'pointer53') return value
	if (element.bits !== undefined && !hasViewConstructor(element)) return fromBits(element, toBits(element, value))
	const array = new (typedArrayConstructor(element.viewConstructor))(1)
	array[0] = value
	return array[0]!
}

/**
 * The name a manager method of an alias row reports in its errors: alias rows share
 * their row's read, write, atomic and view functions (as Node's buffer shares
 * `readUint32LE`), so `readPointer32(-1)` says `readUint32`. Allocation and wrapping
 * are the alias's own.
 */
export function errorName(element: NormalizedElement, method: keyof NormalizedElement['methods']): string {
	if (element.aliasOf === undefined || ['alloc', 'allocArray', 'wrap', 'wrapArray'].includes(method)) return element.methods[method]
	return elements.find((row) => row.name === element.aliasOf)!.methods[method]
}

/** Whether this engine has the row's view constructor (`Float16Array` arrived in Node 24). */
export function hasViewConstructor(element: NormalizedElement): boolean {
	return typeof (globalThis as Record<string, unknown>)[element.viewConstructor] === 'function'
}

/** How a value appears as an element of the row's view (`pointer53` views are `BigUint64Array`s). */
export function asViewElement(element: NormalizedElement, value: Value): Value {
	return element.kind === 'pointer53' ? BigInt(value) : value
}

/** The elements of a view, as a plain array for deep equality. */
export function viewContents(view: TypedArrayLike): Value[] {
	return Array.from({ length: view.length }, (_, index) => view[index]!)
}

/** Runs `action` and returns what it threw, failing if it threw nothing or threw a non-Error. */
export function caught(action: () => unknown, context?: string): Error {
	try {
		action()
	} catch (error) {
		expect(error, context).to.be.instanceOf(Error)
		return error as Error
	}
	expect.fail(`${context === undefined ? '' : `${context}: `}expected an error, nothing was thrown`)
}

/**
 * Asserts the address error: a RangeError whose message names the method and then the
 * address (`readInt32: address 8 ...`), the access size and the heap size.
 */
export function expectAddressRangeError(action: () => unknown, method: string, address: number, byteSize: number, heapSize: number): void {
	const context = `${method}(${String(address)})`
	const error = caught(action, context)
	expect(error, context).to.be.instanceOf(RangeError)
	expect(error.message, context).to.include(`${method}: address ${String(address)}`)
	expect(error.message, context).to.include(`${byteSize}-byte`)
	expect(error.message, context).to.include(`heap of ${heapSize} bytes`)
}

/**
 * Asserts that `fn` throws exactly `errorClass` (not a subclass) with a message equal to
 * `message` (a string) or matching it (a RegExp), and returns the error.
 */
export function expectThrow(fn: () => unknown, errorClass: new (...args: never[]) => Error, message: string | RegExp): Error {
	const expected = `a ${errorClass.name} ${typeof message === 'string' ? `saying ${JSON.stringify(message)}` : `matching ${message}`}`
	const error = caught(fn, `expected ${expected}`)
	expect(error.constructor, `error class (message: ${error.message})`).to.equal(errorClass)
	if (typeof message === 'string') expect(error.message).to.equal(message)
	else expect(error.message).to.match(message)
	return error
}

/** Asserts that two byte copies are identical, naming the first differing offset. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array): void {
	expect(actual.length, 'heap size').to.equal(expected.length)
	const firstDifference = actual.findIndex((byte, offset) => byte !== expected[offset])
	expect(firstDifference, 'first changed byte offset').to.equal(-1)
}
