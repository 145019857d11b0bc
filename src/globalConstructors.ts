/**
 * Constructors that only some engines have (`Float16Array`: Node 24 and current
 * browsers, not Node 20), looked up when a view is asked for rather than at load time.
 */
import type { TypedArrayConstructorLike } from './cappedView.js'
import { raise, viewConstructorMissing } from './messages.js'

/**
 * The engine's `Float16Array`, typed by its shape so that these declarations compile
 * without `lib: ["esnext.float16"]` (it is a real `Float16Array` at run time).
 */
export interface Float16ArrayView extends ArrayLike<number> {
	/** The element at `index` (a half float widened to a `number`). */
	[index: number]: number
	/** The heap's buffer. */
	readonly buffer: ArrayBufferLike
	/** The heap address of element 0. */
	readonly byteOffset: number
	/** `length * 2`. */
	readonly byteLength: number
	/** Number of elements. */
	readonly length: number
	/** Always 2. */
	readonly BYTES_PER_ELEMENT: number
	/** Copies `array`'s values in from element `offset` (default 0), each rounded to a half float. */
	set(array: ArrayLike<number>, offset?: number): void
	/** A view of elements `begin` to `end` (exclusive) of the same memory. */
	subarray(begin?: number, end?: number): Float16ArrayView
	/** A copy of elements `start` to `end` (exclusive) in a new buffer. */
	slice(start?: number, end?: number): Float16ArrayView
	/** Writes `value` to elements `start` to `end` (exclusive). */
	fill(value: number, start?: number, end?: number): this
	/** The values, in order (`[...view]`, `for...of`). */
	[Symbol.iterator](): IterableIterator<number>
}

/** The global constructor `name`, or a `TypeError` naming it and the method that needed it. */
export function requireGlobalConstructor<T>(name: string, method: string): TypedArrayConstructorLike<T> {
	const constructor = (globalThis as Record<string, unknown>)[name]
	if (typeof constructor !== 'function') {
		throw raise(viewConstructorMissing, method, name)
	}
	return constructor as TypedArrayConstructorLike<T>
}

/**
 * A `DataView` with the engine's own half-float accessors (typed here so that these
 * declarations compile without `lib: ["esnext.float16"]`).
 */
export interface DataViewWithFloat16 extends DataView {
	getFloat16(byteOffset: number, littleEndian?: boolean): number
	setFloat16(byteOffset: number, value: number, littleEndian?: boolean): void
}

/**
 * Whether this engine's `DataView` has `getFloat16` and `setFloat16` (Node 24, current
 * browsers; not Node 20). `Float16` reads and writes call them where it has, and convert
 * through the `Uint16` bits elsewhere, with the same results (`float16ToBits` rounds as
 * they do; a NaN's bits are the engine's where its accessor writes it, as for `Float32`).
 */
export const hasDataViewFloat16: boolean =
	typeof (DataView.prototype as Partial<DataViewWithFloat16>).getFloat16 === 'function' && typeof (DataView.prototype as Partial<DataViewWithFloat16>).setFloat16 === 'function'
