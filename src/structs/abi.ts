/**
 * The C ABIs a struct layout can follow, as data. Sizes and alignments of the element
 * rows come from the element table; this table only says which row each ABI-sized C
 * type is stored as, plus the few facts that have no row (`long double`).
 *
 * Every figure is checked against clang-14 by `test/struct-layout.test.ts`.
 */
import { elementTable, type ElementCIntegers, type ElementTypeName } from '../../generated/elementTable.generated.js'
import { enumValuesTooWide, raise, unknownAbi } from '../messages.js'

/** The ABIs a struct layout can follow: clang's `--target=wasm32`, `--target=wasm64` and `--target=wasm32-unknown-emscripten`. */
export type AbiName = 'wasm32' | 'wasm64' | 'emscripten'

/** Size and alignment of a C type that has no element row. */
export interface CTypeFacts {
	/** `sizeof`, in bytes. */
	readonly byteSize: number
	/** `_Alignof`, in bytes. */
	readonly alignment: number
}

/** What one ABI decides about C types whose size is not fixed by the language. */
export interface AbiFacts {
	/** The ABI's name. */
	readonly name: AbiName
	/** The clang `--target` that follows this ABI. */
	readonly clangTarget: string
	/** The row a data pointer (`void *`, `T *`) is stored as: its size and alignment, and how it reads (as a `number`). */
	readonly pointer: ElementTypeName
	/** The row `size_t` (and `unsigned long`) is stored as; a `'Size'` field reads as a `number`. */
	readonly size: ElementTypeName
	/** The row `long` (and `ptrdiff_t`) is stored as; a `'Long'` field reads as a `number`, converted from the row's value. */
	readonly long: ElementTypeName
	/** The row C `_Bool` is stored as (a `'Bool'` field reads as a `boolean`). */
	readonly bool: ElementTypeName
	/** C `long double`, which no field type offers; listed because it is where `'emscripten'` differs from `'wasm32'`. */
	readonly longDouble: CTypeFacts
}

/** The ABI table: one row per {@link AbiName}. */
export const abiTable: { readonly [Name in AbiName]: AbiFacts } = Object.freeze({
	wasm32: Object.freeze({
		name: 'wasm32',
		clangTarget: 'wasm32',
		pointer: 'Pointer32',
		size: 'Uint32',
		long: 'Int32',
		bool: 'Uint8',
		longDouble: Object.freeze({ byteSize: 16, alignment: 16 }),
	}),
	wasm64: Object.freeze({
		name: 'wasm64',
		clangTarget: 'wasm64',
		pointer: 'Pointer53',
		size: 'Pointer53',
		long: 'BigInt64',
		bool: 'Uint8',
		longDouble: Object.freeze({ byteSize: 16, alignment: 16 }),
	}),
	emscripten: Object.freeze({
		name: 'emscripten',
		clangTarget: 'wasm32-unknown-emscripten',
		pointer: 'Pointer32',
		size: 'Uint32',
		long: 'Int32',
		bool: 'Uint8',
		longDouble: Object.freeze({ byteSize: 16, alignment: 8 }),
	}),
})

/** The ABI names, in table order. */
export const abiNames: readonly AbiName[] = Object.freeze(Object.keys(abiTable) as AbiName[])

/**
 * Returns the facts of `abi`, or throws `TypeError` naming `method` when `abi` is not
 * one of {@link abiNames}.
 */
export function abiFacts(abi: AbiName, method: string): AbiFacts {
	const facts = typeof abi === 'string' && Object.hasOwn(abiTable, abi) ? abiTable[abi] : undefined
	if (facts === undefined) {
		throw raise(unknownAbi, method, abi, abiNames)
	}
	return facts
}

/**
 * How each element row behaves as a C integer, from the table's `cInteger` column:
 * `'signed'` or `'unsigned'` for plain integers (the rows a bitfield or an enum may be
 * stored as), `null` for the rows that are not (floats, clamped bytes, and pointers,
 * whose bits are addresses).
 */
export const integerSignedness: { readonly [Name in ElementTypeName]: ElementCIntegers[Name] } = Object.freeze(
	Object.fromEntries(Object.values(elementTable).map((facts) => [facts.name, facts.cInteger])) as { [Name in ElementTypeName]: ElementCIntegers[Name] },
)

/** An element row that is a plain C integer: its `cInteger` fact in the element table is not `null`. */
export type IntegerElementTypeName = {
	[Name in ElementTypeName]: ElementCIntegers[Name] extends null ? never : Name
}[ElementTypeName]

/** Whether `name` is a plain integer row: a valid bitfield or enum storage type. */
export function isIntegerElement(name: ElementTypeName): name is IntegerElementTypeName {
	return integerSignedness[name] !== null
}

/** The smallest and largest value an integer row holds, as bigints. */
export function integerRange(name: IntegerElementTypeName): { readonly min: bigint; readonly max: bigint } {
	const bits = BigInt(elementTable[name].byteSize * 8)
	return integerSignedness[name] === 'signed'
		? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n }
		: { min: 0n, max: (1n << bits) - 1n }
}

/**
 * The integer type clang-14 gives a C enum (without a fixed underlying type) whose
 * enumerators have `values`, as an element row: with `packed` (`__attribute__((packed))`)
 * the smallest row that holds every value; otherwise `int` if every value fits it,
 * `unsigned int` when no value is negative, else the first 64-bit row that fits. (C
 * enums with no negative value are unsigned in clang.) Throws `RangeError` when no
 * 64-bit row holds the values.
 */
export function cEnumStorage(values: readonly (number | bigint)[], options: { readonly packed?: boolean } = {}): IntegerElementTypeName {
	let min = 0n
	let max = 0n
	for (const value of values) {
		const big = BigInt(value)
		if (big < min) min = big
		if (big > max) max = big
	}
	const negative = min < 0n
	// clang tries char, short, int, long, long long; on every wasm ABI long is as wide as int
	// or as long long, so the distinct candidates are the rows of 1, 2, 4 and 8 bytes.
	const signedRows: readonly IntegerElementTypeName[] = ['Int8', 'Int16', 'Int32', 'BigInt64']
	const unsignedRows: readonly IntegerElementTypeName[] = ['Uint8', 'Uint16', 'Uint32', 'BigUint64']
	const candidates = negative ? signedRows : unsignedRows
	for (const row of candidates) {
		if (!options.packed && elementTable[row].byteSize < elementTable.Int32.byteSize) continue
		const range = integerRange(row)
		// With a negative value clang also needs the positive side to fit the signed type.
		if (min >= range.min && max <= range.max) return row
	}
	throw raise(enumValuesTooWide, 'cEnumStorage', min, max)
}
