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
 * - `viaInt32Bits`: a 32-bit float moved as its exact bit pattern through an `Int32Array`.
 * - `viaBigInt64Bits`: a 64-bit float moved as its exact bit pattern through a `BigInt64Array`.
 * - `clampThenUint8`: clamp as `Uint8ClampedArray` does, then store through a `Uint8Array`.
 * - `viaBigUint64`: a pointer53 moved through a `BigUint64Array` and converted to a `number`.
 */
export type AtomicStrategy = 'native' | 'viaInt32Bits' | 'viaBigInt64Bits' | 'clampThenUint8' | 'viaBigUint64'

/** A full element-type row. */
export interface ElementTypeRow {
	/** Name used in every generated identifier: `read<Name>`, `<Name>Ref`, `view<Name>Array`. */
	readonly name: string
	/** One line saying what the type is, used in generated TSDoc comments. */
	readonly description: string
	/** Size of one element in bytes; also the alignment views and atomics require. */
	readonly byteSize: 1 | 2 | 4 | 8
	/** How values are converted (see {@link ElementKind}). */
	readonly kind: ElementKind
	/** The JavaScript type of values read and written. */
	readonly valueType: 'number' | 'bigint'
	/** TypedArray returned by `view<Name>Array`, `ArrayRef.view` and used to copy arrays in. */
	readonly viewConstructor: TypedArrayName
	/** DataView accessor used by plain reads and writes (for `pointer53`, the 32-bit halves' accessor). */
	readonly dataViewAccessor: DataViewAccessor
	/** How atomic reads and writes are done (see {@link AtomicStrategy}). */
	readonly atomicStrategy: AtomicStrategy
	/** Integer TypedArray that atomic operations run on (must be an integer view of `byteSize` bytes). */
	readonly atomicViewConstructor: TypedArrayName
	/** For `pointer53`: the row whose storage format (an unsigned 64-bit integer) is used on the heap. */
	readonly storedAs?: string
}

/** A row that behaves exactly like another row under a distinct, self-documenting name. */
export interface ElementAliasRow {
	/** Name used in every generated identifier. */
	readonly name: string
	/** One line saying what the type is, used in generated TSDoc comments. */
	readonly description: string
	/** The row this one is identical to; it must be a full row, not another alias. */
	readonly aliasOf: string
}

export type ElementRow = ElementTypeRow | ElementAliasRow

/** The element types, in the order the API lists them. */
export const elementRows: readonly ElementRow[] = [
	{
		name: 'Int8',
		description: 'signed 8-bit integer (C `int8_t`)',
		byteSize: 1,
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Int8Array',
		dataViewAccessor: 'Int8',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Int8Array',
	},
	{
		name: 'Uint8',
		description: 'unsigned 8-bit integer (C `uint8_t`)',
		byteSize: 1,
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Uint8Array',
		dataViewAccessor: 'Uint8',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Uint8Array',
	},
	{
		name: 'ClampedUint8',
		description: 'clamped unsigned 8-bit integer (writes clamp to 0..255 and round half to even, as in a `Uint8ClampedArray`)',
		byteSize: 1,
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
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Int16Array',
		dataViewAccessor: 'Int16',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Int16Array',
	},
	{
		name: 'Uint16',
		description: 'unsigned 16-bit integer (C `uint16_t`)',
		byteSize: 2,
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Uint16Array',
		dataViewAccessor: 'Uint16',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Uint16Array',
	},
	{
		name: 'Int32',
		description: 'signed 32-bit integer (C `int32_t`)',
		byteSize: 4,
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Int32Array',
		dataViewAccessor: 'Int32',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Int32Array',
	},
	{
		name: 'Uint32',
		description: 'unsigned 32-bit integer (C `uint32_t`)',
		byteSize: 4,
		kind: 'int',
		valueType: 'number',
		viewConstructor: 'Uint32Array',
		dataViewAccessor: 'Uint32',
		atomicStrategy: 'native',
		atomicViewConstructor: 'Uint32Array',
	},
	{
		name: 'BigInt64',
		description: 'signed 64-bit integer as a `bigint` (C `int64_t`)',
		byteSize: 8,
		kind: 'bigint',
		valueType: 'bigint',
		viewConstructor: 'BigInt64Array',
		dataViewAccessor: 'BigInt64',
		atomicStrategy: 'native',
		atomicViewConstructor: 'BigInt64Array',
	},
	{
		name: 'BigUint64',
		description: 'unsigned 64-bit integer as a `bigint` (C `uint64_t`)',
		byteSize: 8,
		kind: 'bigint',
		valueType: 'bigint',
		viewConstructor: 'BigUint64Array',
		dataViewAccessor: 'BigUint64',
		atomicStrategy: 'native',
		atomicViewConstructor: 'BigUint64Array',
	},
	{
		name: 'Float32',
		description: '32-bit IEEE 754 float (C `float`)',
		byteSize: 4,
		kind: 'float',
		valueType: 'number',
		viewConstructor: 'Float32Array',
		dataViewAccessor: 'Float32',
		atomicStrategy: 'viaInt32Bits',
		atomicViewConstructor: 'Int32Array',
	},
	{
		name: 'Float64',
		description: '64-bit IEEE 754 float (C `double`)',
		byteSize: 8,
		kind: 'float',
		valueType: 'number',
		viewConstructor: 'Float64Array',
		dataViewAccessor: 'Float64',
		atomicStrategy: 'viaBigInt64Bits',
		atomicViewConstructor: 'BigInt64Array',
	},
	{
		name: 'Pointer32',
		description: '32-bit pointer (a wasm32 address), identical to `Uint32` under a name that marks it as a pointer',
		aliasOf: 'Uint32',
	},
	{
		name: 'Pointer53',
		description: 'pointer stored as an unsigned 64-bit integer but read and written as a `number` up to `2^53 - 1`',
		byteSize: 8,
		kind: 'pointer53',
		valueType: 'number',
		viewConstructor: 'BigUint64Array',
		dataViewAccessor: 'Uint32',
		atomicStrategy: 'viaBigUint64',
		atomicViewConstructor: 'BigUint64Array',
		storedAs: 'BigUint64',
	},
	{
		name: 'Pointer64',
		description: '64-bit pointer (a wasm64 address) as a `bigint`, identical to `BigUint64` under a name that marks it as a pointer',
		aliasOf: 'BigUint64',
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
