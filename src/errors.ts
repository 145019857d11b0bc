/**
 * The error codes, and the cold paths that throw the errors of the hot accessors. The
 * generated hot paths call these only after their single cheap check failed, so the
 * message formatting never costs anything on a successful access.
 *
 * Every message, with its class and code, lives in one table, `messages.ts`; a throw
 * anywhere is `throw raise(entry, ...parameters)` (test/messages.test.ts keeps it so).
 */
import {
	addressMisaligned,
	addressNotANonNegativeInteger,
	addressIsARef,
	addressNotANumber,
	addressOutOfRange,
	elementCountInvalid,
	elementCountNotANumber,
	indexNotANumber,
	indexOutOfRange,
	pointer53Invalid,
	pointer53NotANumber,
	pointer53ResultInvalid,
	pointer53StoredTooLarge,
	raise,
	raiseWithCause,
	refFreed,
	refReleased,
	stringDecodeFailed,
	stringLongerThanEngineAllows,
	valueNotABigint,
	valueNotAString,
	wideIntegerOutOfRange,
} from './messages.js'

/**
 * @internal The errors a heap poll threw because `getLatestHeap()` returned no buffer: an
 * allocation whose region check polled gives its block back and throws that error itself
 * (the region's fit was never the question).
 */
export const latestHeapErrors = new WeakSet<object>()

/**
 * The `code` of every error the library throws, with the error's class kept as it was
 * (`RangeError`, `TypeError` or `Error`), so code can branch on `error.code` instead of
 * the message text.
 * @group Errors
 */
export type HeapErrorCode =
	/** An address, index or range that does not lie within the heap, the array or the allocator's range. */
	| 'ERR_HEAP_OUT_OF_RANGE'
	/** An address not aligned as the access requires (atomics, views, wraps) or an allocator result that was not. */
	| 'ERR_HEAP_MISALIGNED'
	/** An argument of the wrong kind or an invalid option (not a number, a bad count, an unknown option). */
	| 'ERR_HEAP_INVALID_ARGUMENT'
	/** A value that cannot be stored as the type (a number for a bigint type, a pointer53 above 2^53 - 1, a non-ASCII character). */
	| 'ERR_HEAP_INVALID_VALUE'
	/** A string that does not fit in its room (nothing was written). */
	| 'ERR_HEAP_STRING_DOES_NOT_FIT'
	/** A null-terminated string whose terminator is not within the heap or the allowed count. */
	| 'ERR_HEAP_NO_TERMINATOR'
	/** The allocator failed, returned something unusable, or its deallocator threw. */
	| 'ERR_HEAP_ALLOCATION_FAILED'
	/** A ref used after it was freed. */
	| 'ERR_HEAP_REF_FREED'
	/** A ref used after its region was released to other code. */
	| 'ERR_HEAP_REF_RELEASED'
	/** A member that needs allocation tracking on a manager created with `trackAllocations: false` (or `report()` without `debug: true`). */
	| 'ERR_HEAP_TRACKING_OFF'
	/** A scope used after it closed, closed out of order, or given a function it cannot serve. */
	| 'ERR_HEAP_SCOPE'

/**
 * An error thrown by the library: a `RangeError`, `TypeError` or `Error` carrying a {@link HeapErrorCode}.
 * @group Errors
 */
export type HeapError = Error & {
	/** What went wrong, independent of the message text. */
	readonly code: HeapErrorCode
}

/** @internal The key under which every ref gives its class name: a ref given where an address goes is named so. */
export const refNameKey: unique symbol = Symbol('refNameKey') as never

/**
 * Throws the error for an address that is not a usable heap address for an access
 * of `byteSize` bytes: `TypeError` for a value that is not a number, `RangeError`
 * otherwise. Both name the method, the address, the access size and the heap size.
 */
export function throwAddressError(method: string, address: unknown, byteSize: number, heapByteLength: number): never {
	const refName = typeof address === 'object' && address !== null ? (address as { [refNameKey]?: unknown })[refNameKey] : undefined
	if (typeof refName === 'string') throw raise(addressIsARef, method, refName)
	if (typeof address !== 'number') throw raise(addressNotANumber, method, address, byteSize, heapByteLength)
	if (!Number.isInteger(address) || address < 0) throw raise(addressNotANonNegativeInteger, method, address, byteSize, heapByteLength)
	throw raise(addressOutOfRange, method, address, byteSize, heapByteLength)
}

/** Throws the `RangeError` for an access that needs natural alignment and did not get it. */
export function throwAlignmentError(method: string, address: number, alignment: number, heapByteLength: number): never {
	throw raise(addressMisaligned, method, address, alignment, heapByteLength)
}

/** Throws for an element count that is not a non-negative safe integer. */
export function throwElementCountError(method: string, elementCount: unknown): never {
	if (typeof elementCount !== 'number') throw raise(elementCountNotANumber, method, elementCount)
	throw raise(elementCountInvalid, method, elementCount)
}

/** Throws for an array-ref index outside `0 <= index < elementCount`. */
export function throwIndexError(method: string, index: unknown, elementCount: number): never {
	if (typeof index !== 'number') throw raise(indexNotANumber, method, index)
	throw raise(indexOutOfRange, method, index, elementCount)
}

/**
 * Throws the `Error` for any use of a reference after it was freed (`scope`: the one its
 * scope's end freed it, see `scopeEnded`), or released.
 */
export function throwFreedError(className: string, member: string, address: number, released = false, scope?: unknown): never {
	if (released) throw raise(refReleased, className, member, address)
	throw raise(refFreed, className, member, address, scope !== undefined)
}

/** Throws for a `pointer53` value that is not a safe non-negative integer. */
export function throwPointer53ValueError(method: string, value: unknown): never {
	if (typeof value !== 'number') throw raise(pointer53NotANumber, method, value)
	throw raise(pointer53Invalid, method, value)
}

/** Throws for a stored `pointer53` whose uint64 value exceeds `2^53 - 1`. */
export function throwPointer53StoredError(method: string, address: number, high: number, low: number): never {
	throw raise(pointer53StoredTooLarge, method, address, (BigInt(high) << 32n) | BigInt(low))
}

/** Throws for an atomic operation on a `pointer53` whose result would not be a valid pointer53 (nothing was written). */
export function throwPointer53ResultError(method: string, address: number, stored: bigint, result: bigint): never {
	throw raise(pointer53ResultInvalid, method, address, stored, result)
}

/** Throws for a wide unsigned integer outside `[0, 2^bits)`. */
export function throwWideIntegerError(method: string, value: unknown, bits: number): never {
	if (typeof value !== 'bigint') throw raise(valueNotABigint, method, value)
	throw raise(wideIntegerOutOfRange, method, value, bits)
}

/** Throws for a string argument that is not a string. */
export function throwStringValueError(method: string, value: unknown): never {
	throw raise(valueNotAString, method, value)
}

/**
 * Re-throws a decoding error with the method and the string's address in front, as a
 * `RangeError`: a codec's, for an element the encoding cannot hold, or the engine's
 * refusal to make a string that long.
 */
export function throwStringDecodeError(method: string, address: number, error: unknown): never {
	if (error instanceof RangeError && !engineStringLimit.test(error.message)) throw raise(stringDecodeFailed, method, address, error.message)
	// Anything else comes from the engine making the string: it is longer than the engine's
	// longest (V8: 2^29 - 24 code units). Node's TextDecoder says so with an Error ("Cannot
	// create a string longer than 0x1fffffe8 characters") or, for UTF-16, a TypeError ("The
	// encoded data was not valid"); V8's string functions with RangeError "Invalid string length".
	throw raiseWithCause(error, stringLongerThanEngineAllows, method, address, error instanceof Error ? error.message : String(error))
}

/** The engine's own RangeError for a string too long to make (V8, JavaScriptCore, SpiderMonkey wordings). */
const engineStringLimit = /Invalid string length|Out of memory|allocation size overflow/
