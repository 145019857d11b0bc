/**
 * Cold paths that build and throw errors. The hot paths in the generated code call
 * these only after their single cheap check failed, so the message formatting never
 * costs anything on a successful access.
 */

/**
 * The `code` of every error the library throws, with the error's class kept as it was
 * (`RangeError`, `TypeError` or `Error`), so code can branch on `error.code` instead of
 * the message text.
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

/** An error thrown by the library: a `RangeError`, `TypeError` or `Error` carrying a {@link HeapErrorCode}. */
export type HeapError = Error & {
	/** What went wrong, independent of the message text. */
	readonly code: HeapErrorCode
}

/**
 * Builds an error of class `Class` with `code` (every throw in the library goes through
 * here). The error keeps its constructor, so `instanceof` and `error.constructor` still
 * name the built-in class.
 */
export function heapError(
	Class: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor,
	code: HeapErrorCode,
	message: string,
	options?: { cause?: unknown },
): HeapError {
	const error = new Class(message, options) as Error & { code: HeapErrorCode }
	error.code = code
	return error
}

/** Formats any value for an error message without invoking user code. */
export function describeValue(value: unknown): string {
	switch (typeof value) {
		case 'number':
			return Object.is(value, -0) ? '-0' : String(value)
		case 'bigint':
			return `${value}n`
		case 'string':
			return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
		case 'undefined':
			return 'undefined'
		case 'object':
			if (value === null) return 'null'
			return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`
		case 'function':
			return 'a function'
		default:
			return typeof value
	}
}

/**
 * Throws the error for an address that is not a usable heap address for an access
 * of `byteSize` bytes: `TypeError` for a value that is not a number, `RangeError`
 * otherwise. Both name the method, the address, the access size and the heap size.
 */
export function throwAddressError(method: string, address: unknown, byteSize: number, heapByteLength: number): never {
	if (typeof address !== 'number') {
		throw heapError(TypeError, 'ERR_HEAP_INVALID_ARGUMENT',
			`${method}: address must be a number, received ${describeValue(address)} ` +
				`(for a ${byteSize}-byte access within the heap of ${heapByteLength} bytes)`,
		)
	}

	if (!Number.isInteger(address) || address < 0) {
		throw heapError(RangeError, 'ERR_HEAP_OUT_OF_RANGE',
			`${method}: address ${describeValue(address)} is not a non-negative integer ` +
				`(for a ${byteSize}-byte access within the heap of ${heapByteLength} bytes)`,
		)
	}

	throw heapError(RangeError, 'ERR_HEAP_OUT_OF_RANGE',
		`${method}: address ${address} is out of range: a ${byteSize}-byte access must end within the heap of ${heapByteLength} bytes`,
	)
}

/** Throws the `RangeError` for an access that needs natural alignment and did not get it. */
export function throwAlignmentError(method: string, address: number, alignment: number, heapByteLength: number): never {
	throw heapError(RangeError, 'ERR_HEAP_MISALIGNED',
		`${method}: address ${address} is not aligned to ${alignment} bytes, which this access requires ` +
			`(heap of ${heapByteLength} bytes)`,
	)
}

/** Throws for an element count that is not a non-negative safe integer. */
export function throwElementCountError(method: string, elementCount: unknown): never {
	if (typeof elementCount !== 'number') {
		throw heapError(TypeError, 'ERR_HEAP_INVALID_ARGUMENT', `${method}: element count must be a number, received ${describeValue(elementCount)}`)
	}

	throw heapError(RangeError, 'ERR_HEAP_INVALID_ARGUMENT', `${method}: element count ${describeValue(elementCount)} is not a non-negative safe integer`)
}

/** Throws for an array-ref index outside `0 <= index < elementCount`. */
export function throwIndexError(method: string, index: unknown, elementCount: number): never {
	if (typeof index !== 'number') {
		throw heapError(TypeError, 'ERR_HEAP_INVALID_ARGUMENT', `${method}: index must be a number, received ${describeValue(index)}`)
	}

	throw heapError(RangeError, 'ERR_HEAP_OUT_OF_RANGE',
		`${method}: index ${describeValue(index)} is out of range: it must be an integer from 0 to ${elementCount - 1} ` +
			`(the array has ${elementCount} elements)`,
	)
}

/** Throws the `Error` for any use of a reference after it was freed. */
export function throwFreedError(className: string, member: string, address: number, released = false): never {
	if (released) {
		throw heapError(Error, 'ERR_HEAP_REF_RELEASED',
			`${className}.${member}: the reference to address ${address} was released (its region now belongs to the code it was handed to)`,
		)
	}
	throw heapError(Error, 'ERR_HEAP_REF_FREED', `${className}.${member}: the reference to address ${address} has been freed`)
}

/** Throws for a `pointer53` value that is not a safe non-negative integer. */
export function throwPointer53ValueError(method: string, value: unknown): never {
	if (typeof value !== 'number') {
		throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${method}: a pointer53 value must be a number, received ${describeValue(value)}`)
	}

	throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE',
		`${method}: ${describeValue(value)} is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1`,
	)
}

/** Throws for a stored `pointer53` whose uint64 value exceeds `2^53 - 1`. */
export function throwPointer53StoredError(method: string, address: number, high: number, low: number): never {
	const stored = (BigInt(high) << 32n) | BigInt(low)
	throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE',
		`${method}: the uint64 at address ${address} holds ${stored}, which is above the largest pointer53 value 2^53 - 1`,
	)
}

/** Throws for an atomic operation on a `pointer53` whose result would not be a valid pointer53 (nothing was written). */
export function throwPointer53ResultError(method: string, address: number, stored: bigint, result: bigint): never {
	throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE',
		`${method}: the result ${result} for the uint64 ${stored} at address ${address} is not a valid pointer53 value: ` +
			'it must be an integer from 0 to 2^53 - 1; nothing was written',
	)
}

/** Throws for a wide unsigned integer outside `[0, 2^bits)`. */
export function throwWideIntegerError(method: string, value: unknown, bits: number): never {
	if (typeof value !== 'bigint') {
		throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${method}: value must be a bigint, received ${describeValue(value)}`)
	}

	throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `${method}: ${value}n is outside the unsigned ${bits}-bit range [0, 2^${bits})`)
}

/** Throws for a string argument that is not a string. */
export function throwStringValueError(method: string, value: unknown): never {
	throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${method}: value must be a string, received ${describeValue(value)}`)
}

/**
 * Re-throws a decoding error with the method and the string's address in front, as a
 * `RangeError`: a codec's, for an element the encoding cannot hold, or the engine's
 * refusal to make a string that long.
 */
export function throwStringDecodeError(method: string, address: number, error: unknown): never {
	if (error instanceof RangeError && !engineStringLimit.test(error.message)) {
		throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `${method}: the string at address ${address}: ${error.message}`)
	}
	// Anything else comes from the engine making the string: it is longer than the engine's
	// longest (V8: 2^29 - 24 code units). Node's TextDecoder says so with an Error ("Cannot
	// create a string longer than 0x1fffffe8 characters") or, for UTF-16, a TypeError ("The
	// encoded data was not valid"); V8's string functions with RangeError "Invalid string length".
	throw heapError(RangeError, 'ERR_HEAP_OUT_OF_RANGE',
		`${method}: the string at address ${address} is longer than the longest string this engine makes (${error instanceof Error ? error.message : String(error)})`,
		{ cause: error },
	)
}

/** The engine's own RangeError for a string too long to make (V8, JavaScriptCore, SpiderMonkey wordings). */
const engineStringLimit = /Invalid string length|Out of memory|allocation size overflow/
