/**
 * Cold paths that build and throw errors. The hot paths in the generated code call
 * these only after their single cheap check failed, so the message formatting never
 * costs anything on a successful access.
 */

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
		throw new TypeError(
			`${method}: address must be a number, received ${describeValue(address)} ` +
				`(for a ${byteSize}-byte access within the heap of ${heapByteLength} bytes)`,
		)
	}

	if (!Number.isInteger(address) || address < 0) {
		throw new RangeError(
			`${method}: address ${describeValue(address)} is not a non-negative integer ` +
				`(for a ${byteSize}-byte access within the heap of ${heapByteLength} bytes)`,
		)
	}

	throw new RangeError(
		`${method}: address ${address} is out of range: a ${byteSize}-byte access must end within the heap of ${heapByteLength} bytes`,
	)
}

/** Throws the `RangeError` for an access that needs natural alignment and did not get it. */
export function throwAlignmentError(method: string, address: number, alignment: number, heapByteLength: number): never {
	throw new RangeError(
		`${method}: address ${address} is not aligned to ${alignment} bytes, which this access requires ` +
			`(heap of ${heapByteLength} bytes)`,
	)
}

/** Throws for an element count that is not a non-negative safe integer. */
export function throwElementCountError(method: string, elementCount: unknown): never {
	if (typeof elementCount !== 'number') {
		throw new TypeError(`${method}: element count must be a number, received ${describeValue(elementCount)}`)
	}

	throw new RangeError(`${method}: element count ${describeValue(elementCount)} is not a non-negative safe integer`)
}

/** Throws for an array-ref index outside `0 <= index < elementCount`. */
export function throwIndexError(method: string, index: unknown, elementCount: number): never {
	if (typeof index !== 'number') {
		throw new TypeError(`${method}: index must be a number, received ${describeValue(index)}`)
	}

	throw new RangeError(
		`${method}: index ${describeValue(index)} is out of range: it must be an integer from 0 to ${elementCount - 1} ` +
			`(the array has ${elementCount} elements)`,
	)
}

/** Throws the `Error` for any use of a reference after it was freed. */
export function throwFreedError(className: string, member: string, address: number, released = false): never {
	if (released) {
		throw new Error(
			`${className}.${member}: the reference to address ${address} was released (its region now belongs to the code it was handed to)`,
		)
	}
	throw new Error(`${className}.${member}: the reference to address ${address} has been freed`)
}

/** Throws for a `pointer53` value that is not a safe non-negative integer. */
export function throwPointer53ValueError(method: string, value: unknown): never {
	if (typeof value !== 'number') {
		throw new TypeError(`${method}: a pointer53 value must be a number, received ${describeValue(value)}`)
	}

	throw new RangeError(
		`${method}: ${describeValue(value)} is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1`,
	)
}

/** Throws for a stored `pointer53` whose uint64 value exceeds `2^53 - 1`. */
export function throwPointer53StoredError(method: string, address: number, high: number, low: number): never {
	const stored = (BigInt(high) << 32n) | BigInt(low)
	throw new RangeError(
		`${method}: the uint64 at address ${address} holds ${stored}, which is above the largest pointer53 value 2^53 - 1`,
	)
}

/** Throws for an atomic operation on a `pointer53` whose result would not be a valid pointer53 (nothing was written). */
export function throwPointer53ResultError(method: string, address: number, stored: bigint, result: bigint): never {
	throw new RangeError(
		`${method}: the result ${result} for the uint64 ${stored} at address ${address} is not a valid pointer53 value: ` +
			'it must be an integer from 0 to 2^53 - 1; nothing was written',
	)
}

/** Throws for a wide unsigned integer outside `[0, 2^bits)`. */
export function throwWideIntegerError(method: string, value: unknown, bits: number): never {
	if (typeof value !== 'bigint') {
		throw new TypeError(`${method}: value must be a bigint, received ${describeValue(value)}`)
	}

	throw new RangeError(`${method}: ${value}n is outside the unsigned ${bits}-bit range [0, 2^${bits})`)
}

/** Throws for a string argument that is not a string. */
export function throwStringValueError(method: string, value: unknown): never {
	throw new TypeError(`${method}: value must be a string, received ${describeValue(value)}`)
}

/** Re-throws a codec's decoding `RangeError` with the method and the string's address in front. */
export function throwStringDecodeError(method: string, address: number, error: unknown): never {
	if (error instanceof RangeError) {
		throw new RangeError(`${method}: the string at address ${address}: ${error.message}`)
	}
	throw error
}
