/**
 * Refs to structs on the heap: `StructRef` (one struct or union), `StructArrayRef` (an
 * array of them, with any stride) and `FieldArrayRef` (a fixed array of numbers, strings
 * or arrays inside a struct).
 *
 * Each struct type gets, once per ABI, a subclass of `StructRef` whose prototype holds
 * one accessor property per field, made by a factory per field kind (no closure per
 * instance, no `Proxy`, no `eval`). A numeric field's accessor checks the ref with the
 * numeric refs' single comparison (`root.liveEnd <= fast.uint8Array.length`: not freed,
 * and inside the live whole-heap view) and reads through the manager's generated
 * `read<Row>`; any failure goes to the cold path, which polls for a replaced heap and
 * throws the numeric refs' errors.
 *
 * Nested structs, fixed arrays and the elements of a `StructArrayRef` are sub-refs: they
 * share the lifetime of the ref they were reached from (its "root"), so they notice when
 * it is freed and cannot be freed on their own.
 */
import { elementTable, type ElementTypeName, type ElementValueTypes } from '../../generated/elementTable.generated.js'
import type { WasmHeapManager } from '../../generated/WasmHeapManager.generated.js'
import { structFieldAccessors } from '../../generated/structFields.generated.js'
import { throwFreedError, throwIndexError } from '../errors.js'
import { accessorFieldMissing, atReuseInvalid, pointerTargetDoesNotFit, pointerToArrayHasNoRef, raise, raiseLikeCause, refIsPartOfAnother, structArrayWriteNotAnArray, structArrayWriteTooMany } from '../messages.js'
import { ArrayHeapRef, ElementInPlaceIterator, HeapRef, type ElementSource } from '../HeapRef.js'
import { inspectedEntries, jsonValue } from '../inspect.js'
import { abiFacts, type AbiName } from './abi.js'
import {
	codecOf,
	fieldCodec,
	resolvePointerTarget,
	rowCheck,
	rowMethods,
	scalarRow,
	recordCodec,
	structCodec,
	type ValueCodec,
} from './codecs.js'
import type {
	AbiSizedTypeName,
	InlineStringKind,
	PointerTarget,
	StringEncodingName,
	ValueKind,
} from './fieldKinds.js'
import type {
	AlignedTypeSpec,
	ArrayTypeSpec,
	BitfieldTypeSpec,
	BitfieldValue,
	InlineStringTypeSpec,
	PointerTypeSpec,
	EnumType,
	FieldInit,
	FieldSpecs,
	FieldValue,
	StructInit,
	StructType,
	StructValue,
	ZeroWidthBitfield,
} from './declare.js'
import { resolveLayout, valueLayout, type PlacedField } from './layout.js'
import { generatedClassOf, registrations, resolveStructType, type GeneratedStructRefClass } from './generatedClasses.js'
import type { WrapOptions } from '../HeapCore.js'

// ---- types -----------------------------------------------------------------------------

/**
 * Names no field accessor can have, because a ref already uses them (its members and
 * internal fields, and `Object.prototype`'s): a field so named is still read and written
 * by `read()` / `write()` and `readStruct` / `writeStruct`, just not as a property.
 */
export type ReservedFieldName =
	| keyof StructRef
	// the internal fields (`reservedFieldNames`), which the published types leave out
	| 'root'
	| 'tracked'
	| 'allocationByteSize'
	| 'allocationAlignment'
	| 'ownDeallocator'
	| 'scope'
	| 'tableSlot'
	| 'toJSON'
	| 'manager'
	| 'freed'
	| 'liveEnd'
	| 'released'
	| 'shape'
	| 'refName'
	| 'liveAddress'
	| 'throwFreed'
	| 'freeAgain'
	| 'isReleased'
	| 'invalidate'
	| 'markFreedElsewhere'
	| 'checkLive'
	| 'readField'
	| 'writeField'
	| 'subRefAt'
	| 'pointerTargetFailed'
	| 'contents'
	| 'constructor'
	| 'toString'
	| 'toLocaleString'
	| 'valueOf'
	| 'hasOwnProperty'
	| 'isPrototypeOf'
	| 'propertyIsEnumerable'
	| '__proto__'
	| '__defineGetter__'
	| '__defineSetter__'
	| '__lookupGetter__'
	| '__lookupSetter__'

/**
 * The element row a pointer's target or an array's element declared as `S` is read through:
 * the row itself, an enum's storage, `'Uint8'` for `'Bool'`, and for `'Pointer'`, `'Size'`,
 * `'Long'` and pointers the rows of wasm32 and wasm64 (`'emscripten'` has wasm32's), which
 * differ: `never` for anything else.
 */
export type ScalarRowOf<S> = S extends ElementTypeName
	? S
	: S extends 'Pointer' | PointerTypeSpec
		? 'Pointer32' | 'Pointer53'
		: S extends 'Size'
			? 'Uint32' | 'Pointer53'
			: S extends 'Long'
				? 'Int32' | 'BigInt64'
				: S extends 'Bool'
					? 'Uint8'
					: S extends EnumType<infer R>
						? R
						: never

/**
 * The array ref class `wrap<E>Array` returns for the row of an element declared as `E` (see
 * {@link ScalarRowOf}; one class per ABI for `'Pointer'`, `'Size'`, `'Long'` and pointers), or `HeapRef`.
 */
export type ElementArrayRefOf<E> = [ScalarRowOf<E>] extends [never] ? HeapRef : ReturnType<WasmHeapManager[`wrap${ScalarRowOf<E>}Array`]>

/** What a pointer field whose target is declared as `P` gives on read (besides `null` for address 0). */
export type PointerTargetRef<P> = P extends (() => infer T)
	? T extends StructType
		? StructType extends T
			? LooseStructRef
			: StructRefOf<T>
		: HeapRef
	: P extends StructType
		? StructRefOf<P>
		: P extends StringEncodingName
			? ReturnType<WasmHeapManager[`wrapNullTerminated${P}String`]>
			: [ScalarRowOf<P>] extends [never]
				? P extends ArrayTypeSpec
					? P['array'] extends StructType
						? StructArrayRef<P['array']>
						: ElementArrayRefOf<P['array']>
					: P extends InlineStringTypeSpec
						? ReturnType<WasmHeapManager[`wrapNullTerminated${P['string']}String`]>
						: HeapRef
				: ReturnType<WasmHeapManager[`wrap${ScalarRowOf<P>}`]>

/**
 * What a pointer declared with a function typed as the wide `StructType` (`{ pointer: ():
 * StructType => Node }`, the way a struct points at itself) reads as: a `StructRef` whose
 * fields TypeScript cannot know. Cast it to `StructRefOf<typeof Node>` for typed fields.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fields of a type TypeScript cannot name
export type LooseStructRef = StructRef & Record<string, any>

/**
 * The type of a `StructRef`'s property for a field declared as `S`: numbers, bigints,
 * booleans and strings as `readStruct` gives them; a nested struct as its sub-ref; a
 * fixed array as a `StructArrayRef` (of structs) or a `FieldArrayRef`; a pointer as a ref
 * to its target or `null`.
 */
export type FieldRefValue<S> = S extends ElementTypeName
	? ElementValueTypes[S]
	: S extends AbiSizedTypeName
		? number
		: S extends 'Bool'
			? boolean
			: S extends StructType
				? StructRefOf<S>
				: S extends EnumType
					? number
					: S extends ArrayTypeSpec
						? S['array'] extends StructType
							? StructArrayRef<S['array']>
							: FieldArrayRef<FieldValue<S['array']>, FieldInit<S['array']>, ArrayElementRef<S['array']>>
						: S extends PointerTypeSpec
							? PointerTargetRef<S['pointer']> | null
							: S extends InlineStringTypeSpec
								? string
								: S extends BitfieldTypeSpec
									? BitfieldValue<S['type']>
									: S extends AlignedTypeSpec
										? FieldRefValue<S['type']>
										: never

/**
 * What `FieldArrayRef.at` gives for an element declared as `E`: for an array (a row of a C
 * multi-dimensional array, `float m[3][3]`), the row's sub-ref (a `StructArrayRef` for a
 * row of structs, else a `FieldArrayRef`); for anything else, the element's value, as
 * `readAt` gives it.
 */
export type ArrayElementRef<E> = E extends ArrayTypeSpec ? FieldRefValue<E> : FieldValue<E>

/** Whether a field declared as `S` gives a sub-ref (a nested struct or a fixed array): its property is read-only. */
export type IsSubRef<S> = S extends StructType ? true : S extends ArrayTypeSpec ? true : S extends AlignedTypeSpec ? IsSubRef<S['type']> : false

/** The field properties of a ref to a record with fields `F` (reserved names and `:0` bitfields left out). */
export type FieldRefs<F extends FieldSpecs> = {
	-readonly [K in keyof F as K extends ReservedFieldName ? never : F[K] extends ZeroWidthBitfield ? never : IsSubRef<F[K]> extends true ? never : K]: FieldRefValue<F[K]>
} & {
	readonly [K in keyof F as K extends ReservedFieldName ? never : IsSubRef<F[K]> extends true ? K : never]: FieldRefValue<F[K]>
}

/**
 * A `StructRef` to a value of type `T`, with one property per field: what `allocStruct` and
 * `wrapStruct` return. For the wide `StructType`, whose fields TypeScript cannot know, a
 * {@link LooseStructRef}: every struct ref, a generated class's too, is one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fields of a type TypeScript cannot name (an index signature of any takes every ref)
export type StructRefOf<T extends StructType> = StructRef<T> & (T extends StructType<infer F> ? (string extends keyof F ? Record<string, any> : FieldRefs<F>) : never)

// ---- internals -------------------------------------------------------------------------

/** @internal What a generated struct-field accessor reads of the ref it is called on. */
export interface StructFieldHost {
	/** The manager. */
	readonly manager: WasmHeapManager
	/** The struct's address. */
	readonly address: number
	/** The ref that owns the region, whose `liveEnd` (Infinity once freed) is checked. */
	readonly root: { readonly liveEnd: number }
	/** Throws if the root was freed. */
	checkLive(member: string): void
}

/** @internal The accessor pair a generated factory makes for one field, and its unchecked reader. */
export interface StructFieldAccessor<V> {
	/** Reads the field. */
	get(this: StructFieldHost): V
	/** Writes the field. */
	set(this: StructFieldHost, value: V): void
	/** Reads the field of the struct at `address` from `view`, which the caller checked covers the whole struct. */
	read(view: DataView, address: number): V
}

/** @internal What the accessors read of a ref (fields are protected in TypeScript, plain at run time). */
interface RefInternals {
	manager: WasmHeapManager
	address: number
	root: LiveInternals
	checkLive(member: string): void
}

/** @internal What a root's liveness is read from. */
interface LiveInternals {
	liveEnd: number
	freed: boolean
	released: boolean
	scope: unknown
	address: number
	isFreed: boolean
}

/** @internal What a per-type subclass's prototype knows about its type. */
interface StructShape {
	readonly type: StructType
	readonly abi: AbiName
	readonly size: number
	readonly codec: ValueCodec
	/** The codec `read()` reads through: the same readers, whose errors name the call and the field's path (`Node.read.next`), as `write()`'s do. */
	readonly readCodec: ValueCodec
	/** The library's accessor of each field by name, made when a generated class first asks (see `StructRef.readField`). */
	readonly accessors: Map<string, Accessor>
}

/** @internal The constructor of a per-type subclass. */
type StructRefClass = new (manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean) => StructRef

/**
 * @internal The constructor of a type's sub-refs (array elements, nested structs): refs of
 * the per-type class (same prototype chain, so `instanceof` and every member work) made by
 * a three-field constructor (see {@link subRefClass}).
 */
type SubRefClass = new (manager: WasmHeapManager, address: number, root: HeapRef) => StructRef

function throwPartOf(refName: string, member: string): never {
	throw raise(refIsPartOfAnother, refName, member)
}

/**
 * Throws an element's error under the element's name: `again` repeats the read or check
 * that threw `error` under that name, which throws the library's same error (one with a
 * `code`) naming the element; any other error (a `valueOf` that threw its own), or a
 * repeat that passes, is thrown as it was.
 */
function throwUnderElementName(error: unknown, again: () => unknown): never {
	if ((error as { code?: unknown } | null)?.code !== undefined) again()
	throw error
}

/**
 * The count of `values` given to a struct array's or an array field's `write` (`refName`'s):
 * a `TypeError` for anything but an array-like object, a `RangeError` for more values
 * than `elementCount`.
 */
function valuesToWrite(values: unknown, elementCount: number, refName: string): number {
	if (typeof values !== 'object' || values === null || typeof (values as ArrayLike<unknown>).length !== 'number') {
		throw raise(structArrayWriteNotAnArray, `${refName}.write`)
	}
	const count = (values as ArrayLike<unknown>).length
	if (count > elementCount) throw raise(structArrayWriteTooMany, `${refName}.write`, count, elementCount)
	return count
}

/** Throws the freed (or released) error if the root of `ref` is no longer live. */
function checkRootLive(ref: { root: HeapRef; address: number }, refName: string, member: string): void {
	const root = ref.root as unknown as LiveInternals
	if (root.freed) throwFreedError(refName, member, ref.address, root.released, root.scope)
}

/** The keys a ref's summary shows besides a struct's fields (`address`), which a field of that name must not pass for. */
const summaryKeys: ReadonlySet<string> = new Set(['address'])

// ---- StructRef -------------------------------------------------------------------------

/**
 * A reference to a struct or union on the heap, returned by `allocStruct`, `wrapStruct`,
 * `StructArrayRef.at` and by nested-struct and pointer fields. Besides what every ref has,
 * it has one accessor property per field (see {@link FieldRefValue}; a field named like a
 * member below has none), `read()`, `write(partial)` and `type`.
 *
 * A ref reached from another (a nested struct, an array element) shares that ref's
 * lifetime: it throws once that ref is freed, and cannot be freed itself.
 * @group Structs
 */
export class StructRef<T extends StructType = StructType> extends HeapRef {
	/** @internal The ref that owns the region: this one, or the one a sub-ref was reached from. */
	root: HeapRef
	/** @internal Set on each per-type prototype. */
	declare protected readonly shape: StructShape

	/** Struct refs are made by the manager (`allocStruct`, `wrapStruct`) and by other struct refs; see {@link HeapRef}'s constructor. */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean) {
		super(manager, address, allocatedByteSize, tracked)
		this.root = this
	}

	/** @internal */
	protected get refName(): string {
		return this.shape.type.name
	}

	/**
	 * The struct or union type this ref reads and writes.
	 * @group Value
	 */
	get type(): T {
		return this.shape.type as T
	}

	/**
	 * Whether the ref was freed: for a sub-ref, whether the ref it belongs to was.
	 * @group Allocation & ownership
	 */
	override get isFreed(): boolean {
		return this.root === this ? this.freed : this.root.isFreed
	}

	/**
	 * A `Uint8Array` over the struct's bytes, valid until the heap is next replaced.
	 * @group Region
	 */
	override get allocatedBytesView(): Uint8Array {
		this.checkLive('allocatedBytesView')
		return this.manager.bytesView(this.address, this.allocatedByteSize, `${this.refName}.allocatedBytesView`)
	}

	/**
	 * Sets every byte of the struct to 0.
	 * @group Region
	 */
	override clear(): void {
		this.checkLive('clear')
		this.manager.zeroRegion(this.address, this.allocatedByteSize, `${this.refName}.clear`)
	}

	/**
	 * Frees the struct (see {@link HeapRef.free}).
	 * @throws Error for a sub-ref (a nested struct or array element): free the ref it belongs to
	 * @group Allocation & ownership
	 */
	override free(): void {
		if (this.root !== this) throwPartOf(this.refName, 'free')
		super.free()
	}

	/**
	 * Gives up ownership without freeing (see {@link HeapRef.release}).
	 * @throws Error for a sub-ref, or if the ref was already freed or released
	 * @group Allocation & ownership
	 */
	override release(): number {
		if (this.root !== this) throwPartOf(this.refName, 'release')
		return super.release()
	}

	/**
	 * @internal A summary's contents: the fields, as `read()` gives them (`Point { address:
	 * 1024, x: 1, y: 2 }`, a field named `address` quoted); as JSON, `value`.
	 */
	protected override contents(as: 'json' | 'inspect'): [string, unknown][] {
		const value = this.read() as Record<string, unknown>
		return as === 'json' ? [['value', jsonValue(value)]] : inspectedEntries(Object.entries(value), 0, summaryKeys)
	}

	/**
	 * Reads the whole struct as plain data, as `readStruct` does; an error for a stored value it
	 * cannot give names the call and the field's path (`Node.read.next`).
	 * @group Value
	 */
	read(): StructValue<T> {
		this.checkLive('read')
		return this.shape.readCodec.read(this.manager, this.address) as StructValue<T>
	}

	/**
	 * Writes the fields given (the others are left as they are), as `writeStruct` does:
	 * every value is checked before any is written.
	 * @throws TypeError or RangeError for a bad value (nothing is written)
	 * @group Value
	 */
	write(value: StructInit<T>): void {
		const codec = this.shape.codec
		const staged = codec.check(value, `${this.refName}.write`, this.manager)
		this.checkLive('write')
		try {
			codec.write(this.manager, this.address, staged)
		} catch (error) {
			this.throwAsMember(error, 'write')
		}
	}

	/**
	 * Throws the freed (or released) `Error` naming `member` if this ref, or the ref it
	 * belongs to, was freed: what classes written by `wasm-heap-manager generate` call
	 * before each field access.
	 * @group Allocation & ownership
	 */
	checkLive(member: string): void {
		checkRootLive(this, this.refName, member)
	}

	/**
	 * The library's own read of the field `name` (what its property gives on a ref made from
	 * the declaration: a value, a sub-ref or a pointer's target ref): the path the classes
	 * `wasm-heap-manager generate` writes take when their fast path does not apply (a heap
	 * to re-check, a bitfield wider than 32 bits), with the library's checks and errors.
	 */
	protected readField(name: string): unknown {
		return libraryAccessor(this.shape, name, this.manager).get.call(this as unknown as RefInternals)
	}

	/**
	 * The library's own write of the field `name`, which checks `value` (throwing the
	 * library's `TypeError` or `RangeError`, and writing nothing) and the ref: what the
	 * generated classes call for a value their fast path does not take.
	 */
	protected writeField(name: string, value: unknown): void {
		libraryAccessor(this.shape, name, this.manager).set.call(this as unknown as RefInternals, value)
	}

	/**
	 * Throws for a pointer field `name` whose target (at `address`) its `wrap*` call refused
	 * (`error`), as the library's accessor does: the error names the field, keeps its class
	 * and code, and holds the refusal as `cause`. The generated classes' pointer getters call it.
	 * @throws RangeError or TypeError always (any other `error` as it is)
	 */
	protected pointerTargetFailed(name: string, address: number, error: unknown): never {
		throwPointerTargetError(`${this.type.name}.${name}`, address, error)
	}

	/**
	 * The sub-ref of the nested struct or fixed array field `name` of the struct, given the
	 * field's `address` (the generated classes bake its offset in): a ref of the field's
	 * type that lives as long as this ref does.
	 * @throws Error if this ref (or the ref it belongs to) was freed
	 */
	protected subRefAt(name: string, address: number): unknown {
		this.checkLive(name)
		return libraryAccessor(this.shape, name, this.manager).subRef!(this.manager, address, this.root)
	}
}

/** The library's accessor of field `name` of a type (its shape), made on first use. */
function libraryAccessor(shape: StructShape, name: string, manager: WasmHeapManager): Accessor {
	let accessor = shape.accessors.get(name)
	if (accessor === undefined) {
		const field = resolveLayout(shape.type, shape.abi).byName.get(name)
		if (field === undefined) throw raise(accessorFieldMissing, `${shape.type.name}.${name}`, shape.type.name, name)
		accessor = fieldAccessor(shape.type, field, shape.abi, manager)
		shape.accessors.set(name, accessor)
	}
	return accessor
}

// ---- arrays ----------------------------------------------------------------------------

/**
 * A reference to an array of structs on the heap, returned by `allocStructArray`,
 * `wrapStructArray` (with any `stride`) and by fixed-array fields. Elements are reached
 * with `at(index)` (a `StructRef` that lives as long as the array), read with
 * `readAt(index)` and written with `writeAt(index, partial)`; iterating gives `at(0)`,
 * `at(1)`, ...
 * @group Structs
 */
export class StructArrayRef<T extends StructType = StructType> extends ArrayHeapRef<StructRefOf<T>> {
	/** @internal The ref that owns the region: this one, or the struct a fixed-array field belongs to. */
	root: HeapRef
	/**
	 * Bytes from one element's start to the next's (the struct's size unless a custom stride was given).
	 * @group Elements
	 */
	readonly stride: number
	/**
	 * The element type.
	 * @group Elements
	 */
	readonly type: T
	/** @internal The element refs' class. */
	private readonly Element: SubRefClass
	/** @internal Its prototype, which every element ref has. */
	private readonly elementPrototype: object
	/** @internal The element's size and codec. */
	private readonly elementShape: StructShape

	/** Struct array refs are made by the manager (`allocStructArray`, `wrapStructArray`) and by struct refs. */
	constructor(
		manager: WasmHeapManager,
		address: number,
		allocatedByteSize: number,
		tracked: boolean,
		elementCount: number,
		type: T,
		stride: number,
		abi: AbiName,
	) {
		super(manager, address, allocatedByteSize, tracked, elementCount)
		this.root = this
		this.type = type
		this.stride = stride
		this.Element = subRefClass(type, abi, manager)
		this.elementPrototype = this.Element.prototype as object
		this.elementShape = (this.Element.prototype as unknown as { shape: StructShape }).shape
	}

	/** @internal */
	protected get refName(): string {
		return `${this.type.name}ArrayRef`
	}

	/**
	 * Whether the ref was freed: for a fixed-array field, whether the struct it belongs to was.
	 * @group Allocation & ownership
	 */
	override get isFreed(): boolean {
		return this.root === this ? this.freed : this.root.isFreed
	}

	/**
	 * A `Uint8Array` over the array's bytes, valid until the heap is next replaced.
	 * @group Region
	 */
	override get allocatedBytesView(): Uint8Array {
		checkRootLive(this, this.refName, 'allocatedBytesView')
		return this.manager.bytesView(this.address, this.allocatedByteSize, `${this.refName}.allocatedBytesView`)
	}

	/**
	 * Sets every byte of the array to 0.
	 * @group Region
	 */
	override clear(): void {
		checkRootLive(this, this.refName, 'clear')
		this.manager.zeroRegion(this.address, this.allocatedByteSize, `${this.refName}.clear`)
	}

	/**
	 * Frees the array (see {@link HeapRef.free}).
	 * @throws Error for a fixed-array field: free the struct it belongs to
	 * @group Allocation & ownership
	 */
	override free(): void {
		if (this.root !== this) throwPartOf(this.refName, 'free')
		super.free()
	}

	/**
	 * Gives up ownership without freeing (see {@link HeapRef.release}).
	 * @throws Error for a fixed-array field, or if the ref was already freed or released
	 * @group Allocation & ownership
	 */
	override release(): number {
		if (this.root !== this) throwPartOf(this.refName, 'release')
		return super.release()
	}

	/**
	 * The element at `index`, as a `StructRef` that lives as long as this array. With
	 * `reuse` (a ref an earlier `at` of this array returned), that ref is moved to the
	 * element and returned instead: a cursor that allocates nothing.
	 * @throws RangeError if `index` is not an integer in `[0, elementCount)`
	 * @group Elements
	 */
	at(index: number, reuse?: StructRefOf<T>): StructRefOf<T> {
		// A freed array's live element count is 0, so only a fixed-array field's root (its
		// struct) has its freed flag read: once any array of the class was freed, V8 tests the
		// flag's truth five ways (false, '', undetectable, heap number, bigint) on every call.
		// The error paths are one call, and the root is read once: V8 (Node 20) inlines at
		// most 920 bytes of bytecode into one loop's code, and every byte of `at` counts against
		// the accessors after it (a loop that makes its cursor with `at(0)` holds `at` twice).
		const root = this.root
		// The element prototype by identity (`instanceof` of a class V8 cannot see as a constant
		// is a call), asked after the cursor's `root` is read: that load checks the cursor's map,
		// from which TurboFan folds `Object.getPrototypeOf` to a constant. Asked first, wherever
		// the cursor is no constant (a cursor kept in a local, or a loop V8 compiled only by
		// on-stack replacement), it was a runtime call on every move: 30-35 ns an element
		// instead of 3-7 (bench/notes.ts). A primitive has no `root`, and a function's
		// prototype is not the element's: both are refused as well.
		if (
			!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount) ||
			(root !== this && (root as unknown as LiveInternals).freed) ||
			(reuse !== undefined && (reuse === null || (reuse as unknown as { root: unknown }).root !== root || Object.getPrototypeOf(reuse) !== this.elementPrototype))
		) {
			this.throwAt(index)
		}
		const address = this.address + index * this.stride
		if (reuse === undefined) return new this.Element(this.manager, address, root) as StructRefOf<T>
		;(reuse as unknown as { address: number }).address = address
		return reuse
	}

	/** @internal `at`'s error: for a bad `index`, for a fixed-array field whose struct was freed, else for a `reuse` that is no cursor of this array. */
	private throwAt(index: unknown): never {
		checkRootLive(this, this.refName, 'at')
		if (!(Number.isInteger(index) && (index as number) >= 0 && (index as number) < this.liveElementCount)) this.throwIndexOrFreed('at', index)
		throw raise(atReuseInvalid, `${this.refName}.at`)
	}

	/**
	 * Reads the element at `index` as plain data.
	 * @throws RangeError if `index` is not an integer in `[0, elementCount)`
	 * @group Elements
	 */
	readAt(index: number): StructValue<T> {
		if (!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount)) this.throwIndexOrFreed('readAt', index)
		checkRootLive(this, this.refName, 'readAt')
		const address = this.address + index * this.stride
		try {
			return this.elementShape.codec.read(this.manager, address) as StructValue<T>
		} catch (error) {
			this.throwReadError(index, address, error)
		}
	}

	/**
	 * Reads every element as plain data (what `readAt` gives, for each index in order).
	 * @throws Error if the array (or the struct a fixed-array field belongs to) was freed or released
	 * @group Elements
	 */
	read(): StructValue<T>[] {
		checkRootLive(this, this.refName, 'read')
		const codec = this.elementShape.codec
		const values = new Array<StructValue<T>>(this.elementCount)
		let index = 0
		try {
			for (; index < this.elementCount; index++) values[index] = codec.read(this.manager, this.address + index * this.stride) as StructValue<T>
		} catch (error) {
			this.throwReadError(index, this.address + index * this.stride, error)
		}
		return values
	}

	/**
	 * @internal The error of element `index`'s read (at `address`), under the element's name
	 * (`ParticleArrayRef[2].next`): read again through a codec of its own, made for the error
	 * alone. Out of line, and the `try` in the caller itself: a method of its own around the
	 * read, or a closure in it, made `readAt` 2-3x slower (the name is built only for an error).
	 */
	private throwReadError(index: number, address: number, error: unknown): never {
		const shape = this.elementShape
		throwUnderElementName(error, () => recordCodec(shape.type, shape.abi, this.manager, `${this.refName}[${index}]`).read(this.manager, address))
	}

	/**
	 * @internal Checks `value` for element `index`, under the element's name when it is refused
	 * (`ParticleArrayRef[2].mass: ...`), which is built only then.
	 */
	private checkElement(value: unknown, index: number): unknown {
		try {
			return this.elementShape.codec.check(value, this.type.name, this.manager)
		} catch (error) {
			this.throwCheckError(value, index, error)
		}
	}

	/** @internal `checkElement`'s error, under the element's name (out of line, as `throwReadError`). */
	private throwCheckError(value: unknown, index: number, error: unknown): never {
		throwUnderElementName(error, () => this.elementShape.codec.check(value, `${this.refName}[${index}]`, this.manager))
	}

	/**
	 * Writes the fields given of the element at `index`; every value is checked before any is written.
	 * @throws RangeError if `index` is not an integer in `[0, elementCount)`; TypeError or RangeError for a bad value, naming the element's field (nothing is written)
	 * @group Elements
	 */
	writeAt(index: number, value: StructInit<T>): void {
		if (!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount)) this.throwIndexOrFreed('writeAt', index)
		// Checked (converted) before the liveness check: a value's valueOf may free this ref.
		const staged = this.checkElement(value, index)
		checkRootLive(this, this.refName, 'writeAt')
		try {
			this.elementShape.codec.write(this.manager, this.address + index * this.stride, staged)
		} catch (error) {
			this.throwAsMember(error, 'writeAt')
		}
	}

	/**
	 * Writes `values[i]` (the fields it gives, as `writeAt(i, values[i])` does) to element `i`,
	 * from the first element on, for at most `elementCount` values; every value is checked
	 * before any is written.
	 * @throws TypeError if `values` is not array-like; RangeError for more values than elements; TypeError or RangeError for a bad value, naming the element's field (nothing is written)
	 * @group Elements
	 */
	write(values: ArrayLike<StructInit<T>>): void {
		const count = valuesToWrite(values, this.elementCount, this.refName)
		const staged = new Array<unknown>(count)
		for (let index = 0; index < count; index++) staged[index] = this.checkElement(values[index], index)
		checkRootLive(this, this.refName, 'write')
		const codec = this.elementShape.codec
		try {
			for (let index = 0; index < count; index++) codec.write(this.manager, this.address + index * this.stride, staged[index])
		} catch (error) {
			this.throwAsMember(error, 'write')
		}
	}

	/**
	 * Iterates over the elements: `at(0)`, `at(1)`, ... (typed as what this class's `at` returns:
	 * a generated `ParticleArrayRef` gives `ParticleRef`s).
	 * @group Elements
	 */
	override [Symbol.iterator](): IterableIterator<ReturnType<this['at']>> {
		return new ElementInPlaceIterator<ReturnType<this['at']>>(this as unknown as ElementSource<ReturnType<this['at']>>) as unknown as IterableIterator<ReturnType<this['at']>>
	}
}

/**
 * Makes the sub-ref of a fixed array at `address` that lives as long as `root`: a struct's
 * array field, or a row of an array of arrays (`parent` its array and `index` its place
 * there, which name it in errors: `Mat.m[1]`).
 */
type FixedArrayRefMaker = (manager: WasmHeapManager, address: number, root: HeapRef, parent?: FieldArrayRef<unknown, unknown, unknown>, index?: number) => HeapRef

/**
 * A fixed-length array field that is not an array of structs (`{ array: 'Float32', length:
 * 3 }`, a `char` matrix, `float m[3][3]`...), reached through its struct's property, or a
 * row of one (`m.at(1)`). It lives as long as the struct: it throws once that is freed,
 * and cannot be freed itself.
 *
 * `V` is what `readAt` gives, `I` what `writeAt` takes and `E` what `at` gives: for an
 * array of arrays (C's multi-dimensional arrays), `at(i)` is row `i` as a sub-ref of the
 * same kind, in place (`m.at(1).writeAt(2, 0.5)` is C's `m[1][2] = 0.5f`), and iterating
 * gives the rows; for any other element, `at(i)` and iteration give the values.
 * @group Structs
 */
export class FieldArrayRef<V = unknown, I = V, E = V> extends ArrayHeapRef<E> {
	// Its refs are made by FieldArraySub (below), which sets these fields: the class has no constructor of its own.
	/** @internal The struct the field belongs to. */
	declare root: HeapRef
	/** @internal */
	declare private readonly codec: ValueCodec
	/** @internal */
	declare private readonly stride: number
	/** @internal The field's name (`Mat.m`), for every row of it too. */
	declare private readonly fieldName: string
	/** @internal For an array of arrays, what makes a row's sub-ref; else `undefined`. */
	declare private readonly row: FixedArrayRefMaker | undefined
	/** @internal For a row, the array it is an element of; for the field itself, `undefined`. */
	declare private readonly parent: FieldArrayRef<unknown, unknown, unknown> | undefined
	/** @internal For a row, its index in `parent`. */
	declare private readonly index: number


	/** @internal The field's name, with a row's indices (`Mat.m[1]`): made only for errors. */
	protected get refName(): string {
		return this.parent === undefined ? this.fieldName : `${this.parent.refName}[${this.index}]`
	}

	/**
	 * Whether the struct the field belongs to was freed.
	 * @group Allocation & ownership
	 */
	override get isFreed(): boolean {
		return this.root.isFreed
	}

	/**
	 * A `Uint8Array` over the array's bytes, valid until the heap is next replaced.
	 * @group Region
	 */
	override get allocatedBytesView(): Uint8Array {
		checkRootLive(this, this.refName, 'allocatedBytesView')
		return this.manager.bytesView(this.address, this.allocatedByteSize, `${this.refName}.allocatedBytesView`)
	}

	/**
	 * Sets every byte of the array to 0.
	 * @group Region
	 */
	override clear(): void {
		checkRootLive(this, this.refName, 'clear')
		this.manager.zeroRegion(this.address, this.allocatedByteSize, `${this.refName}.clear`)
	}

	/**
	 * Always throws: the array is part of a struct; free the struct.
	 * @throws Error always
	 * @group Allocation & ownership
	 */
	override free(): void {
		throwPartOf(this.refName, 'free')
	}

	/**
	 * Always throws: the array is part of a struct.
	 * @throws Error always
	 * @group Allocation & ownership
	 */
	override release(): number {
		throwPartOf(this.refName, 'release')
	}

	/**
	 * Reads the element at `index`.
	 * @throws RangeError if `index` is not an integer in `[0, elementCount)`
	 * @group Elements
	 */
	readAt(index: number): V {
		if (!(Number.isInteger(index) && index >= 0 && index < this.elementCount)) throwIndexError(`${this.refName}.readAt`, index, this.elementCount)
		this.checkRoot('readAt')
		try {
			return this.codec.read(this.manager, this.address + index * this.stride, this.fieldName) as V
		} catch (error) {
			this.throwAsMember(error, 'readAt')
		}
	}

	/**
	 * The element at `index` in place: for an array of arrays, row `index` as a sub-ref (a
	 * `FieldArrayRef`, or a `StructArrayRef` for a row of structs) that lives as long as the
	 * struct; for any other element, its value, as `readAt` gives it.
	 * @throws RangeError if `index` is not an integer in `[0, elementCount)`
	 * @throws Error if the struct was freed
	 * @group Elements
	 */
	at(index: number): E {
		if (!(Number.isInteger(index) && index >= 0 && index < this.elementCount)) throwIndexError(`${this.refName}.at`, index, this.elementCount)
		this.checkRoot('at')
		const address = this.address + index * this.stride
		if (this.row === undefined) {
			try {
				return this.codec.read(this.manager, address, this.fieldName) as E
			} catch (error) {
				this.throwAsMember(error, 'at')
			}
		}
		return this.row(this.manager, address, this.root, this as FieldArrayRef<unknown, unknown, unknown>, index) as E
	}

	/**
	 * Writes the element at `index`.
	 * @throws RangeError if `index` is not an integer in `[0, elementCount)`; TypeError or RangeError for a bad value (nothing is written)
	 * @group Elements
	 */
	writeAt(index: number, value: I): void {
		if (!(Number.isInteger(index) && index >= 0 && index < this.elementCount)) throwIndexError(`${this.refName}.writeAt`, index, this.elementCount)
		// Checked under the field's name, which is built already: the element's (`Mat.m[1][2]`)
		// is built only for an error, as reads build none.
		let staged: unknown
		try {
			staged = this.codec.check(value, this.fieldName, this.manager)
		} catch (error) {
			this.throwWriteAtError(index, value, error)
		}
		this.checkRoot('writeAt')
		try {
			this.codec.write(this.manager, this.address + index * this.stride, staged)
		} catch (error) {
			this.throwAsMember(error, 'writeAt')
		}
	}

	/**
	 * @internal `writeAt`'s (and `write`'s) error for a value its check refused: the check again, under the
	 * element's name, which throws the same error naming the element; any other error (a
	 * `valueOf` that threw its own), or a value that passes the second time, as it was.
	 */
	private throwWriteAtError(index: number, value: unknown, error: unknown): never {
		throwUnderElementName(error, () => this.codec.check(value, `${this.refName}[${index}]`, this.manager))
	}

	/** @internal Throws the freed (or released) error if the struct the field belongs to was: the ref's name is built only then. */
	private checkRoot(member: string): void {
		const root = this.root as unknown as LiveInternals
		if (root.freed) throwFreedError(this.refName, member, this.address, root.released, root.scope)
	}

	/**
	 * Reads every element, as a plain array.
	 * @group Elements
	 */
	read(): V[] {
		this.checkRoot('read')
		const values: V[] = []
		try {
			for (let index = 0; index < this.elementCount; index++) values.push(this.codec.read(this.manager, this.address + index * this.stride, this.fieldName) as V)
		} catch (error) {
			this.throwAsMember(error, 'read')
		}
		return values
	}

	/**
	 * Writes `values` (an array or any array-like object: a typed array too, not a string) from the first element on (at most `elementCount` of them); every value is checked before any is written.
	 * @throws TypeError or RangeError for a bad value, or more values than elements (nothing is written)
	 * @group Elements
	 */
	write(values: object & ArrayLike<I>): void {
		const count = valuesToWrite(values, this.elementCount, this.refName)
		// Checked under the field's name, as writeAt does: the element's is built only for an error.
		const staged: unknown[] = []
		for (let index = 0; index < count; index++) {
			const value = values[index]
			try {
				staged.push(this.codec.check(value, this.fieldName, this.manager))
			} catch (error) {
				this.throwWriteAtError(index, value, error)
			}
		}
		checkRootLive(this, this.refName, 'write')
		try {
			for (let index = 0; index < staged.length; index++) this.codec.write(this.manager, this.address + index * this.stride, staged[index])
		} catch (error) {
			this.throwAsMember(error, 'write')
		}
	}

	/**
	 * Iterates over the elements as `at` gives them: the rows' sub-refs for an array of arrays, else the values.
	 * @group Elements
	 */
	override [Symbol.iterator](): IterableIterator<E> {
		return new ElementInPlaceIterator<E>(this as unknown as ElementSource<E>) as unknown as IterableIterator<E>
	}
}

// ---- the per-type classes and their accessors --------------------------------------------

/** Per-type subclasses made so far, per type and ABI, with their sub-ref constructors. */
const classCache = new WeakMap<StructType, Map<AbiName, { readonly Class: StructRefClass; readonly Sub: SubRefClass }>>()

/** Names a field accessor may not take (see {@link ReservedFieldName}), computed from the classes themselves plus their instance fields. */
let reservedNames: ReadonlySet<string> | undefined

/** @internal The names a field accessor may not take, the library's refs' and the generated classes' alike. */
export function reservedFieldNames(): ReadonlySet<string> {
	if (reservedNames !== undefined) return reservedNames
	const names = new Set<string>([
		'address', 'allocatedByteSize', 'manager', 'freed', 'liveEnd', 'tracked', 'allocationByteSize',
		'allocationAlignment', 'ownDeallocator', 'released', 'scope', 'tableSlot', 'root', 'shape',
	])
	for (let prototype: object | null = StructRef.prototype; prototype !== null; prototype = Object.getPrototypeOf(prototype) as object | null) {
		for (const name of Object.getOwnPropertyNames(prototype)) names.add(name)
	}
	return (reservedNames = names)
}

/** @internal The `StructRef` subclass of `type` under `abi`: its prototype holds the field accessors. Made once. */
export function structRefClass(type: StructType, abi: AbiName, manager: WasmHeapManager): StructRefClass {
	return structRefClasses(type, abi, manager).Class
}

/** @internal The constructor of the sub-refs (array elements, nested structs) of `type` under `abi`. Made once. */
export function subRefClass(type: StructType, abi: AbiName, manager: WasmHeapManager): SubRefClass {
	return structRefClasses(type, abi, manager).Sub
}

function structRefClasses(type: StructType, abi: AbiName, manager: WasmHeapManager): { readonly Class: StructRefClass; readonly Sub: SubRefClass } {
	let perAbi = classCache.get(type)
	const made = perAbi?.get(abi)
	// a generated class, once registered, is the base of every ref to the type (see generatedClasses.ts)
	const Generated = generatedClassOf(type, abi) as unknown as typeof StructRef | undefined
	if (made !== undefined && (Generated === undefined || made.Class.prototype instanceof Generated)) return made
	const layout = resolveLayout(type, abi)
	// Its name is left alone: defining `name` on a derived class takes its `new` off V8's
	// fast path (see bench/library.ts); errors name the type through `shape`.
	const Made = class extends (Generated ?? StructRef) {}
	const shape: StructShape = Object.freeze({
		type,
		abi,
		size: layout.size,
		codec: structCodec(type, abi, manager),
		readCodec: structCodec(type, abi, manager, `${type.name}.read`),
		accessors: new Map(),
	})
	Object.defineProperty(Made.prototype, 'shape', { value: shape })
	const names = reservedFieldNames()
	for (const field of layout.placed) {
		if (names.has(field.name) || (Generated !== undefined && Object.hasOwn(Generated.prototype, field.name))) continue
		Object.defineProperty(Made.prototype, field.name, { ...fieldAccessor(type, field, abi, manager), enumerable: true, configurable: false })
	}
	const classes = { Class: Made as StructRefClass, Sub: makeSubRefClass(Made as StructRefClass, layout.size) }
	if (perAbi === undefined) classCache.set(type, (perAbi = new Map()))
	perAbi.set(abi, classes)
	return classes
}

/** @internal What a sub-ref's constructor sets: all a field accessor reads of it. */
interface SubRefFields {
	manager: WasmHeapManager
	address: number
	root: HeapRef
}

/**
 * The sub-ref constructor of a per-type class. `at(i)` makes one ref per call, so it is
 * small: it sets only the three fields the accessors read (`manager`, `address`, `root`),
 * in one shape, with no tracking and no closure, which V8 inlines into the caller's loop
 * (and, where the ref does not escape, allocates nothing). Its prototype extends the
 * per-type class's: the accessors, `instanceof` and every member are the same. What a
 * root ref keeps in its own fields a sub-ref answers on its prototype: its size, never
 * tracked, and its liveness (`freed`, `released`, `liveEnd`) read from its root, so a
 * sub-ref is freed the moment its root is. Sub-refs are never freed, released nor
 * adopted by a scope on their own (`free` and `release` throw first), so nothing
 * assigns those.
 */
function makeSubRefClass(Class: StructRefClass, size: number): SubRefClass {
	const Sub = function (this: SubRefFields, manager: WasmHeapManager, address: number, root: HeapRef): void {
		this.manager = manager
		this.address = address
		this.root = root
	}
	const rootOf = (ref: unknown): LiveInternals => (ref as { root: LiveInternals }).root
	Sub.prototype = Object.create(Class.prototype as object, {
		constructor: { value: Class, writable: true, configurable: true },
		allocatedByteSize: { value: size },
		allocationByteSize: { value: size },
		tracked: { value: false },
		freed: { get(this: unknown) { return rootOf(this).freed } },
		released: { get(this: unknown) { return rootOf(this).released } },
		liveEnd: { get(this: unknown) { return rootOf(this).liveEnd } },
	}) as object
	return Sub as unknown as SubRefClass
}

type Accessor = {
	get(this: RefInternals): unknown
	set(this: RefInternals, value: unknown): void
	/** For nested structs and fixed arrays: the sub-ref at an address, living as long as `root`. */
	subRef?: (manager: WasmHeapManager, address: number, root: HeapRef) => unknown
}

/** The accessor of one field: a factory per field kind, run once per type and ABI. */
function fieldAccessor(type: StructType, field: PlacedField, abi: AbiName, manager: WasmHeapManager): Accessor {
	const kind = field.declaration.type
	const where = `${type.name}.${field.name}`
	switch (kind.kind) {
		case 'element':
			return rowAccessor(field, kind.element, where)
		case 'enum':
			// an enum stored as a 64-bit row reads as a number too: through its codec
			if (elementTable[kind.type.storage].valueType === 'bigint') return codecAccessor(field, fieldCodec(field, abi, manager), where)
			return rowAccessor(field, kind.type.storage, where)
		case 'record':
			return recordAccessor(field, kind.type, abi, where, manager)
		case 'array':
			return arrayAccessor(field, kind.element, kind.length, abi, where, manager)
		case 'pointer':
			return pointerAccessor(field, kind.target, abi, where, manager)
		case 'abiSized':
		case 'bool':
		case 'string':
		case 'bits':
			return codecAccessor(field, fieldCodec(field, abi, manager), where)
	}
}

/**
 * A number stored as an element row: the accessor the generated factory of the row
 * makes (generated/structFields.generated.ts, from codegen/emitStructFields.ts): the
 * numeric refs' one-comparison check, then the whole-heap `DataView`'s accessor for the
 * row, which reads and writes any alignment (packed fields included).
 */
function rowAccessor(field: PlacedField, row: ElementTypeName, where: string): Accessor {
	const { get, set } = structFieldAccessors[row]!(field.offset, field.name, where) as unknown as Accessor
	return { get, set }
}

/** Any field read and written through its codec (ABI-sized numbers, booleans, inline strings, bitfields). */
function codecAccessor(field: PlacedField, codec: ValueCodec, where: string): Accessor {
	const offset = field.offset
	const name = field.name
	return {
		get() {
			const heap = this.manager
			if (!(this.root.liveEnd <= heap.fast.uint8Array.length)) this.checkLive(name)
			return codec.read(heap, this.address + offset, where)
		},
		set(value) {
			const staged = codec.check(value, where, this.manager)
			this.checkLive(name)
			codec.write(this.manager, this.address + offset, staged)
		},
	}
}

/** A nested struct: reading gives a sub-ref; assigning an object writes the fields it gives. */
function recordAccessor(field: PlacedField, nested: StructType, abi: AbiName, where: string, manager: WasmHeapManager): Accessor {
	const offset = field.offset
	const name = field.name
	const codec = structCodec(nested, abi, manager)
	let Sub: SubRefClass | undefined
	return {
		get() {
			this.checkLive(name)
			Sub ??= subRefClass(nested, abi, this.manager)
			return new Sub(this.manager, this.address + offset, this.root as unknown as HeapRef)
		},
		subRef(manager, address, root) {
			Sub ??= subRefClass(nested, abi, manager)
			return new Sub(manager, address, root)
		},
		set(value) {
			const staged = codec.check(value, where, this.manager)
			this.checkLive(name)
			codec.write(this.manager, this.address + offset, staged)
		},
	}
}

/**
 * What makes the sub-ref of a fixed array of `length` elements declared as `element`: a
 * `StructArrayRef` for structs, else a `FieldArrayRef` whose rows, for an array of arrays,
 * this makes in turn (one maker per level, made once per field).
 */
function fixedArrayRefMaker(element: ValueKind, length: number, abi: AbiName, where: string, manager: WasmHeapManager): FixedArrayRefMaker {
	const stride = valueLayout(element, abiFacts(abi, where)).size
	if (element.kind === 'record') {
		return (manager, address, root) => {
			const ref = new StructArrayRef(manager, address, stride * length, false, length, element.type, stride, abi)
			ref.root = root
			return ref
		}
	}
	const elementCodec = codecOf(element, abi, manager)
	const row = element.kind === 'array' ? fixedArrayRefMaker(element.element, element.length, abi, where, manager) : undefined
	return (manager, address, root, parent, index = -1) => new FieldArraySub(manager, address, length, elementCodec, stride, root, where, row, parent, index)
}

/** @internal What a field array's sub-ref constructor sets: every field its members read on their own paths. */
interface FieldArraySubFields {
	manager: WasmHeapManager
	address: number
	elementCount: number
	codec: ValueCodec
	stride: number
	root: HeapRef
	fieldName: string
	row: FixedArrayRefMaker | undefined
	parent: FieldArrayRef<unknown, unknown, unknown> | undefined
	index: number
}

/**
 * The constructor of the `FieldArrayRef`s a struct's array property (and a row's `at`)
 * makes, one per read: a plain function that sets only the fields `readAt`, `writeAt`,
 * `at` and the rest read (in one shape), where the class's constructor (now gone) ran through
 * `ArrayHeapRef`'s and `HeapRef`'s (160 + 70 + 77 bytes of bytecode, 17 stores). V8
 * (Node 20) inlines at most 920 bytes of bytecode into one function, and takes a
 * property's getter last (its call has no frequency), counted with all its own optimized
 * code inlined: `s.hist.readAt(i)` went over by a few bytes and called the getter, which
 * allocated the ref (8-9 ns a read). With this constructor the getter is inlined and the
 * ref, which does not escape, is not allocated (bench/field-array-ab.mjs); it still is
 * where `readAt` has seen several fields' codecs (their `read` is then a call). Its
 * prototype extends `FieldArrayRef`'s: `instanceof` and every member are the same.
 */
function fieldArraySub(
	this: FieldArraySubFields,
	manager: WasmHeapManager,
	address: number,
	elementCount: number,
	codec: ValueCodec,
	stride: number,
	root: HeapRef,
	fieldName: string,
	row: FixedArrayRefMaker | undefined,
	parent: FieldArrayRef<unknown, unknown, unknown> | undefined,
	index: number,
): void {
	this.manager = manager
	this.address = address
	this.elementCount = elementCount
	this.codec = codec
	this.stride = stride
	this.root = root
	this.fieldName = fieldName
	this.row = row
	this.parent = parent
	this.index = index
}
const FieldArraySub = fieldArraySub as unknown as new (...args: Parameters<typeof fieldArraySub>) => FieldArrayRef<unknown, unknown, unknown>
// One prototype for every field, so that the members see one shape: FieldArrayRef's members, its
// size, and never tracked (the allocation table's slot -1). Its liveness is its struct's
// (`isFreed` and every check read `root`); what only `free` and `release` would read (they throw
// first) and `HeapRef`'s own liveness fields (`freed`, `liveEnd`), which no member of a field
// array reads, are not set.
FieldArraySub.prototype = Object.create(FieldArrayRef.prototype as object, {
	allocatedByteSize: { get: function (this: FieldArraySubFields) { return this.elementCount * this.stride } },
	tableSlot: { value: -1, writable: true },
}) as FieldArrayRef<unknown, unknown, unknown>

/** A fixed array: reading gives a `StructArrayRef` (of structs) or a `FieldArrayRef`; assigning an array writes its values. */
function arrayAccessor(field: PlacedField, element: ValueKind, length: number, abi: AbiName, where: string, manager: WasmHeapManager): Accessor {
	const offset = field.offset
	const name = field.name
	const codec = fieldCodec(field, abi, manager)
	const subRef = fixedArrayRefMaker(element, length, abi, where, manager)
	return {
		get() {
			this.checkLive(name)
			return subRef(this.manager, this.address + offset, this.root as unknown as HeapRef)
		},
		subRef,
		set(value) {
			const staged = codec.check(value, where, this.manager)
			this.checkLive(name)
			codec.write(this.manager, this.address + offset, staged)
		},
	}
}

/** Makes the ref a pointer field's target gives, or throws for a target no ref class covers. */
type Wrap = (manager: WasmHeapManager, address: number) => HeapRef

function pointerWrap(target: Exclude<PointerTarget, { kind: 'deferred' }>, abi: AbiName, where: string): Wrap {
	const call = (method: string, ...rest: unknown[]): Wrap => (manager, address) =>
		(manager as unknown as Record<string, (...args: unknown[]) => HeapRef>)[method]!(address, ...rest)
	const facts = abiFacts(abi, where)
	switch (target.kind) {
		case 'cString':
			return call(`wrapNullTerminated${target.encoding}String`)
		case 'record':
			return recordWrap(target.type)
		case 'element':
		case 'enum':
		case 'abiSized':
		case 'bool':
			return call(`wrap${scalarRow(target, facts)}`)
		case 'pointer':
			return call(`wrap${facts.pointer}`)
		case 'string':
			return call(`wrapNullTerminated${(target as InlineStringKind).encoding}String`, target.capacity)
		case 'array': {
			const element = target.element
			if (element.kind === 'record') return (manager, address) => manager.wrapStructArray(element.type, address, target.length) as HeapRef
			if (element.kind === 'element' || element.kind === 'enum' || element.kind === 'abiSized' || element.kind === 'bool') {
				return call(`wrap${scalarRow(element, facts)}Array`, target.length)
			}
			if (element.kind === 'pointer') return call(`wrap${facts.pointer}Array`, target.length)
			return () => {
				throw raise(pointerToArrayHasNoRef, where, element.kind === 'array')
			}
		}
	}
}

/**
 * @internal What a `wrapStruct` that went the full way found, for the next call to reuse:
 * the manager's `wrapStruct` keeps one, and each pointer field to a struct its own, so that
 * a walk along it (`n = n.next`) does not go the full way at every step.
 */
export interface WrapMemo {
	given: unknown
	abi: AbiName | undefined
	registrations: number
	Class: StructRefClass | undefined
	size: number
	align: number
}

/** @internal An empty {@link WrapMemo}. */
export function wrapMemo(): WrapMemo {
	return { given: undefined, abi: undefined, registrations: -1, Class: undefined, size: 0, align: 0 }
}

/**
 * @internal `wrapStruct(given, address, options)`: when `memo` holds what a call for the same
 * type and ABI found, with no generated class registered since, and the call has no options
 * and an integer address whose struct lies in the live view (so every check of the full way
 * would pass), the ref is made from that at once; otherwise the full way, which fills `memo`.
 */
export function wrapStructRemembering(memo: WrapMemo, manager: WasmHeapManager, given: StructType | GeneratedStructRefClass, address: number, options: WrapOptions | undefined): StructRef {
	if (
		given === memo.given &&
		manager.abi === memo.abi &&
		registrations.count === memo.registrations &&
		options === undefined &&
		Number.isInteger(address) &&
		address > 0 &&
		address + memo.size <= manager.fast.uint8Array.length
	) {
		const ref = new memo.Class!(manager, address, memo.size, false)
		ref.allocationAlignment = memo.align
		return ref
	}
	const method = 'wrapStruct'
	const abi = manager.abi
	const { type } = resolveStructType(given, abi, method)
	const layout = resolveLayout(type, abi)
	const Class = structRefClass(type, abi, manager)
	manager.wrapRegion(address, layout.size, 1, method)
	const ref = manager.core.wrapped(new Class(manager, address, layout.size, false), layout.align, options, method)
	// (a region past 4 GiB takes wrapped()'s own way: its deallocator is marked)
	if (layout.size <= 0xffffffff) {
		memo.given = given
		memo.abi = abi
		memo.registrations = registrations.count
		memo.Class = Class
		memo.size = layout.size
		memo.align = layout.align
	}
	return ref
}

/** A pointer field's `wrapStruct` of its target, with a memo of its own (see {@link wrapStructRemembering}). */
function recordWrap(type: StructType): Wrap {
	const memo = wrapMemo()
	return (manager, address) => wrapStructRemembering(memo, manager, type, address, undefined)
}

/**
 * Re-throws the error of the `wrap*` call a pointer field's getter made: it names a method
 * the caller never called, so the field (`where`) is named instead, keeping the error's
 * class and code and the original as `cause`. Any other error is re-thrown as it is.
 */
function throwPointerTargetError(where: string, address: number, error: unknown): never {
	if ((error as { code?: string }).code === undefined || !(error instanceof RangeError || error instanceof TypeError)) throw error
	throw raiseLikeCause(error, pointerTargetDoesNotFit, where, address, error.message)
}

/** A pointer: reading gives a ref to the target or `null`; assigning takes a ref, an address or `null`. */
function pointerAccessor(field: PlacedField, target: PointerTarget, abi: AbiName, where: string, manager: WasmHeapManager): Accessor {
	const offset = field.offset
	const name = field.name
	const codec = fieldCodec(field, abi, manager)
	let wrap: Wrap | undefined
	return {
		get() {
			this.checkLive(name)
			const address = codec.read(this.manager, this.address + offset, where) as number
			if (address === 0) return null
			wrap ??= pointerWrap(resolvePointerTarget(target, where), abi, where)
			try {
				return wrap(this.manager, address)
			} catch (error) {
				throwPointerTargetError(where, address, error)
			}
		},
		set(value) {
			const staged = codec.check(value, where, this.manager)
			this.checkLive(name)
			codec.write(this.manager, this.address + offset, staged)
		},
	}
}
