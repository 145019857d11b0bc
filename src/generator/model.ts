/**
 * The declarations `import-c` reads from a C header, as plain data: what the printed
 * `.ts` module says and what `instantiateModel` turns into `defineStruct` /
 * `defineUnion` / `defineEnum` values (to check each record against clang's layout).
 */
import { defineEnum, defineStruct, defineUnion, type EnumType, type StructType } from '../index.js'
import type { IntegerElementTypeName } from '../structs/abi.js'

/** A field type, as it is written in a declaration. */
export type TypeExpr =
	| { readonly kind: 'scalar'; readonly name: string }
	| { readonly kind: 'record'; readonly name: string }
	| { readonly kind: 'enum'; readonly name: string }
	| { readonly kind: 'array'; readonly element: TypeExpr; readonly length: number }
	| { readonly kind: 'pointer'; readonly target: TypeExpr | { readonly kind: 'cString'; readonly encoding: 'Utf8' } | { readonly kind: 'deferred'; readonly name: string } }
	| { readonly kind: 'string'; readonly capacity: number }

/** A field type with a bit width or a member alignment. */
export type FieldExpr =
	| TypeExpr
	| { readonly kind: 'bits'; readonly bits: number; readonly storage: TypeExpr }
	| { readonly kind: 'aligned'; readonly type: TypeExpr; readonly align: number }

/** One struct or union. */
export interface RecordModel {
	readonly kind: 'struct' | 'union'
	readonly name: string
	/**
	 * The members: name, field type and the member's C type as clang spells it, which the
	 * printed module gives in a comment where the field type is a bare address
	 * (`'Pointer'`: `FILE *`, a pointer to an opaque or left-out record, a function pointer).
	 */
	readonly fields: readonly { readonly name: string; readonly type: FieldExpr; readonly cType?: string }[]
	/** `true` for `__attribute__((packed))`, a number for `#pragma pack(n)`. */
	packed: boolean | 1 | 2 | 4 | 8
	readonly align: number | undefined
	/**
	 * Whether the record's pack value is fitted to clang's layout: it is under a `#pragma
	 * pack`, or has members declared with an `aligned(n)` typedef, which may lower their
	 * alignment (what a declaration says only by packing).
	 */
	readonly pragmaPack: boolean
	/** What the record has that a declaration may not say, for the reason given when its layout differs from clang's. */
	readonly hints?: readonly string[]
	/** Members declared with an `aligned(n)` typedef: their name, C type and that `n`. */
	readonly typedefAligned?: readonly { readonly field: string; readonly spelling: string; readonly align: number }[]
}

/** One enum. */
export interface EnumModel {
	readonly kind: 'enum'
	readonly name: string
	readonly storage: IntegerElementTypeName
	readonly members: readonly { readonly name: string; readonly value: number }[]
}

/** A typedef naming a record or enum under another name. */
export interface AliasModel {
	readonly kind: 'alias'
	readonly name: string
	readonly target: string
}

/** Every declaration of a header, in the order they can be defined. */
export interface HeaderModel {
	readonly declarations: (RecordModel | EnumModel | AliasModel)[]
	/** Declarations left out, with why (`it uses the C type long double, ...`). */
	readonly skipped: { readonly name: string; readonly reason: string }[]
	/** Records clang names by their location (`f.h:6:25`), by the name given to them. */
	readonly locations?: ReadonlyMap<string, string>
	/** What the printed module says besides its declarations (a layout that differs under another ABI), filled by `fitToLayouts`. */
	readonly notes?: string[]
}

/**
 * Defines every declaration of the model with the library, by name. With `onError`, a
 * declaration the library refuses is reported to it and left undefined, and the rest are
 * defined; without, the library's error is thrown.
 */
export function instantiateModel(
	model: Pick<HeaderModel, 'declarations'>,
	onError?: (declaration: RecordModel | EnumModel | AliasModel, error: unknown) => void,
): Map<string, StructType | EnumType> {
	const defined = new Map<string, StructType | EnumType>()
	const valueOf = (expr: TypeExpr | { kind: 'cString' } | { kind: 'deferred'; name: string }): unknown => {
		switch (expr.kind) {
			case 'scalar':
				return expr.name
			case 'record':
			case 'enum':
				return defined.get(expr.name)
			case 'array':
				return { array: valueOf(expr.element), length: expr.length }
			case 'pointer':
				return { pointer: valueOf(expr.target) }
			case 'string':
				return { string: 'Utf8', capacity: expr.capacity }
			case 'cString':
				return 'Utf8'
			case 'deferred':
				return () => defined.get(expr.name)
		}
	}
	for (const declaration of model.declarations) {
		if (onError === undefined) define(declaration)
		else {
			try {
				define(declaration)
			} catch (error) {
				onError(declaration, error)
			}
		}
	}
	return defined

	function define(declaration: RecordModel | EnumModel | AliasModel): void {
		if (declaration.kind === 'enum') {
			const values = Object.fromEntries(declaration.members.map((member) => [member.name, member.value]))
			defined.set(declaration.name, defineEnum(declaration.name, declaration.storage, values))
		} else if (declaration.kind === 'alias') {
			defined.set(declaration.name, defined.get(declaration.target)!)
		} else {
			const fields: Record<string, unknown> = {}
			for (const field of declaration.fields) {
				const type = field.type
				fields[field.name] =
					type.kind === 'bits'
						? { bits: type.bits, type: valueOf(type.storage) }
						: type.kind === 'aligned'
							? { type: valueOf(type.type), align: type.align }
							: valueOf(type)
			}
			const options = { ...(declaration.packed === false ? {} : { packed: declaration.packed }), ...(declaration.align === undefined ? {} : { align: declaration.align }) }
			defined.set(declaration.name, (declaration.kind === 'union' ? defineUnion : defineStruct)(declaration.name, fields as never, options))
		}
	}
}
