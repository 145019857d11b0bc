/**
 * Every ```ts block of README.md, and every ```ts example in the TSDoc of src/ and
 * generated/ (what a user's editor shows on hover), is type-checked and executed, so the
 * documentation cannot drift from the code. Each block runs in a scope of its own after
 * the prelude in test/support/readmePrelude.ts (the names the README says examples may
 * assume); `from 'wasm-heap-manager'` imports resolve to this checkout's source. A block
 * that throws, or fails to type-check, fails its test, named by its first line.
 */
import { expect } from 'chai'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'
import { strictCompilerOptions } from './support/typescript.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const folder = join(root, '.tmp', 'readme')

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
		const program = ts.createProgram(files, {
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
