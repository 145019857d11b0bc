/**
 * Every error the library throws, in one table: each entry is an exported constant
 * whose name is its stable key, with the error's class, its {@link HeapErrorCode} and a
 * function that writes the text from typed parameters. A call site throws
 * `raise(entry, ...parameters)`; a wrong parameter list does not compile. Entries are
 * separate constants (not one object) so that a bundle keeps only the messages of the
 * code it keeps (the `allocator` and `structs` entry points carry theirs alone).
 *
 * Nothing else in `src/` or `generated/` builds an error or writes a message
 * (test/messages.test.ts checks that, renders every entry and fails on an unused one).
 * The one exception is the `generate`/`import-c` command line (`src/generator/`), a
 * build-time tool of its own entry point whose `UsageError`, `ImportCError` and
 * `GenerateError` are not `HeapError`s and carry no code.
 * The hot paths call the cold helpers of `errors.ts` (`throwAddressError`, ...), which
 * raise these entries, so formatting costs nothing on a successful access.
 *
 * @internal
 */
import type { HeapError, HeapErrorCode } from './errors.js'
import { counted, withArticle } from './wording.js'

/** One entry of the table: the error's class and code, and its text from `P`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any entry, whatever its parameters
export interface Message<P extends unknown[] = any[]> {
	/** The built-in class of the error, kept as it is (`instanceof` and `constructor` name it). */
	readonly Class: ErrorConstructor | RangeErrorConstructor | TypeErrorConstructor
	/** What went wrong, independent of the text. */
	readonly code: HeapErrorCode
	/** Writes the message from the entry's parameters. */
	readonly text: (...parameters: P) => string
}

/** An entry for an `AggregateError` of several errors (deallocators that threw). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any entry, whatever its parameters
export interface AggregateMessage<P extends unknown[] = any[]> {
	/** Always `AggregateError`. */
	readonly Class: AggregateErrorConstructor
	/** What went wrong, independent of the text. */
	readonly code: HeapErrorCode
	/** Writes the message from the entry's parameters. */
	readonly text: (...parameters: P) => string
}

/**
 * Builds the error of `message` from `parameters` (every throw in the library goes
 * through here or its siblings below). The error keeps its built-in constructor,
 * so `instanceof` and `error.constructor` still name `RangeError`, `TypeError` or `Error`.
 */
export function raise<P extends unknown[]>(message: Message<P>, ...parameters: NoInfer<P>): HeapError {
	const error = new message.Class(message.text(...parameters)) as Error & { code: HeapErrorCode }
	error.code = message.code
	return error
}

/** {@link raise}, with `cause` as the error's `cause`. */
export function raiseWithCause<P extends unknown[]>(cause: unknown, message: Message<P>, ...parameters: NoInfer<P>): HeapError {
	const error = new message.Class(message.text(...parameters), { cause }) as Error & { code: HeapErrorCode }
	error.code = message.code
	return error
}

/**
 * {@link raiseWithCause} for a library error said again in the caller's words: the new
 * error keeps `cause`'s class and code (the entry's own are what a cause without them gets).
 */
export function raiseLikeCause<P extends unknown[]>(cause: Error & { code?: HeapErrorCode }, message: Message<P>, ...parameters: NoInfer<P>): HeapError {
	const Class = cause instanceof RangeError ? RangeError : cause instanceof TypeError ? TypeError : message.Class
	const error = new Class(message.text(...parameters), { cause }) as Error & { code: HeapErrorCode }
	error.code = cause.code ?? message.code
	return error
}

/**
 * A library error (`ERR_HEAP_*`) said again under the name of the entry point the user
 * called, `method`, in place of the name its message opens with (`readInt32Atomic: address
 * 6 is not aligned ...` becomes `Int32Ref.readAtomic: address 6 is not aligned ...`): the
 * same class, code, rest of the message and `cause`. Anything else (a foreign error, or
 * one without a name before a colon) is returned as it is.
 */
export function raiseRenamed(error: unknown, method: string): unknown {
	const code = (error as { code?: unknown } | null)?.code
	if (!(error instanceof Error) || typeof code !== 'string' || !code.startsWith('ERR_HEAP_')) return error
	const colon = error.message.indexOf(': ')
	if (colon < 0) return error
	const Class = error instanceof RangeError ? RangeError : error instanceof TypeError ? TypeError : Error
	const renamed = new Class(method + error.message.slice(colon), 'cause' in error ? { cause: error.cause } : undefined) as Error & { code: string }
	renamed.code = code
	return renamed
}

/** Builds the `AggregateError` of `message` over `errors`, with the entry's code. */
export function raiseAggregate<P extends unknown[]>(errors: readonly unknown[], message: AggregateMessage<P>, ...parameters: NoInfer<P>): HeapError {
	const error = new message.Class(errors, message.text(...parameters)) as AggregateError & { code: HeapErrorCode }
	error.code = message.code
	return error
}

// The codes most entries share, written once (a bundle then repeats a short name, not the string).
const ALLOCATION_FAILED = 'ERR_HEAP_ALLOCATION_FAILED' satisfies HeapErrorCode
const INVALID_ARGUMENT = 'ERR_HEAP_INVALID_ARGUMENT' satisfies HeapErrorCode
const INVALID_VALUE = 'ERR_HEAP_INVALID_VALUE' satisfies HeapErrorCode
const OUT_OF_RANGE = 'ERR_HEAP_OUT_OF_RANGE' satisfies HeapErrorCode
const SCOPE = 'ERR_HEAP_SCOPE' satisfies HeapErrorCode
const STRING_DOES_NOT_FIT = 'ERR_HEAP_STRING_DOES_NOT_FIT' satisfies HeapErrorCode

// ---- formatting ---------------------------------------------------------------------

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

/** @internal Every StructType and EnumType this copy of the library made (declare.ts adds them). */
export const ownDeclarations: WeakSet<object> = new WeakSet()

/**
 * `describeValue` for where a type is expected: a struct, union or enum type, or a generated
 * class of one, made by another copy of the library (its CommonJS build beside its ES module
 * build, or a second installed version), which this copy cannot use, is said to be one where
 * `instanceof` made it "an object". (Only the structs' messages use it: the allocator entry
 * does not carry it.)
 */
function describeType(value: unknown): string {
	return foreignDeclaration(value) ?? describeValue(value)
}

function foreignDeclaration(value: unknown): string | undefined {
	const type = typeof value === 'function' ? (value as { structType?: unknown }).structType : value
	if (typeof type !== 'object' || type === null || ownDeclarations.has(type)) return undefined
	const { kind, name } = type as { kind?: unknown; name?: unknown }
	const declared = (kind === 'struct' || kind === 'union') && typeof (type as { layout?: unknown }).layout === 'function'
	if (!(typeof name === 'string' && (declared || (kind === 'enum' && typeof (type as { nameOf?: unknown }).nameOf === 'function')))) return undefined
	return (
		`${typeof value === 'function' ? `a class generated for ${kind} ${name}` : `${kind} ${name}`} from another copy of wasm-heap-manager, which this copy cannot use ` +
		`(require() and import load two: its CommonJS and ES module builds; or two installed versions): declare it with the copy that uses it`
	)
}

/** The message of an error some other code threw, for ours. */
function describeError(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}` : describeValue(error)
}

/** `U+00E9`, `U+1F600`: at least four hex digits, upper case. */
function codePointName(codePoint: number): string {
	return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
}

/** `'a', 'b'`: each name quoted, comma-separated. */
const quotedList = (names: readonly string[]): string => names.map((name) => `'${name}'`).join(', ')

// ---- addresses, counts, indices (the cold paths of errors.ts) -----------------------

/**
 * For a bigint where a number is taken (a wasm64 export's pointer, or its `size_t` length),
 * the conversion: addresses, lengths and sizes are numbers on every ABI. `how` ends
 * `; pass a bigint `.
 */
const bigintHint = (value: unknown, how = 'pointer as Number(address)'): string => (typeof value === 'bigint' ? `; pass a bigint ${how}` : '')

/**
 * For a negative i32 address whose unsigned reading (`address >>> 0`) lies in the heap: a wasm32
 * function's pointer of 2 GiB or more, which JavaScript receives as a negative i32.
 */
const signedPointerHint = (address: number, heapByteLength: number): string =>
	Number.isInteger(address) && address < 0 && address >= -(2 ** 31) && address + 2 ** 32 < heapByteLength
		? `; a wasm32 function returns a pointer of 2 GiB or more as a negative number: pass address >>> 0 (${address + 2 ** 32})`
		: ''

export const addressNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, address: unknown, byteSize: number, heapByteLength: number) =>
		`${method}: address must be a number, received ${describeValue(address)} ` +
		`(for ${withArticle(`${byteSize}-byte`)} access within the heap of ${heapByteLength} bytes)${bigintHint(address)}`,
} satisfies Message

export const addressIsARef = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, refName: string) => `${method}: address must be a number, received ${withArticle(refName)} (a ref): pass its address, ref.address`,
} satisfies Message

export const refIsNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (refName: string, hint: string) =>
		hint === 'number'
			? `${refName}: a ref does not convert to a number: pass ref.address where an address is wanted (a wasm function's pointer argument), ref.value for a value`
			: `${refName}: a ref does not convert with + or ==: pass ref.address where an address is wanted, ref.value for a value, String(ref) for its description`,
} satisfies Message

export const addressNotANonNegativeInteger = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, address: number, byteSize: number, heapByteLength: number) =>
		`${method}: address ${describeValue(address)} is not a non-negative integer ` +
		`(for ${withArticle(`${byteSize}-byte`)} access within the heap of ${heapByteLength} bytes)${signedPointerHint(address, heapByteLength)}`,
} satisfies Message

export const addressOutOfRange = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, address: number, byteSize: number, heapByteLength: number) =>
		`${method}: address ${address} is out of range: ${withArticle(`${byteSize}-byte`)} access must end within the heap of ${heapByteLength} bytes`,
} satisfies Message

export const heapDetachedNeverPolled = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, address: number) =>
		`${method}: address ${address} is out of range: the heap's buffer was detached (its memory grew), and ` +
		`pollingMode 'never' does not fetch the new one; for a memory that grows, use 'whenEmpty' (the default)`,
} satisfies Message

export const addressMisaligned = {
	Class: RangeError,
	code: 'ERR_HEAP_MISALIGNED',
	text: (method: string, address: number, alignment: number, heapByteLength: number) =>
		`${method}: address ${address} is not aligned to ${alignment} bytes, which this access requires ` +
		`(heap of ${heapByteLength} bytes)`,
} satisfies Message

export const elementCountNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, elementCount: unknown) => `${method}: element count must be a number, received ${describeValue(elementCount)}${bigintHint(elementCount, 'length as Number(length)')}`,
} satisfies Message

export const elementCountInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, elementCount: number) => `${method}: element count ${describeValue(elementCount)} is not a non-negative safe integer`,
} satisfies Message

export const indexNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, index: unknown) => `${method}: index must be a number, received ${describeValue(index)}${bigintHint(index, 'index as Number(index)')}`,
} satisfies Message

export const indexOutOfRange = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, index: number, elementCount: number) =>
		`${method}: index ${describeValue(index)} is out of range: ` +
		(elementCount === 0 ? 'the array has no elements' : `it must be an integer from 0 to ${elementCount - 1} (the array has ${counted(elementCount, 'element')})`),
} satisfies Message

export const refReleased = {
	Class: Error,
	code: 'ERR_HEAP_REF_RELEASED',
	text: (refName: string, member: string, address: number) =>
		`${refName}.${member}: the reference to address ${address} was released (its region now belongs to the code it was handed to)`,
} satisfies Message

export const refFreed = {
	Class: Error,
	code: 'ERR_HEAP_REF_FREED',
	text: (refName: string, member: string, address: number, byScope: boolean) =>
		`${refName}.${member}: the reference to address ${address} has been freed${byScope ? " by its scope's end" : ''}`,
} satisfies Message

// ---- values ---------------------------------------------------------------------------

export const pointer53NotANumber = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (method: string, value: unknown) => `${method}: a pointer53 value must be a number, received ${describeValue(value)}${bigintHint(value, 'pointer as Number(value), or use Pointer64')}`,
} satisfies Message

export const pointer53Invalid = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, value: number) => `${method}: ${describeValue(value)} is not a valid pointer53 value: it must be an integer from 0 to 2^53 - 1`,
} satisfies Message

export const pointer53StoredTooLarge = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, address: number, stored: bigint) =>
		`${method}: the uint64 at address ${address} holds ${stored}, which is above the largest pointer53 value 2^53 - 1`,
} satisfies Message

export const pointer53ResultInvalid = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, address: number, stored: bigint, result: bigint) =>
		`${method}: the result ${result} for the uint64 ${stored} at address ${address} is not a valid pointer53 value: ` +
		'it must be an integer from 0 to 2^53 - 1; nothing was written',
} satisfies Message

export const wideIntegerOutOfRange = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, value: bigint, bits: number) => `${method}: ${value}n is outside the unsigned ${bits}-bit range [0, 2^${bits})`,
} satisfies Message

export const valueNotANumber = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (method: string, value: unknown, name = 'value') => `${method}: ${name} must be a number, received ${describeValue(value)}`,
} satisfies Message

export const valueNotConvertibleToNumber = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (method: string, reason: string, name = 'value') => `${method}: ${name} must convert to a number (${reason})`,
} satisfies Message

export const valueNotABigint = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (method: string, value: unknown, name = 'value') => `${method}: ${name} must be a bigint, received ${describeValue(value)}`,
} satisfies Message

export const valueNotAString = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (method: string, value: unknown) => `${method}: value must be a string, received ${describeValue(value)}`,
} satisfies Message

// ---- strings --------------------------------------------------------------------------

export const stringDecodeFailed = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, address: number, reason: string) => `${method}: the string at address ${address}: ${reason}`,
} satisfies Message

export const stringLongerThanEngineAllows = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, address: number, reason: string) =>
		`${method}: the string at address ${address} is longer than the longest string this engine makes (${reason})`,
} satisfies Message

export const notAscii = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, codePoint: number, index: number) => {
		let character: string
		if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
			character = `a lone surrogate (${codePointName(codePoint)})`
		} else if (codePoint <= 0x9f) {
			// C1 control characters (U+0080 to U+009F) print as nothing.
			character = `the control character ${codePointName(codePoint)}`
		} else {
			character = `'${String.fromCodePoint(codePoint)}' (${codePointName(codePoint)})`
		}
		return `${method}: the string contains ${character} at index ${index}, which is not an ASCII character (U+0000 to U+007F)`
	},
} satisfies Message

/** No method: the codec does not know it; `stringDecodeFailed` puts the method and address in front. */
export const codePointTooLarge = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (index: number, value: number) => `UTF-32 element at index ${index} holds 0x${value.toString(16)}, above the largest code point 0x10FFFF`,
} satisfies Message

export const noTerminator = {
	Class: RangeError,
	code: 'ERR_HEAP_NO_TERMINATOR',
	text: (method: string, address: number, heapByteLength: number, maxElementCount: number | undefined) =>
		`${method}: no null terminator between address ${address} and the end of the heap of ` +
		`${heapByteLength} bytes${maxElementCount === undefined ? '' : ` (the ${maxElementCount} elements allowed run past it)`}`,
} satisfies Message

export const maxElementCountZero = {
	Class: RangeError,
	code: STRING_DOES_NOT_FIT,
	text: (method: string) => `${method}: maxElementCount is 0, which leaves no room for the terminator`,
} satisfies Message

export const wrapMaxElementCountZero = {
	Class: RangeError,
	code: STRING_DOES_NOT_FIT,
	text: (method: string) => `${method}: maxElementCount must be at least 1 (room for the terminator)`,
} satisfies Message

export const stringElementsOutOfRange = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, address: number, maxElementCount: number, bytesPerElement: number, heapByteLength: number) =>
		`${method}: address ${address} is out of range: ${counted(maxElementCount, 'element')} of ${counted(bytesPerElement, 'byte')} ` +
		`must end within the heap of ${heapByteLength} bytes`,
} satisfies Message

/**
 * Where a string write found too little room: at `address` (`limited`: in the
 * `maxElementCount` given), or, where `method` is a string ref's member
 * (`Utf8StringRef.value`), in the ref, with what to do: the `capacity` it would need.
 */
const noRoom = (method: string, address: number, limited: boolean, capacity: number): string =>
	method.includes('.')
		? `in the ref; nothing was written (write a shorter one, or allocate a ref of capacity ${capacity})`
		: `at address ${address} ${limited ? 'in maxElementCount' : 'before the end of the heap'}; nothing was written`

export const terminatedStringDoesNotFit = {
	Class: RangeError,
	code: STRING_DOES_NOT_FIT,
	text: (method: string, needed: number, room: number, address: number, limited: boolean) =>
		`${method}: the string needs ${needed} elements including the terminator, but only ${room} fit ${noRoom(method, address, limited, needed - 1)}`,
} satisfies Message

export const stringSliceDoesNotFit = {
	Class: RangeError,
	code: STRING_DOES_NOT_FIT,
	text: (method: string, needed: number, room: number, address: number, limited: boolean) =>
		`${method}: the string needs ${counted(needed, 'element')}, but only ${room} fit ${noRoom(method, address, limited, needed)}`,
} satisfies Message

// ---- the manager: construction, options, allocation, scopes -------------------------

export const managerArgumentNotAFunction = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, name: string, value: unknown) => `${method}: ${name} must be a function, received ${describeValue(value)}`,
} satisfies Message

export const heapArgumentInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (value: unknown, withAllocator: boolean) =>
		withAllocator
			? `createWasmHeapManager: with an allocator, give the heap as a function returning its current buffer (() => memory.buffer), received ${describeValue(value)}`
			: ArrayBuffer.isView(value)
				? `createWasmHeapManager: received ${describeValue(value)}, a view of a heap: give the WebAssembly.Memory (its buffer is replaced when it grows, and a view of the old one goes stale), an ArrayBuffer or SharedArrayBuffer, or a function returning the current buffer; for an Emscripten module, wrapEmscriptenModuleHeap(Module)`
				: `createWasmHeapManager: the heap must be a WebAssembly.Memory, an ArrayBuffer, a SharedArrayBuffer or a function returning the current buffer, received ${describeValue(value)}${otherRealm(value)}`,
} satisfies Message

export const optionsNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, options: unknown) => `${method}: options must be an object, received ${describeValue(options)}`,
} satisfies Message

/** `unknown option 'x': the options are a, b`: the text of every unknown-option entry after its method. */
const unknownOptionText = (key: string, optionNames: readonly string[]): string => `unknown option '${key}': the options are ${optionNames.join(', ')}`

export const unknownOption = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, key: string, optionNames: readonly string[]) => `${method}: ${unknownOptionText(key, optionNames)}`,
} satisfies Message

export const optionNotABoolean = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, option: string, value: unknown) => `${method}: option ${option} must be a boolean, received ${describeValue(value)}`,
} satisfies Message

export const pollingModeInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, pollingMode: unknown, pollingModes: readonly string[]) =>
		`${method}: option pollingMode must be one of ${quotedList(pollingModes)}, received ${describeValue(pollingMode)}`,
} satisfies Message

/** `method`: the entry point, when the manager's construction called `getLatestHeap`; none when a later access polled. */
export const latestHeapNotABuffer = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (buffer: unknown, isMemory: boolean, method?: string) =>
		`${method === undefined ? '' : `${method}: `}getLatestHeap must return an ArrayBuffer or SharedArrayBuffer, received ${describeValue(buffer)}` +
		(isMemory
			? ' (it returned a WebAssembly.Memory: return memory.buffer instead)'
			: ArrayBuffer.isView(buffer)
				? ' (it returned a view: return memory.buffer, the current buffer, since a view of the old one goes stale when the memory grows; for an Emscripten module, wrapEmscriptenModuleHeap(Module))'
				: ''),
} satisfies Message

/**
 * `getLatestHeap()` returned a detached `ArrayBuffer` (one that `memory.grow` replaced, or one
 * transferred): no view of it can be made, where an engine's `DataView` constructor threw a
 * `TypeError` without a code or a method (the manager's methods and every ref member alike).
 */
export const latestHeapDetached = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) =>
		`${method}: getLatestHeap returned a detached ArrayBuffer (the buffer of a memory that has grown since, or one transferred): ` +
		'it must return the heap\'s current buffer, such as memory.buffer read at each call',
} satisfies Message

export const viewImpossible = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, constructorName: string, heapByteLength: number) => `${method}: cannot create any ${constructorName} view over a heap of ${heapByteLength} bytes`,
} satisfies Message

export const viewConstructorMissing = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, name: string) =>
		`${method}: this engine has no ${name} (it arrived in Node 24 and current browsers); read the elements with readAt or the read method instead`,
} satisfies Message

export const alignmentNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, alignment: unknown) => `${method}: alignment must be a number, received ${describeValue(alignment)}`,
} satisfies Message

export const alignmentInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, alignment: number, maximum: number) => `${method}: alignment ${describeValue(alignment)} is not a power of two from 1 to ${maximum}`,
} satisfies Message

export const freeRefOfAnotherManager = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: the ref belongs to another manager`,
} satisfies Message

export const freeNotARefOrAddress = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, value: unknown) => `${method}: expected a ref or an address, received ${describeValue(value)}${bigintHint(value)}`,
} satisfies Message

export const deallocateAddressNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, address: unknown) => `${method}: address must be a positive safe integer, received ${describeValue(address)}${bigintHint(address)}`,
} satisfies Message

export const deallocateAddressInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, address: number) => `${method}: address must be a positive safe integer, received ${describeValue(address)}`,
} satisfies Message

export const deallocateTrackedAddress = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, address: number) =>
		`${method}: address ${address} belongs to a live ref allocated through this manager; free it with free(ref) or heap.free(address)`,
} satisfies Message

export const scopeFunctionNotAFunction = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, fn: unknown) => `${method}: expected a function, received ${describeValue(fn)}`,
} satisfies Message

export const scopeFunctionAsync = {
	Class: TypeError,
	code: SCOPE,
	text: (method: string) =>
		`${method}: fn is an async function; a scope closes when fn returns, before its awaits: use \`using scope = heap.openScope()\` in async code`,
} satisfies Message

export const scopeFunctionAndCloseThrew = {
	Class: AggregateError,
	code: SCOPE,
	text: (method: string) =>
		`${method}: fn threw, and closing its scope threw too (errors holds fn's error first, then the scopes'; every ref the scopes held was freed)`,
} satisfies AggregateMessage

export const scopeFunctionReturnedPromise = {
	Class: TypeError,
	code: SCOPE,
	text: (method: string) =>
		`${method}: fn returned a promise; the scope closed (and freed its refs) before it settled: use \`using scope = heap.openScope()\` in async code`,
} satisfies Message

export const wrapNullPointer = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: address 0 is a null pointer and cannot be wrapped`,
} satisfies Message

export const stagingTypeError = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (method: string, reason: string) => `${method}: ${reason}`,
} satisfies Message

export const stagingRangeError = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, elementCount: number, reason: string) => `${method}: ${counted(elementCount, 'element')}: ${reason}`,
} satisfies Message

export const countOrValuesInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, countOrValues: unknown) => `${method}: expected an element count or an array-like of values, received ${describeValue(countOrValues)}${bigintHint(countOrValues, 'length as Number(length)')}`,
} satisfies Message

export const stringOrCapacityInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, valueOrCapacity: unknown) =>
		`${method}: expected a string or a capacity (a number of elements), received ${describeValue(valueOrCapacity)}${bigintHint(valueOrCapacity, 'capacity as Number(capacity)')}`,
} satisfies Message

export const allocationTooLarge = {
	Class: RangeError,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number) => `${method}: cannot allocate ${counted(byteSize, 'byte')}, more than a safe integer`,
} satisfies Message

export const allocationSizeBeyondAbi = {
	Class: RangeError,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, abi: string) =>
		`${method}: cannot allocate ${counted(byteSize, 'byte')}: on ${abi} an allocator takes its size as a 32-bit size_t, ` +
		`at most 4294967295 bytes (a wasm32 malloc would get it modulo 2^32); nothing was allocated ` +
		`(an allocator that takes bigint sizes, a memory64 module's, takes more: give the manager abi: 'wasm64')`,
} satisfies Message

export const allocatorThrew = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, error: unknown) => `${method}: allocating ${counted(byteSize, 'byte')} failed: the allocator threw ${describeError(error)}`,
} satisfies Message

export const allocatorReturnedNonAddress = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, result: unknown) =>
		`${method}: allocating ${counted(byteSize, 'byte')} failed: the allocator returned ${describeValue(result)} instead of an address`,
} satisfies Message

export const allocatorReturnedInvalidAddress = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, result: unknown, reason?: string) =>
		`${method}: allocating ${counted(byteSize, 'byte')} failed: the allocator returned ${describeValue(result)}${reason === undefined ? '' : `: ${reason}`}`,
} satisfies Message

/**
 * A memory64 allocator's `bigint` address that is no safe integer: above 2^53 - 1, or
 * negative (an `i64` result of 2^63 or more, which JavaScript reads as signed). It said
 * only `the allocator returned 1152921504606846976n`. No heap reaches such an address
 * (an `ArrayBuffer` has fewer than 2^53 bytes), so it names no block of this heap: it is
 * not given to the deallocator, which would be handed an address outside its memory.
 */
export const allocatorReturnedNegative = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, signed: number, unsigned: number, heapByteSize: number) =>
		`${method}: allocating ${counted(byteSize, 'byte')} failed: the allocator returned ${signed}, a negative address; read unsigned, as a wasm32 malloc's ` +
		`i32 of 2 GiB or more is, it is ${unsigned}, ` +
		(heapByteSize > 2 ** 32 ? `but a heap of ${counted(heapByteSize, 'byte')} is no wasm32 memory (at most 4 GiB)` : `which is not within the heap of ${counted(heapByteSize, 'byte')}`) +
		': it is no block of this heap, and it was not given to the deallocator',
} satisfies Message

export const allocatorReturnedUnsafeAddress = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, result: bigint) =>
		`${method}: allocating ${counted(byteSize, 'byte')} failed: the allocator returned ${describeValue(result)}, which is ` +
		(result < 0n ? 'negative (an i64 address of 2^63 or more, read as signed)' : 'above 2^53 - 1, the largest address a number holds exactly') +
		': no heap reaches it (a heap has fewer than 2^53 bytes), so it is no block of this heap, and it was not given to the deallocator',
} satisfies Message

export const allocatorReturnedMisaligned = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, address: number, alignment: number, emscripten: boolean) =>
		`${method}: allocating ${counted(byteSize, 'byte')} aligned to ${alignment} failed: the allocator returned address ${address}, ` +
		`which is not a multiple of ${alignment}` +
		(emscripten ? ` (Emscripten's malloc aligns to 8: export _memalign for larger alignments)` : ''),
} satisfies Message

export const allocatorReturnedOutsideHeap = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, byteSize: number, address: number, heapByteLength: number) =>
		`${method}: allocating ${counted(byteSize, 'byte')} failed: the allocator returned address ${address}, ` +
		`but the region does not fit in the heap of ${heapByteLength} bytes`,
} satisfies Message

/** Follows one of the two above: `failure` is its text, which names the method. */
export const giveBackFailed = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (failure: string) => `${failure}; giving the region back failed too (the deallocator threw)`,
} satisfies Message

/** The `cause` of `giveBackFailed` when the failure had a cause already. */
export const giveBackFailedCauses = {
	Class: AggregateError,
	code: ALLOCATION_FAILED,
	text: () => 'both errors',
} satisfies AggregateMessage

export const wrapOptionsNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, options: unknown, optionNames: readonly string[]) =>
		`${method}: options must be an object ({ ${optionNames.join(', ')} }), received ${describeValue(options)}`,
} satisfies Message

export const wrapDeallocatorInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, deallocator: unknown) => `${method}: options.deallocator must be a function or null, received ${describeValue(deallocator)}`,
} satisfies Message

export const deallocatorThrew = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (refName: string, error: unknown) => `${refName}.free: the deallocator threw ${describeError(error)} (the ref is freed all the same)`,
} satisfies Message

export const deallocationSizeBeyondAbi = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, byteSize: number, abi: string) =>
		`${method}: cannot free ${counted(byteSize, 'byte')}: on ${abi} a deallocator takes its size as a 32-bit size_t, ` +
		`at most 4294967295 bytes (a wasm32 free would get it modulo 2^32); nothing was freed ` +
		`(a deallocator that takes bigint sizes, a memory64 module's, takes more: give the manager abi: 'wasm64')`,
} satisfies Message

export const deallocateThrew = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, error: unknown) => `${method}: the deallocator threw ${describeError(error)}`,
} satisfies Message

export const freeOptionsNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, options: unknown) => `${method}: options must be an object ({ freeElements }), received ${describeValue(options)}`,
} satisfies Message

export const freeElementsNotABoolean = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, freeElements: unknown) => `${method}: options.freeElements must be a boolean, received ${describeValue(freeElements)}`,
} satisfies Message

export const freeElementNotAnAddress = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, index: number, value: number | bigint, heapByteLength: number) =>
		`${method}: element ${index} holds ${String(value)}, which is not an address within the heap of ${heapByteLength} bytes; nothing was freed`,
} satisfies Message

/** One region `free({ freeElements: true })` could not free: an element (its index) or the array itself (`index` undefined). */
export interface FailedRegion {
	readonly index: number | undefined
	readonly address: number
}

const freeElementsFailure = (method: string, failed: readonly FailedRegion[]): string =>
	`${method}: freeing ${failed
		.map(({ index, address }) => (index === undefined ? `the array (address ${address})` : `element ${index} (address ${address})`))
		.join(', ')} failed: the deallocator threw; everything else was freed, and the array is freed all the same`

export const freeElementsDeallocatorThrew = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, failed: readonly FailedRegion[], error: unknown) => `${freeElementsFailure(method, failed)} (${describeError(error)})`,
} satisfies Message

export const freeElementsDeallocatorsThrew = {
	Class: AggregateError,
	code: ALLOCATION_FAILED,
	text: (method: string, failed: readonly FailedRegion[]) => freeElementsFailure(method, failed),
} satisfies AggregateMessage

export const scopeClosed = {
	Class: Error,
	code: SCOPE,
	text: (method: string) => `${method}: this scope is already closed`,
} satisfies Message

export const scopeInnerStillOpen = {
	Class: Error,
	code: SCOPE,
	text: (method: string) => `${method}: an inner scope (opened after this one) is still open; close scopes innermost first`,
} satisfies Message

export const scopeLeftOpenByFunction = {
	Class: Error,
	code: SCOPE,
	text: (method: string, count: number) =>
		`${method}: fn returned with ${count} scope(s) it opened still open; withScope closed them, innermost first, then its own`,
} satisfies Message

export const scopeKeepClosed = {
	Class: Error,
	code: SCOPE,
	text: (method: string) => `${method}: the scope is closed`,
} satisfies Message

export const scopeKeepForeignRef = {
	Class: TypeError,
	code: SCOPE,
	text: (method: string, ref: unknown) => `${method}: ${describeValue(ref)} is not a ref this scope holds`,
} satisfies Message

export const freeAllDeallocatorsThrew = {
	Class: AggregateError,
	code: ALLOCATION_FAILED,
	text: (method: string, count: number) => `${method}: ${count} deallocators threw (every ref was freed all the same)`,
} satisfies AggregateMessage

export const scopeDeallocatorsThrew = {
	Class: AggregateError,
	code: ALLOCATION_FAILED,
	text: (method: string, count: number) => `${method}: ${count} deallocators threw`,
} satisfies AggregateMessage

export const trackingOff = {
	Class: Error,
	code: 'ERR_HEAP_TRACKING_OFF',
	text: (method: string) => `${method} needs allocation tracking, which this manager was created without (trackAllocations: false)`,
} satisfies Message

export const debugOff = {
	Class: Error,
	code: 'ERR_HEAP_TRACKING_OFF',
	text: (method: string) => `${method} needs debug mode, which this manager was created without (debug: true records where each ref was allocated)`,
} satisfies Message

export const noLiveRefAtAddress = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, address: unknown) => `${method}: no live ref allocated through this manager starts at address ${describeValue(address)}`,
} satisfies Message

// ---- waits ---------------------------------------------------------------------------

export const waitOnUnsharedHeap = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) =>
		`${method}: the heap is an ArrayBuffer, not a SharedArrayBuffer: only a shared memory can be waited on ` +
		'(a WebAssembly.Memory created with shared: true)',
} satisfies Message

export const waitTimeoutNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, timeoutMs: unknown) => `${method}: timeoutMs must be a number of milliseconds, received ${describeValue(timeoutMs)}`,
} satisfies Message

export const waitTimeoutInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, timeoutMs: number) => `${method}: timeoutMs ${describeValue(timeoutMs)} is not a non-negative number of milliseconds (or Infinity)`,
} satisfies Message

export const waitRefused = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) =>
		`${method}: this thread may not block (Atomics.wait is refused here, as on a browser's main thread); ` +
		`use ${method}Async, or wait in a worker`,
} satisfies Message

export const waitAsyncMissing = {
	Class: Error,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: this engine has no Atomics.waitAsync; call ${method.slice(0, -'Async'.length)} in a worker instead`,
} satisfies Message

export const notifyCountNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, count: unknown) => `${method}: count must be a number, received ${describeValue(count)}`,
} satisfies Message

export const notifyCountInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, count: number) => `${method}: count ${describeValue(count)} is not a non-negative integer or Infinity`,
} satisfies Message

// ---- wrapEmscriptenModuleHeap --------------------------------------------------------

export const emscriptenModuleNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, module: unknown) => `${method}: expected an instantiated Emscripten module, received ${describeValue(module)}`,
} satisfies Message

export const emscriptenModuleIsAPromise = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: received a Promise; with -sMODULARIZE=1, await the module factory first`,
} satisfies Message

export const emscriptenFunctionMissing = {
	Class: Error,
	code: INVALID_ARGUMENT,
	text: (method: string, name: '_malloc' | '_free') => `${method}: the module has no ${name}; build it with -sEXPORTED_FUNCTIONS=_malloc,_free,...`,
} satisfies Message

export const emscriptenHeapMissing = {
	Class: Error,
	code: INVALID_ARGUMENT,
	text: (method: string, memoryOptionUndefined: boolean) =>
		memoryOptionUndefined
			? `${method}: options.memory is undefined and the module has no heap of its own (neither HEAPU8 nor wasmMemory); ` +
				'a minified build such as sql.js has no instance.exports.memory: pass the export that is instanceof WebAssembly.Memory ' +
				'of the instance your Module.instantiateWasm hook creates ' +
				'(Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory)), and check that the hook ran ' +
				"(sql.js's initSqlJs runs only its first call's), or build the module with -sEXPORTED_RUNTIME_METHODS=HEAPU8 (or wasmMemory)"
			: `${method}: the module has no heap (neither HEAPU8 nor wasmMemory); build it with ` +
				'-sEXPORTED_RUNTIME_METHODS=HEAPU8 (or wasmMemory), or pass its WebAssembly.Memory: ' +
				`${method}(module, { memory }) (for sql.js and other prebuilt modules: the export that is instanceof ` +
				'WebAssembly.Memory of the instance your Module.instantiateWasm hook creates, whatever its name: minified builds do not call it memory)',
} satisfies Message

export const emscriptenMemoryOptionInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, memory: unknown) => `${method}: options.memory must be a WebAssembly.Memory, received ${describeValue(memory)}`,
} satisfies Message

// ---- the built-in allocator (HeapAllocator.ts) ---------------------------------------

export const allocatorSizeNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, byteSize: unknown) => `${method}: byteSize must be a number, received ${describeValue(byteSize)}${bigintHint(byteSize, 'size as Number(byteSize)')}`,
} satisfies Message

export const allocatorSizeInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, byteSize: number) => `${method}: byteSize ${describeValue(byteSize)} is not a non-negative safe integer`,
} satisfies Message

export const allocatorRangeTooSmall = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, base: number, end: number, headerBytes: number, needed: number) =>
		`${method}: the range [${base}, ${end}) ${end > base ? `has ${counted(end - base, 'byte')}` : 'is empty'}: ` +
		`it needs at least ${needed} bytes (${withArticle(`${headerBytes}-byte`)} header, one block and the end marker)`,
} satisfies Message

export const allocatorRangesOverlap = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, base: number, limit: number, otherBase: number, otherLimit: number) =>
		`${method}: the range [${base}, ${limit}) overlaps the allocator at ${otherBase}, whose range may reach ${otherLimit}: ` +
		'share its pool (the same start) or keep the ranges apart (end, maximumByteSize)',
} satisfies Message

export const allocatorHeaderVersion = {
	Class: Error,
	code: INVALID_ARGUMENT,
	text: (method: string, base: number, version: number | undefined, expected: number) =>
		`${method}: the allocator header at ${base} has layout version ${version}; this library reads version ${expected}`,
} satisfies Message

export const allocatorHeapPastBuffer = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, base: number, end: number, bufferByteLength: number) =>
		`${method}: the heap recorded at ${base} ends at ${end}, past this buffer's ${bufferByteLength} bytes ` +
		'(pass the WebAssembly.Memory rather than one of its buffers)',
} satisfies Message

export const allocatorBufferShrank = {
	Class: Error,
	code: INVALID_ARGUMENT,
	text: (className: string, bufferByteLength: number) =>
		`${className}: the heap's buffer is ${bufferByteLength === 0 ? 'detached' : `only ${bufferByteLength} bytes long`}; ` +
		'only a WebAssembly.Memory target follows a growing memory',
} satisfies Message

export const allocatorBufferResizedUnderHeap = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (className: string, bufferByteLength: number, heapEnd: number) =>
		`${className}: the heap's buffer was resized to ${bufferByteLength} bytes, but the heap ends at ${heapEnd}`,
} satisfies Message

export const allocatorFreeNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, address: unknown) => `${method}: address must be a number, received ${describeValue(address)}${bigintHint(address)}`,
} satisfies Message

/**
 * What is wrong with an address `HeapAllocator.free` refuses: `free` (it is a free block),
 * `notAnInteger`, `misaligned` (not a multiple of 8), `outside` (not within the blocks
 * `[firstAddress, lastAddress]`), or `noBlock` (within them, but the word before it is no
 * live block's tag).
 */
export type FreeRefusal = 'free' | 'notAnInteger' | 'misaligned' | 'outside' | 'noBlock'

export const allocatorFreeNotLive = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, address: number, why: FreeRefusal, firstAddress: number, lastAddress: number) =>
		`${method}: address ${describeValue(address)} is not a live block: ` +
		(why === 'free'
			? 'it is a free block (a second free of the same address?)'
			: why === 'notAnInteger'
				? 'it is not a non-negative integer, as every address alloc returns is'
				: why === 'misaligned'
					? 'it is not a multiple of 8, as every address alloc returns is (an address inside a block?)'
					: why === 'outside'
						? `it lies outside this heap, whose blocks' addresses run from ${firstAddress} to ${lastAddress} (an address from another heap, or computed wrong?)`
						: 'it was not returned by alloc, has been freed already, or its header was overwritten'),
} satisfies Message

// Why `HeapAllocator.alloc` returned 0 (its `lastAllocFailure`, which the manager's
// allocation-failed message ends with). Texts, not errors: `alloc` returns 0, as C's
// `malloc` does, and the reason is kept for whoever asks.

/**
 * A request the allocator refuses before looking for a block (its words are 32-bit): one of
 * 4 GiB or more, or one aligned to `alignment` above 8 past 4 GiB - 8 KiB. The text states
 * no bound: below 4 GiB, at an alignment of 8 or less, a block up to the range's end serves.
 */
export const allocFailedPast4GiB = (byteSize: number, alignment: number): string =>
	`${counted(byteSize, 'byte')}${alignment > 8 ? ` aligned to ${alignment}` : ''} is more than the allocator serves: its address space ends at 4 GiB (its words are 32-bit, over a memory64 memory too)`

/**
 * A block of `blockSize` bytes that the heap could not hold even empty (its largest block
 * would have `largestPossible` bytes): `growth` says why it cannot grow enough.
 */
export const allocFailedNeverFits = (blockSize: number, largestPossible: number, growth: string): string =>
	`it needs a block of ${blockSize} bytes, and the heap's largest block could never have more than ${counted(largestPossible, 'byte')}: ${growth}`

/**
 * No free block holds a block of `blockSize` bytes (`largest`: the largest free block's
 * size, `free`: every free byte), and the heap could not grow: `growth` says why.
 */
export const allocFailedNoBlock = (blockSize: number, largest: number, free: number, growth: string): string =>
	`no free block holds the ${blockSize}-byte block it needs (the largest free block has ${counted(largest, 'byte')}, ` +
	`so requests up to ${Math.max(0, largest - 8)} bytes still succeed; ${counted(free, 'byte')} free in all) and ${growth}`

/** The `growth` of {@link allocFailedNoBlock} and {@link allocFailedNeverFits} over a range that does not grow. */
export const allocGrowthFixed = (start: number, end: number): string =>
	`the heap's range [${start}, ${end}) does not grow (an ArrayBuffer or SharedArrayBuffer)`

/** The `growth` of {@link allocFailedNoBlock} and {@link allocFailedNeverFits} when the memory would pass the heap's growth limit. */
export const allocGrowthPastLimit = (needed: number, limit: number): string =>
	`growing the memory to the ${needed} bytes that takes would pass the heap's growth limit of ${limit} bytes (maximumByteSize, or end; 4 GiB at most)`

/** {@link allocFailedNoBlock}'s `growth` when `memory.grow` threw `error`. */
export const allocGrowthRefused = (from: number, to: number, error: unknown): string =>
	`growing the memory from ${from} to ${to} bytes failed (past the memory's maximum, or more than the engine could reserve): memory.grow threw ${describeError(error)}`

/**
 * For a heap refused because `instanceof` did not see it as one (`describeValue` then says
 * `an object (WebAssembly.Memory)`, which read as a contradiction): it is one from another
 * realm, an iframe's or a `vm` context's.
 */
function otherRealm(value: unknown): string {
	const tag = typeof value === 'object' && value !== null ? Object.prototype.toString.call(value).slice(8, -1) : ''
	return tag === 'WebAssembly.Memory' || tag === 'ArrayBuffer' || tag === 'SharedArrayBuffer'
		? `, a ${tag} of another realm (an iframe's or a vm context's): create the heap in the realm that made it, or give one made in this realm`
		: ''
}

export const allocatorTargetInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, target: unknown) =>
		`${method}: target must be a WebAssembly.Memory, an ArrayBuffer or a SharedArrayBuffer, received ${describeValue(target)}${otherRealm(target)}`,
} satisfies Message

export const allocatorOptionsNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, options: unknown) => `${method}: options must be an object, received ${describeValue(options)}`,
} satisfies Message

export const allocatorOptionNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, name: string, value: unknown) => `${method}: ${name} must be a number, received ${describeValue(value)}${bigintHint(value, `as Number(${name})`)}`,
} satisfies Message

export const allocatorOptionInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, name: string, value: number) => `${method}: ${name} ${describeValue(value)} is not a non-negative safe integer`,
} satisfies Message

export const allocatorEndPastBuffer = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, end: number, byteLength: number) => `${method}: end ${end} lies past the buffer's ${byteLength} bytes`,
} satisfies Message

export const allocatorEndPast4GiB = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (method: string, end: number, name = 'end') => `${method}: ${name} ${end} lies past 4 GiB, the allocator's address space (a memory64 memory's too)`,
} satisfies Message

export const allocatorNoRoomForHeader = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, start: number, headerBytes: number, byteLength: number) =>
		`${method}: start ${start} leaves no room for the ${headerBytes}-byte header in a buffer of ${byteLength} bytes`,
} satisfies Message

// The heap consistency check (`HeapAllocator.check`, and `createHeapAllocator` attaching):
// every entry is an `Error` with ERR_HEAP_ALLOCATION_FAILED saying what is inconsistent.

/** The text of every corruption entry: `method: the heap is corrupted: detail`. */
const corrupted = (method: string, detail: string): string => `${method}: the heap is corrupted: ${detail}`

export const corruptHeaderBase = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, base: number, recorded: number | undefined) => corrupted(method, `the header at ${base} records base ${recorded}`),
} satisfies Message

export const corruptHeaderMagic = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, base: number, magic: number) =>
		corrupted(
			method,
			`the allocator header at ${base} lost its magic number (it reads 0x${(magic >>> 0).toString(16)}) but keeps its version and base: ` +
				"a heap in use, overwritten (a new header would free its live blocks); to start afresh, zero the header's first 16 bytes",
		),
} satisfies Message

export const corruptHeaderRange = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, base: number, what: string) => corrupted(method, `the allocator header at ${base} records ${what}`),
} satisfies Message

export const allocatorOverlapsState = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, base: number, other: number, otherLimit: number) =>
		`${method}: a new allocator at ${base} would overlap the allocator at ${other} (whose range may reach ${otherLimit}) and corrupt its blocks: ` +
		`every thread that joins a heap must pass the same start (here ${other}); to start afresh, zero the first 16 bytes of its header`,
} satisfies Message

export const corruptHeader = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, header: number, field: string, value: number | undefined, expected: number) =>
		corrupted(method, `the header at ${header}: its ${field} is ${value}, expected ${expected}`),
} satisfies Message

export const corruptEnd = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, end: number) => corrupted(method, `the recorded end ${end} lies outside the range`),
} satisfies Message

export const corruptQuickFree = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number) => corrupted(method, `block at ${block}: a free block flagged quick`),
} satisfies Message

export const corruptBlockSize = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number, size: number, minimum: number, endMarker: number) =>
		corrupted(method, `block at ${block}: size ${size} is below ${minimum} or runs past the end marker at ${endMarker}`),
} satisfies Message

export const corruptPreviousFreeFlag = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number, flag: boolean, previousFree: boolean) =>
		corrupted(method, `block at ${block}: its previous-free flag is ${flag} but the block before it is ${previousFree ? 'free' : 'in use'}`),
} satisfies Message

export const corruptTag = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number, size: number) =>
		corrupted(method, `block at ${block}: the tag of this ${size}-byte block in use does not match (header overwritten?)`),
} satisfies Message

export const corruptAdjacentFree = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number) => corrupted(method, `block at ${block}: two free blocks side by side (not merged)`),
} satisfies Message

export const corruptFreeFlagsPreviousFree = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number) => corrupted(method, `block at ${block}: a free block flags its previous block as free`),
} satisfies Message

export const corruptFooter = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number, size: number, footer: number | undefined) =>
		corrupted(method, `block at ${block}: free block of ${size} bytes has footer ${footer}`),
} satisfies Message

export const corruptBlocksEnd = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, end: number, endMarker: number) => corrupted(method, `the blocks end at ${end}, not at the end marker ${endMarker}`),
} satisfies Message

export const corruptEndMarker = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, endMarker: number, holds: number | undefined, expected: number) =>
		corrupted(method, `the end marker at ${endMarker} holds ${holds}, expected ${expected}`),
} satisfies Message

export const corruptUsedCount = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, used: number, quickBytes: number, counted: number | undefined) =>
		corrupted(method, `blocks in use hold ${used} bytes (besides ${quickBytes} on quick lists) but the header counts ${counted}`),
} satisfies Message

export const corruptQuickList = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, sizeClass: number, block: number, bytes: number) =>
		corrupted(method, `quick list ${sizeClass} holds ${block}, not a quick block of ${bytes} bytes (or twice)`),
} satisfies Message

export const corruptQuickCount = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, count: number, stray: number, counted: number | undefined, capacity: number) =>
		corrupted(method, `the heap has ${count} quick blocks, ${stray} on no quick list; the header counts ${counted} (at most ${capacity})`),
} satisfies Message

export const corruptVictim = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, victim: number) => corrupted(method, `the designated victim ${victim} is not a free block (or is the top)`),
} satisfies Message

export const corruptFirstLevelBitmap = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, bitmap: number, lastClass: number) => corrupted(method, `the first-level bitmap ${bitmap} has bits past class ${lastClass}`),
} satisfies Message

export const corruptSecondLevelBitmap = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, firstLevel: number, bit: boolean, bitmap: number) =>
		corrupted(method, `first-level class ${firstLevel}: bitmap bit ${bit} but second-level bitmap ${bitmap}`),
} satisfies Message

export const corruptListHead = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, firstLevel: number, secondLevel: number, head: number, bit: boolean) =>
		corrupted(method, `size class ${firstLevel}/${secondLevel}: list head ${head} but bitmap bit ${bit}`),
} satisfies Message

export const corruptListedNotFree = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, firstLevel: number, secondLevel: number, block: number) =>
		corrupted(method, `size class ${firstLevel}/${secondLevel} lists ${block}, which is not a free block (or is listed twice)`),
} satisfies Message

export const corruptWrongClass = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number, size: number, firstLevel: number, secondLevel: number, expectedFirst: number, expectedSecond: number) =>
		corrupted(method, `free block at ${block} of ${size} bytes sits in class ${firstLevel}/${secondLevel}, not ${expectedFirst}/${expectedSecond}`),
} satisfies Message

export const corruptBackLink = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number, backLink: number, expected: number) =>
		corrupted(method, `free block at ${block}: its back link ${backLink} should be ${expected}`),
} satisfies Message

export const corruptOrphan = {
	Class: Error,
	code: ALLOCATION_FAILED,
	text: (method: string, block: number) => corrupted(method, `free block at ${block} is on no free list`),
} satisfies Message

// ---- struct declarations (structs/declare.ts) ----------------------------------------
// `subject` names the function, the type and the part: `defineStruct('Particle'): field 'mass'`
// (or `defineStruct('Particle'):` for the type itself); the text follows it after a space.

export const declarationNameNotAString = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, role: string, name: unknown) => `${subject} ${role} must be a string, received ${describeValue(name)}`,
} satisfies Message

export const declarationNameNotAnIdentifier = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, role: string, name: string) =>
		`${subject} ${role} ${JSON.stringify(name)} is not a C identifier (letters, digits and _, not a keyword)`,
} satisfies Message

export const declarationNameProto = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, role: string) => `${subject} ${role} "__proto__" is a name a plain object cannot hold as its own key (read() would lose it)`,
} satisfies Message

export const declarationUnknownKey = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, key: unknown, form: string) => `${subject} has an unknown key ${describeValue(key)} in ${form}`,
} satisfies Message

export const declarationMissingKey = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, key: string, form: string) => `${subject} is missing '${key}' in ${form}`,
} satisfies Message

export const declarationNumberNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, role: string, value: unknown) => `${subject} ${role} must be a number, received ${describeValue(value)}`,
} satisfies Message

export const declarationCountInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, role: string, value: number) => `${subject} ${role} ${describeValue(value)} is not a positive safe integer`,
} satisfies Message

export const declarationAlignmentInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, role: string, value: number, maximum: number) =>
		`${subject} ${role} ${describeValue(value)} is not a power of two from 1 to ${maximum}`,
} satisfies Message

export const declarationUnknownType = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, spec: unknown, elementTypes: readonly string[]) =>
		`${subject} has an unknown type ${describeType(spec)}; expected an element type (${quotedList(elementTypes)}), ` +
		"'Pointer', 'Size', 'Long', 'Bool', a StructType, an EnumType, " +
		'{ array, length }, { pointer }, { string, capacity }, { bits, type } or { type, align }',
} satisfies Message

export const declarationTypeIsAFunction = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string) =>
		`${subject} is a function: a type cannot contain a type defined later, or itself, by value (it would be infinitely large); ` +
		'declare a pointer to it with { pointer: () => Type }',
} satisfies Message

export const declarationUnknownEncoding = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, encoding: unknown, encodings: readonly string[]) =>
		`${subject} has an unknown string encoding ${describeValue(encoding)}; expected ${quotedList(encodings)}`,
} satisfies Message

export const declarationBitfieldNotAField = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string) => `${subject} is a bitfield, which only a struct or union field can be`,
} satisfies Message

export const declarationAlignedNotAField = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string) => `${subject} is an aligned member { type, align }, which only a struct or union field can be`,
} satisfies Message

export const declarationBitfieldType = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, type: unknown, isStructType: boolean, integerTypes: readonly string[]) =>
		`${subject} is a bitfield of type ${isStructType ? String(type) : describeType(type)}, which is not an integer type; ` +
		`bits need ${quotedList(integerTypes)}, 'Long', 'Size', 'Bool' or an EnumType`,
} satisfies Message

export const declarationBitfieldWidthNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, bits: unknown) => `${subject} bitfield width must be a number, received ${describeValue(bits)}`,
} satisfies Message

export const declarationBitfieldWidthInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, bits: number, type: unknown, width: number, abiSized: boolean) =>
		`${subject} is a bitfield ${describeValue(bits)} bits wide, but its type ${String(type)} ` +
		`holds ${counted(width, 'bit')}${abiSized ? ' on wasm32' : ''}; the width must be an integer from 0 to ${width}`,
} satisfies Message

export const declarationAlignedTwice = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, bitfield: boolean) => `${subject} cannot align ${bitfield ? 'a bitfield' : 'an aligned member again'}`,
} satisfies Message

export const declarationPackedNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, packed: unknown) => `${subject} option packed must be true, 1, 2, 4 or 8, received ${describeValue(packed)}`,
} satisfies Message

export const declarationPackedInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, packed: number) => `${subject} option packed ${describeValue(packed)} is not true, 1, 2, 4 or 8 (C #pragma pack(n))`,
} satisfies Message

export const declarationFieldsNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, fields: unknown) => `${subject} fields must be a plain object of field types, received ${describeValue(fields)}`,
} satisfies Message

export const declarationFieldsSymbolKeys = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string) => `${subject} fields must have string keys only`,
} satisfies Message

export const declarationOptionsNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, options: unknown) => `${subject} options must be an object, received ${describeValue(options)}`,
} satisfies Message

export const declarationUnknownOption = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, key: string) => `${subject} ${unknownOptionText(key, ['packed', 'align'])}`,
} satisfies Message

export const declarationNoFields = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, kind: 'struct' | 'union') => `${subject} has no fields: a ${kind} needs at least one field (a :0 bitfield does not count)`,
} satisfies Message

export const declarationEnumStorage = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, storage: unknown, integerTypes: readonly string[]) =>
		`${subject} storage type ${describeValue(storage)} is not an integer element type; expected ${quotedList(integerTypes)}`,
} satisfies Message

export const declarationEnumValuesNotAnObject = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, values: unknown) => `${subject} values must be a plain object, received ${describeValue(values)}`,
} satisfies Message

export const declarationEnumValueNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, value: unknown) => `${subject} must be a number, received ${describeValue(value)}`,
} satisfies Message

export const declarationEnumValueOutOfRange = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string, value: number, storage: string, min: bigint, max: bigint) =>
		`${subject} value ${describeValue(value)} is not an integer that ${storage} holds (${min} to ${max})`,
} satisfies Message

export const declarationEnumNoMembers = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (subject: string) => `${subject} has no members`,
} satisfies Message

export const structTypeConstructed = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: use defineStruct or defineUnion to make a struct or union type`,
} satisfies Message

export const enumTypeConstructed = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: use defineEnum to make an enum type`,
} satisfies Message

export const pointerTargetNotAStruct = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (where: string, type: unknown) => `${where}: the pointer target function returned ${describeType(type)}, not a StructType`,
} satisfies Message

export const unknownAbi = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, abi: unknown, abiNames: readonly string[]) =>
		`${method}: unknown ABI ${typeof abi === 'string' ? JSON.stringify(abi) : typeof abi}; expected ${quotedList(abiNames)}`,
} satisfies Message

export const enumValuesTooWide = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, min: bigint, max: bigint) => `${method}: values from ${min} to ${max} fit no 64-bit integer`,
} satisfies Message

// ---- struct layouts and access (structs/layout.ts, structAccess.ts, generatedClasses.ts, StructRef.ts) ----

export const layoutContainsItself = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (typeName: string, type: unknown) => `${typeName}.layout: ${String(type)} contains itself by value, so its size would be infinite`,
} satisfies Message

export const fieldPathNotAString = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, path: unknown) => `${method}: the field path must be a string such as 'position.x', received ${describeValue(path)}`,
} satisfies Message

export const fieldPathNoSuchField = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, record: unknown, segment: string, where: string, fieldNames: readonly string[]) =>
		`${method}: ${String(record)} has no field ${JSON.stringify(segment)}${where === '' ? '' : ` (in ${JSON.stringify(where)})`}; ` +
		`its fields are ${fieldNames.join(', ')}`,
} satisfies Message

export const fieldPathBadIndex = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, where: string, length: number, segment: string) =>
		`${method}: ${JSON.stringify(where)} is an array of ${counted(length, 'element')}; ${JSON.stringify(segment)} is not ${length === 0 ? 'an index: it has none' : `an index from 0 to ${length - 1}`}`,
} satisfies Message

export const fieldPathNotAggregate = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, where: string, segment: string) =>
		`${method}: ${JSON.stringify(where)} is neither a struct, a union nor an array, so it has no ${JSON.stringify(segment)}`,
} satisfies Message

export const notAStructType = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, type: unknown) => `${method}: expected a StructType (from defineStruct or defineUnion), received ${describeType(type)}`,
} satisfies Message

export const generatedClassAbiMismatch = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, className: string, classAbi: string, abi: string) =>
		`${method}: ${className} was generated for the ${classAbi} ABI and this manager lays structs out for ${abi}; generate again with --abi ${abi}`,
} satisfies Message

export const generatedClassOutdated = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, className: string, version: unknown, expected: number) =>
		`${method}: ${className} was generated for another version of wasm-heap-manager (its accessors read the library's fields ${typeof version === 'number' ? `of version ${version}` : 'of a version before 1'}, this library has version ${expected}); run wasm-heap-manager generate again`,
} satisfies Message

export const generatedClassDuplicate = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, className: string, type: unknown, abi: string) =>
		`${method}: ${className} is a second generated class for ${String(type)} under ${abi}; use one generated module per declaration`,
} satisfies Message

export const sliceCapacityInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, capacity: number, elementCount: number) =>
		`${method}: options.capacity ${describeValue(capacity)} is not a safe integer of at least the string's ${counted(elementCount, 'element')}`,
} satisfies Message

/** A numeric wrap option (`stride`, `capacity`) that is not a number. */
export const wrapOptionNotANumber = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, name: string, value: unknown) => `${method}: options.${name} must be a number, received ${describeValue(value)}${bigintHint(value, `as Number(${name})`)}`,
} satisfies Message

export const strideInvalid = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, stride: number, size: number, type: unknown) =>
		`${method}: options.stride ${describeValue(stride)} is not an integer of at least ${size} (the size of ${String(type)})`,
} satisfies Message

export const refIsPartOfAnother = {
	Class: Error,
	code: INVALID_ARGUMENT,
	text: (refName: string, member: string) =>
		`${refName}.${member}: this ref is part of another ref (a nested struct, a fixed array or an array element) ` +
		'and lives as long as it does; free that ref instead',
} satisfies Message

export const pointerTargetDoesNotFit = {
	Class: RangeError,
	code: OUT_OF_RANGE,
	text: (where: string, address: number, reason: string) => `${where}: the pointer holds ${address}, where no ref to its target fits: ${reason}`,
} satisfies Message

export const atReuseInvalid = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: reuse must be a ref that at() of this array returned`,
} satisfies Message

export const structArrayWriteNotAnArray = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string) => `${method}: expected an array of values`,
} satisfies Message

export const structArrayWriteTooMany = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (method: string, given: number, elementCount: number) => `${method}: ${counted(given, 'value')} given for an array of ${counted(elementCount, 'element')}`,
} satisfies Message

export const pointerToArrayHasNoRef = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (where: string, ofArrays: boolean) =>
		`${where}: a pointer to an array of ${ofArrays ? 'arrays' : 'inline strings'} has no ref class; read its address with read()`,
} satisfies Message

// ---- struct field values (structs/codecs.ts) -----------------------------------------

export const storedNotASafeInteger = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (method: string, name: string, address: number, value: bigint) =>
		`${method}: the ${name} at address ${address} holds ${value}, which is not a safe integer`,
} satisfies Message

export const wideEnumValueOutOfRange = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (where: string, value: number, name: string, storage: string, min: bigint, max: bigint) =>
		`${where}: ${describeValue(value)} is not a value of enum ${name} (stored as ${storage}, read as a number): it must be an integer from ${min} to ${max}`,
} satisfies Message

export const abiIntegerNotANumber = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, name: string, value: unknown) => `${where}: ${withArticle(name)} value must be a number, received ${describeValue(value)}${bigintHint(value, 'as Number(value)')}`,
} satisfies Message

export const abiIntegerOutOfRange = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (where: string, value: number, name: string, abi: string, min: number, max: number) =>
		`${where}: ${describeValue(value)} is not a valid ${name} value on ${abi}: it must be an integer from ${min} to ${max}`,
} satisfies Message

export const boolNotABoolean = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, value: unknown) => `${where}: a Bool value must be a boolean, received ${describeValue(value)}`,
} satisfies Message

/** `a 3-bit unsigned bitfield of type Uint8`. */
const bitfieldName = (width: number, signed: boolean, typeName: string): string =>
	`${withArticle(`${width}-bit`)} ${signed ? 'signed' : 'unsigned'} bitfield of type ${typeName}`

export const bitfieldValueOfWrongType = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, width: number, signed: boolean, typeName: string, takes: 'boolean' | 'bigint' | 'number', value: unknown) =>
		`${where}: ${bitfieldName(width, signed, typeName)} takes a ${takes}, received ${describeValue(value)}`,
} satisfies Message

export const bitfieldValueOutOfRange = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (where: string, value: unknown, width: number, signed: boolean, typeName: string, min: bigint, max: bigint) =>
		`${where}: ${describeValue(value)} does not fit ${bitfieldName(width, signed, typeName)} (${min} to ${max})`,
} satisfies Message

export const inlineStringDoesNotFit = {
	Class: RangeError,
	code: STRING_DOES_NOT_FIT,
	text: (where: string, needed: number, encoding: string, capacity: number) =>
		`${where}: the string does not fit: it needs ${needed} ${encoding} elements with its terminator, ` +
		`and the inline string holds ${capacity}`,
} satisfies Message

export const pointerFieldRefReleased = {
	Class: Error,
	code: 'ERR_HEAP_REF_RELEASED',
	text: (where: string, address: number) =>
		`${where}: the ref to address ${address} was released (its region now belongs to the code it was handed to)`,
} satisfies Message

export const pointerFieldRefFreed = {
	Class: Error,
	code: 'ERR_HEAP_REF_FREED',
	/** `byScope`: the ref's scope freed it when it ended (see `refFreed`). */
	text: (where: string, address: number, byScope: boolean) =>
		`${where}: the ref to address ${address} has been freed${byScope ? " by its scope's end" : ''}`,
} satisfies Message

export const pointerFieldRefOfAnotherManager = {
	Class: RangeError,
	code: INVALID_ARGUMENT,
	text: (where: string, address: number) => `${where}: the ref to address ${address} belongs to another manager (its address means nothing in this heap)`,
} satisfies Message

export const pointerFieldRefOfAnotherType = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, target: string, given: string | undefined, value: object) =>
		`${where}: a pointer to ${target} takes a ref of ${target}, received a ref of ${given ?? (value.constructor as { name?: string } | undefined)?.name ?? 'another type'} (pass its address to store it anyway, as a C cast would)`,
} satisfies Message

export const pointerFieldValueInvalid = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, value: unknown) => `${where}: a pointer takes a ref, an address or null, received ${describeValue(value)}${bigintHint(value)}`,
} satisfies Message

export const arrayFieldNotAnArray = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, length: number, value: unknown) => `${where}: an array of ${counted(length, 'element')} takes an array, received ${describeValue(value)}`,
} satisfies Message

export const arrayFieldTooMany = {
	Class: RangeError,
	code: INVALID_VALUE,
	text: (where: string, given: number, length: number) => `${where}: ${counted(given, 'value')} given for an array of ${counted(length, 'element')}`,
} satisfies Message

export const recordValueNotAnObject = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, type: unknown, value: unknown) => `${where}: ${String(type)} takes an object of field values, received ${describeValue(value)}`,
} satisfies Message

export const accessorFieldMissing = {
	Class: TypeError,
	code: INVALID_ARGUMENT,
	text: (method: string, type: string, name: string) =>
		`${method}: ${type} has no field ${JSON.stringify(name)} (a generated class that does not match its declaration: generate it again)`,
} satisfies Message

export const recordValueIsARef = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, type: unknown, ref: string) =>
		`${where}: ${String(type)} takes an object of field values, received ${ref}: to copy a struct, pass ref.read()`,
} satisfies Message

export const recordValueIsAType = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, type: unknown, given: unknown) => `${where}: ${String(type)} takes an object of field values, received the type ${String(given)} itself`,
} satisfies Message

export const recordValueUnknownField = {
	Class: TypeError,
	code: INVALID_VALUE,
	text: (where: string, type: unknown, key: string, fieldNames: readonly string[]) =>
		`${where}: ${String(type)} has no field ${JSON.stringify(key)}; its fields are ${fieldNames.join(', ')}`,
} satisfies Message
