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
import type { ElementRow, WideIntegerRow } from '../descriptors/elements.js'
import { elementRows, wideIntegerRows } from '../descriptors/elements.js'
import type { StringEncodingRow } from '../descriptors/encodings.js'
import { stringEncodingRows } from '../descriptors/encodings.js'
import { emitAllocMethods } from './emitAlloc.js'
import { emitArrayRefClasses } from './emitArrayRefClasses.js'
import { emitAtomicMethods } from './emitAtomics.js'
import { emitHeapViewsClass } from './emitHeapViews.js'
import { emitReadWriteMethods } from './emitReadWrite.js'
import { emitRefClasses } from './emitRefClasses.js'
import { emitStringRefClasses } from './emitStringRefClasses.js'
import { codecFunction, codecFunctions, emitStringMethods } from './emitStrings.js'
import { emitViewMethods } from './emitViews.js'
import { emitWideIntegerMethods } from './emitWideIntegers.js'
import { emitWrapMethods } from './emitWrap.js'
import { heapViewConstructors, normalizeElements, normalizeEncodings, normalizeWideIntegers } from './normalize.js'
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
	manager: 'WasmHeapManager.generated.ts',
	refs: 'Refs.generated.ts',
} as const

export type GeneratedFileKey = keyof typeof generatedFiles

const header = generatedHeader('codegen/main.ts', 'descriptors/elements.ts and descriptors/encodings.ts')

/** Generates every file's text from the tables (nothing is written). */
export function generate(tables: DescriptorTables): Map<string, string> {
	const elements = normalizeElements(tables.elements)
	const wideIntegers = normalizeWideIntegers(tables.wideIntegers)
	const encodings = normalizeEncodings(tables.encodings)
	const allNames = [...elements.map((row) => row.name), ...wideIntegers.map((row) => row.name), ...encodings.map((row) => `${row.name}String`)]
	const duplicate = allNames.find((name, index) => allNames.indexOf(name) !== index)
	if (duplicate !== undefined) throw new Error(`descriptor row '${duplicate}': the name is used in more than one table`)
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

	// The manager: every accessor family, one emitter each, in one monomorphic class.
	const refClasses = [
		...elements.flatMap((element) => [element.refClass, element.arrayRefClass]),
		...encodings.map((encoding) => encoding.refClass),
	]
	const atomicConstructors = heapViewConstructors(elements)
	const codecImports = [...new Set(encodings.map((encoding) => encoding.codec))].sort().map((codec) => {
		const encoding = encodings.find((row) => row.codec === codec)!
		return {
			moduleSpecifier: `../src/codecs/${codec}.js`,
			namedImports: codecFunctions.map((name) => ({ name, alias: codecFunction(encoding, name) })),
		}
	})
	const manager = createFile(project, generatedFiles.manager)
	manager.addImportDeclarations([
		{
			moduleSpecifier: '../src/conversions.js',
			namedImports: ['bitsToFloat32', 'bitsToFloat64', 'clampToUint8', 'float32ToBits', 'float64ToBits', 'maxPointer53'],
		},
		{
			moduleSpecifier: '../src/errors.js',
			namedImports: [
				'throwElementCountError',
				'throwPointer53StoredError',
				'throwPointer53ValueError',
				'throwStringDecodeError',
				'throwStringValueError',
				'throwWideIntegerError',
			],
		},
		...codecImports,
		{ moduleSpecifier: '../src/HeapCore.js', namedImports: ['HeapCore'] },
		{ moduleSpecifier: './Refs.generated.js', namedImports: [...refClasses].sort() },
	])
	manager.addClass({
		name: 'WasmHeapManager',
		isExported: true,
		extends: 'HeapCore',
		docs: [
			'Reads, writes, views, allocates and wraps numbers, arrays and strings on a WebAssembly heap.\n' +
				'Create one with `createWasmHeapManager` or `wrapEmscriptenModuleHeap`.\n' +
				'Every access is bounds-checked; see the README for the polling modes and errors.',
		],
		methods: [
			...emitReadWriteMethods(elements),
			...emitWideIntegerMethods(wideIntegers),
			...emitAtomicMethods(elements),
			...emitViewMethods(elements),
			...emitAllocMethods(elements),
			...emitWrapMethods(elements),
			...emitStringMethods(encodings),
		],
	})
	// Atomic views are passed to the cold path as constructors; keep the list visible for readers.
	manager.insertStatements(
		manager.getImportDeclarations().length,
		`// Atomic accesses run on: ${atomicConstructors.join(', ')}.`,
	)
	files.set(generatedFiles.manager, finishFile(manager, header))

	// Ref classes: value refs and array refs.
	const refs = createFile(project, generatedFiles.refs)
	refs.addImportDeclarations([
		{ moduleSpecifier: '../src/conversions.js', namedImports: ['clampToUint8'] },
		{ moduleSpecifier: '../src/errors.js', namedImports: ['throwPointer53StoredError', 'throwPointer53ValueError'] },
		{ moduleSpecifier: '../src/HeapRef.js', namedImports: ['ArrayHeapRef', 'HeapRef'] },
	])
	refs.addClasses([...emitRefClasses(elements), ...emitArrayRefClasses(elements), ...emitStringRefClasses(encodings)])
	files.set(generatedFiles.refs, finishFile(refs, header))

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
