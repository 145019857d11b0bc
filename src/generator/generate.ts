/**
 * `generate`: a user's declarations module (defineStruct / defineUnion / defineEnum
 * exports) becomes `structs.ts`, one ref class and one array class per exported struct or
 * union with the offsets of one ABI baked in, and `structs.h` (see cHeader.ts). Built with
 * ts-morph, an optional peer dependency, loaded only here.
 */
import { elementTable } from '../../generated/elementTable.generated.js'
import type { EnumType, StructType } from '../index.js'
import type { AbiName } from '../structs/abi.js'
import { abiFacts } from '../structs/abi.js'
import type { FieldKind } from '../structs/fieldKinds.js'
import type { FieldLayout } from '../structs/layout.js'
import { emitCHeader, enumSpelling } from './cHeader.js'

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
type PropertyDeclarationStructure = import('ts-morph').PropertyDeclarationStructure
type GetAccessorDeclarationStructure = import('ts-morph').GetAccessorDeclarationStructure
type SetAccessorDeclarationStructure = import('ts-morph').SetAccessorDeclarationStructure

/** Field names a generated class leaves to `StructRef` (its members), as the library's refs do. */
const reservedNames: ReadonlySet<string> = new Set(['address', 'manager', 'root', 'shape', 'type', 'read', 'write', 'free', 'clear', 'release', 'isFreed', 'checkLive', 'constructor'])

async function loadTsMorph(): Promise<TsMorph> {
	try {
		return await import('ts-morph')
	} catch {
		throw new GenerateError('wasm-heap-manager generate needs ts-morph, an optional peer dependency: npm install --save-dev ts-morph')
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
			? `offset ${layout.offset}, ${layout.size} byte${layout.size === 1 ? '' : 's'}`
			: `byte ${layout.offset}, bit ${layout.bitOffset}, ${layout.bitWidth} bit${layout.bitWidth === 1 ? '' : 's'}`
	return `C \`${cTypeName(kind)}\`: ${where} (${abi}).`
}

/** The row a field reads and writes with one manager method, when it is a plain number (element rows and enums). */
function rowOf(kind: FieldKind): string | undefined {
	if (kind.kind === 'element') return kind.element
	if (kind.kind === 'enum') return kind.type.storage
	return undefined
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

/** Both generated files' texts. */
export async function generateFiles(module: Readonly<Record<string, unknown>>, options: GenerateOptions): Promise<{ 'structs.ts': string; 'structs.h': string }> {
	abiFacts(options.abi, 'generate')
	const declarations = declarationsOf(module)
	const records = declarations.filter((entry): entry is { name: string; type: StructType } => entry.type.kind !== 'enum')
	if (records.length === 0) {
		throw new GenerateError(`generate: ${options.inputName} exports no struct or union declared with defineStruct or defineUnion`)
	}
	const header = (what: string): string =>
		`Generated by wasm-heap-manager generate from ${options.inputName} (--abi ${options.abi}) — do not edit; run npx wasm-heap-manager generate ${options.inputName} --out <dir> --abi ${options.abi}${what}`

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
	const file = project.createSourceFile('/structs.ts', '', { overwrite: true })
	file.addImportDeclaration({
		moduleSpecifier: options.moduleSpecifier ?? 'wasm-heap-manager',
		namedImports: ['StructArrayRef', 'StructRef', { name: 'FieldRefValue', isTypeOnly: true }],
	})
	file.addImportDeclaration({ moduleSpecifier: options.declarationsSpecifier, namespaceImport: 'declarations' })

	const classes: ClassDeclarationStructure[] = []
	for (const { name, type } of records) {
		const layout = type.layout(options.abi)
		const declared = `typeof declarations.${name}`
		const fieldType = (field: string): string => `FieldRefValue<(${declared})['fieldTypes']['${field}']>`
		const className = `${type.name}Ref`
		const arrayName = `${type.name}ArrayRef`
		const what = `C \`${type.kind} ${type.name}\``
		classes.push({
			kind: StructureKind.Class,
			name: arrayName,
			isExported: true,
			extends: `StructArrayRef<${declared}>`,
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
					statements: [`return super.at(index, reuse) as ${className}`],
				},
			],
		})
		const properties: PropertyDeclarationStructure[] = []
		// static getters, not static fields: a property added to a class after it is made
		// takes `new` of its subclasses off V8's fast path (bench/structs-codegen.bench.ts)
		const getAccessors: GetAccessorDeclarationStructure[] = [
			{ kind: StructureKind.GetAccessor, name: 'structType', isStatic: true, returnType: declared, docs: ['The declaration this class was generated from.'], statements: [`return declarations.${name}`] },
			{ kind: StructureKind.GetAccessor, name: 'abi', isStatic: true, returnType: `'${options.abi}'`, docs: ['The ABI whose offsets are baked in.'], statements: [`return '${options.abi}'`] },
			{ kind: StructureKind.GetAccessor, name: 'arrayClass', isStatic: true, returnType: `typeof ${arrayName}`, docs: ['The array class of the same struct.'], statements: [`return ${arrayName}`] },
		]
		const setAccessors: SetAccessorDeclarationStructure[] = []
		for (const placed of layout.fields) {
			const field = type.field(placed.name)!
			if (reservedNames.has(field.name)) continue
			const doc = fieldDoc(field.type, placed, options.abi)
			const row = rowOf(field.type)
			if (row === undefined) {
				// nested records, arrays, pointers, strings, bitfields, booleans and ABI-sized numbers: the library's accessor, typed here
				const subRef = field.type.kind === 'record' || field.type.kind === 'array'
				properties.push({
					kind: StructureKind.Property,
					name: field.name,
					hasDeclareKeyword: true,
					isReadonly: subRef,
					type: fieldType(field.name),
					docs: [`${doc} Read and written by the library's accessor for its kind.`],
				})
				continue
			}
			const at = placed.offset === 0 ? 'this.address' : `this.address + ${placed.offset}`
			const valueTs = fieldType(field.name)
			// a 64-bit enum reads as the bigint its row gives, which FieldRefValue calls a number
			const cast = elementTable[row as keyof typeof elementTable].valueType === 'bigint' ? `unknown as ${valueTs}` : valueTs
			const viewRow = dataViewRow(row)
			if (viewRow === undefined) {
				getAccessors.push({
					kind: StructureKind.GetAccessor,
					name: field.name,
					returnType: valueTs,
					docs: [doc],
					statements: [`this.checkLive('${field.name}')`, `return this.manager.read${row}(${at}) as ${cast}`],
				})
				setAccessors.push({
					kind: StructureKind.SetAccessor,
					name: field.name,
					parameters: [{ name: 'value', type: valueTs }],
					statements: [`this.checkLive('${field.name}')`, `this.manager.write${row}(${at}, value as never)`],
				})
				continue
			}
			// the row's own DataView accessor after one comparison; the manager's method (which converts or throws) otherwise
			const valueType = elementTable[row as keyof typeof elementTable].valueType
			const endian = elementTable[row as keyof typeof elementTable].byteSize === 1 ? '' : ', true'
			getAccessors.push({
				kind: StructureKind.GetAccessor,
				name: field.name,
				returnType: valueTs,
				docs: [doc],
				statements: [
					`const view = this.liveView('${field.name}')`,
					`return (view === undefined ? this.manager.read${row}(${at}) : view.get${viewRow}(${at}${endian})) as ${cast}`,
				],
			})
			setAccessors.push({
				kind: StructureKind.SetAccessor,
				name: field.name,
				parameters: [{ name: 'value', type: valueTs }],
				statements: [
					`const view = this.liveView('${field.name}')`,
					`if (view === undefined || typeof value !== '${valueType}') this.manager.write${row}(${at}, value as never)`,
					`else view.set${viewRow}(${at}, value as never${endian})`,
				],
			})
		}
		classes.push({
			kind: StructureKind.Class,
			name: className,
			isExported: true,
			extends: `StructRef<${declared}>`,
			docs: [
				`A ref to ${what}: sizeof ${layout.size}, align ${layout.align} on ${options.abi}. Pass the class where a struct type is taken ` +
					`(\`heap.allocStruct(${className})\`, \`heap.wrapStruct(${className}, address)\`, \`heap.allocStructArray(${className}, n)\`).`,
			],
			properties,
			getAccessors,
			setAccessors,
		})
	}
	file.addClasses(classes)
	const ts = `// ${header('')}\n\n${file.getFullText().replace(/\r\n/g, '\n').trimEnd()}\n`
	const h = `/* ${header('')} */\n\n${emitCHeader(
		declarations.map((entry) => entry.type),
		'structs.h',
	)}`
	return { 'structs.ts': ts, 'structs.h': h }
}
