/**
 * Validates the descriptor tables and derives, once, every fact the emitters use.
 * Emitters read only `NormalizedElement` / `NormalizedWideInteger`, never raw rows.
 */
import { atomicOperationRows, waitViewConstructors } from '../descriptors/elements.js'
import type {
	AtomicOperationName,
	AtomicOperationRow,
	AtomicStrategy,
	BitConversion,
	DataViewAccessor,
	ElementKind,
	ElementRow,
	ElementTypeRow,
	TypedArrayName,
	WideIntegerRow,
} from '../descriptors/elements.js'
import type { CodecName, StringEncodingRow } from '../descriptors/encodings.js'

export interface NormalizedElement {
	readonly name: string
	readonly description: string
	readonly byteSize: 1 | 2 | 4 | 8
	readonly alignment: 1 | 2 | 4 | 8
	readonly cType: string
	/** Whether the row is a plain C integer and its signedness, or `null` (see the row's `cInteger`). */
	readonly cInteger: 'signed' | 'unsigned' | null
	readonly kind: ElementKind
	readonly valueType: 'number' | 'bigint'
	readonly viewConstructor: TypedArrayName
	readonly viewNeedsGlobal: boolean
	readonly dataViewAccessor: DataViewAccessor
	/** Values stored as integer bits (see the row's `bits`), or `undefined`. */
	readonly bits: BitConversion | undefined
	readonly atomicStrategy: AtomicStrategy
	readonly atomicViewConstructor: TypedArrayName
	/** For `viaBits` atomics: the conversions (the row's `atomicBits`, else its `bits`). */
	readonly atomicBits: Omit<BitConversion, 'accessor'> | undefined
	/** Field of `HeapViews` holding the whole-heap atomic view, e.g. `int32Array`. */
	readonly atomicViewField: string
	/** The read-modify-write operations the row has (those listing its atomic strategy), in table order. */
	readonly atomicOperations: readonly NormalizedAtomicOperation[]
	/** How `wait<T>` / `wait<T>Async` wait (4-byte `int` and 8-byte `bigint` rows), or `undefined`. */
	readonly wait: NormalizedWait | undefined
	/**
	 * The TypedArray `alloc<T>Array(values)` converts values into before anything is
	 * allocated or written (so a bad value throws with the heap untouched), and copies from.
	 */
	readonly stagingConstructor: TypedArrayName
	/** `HeapViews`' whole-heap array of {@link stagingConstructor} (`float64Array`), which the staged values are copied into. */
	readonly stagingViewField: string
	/** The row this one aliases, if any: its members are the aliased row's. */
	readonly aliasOf: string | undefined
	/**
	 * The manager's whole-heap view getter (`heapInt32`, as Emscripten's `HEAP32`), or
	 * `undefined`: only full rows whose values are their view's elements and whose view
	 * every engine has get one (not aliases, which would repeat their row's; not
	 * pointer53, whose `BigUint64Array` holds bigints; not a `viewNeedsGlobal` row).
	 */
	readonly heapView: string | undefined
	/**
	 * Whether the row's values are addresses (the row's `pointer`): its array ref's
	 * `free({ freeElements: true })` frees what they point to.
	 */
	readonly pointer: boolean
	readonly refClass: string
	readonly arrayRefClass: string
	readonly methods: {
		readonly read: string
		readonly write: string
		readonly readAtomic: string
		readonly writeAtomic: string
		readonly view: string
		readonly alloc: string
		readonly allocArray: string
		readonly wrap: string
		readonly wrapArray: string
	}
}

/** One atomic read-modify-write operation of one row. */
export interface NormalizedAtomicOperation {
	readonly name: AtomicOperationName
	readonly description: string
	readonly cFunction: string
	/**
	 * - `combine`: a new value from the stored one and `value` (`operator`);
	 * - `exchange`: stores `value`;
	 * - `compareExchange`: stores `replacement` where `expected` is held.
	 */
	readonly shape: 'combine' | 'exchange' | 'compareExchange'
	/** For `combine`: the operator, e.g. `+`. */
	readonly operator: '+' | '-' | '&' | '|' | '^' | undefined
	/** The manager's method, e.g. `addInt32Atomic`. */
	readonly method: string
	/** The value ref's method, e.g. `addAtomic`. */
	readonly refMethod: string
	/** The array ref's method, e.g. `addAtomicAt`. */
	readonly arrayRefMethod: string
}

/** How a row's values are waited for (`Atomics.wait` takes only `Int32Array` and `BigInt64Array`). */
export interface NormalizedWait {
	/** The signed view of the row's width the wait runs on. */
	readonly viewConstructor: TypedArrayName
	/** Field of `HeapViews` holding it, e.g. `int32Array`. */
	readonly viewField: string
	/** `wait<T>`. */
	readonly method: string
	/** `wait<T>Async`. */
	readonly asyncMethod: string
}

export interface NormalizedWideInteger {
	readonly name: string
	readonly description: string
	readonly wordCount: number
	readonly bits: number
	readonly byteSize: number
	readonly read: string
	readonly write: string
}

const typedArrays: Record<TypedArrayName, { byteSize: number; integer: boolean; bigint: boolean }> = {
	Int8Array: { byteSize: 1, integer: true, bigint: false },
	Uint8Array: { byteSize: 1, integer: true, bigint: false },
	Uint8ClampedArray: { byteSize: 1, integer: true, bigint: false },
	Int16Array: { byteSize: 2, integer: true, bigint: false },
	Uint16Array: { byteSize: 2, integer: true, bigint: false },
	Int32Array: { byteSize: 4, integer: true, bigint: false },
	Uint32Array: { byteSize: 4, integer: true, bigint: false },
	BigInt64Array: { byteSize: 8, integer: true, bigint: true },
	BigUint64Array: { byteSize: 8, integer: true, bigint: true },
	Float16Array: { byteSize: 2, integer: false, bigint: false },
	Float32Array: { byteSize: 4, integer: false, bigint: false },
	Float64Array: { byteSize: 8, integer: false, bigint: false },
}

const dataViewAccessorSizes: Record<DataViewAccessor, number> = {
	Int8: 1,
	Uint8: 1,
	Int16: 2,
	Uint16: 2,
	Int32: 4,
	Uint32: 4,
	BigInt64: 8,
	BigUint64: 8,
	Float32: 4,
	Float64: 8,
}

const kinds: readonly ElementKind[] = ['int', 'clampedInt', 'float', 'bigint', 'pointer53']
const atomicStrategies: readonly AtomicStrategy[] = ['native', 'viaBits', 'clampThenUint8', 'viaBigUint64']
/** Byte sizes of the `DataView` accessors only some engines have (see `BitConversion.native`). */
const nativeDataViewAccessorSizes: Readonly<Record<string, number>> = { Float16: 2 }
const bitConversions = ['float16ToBits', 'bitsToFloat16', 'float32ToBits', 'bitsToFloat32', 'float64ToBits', 'bitsToFloat64']
const integerViewOfAccessor: Partial<Record<DataViewAccessor, TypedArrayName>> = {
	Int8: 'Int8Array',
	Uint8: 'Uint8Array',
	Int16: 'Int16Array',
	Uint16: 'Uint16Array',
	Int32: 'Int32Array',
	Uint32: 'Uint32Array',
	BigInt64: 'BigInt64Array',
	BigUint64: 'BigUint64Array',
}

// The atomic views each strategy may run on (Atomics needs an integer, non-clamped view).
const atomicViewsByStrategy: Record<AtomicStrategy, readonly TypedArrayName[]> = {
	native: ['Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'],
	viaBits: ['Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array'],
	clampThenUint8: ['Uint8Array'],
	viaBigUint64: ['BigUint64Array'],
}

/** Thrown for a bad descriptor row; the message names the row. */
export class DescriptorError extends Error {
	constructor(rowName: string, problem: string) {
		super(`descriptor row '${rowName}': ${problem}`)
		this.name = 'DescriptorError'
	}
}

const atomicOperationNames: readonly AtomicOperationName[] = ['add', 'sub', 'and', 'or', 'xor', 'exchange', 'compareExchange']
const operators = ['+', '-', '&', '|', '^']

/** Validates the atomic operation rows; a bad row fails naming it. */
export function validateAtomicOperations(rows: readonly AtomicOperationRow[]): void {
	const seen = new Set<string>()
	for (const row of rows) {
		const fail = (problem: string): never => {
			throw new DescriptorError(`atomic operation ${String(row.name)}`, problem)
		}
		if (!atomicOperationNames.includes(row.name)) fail(`unknown operation (known: ${atomicOperationNames.join(', ')})`)
		if (seen.has(row.name)) fail('the operation is listed more than once')
		seen.add(row.name)
		if (typeof row.description !== 'string' || row.description.length === 0) fail('description must be a non-empty string')
		if (!/^atomic_[a-z_]+$/.test(row.cFunction)) fail(`cFunction must name a <stdatomic.h> function, got '${String(row.cFunction)}'`)
		const combines = row.name !== 'exchange' && row.name !== 'compareExchange'
		if (combines !== (row.operator !== undefined)) fail(combines ? 'a combining operation needs an operator' : 'exchanges take no operator')
		if (row.operator !== undefined && !operators.includes(row.operator)) fail(`unknown operator '${String(row.operator)}'`)
		for (const strategy of row.strategies) {
			if (!atomicStrategies.includes(strategy)) fail(`unknown atomic strategy '${String(strategy)}'`)
		}
		if (combines && row.strategies.includes('clampThenUint8')) {
			fail(`'clampThenUint8' rows cannot combine values: clamping the result is not part of one atomic step`)
		}
		if (row.strategies.includes('viaBits') && row.operator !== undefined && row.operator !== '+' && row.operator !== '-') {
			fail(`'viaBits' rows hold floats: '${row.operator}' has no meaning for them`)
		}
	}
}

function normalizeAtomicOperations(rowName: string, strategy: AtomicStrategy, rows: readonly AtomicOperationRow[]): NormalizedAtomicOperation[] {
	return rows
		.filter((row) => row.strategies.includes(strategy))
		.map((row) => ({
			name: row.name,
			description: row.description,
			cFunction: row.cFunction,
			shape: row.operator !== undefined ? 'combine' : row.name === 'exchange' ? 'exchange' : 'compareExchange',
			operator: row.operator,
			method: `${row.name}${rowName}Atomic`,
			refMethod: `${row.name}Atomic`,
			arrayRefMethod: `${row.name}AtomicAt`,
		}))
}

/** The wait of a row: 4-byte `int` and 8-byte `bigint` rows wait through the signed view of their width. */
function waitOf(rowName: string, row: ElementTypeRow): NormalizedWait | undefined {
	if (row.kind !== 'int' && row.kind !== 'bigint') return undefined
	const viewConstructor = waitViewConstructors[row.byteSize]
	if (viewConstructor === undefined) return undefined
	return { viewConstructor, viewField: fieldNameOf(viewConstructor), method: `wait${rowName}`, asyncMethod: `wait${rowName}Async` }
}

function isAlias(row: ElementRow): row is Extract<ElementRow, { aliasOf: string }> {
	return 'aliasOf' in row && typeof row.aliasOf === 'string'
}

/** `Int32Array` -> `int32Array`. */
export function fieldNameOf(typedArray: string): string {
	return typedArray[0]!.toLowerCase() + typedArray.slice(1)
}

function validateFullRow(row: ElementTypeRow): void {
	const fail = (problem: string): never => {
		throw new DescriptorError(row.name, problem)
	}
	if (![1, 2, 4, 8].includes(row.byteSize)) fail(`byteSize must be 1, 2, 4 or 8, got ${String(row.byteSize)}`)
	if (![1, 2, 4, 8].includes(row.alignment) || row.alignment > row.byteSize) {
		fail(`alignment must be 1, 2, 4 or 8 and at most byteSize, got ${String(row.alignment)}`)
	}
	if (typeof row.cType !== 'string' || row.cType.length === 0) fail('cType must name the C type')
	if (row.cInteger !== undefined && !(['signed', 'unsigned'] as unknown[]).includes(row.cInteger)) {
		fail(`cInteger must be 'signed' or 'unsigned', got ${String(row.cInteger)}`)
	}
	if (!kinds.includes(row.kind)) fail(`unknown kind '${String(row.kind)}' (known: ${kinds.join(', ')})`)
	if (!atomicStrategies.includes(row.atomicStrategy)) {
		fail(`unknown atomicStrategy '${String(row.atomicStrategy)}' (known: ${atomicStrategies.join(', ')})`)
	}

	const view = typedArrays[row.viewConstructor]
	if (view === undefined) fail(`unknown viewConstructor '${String(row.viewConstructor)}'`)
	if (view!.byteSize !== row.byteSize) {
		fail(`viewConstructor ${row.viewConstructor} has ${view!.byteSize}-byte elements, but byteSize is ${row.byteSize}`)
	}

	const atomicView = typedArrays[row.atomicViewConstructor]
	if (atomicView === undefined) fail(`unknown atomicViewConstructor '${String(row.atomicViewConstructor)}'`)
	if (atomicView!.byteSize !== row.byteSize) {
		fail(`atomicViewConstructor ${row.atomicViewConstructor} does not have ${row.byteSize}-byte elements`)
	}
	if (!atomicViewsByStrategy[row.atomicStrategy].includes(row.atomicViewConstructor)) {
		fail(`atomic strategy '${row.atomicStrategy}' cannot run on ${row.atomicViewConstructor}`)
	}

	const accessorSize = dataViewAccessorSizes[row.dataViewAccessor]
	if (accessorSize === undefined) fail(`unknown dataViewAccessor '${String(row.dataViewAccessor)}'`)

	if (row.bits !== undefined) {
		const bitsView = integerViewOfAccessor[row.bits.accessor]
		if (bitsView === undefined || typedArrays[bitsView].byteSize !== row.byteSize) {
			fail(`bits.accessor must be an integer accessor of ${row.byteSize} bytes, got '${String(row.bits.accessor)}'`)
		}
		for (const name of [row.bits.toBits, row.bits.fromBits]) {
			if (!bitConversions.includes(name)) fail(`unknown bit conversion '${String(name)}' (known: ${bitConversions.join(', ')})`)
		}
		if (row.kind !== 'float') fail(`bits are for kind 'float' rows`)
		const native = row.bits.native
		if (native !== undefined && nativeDataViewAccessorSizes[native] !== row.byteSize) {
			fail(`bits.native must be a DataView accessor of ${row.byteSize} bytes that some engines lack (${Object.keys(nativeDataViewAccessorSizes).join(', ')}), got '${String(native)}'`)
		}
	}
	if (row.atomicStrategy === 'viaBits') {
		const conversion = row.atomicBits ?? row.bits
		if (conversion === undefined) fail(`atomic strategy 'viaBits' needs atomicBits or bits`)
		for (const name of [conversion!.toBits, conversion!.fromBits]) {
			if (!bitConversions.includes(name)) fail(`unknown bit conversion '${String(name)}' (known: ${bitConversions.join(', ')})`)
		}
	} else if (row.atomicBits !== undefined) {
		fail(`atomicBits is only read by the 'viaBits' atomic strategy`)
	}
	if (row.viewNeedsGlobal !== undefined && row.viewNeedsGlobal !== true) fail('viewNeedsGlobal is true or absent')

	const bigintView = view!.bigint
	switch (row.kind) {
		case 'bigint':
			if (row.byteSize !== 8) fail(`kind 'bigint' is only for 8-byte types`)
			if (row.valueType !== 'bigint') fail(`kind 'bigint' needs valueType 'bigint'`)
			if (!bigintView) fail(`kind 'bigint' needs a BigInt64Array or BigUint64Array view`)
			break
		case 'pointer53':
			if (row.byteSize !== 8) fail(`kind 'pointer53' is stored in 8 bytes`)
			if (row.valueType !== 'number') fail(`kind 'pointer53' needs valueType 'number'`)
			if (row.dataViewAccessor !== 'Uint32') fail(`kind 'pointer53' is read as two Uint32 halves`)
			if (row.atomicStrategy !== 'viaBigUint64') fail(`kind 'pointer53' needs atomicStrategy 'viaBigUint64'`)
			if (row.viewConstructor !== 'BigUint64Array') fail(`kind 'pointer53' is viewed as the BigUint64Array it is stored as`)
			break
		default:
			if (row.valueType !== 'number') fail(`kind '${row.kind}' needs valueType 'number'`)
			if (bigintView) fail(`kind '${row.kind}' cannot use the bigint view ${row.viewConstructor}`)
			if (row.bits === undefined && accessorSize !== row.byteSize) {
				fail(`dataViewAccessor ${row.dataViewAccessor} accesses ${accessorSize} bytes, but byteSize is ${row.byteSize}`)
			}
			if ((row.kind === 'float') === view!.integer) {
				fail(`kind '${row.kind}' does not match viewConstructor ${row.viewConstructor}`)
			}
			if (row.kind === 'clampedInt' && row.viewConstructor !== 'Uint8ClampedArray') {
				fail(`kind 'clampedInt' needs viewConstructor Uint8ClampedArray`)
			}
	}

	if (row.kind === 'clampedInt' && row.atomicStrategy !== 'clampThenUint8') {
		fail(`kind 'clampedInt' needs atomicStrategy 'clampThenUint8'`)
	}
	if (row.kind === 'float' && row.atomicStrategy === 'native') fail(`Atomics cannot operate on floats: use the 'viaBits' strategy`)
	if (row.kind === 'int' && row.atomicStrategy !== 'native') fail(`kind 'int' uses the 'native' atomic strategy`)
	if (row.kind === 'bigint' && row.atomicStrategy !== 'native') fail(`kind 'bigint' uses the 'native' atomic strategy`)
}

/** The TypedArray values are converted into before an array is allocated (see `NormalizedElement.stagingConstructor`). */
function stagingConstructorOf(row: ElementTypeRow): TypedArrayName {
	if (row.bits !== undefined) return integerViewOfAccessor[row.bits.accessor]!
	return row.viewConstructor
}

/**
 * Validates the element rows (and the atomic operations table) and derives the facts
 * the emitters need.
 */
export function normalizeElements(
	rows: readonly ElementRow[],
	operations: readonly AtomicOperationRow[] = atomicOperationRows,
): NormalizedElement[] {
	validateAtomicOperations(operations)
	const byName = new Map<string, ElementRow>()
	for (const row of rows) {
		const name = (row as { name?: unknown }).name
		if (typeof name !== 'string' || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
			throw new DescriptorError(String(name), 'name must be a PascalCase identifier')
		}
		if (byName.has(name)) throw new DescriptorError(name, 'the name is used by more than one row')
		if (typeof row.description !== 'string' || row.description.length === 0) {
			throw new DescriptorError(name, 'description must be a non-empty string')
		}
		byName.set(name, row)
	}

	return rows.map((row) => {
		let facts: ElementTypeRow
		let aliasOf: string | undefined
		let cInteger: 'signed' | 'unsigned' | null
		if (isAlias(row)) {
			const target = byName.get(row.aliasOf)
			if (target === undefined) throw new DescriptorError(row.name, `aliasOf names unknown row '${row.aliasOf}'`)
			if (isAlias(target)) throw new DescriptorError(row.name, `aliasOf '${row.aliasOf}' is itself an alias`)
			facts = target as ElementTypeRow
			aliasOf = row.aliasOf
			if (row.cInteger !== undefined && row.cInteger !== null) throw new DescriptorError(row.name, 'an alias may only set cInteger to null')
			cInteger = row.cInteger === null ? null : (facts.cInteger ?? null)
		} else {
			facts = row
			validateFullRow(facts)
			cInteger = facts.cInteger ?? null
		}

		const name = row.name
		const pointer = row.pointer === true
		if (row.pointer !== undefined && row.pointer !== true) throw new DescriptorError(name, 'pointer is true or absent')
		if (pointer && !(facts.kind === 'pointer53' || ((facts.kind === 'int' || facts.kind === 'bigint') && facts.cInteger === 'unsigned' && facts.byteSize >= 4))) {
			throw new DescriptorError(name, 'a pointer row is stored as an unsigned integer of 4 or 8 bytes (or as pointer53)')
		}
		return {
			name,
			description: row.description,
			byteSize: facts.byteSize,
			alignment: facts.alignment,
			cType: facts.cType,
			cInteger,
			kind: facts.kind,
			valueType: facts.valueType,
			viewConstructor: facts.viewConstructor,
			viewNeedsGlobal: facts.viewNeedsGlobal === true,
			dataViewAccessor: facts.dataViewAccessor,
			bits: facts.bits,
			atomicStrategy: facts.atomicStrategy,
			atomicViewConstructor: facts.atomicViewConstructor,
			atomicBits: facts.atomicStrategy === 'viaBits' ? (facts.atomicBits ?? facts.bits) : undefined,
			atomicViewField: fieldNameOf(facts.atomicViewConstructor),
			atomicOperations: normalizeAtomicOperations(name, facts.atomicStrategy, operations),
			wait: waitOf(name, facts),
			stagingConstructor: stagingConstructorOf(facts),
			stagingViewField: fieldNameOf(stagingConstructorOf(facts)),
			aliasOf,
			heapView: aliasOf === undefined && facts.kind !== 'pointer53' && facts.viewNeedsGlobal !== true ? `heap${name}` : undefined,
			pointer,
			refClass: `${name}Ref`,
			arrayRefClass: `${name}ArrayRef`,
			methods: {
				read: `read${name}`,
				write: `write${name}`,
				readAtomic: `read${name}Atomic`,
				writeAtomic: `write${name}Atomic`,
				view: `view${name}Array`,
				alloc: `alloc${name}`,
				allocArray: `alloc${name}Array`,
				wrap: `wrap${name}`,
				wrapArray: `wrap${name}Array`,
			},
		}
	})
}

/** Validates the wide-integer rows. */
export function normalizeWideIntegers(rows: readonly WideIntegerRow[]): NormalizedWideInteger[] {
	const seen = new Set<string>()
	return rows.map((row) => {
		if (!/^[A-Z][A-Za-z0-9]*$/.test(row.name)) throw new DescriptorError(row.name, 'name must be a PascalCase identifier')
		if (seen.has(row.name)) throw new DescriptorError(row.name, 'the name is used by more than one row')
		seen.add(row.name)
		if (!Number.isInteger(row.wordCount) || row.wordCount < 2) {
			throw new DescriptorError(row.name, 'wordCount must be an integer of at least 2')
		}
		return {
			name: row.name,
			description: row.description,
			wordCount: row.wordCount,
			bits: row.wordCount * 64,
			byteSize: row.wordCount * 8,
			read: `read${row.name}`,
			write: `write${row.name}`,
		}
	})
}

/**
 * The distinct TypedArray constructors `HeapViews` must hold, sorted: every whole-heap
 * view (`heap<T>`), every atomic view, every wait view, every string elements view, and always `Uint8Array` (the fast bounds check)
 * and `Int32Array` (`notify`).
 */
/**
 * Whether indexing the row's typed array (`viewConstructor`) reads and writes exactly as
 * the library's `read<T>`/`write<T>` do, so that fast paths may use it at aligned
 * addresses: every row but pointer53 (range-checked halves) and values stored as bits
 * (their views are missing on some engines).
 */
export function indexesItsView(element: Pick<NormalizedElement, 'kind' | 'bits'>): boolean {
	return element.kind !== 'pointer53' && element.bits === undefined
}

export function heapViewConstructors(
	elements: readonly NormalizedElement[],
	encodings: readonly { readonly elementsView: TypedArrayName }[] = [],
): TypedArrayName[] {
	const names = new Set<TypedArrayName>(['Uint8Array', 'Int32Array'])
	for (const element of elements) {
		if (element.heapView !== undefined) names.add(element.viewConstructor)
		names.add(element.atomicViewConstructor)
		if (indexesItsView(element)) names.add(element.viewConstructor)
		if (element.wait !== undefined) names.add(element.wait.viewConstructor)
	}
	for (const encoding of encodings) names.add(encoding.elementsView)
	return [...names].sort()
}

export interface NormalizedEncoding {
	readonly name: string
	readonly description: string
	readonly bytesPerElement: 1 | 2 | 4
	readonly elementsView: 'Uint8Array' | 'Uint16Array' | 'Uint32Array'
	/** Field of `HeapViews` holding the whole-heap elements view, e.g. `uint16Array`. */
	readonly elementsViewField: string
	readonly codec: CodecName
	readonly maxElementsPerCodeUnit: 1 | 3
	/** The codec exports `decodeShortTerminated`, which the read tries before scanning (see the row). */
	readonly decodesShortInOnePass: boolean
	/** Suffix the codec's functions are imported under, e.g. `Utf8` in `decodeUtf8`. */
	readonly codecSuffix: string
	readonly refClass: string
	/** The length-delimited string's ref class, e.g. `Utf8StringSliceRef`. */
	readonly sliceRefClass: string
	readonly methods: {
		readonly read: string
		readonly write: string
		readonly alloc: string
		readonly wrap: string
		/** `lengthOfNullTerminated<Enc>String`: `strlen` on the heap. */
		readonly length: string
		/** `encodedLengthOf<Enc>String`: elements a value encodes to. */
		readonly encodedLength: string
		readonly readSlice: string
		readonly writeSlice: string
		readonly allocSlice: string
		readonly wrapSlice: string
	}
}

const codecs: readonly CodecName[] = ['ascii', 'utf8', 'utf16', 'utf32']
const elementsViewSizes = { Uint8Array: 1, Uint16Array: 2, Uint32Array: 4 } as const

/** Validates the string-encoding rows and derives the names the emitters use. */
export function normalizeEncodings(rows: readonly StringEncodingRow[]): NormalizedEncoding[] {
	const seen = new Set<string>()
	return rows.map((row) => {
		const fail = (problem: string): never => {
			throw new DescriptorError(row.name, problem)
		}
		if (!/^[A-Z][A-Za-z0-9]*$/.test(row.name)) fail('name must be a PascalCase identifier')
		if (seen.has(row.name)) fail('the name is used by more than one row')
		seen.add(row.name)
		if (typeof row.description !== 'string' || row.description.length === 0) fail('description must be a non-empty string')
		if (!codecs.includes(row.codec)) fail(`unknown codec '${String(row.codec)}' (known: ${codecs.join(', ')})`)
		const viewSize = elementsViewSizes[row.elementsView]
		if (viewSize === undefined) fail(`unknown elementsView '${String(row.elementsView)}'`)
		if (viewSize !== row.bytesPerElement) {
			fail(`elementsView ${row.elementsView} has ${viewSize}-byte elements, but bytesPerElement is ${row.bytesPerElement}`)
		}
		if (row.maxElementsPerCodeUnit !== 1 && row.maxElementsPerCodeUnit !== 3) fail('maxElementsPerCodeUnit must be 1 or 3')
		if (typeof row.decodesShortInOnePass !== 'boolean') fail('decodesShortInOnePass must be a boolean')
		return {
			name: row.name,
			description: row.description,
			maxElementsPerCodeUnit: row.maxElementsPerCodeUnit,
			decodesShortInOnePass: row.decodesShortInOnePass,
			bytesPerElement: row.bytesPerElement,
			elementsView: row.elementsView,
			elementsViewField: fieldNameOf(row.elementsView),
			codec: row.codec,
			codecSuffix: row.codec[0]!.toUpperCase() + row.codec.slice(1),
			refClass: `${row.name}StringRef`,
			sliceRefClass: `${row.name}StringSliceRef`,
			methods: {
				read: `readNullTerminated${row.name}String`,
				write: `writeNullTerminated${row.name}String`,
				alloc: `allocNullTerminated${row.name}String`,
				wrap: `wrapNullTerminated${row.name}String`,
				length: `lengthOfNullTerminated${row.name}String`,
				encodedLength: `encodedLengthOf${row.name}String`,
				readSlice: `read${row.name}StringSlice`,
				writeSlice: `write${row.name}StringSlice`,
				allocSlice: `alloc${row.name}StringSlice`,
				wrapSlice: `wrap${row.name}StringSlice`,
			},
		}
	})
}
