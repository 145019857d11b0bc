import type { HeapAccess } from './HeapAccess.js'
import type { WrapOptions } from './HeapCore.js'
import { throwAddressError, throwAlignmentError, throwElementCountError } from './errors.js'
import {
	maxElementCountZero,
	noTerminator,
	raise,
	sliceCapacityInvalid,
	stringElementsOutOfRange,
	stringOrCapacityInvalid,
	stringSliceDoesNotFit,
	terminatedStringDoesNotFit,
	wrapOptionNotANumber,
} from './messages.js'

/**
 * Options of `wrap<Enc>StringSlice`: those of every `wrap*` method, plus the capacity of
 * a buffer longer than its string (a Rust `String`'s `capacity()`, a `Vec<u8>`'s).
 * @group Options
 */
export interface StringSliceWrapOptions extends WrapOptions {
	/**
	 * Elements the buffer at `address` holds, at least `elementCount`: the ref's
	 * `capacity`, the room `write` may fill, and the size `free()` hands the deallocator
	 * (Rust's `dealloc` must get the capacity the `String` was allocated with).
	 * @defaultValue `elementCount`
	 */
	readonly capacity?: number | undefined
}

/** The keys of {@link StringSliceWrapOptions}. */
export const stringSliceWrapOptionNames: readonly string[] = ['deallocator', 'capacity']

/**
 * The checks and cold paths of null-terminated string access that every encoding
 * shares, for one manager: address and count validation, scan limits, room, and the
 * polling retries of a string that runs past a shared memory's old end.
 */
/** The largest window a terminator scan past the whole-heap view creates: 1 GiB, below every engine's cap. */
const SCAN_WINDOW_BYTES = 2 ** 30

export class HeapStrings {
	/** The manager whose heap the strings live in. */
	private readonly access: HeapAccess

	constructor(access: HeapAccess) {
		this.access = access
	}

	/** Checks a string's address: a non-negative integer aligned to its element size. */
	private checkAddress(address: number, bytesPerElement: number, method: string): void {
		if (!(typeof address === 'number' && Number.isInteger(address) && address >= 0)) {
			throwAddressError(method, address, bytesPerElement, this.access.currentByteLength(method))
		}
		if (address % bytesPerElement !== 0) {
			throwAlignmentError(method, address, bytesPerElement, this.access.currentByteLength(method))
		}
	}

	/**
	 * Validates a string read and returns how many elements it may scan for the
	 * terminator: `maxElementCount`, or up to the heap's end, whichever is smaller.
	 */
	scanLimit(
		address: number,
		bytesPerElement: number,
		maxElementCount: number | undefined,
		method: string,
	): number {
		this.checkAddress(address, bytesPerElement, method)
		if (maxElementCount !== undefined && !(Number.isSafeInteger(maxElementCount) && maxElementCount >= 0)) {
			throwElementCountError(method, maxElementCount)
		}
		this.access.pollBefore(address, bytesPerElement, method)
		const heapByteLength = this.access.views.buffer.byteLength
		if (maxElementCount === 0 && address <= heapByteLength) return 0
		const room = Math.floor((heapByteLength - address) / bytesPerElement)
		if (!(room >= 1)) this.access.throwOutOfRange(method, address, bytesPerElement, heapByteLength)
		return maxElementCount === undefined || maxElementCount > room ? room : maxElementCount
	}

	/**
	 * The number of elements before the first 0 in the `scan` elements at `address`, or
	 * -1. Within the whole-heap view `elements` this is one `find`; past it (a heap
	 * larger than the engine's typed-array cap: Node 20 refuses a view of 2^32 elements
	 * or more) the scan walks windows of at most {@link SCAN_WINDOW_BYTES}, so that no
	 * view is ever larger than every engine allows.
	 */
	findTerminator<T extends Uint8Array | Uint16Array | Uint32Array>(
		elements: T,
		address: number,
		scan: number,
		find: (elements: T, start: number, limit: number) => number,
	): number {
		const bytesPerElement = elements.BYTES_PER_ELEMENT
		const start = address / bytesPerElement
		if (start + scan <= elements.length) return find(elements, start, scan)
		const Window = elements.constructor as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T
		const windowElements = SCAN_WINDOW_BYTES / bytesPerElement
		for (let done = 0; done < scan; done += windowElements) {
			const count = Math.min(windowElements, scan - done)
			const found = find(new Window(this.access.views.buffer, address + done * bytesPerElement, count), 0, count)
			if (found >= 0) return done + found
		}
		return -1
	}

	/**
	 * Cold path of a string read that found no terminator in the `scanned`
	 * elements: returns the length to decode (`maxElementCount` was reached, which needs
	 * no terminator), or -1 when the heap was replaced and the read must be retried, or
	 * throws a `RangeError` for a string that runs into the heap's end.
	 */
	unterminatedLength(
		address: number,
		bytesPerElement: number,
		scanned: number,
		maxElementCount: number | undefined,
		method: string,
	): number {
		if (maxElementCount !== undefined && scanned === maxElementCount) return scanned
		// A shared memory may have grown under the string: look again once.
		if (this.access.heapWasReplaced(method)) return -1
		throw raise(noTerminator, method, address, this.access.views.buffer.byteLength, maxElementCount)
	}

	/**
	 * Validates a string write and returns its room in elements, terminator
	 * included: `maxElementCount` (which must lie within the heap), or up to the heap's end.
	 */
	room(address: number, bytesPerElement: number, maxElementCount: number | undefined, method: string): number {
		this.checkAddress(address, bytesPerElement, method)
		if (maxElementCount !== undefined) {
			if (!(Number.isSafeInteger(maxElementCount) && maxElementCount >= 0)) throwElementCountError(method, maxElementCount)
			if (maxElementCount === 0) {
				throw raise(maxElementCountZero, method)
			}
		}
		return this.roomWithin(address, bytesPerElement, maxElementCount, method, 1, bytesPerElement)
	}

	/**
	 * The room of a string write at a checked `address` (`room` and `sliceRoom`): the heap
	 * polled for `polledBytes`, then `maxElementCount` (which must lie within the heap) or
	 * the elements up to the heap's end, which must be at least `minimum`.
	 */
	private roomWithin(address: number, bytesPerElement: number, maxElementCount: number | undefined, method: string, minimum: number, polledBytes: number): number {
		this.access.pollBefore(address, polledBytes, method)
		let room = Math.floor((this.access.views.buffer.byteLength - address) / bytesPerElement)
		if (maxElementCount !== undefined && maxElementCount > room && this.access.heapWasReplaced(method)) {
			room = Math.floor((this.access.views.buffer.byteLength - address) / bytesPerElement)
		}
		const heapByteLength = this.access.views.buffer.byteLength
		if (!(room >= minimum)) this.access.throwOutOfRange(method, address, bytesPerElement, heapByteLength)
		if (maxElementCount === undefined) return room
		if (maxElementCount > room) {
			this.access.throwIfDetached(method, address)
			throw raise(stringElementsOutOfRange, method, address, maxElementCount, bytesPerElement, heapByteLength)
		}
		return maxElementCount
	}

	/**
	 * Cold path of a string write that does not fit its room (nothing was
	 * written): returns `true` when the heap was replaced and the write must be retried,
	 * otherwise throws a `RangeError` naming what was needed and what was available.
	 */
	doesNotFit(
		address: number,
		needed: number,
		room: number,
		maxElementCount: number | undefined,
		method: string,
	): true {
		if (maxElementCount === undefined && this.access.heapWasReplaced(method)) return true
		throw raise(terminatedStringDoesNotFit, method, needed, room, address, maxElementCount !== undefined)
	}

	// ---- length-delimited strings (no terminator) ------------------------------------

	/**
	 * Validates a slice read or wrap: `elementCount` elements of `bytesPerElement` bytes at
	 * an aligned `address`, all within the heap (polled first).
	 */
	checkSlice(address: number, bytesPerElement: number, elementCount: number, method: string): void {
		if (!(typeof elementCount === 'number' && Number.isSafeInteger(elementCount) && elementCount >= 0)) {
			throwElementCountError(method, elementCount)
		}
		this.checkAddress(address, bytesPerElement, method)
		this.access.checkRegion(address, elementCount * bytesPerElement, method)
	}

	/**
	 * Validates a slice write and returns its room in elements (no terminator):
	 * `maxElementCount` (which must lie within the heap), or up to the heap's end. An
	 * address at the heap's very end has room 0.
	 */
	sliceRoom(address: number, bytesPerElement: number, maxElementCount: number | undefined, method: string): number {
		this.checkAddress(address, bytesPerElement, method)
		if (maxElementCount !== undefined && !(typeof maxElementCount === 'number' && Number.isSafeInteger(maxElementCount) && maxElementCount >= 0)) {
			throwElementCountError(method, maxElementCount)
		}
		return this.roomWithin(address, bytesPerElement, maxElementCount, method, 0, (maxElementCount ?? 0) * bytesPerElement)
	}

	/**
	 * Cold path of a slice write that does not fit its room (nothing was written): returns
	 * `true` when the heap was replaced and the write must be retried (a shared memory
	 * grown by another thread), otherwise throws a `RangeError` naming what was needed
	 * and what was available.
	 */
	sliceDoesNotFit(address: number, needed: number, room: number, maxElementCount: number | undefined, method: string): true {
		if (maxElementCount === undefined && this.access.heapWasReplaced(method)) return true
		throw raise(stringSliceDoesNotFit, method, needed, room, address, maxElementCount !== undefined)
	}

	/**
	 * The capacity a wrapped slice of `elementCount` elements has: `options.capacity`, checked
	 * to be a safe integer of at least `elementCount`, or `elementCount`. (Options that are
	 * not an object are refused with the other keys, by the wrap itself.)
	 */
	wrappedSliceCapacity(elementCount: number, options: StringSliceWrapOptions | undefined, method: string): number {
		if (typeof options !== 'object' || options === null || options.capacity === undefined) return elementCount
		const capacity: unknown = options.capacity
		if (typeof capacity !== 'number') throw raise(wrapOptionNotANumber, method, 'capacity', capacity)
		if (!(Number.isSafeInteger(capacity) && capacity >= elementCount)) throw raise(sliceCapacityInvalid, method, capacity, elementCount)
		return capacity
	}

	/**
	 * Validates the argument of `alloc<Enc>String` and `alloc<Enc>StringSlice` that is not
	 * a string: a capacity in elements. Anything but a number (`null`, a bigint, an
	 * object) says that a string or a capacity was expected.
	 */
	allocationCapacity(valueOrCapacity: unknown, method: string): number {
		if (typeof valueOrCapacity !== 'number') throw raise(stringOrCapacityInvalid, method, valueOrCapacity)
		return this.capacity(valueOrCapacity, method)
	}

	/** Validates a string ref's capacity argument (elements, terminator included). */
	capacity(capacity: unknown, method: string): number {
		if (!(typeof capacity === 'number' && Number.isSafeInteger(capacity) && capacity >= 0)) {
			throwElementCountError(method, capacity)
		}
		return capacity as number
	}
}
