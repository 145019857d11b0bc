/**
 * Every ```ts block of README.md, and every ```ts example in the TSDoc of src/ and
 * generated/ (what a user's editor shows on hover), is type-checked and executed, so the
 * documentation cannot drift from the code. Each block runs in a scope of its own after
 * the prelude in test/support/readmePrelude.ts (the names the README says examples may
 * assume); `from 'wasm-heap-manager'` imports resolve to this checkout's source. A block
 * that throws, or fails to type-check, fails its test, named by its first line.
 */
import { expect } from 'chai'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { strictCompilerOptions } from './support/typescript.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const folder = join(root, '.tmp', 'readme')
/** What the sql.js example declares of sql.js, which ships no types (its comment says why). */
const sqlJsDeclarations = join(root, 'test/support/sql.js.d.ts')

interface Block {
	/** README.md, or the source file (relative to the checkout) whose TSDoc holds the example. */
	readonly source: string
	readonly line: number
	readonly code: string
}

function readmeBlocks(): Block[] {
	const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n')
	const blocks: Block[] = []
	for (let index = 0; index < lines.length; index++) {
		if (lines[index]!.trim() !== '```ts') continue
		const start = index + 1
		let end = start
		while (end < lines.length && lines[end]!.trim() !== '```') end++
		blocks.push({ source: 'README.md', line: start + 1, code: lines.slice(start, end).join('\n') })
		index = end
	}
	return blocks
}

/** Every ```ts example inside a doc comment of the library's source (src/, generated/), its ` * ` prefixes removed. */
function tsdocBlocks(): Block[] {
	const blocks: Block[] = []
	const files = ['src', 'generated'].flatMap((folder) =>
		(readdirSync(join(root, folder), { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => join(root, folder, file)),
	)
	for (const file of files.sort()) {
		const lines = readFileSync(file, 'utf8').split('\n')
		for (let index = 0; index < lines.length; index++) {
			if (!/^\s*\*\s*```ts\s*$/.test(lines[index]!)) continue
			const start = index + 1
			let end = start
			while (end < lines.length && !/^\s*\*\s*```\s*$/.test(lines[end]!)) end++
			const code = lines.slice(start, end).map((line) => line.replace(/^\s*\* ?/, '')).join('\n')
			blocks.push({ source: relative(root, file), line: start + 1, code })
			index = end
		}
	}
	return blocks
}

/** The block as a module: its imports hoisted and pointed at the source, its body in a scope of its own. */
function moduleFor(block: Block): string {
	const imports: string[] = []
	const body: string[] = []
	for (const line of block.code.split('\n')) {
		if (/^import\s/.test(line)) imports.push(line.replace(`'wasm-heap-manager'`, `'${join(root, 'src/index.js')}'`))
		else body.push(line)
	}
	// A block without imports may use the entry points, as the README says.
	if (imports.length === 0) {
		imports.push(`import { createWasmHeapManager, wrapEmscriptenModuleHeap } from '${join(root, 'src/index.js')}'`)
	}
	return [
		`import { readmePrelude } from '${join(root, 'test/support/readmePrelude.js')}'`,
		`import { format } from 'node:util'`,
		...imports,
		'const { heap, memory, address, exports, emscriptenModule, rust } = await readmePrelude()',
		'void heap, memory, address, exports, emscriptenModule, rust',
		'export const logged: string[] = []',
		'const log = (...values: unknown[]) => void logged.push(format(...values))',
		'{',
		...body.map((line) => line.replace(/\bconsole\.log\(/g, 'log(')),
		'}',
	].join('\n')
}

/** The output each `console.log(...) // expected` line of a block promises, in order. */
function expectedOutput(block: Block): (string | undefined)[] {
	return block.code
		.split('\n')
		.filter((line) => /\bconsole\.log\(/.test(line))
		.map((line) => /\)\s*\/\/ (.*)$/.exec(line)?.[1])
}

/** Whether printed output matches a README comment, where `…` stands for anything and a comment may add a note after a colon. */
function matches(actual: string, expected: string): boolean {
	const candidates = [expected, expected.split(': ')[0]!]
	return candidates.some((candidate) => {
		const pattern = candidate
			.split('…')
			.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('.*')
		return new RegExp(`^${pattern}$`).test(actual)
	})
}

const blocks = [...readmeBlocks(), ...tsdocBlocks()]

/** The block's file name: `line-<n>.ts` for the README, `<source path>-line-<n>.ts` for TSDoc. */
function fileNameOf(block: Block): string {
	return block.source === 'README.md' ? `line-${block.line}.ts` : `${block.source.replace(/[/\\.]/g, '_')}-line-${block.line}.ts`
}

describe('README examples', function () {
	this.timeout(120_000)
	const files = blocks.map((block) => join(folder, fileNameOf(block)))

	before(() => {
		rmSync(folder, { recursive: true, force: true })
		mkdirSync(folder, { recursive: true })
		blocks.forEach((block, index) => writeFileSync(files[index]!, moduleFor(block)))
	})

	after(() => rmSync(folder, { recursive: true, force: true }))

	it('has examples to check, in the README and in the TSDoc', () => {
		expect(blocks.filter((block) => block.source === 'README.md').length).to.be.greaterThan(10)
		expect(blocks.filter((block) => block.source !== 'README.md').length).to.be.greaterThan(3)
	})

	it('every block type-checks', () => {
		const program = ts.createProgram([...files, sqlJsDeclarations], {
			...strictCompilerOptions,
			noUncheckedIndexedAccess: false,
			types: ['node'],
			typeRoots: [join(root, 'node_modules/@types')],
			allowJs: true,
			skipLibCheck: true,
		})
		const problems = ts
			.getPreEmitDiagnostics(program)
			.filter((diagnostic) => diagnostic.file?.fileName.startsWith(folder))
			.map((diagnostic) => {
				const file = diagnostic.file!
				const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
				const text = file.text.split('\n')[line] ?? ''
				return `block ${file.fileName.split('/').pop()}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')} — ${text.trim()}`
			})
		expect(problems).to.deep.equal([])
	})

	for (const [index, block] of blocks.entries()) {
		const title = block.code.split('\n').find((line) => line.trim() !== '' && !line.startsWith('import'))?.trim() ?? ''
		const where = block.source === 'README.md' ? `README line ${block.line}` : `TSDoc example at ${block.source}:${block.line}`
		it(`runs the block at ${where} and prints what its comments say: ${title.slice(0, 50)}`, async () => {
			const { logged } = (await import(pathToFileURL(files[index]!).href)) as { logged: string[] }
			const expected = expectedOutput(block)
			expect(logged.length, 'number of console.log lines printed').to.equal(expected.length)
			expected.forEach((text, line) => {
				if (text === undefined) return
				expect(matches(logged[line]!, text), `printed ${JSON.stringify(logged[line])}, README says ${JSON.stringify(text)}`).to.equal(true)
			})
		})
	}
})

describe('README figures', () => {
	it('the number of element types the README and the CHANGELOG state is the number of rows of elementTable', async () => {
		const { elementTable } = await import('../src/index.js')
		const count = Object.keys(elementTable).length
		for (const file of ['README.md', 'CHANGELOG.md']) {
			const stated = [...readFileSync(join(root, file), 'utf8').matchAll(/\b(\d+) element types\b/g)].map((match) => Number(match[1]))
			expect(stated.length, `${file} states a count`).to.be.greaterThan(0)
			expect(stated, file).to.deep.equal(stated.map(() => count))
		}
	})
})

/**
 * The same blocks as a user meets them: the tarball `npm pack` makes, installed offline
 * in a project outside this checkout, `from 'wasm-heap-manager'` resolved by TypeScript
 * and by Node through the package's exports map. So a block that only works against the
 * source (a member the build strips as `@internal`, a type the bundled declarations lose,
 * an export missing from the CommonJS build) fails here.
 */
describe('README and TSDoc examples against the packed tarball', function () {
	this.timeout(900_000)
	const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
	let work = ''
	let project = ''
	const names = blocks.map((block) => fileNameOf(block).replace(/\.ts$/, ''))

	/** A test/support file rewritten to import the installed package and the checkout's fixtures; each edit must apply. */
	const supportFile = (name: string, edits: readonly (readonly [string | RegExp, string])[]): string => {
		let text = readFileSync(join(root, 'test/support', name), 'utf8')
		for (const [from, to] of edits) {
			const edited = text.replace(from, to)
			if (edited === text) throw new Error(`test/support/${name} no longer contains ${String(from)}: update readme.test.ts`)
			text = edited
		}
		return text
	}

	before(() => {
		execFileSync(process.execPath, [join(root, 'scripts/ensure-build.mjs')], { cwd: root, stdio: 'pipe' })
		work = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-readme-'))
		const [pack] = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' })) as [{ filename: string }]
		project = join(work, 'project')
		mkdirSync(join(project, 'support'), { recursive: true })
		mkdirSync(join(project, 'blocks'))
		writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'readme-examples', private: true, type: 'module' }))
		execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', join(work, pack.filename)], { cwd: project, stdio: 'pipe' })
		// The sql.js example's own dependency, as a user installs it, with the declarations it needs.
		symlinkSync(join(root, 'node_modules/sql.js'), join(project, 'node_modules/sql.js'), 'dir')
		copyFileSync(sqlJsDeclarations, join(project, 'support/sql.js.d.ts'))

		const fixtures = `'${join(root, 'test/fixtures')}/`
		const toPackage = [`'../../src/index.js'`, `'wasm-heap-manager'`] as const
		writeFileSync(join(project, 'support/fixtures.ts'), supportFile('fixtures.ts', [toPackage, [/'\.\.\/fixtures\//g, fixtures]]))
		writeFileSync(join(project, 'support/readmePrelude.ts'), supportFile('readmePrelude.ts', [toPackage]))
		// CommonJS: no import.meta, and the ESM loader of the wasi fixture imported dynamically.
		writeFileSync(
			join(project, 'support/fixtures.cts'),
			supportFile('fixtures.ts', [
				toPackage,
				[/'\.\.\/fixtures\//g, fixtures],
				[/import \{ loadWasiHeaplib \} from '[^']*'\n/, ''],
				['const { exports, memory } = await loadWasiHeaplib()', `const { loadWasiHeaplib } = await import(${fixtures}wasi/load.mjs')\n\tconst { exports, memory } = await loadWasiHeaplib()`],
				[`import { createRequire } from 'node:module'\n`, ''],
				['const require = createRequire(import.meta.url)\n', ''],
				[/new URL\(('[^']*'), import\.meta\.url\)/, '$1'],
			]),
		)
		writeFileSync(join(project, 'support/readmePrelude.cts'), supportFile('readmePrelude.ts', [toPackage, [`'./fixtures.js'`, `'./fixtures.cjs'`]]))

		for (const [index, block] of blocks.entries()) {
			const imports: string[] = []
			const body: string[] = []
			for (const line of block.code.split('\n')) (/^import\s/.test(line) ? imports : body).push(line)
			if (imports.length === 0) imports.push(`import { createWasmHeapManager, wrapEmscriptenModuleHeap } from 'wasm-heap-manager'`)
			const prelude = [
				'const logged: string[] = []',
				'const log = (...values: unknown[]) => void logged.push(format(...values))',
				'const { heap, memory, address, exports, emscriptenModule, rust } = await readmePrelude()',
				'void heap, memory, address, exports, emscriptenModule, rust',
			]
			const code = body.map((line) => line.replace(/\bconsole\.log\(/g, 'log('))
			// ESM: the block at the top level of a module, as a user writes it.
			writeFileSync(
				join(project, 'blocks', `${names[index]}.ts`),
				[`import { format } from 'node:util'`, `import { readmePrelude } from '../support/readmePrelude.js'`, ...imports, ...prelude, '{', ...code, '}', 'export { logged }', ''].join('\n'),
			)
			// CommonJS: no top-level await, so the block runs inside an exported function.
			writeFileSync(
				join(project, 'blocks', `${names[index]}.cts`),
				[`import { format } from 'node:util'`, `import { readmePrelude } from '../support/readmePrelude.cjs'`, ...imports, 'export async function main(): Promise<string[]> {', ...prelude, '{', ...code, '}', 'return logged', '}', ''].join('\n'),
			)
		}
	})

	after(() => {
		if (work) rmSync(work, { recursive: true, force: true })
	})

	/** Strict options for one module resolution, reading the package's own declarations. */
	const optionsFor = (resolution: 'node16' | 'nodenext' | 'bundler'): ts.CompilerOptions => ({
		strict: true,
		target: ts.ScriptTarget.ES2022,
		module: resolution === 'node16' ? ts.ModuleKind.Node16 : resolution === 'nodenext' ? ts.ModuleKind.NodeNext : ts.ModuleKind.ESNext,
		moduleResolution:
			resolution === 'node16' ? ts.ModuleResolutionKind.Node16 : resolution === 'nodenext' ? ts.ModuleResolutionKind.NodeNext : ts.ModuleResolutionKind.Bundler,
		lib: ['lib.es2022.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
		types: ['node'],
		typeRoots: [join(root, 'node_modules/@types')],
		skipLibCheck: false,
		outDir: join(project, `out-${resolution}`),
	})

	const problemsOf = (program: ts.Program): string[] =>
		ts.getPreEmitDiagnostics(program).map((diagnostic) => {
			const file = diagnostic.file
			const where = file ? `${relative(project, file.fileName)}:${file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1}` : '(global)'
			return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`
		})

	for (const resolution of ['node16', 'nodenext', 'bundler'] as const) {
		it(`every block type-checks strictly against the published declarations under moduleResolution ${resolution}${resolution === 'bundler' ? '' : ', as ESM and as CommonJS'}`, () => {
			const extensions = resolution === 'bundler' ? ['ts'] : ['ts', 'cts']
			const files = names.flatMap((name) => extensions.map((extension) => join(project, 'blocks', `${name}.${extension}`)))
			const program = ts.createProgram([...files, join(project, 'support/sql.js.d.ts')], optionsFor(resolution))
			expect(problemsOf(program)).to.deep.equal([])
			const declarations = program
				.getSourceFiles()
				.map((file) => relative(project, file.fileName))
				.filter((file) => file.startsWith('node_modules/wasm-heap-manager/'))
				.sort()
			expect(declarations).to.deep.equal(
				resolution === 'bundler' ? ['node_modules/wasm-heap-manager/dist/index.d.ts'] : ['node_modules/wasm-heap-manager/dist/index.d.cts', 'node_modules/wasm-heap-manager/dist/index.d.ts'],
			)
		})
	}

	it('every block runs in Node from the installed package, as ESM and as CommonJS, and prints what its comments say', () => {
		const program = ts.createProgram(
			[...names.flatMap((name) => ['ts', 'cts'].map((extension) => join(project, 'blocks', `${name}.${extension}`))), join(project, 'support/sql.js.d.ts')],
			optionsFor('nodenext'),
		)
		const emitted = program.emit()
		expect(emitted.emitSkipped, 'emit').to.equal(false)
		const out = join(project, 'out-nodenext')
		writeFileSync(
			join(out, 'run.mjs'),
			[
				`import { createRequire } from 'node:module'`,
				`const require = createRequire(import.meta.url)`,
				`const names = ${JSON.stringify(names)}`,
				'const results = {}',
				'for (const name of names) {',
				'	const result = {}',
				'	try { result.esm = (await import(`./blocks/${name}.js`)).logged } catch (error) { result.esm = String(error && error.stack) }',
				// sql.js's initSqlJs hands every later call the module of its first, ignoring the
				// later call's hook: each variant of a block loads it anew, as its own program would.
				'	for (const file of Object.keys(require.cache)) if (file.includes("/sql.js/")) delete require.cache[file]',
				'	try { result.cjs = await require(`./blocks/${name}.cjs`).main() } catch (error) { result.cjs = String(error && error.stack) }',
				'	results[name] = result',
				'}',
				'const loaded = Object.keys(require.cache).filter((file) => file.includes("wasm-heap-manager"))',
				'process.stdout.write(JSON.stringify({ results, loaded }))',
				'',
			].join('\n'),
		)
		const ran = spawnSync(process.execPath, [join(out, 'run.mjs')], { cwd: project, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
		expect(ran.status, ran.stderr).to.equal(0)
		const { results, loaded } = JSON.parse(ran.stdout) as { results: Record<string, { esm: string[] | string; cjs: string[] | string }>; loaded: string[] }
		// The CommonJS blocks ran the CommonJS build of the installed package.
		expect(loaded.map((file) => relative(project, file))).to.include('node_modules/wasm-heap-manager/dist/index.cjs')
		const problems: string[] = []
		for (const [index, block] of blocks.entries()) {
			const expected = expectedOutput(block)
			for (const kind of ['esm', 'cjs'] as const) {
				const logged = results[names[index]!]![kind]
				const where = `${block.source}:${block.line} (${kind})`
				if (typeof logged === 'string') {
					problems.push(`${where} threw: ${logged}`)
					continue
				}
				if (logged.length !== expected.length) problems.push(`${where} printed ${logged.length} lines, its comments promise ${expected.length}`)
				expected.forEach((text, line) => {
					if (text !== undefined && !matches(logged[line] ?? '', text)) problems.push(`${where} printed ${JSON.stringify(logged[line])}, it says ${JSON.stringify(text)}`)
				})
			}
		}
		expect(problems).to.deep.equal([])
	})
})
