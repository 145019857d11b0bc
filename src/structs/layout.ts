/**
 * The layout engine: plain functions over the normalized field kinds and the ABI table
 * that place each field where clang-14 places it for a wasm target. It follows clang's
 * generic (System V / Itanium) record layout, which every wasm target uses:
 *
 * - a field is placed at the next offset that is a multiple of its alignment; its
 *   alignment is its type's, raised by `_Alignas` on the member (`{ type, align }`),
 *   lowered to 1 by `__attribute__((packed))` (except for what `_Alignas` asks), and
 *   capped by `#pragma pack(n)` (even below what `_Alignas` asks);
 * - a bitfield takes the next free bit, unless that would make it straddle an aligned
 *   unit of its declared type, in which case it starts at the next such unit (never
 *   under `packed`, whose bitfields take the next free bit, nor under `#pragma pack`,
 *   which suppresses the padding); `:0` rounds up to its type's alignment and closes the
 *   unit, but, being unnamed, raises no alignment;
 * - the record's alignment is the largest field alignment (and the `align` option); its
 *   size is rounded up to it; a union's members all start at 0.
 *
 * `test/struct-layout.test.ts` compares every record of `test/fixtures/structs/corpus.h`
 * with clang-14's own layouts for wasm32, wasm64 and emscripten.
 */
import { elementTable } from '../../generated/elementTable.generated.js'
import { abiFacts, type AbiFacts, type AbiName } from './abi.js'
import type { StructType } from './declare.js'
import { fieldPathBadIndex, fieldPathNoSuchField, fieldPathNotAggregate, fieldPathNotAString, layoutContainsItself, raise } from '../messages.js'
import { stringCodeUnits, type BitfieldStorageKind, type FieldDeclaration, type FieldKind, type ValueKind } from './fieldKinds.js'

/** Size and alignment of a type, in bytes. */
export interface TypeLayout {
	/** `sizeof`, in bytes. */
	readonly size: number
	/** `_Alignof`, in bytes. */
	readonly align: number
}

/** Where one field lies, as `type.layout(abi)` reports it. */
export interface FieldLayout {
	/** The field's name. */
	readonly name: string
	/** Byte offset from the start of the record (for a bitfield, of the byte holding its first bit). */
	readonly offset: number
	/**
	 * Bytes the field occupies: `sizeof` its type, or for a bitfield the bytes its bits
	 * touch (`ceil((bitOffset + bitWidth) / 8)`).
	 */
	readonly size: number
	/**
	 * The alignment the field was placed with, after `_Alignas`, `packed` and `#pragma
	 * pack` (what `__alignof__(record.field)` gives in C); for a bitfield, the alignment
	 * of the unit it was fitted into.
	 */
	readonly align: number
	/** For a bitfield: its first bit within the byte at `offset` (0 to 7); `offset * 8 + bitOffset` is its bit offset from the record's start. */
	readonly bitOffset?: number
	/** For a bitfield: its width in bits. */
	readonly bitWidth?: number
}

/** A record's layout: `{ size, align, fields }`, fields in declaration order, `:0` bitfields left out. */
export interface RecordLayout extends TypeLayout {
	/** One entry per field except `:0` bitfields, in declaration order. */
	readonly fields: readonly FieldLayout[]
}

/** @internal A placed field with the normalized declaration it came from, for the accessors. */
export interface PlacedField extends FieldLayout {
	/** The normalized declaration. */
	readonly declaration: FieldDeclaration
}

/** @internal A record's layout with its placed fields, computed once per type and ABI. */
export interface ResolvedLayout extends RecordLayout {
	/** The ABI the layout follows. */
	readonly abi: AbiName
	/** The placed fields, as in `fields` (`:0` bitfields left out). */
	readonly placed: readonly PlacedField[]
	/** The placed fields by name. */
	readonly byName: ReadonlyMap<string, PlacedField>
}

/** Layouts computed so far, per type and ABI (types are immutable, so they never change). */
const layoutCache = new WeakMap<StructType, Map<AbiName, ResolvedLayout>>()

/**
 * Types whose layout is being computed: a type met again while its own layout is being
 * computed would contain itself by value. Declarations cannot express that (a type is
 * only usable once defined, and functions are refused by value), so this guards only
 * against misuse of internals.
 */
const inProgress = new Set<StructType>()

/** The size and alignment of an element row, of the row an ABI-sized or `Bool` type is stored as, or of an enum's storage. */
function scalarLayout(kind: BitfieldStorageKind, abi: AbiFacts): TypeLayout {
	let row
	switch (kind.kind) {
		case 'element':
			row = elementTable[kind.element]
			break
		case 'abiSized':
			row = elementTable[kind.name === 'Pointer' ? abi.pointer : kind.name === 'Size' ? abi.size : abi.long]
			break
		case 'bool':
			row = elementTable[abi.bool]
			break
		case 'enum':
			row = elementTable[kind.type.storage]
			break
	}
	return { size: row.byteSize, align: row.alignment }
}

/** The size and alignment of a value of kind `kind` under `abi`. */
export function valueLayout(kind: ValueKind, abi: AbiFacts): TypeLayout {
	switch (kind.kind) {
		case 'element':
		case 'abiSized':
		case 'bool':
		case 'enum':
			return scalarLayout(kind, abi)
		case 'record': {
			const layout = resolveLayout(kind.type, abi.name)
			return { size: layout.size, align: layout.align }
		}
		case 'array': {
			const element = valueLayout(kind.element, abi)
			return { size: element.size * kind.length, align: element.align }
		}
		case 'pointer': {
			const row = elementTable[abi.pointer]
			return { size: row.byteSize, align: row.alignment }
		}
		case 'string': {
			const row = elementTable[stringCodeUnits[kind.encoding]]
			return { size: row.byteSize * kind.capacity, align: row.alignment }
		}
	}
}

function alignUp(value: number, alignment: number): number {
	return Math.ceil(value / alignment) * alignment
}

/** Computes a record's layout (see the module comment for the rules). */
function computeLayout(type: StructType, abiName: AbiName): ResolvedLayout {
	const abi = abiFacts(abiName, `${type.name}.layout`)
	const isUnion = type.kind === 'union'
	const packedAttribute = type.packed === true
	// #pragma pack(n): the largest alignment a field may have, in bytes (0: none).
	const maximumFieldAlign = typeof type.packed === 'number' ? type.packed : 0
	let alignment = Math.max(1, type.align ?? 1)
	// All in bits, as clang counts: the data size (the end of the last field, rounded up
	// to a byte) and the bits of its last byte that a following bitfield may still use.
	let dataBits = 0
	let unfilledBits = 0
	const placed: PlacedField[] = []

	for (const declaration of type.fields) {
		const kind = declaration.type
		if (kind.kind === 'bits') {
			const unit = scalarLayout(kind.storage, abi)
			const width = kind.bits
			const unitBits = unit.size * 8
			let fieldAlignBits = unit.align * 8
			// A packed bitfield may start at any bit.
			if (packedAttribute && width !== 0) fieldAlignBits = 1
			if (maximumFieldAlign !== 0 && width !== 0) fieldAlignBits = Math.min(fieldAlignBits, maximumFieldAlign * 8)
			let bitOffset = isUnion ? 0 : dataBits - unfilledBits
			// #pragma pack, with any value, suppresses the padding that avoids straddling a unit.
			const allowPadding = maximumFieldAlign === 0
			if (width === 0 || (allowPadding && (bitOffset % fieldAlignBits) + width > unitBits)) {
				bitOffset = alignUp(bitOffset, fieldAlignBits)
			}
			if (isUnion) {
				dataBits = Math.max(dataBits, alignUp(width, 8))
			} else {
				const end = bitOffset + width
				dataBits = alignUp(end, 8)
				unfilledBits = dataBits - end
			}
			if (width === 0) continue // unnamed: no accessor, and no effect on the alignment
			const fieldAlign = Math.max(1, fieldAlignBits / 8)
			alignment = Math.max(alignment, fieldAlign)
			const offset = Math.floor(bitOffset / 8)
			const firstBit = bitOffset % 8
			placed.push(
				Object.freeze({
					name: declaration.name,
					offset,
					size: Math.ceil((firstBit + width) / 8),
					align: fieldAlign,
					bitOffset: firstBit,
					bitWidth: width,
					declaration,
				}),
			)
			continue
		}

		unfilledBits = 0
		const value = valueLayout(kind, abi)
		const explicit = declaration.align ?? 1
		let fieldAlign = packedAttribute ? explicit : Math.max(value.align, explicit)
		if (maximumFieldAlign !== 0) fieldAlign = Math.min(fieldAlign, maximumFieldAlign)
		const offset = isUnion ? 0 : alignUp(dataBits / 8, fieldAlign)
		dataBits = isUnion ? Math.max(dataBits, value.size * 8) : (offset + value.size) * 8
		alignment = Math.max(alignment, fieldAlign)
		placed.push(Object.freeze({ name: declaration.name, offset, size: value.size, align: fieldAlign, declaration }))
	}

	const size = alignUp(dataBits / 8, alignment)
	const fields = Object.freeze(
		placed.map((field): FieldLayout => {
			const { name, offset, size: fieldSize, align, bitOffset, bitWidth } = field
			return Object.freeze(
				bitWidth === undefined ? { name, offset, size: fieldSize, align } : { name, offset, size: fieldSize, align, bitOffset, bitWidth },
			)
		}),
	)
	return Object.freeze({
		abi: abiName,
		size,
		align: alignment,
		fields,
		placed: Object.freeze(placed),
		byName: new Map(placed.map((field) => [field.name, field])),
	})
}

/** @internal The layout of `type` under `abi`, computed once and cached. */
export function resolveLayout(type: StructType, abi: AbiName): ResolvedLayout {
	let perAbi = layoutCache.get(type)
	const cached = perAbi?.get(abi)
	if (cached !== undefined) return cached
	if (inProgress.has(type)) {
		throw raise(layoutContainsItself, type.name, type)
	}
	inProgress.add(type)
	let layout: ResolvedLayout
	try {
		layout = computeLayout(type, abi)
	} finally {
		inProgress.delete(type)
	}
	if (perAbi === undefined) {
		perAbi = new Map()
		layoutCache.set(type, perAbi)
	}
	perAbi.set(abi, layout)
	return layout
}

/** The public layout of `type` under `abi`: `{ size, align, fields }`. */
export function layoutOf(type: StructType, abi: AbiName): RecordLayout {
	const { size, align, fields } = resolveLayout(type, abi)
	return Object.freeze({ size, align, fields })
}

/** Where a field reached by a dotted path lies, from the start of the outermost record. */
export interface LocatedField {
	/** Byte offset (for a bitfield, of the byte holding its first bit). */
	readonly offset: number
	/** Bytes the field occupies (see {@link FieldLayout.size}). */
	readonly size: number
	/** The alignment it was placed with (see {@link FieldLayout.align}). */
	readonly align: number
	/** For a bitfield, its first bit in the byte at `offset`. */
	readonly bitOffset?: number
	/** For a bitfield, its width. */
	readonly bitWidth?: number
	/** The field's kind. */
	readonly kind: FieldKind
}

/**
 * Finds the field at `path` in `type` under `abi`: field names separated by dots, with
 * an element index for a fixed array (`'position.x'`, `'points.2.y'`). Throws `TypeError`
 * for a path that is not a string and `RangeError` naming `method` for one that names no
 * field.
 */
export function locateField(type: StructType, path: string, abi: AbiName, method: string): LocatedField {
	if (typeof path !== 'string') {
		throw raise(fieldPathNotAString, method, path)
	}
	const segments = path.split('.')
	let layout = resolveLayout(type, abi)
	let record: StructType = type
	let located: LocatedField | undefined
	let base = 0
	const facts = abiFacts(abi, method)
	for (let index = 0; index < segments.length; index++) {
		const segment = segments[index]!
		const where = segments.slice(0, index).join('.')
		if (located === undefined || located.kind.kind === 'record') {
			const field = layout.byName.get(segment)
			if (field === undefined) {
				throw raise(fieldPathNoSuchField, method, record, segment, where, layout.placed.map((placed) => placed.name))
			}
			located = { ...field, offset: base + field.offset, kind: field.declaration.type }
			base = located.offset
			if (field.declaration.type.kind === 'record') {
				record = field.declaration.type.type
				layout = resolveLayout(record, abi)
			}
		} else if (located.kind.kind === 'array') {
			const length = located.kind.length
			const elementIndex = /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : Number.NaN
			if (!(elementIndex < length)) {
				throw raise(fieldPathBadIndex, method, where, length, segment)
			}
			const element = located.kind.element
			const elementLayout = valueLayout(element, facts)
			located = { offset: base + elementIndex * elementLayout.size, size: elementLayout.size, align: elementLayout.align, kind: element }
			base = located.offset
			if (element.kind === 'record') {
				record = element.type
				layout = resolveLayout(record, abi)
			}
		} else {
			throw raise(fieldPathNotAggregate, method, where, segment)
		}
	}
	return located!
}
