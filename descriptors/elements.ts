/**
 * The element-type table: one row per numeric type the heap manager reads, writes,
 * allocates, wraps and views. Every fact the generated code needs about a type lives
 * here; `codegen/normalize.ts` derives the rest (method names, shifts, class names).
 *
 * Adding a type is one row here plus `npm run generate`.
 */

/** Names of the TypedArray constructors a row may use for views and atomics. */
export type TypedArrayName =
	| 'Int8Array'
	| 'Uint8Array'
	| 'Uint8ClampedArray'
	| 'Int16Array'
	| 'Uint16Array'
	| 'Int32Array'
	| 'Uint32Array'
	| 'BigInt64Array'
	| 'BigUint64Array'
	| 'Float16Array'
	| 'Float32Array'
	| 'Float64Array'

/** Suffixes of the little-endian `DataView` accessors (`get<Suffix>` / `set<Suffix>`). */
export type DataViewAccessor =
	| 'Int8'
	| 'Uint8'
	| 'Int16'
	| 'Uint16'
	| 'Int32'
	| 'Uint32'
	| 'BigInt64'
	| 'BigUint64'
	| 'Float32'
	| 'Float64'

/**
 * How a JavaScript value becomes stored bytes and back.
 * - `int`: integer stored through the DataView accessor (wrap-around on write).
 * - `clampedInt`: like `int`, but a write clamps and rounds as `Uint8ClampedArray` does.
 * - `float`: IEEE 754 value stored through the DataView accessor.
 * - `bigint`: 64-bit integer taking and returning `bigint`.
 * - `pointer53`: a `number` address stored as a little-endian uint64, limited to `2^53 - 1`.
 */
export type ElementKind = 'int' | 'clampedInt' | 'float' | 'bigint' | 'pointer53'

/**
 * How `read<T>Atomic` / `write<T>Atomic` are carried out.
 * - `native`: `Atomics.load` / `Atomics.store` on the row's own integer view.
 * - `viaBits`: the value moves as its exact bit pattern through the integer view
 *   `atomicViewConstructor`, converted by the row's `bits` functions (floats).
 * - `clampThenUint8`: clamp as `Uint8ClampedArray` does, then store through a `Uint8Array`.
 * - `viaBigUint64`: a pointer53 moved through a `BigUint64Array` and converted to a `number`.
 */
export type AtomicStrategy = 'native' | 'viaBits' | 'clampThenUint8' | 'viaBigUint64'

/**
 * Functions of `src/conversions.ts` that turn a value into the integer bits it is stored
 * as, and back. Each takes and returns plain values and never throws.
 */
export type BitConversionName =
	| 'float16ToBits'
	| 'bitsToFloat16'
	| 'float32ToBits'
	| 'bitsToFloat32'
	| 'float64ToBits'
	| 'bitsToFloat64'

/**
 * Suffixes of `DataView` accessors that only some engines have (`getFloat16` /
 * `setFloat16`: Node 24 and current browsers, not Node 20).
 */
export type NativeDataViewAccessor = 'Float16'

/** A value stored as the bit pattern of an integer of the same width. */
export interface BitConversion {
	/** The integer `DataView` accessor the bits are read and written with. */
	readonly accessor: DataViewAccessor
	/** Value → bits (`float32ToBits`). */
	readonly toBits: BitConversionName
	/** Bits → value (`bitsToFloat32`). */
	readonly fromBits: BitConversionName
	/**
	 * The engine's own `DataView` accessor for the type, where some engines have one:
	 * plain reads and writes call it where `DataView.prototype` has it (tested once, at
	 * load: `hasDataView<Suffix>` in src/globalConstructors.ts) and go through the bits
	 * elsewhere. It must round as `toBits` does (a NaN's bits may differ: the engine's
	 * accessor stores what it stores, as `setFloat32` does). Atomics always go through the bits.
	 */
	readonly native?: NativeDataViewAccessor
}

/** A full element-type row. */
export interface ElementTypeRow {
	/** Name used in every generated identifier: `read<Name>`, `<Name>Ref`, `view<Name>Array`. */
	readonly name: string
	/** One line saying what the type is, used in generated TSDoc comments. */
	readonly description: string
	/** Size of one element in bytes. */
	readonly byteSize: 1 | 2 | 4 | 8
	/** Alignment in bytes: what views, wrapped arrays and atomics require, and C's `_Alignof` on wasm. */
	readonly alignment: 1 | 2 | 4 | 8
	/** The C type this row stands for, named in generated docs and struct headers. */
	readonly cType: string
	/** How values are converted (see {@link ElementKind}). */
	readonly kind: ElementKind
	/** The JavaScript type of values read and written. */
	readonly valueType: 'number' | 'bigint'
	/** TypedArray returned by `view<Name>Array` and `ArrayRef.view`. */
	readonly viewConstructor: TypedArrayName
	/**
	 * Set when `viewConstructor` is missing from some engines (`Float16Array` before Node 24):
	 * views look it up on `globalThis` and throw `TypeError` naming it where it is absent.
	 */
	readonly viewNeedsGlobal?: true
	/** DataView accessor used by plain reads and writes (for `pointer53`, the 32-bit halves' accessor; with `bits`, unused). */
	readonly dataViewAccessor: DataViewAccessor
	/**
	 * Values stored as the bits of an integer: plain reads and writes go through
	 * `bits.accessor` with these conversions (a `Float16` where `DataView` has no
	 * `getFloat16`), and so do `viaBits` atomics.
	 */
	readonly bits?: BitConversion
	/** How atomic reads and writes are done (see {@link AtomicStrategy}). */
	readonly atomicStrategy: AtomicStrategy
	/** Integer TypedArray that atomic operations run on (must be an integer view of `byteSize` bytes). */
	readonly atomicViewConstructor: TypedArrayName
	/**
	 * Only for `viaBits` atomics on a row whose plain access needs no `bits` (Float32,
	 * Float64: `DataView` has their accessors, `Atomics` does not).
	 */
	readonly atomicBits?: Omit<BitConversion, 'accessor'>
	/**
	 * Set for a plain C integer (the rows a bitfield or an enum may be stored as): whether
	 * it is signed. Absent for floats, clamped bytes and pointers, whose bits are not a
	 * count.
	 */
	readonly cInteger?: 'signed' | 'unsigned'
	/**
	 * Set when the values are addresses: the array ref's `free({ freeElements: true })`
	 * frees every non-null element before the array (an unsigned 4- or 8-byte integer, or
	 * pointer53).
	 */
	readonly pointer?: true
}

/** A row that behaves exactly like another row under a distinct, self-documenting name. */
export interface ElementAliasRow {
	/** Name used in every generated identifier. */
	readonly name: string
	/** One line saying what the type is, used in generated TSDoc comments. */
	readonly description: string
	/** The row this one is identical to; it must be a full row, not another alias. */
	readonly aliasOf: string
	/**
	 * `null` when the alias is not a plain C integer although its row is (a pointer);
	 * otherwise the row's `cInteger` applies.
	 */
	readonly cInteger?: null
	/** Set when the values are addresses (see {@link ElementTypeRow.pointer}); not inherited from the aliased row. */
	readonly pointer?: true
}

export type ElementRow = ElementTypeRow | ElementAliasRow

/** The element types, in the order the API lists them. */
export const elementRows: readonly ElementRow[] = [
	{
		name: 'Int8',
		description: 'signed 8-bit integer (C `int8_t`)',
		byteSize: 1,
		alignment: 1,
		cType: 'int8_t',
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Int8Array',
		dataViewAccessor: 'Int8',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Int8Array',
		cInteger: 'signed',
	},
	{
		name: 'Uint8',
		description: 'unsigned 8-bit integer (C `uint8_t`)',
		byteSize: 1,
		alignment: 1,
		cType: 'uint8_t',
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Uint8Array',
		dataViewAccessor: 'Uint8',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Uint8Array',
		cInteger: 'unsigned',
	},
	{
		name: 'ClampedUint8',
		description: 'clamped unsigned 8-bit integer (writes clamp to 0..255 and round half to even, as in a `Uint8ClampedArray`)',
		byteSize: 1,
		alignment: 1,
		cType: 'uint8_t',
		kind: 'clampedInt',
		valueType: 'number',
		viewConstructor: 'Uint8ClampedArray',
		dataViewAccessor: 'Uint8',
		atomicStrategy: 'clampThenUint8',
		atomicViewConstructor: 'Uint8Array',
	},
	{
		name: 'Int16',
		description: 'signed 16-bit integer (C `int16_t`)',
		byteSize: 2,
		alignment: 2,
		cType: 'int16_t',
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Int16Array',
		dataViewAccessor: 'Int16',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Int16Array',
		cInteger: 'signed',
	},
	{
		name: 'Uint16',
		description: 'unsigned 16-bit integer (C `uint16_t`)',
		byteSize: 2,
		alignment: 2,
		cType: 'uint16_t',
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Uint16Array',
		dataViewAccessor: 'Uint16',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Uint16Array',
		cInteger: 'unsigned',
	},
	{
		name: 'Int32',
		description: 'signed 32-bit integer (C `int32_t`)',
		byteSize: 4,
		alignment: 4,
		cType: 'int32_t',
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Int32Array',
		dataViewAccessor: 'Int32',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Int32Array',
		cInteger: 'signed',
	},
	{
		name: 'Uint32',
		description: 'unsigned 32-bit integer (C `uint32_t`)',
		byteSize: 4,
		alignment: 4,
		cType: 'uint32_t',
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Uint32Array',
		dataViewAccessor: 'Uint32',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Uint32Array',
		cInteger: 'unsigned',
	},
	{
		name: 'BigInt64',
		description: 'signed 64-bit integer as a `bigint` (C `int64_t`)',
		byteSize: 8,
		alignment: 8,
		cType: 'int64_t',
		kind: 'bigint',
		valueType: 'bigint',
		viewConstructor: 'BigInt64Array',
		dataViewAccessor: 'BigInt64',
		atomicStrategy: 'native',
		atomicViewConstructor: 'BigInt64Array',
		cInteger: 'signed',
	},
	{
		name: 'BigUint64',
		description: 'unsigned 64-bit integer as a `bigint` (C `uint64_t`)',
		byteSize: 8,
		alignment: 8,
		cType: 'uint64_t',
		kind: 'bigint',
		valueType: 'bigint',
		viewConstructor: 'BigUint64Array',
		dataViewAccessor: 'BigUint64',
		atomicStrategy: 'native',
		atomicViewConstructor: 'BigUint64Array',
		cInteger: 'unsigned',
	},
	{
		name: 'Float16',
		description: '16-bit IEEE 754 half-precision float (C `_Float16`)',
		byteSize: 2,
		alignment: 2,
		cType: '_Float16',
		kind: 'float',
		valueType: 'number',
		viewConstructor: 'Float16Array',
		viewNeedsGlobal: true,
		dataViewAccessor: 'Uint16',
		bits: { accessor: 'Uint16', toBits: 'float16ToBits', fromBits: 'bitsToFloat16', native: 'Float16' },
		atomicStrategy: 'viaBits',
		atomicViewConstructor: 'Uint16Array',
	},
	{
		name: 'Float32',
		description: '32-bit IEEE 754 float (C `float`)',
		byteSize: 4,
		alignment: 4,
		cType: 'float',
		kind: 'float',
		valueType: 'number',
		viewConstructor: 'Float32Array',
		dataViewAccessor: 'Float32',
		atomicStrategy: 'viaBits',
		atomicViewConstructor: 'Int32Array',
		atomicBits: { toBits: 'float32ToBits', fromBits: 'bitsToFloat32' },
	},
	{
		name: 'Float64',
		description: '64-bit IEEE 754 float (C `double`)',
		byteSize: 8,
		alignment: 8,
		cType: 'double',
		kind: 'float',
		valueType: 'number',
		viewConstructor: 'Float64Array',
		dataViewAccessor: 'Float64',
		atomicStrategy: 'viaBits',
		atomicViewConstructor: 'BigInt64Array',
		atomicBits: { toBits: 'float64ToBits', fromBits: 'bitsToFloat64' },
	},
	{
		name: 'Pointer32',
		description: '32-bit pointer (a wasm32 address), identical to `Uint32` under a name that marks it as a pointer',
		aliasOf: 'Uint32',
		cInteger: null,
		pointer: true,
	},
	{
		name: 'Pointer53',
		description: 'pointer stored as an unsigned 64-bit integer but read and written as a `number` up to `2^53 - 1`',
		byteSize: 8,
		alignment: 8,
		cType: 'uint64_t',
		kind: 'pointer53',
		valueType: 'number',
		viewConstructor: 'BigUint64Array',
		dataViewAccessor: 'Uint32',
		atomicStrategy: 'viaBigUint64',
		atomicViewConstructor: 'BigUint64Array',
		pointer: true,
	},
	{
		name: 'Pointer64',
		description: '64-bit pointer (a wasm64 address) as a `bigint`, identical to `BigUint64` under a name that marks it as a pointer',
		aliasOf: 'BigUint64',
		cInteger: null,
		pointer: true,
	},
]

/**
 * Unsigned little-endian integers wider than 64 bits, read and written as `bigint`
 * through consecutive 64-bit words (no views, refs or atomics).
 */
export interface WideIntegerRow {
	/** Name used in `read<Name>` / `write<Name>`. */
	readonly name: string
	/** One line saying what the type is, used in generated TSDoc comments. */
	readonly description: string
	/** Number of 64-bit words, least significant first. */
	readonly wordCount: 2 | 4
}

/** The wide unsigned integer extensions. */
export const wideIntegerRows: readonly WideIntegerRow[] = [
	{ name: 'BigUint128LE', description: 'unsigned 128-bit little-endian integer as a `bigint`', wordCount: 2 },
	{ name: 'BigUint256LE', description: 'unsigned 256-bit little-endian integer as a `bigint`', wordCount: 4 },
]

/**
 * The atomic read-modify-write operations. Each returns the value held before it.
 * - `add` … `xor`: combine the stored value with the operand (`atomic_fetch_<op>`).
 * - `exchange`: store the operand (`atomic_exchange`).
 * - `compareExchange`: store the replacement if the stored value equals the expected one
 *   (`atomic_compare_exchange_strong`).
 */
export type AtomicOperationName = 'add' | 'sub' | 'and' | 'or' | 'xor' | 'exchange' | 'compareExchange'

/** One atomic read-modify-write operation, and which rows have it. */
export interface AtomicOperationRow {
	/** Name in generated identifiers: `add<T>Atomic`, `ref.addAtomic(v)`, `arrayRef.addAtomicAt(i, v)`. */
	readonly name: AtomicOperationName
	/** What it does to the stored value, a TSDoc phrase completed by "the <type> at `address`". */
	readonly description: string
	/** The C11 `<stdatomic.h>` function it matches, named in generated docs. */
	readonly cFunction: string
	/**
	 * The binary operator that computes the new value from the stored one and the operand,
	 * for the strategies that run the operation as a compare-exchange loop (floats,
	 * pointer53); absent for `exchange` and `compareExchange`.
	 */
	readonly operator?: '+' | '-' | '&' | '|' | '^'
	/**
	 * The atomic strategies whose rows have this operation. Integers (`native`,
	 * `viaBigUint64`) have all; floats (`viaBits`) exchange, compare bit patterns and add
	 * (a compare-exchange loop, as C does for `_Atomic double`); `clampThenUint8` only
	 * exchanges (clamping a sum is not one atomic step, in C either).
	 */
	readonly strategies: readonly AtomicStrategy[]
}

/** The atomic read-modify-write operations, in the order the API lists them. */
export const atomicOperationRows: readonly AtomicOperationRow[] = [
	{
		name: 'add',
		description: 'adds `value` to',
		cFunction: 'atomic_fetch_add',
		operator: '+',
		strategies: ['native', 'viaBits', 'viaBigUint64'],
	},
	{
		name: 'sub',
		description: 'subtracts `value` from',
		cFunction: 'atomic_fetch_sub',
		operator: '-',
		strategies: ['native', 'viaBigUint64'],
	},
	{
		name: 'and',
		description: 'ANDs `value` into',
		cFunction: 'atomic_fetch_and',
		operator: '&',
		strategies: ['native', 'viaBigUint64'],
	},
	{
		name: 'or',
		description: 'ORs `value` into',
		cFunction: 'atomic_fetch_or',
		operator: '|',
		strategies: ['native', 'viaBigUint64'],
	},
	{
		name: 'xor',
		description: 'XORs `value` into',
		cFunction: 'atomic_fetch_xor',
		operator: '^',
		strategies: ['native', 'viaBigUint64'],
	},
	{
		name: 'exchange',
		description: 'stores `value` in',
		cFunction: 'atomic_exchange',
		strategies: ['native', 'viaBits', 'clampThenUint8', 'viaBigUint64'],
	},
	{
		name: 'compareExchange',
		description: 'stores `replacement` if `expected` is held by',
		cFunction: 'atomic_compare_exchange_strong',
		strategies: ['native', 'viaBits', 'clampThenUint8', 'viaBigUint64'],
	},
]

/**
 * The views `Atomics.wait` / `Atomics.waitAsync` accept, by element size (an engine fact:
 * only `Int32Array` and `BigInt64Array`). An `int` row of 4 bytes and a `bigint` row of 8
 * get `wait<T>` / `wait<T>Async` through the view of its width, the expected value
 * converted to it (`Uint32` 0xffffffff waits for the `Int32` -1: the same bits).
 */
export const waitViewConstructors: Readonly<Partial<Record<1 | 2 | 4 | 8, TypedArrayName>>> = {
	4: 'Int32Array',
	8: 'BigInt64Array',
}
