/**
 * Struct, union and enum declarations: `defineStruct`, `defineUnion`, `defineEnum`, the
 * immutable types they return, and the TypeScript types inferred from a declaration
 * (`StructValue<typeof Particle>`).
 *
 * Every declaration is validated and normalized once, here, into the field kinds of
 * `fieldKinds.ts`; bad input throws a `TypeError` (wrong kind of value) or `RangeError`
 * (a number out of range) whose message names the struct and the field.
 */
import {
	elementTable,
	type ElementTypeName,
	type ElementValueTypes,
} from '../../generated/elementTable.generated.js'
import {
	declarationAlignedNotAField,
	declarationAlignedTwice,
	declarationAlignmentInvalid,
	declarationBitfieldNotAField,
	declarationBitfieldType,
	declarationBitfieldWidthInvalid,
	declarationBitfieldWidthNotANumber,
	declarationCountInvalid,
	declarationEnumNoMembers,
	declarationEnumStorage,
	declarationEnumValueNotANumber,
	declarationEnumValueOutOfRange,
	declarationEnumValuesNotAnObject,
	declarationFieldsNotAnObject,
	declarationFieldsSymbolKeys,
	declarationMissingKey,
	declarationNameNotAnIdentifier,
	declarationNameProto,
	declarationNameNotAString,
	declarationNoFields,
	declarationNumberNotANumber,
	declarationOptionsNotAnObject,
	declarationPackedInvalid,
	declarationPackedNotANumber,
	declarationTypeIsAFunction,
	declarationUnknownEncoding,
	declarationUnknownKey,
	declarationUnknownOption,
	declarationUnknownType,
	describeValue,
	enumTypeConstructed,
	ownDeclarations,
	pointerTargetNotAStruct,
	raise,
	structTypeConstructed,
	type Message,
} from '../messages.js'
import type { HeapRef } from '../HeapRef.js'
import { inspectCustom } from '../inspect.js'
import type { StructArrayRef, StructRef } from './StructRef.js'
import type { DeclarationOf, HasStructType } from './generatedClasses.js'
import {
	abiTable,
	integerRange,
	integerSignedness,
	isIntegerElement,
	type AbiName,
	type IntegerElementTypeName,
} from './abi.js'
import type {
	AbiSizedTypeName,
	BitfieldStorageKind,
	FieldDeclaration,
	FieldKind,
	PointerTarget,
	RecordKind,
	StringEncodingName,
	ValueKind,
} from './fieldKinds.js'
import { stringCodeUnits } from './fieldKinds.js'
import { layoutOf, type RecordLayout } from './layout.js'

// ---- declaration syntax -------------------------------------------------------------

/** A field type written as a name: an element row, an ABI-sized type or `'Bool'`. */
export type ScalarTypeName = ElementTypeName | AbiSizedTypeName | 'Bool'

/** `{ array: T, length: n }`: a C array `T[n]`. */
export interface ArrayTypeSpec {
	/** The element type. */
	readonly array: ValueTypeSpec
	/** The number of elements (a positive integer). */
	readonly length: number
}

/** `{ pointer: target }`: an address of the ABI's pointer size. */
export interface PointerTypeSpec {
	/** A value type, a string encoding (C `char *`), or a function returning a struct type defined later or the struct itself. */
	readonly pointer: PointerTargetSpec
}

/** What `{ pointer: ... }` may point at. */
export type PointerTargetSpec = ValueTypeSpec | StringEncodingName | (() => StructType)

/** `{ string: encoding, capacity: n }`: an inline, null-terminated string in `n` code units (C `char[n]`). */
export interface InlineStringTypeSpec {
	/** The encoding. */
	readonly string: StringEncodingName
	/** Code units the array holds, terminator included (a positive integer). */
	readonly capacity: number
}

/** The types a bitfield may be declared with. */
export type BitfieldStorageSpec = IntegerElementTypeName | 'Long' | 'Size' | 'Bool' | EnumType

/** `{ bits: n, type }`: a C bitfield `type name : n`; `bits: 0` is C's unnamed `:0`. */
export interface BitfieldTypeSpec {
	/** Width in bits, from 0 to the width of `type` (for `'Long'` and `'Size'`, of their narrowest ABI, 32). */
	readonly bits: number
	/** The declared type. */
	readonly type: BitfieldStorageSpec
}

/** `{ type, align: n }`: a member with raised alignment (C `_Alignas(n)` on the member). */
export interface AlignedTypeSpec {
	/** The member's type. */
	readonly type: ValueTypeSpec
	/** The alignment requested, a power of two; the member keeps its natural alignment when that is larger. */
	readonly align: number
}

/** A type a value can have: anything but a bitfield or an aligned member. */
export type ValueTypeSpec =
	| ScalarTypeName
	| StructType
	| EnumType
	| ArrayTypeSpec
	| PointerTypeSpec
	| InlineStringTypeSpec

/** Anything a field may be declared as. */
export type FieldTypeSpec = ValueTypeSpec | BitfieldTypeSpec | AlignedTypeSpec

/** The fields of a struct or union, in order: each key a C identifier, each value its type. */
export type FieldSpecs = { readonly [name: string]: FieldTypeSpec }

/** Options of `defineStruct` and `defineUnion`. */
export interface RecordOptions {
	/** `true`: C `__attribute__((packed))`; `1 | 2 | 4 | 8`: C `#pragma pack(n)`. */
	readonly packed?: boolean | 1 | 2 | 4 | 8 | undefined
	/** Raises the type's alignment to this power of two (C `__attribute__((aligned(n)))` on the type). */
	readonly align?: number | undefined
}

/** The values of an enum's members, by name. */
export type EnumValues = { readonly [member: string]: number }

// ---- inferred value types -----------------------------------------------------------

/** The JavaScript value of a bitfield declared with type `T`: `bigint` for 64-bit rows, `boolean` for `'Bool'`, else `number`. */
export type BitfieldValue<T> = T extends 'BigInt64' | 'BigUint64' ? bigint : T extends 'Bool' ? boolean : number

/**
 * The JavaScript value of a field declared as `S`: element rows read as their row
 * reads (`bigint` for 64-bit integers), `'Pointer'`, `'Size'`, `'Long'`, pointers and
 * enums as `number`, `'Bool'` as `boolean`, inline strings as `string`, nested
 * structs as objects and fixed arrays as arrays.
 */
export type FieldValue<S> = S extends ElementTypeName
	? ElementValueTypes[S]
	: S extends AbiSizedTypeName
		? number
		: S extends 'Bool'
			? boolean
			: S extends StructType<infer F>
				? FieldsValue<F>
				: S extends EnumType
					? number
					: S extends { readonly array: infer E; readonly length: number }
						? FieldValue<E>[]
						: S extends { readonly pointer: unknown }
							? number
							: S extends { readonly string: StringEncodingName }
								? string
								: S extends { readonly bits: number; readonly type: infer T }
									? BitfieldValue<T>
									: S extends { readonly type: infer T; readonly align: number }
										? FieldValue<T>
										: never

/** The declaration of a `:0` bitfield, which has no value: it only moves the next bitfield to a new unit. */
export interface ZeroWidthBitfield {
	/** Always 0. */
	readonly bits: 0
}

/** The value of a record with fields `F`: one property per field, `:0` bitfields left out. */
export type FieldsValue<F extends FieldSpecs> = {
	-readonly [K in keyof F as F[K] extends ZeroWidthBitfield ? never : K]: FieldValue<F[K]>
}

/**
 * A struct or union type, or a class `wasm-heap-manager generate` wrote for one (`ParticleRef`,
 * which names its declaration): what {@link StructValue}, {@link StructInit} and
 * {@link FieldPath} take, as `readStruct`, `writeStruct` and `offsetOf` do.
 */
export type StructTypeOrDeclared = StructType | HasStructType<StructType>

/**
 * The plain JavaScript value of a struct or union type, as `readStruct` returns it:
 * `StructValue<typeof Particle>`, or `StructValue<typeof ParticleRef>` for a generated class.
 */
export type StructValue<T extends StructTypeOrDeclared> = DeclarationOf<T> extends infer D ? (D extends StructType<infer F> ? FieldsValue<F> : never) : never

/**
 * What a field declared as `S` accepts in a partial write: what it reads as in plain data
 * (`StructValue`), with nested structs partial, a ref, an address or `null` for a
 * pointer, and for a fixed array any array-like (a typed array too: its values by index up
 * to its `length`; an array of inline strings takes an array). The setters
 * `wasm-heap-manager generate` writes for pointer fields take it.
 */
export type FieldInit<S> = S extends StructType<infer F>
	? FieldsInit<F>
	: S extends PointerTypeSpec
		? number | PointerInit<S['pointer']> | null
		: S extends ArrayTypeSpec
			? S['array'] extends InlineStringTypeSpec
				? readonly string[]
				: ArrayLike<FieldInit<S['array']>>
			: S extends AlignedTypeSpec
				? FieldInit<S['type']>
				: FieldValue<S>

/**
 * What a pointer field whose target is declared as `P` takes besides an address and
 * `null`: for a struct, or a fixed array of one, a ref of that struct or an array of it
 * (a ref of another type is refused: its address is the cast); any ref otherwise.
 */
export type PointerInit<P> = P extends StructType
	? StructRef<P> | StructArrayRef<P>
	: P extends ArrayTypeSpec
		? P['array'] extends StructType
			? StructRef<P['array']> | StructArrayRef<P['array']>
			: HeapRef
		: P extends () => infer T
			? T extends StructType
				? StructRef<T> | StructArrayRef<T>
				: HeapRef
			: HeapRef

/** A partial value of a record with fields `F`: every field optional, nested structs partial. */
export type FieldsInit<F extends FieldSpecs> = {
	[K in keyof F as F[K] extends ZeroWidthBitfield ? never : K]?: FieldInit<F[K]>
}

/**
 * A partial value of a struct or union type, or of a generated class's declaration (for
 * `writeStruct` / `allocStruct`): fields not given are left as they are, and so are a
 * fixed array's elements after the values given for it.
 */
export type StructInit<T extends StructTypeOrDeclared> = DeclarationOf<T> extends infer D ? (D extends StructType<infer F> ? FieldsInit<F> : never) : never

/**
 * The paths `offsetOf` accepts into a field declared as `S`, after its own name and a
 * dot: a nested struct's field names, a fixed array's element indices (any numeral: the
 * index is checked when called), and so on down. `Depth` counts the levels; past six,
 * which no C declaration a person writes exceeds, any string, so that TypeScript never
 * recurses without end.
 * @group Structs
 */
export type PathWithin<S, Depth extends readonly unknown[] = []> = Depth['length'] extends 6
	? string
	: S extends StructType<infer F>
		? FieldsPath<F, Depth>
		: S extends ArrayTypeSpec
			? `${number}` | `${number}.${PathWithin<S['array'], [...Depth, unknown]>}`
			: S extends AlignedTypeSpec
				? PathWithin<S['type'], Depth>
				: never

/**
 * Each field name of a record with fields `F` (`:0` bitfields left out), and each path
 * into it ({@link PathWithin}).
 * @group Structs
 */
export type FieldsPath<F extends FieldSpecs, Depth extends readonly unknown[] = []> = {
	[K in keyof F & string]: F[K] extends ZeroWidthBitfield ? never : K | `${K}.${PathWithin<F[K], [...Depth, unknown]>}`
}[keyof F & string]

/**
 * The dotted field paths of a struct or union type, as `offsetOf(type, path)` takes them:
 * `FieldPath<typeof Particle>` is `'mass' | 'position' | 'position.x' | 'path.${number}.x' | ...`.
 * A type whose fields are not known to TypeScript (a `StructType` without its declaration)
 * takes any string. A generated class takes its declaration's paths.
 * @group Structs
 */
export type FieldPath<T extends StructTypeOrDeclared> = DeclarationOf<T> extends infer D
	? D extends StructType<infer F>
		? string extends keyof F
			? string
			: FieldsPath<F>
		: string
	: string

// ---- the types ----------------------------------------------------------------------

/** Proves a constructor call comes from this module. */
const constructionKey: unique symbol = Symbol('StructType construction')

/**
 * A struct or union type made by {@link defineStruct} or {@link defineUnion}: its name,
 * its normalized fields in order, its packing and alignment options, and its layout
 * per ABI (computed once per ABI and cached). Immutable.
 *
 * `F` is the declaration as written; {@link StructValue} reads it.
 * @group Structs
 */
export class StructType<F extends FieldSpecs = FieldSpecs> {
	/** `'struct'` or `'union'` (whose members all start at offset 0). */
	readonly kind: 'struct' | 'union'
	/** The C name of the type. */
	readonly name: string
	/** The fields in declaration order, normalized (see `FieldKind`). */
	readonly fields: readonly FieldDeclaration[]
	/** The declaration as written (a frozen copy). */
	readonly fieldTypes: Readonly<F>
	/** `false`, `true` (C `__attribute__((packed))`) or `1 | 2 | 4 | 8` (C `#pragma pack(n)`). */
	readonly packed: false | true | 1 | 2 | 4 | 8
	/** The alignment the `align` option requested, or `undefined`. */
	readonly align: number | undefined

	/** @internal Use {@link defineStruct} or {@link defineUnion}. */
	constructor(
		key: typeof constructionKey,
		kind: 'struct' | 'union',
		name: string,
		fieldTypes: F,
		fields: readonly FieldDeclaration[],
		packed: false | true | 1 | 2 | 4 | 8,
		align: number | undefined,
	) {
		if (key !== constructionKey) {
			throw raise(structTypeConstructed, 'StructType')
		}
		this.kind = kind
		this.name = name
		this.fieldTypes = fieldTypes
		this.fields = fields
		this.packed = packed
		this.align = align
		Object.freeze(this)
		ownDeclarations.add(this)
	}

	/**
	 * The type's layout under `abi` (default `'wasm32'`): `{ size, align, fields }` with
	 * one entry per field except `:0` bitfields. Computed once per ABI.
	 */
	layout(abi: AbiName = 'wasm32'): RecordLayout {
		return layoutOf(this, abi)
	}

	/** The field named `name`, or `undefined`. */
	field(name: string): FieldDeclaration | undefined {
		return this.fields.find((field) => field.name === name && !(field.type.kind === 'bits' && field.type.bits === 0))
	}

	/** `struct Name` or `union Name`. */
	toString(): string {
		return `${this.kind} ${this.name}`
	}

	/**
	 * `[object StructType]` for `Object.prototype.toString`, and the name the library's errors
	 * give a struct type passed where a value goes (`an object (StructType)`, where it said `an object (Object)`).
	 */
	get [Symbol.toStringTag](): string {
		return 'StructType'
	}

	/**
	 * @internal What `console.log(type)` prints: the declaration as written, after the C
	 * spelling of the type, `struct Particle { position: Vec2, mass: 'Float64', next: { pointer: () => Particle } }`,
	 * with the options set after it (`(packed: true, align: 8)`).
	 */
	[inspectCustom](): string {
		const options = [this.packed === false ? '' : `packed: ${this.packed}`, this.align === undefined ? '' : `align: ${this.align}`].filter(Boolean)
		return `${this} ${formatDeclared(this.fieldTypes)}${options.length > 0 ? ` (${options.join(', ')})` : ''}`
	}

	/**
	 * What `JSON.stringify(type)` gives: the declaration `console.log(type)` prints,
	 * `"struct Vec2 { x: 'Float32', y: 'Float32' }"`, not the normalized `fields`.
	 */
	toJSON(): string {
		return this[inspectCustom]()
	}
}

/**
 * A declaration as written, for a type's summary: `'Float64'`, `Vec2` (a type by its name),
 * `{ array: 'Uint16', length: 4 }`, `{ pointer: () => Particle }` (what the function returns, when it can).
 */
function formatDeclared(declared: unknown): string {
	if (typeof declared === 'string') return `'${declared}'`
	if (declared instanceof StructType || declared instanceof EnumType) return declared.name
	if (typeof declared === 'function') {
		// a function returning the type is called, as the layout calls it
		try {
			return `() => ${formatDeclared((declared as () => unknown)())}`
		} catch {
			return '[Function]'
		}
	}
	if (typeof declared === 'object' && declared !== null) {
		return `{ ${Object.entries(declared)
			.map(([key, value]) => `${key}: ${formatDeclared(value)}`)
			.join(', ')} }`
	}
	return String(declared)
}

/** A union type: a {@link StructType} whose `kind` is `'union'`. */
export type UnionType<F extends FieldSpecs = FieldSpecs> = StructType<F> & {
	/** Always `'union'`: every member starts at offset 0. */
	readonly kind: 'union'
}

/** One member of an enum. */
export interface EnumMember {
	/** The member's name. */
	readonly name: string
	/** Its value. */
	readonly value: number
}

/**
 * An enum type made by {@link defineEnum}: stored as the integer row `storage`, read
 * and written as a `number`. Immutable.
 * @group Structs
 */
export class EnumType<S extends IntegerElementTypeName = IntegerElementTypeName, V extends EnumValues = EnumValues> {
	/** Discriminant: `'enum'`. */
	readonly kind: 'enum'
	/** The C name of the enum. */
	readonly name: string
	/** The integer row the enum is stored as (its size and alignment). */
	readonly storage: S
	/** The members' values by name (a frozen copy). */
	readonly values: Readonly<V>
	/** The members in declaration order. */
	readonly members: readonly EnumMember[]

	/** @internal Use {@link defineEnum}. */
	constructor(key: typeof constructionKey, name: string, storage: S, values: V, members: readonly EnumMember[]) {
		if (key !== constructionKey) throw raise(enumTypeConstructed, 'EnumType')
		this.kind = 'enum'
		this.name = name
		this.storage = storage
		this.values = values
		this.members = members
		Object.freeze(this)
		ownDeclarations.add(this)
	}

	/** The name of the first member whose value is `value` (one of the declared names), or `undefined`. */
	nameOf(value: number): (keyof V & string) | undefined {
		return this.members.find((member) => member.value === value)?.name
	}

	/** `enum Name`. */
	toString(): string {
		return `enum ${this.name}`
	}

	/** `[object EnumType]`, and `an object (EnumType)` in the library's errors (see `StructType`'s). */
	get [Symbol.toStringTag](): string {
		return 'EnumType'
	}

	/** @internal What `console.log(type)` prints: `enum Kind { KIND_SMALL: 1, KIND_LARGE: 2 } (storage: 'Uint32')`. */
	[inspectCustom](): string {
		return `${this} ${formatDeclared(this.values)} (storage: '${this.storage}')`
	}

	/** What `JSON.stringify(type)` gives: what `console.log(type)` prints, `"enum Kind { SMALL: 1 } (storage: 'Uint8')"`. */
	toJSON(): string {
		return this[inspectCustom]()
	}
}

// ---- validation ---------------------------------------------------------------------

/** C keywords, which cannot name a type, field or enum member. */
const cKeywords: ReadonlySet<string> = new Set(
	(
		'auto break case char const continue default do double else enum extern float for goto if inline int long ' +
		'register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
		'_Alignas _Alignof _Atomic _Bool _Complex _Generic _Imaginary _Noreturn _Static_assert _Thread_local'
	).split(' '),
)

const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/

/** The largest alignment clang-14 accepts in `_Alignas` / `aligned(n)`: 2^29. */
const maximumAlignment = 2 ** 29


/** Where a declaration error happened: the function and type being defined, and the field. */
interface Context {
	/** `defineStruct('Particle')`, `sizeOf`, ... */
	readonly where: string
	/** `field 'mass'`, `field 'grid' (array element)`, `field 'p' (pointer target of the pointer target)`, ... or `''` for the type itself. */
	readonly what: string
}

/** Throws `message` of the table about `context` (its text follows `where: what`). */
function fail<P extends unknown[]>(context: Context, message: Message<[subject: string, ...P]>, ...parameters: P): never {
	throw raise(message, context.what === '' ? `${context.where}:` : `${context.where}: ${context.what}`, ...parameters)
}

/** The integer element types a bitfield or an enum can be stored as, in table order. */
const integerTypeNames = (): string[] => Object.keys(integerSignedness).filter((name) => isIntegerElement(name as ElementTypeName))

/** `context` one level in: `field 'p' (pointer target)`, then `field 'p' (pointer target of the array element)`, innermost first, not one parenthesis per level. */
function inner(context: Context, part: string): Context {
	return { where: context.where, what: `${context.what} (${part})`.replace(/ \((.*)\) \((.*)\)$/, ' ($2 of the $1)') }
}

function checkIdentifier(context: Context, role: string, name: unknown): asserts name is string {
	if (typeof name !== 'string') fail(context, declarationNameNotAString, role, name)
	if (!identifierPattern.test(name) || cKeywords.has(name)) {
		fail(context, declarationNameNotAnIdentifier, role, name)
	}
	// `{ __proto__: 1 }` sets a prototype: a struct's value, or an enum's values, would lose the key.
	// (Only a field's or member's name is such a key, role 'name'; a type's name keys nothing.)
	if (name === '__proto__' && role === 'name') fail(context, declarationNameProto, role)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
	const prototype = Object.getPrototypeOf(value)
	return prototype === Object.prototype || prototype === null
}

function checkKeys(context: Context, spec: Record<string, unknown>, keys: readonly string[], form: string): void {
	for (const key of Reflect.ownKeys(spec)) {
		if (typeof key !== 'string' || !keys.includes(key)) {
			fail(context, declarationUnknownKey, key, form)
		}
	}
	for (const key of keys) {
		if (!Object.hasOwn(spec, key)) fail(context, declarationMissingKey, key, form)
	}
}

function checkCount(context: Context, role: string, value: unknown): number {
	if (typeof value !== 'number') fail(context, declarationNumberNotANumber, role, value)
	if (!Number.isSafeInteger(value) || value < 1) {
		fail(context, declarationCountInvalid, role, value)
	}
	return value
}

function checkAlignment(context: Context, role: string, value: unknown): number {
	if (typeof value !== 'number') fail(context, declarationNumberNotANumber, role, value)
	if (!Number.isInteger(value) || value < 1 || value > maximumAlignment || (value & (value - 1)) !== 0) {
		fail(context, declarationAlignmentInvalid, role, value, maximumAlignment)
	}
	return value
}

function isEncoding(value: unknown): value is StringEncodingName {
	return typeof value === 'string' && Object.hasOwn(stringCodeUnits, value)
}

/** Normalizes a value type (anything but a bitfield or aligned member). */
function normalizeValue(spec: unknown, context: Context): ValueKind {
	if (typeof spec === 'string') {
		if (Object.hasOwn(elementTable, spec)) return Object.freeze({ kind: 'element', element: spec as ElementTypeName })
		if (spec === 'Pointer' || spec === 'Size' || spec === 'Long') return Object.freeze({ kind: 'abiSized', name: spec })
		if (spec === 'Bool') return Object.freeze({ kind: 'bool' })
		fail(context, declarationUnknownType, spec, Object.keys(elementTable))
	}
	if (spec instanceof StructType) return Object.freeze({ kind: 'record', type: spec as StructType })
	if (spec instanceof EnumType) return Object.freeze({ kind: 'enum', type: spec as EnumType })
	if (typeof spec === 'function') {
		fail(context, declarationTypeIsAFunction)
	}
	if (!isPlainObject(spec)) fail(context, declarationUnknownType, spec, Object.keys(elementTable))

	if (Object.hasOwn(spec, 'array')) {
		checkKeys(context, spec, ['array', 'length'], '{ array, length }')
		const length = checkCount(context, 'array length', spec.length)
		const element = normalizeValue(spec.array, inner(context, 'array element'))
		return Object.freeze({ kind: 'array', element, length })
	}
	if (Object.hasOwn(spec, 'pointer')) {
		checkKeys(context, spec, ['pointer'], '{ pointer }')
		return Object.freeze({ kind: 'pointer', target: normalizePointerTarget(spec.pointer, inner(context, 'pointer target')) })
	}
	if (Object.hasOwn(spec, 'string')) {
		checkKeys(context, spec, ['string', 'capacity'], '{ string, capacity }')
		if (!isEncoding(spec.string)) {
			fail(context, declarationUnknownEncoding, spec.string, Object.keys(stringCodeUnits))
		}
		const capacity = checkCount(context, 'string capacity', spec.capacity)
		return Object.freeze({ kind: 'string', encoding: spec.string, capacity })
	}
	if (Object.hasOwn(spec, 'bits')) fail(context, declarationBitfieldNotAField)
	if (Object.hasOwn(spec, 'align')) {
		fail(context, declarationAlignedNotAField)
	}
	fail(context, declarationUnknownType, spec, Object.keys(elementTable))
}

function normalizePointerTarget(spec: unknown, context: Context): PointerTarget {
	if (isEncoding(spec)) return Object.freeze({ kind: 'cString', encoding: spec })
	if (typeof spec === 'function') return Object.freeze({ kind: 'deferred', resolve: spec as () => StructType })
	return normalizeValue(spec, context)
}

/** The width in bits of a bitfield's declared type, on the narrowest ABI. */
function storageWidth(storage: BitfieldStorageKind): number {
	switch (storage.kind) {
		case 'element':
			return elementTable[storage.element].byteSize * 8
		case 'abiSized': {
			const row = storage.name === 'Long' ? 'long' : 'size'
			return Math.min(...Object.values(abiTable).map((abi) => elementTable[abi[row]].byteSize * 8))
		}
		case 'bool':
			return 1
		case 'enum':
			return elementTable[storage.type.storage].byteSize * 8
	}
}

function normalizeBitfield(spec: Record<string, unknown>, context: Context): FieldKind {
	checkKeys(context, spec, ['bits', 'type'], '{ bits, type }')
	let storage: BitfieldStorageKind
	let signed: boolean
	const type = spec.type
	if (type === 'Long' || type === 'Size') {
		storage = Object.freeze({ kind: 'abiSized', name: type })
		signed = type === 'Long'
	} else if (type === 'Bool') {
		storage = Object.freeze({ kind: 'bool' })
		signed = false
	} else if (type instanceof EnumType) {
		storage = Object.freeze({ kind: 'enum', type: type as EnumType })
		signed = integerSignedness[(type as EnumType).storage] === 'signed'
	} else if (typeof type === 'string' && Object.hasOwn(elementTable, type) && isIntegerElement(type as ElementTypeName)) {
		storage = Object.freeze({ kind: 'element', element: type as ElementTypeName })
		signed = integerSignedness[type as ElementTypeName] === 'signed'
	} else {
		fail(context, declarationBitfieldType, type, type instanceof StructType, integerTypeNames())
	}
	const bits = spec.bits
	if (typeof bits !== 'number') fail(context, declarationBitfieldWidthNotANumber, bits)
	const width = storageWidth(storage)
	if (!Number.isInteger(bits) || bits < 0 || bits > width) {
		fail(context, declarationBitfieldWidthInvalid, bits, type, width, storage.kind === 'abiSized')
	}
	return Object.freeze({ kind: 'bits', bits, storage, signed })
}

/** Normalizes one declared field. */
function normalizeField(name: string, index: number, spec: unknown, context: Context): FieldDeclaration {
	if (isPlainObject(spec) && Object.hasOwn(spec, 'bits')) {
		return Object.freeze({ name, index, type: normalizeBitfield(spec, context), align: undefined })
	}
	if (isPlainObject(spec) && Object.hasOwn(spec, 'align')) {
		checkKeys(context, spec, ['type', 'align'], '{ type, align }')
		const align = checkAlignment(context, 'member alignment', spec.align)
		if (isPlainObject(spec.type) && (Object.hasOwn(spec.type, 'bits') || Object.hasOwn(spec.type, 'align'))) {
			fail(context, declarationAlignedTwice, Object.hasOwn(spec.type, 'bits'))
		}
		return Object.freeze({ name, index, type: normalizeValue(spec.type, context), align })
	}
	return Object.freeze({ name, index, type: normalizeValue(spec, context), align: undefined })
}

/** A frozen deep copy of a declaration as written (plain objects copied; types and functions kept). */
function frozenCopy<T>(spec: T): T {
	if (!isPlainObject(spec)) return spec
	const copy: Record<string, unknown> = {}
	for (const [key, value] of Object.entries(spec)) copy[key] = frozenCopy(value)
	return Object.freeze(copy) as T
}

function normalizePacked(context: Context, packed: unknown): false | true | 1 | 2 | 4 | 8 {
	if (packed === undefined || packed === false) return false
	if (packed === true) return true
	if (typeof packed !== 'number') {
		fail(context, declarationPackedNotANumber, packed)
	}
	if (packed !== 1 && packed !== 2 && packed !== 4 && packed !== 8) {
		fail(context, declarationPackedInvalid, packed)
	}
	return packed
}

function defineRecord<F extends FieldSpecs>(
	kind: 'struct' | 'union',
	method: string,
	name: unknown,
	fields: unknown,
	options: unknown,
): StructType<F> {
	const typeContext: Context = { where: `${method}(${typeof name === 'string' ? JSON.stringify(name) : describeValue(name)})`, what: '' }
	checkIdentifier(typeContext, `the ${kind} name`, name)
	const context: Context = { where: `${method}('${name}')`, what: '' }
	if (!isPlainObject(fields)) {
		fail(context, declarationFieldsNotAnObject, fields)
	}
	if (Object.getOwnPropertySymbols(fields).length > 0) fail(context, declarationFieldsSymbolKeys)
	if (options !== undefined && !isPlainObject(options)) {
		fail(context, declarationOptionsNotAnObject, options)
	}
	const given: Record<string, unknown> = options ?? {}
	for (const key of Object.keys(given)) {
		if (key !== 'packed' && key !== 'align') fail(context, declarationUnknownOption, key)
	}
	const packed = normalizePacked(context, given.packed)
	const align = given.align === undefined ? undefined : checkAlignment(context, 'option align', given.align)

	const declarations: FieldDeclaration[] = []
	for (const [fieldName, spec] of Object.entries(fields)) {
		const fieldContext: Context = { where: context.where, what: `field '${fieldName}'` }
		checkIdentifier(fieldContext, 'name', fieldName)
		declarations.push(normalizeField(fieldName, declarations.length, spec, fieldContext))
	}
	if (!declarations.some((field) => !(field.type.kind === 'bits' && field.type.bits === 0))) {
		fail(context, declarationNoFields, kind)
	}
	return new StructType<F>(
		constructionKey,
		kind,
		name,
		frozenCopy(fields) as F,
		Object.freeze(declarations),
		packed,
		align,
	)
}

// ---- public entry points ------------------------------------------------------------

/**
 * Declares a C struct: `fields` maps each field's name, in order, to its type (see
 * {@link FieldTypeSpec}); `options.packed` packs it (`true`: `__attribute__((packed))`,
 * `n`: `#pragma pack(n)`) and `options.align` raises its alignment. The value type is
 * inferred: `StructValue<typeof Particle>`.
 *
 * @throws TypeError for a name that is not a C identifier, a field type that is not one, or a
 *   function given by value; RangeError for a length, capacity, width, alignment or packing out of range.
 *
 * @example
 * ```ts
 * import { defineStruct, type StructType } from 'wasm-heap-manager'
 *
 * const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
 * const Particle = defineStruct('Particle', {
 * 	position: Vec2,
 * 	mass: 'Float32',
 * 	name: { string: 'Utf8', capacity: 12 },
 * 	next: { pointer: (): StructType => Particle }, // a pointer to itself: typed, or TypeScript infers `any`
 * })
 * console.log(Particle.layout('wasm32').size) // 28
 * ```
 * @group Entry points
 */
export function defineStruct<const F extends FieldSpecs>(name: string, fields: F, options?: RecordOptions): StructType<F> {
	return defineRecord<F>('struct', 'defineStruct', name, fields, options)
}

/**
 * Declares a C union: like {@link defineStruct}, but every member starts at offset 0
 * and the size is that of the largest member, rounded up to the alignment.
 * @group Entry points
 */
export function defineUnion<const F extends FieldSpecs>(name: string, fields: F, options?: RecordOptions): UnionType<F> {
	return defineRecord<F>('union', 'defineUnion', name, fields, options) as UnionType<F>
}

/**
 * Declares a C enum stored as the integer row `storage` (`'Uint8'` for a packed enum of
 * small values, `'Uint32'` or `'Int32'` for most C enums: see `cEnumStorage` for what
 * clang picks). Each value must be a safe integer that `storage` holds.
 *
 * @throws TypeError for a name that is not a C identifier or a storage row that is not an
 *   integer; RangeError for a value the storage type cannot hold, or no members.
 * @group Entry points
 */
export function defineEnum<const S extends IntegerElementTypeName, const V extends EnumValues>(
	name: string,
	storage: S,
	values: V,
): EnumType<S, V> {
	const nameContext: Context = { where: `defineEnum(${describeValue(name)})`, what: '' }
	checkIdentifier(nameContext, 'the enum name', name)
	const context: Context = { where: `defineEnum('${name}')`, what: '' }
	if (typeof storage !== 'string' || !Object.hasOwn(elementTable, storage) || !isIntegerElement(storage as ElementTypeName)) {
		fail(context, declarationEnumStorage, storage, integerTypeNames())
	}
	if (!isPlainObject(values)) fail(context, declarationEnumValuesNotAnObject, values)
	const range = integerRange(storage)
	const members: EnumMember[] = []
	for (const [member, value] of Object.entries(values)) {
		const memberContext: Context = { where: context.where, what: `member '${member}'` }
		checkIdentifier(memberContext, 'name', member)
		if (typeof value !== 'number') fail(memberContext, declarationEnumValueNotANumber, value)
		if (!Number.isSafeInteger(value) || BigInt(value) < range.min || BigInt(value) > range.max) {
			fail(memberContext, declarationEnumValueOutOfRange, value, storage, range.min, range.max)
		}
		members.push(Object.freeze({ name: member, value }))
	}
	if (members.length === 0) fail(context, declarationEnumNoMembers)
	return new EnumType(constructionKey, name, storage, Object.freeze({ ...values }), Object.freeze(members))
}

/**
 * The target of a pointer field, with a deferred target (`{ pointer: () => Node }`)
 * resolved: a value kind, or a C string. `where` names the field for the error thrown
 * when the function does not return a struct or union type.
 */
export function resolvePointerTarget(target: PointerTarget, where: string): Exclude<PointerTarget, { kind: 'deferred' }> {
	if (target.kind !== 'deferred') return target
	const type = target.resolve()
	if (!(type instanceof StructType)) {
		throw raise(pointerTargetNotAStruct, where, type)
	}
	return { kind: 'record', type } satisfies RecordKind
}

/** Normalizes a value type given anywhere a type is expected outside a declaration (`sizeOf('Pointer', 'wasm64')`). */
export function normalizeValueType(spec: unknown, where: string): ValueKind {
	return normalizeValue(spec, { where, what: 'type' })
}
