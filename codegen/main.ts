/**
 * Runs every emitter over the descriptor tables and writes `generated/`.
 *
 *   npm run generate                    regenerate generated/
 *   tsx codegen/main.ts --out DIR       write into DIR instead
 *   tsx codegen/main.ts --only refs     regenerate only the named files (see `generatedFiles`)
 *
 * Deterministic: table order, LF endings, no timestamps; a file whose content is
 * unchanged is not rewritten.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ClassDeclarationStructure, OptionalKind } from 'ts-morph'
import type { ElementRow, WideIntegerRow } from '../descriptors/elements.js'
import { elementRows, wideIntegerRows } from '../descriptors/elements.js'
import type { StringEncodingRow } from '../descriptors/encodings.js'
import { stringEncodingRows } from '../descriptors/encodings.js'
import { exportGroupLine, groupDescriptions, groupOf, type MemberGroup } from './docGroups.js'
import { emitAccess } from './emitAccess.js'
import { emitAlloc } from './emitAlloc.js'
import { emitAtomics } from './emitAtomics.js'
import { importDeclarations, Part, provenance, type FacetParts, type Property } from './emitted.js'
import { emitElementTable } from './emitElementTable.js'
import { emitFastViewFields, emitHeapViewsClass } from './emitHeapViews.js'
import { emitRefClasses } from './emitRefClasses.js'
import { emitStringMethods } from './emitStrings.js'
import { emitStringRefClass } from './emitStringRefClasses.js'
import { emitStringSliceMethods, emitStringSliceRefClass } from './emitStringSlices.js'
import { emitStructFields } from './emitStructFields.js'
import { emitViews } from './emitViews.js'
import { emitWideIntegerMethods } from './emitWideIntegers.js'
import { emitWrap } from './emitWrap.js'
import { emitWholeHeapView } from './emitWholeHeapViews.js'
import { normalizeElements, normalizeEncodings, normalizeWideIntegers, type NormalizedElement } from './normalize.js'
import { createFile, createGeneratorProject, finishFile, generatedHeader } from './project.js'

/** The tables the generator reads. Tests pass modified copies. */
export interface DescriptorTables {
	readonly elements: readonly ElementRow[]
	readonly wideIntegers: readonly WideIntegerRow[]
	readonly encodings: readonly StringEncodingRow[]
}

/** The generated files, by key: the key is what `--only` takes. */
export const generatedFiles = {
	views: 'HeapViews.generated.ts',
	table: 'elementTable.generated.ts',
	manager: 'WasmHeapManager.generated.ts',
	refs: 'Refs.generated.ts',
	structFields: 'structFields.generated.ts',
} as const

export type GeneratedFileKey = keyof typeof generatedFiles

const header = generatedHeader('codegen/main.ts', 'descriptors/elements.ts and descriptors/encodings.ts')

/**
 * The facets whose manager members an alias row shares with its row (the same function
 * objects, as Node's buffer shares `readUint32LE` and `readUInt32LE`), and the method
 * names each facet makes. Allocation and wrapping are not shared: they return the
 * alias's own ref classes.
 */
const sharedFacets: readonly { emit: (element: NormalizedElement) => FacetParts; names: (element: NormalizedElement) => string[] }[] = [
	{ emit: emitAccess, names: (element) => [element.methods.read, element.methods.write] },
	{
		emit: emitAtomics,
		names: (element) => [
			element.methods.readAtomic,
			element.methods.writeAtomic,
			...element.atomicOperations.map((operation) => operation.method),
			...(element.wait === undefined ? [] : [element.wait.method, element.wait.asyncMethod]),
		],
	},
	{ emit: emitViews, names: (element) => [element.methods.view] },
]

/** The groups of the manager's page, in order (the generated ones and those of its hand-written members in src/). */
const managerGroupOrder: readonly MemberGroup[] = [
	'Heap',
	'Numbers',
	'Views',
	'Allocation & ownership',
	'Refs',
	'Strings',
	'String slices',
	'Structs',
	'Atomics',
	'Waits',
	'Scopes',
	'Debugging',
]

/** Generates every file's text from the tables (nothing is written). */
export function generate(tables: DescriptorTables): Map<string, string> {
	const elements = normalizeElements(tables.elements)
	const wideIntegers = normalizeWideIntegers(tables.wideIntegers)
	const encodings = normalizeEncodings(tables.encodings)
	const allNames = [...elements.map((row) => row.name), ...wideIntegers.map((row) => row.name), ...encodings.map((row) => `${row.name}String`)]
	const duplicate = allNames.find((name, index) => allNames.indexOf(name) !== index)
	if (duplicate !== undefined) throw new Error(`descriptor row '${duplicate}': the name is used in more than one table`)
	const byName = new Map(elements.map((element) => [element.name, element]))
	const project = createGeneratorProject()
	const files = new Map<string, string>()

	// HeapViews: the buffer's DataView and whole-heap typed arrays.
	const views = createFile(project, generatedFiles.views)
	views.addImportDeclarations([
		{ moduleSpecifier: '../src/cappedView.js', namedImports: ['createCappedView'] },
		{ moduleSpecifier: '../src/HeapAccess.js', namedImports: ['HeapBuffer'], isTypeOnly: true },
	])
	views.addClass(emitHeapViewsClass(elements, encodings))
	files.set(generatedFiles.views, finishFile(views, header))

	// The element table and the type map.
	const table = createFile(project, generatedFiles.table)
	table.addStatements(emitElementTable(elements))
	files.set(generatedFiles.table, finishFile(table, header))

	// Every facet of every full row, once.
	const facetsOf = new Map<string, FacetParts[]>()
	for (const element of elements) {
		if (element.aliasOf === undefined) facetsOf.set(element.name, sharedFacets.map((facet) => facet.emit(element)))
	}

	// The manager: one monomorphic class; an alias row's shared members are declared
	// through the type and assigned to the prototype after the class.
	const manager = new Part().add(emitFastViewFields(elements, encodings))
	const aliasAssignments: string[] = []
	sharedFacets.forEach((facet, facetIndex) => {
		for (const element of elements) {
			if (element.aliasOf === undefined) {
				manager.add(facetsOf.get(element.name)![facetIndex]!.manager)
				continue
			}
			const target = byName.get(element.aliasOf)!
			const targetNames = facet.names(target)
			facet.names(element).forEach((name, index) => {
				const shared = targetNames[index]!
				const group = groupOf(facetsOf.get(target.name)![facetIndex]!.manager.methods.find((method) => method.name === shared) ?? {})
				if (group === undefined) throw new Error(`codegen: '${shared}', which alias row '${element.name}' shares, has no @group (see codegen/docGroups.ts)`)
				const declaration: Property = {
					leadingTrivia: provenance(element.name, 'main'),
					name,
					hasDeclareKeyword: true,
					type: `WasmHeapManager['${shared}']`,
					docs: [
						`\`${shared}\` under the name of ${element.name}: the same function (errors name \`${shared}\`).` +
							`\n@group ${group}`,
					],
				}
				manager.properties.push(declaration)
				aliasAssignments.push(`WasmHeapManager.prototype.${name} = WasmHeapManager.prototype.${shared}`)
			})
		}
		if (facetIndex === 0) manager.add(emitWideIntegerMethods(wideIntegers))
	})
	for (const element of elements) manager.add(emitWholeHeapView(element))
	for (const element of elements) manager.add(emitAlloc(element).manager)
	for (const element of elements) manager.add(emitWrap(element).manager)
	for (const encoding of encodings) manager.add(emitStringMethods(encoding))
	for (const encoding of encodings) manager.add(emitStringSliceMethods(encoding))

	const managerFile = createFile(project, generatedFiles.manager)
	managerFile.addImportDeclarations(importDeclarations([manager.use('../src/HeapAccess.js', 'HeapAccess')]))
	managerFile.addClass({
		name: 'WasmHeapManager',
		isExported: true,
		extends: 'HeapAccess',
		docs: [
			'Reads, writes, views, allocates and wraps numbers, arrays and strings on a WebAssembly heap.\n' +
				'Create one with `createWasmHeapManager` or `wrapEmscriptenModuleHeap`.\n' +
				'Every access is bounds-checked; see [Growth and polling](../README.md#growth-and-polling) and [Safety](../README.md#safety) ' +
				'in the README for the polling modes and errors.\n' +
				groupDescriptions(managerGroupOrder) +
				exportGroupLine('Manager'),
		],
		properties: manager.properties,
		getAccessors: manager.getAccessors,
		methods: manager.methods,
	})
	if (aliasAssignments.length > 0) {
		managerFile.addStatements(['', '// Alias rows share their row\'s functions.', ...aliasAssignments])
	}
	files.set(generatedFiles.manager, finishFile(managerFile, header))

	// Ref classes: value refs and array refs, assembled from the facets, then string refs.
	const refParts: Part[] = []
	const refClasses: OptionalKind<ClassDeclarationStructure>[] = []
	for (const element of elements) {
		const { classes, part } = emitRefClasses(element, facetsOf.get(element.name) ?? [])
		refClasses.push(...classes)
		refParts.push(part)
	}
	const stringRefs = new Part().use('../src/HeapRef.js', 'HeapRef')
	if (encodings.length > 0) stringRefs.use('./WasmHeapManager.generated.js', 'type WasmHeapManager')
	refParts.push(stringRefs)
	for (const encoding of encodings) refClasses.push(emitStringRefClass(encoding))
	for (const encoding of encodings) refClasses.push(emitStringSliceRefClass(encoding))
	const refs = createFile(project, generatedFiles.refs)
	const ownClasses = new Set(refClasses.map((structure) => structure.name!))
	refs.addImportDeclarations(importDeclarations(refParts, ownClasses))
	refs.addClasses(refClasses)
	files.set(generatedFiles.refs, finishFile(refs, header))

	// Struct-field accessor factories, one per row (src/structs/StructRef.ts installs them).
	const structFields = emitStructFields(elements)
	const structFieldsFile = createFile(project, generatedFiles.structFields)
	structFieldsFile.addImportDeclarations(
		importDeclarations([structFields.part]).map((declaration) =>
			declaration.moduleSpecifier === '../src/structs/StructRef.js' ? { ...declaration, isTypeOnly: true } : declaration,
		),
	)
	structFieldsFile.addStatements(structFields.statements)
	files.set(generatedFiles.structFields, finishFile(structFieldsFile, header))

	return files
}

/** Writes generated files into `outDir`, skipping unchanged ones. Returns the names written. */
export function writeGenerated(files: ReadonlyMap<string, string>, outDir: string, only?: readonly string[]): string[] {
	mkdirSync(outDir, { recursive: true })
	const written: string[] = []
	for (const [name, text] of files) {
		if (only !== undefined && !only.includes(name)) continue
		const path = join(outDir, name)
		let current: string | undefined
		try {
			current = readFileSync(path, 'utf8')
		} catch {
			current = undefined
		}
		if (current !== text) {
			writeFileSync(path, text)
			written.push(name)
		}
	}
	return written
}

function main(argv: readonly string[]): void {
	const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
	let outDir = join(root, 'generated')
	let only: string[] | undefined
	for (let index = 0; index < argv.length; index++) {
		const argument = argv[index]
		if (argument === '--out') {
			outDir = resolve(argv[++index] ?? '')
		} else if (argument === '--only') {
			const keys = (argv[++index] ?? '').split(',')
			only = keys.map((key) => {
				const file = generatedFiles[key as GeneratedFileKey]
				if (file === undefined) throw new Error(`--only: unknown file '${key}' (known: ${Object.keys(generatedFiles).join(', ')})`)
				return file
			})
		} else {
			throw new Error(`unknown argument '${argument}'; usage: tsx codegen/main.ts [--out DIR] [--only ${Object.keys(generatedFiles).join(',')}]`)
		}
	}

	const written = writeGenerated(generate({ elements: elementRows, wideIntegers: wideIntegerRows, encodings: stringEncodingRows }), outDir, only)
	console.log(written.length === 0 ? 'generated/ is up to date' : `wrote ${written.join(', ')}`)
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main(process.argv.slice(2))
}
