/**
 * The normalized form of a struct declaration: a closed set of field kinds that the
 * layout engine, the run-time accessors and the code generator all switch on. A
 * declaration written by a user (`'Int32'`, `{ array: Vec2, length: 3 }`, ...) becomes
 * these plain, frozen objects once, in `defineStruct` / `defineUnion`.
 */
import type { ElementTypeName } from '../../generated/elementTable.generated.js'
import type { IntegerElementTypeName } from './abi.js'
import type { EnumType, StructType } from './declare.js'

/** The string encodings an inline string or a string pointer can use. */
export type StringEncodingName = 'Ascii' | 'Utf8' | 'Utf16' | 'Utf32'

/**
 * The element row one code unit of each encoding is stored as: an inline string of
 * capacity `n` is a C array of `n` of them (`char[n]`, `char16_t[n]`, `char32_t[n]`).
 */
export const stringCodeUnits: { readonly [Encoding in StringEncodingName]: IntegerElementTypeName } = Object.freeze({
	Ascii: 'Uint8',
	Utf8: 'Uint8',
	Utf16: 'Uint16',
	Utf32: 'Uint32',
})

/** The field types whose size depends on the ABI: C `void *`, `size_t` and `long`. */
export type AbiSizedTypeName = 'Pointer' | 'Size' | 'Long'

/** A number stored as an element row (`'Int32'`, `'Float64'`, `'Pointer53'`...). */
export interface ElementKind {
	/** Discriminant. */
	readonly kind: 'element'
	/** The row the value is stored as. */
	readonly element: ElementTypeName
}

/** A number stored in a row the ABI chooses (see `AbiFacts`): `'Pointer'` (an address), `'Size'` (unsigned) or `'Long'` (signed). */
export interface AbiSizedKind {
	/** Discriminant. */
	readonly kind: 'abiSized'
	/** Which ABI-sized C type. */
	readonly name: AbiSizedTypeName
}

/** A C `_Bool`, read as a `boolean`. */
export interface BoolKind {
	/** Discriminant. */
	readonly kind: 'bool'
}

/** Another struct or union, nested by value. */
export interface RecordKind {
	/** Discriminant. */
	readonly kind: 'record'
	/** The nested type. */
	readonly type: StructType
}

/** An enum, stored as its storage row and read as a `number`. */
export interface EnumKind {
	/** Discriminant. */
	readonly kind: 'enum'
	/** The enum type. */
	readonly type: EnumType
}

/** A fixed-length C array. */
export interface ArrayKind {
	/** Discriminant. */
	readonly kind: 'array'
	/** The element type (arrays of arrays are C's multi-dimensional arrays). */
	readonly element: ValueKind
	/** The number of elements, at least 1. */
	readonly length: number
}

/** An address of the ABI's pointer size, whose target tells what a ref made from it points at. */
export interface PointerKind {
	/** Discriminant. */
	readonly kind: 'pointer'
	/** What the pointer points at. */
	readonly target: PointerTarget
}

/** A null-terminated string in a C array of `capacity` code units (terminator included). */
export interface InlineStringKind {
	/** Discriminant. */
	readonly kind: 'string'
	/** The encoding; its code unit row is {@link stringCodeUnits}`[encoding]`. */
	readonly encoding: StringEncodingName
	/** Code units the array holds, terminator included; at least 1. */
	readonly capacity: number
}

/** A C bitfield; `bits` 0 is C's unnamed `:0`, which closes the current unit and has no value. */
export interface BitfieldKind {
	/** Discriminant. */
	readonly kind: 'bits'
	/** Width in bits, from 0 to the storage type's width. */
	readonly bits: number
	/** The declared type: its size is the unit bits are allocated in, its alignment that of the unit. */
	readonly storage: BitfieldStorageKind
	/** Whether the value is sign-extended when read (from the declared type: `Long` and signed rows are). */
	readonly signed: boolean
}

/** The types a bitfield may be declared with: integer rows, `'Long'`, `'Size'`, `'Bool'` and enums. */
export type BitfieldStorageKind = ElementKind | AbiSizedKind | BoolKind | EnumKind

/** A pointer's target when it is a null-terminated string (`{ pointer: 'Utf8' }`, C `char *`). */
export interface CStringTarget {
	/** Discriminant. */
	readonly kind: 'cString'
	/** The string's encoding. */
	readonly encoding: StringEncodingName
}

/**
 * A pointer's target given as a function (`{ pointer: () => Node }`), for a struct
 * defined later or the struct itself. Resolve it with `resolvePointerTarget`.
 */
export interface DeferredTarget {
	/** Discriminant. */
	readonly kind: 'deferred'
	/** Returns the target type; called only when the target is needed. */
	readonly resolve: () => StructType
}

/** What a pointer field points at. */
export type PointerTarget = ValueKind | CStringTarget | DeferredTarget

/** Every kind a value can have: everything but a bitfield. */
export type ValueKind =
	| ElementKind
	| AbiSizedKind
	| BoolKind
	| RecordKind
	| EnumKind
	| ArrayKind
	| PointerKind
	| InlineStringKind

/** The closed set of field kinds. */
export type FieldKind = ValueKind | BitfieldKind

/** One field of a struct or union, normalized. */
export interface FieldDeclaration {
	/** The field's name (a C identifier; for a `:0` bitfield, the key it was declared under, which has no accessor). */
	readonly name: string
	/** Position in declaration order, from 0. */
	readonly index: number
	/** The field's kind. */
	readonly type: FieldKind
	/** The member alignment requested with `{ type, align }` (C `_Alignas(n)`), or `undefined`. */
	readonly align: number | undefined
}
