/**
 * `generate`: a user's declarations module (defineStruct / defineUnion / defineEnum
 * exports) becomes `structs.ts`, one ref class and one array class per exported struct or
 * union with the offsets of one ABI baked in, and `structs.h` (see cHeader.ts). Built with
 * ts-morph, an optional peer dependency, loaded only here.
 */
import { elementTable } from '../../generated/elementTable.generated.js'
import type { EnumType, StructType } from '../index.js'
import type { AbiName } from '../structs/abi.js'
import { abiFacts, type AbiFacts } from '../structs/abi.js'
import { scalarRow } from '../structs/codecs.js'
import { type BitfieldKind, type FieldKind, type PointerTarget } from '../structs/fieldKinds.js'
import type { FieldLayout } from '../structs/layout.js'
import { emitCHeader, enumSpelling } from './cHeader.js'
import { shellWord } from './importC.js'
import { libraryFieldsVersion } from '../structs/generatedClasses.js'
import { reservedFieldNames } from '../structs/StructRef.js'
import { counted } from '../wording.js'

/** A declarations module's file name ending: `.ts`, `.mts`, `.cts`, `.js`, `.mjs` or `.cjs`. */
const declarationsExtension = /\.(m|c)?[jt]s$/

/** The name of a declarations module without its ending (`shapes` for shapes.ts), or `undefined` for a file that is not one. */
export function declarationsStem(inputName: string): string | undefined {
	return declarationsExtension.test(inputName) ? inputName.replace(declarationsExtension, '') : undefined
}

/** Thrown when `generate` cannot run (ts-morph missing, a module without declarations, a bad option). */
export class GenerateError extends Error {
	override readonly name = 'GenerateError'
}

/** Options of {@link generateFiles}. */
export interface GenerateOptions {
	/** The ABI whose offsets the classes bake in. */
	readonly abi: AbiName
	/** How the generated module imports the declarations module (`../structs.js`). */
	readonly declarationsSpecifier: string
	/** The declarations file's base name, for the headers (`structs.ts`). */
	readonly inputName: string
	/** Where the generated module imports the library from. */
	readonly moduleSpecifier?: string
	/**
	 * The output directory as seen from the declarations file's directory (`gen`, `.`,
	 * `../generated`), for the command the headers repeat; `<dir>` (to fill in) without it.
	 */
	readonly outDirectory?: string
}

/**
 * Whether `value` is a declaration: a `StructType` or `EnumType`, recognised by shape so
 * that a declarations module that loaded another copy of the library (a loader's own
 * module instance, a CommonJS build) is read all the same.
 */
function isDeclaration(value: unknown): value is StructType | EnumType {
	if (typeof value !== 'object' || value === null) return false
	const candidate = value as { kind?: unknown; name?: unknown; fields?: unknown; layout?: unknown; members?: unknown; storage?: unknown }
	if (typeof candidate.name !== 'string') return false
	if (candidate.kind === 'enum') return Array.isArray(candidate.members) && typeof candidate.storage === 'string'
	return (candidate.kind === 'struct' || candidate.kind === 'union') && Array.isArray(candidate.fields) && typeof candidate.layout === 'function'
}

/** The declarations a module exports, in export order, each once (an alias of an export is left out). */
export function declarationsOf(module: Readonly<Record<string, unknown>>): { name: string; type: StructType | EnumType }[] {
	const found: { name: string; type: StructType | EnumType }[] = []
	const seen = new Set<unknown>()
	for (const [name, value] of Object.entries(module)) {
		if (!isDeclaration(value) || seen.has(value)) continue
		seen.add(value)
		found.push({ name, type: value })
	}
	return found
}

type TsMorph = typeof import('ts-morph')
type ClassDeclarationStructure = import('ts-morph').ClassDeclarationStructure
type InterfaceDeclarationStructure = import('ts-morph').InterfaceDeclarationStructure
type GetAccessorDeclarationStructure = import('ts-morph').GetAccessorDeclarationStructure
type SetAccessorDeclarationStructure = import('ts-morph').SetAccessorDeclarationStructure


/**
 * ts-morph, or a GenerateError: "needs ts-morph" when it is not installed (Node, Bun and
 * Deno all say ERR_MODULE_NOT_FOUND naming it; CommonJS MODULE_NOT_FOUND), else the error
 * that stopped it loading (Deno without --allow-env, a dependency of its missing), which
 * installing it again would not fix.
 */
async function loadTsMorph(): Promise<TsMorph> {
	try {
		return await import('ts-morph')
	} catch (error) {
		const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
		if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]ts-morph['"]/.test(String(message))) {
			throw new GenerateError('wasm-heap-manager generate needs ts-morph, an optional peer dependency: npm install --save-dev ts-morph')
		}
		throw new GenerateError(`generate: cannot load ts-morph: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
	}
}

/** The C spelling of a field's type, for the TSDoc (`float`, `struct Vec2`, `char[12]`, `uint32_t : 3`). */
function cTypeName(kind: FieldKind): string {
	switch (kind.kind) {
		case 'element':
			return kind.element === 'Float16' ? '__fp16' : elementTable[kind.element].cType
		case 'abiSized':
			return kind.name === 'Pointer' ? 'void *' : kind.name === 'Size' ? 'size_t' : 'long'
		case 'bool':
			return '_Bool'
		case 'record':
			return `${kind.type.kind} ${kind.type.name}`
		case 'enum':
			return enumSpelling(kind.type).member
		case 'string':
			return `${kind.encoding === 'Utf16' ? 'uint16_t' : kind.encoding === 'Utf32' ? 'uint32_t' : 'char'}[${kind.capacity}]`
		case 'array': {
			const inner = cTypeName(kind.element)
			const dims = /^(.*?)((?:\[\d+\])*)$/.exec(inner)!
			return `${dims[1]}[${kind.length}]${dims[2]}`
		}
		case 'pointer': {
			const target = kind.target
			if (target.kind === 'cString') return `${target.encoding === 'Utf16' ? 'uint16_t' : target.encoding === 'Utf32' ? 'uint32_t' : 'char'} *`
			if (target.kind === 'deferred') return `${target.resolve().kind} ${target.resolve().name} *`
			const inner = cTypeName(target)
			return `${inner}${inner.endsWith('*') ? '' : ' '}*`
		}
		case 'bits':
			return `${cTypeName(kind.storage)} : ${kind.bits}`
	}
}

function fieldDoc(kind: FieldKind, layout: FieldLayout, abi: AbiName): string {
	const where =
		layout.bitWidth === undefined
			? `offset ${layout.offset}, ${counted(layout.size, 'byte')}`
			: `byte ${layout.offset}, bit ${layout.bitOffset}, ${layout.bitWidth} bit${layout.bitWidth === 1 ? '' : 's'}`
	return `C \`${cTypeName(kind)}\`: ${where} (${abi}).`
}

/**
 * The DataView accessor a row reads and writes with (`'Float64'`, `'Uint32'` for
 * Pointer32), or `undefined` for rows that need the manager's conversion: Float16 (no
 * DataView accessor on Node 20), ClampedUint8 (clamps on write) and Pointer53 (two halves).
 */
function dataViewRow(row: string): string | undefined {
	const facts = elementTable[row as keyof typeof elementTable]
	const viewRow = facts.aliasOf ?? facts.name
	if (viewRow === 'Float16' || viewRow === 'ClampedUint8' || viewRow === 'Pointer53') return undefined
	return viewRow
}

/** What `fieldAccess` needs besides the field. */
interface AccessContext {
	readonly abi: AbiName
	/** The TypeScript type of the field's property. */
	readonly valueTs: string
	/** The generated ref class of each record the module exports. */
	readonly exported: ReadonlyMap<StructType, string>
	/** The generated array class of each record the module exports. */
	readonly arrayClasses: ReadonlyMap<StructType, string>
	/** The name each record is exported under (`declarations.Node`). */
	readonly exportNames: ReadonlyMap<StructType, string>
	/** What the module calls the library's `StructRef` and `StructArrayRef` (`StructRefBase` where a record's class takes the name). */
	readonly structRef: string
	readonly structArrayRef: string
}

/** A getter's and a setter's statements (no setter: the property is read-only). */
interface FieldAccess {
	readonly get: string[]
	readonly set?: string[]
}

/**
 * The expression of a field's address, its offset baked in; `+ 0` at offset 0 too. An
 * element ref from `at(i)` that V8 does not allocate (it does not escape the caller's loop)
 * holds its address as the tagged small integer `at` stored; `this.address` alone gives
 * that back, and the DataView index untags it again (`movq; sarq` in the loop, Node 20),
 * where an addition is typed as a 32-bit integer sum and folds onto the untagged value.
 * A ref whose address is a real field (a cursor, one ref) then sign-extends each sum
 * (`movsxlq`), as the library's accessors (`this.address + offset`) do: the same code.
 */
function fieldAddress(offset: number): string {
	return `this.address + ${offset}`
}

/**
 * The fast path's one comparison: the root is live and ends within the live heap, as the
 * library's numeric refs check (its `liveEnd` is `Infinity` once freed; the whole-heap
 * view's length is 0 once the heap was replaced, until the manager polls).
 */
const live = '(ref.root.liveEnd <= views.uint8Array.length)'

/**
 * The loads that start every accessor: the library's fields, read in the accessor itself
 * through the module's `LibraryRefFields` (see {@link libraryFieldsInterfaces}). Through a getter every class shares, those loads
 * share one type feedback: a program using five generated structs made them megamorphic,
 * and each field access 7-9x slower (bench/structs-codegen.bench.ts, "five struct types").
 */
const fieldLoads = ['const ref = this as unknown as LibraryRefFields', 'const views = ref.manager.fast']

/**
 * The library's internal fields the generated accessors and `at` read, declared once per
 * module (not exported): the generator and the library come from one package version
 * (`libraryFieldsVersion`). A renamed field would not fail, only slow every access down to
 * the library's path: test/generate.test.ts ("take their fast paths") counts those.
 */
function libraryFieldsInterfaces(StructureKind: TsMorph['StructureKind']): InterfaceDeclarationStructure[] {
	return [
		{
			kind: StructureKind.Interface,
			name: 'LibraryRefFields',
			docs: ["What the accessors read of a ref (the library's own fields): its manager's live views, its root's live end (`Infinity` once freed), its address."],
			properties: [
				{ name: 'manager', isReadonly: true, type: '{ readonly fast: { readonly uint8Array: Uint8Array; readonly dataView: DataView } }' },
				{ name: 'root', isReadonly: true, type: '{ readonly liveEnd: number; readonly freed: boolean }' },
				{ name: 'address', type: 'number' },
			],
		},
		{
			kind: StructureKind.Interface,
			name: 'LibraryArrayFields',
			extends: ['LibraryRefFields'],
			docs: ["What `at` reads of an array (the library's own fields): its element count while live (0 once freed), its elements' prototype and constructor; an array that owns its memory is its own root."],
			properties: [
				{ name: 'liveEnd', isReadonly: true, type: 'number' },
				{ name: 'freed', isReadonly: true, type: 'boolean' },
				{ name: 'liveElementCount', isReadonly: true, type: 'number' },
				{ name: 'elementPrototype', isReadonly: true, type: 'object' },
				{ name: 'Element', isReadonly: true, type: 'new (manager: unknown, address: number, root: unknown) => unknown' },
			],
		},
	]
}

/**
 * The accessor of one field, specialised for its kind with its offset baked in. Every
 * getter and setter starts with one comparison (the root is live and the struct lies in
 * the live heap), then reads or writes the field in the heap's `DataView` directly; a
 * heap to re-check, a freed ref, or a value the fast path does not take goes through the
 * library's own accessor (`readField` / `writeField`), which polls, checks and throws the
 * library's errors. (Written out in each accessor, not through a helper that returns the
 * view or `undefined`: V8 then checks the view's type again at each access, 15-20% of a
 * loop of field accesses.)
 */
function fieldAccess(name: string, kind: FieldKind, placed: FieldLayout, context: AccessContext): FieldAccess {
	const at = fieldAddress(placed.offset)
	const facts = abiFacts(context.abi, 'generate')
	const library: FieldAccess = {
		get: [`return this.readField('${name}') as ${context.valueTs}`],
		set: [`this.writeField('${name}', value)`],
	}
	const guardedGet = (read: string): string[] => [
		...fieldLoads,
		`if (!${live}) return this.readField('${name}') as ${context.valueTs}`,
		'const view = views.dataView',
		read,
	]
	const guardedGetLines = (read: string[]): string[] => [
		...fieldLoads,
		`if (!${live}) return this.readField('${name}') as ${context.valueTs}`,
		'const view = views.dataView',
		...read,
	]
	const guardedSet = (accepts: string, write: string[]): string[] => [
		...fieldLoads,
		`if (!${live} || !(${accepts})) {\n\tthis.writeField('${name}', value)\n\treturn\n}`,
		'const view = views.dataView',
		...write,
	]
	switch (kind.kind) {
		case 'element':
		case 'enum':
		case 'abiSized':
			// an enum stored as a 64-bit row reads as a number: through the library's codec
			if (kind.kind === 'enum' && elementTable[kind.type.storage].valueType === 'bigint') return library
			return numberAccess(name, scalarRow(kind, facts), at, context, kind.kind === 'abiSized' ? kind.name : undefined) ?? library
		case 'bool': {
			const row = dataViewRow(facts.bool)!
			return {
				get: guardedGet(`return (view.get${row}(${at}${endianOf(facts.bool)}) !== 0) as ${context.valueTs}`),
				set: guardedSet(`typeof value === 'boolean'`, [`view.set${row}(${at}, value ? 1 : 0${endianOf(facts.bool)})`]),
			}
		}
		case 'bits':
			return bitfieldAccess(name, kind, placed, context) ?? library
		case 'string': {
			const read = `return this.manager.readNullTerminated${kind.encoding}String(${at}, ${kind.capacity}) as ${context.valueTs}`
			return {
				// UTF-32 refuses a unit above 0x10FFFF: the manager's error names its reader, so an
				// error takes the library's path, whose error names the field, as a defineStruct ref's does
				get:
					kind.encoding === 'Utf32'
						? [`this.checkLive('${name}')`, `try {\n\t${read}\n} catch {\n\treturn this.readField('${name}') as ${context.valueTs}\n}`]
						: [`this.checkLive('${name}')`, read],
				set: library.set,
			}
		}
		case 'record':
		case 'array':
			// assigning writes the values given through the library's accessor, as on a defineStruct ref
			return { get: [`return this.subRefAt('${name}', ${at}) as ${context.valueTs}`], set: library.set }
		case 'pointer': {
			const wrap = pointerWrap(kind.target, facts, context)
			if (wrap === undefined) return library
			const read =
				facts.pointer === 'Pointer32'
					? [`const target = view.getUint32(${at}, true)`]
					: [
							`const low = view.getUint32(${at}, true)`,
							`const high = view.getUint32(${at} + 4, true)`,
							`if (high > 0x1fffff) return this.readField('${name}') as ${context.valueTs}`,
							'const target = high * 0x100000000 + low',
						]
			const pointee = generatedPointee(kind.target, context)
			if (pointee !== undefined) {
				// the library's accessor wraps with the declaration's class until the generated one
				// is registered (by its first use): its target is wrapped again with the generated one
				return {
					get: [
						...fieldLoads,
						`if (!${live}) {\n\tconst slow = this.readField('${name}') as { readonly address: number } | null\n\treturn slow === null ? null : ${pointee.wrap('slow.address')}\n}`,
						'const view = views.dataView',
						...read,
						'if (target === 0) return null',
						'try {',
						`\treturn ${wrap}`,
						'} catch (error) {',
						`\tthis.pointerTargetFailed('${name}', target, error)`,
						'}',
					],
					set: pointerSet(name, at, facts, guardedSet, library),
				}
			}
			return {
				get: guardedGetLines([
					...read,
					`if (target === 0) return null as ${context.valueTs}`,
					'try {',
					`\treturn ${wrap} as ${context.valueTs}`,
					'} catch (error) {',
					`\tthis.pointerTargetFailed('${name}', target, error)`,
					'}',
				]),
				set: pointerSet(name, at, facts, guardedSet, library),
			}
		}
	}
}

/** A pointer's setter: an address in range written straight on wasm32, anything else through the library's accessor. */
function pointerSet(name: string, at: string, facts: AbiFacts, guardedSet: (accepts: string, write: string[]) => string[], library: FieldAccess): string[] | undefined {
	return facts.pointer === 'Pointer32'
		? guardedSet(`typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff`, [`view.setUint32(${at}, value, true)`])
		: library.set
}

/**
 * For a pointer to a struct (or to a fixed array of one) that has a generated class in
 * the module: what its getter gives (`NodeRef | null`, `Vec2ArrayRef | null`), what its
 * setter takes (an address, `null`, or a ref or array of that struct, which the library
 * checks), and how the class wraps the target's address.
 */
function generatedPointee(target: PointerTarget, context: AccessContext): { get: string; set: string; wrap: (address: string) => string } | undefined {
	const resolved = target.kind === 'deferred' ? ({ kind: 'record', type: target.resolve() } as const) : target
	const record = resolved.kind === 'record' ? resolved.type : resolved.kind === 'array' && resolved.element.kind === 'record' ? resolved.element.type : undefined
	if (record === undefined) return undefined
	const Class = context.exported.get(record)
	const exportName = context.exportNames.get(record)
	if (Class === undefined || exportName === undefined) return undefined
	const declared = `typeof declarations.${exportName}`
	const set = `number | ${context.structRef}<${declared}> | ${context.structArrayRef}<${declared}> | null`
	if (resolved.kind === 'record') return { get: `${Class} | null`, set, wrap: (address) => `this.manager.wrapStruct(${Class}, ${address})` }
	const length = (resolved as { length: number }).length
	return { get: `${context.arrayClasses.get(record)!} | null`, set, wrap: (address) => `this.manager.wrapStructArray(${Class}, ${address}, ${length})` }
}

/** `, true` for a row wider than a byte (little-endian DataView accessors), else nothing. */
function endianOf(row: string): string {
	return elementTable[row as keyof typeof elementTable].byteSize === 1 ? '' : ', true'
}

/**
 * A number stored as a row: the row's DataView accessor after one comparison (a Pointer53's
 * two halves), or the manager's reader and writer for rows it converts (Float16,
 * ClampedUint8), or `undefined` for 64-bit ABI-sized numbers.
 */
function numberAccess(name: string, row: string, at: string, context: AccessContext, abiSized: string | undefined): FieldAccess | undefined {
	const facts = elementTable[row as keyof typeof elementTable]
	const viewRow = dataViewRow(row)
	if ((facts.aliasOf ?? facts.name) === 'Pointer53' && abiSized === undefined) {
		// Two 32-bit halves, as the library's accessor reads and writes them. A stored value past
		// 2^53 - 1, and a value that is not a safe non-negative integer, take the library's path,
		// whose error names the field (`Node.p`), as a defineStruct ref's does.
		const cast = context.valueTs
		return {
			get: [
				...fieldLoads,
				`if (!${live}) return this.readField('${name}') as ${cast}`,
				`const low = views.dataView.getUint32(${at}, true)`,
				`const high = views.dataView.getUint32(${at} + 4, true)`,
				`if (high > 0x1fffff) return this.readField('${name}') as ${cast}`,
				`return (high * 0x100000000 + low) as ${cast}`,
			],
			set: [
				...fieldLoads,
				`if (!${live} || !(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) {\n\tthis.writeField('${name}', value)\n\treturn\n}`,
				'const low = (value as number) % 0x100000000',
				`views.dataView.setUint32(${at}, low, true)`,
				`views.dataView.setUint32(${at} + 4, ((value as number) - low) / 0x100000000, true)`,
			],
		}
	}
	if (viewRow === undefined) {
		if (abiSized !== undefined) return undefined
		return {
			get: [`this.checkLive('${name}')`, `return this.manager.read${row}(${at}) as ${facts.valueType === 'bigint' ? `unknown as ${context.valueTs}` : context.valueTs}`],
			// a value that is not a number takes the library's path, whose TypeError names the
			// field (`Type.name`), where the manager's writer would name itself
			set: [`if (typeof value !== 'number') {\n\tthis.writeField('${name}', value)\n\treturn\n}`, `this.checkLive('${name}')`, `this.manager.write${row}(${at}, value)`],
		}
	}
	if (abiSized !== undefined && facts.valueType === 'bigint') return undefined
	const cast = facts.valueType === 'bigint' ? `unknown as ${context.valueTs}` : context.valueTs
	const endian = endianOf(row)
	// An integer row of up to 32 bits is given `value | 0` (the same bits), as the library's
	// value refs and struct fields give it: a setter given a number that is not a small integer
	// makes Node 24's Maglev deoptimise "not a Smi", after which V8 calls the setter's builtin
	// with a boxed value at that site for good (codegen/snippets.ts takesInt32Argument).
	const viewFacts = elementTable[viewRow as keyof typeof elementTable]
	const int32Argument = viewFacts.valueType === 'number' && viewFacts.cInteger !== null
	const get = [...fieldLoads, `if (!${live}) return this.readField('${name}') as ${cast}`, `return views.dataView.get${viewRow}(${at}${endian}) as ${cast}`]
	// 'Pointer', 'Size', 'Long': integers of the row's range only; other rows: numbers or bigints as the row's value type
	let accepts = `typeof value === '${facts.valueType}'`
	if (abiSized !== undefined) {
		const bits = facts.byteSize * 8
		const signed = abiSized === 'Long'
		const min = signed ? -(2 ** (bits - 1)) : 0
		const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1
		accepts = `typeof value === 'number' && Number.isInteger(value) && value >= ${min} && value <= ${max}`
	}
	return {
		get,
		set: [
			...fieldLoads,
			`if (!${live} || !(${accepts})) {\n\tthis.writeField('${name}', value)\n\treturn\n}`,
			`views.dataView.set${viewRow}(${at}, ${int32Argument ? '(value as number) | 0' : 'value as never'}${endian})`,
		],
	}
}

/**
 * A bitfield whose bits lie within 32 bits of its first byte and whose value is a number
 * or a boolean: its bytes read and combined, shifted and masked with constants; written by
 * reading, merging and writing back the same bytes. Wider ones (and bigint ones) go
 * through the library.
 */
function bitfieldAccess(name: string, kind: BitfieldKind, placed: FieldLayout, context: AccessContext): FieldAccess | undefined {
	const first = placed.bitOffset ?? 0
	const width = kind.bits
	const storage = kind.storage
	const bigint = storage.kind === 'element' && elementTable[storage.element].valueType === 'bigint'
	if (bigint || width === 0 || first + width > 32) return undefined
	const byteCount = Math.ceil((first + width) / 8)
	const at = (index: number): string => fieldAddress(placed.offset + index)
	const bytes = Array.from({ length: byteCount }, (_, index) => (index === 0 ? `view.getUint8(${at(0)})` : `(view.getUint8(${at(index)}) << ${8 * index})`)).join(' | ')
	const left = 32 - first - width
	const value = kind.signed ? `(bits << ${left}) >> ${32 - width}` : `(bits << ${left}) >>> ${32 - width}`
	const boolean = storage.kind === 'bool'
	const mask = (2 ** width - 1) * 2 ** first
	const hex = `0x${mask.toString(16)}`
	const min = kind.signed ? -(2 ** (width - 1)) : 0
	const max = kind.signed ? 2 ** (width - 1) - 1 : 2 ** width - 1
	const accepts = boolean ? `typeof value === 'boolean'` : `typeof value === 'number' && Number.isInteger(value) && value >= ${min} && value <= ${max}`
	const stored = boolean ? '(value ? 1 : 0)' : 'value'
	return {
		get: [
			...fieldLoads,
			`if (!${live}) return this.readField('${name}') as ${context.valueTs}`,
			'const view = views.dataView',
			`const bits = ${bytes}`,
			`return (${boolean ? `(${value}) !== 0` : value}) as ${context.valueTs}`,
		],
		set: [
			...fieldLoads,
			`if (!${live} || !(${accepts})) {\n\tthis.writeField('${name}', value)\n\treturn\n}`,
			'const view = views.dataView',
			`const bits = ((${bytes}) & ~${hex}) | ((${stored} << ${first}) & ${hex})`,
			...Array.from({ length: byteCount }, (_, index) => `view.setUint8(${at(index)}, ${index === 0 ? 'bits' : `bits >>> ${8 * index}`})`),
		],
	}
}

/**
 * How a pointer field's getter makes the ref to its target (`target` holds the address),
 * with the manager's public methods: a struct or array of structs through the generated
 * class when the module exports one, strings and numbers through their `wrap*` method.
 * `undefined` for targets only the library's accessor handles (a struct this module does
 * not export, an array of arrays or of inline strings).
 */
function pointerWrap(target: PointerTarget, facts: AbiFacts, context: AccessContext): string | undefined {
	const resolved = target.kind === 'deferred' ? ({ kind: 'record', type: target.resolve() } as const) : target
	switch (resolved.kind) {
		case 'cString':
			return `this.manager.wrapNullTerminated${resolved.encoding}String(target)`
		case 'record': {
			const Class = context.exported.get(resolved.type)
			return Class === undefined ? undefined : `this.manager.wrapStruct(${Class}, target)`
		}
		case 'element':
		case 'enum':
		case 'abiSized':
		case 'bool':
			return `this.manager.wrap${scalarRow(resolved, facts)}(target)`
		case 'pointer':
			return `this.manager.wrap${facts.pointer}(target)`
		case 'string':
			return `this.manager.wrapNullTerminated${resolved.encoding}String(target, ${resolved.capacity})`
		case 'array': {
			const element = resolved.element
			if (element.kind === 'record') {
				const Class = context.exported.get(element.type)
				return Class === undefined ? undefined : `this.manager.wrapStructArray(${Class}, target, ${resolved.length})`
			}
			if (element.kind === 'element' || element.kind === 'enum' || element.kind === 'abiSized' || element.kind === 'bool') {
				return `this.manager.wrap${scalarRow(element, facts)}Array(target, ${resolved.length})`
			}
			if (element.kind === 'pointer') return `this.manager.wrap${facts.pointer}Array(target, ${resolved.length})`
			return undefined
		}
	}
}

/** Whether a field's setter takes what a partial write takes rather than what its getter gives: a pointer (an address, a ref), a nested struct (a partial value) or a fixed array (an array-like). */
function takesInit(kind: FieldKind): boolean {
	return kind.kind === 'pointer' || kind.kind === 'record' || kind.kind === 'array'
}

/** The words structs.h uses as C++ spells them, which C11 defines as macros (`bool` is `_Bool`...). */
const headerWords: ReadonlySet<string> = new Set(['bool', 'true', 'false', 'alignas', 'alignof', 'static_assert'])

/** Both generated files' texts. */
export async function generateFiles(module: Readonly<Record<string, unknown>>, options: GenerateOptions): Promise<{ 'structs.ts': string; 'structs.h': string }> {
	abiFacts(options.abi, 'generate')
	const declarations = declarationsOf(module)
	const records = declarations.filter((entry): entry is { name: string; type: StructType } => entry.type.kind !== 'enum')
	if (records.length === 0) {
		throw new GenerateError(`generate: ${options.inputName} exports no struct or union declared with defineStruct or defineUnion`)
	}
	// structs.h spells bool, alignas, alignof and static_assert as C++ does, which C takes from macros: a name among them would not compile
	for (const { type } of declarations) {
		const names = [type.name, ...(type.kind === 'enum' ? type.members.map((member) => member.name) : type.fields.map((field) => field.name))]
		const taken = names.find((name) => headerWords.has(name))
		if (taken !== undefined) {
			throw new GenerateError(
				`generate: ${options.inputName}: ${type.kind} ${type.name} uses the name ${taken}, which structs.h cannot declare: C takes it from <stdbool.h>, <stdalign.h> or <assert.h> as a macro, C++ as a keyword`,
			)
		}
	}
	const header = (what: string): string =>
		`Generated by wasm-heap-manager generate from ${options.inputName} (--abi ${options.abi}) — do not edit; run npx wasm-heap-manager generate ${shellWord(options.inputName)} --out ${options.outDirectory === undefined ? '<dir>' : shellWord(options.outDirectory)} --abi ${options.abi}${what}`

	const { Project, IndentationText, NewLineKind, QuoteKind, StructureKind } = await loadTsMorph()
	const project = new Project({
		useInMemoryFileSystem: true,
		manipulationSettings: {
			indentationText: IndentationText.Tab,
			newLineKind: NewLineKind.LineFeed,
			quoteKind: QuoteKind.Single,
			useTrailingCommas: true,
			insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
		},
	})
	// Each record's two classes, `NameRef` and `NameArrayRef`: two records giving one name
	// (`Foo`'s array class and `FooArray`'s ref class) would make a module that does not compile.
	const classOwners = new Map<string, string>()
	for (const { type } of records) {
		for (const [className, role] of [[`${type.name}Ref`, 'ref class'], [`${type.name}ArrayRef`, 'array class']] as const) {
			const owner = classOwners.get(className)
			if (owner !== undefined) {
				throw new GenerateError(`generate: ${options.inputName}: the ${role} of ${type.kind} ${type.name} would be named ${className}, as the ${owner} is; generate them from two modules`)
			}
			classOwners.set(className, `${role} of ${type.kind} ${type.name}`)
		}
	}
	// the library's classes, under another name where a record's class takes theirs (a struct named `Struct` has `StructRef`)
	const library = (name: string): string => (classOwners.has(name) ? `${name}Base` : name)
	const file = project.createSourceFile('/structs.ts', '', { overwrite: true })
	file.addImportDeclaration({
		moduleSpecifier: options.moduleSpecifier ?? 'wasm-heap-manager',
		namedImports: [
			...['StructArrayRef', 'StructRef'].map((name) => (library(name) === name ? name : { name, alias: library(name) })),
			{ name: 'FieldRefValue', isTypeOnly: true },
			// a pointer's, a nested struct's and a fixed array's setter takes what a partial write of it takes (for a pointer: an address and any ref its write accepts)
			...(records.some(({ type }) => type.fields.some((field) => takesInit(field.type) && !reservedFieldNames().has(field.name))) ? [{ name: 'FieldInit', isTypeOnly: true }] : []),
		],
	})
	file.addImportDeclaration({ moduleSpecifier: options.declarationsSpecifier, namespaceImport: 'declarations' })

	const classes: ClassDeclarationStructure[] = []
	// the generated ref class of each exported record, for pointers and arrays that lead to one
	const exportedNames = new Map<StructType, string>(records.map(({ type }) => [type, `${type.name}Ref`]))
	const accessNames = {
		exported: exportedNames,
		arrayClasses: new Map<StructType, string>(records.map(({ type }) => [type, `${type.name}ArrayRef`])),
		exportNames: new Map<StructType, string>(records.map(({ name, type }) => [type, name])),
		structRef: library('StructRef'),
		structArrayRef: library('StructArrayRef'),
	}
	for (const { name, type } of records) {
		const layout = type.layout(options.abi)
		const declared = `typeof declarations.${name}`
		const fieldType = (field: string): string => `FieldRefValue<(${declared})['fieldTypes']['${field}']>`
		const className = `${type.name}Ref`
		const arrayName = `${type.name}ArrayRef`
		const what = `C \`${type.kind} ${type.name}\``
		// The array class has an `at` of its own, the library's written out, so that its loads
		// keep type feedback of their own: the library's one `at`, shared by every struct
		// type's arrays, goes megamorphic in a program using several (see fieldLoads). It
		// calls `super.at` only where that throws, so the library's checks and errors stay the
		// one source (a `super.at` on every call cost ~15% of a cursor loop).
		classes.push({
			kind: StructureKind.Class,
			name: arrayName,
			isExported: true,
			extends: `${library('StructArrayRef')}<${declared}>`,
			docs: [`An array of ${what} (${layout.size} bytes each on ${options.abi}): \`at(index)\` gives {@link ${className}}s.`],
			methods: [
				{
					name: 'at',
					hasOverrideKeyword: true,
					docs: [`The element at \`index\`, a {@link ${className}} (see \`StructArrayRef.at\`; \`reuse\` moves an earlier one instead).`],
					parameters: [
						{ name: 'index', type: 'number' },
						{ name: 'reuse', type: className, hasQuestionToken: true },
					],
					returnType: className,
					statements: [
						'const array = this as unknown as LibraryArrayFields',
						'const root = array.root',
						// an array freed (or released) has a live element count of 0, so its own freed flag
						// needs no test: only a fixed-array field's root, the struct, is asked (in a loop
						// after any array of the class was freed, V8 tests the flag's truth 5 ways: a
						// cmp/jz each for false, '', undetectable, heap number and bigint). A bad index and a
						// bad cursor take one call, the library's `at`, which throws: V8 inlines at most 920
						// bytes of bytecode into a loop's code, and `at` counts twice in a loop that makes its
						// cursor with `at(0)`. The cursor's root is read before its prototype (see
						// StructArrayRef.at); a primitive has no root, a function not the element's prototype.
						`if (!(Number.isInteger(index) && index >= 0 && index < array.liveElementCount) || (root !== array && root.freed) || (reuse !== undefined && (reuse === null || (reuse as unknown as LibraryRefFields).root !== root || Object.getPrototypeOf(reuse) !== array.elementPrototype))) return super.at(index, reuse) as ${className}`,
						'const address = this.address + index * this.stride',
						`if (reuse === undefined) return new array.Element(array.manager, address, root) as ${className}`,
						';(reuse as unknown as LibraryRefFields).address = address',
						'return reuse',
					],
				},
			],
		})
		// static getters, not static fields: a property added to a class after it is made
		// takes `new` of its subclasses off V8's fast path (bench/structs-codegen.bench.ts)
		const getAccessors: GetAccessorDeclarationStructure[] = [
			{ kind: StructureKind.GetAccessor, name: 'structType', isStatic: true, returnType: declared, docs: ['The declaration this class was generated from.'], statements: [`return declarations.${name}`] },
			{ kind: StructureKind.GetAccessor, name: 'abi', isStatic: true, returnType: `'${options.abi}'`, docs: ['The ABI whose offsets are baked in.'], statements: [`return '${options.abi}'`] },
			{ kind: StructureKind.GetAccessor, name: 'arrayClass', isStatic: true, returnType: `typeof ${arrayName}`, docs: ['The array class of the same struct.'], statements: [`return ${arrayName}`] },
			{
				kind: StructureKind.GetAccessor,
				name: 'libraryFieldsVersion',
				isStatic: true,
				returnType: `${libraryFieldsVersion}`,
				docs: ["The version of the library's internal fields the accessors read (the library refuses a class of another)."],
				statements: [`return ${libraryFieldsVersion}`],
			},
		]
		const setAccessors: SetAccessorDeclarationStructure[] = []
		for (const placed of layout.fields) {
			const field = type.field(placed.name)!
			// the names the library's refs give no accessor either (their members and internal fields)
			if (reservedFieldNames().has(field.name)) continue
			// a pointer to a struct with a generated class here gives that class's refs
			const pointee = field.type.kind === 'pointer' ? generatedPointee(field.type.target, { abi: options.abi, valueTs: '', ...accessNames }) : undefined
			const valueTs = pointee?.get ?? fieldType(field.name)
			const access = fieldAccess(field.name, field.type, placed, { abi: options.abi, valueTs, ...accessNames })
			getAccessors.push({ kind: StructureKind.GetAccessor, name: field.name, returnType: valueTs, docs: [fieldDoc(field.type, placed, options.abi)], statements: access.get })
			if (access.set === undefined) continue
			const setterTs = pointee?.set ?? (takesInit(field.type) ? `FieldInit<(${declared})['fieldTypes']['${field.name}']>` : valueTs)
			setAccessors.push({ kind: StructureKind.SetAccessor, name: field.name, parameters: [{ name: 'value', type: setterTs }], statements: access.set })
		}
		classes.push({
			kind: StructureKind.Class,
			name: className,
			isExported: true,
			extends: `${library('StructRef')}<${declared}>`,
			docs: [
				`A ref to ${what}: sizeof ${layout.size}, align ${layout.align} on ${options.abi}. Pass the class where a struct type is taken ` +
					`(\`heap.allocStruct(${className})\`, \`heap.wrapStruct(${className}, address)\`, \`heap.allocStructArray(${className}, n)\`).`,
			],
			getAccessors,
			setAccessors,
		})
	}
	if (records.length > 0) file.addInterfaces(libraryFieldsInterfaces(StructureKind))
	file.addClasses(classes)
	const ts = `// ${header('')}\n\n${file.getFullText().replace(/\r\n/g, '\n').trimEnd()}\n`
	// the include guard is named after the header (`shapes.h` for shapes.ts), so that the headers of two modules can be included together
	const h = `/* ${header('')} */\n\n${emitCHeader(
		declarations.map((entry) => entry.type),
		`${declarationsStem(options.inputName) ?? options.inputName}.h`,
	)}`
	return { 'structs.ts': ts, 'structs.h': h }
}
