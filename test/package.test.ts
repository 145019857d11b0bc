/**
 * The built package: `npm run build` emits ESM, CommonJS and declarations wired through
 * the exports map, and `npm pack` ships dist/, README and LICENSE (and nothing else).
 */
import { expect } from 'chai'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

describe('package', function () {
	this.timeout(180_000)

	before(() => {
		execFileSync(npm, ['run', '-s', 'build'], { cwd: root, stdio: 'pipe' })
	})

	it('emits ESM, CommonJS and both declaration files', () => {
		for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
			expect(existsSync(join(root, 'dist', file)), file).to.equal(true)
		}
		expect(readFileSync(join(root, 'dist/index.d.ts'), 'utf8')).to.contain('declare class WasmHeapManager')
	})

	it('serves import, require and types through the exports map', () => {
		const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
			exports: { '.': { import: Record<string, string>; require: Record<string, string> } }
			dependencies?: Record<string, string>
		}
		const entry = manifest.exports['.']
		expect(entry.import).to.deep.equal({ types: './dist/index.d.ts', default: './dist/index.js' })
		expect(entry.require).to.deep.equal({ types: './dist/index.d.cts', default: './dist/index.cjs' })
		for (const name of ['allocator', 'structs', 'codegen']) {
			const subpath = (manifest.exports as unknown as Record<string, typeof entry>)[`./${name}`]!
			expect(subpath.import, name).to.deep.equal({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` })
			expect(subpath.require, name).to.deep.equal({ types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` })
		}
		expect(manifest.dependencies ?? {}, 'no runtime dependencies').to.deep.equal({})
	})

	it("README's install paragraph names every entry point of the exports map, and how many there are", () => {
		const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
		const entryPoints = Object.keys(manifest.exports)
			.filter((subpath) => subpath !== './package.json')
			.map((subpath) => `wasm-heap-manager${subpath.slice(1)}`)
		const readme = readFileSync(join(root, 'README.md'), 'utf8')
		const paragraph = readme.slice(readme.indexOf('Install it in your project'), readme.indexOf('\n\n', readme.indexOf('Install it in your project')))
		for (const entryPoint of entryPoints) expect(paragraph, entryPoint).to.contain(`\`${entryPoint}\``)
		const counts = ['One', 'Two', 'Three', 'Four', 'Five', 'Six']
		expect(paragraph).to.contain(`${counts[entryPoints.length - 1]} entry points`)
	})

	it('the ESM bundle loads and codes strings in a host whose Buffer and process throw when read (a shim\'s getters)', () => {
		const script = `
			for (const name of ['Buffer', 'process']) Object.defineProperty(globalThis, name, { get() { throw new Error('a shim') }, configurable: true })
			const { createWasmHeapManager } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)})
			const heap = createWasmHeapManager(new ArrayBuffer(65536))
			const out = []
			for (const text of ['a'.repeat(300), 'é'.repeat(300), '😀'.repeat(40)]) {
				for (const encoding of ['Ascii', 'Utf8', 'Utf16', 'Utf32']) {
					if (encoding === 'Ascii' && text.charCodeAt(0) > 0x7f) continue
					const ref = heap['allocNullTerminated' + encoding + 'String'](text)
					out.push(ref.value === text)
					ref.free()
				}
			}
			console.log(JSON.stringify(out))`
		const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
		expect(JSON.parse(output)).to.deep.equal(Array(10).fill(true))
	})

	it('the ESM and CommonJS bundles both work', async () => {
		const esm = (await import(pathToFileURL(join(root, 'dist/index.js')).href)) as typeof import('../src/index.js')
		const cjs = createRequire(import.meta.url)(join(root, 'dist/index.cjs')) as typeof import('../src/index.js')
		for (const api of [esm, cjs]) {
			const buffer = new ArrayBuffer(256)
			const heap = api.createWasmHeapManager(() => buffer, () => 64, () => {})
			heap.writeFloat64(3, Math.PI)
			expect(heap.readFloat64(3)).to.equal(Math.PI)
			expect(heap.allocInt32()).to.be.instanceOf(api.Int32Ref)
			expect(() => heap.readInt32(254)).to.throw(RangeError, 'readInt32: address 254 is out of range')
		}
	})

	it('the allocator and struct entry points work on their own, as ESM and CommonJS, without the manager', async () => {
		const require = createRequire(import.meta.url)
		for (const format of ['js', 'cjs'] as const) {
			const load = async (name: string): Promise<Record<string, unknown>> =>
				format === 'js' ? ((await import(pathToFileURL(join(root, `dist/${name}.${format}`)).href)) as Record<string, unknown>) : (require(join(root, `dist/${name}.${format}`)) as Record<string, unknown>)
			const allocatorEntry = (await load('allocator')) as unknown as typeof import('../src/allocator.js')
			const allocator = allocatorEntry.createHeapAllocator(new ArrayBuffer(4096))
			const address = allocator.alloc(24, 8)
			expect(address % 8, format).to.equal(0)
			allocator.free(address)
			allocator.check()
			expect(Object.keys(allocatorEntry), format).to.deep.equal(['createHeapAllocator'])

			const structsEntry = (await load('structs')) as unknown as typeof import('../src/structs.js')
			const Point = structsEntry.defineStruct('Point', { x: 'Float64', y: 'Int32' })
			expect(Point.layout('wasm32').size, format).to.equal(16)
			expect(Object.keys(structsEntry), format).to.not.include('createWasmHeapManager')
		}
		// Neither entry's code reaches the manager.
		for (const name of ['allocator', 'structs']) {
			const files = [join(root, `dist/${name}.js`), ...readdirSync(join(root, 'dist/chunks')).filter((file) => file.endsWith('.js')).map((file) => join(root, 'dist/chunks', file))]
			const reachable = files.filter((file) => file.endsWith(`${name}.js`) || readFileSync(join(root, `dist/${name}.js`), 'utf8').includes(file.slice(file.lastIndexOf('/') + 1)))
			for (const file of reachable) expect(readFileSync(file, 'utf8'), file).to.not.contain('class WasmHeapManager')
		}
	})

	it('the declarations of every entry export as values exactly what its ESM and CommonJS files export (a type-only export stays type-only)', async () => {
		const require = createRequire(import.meta.url)
		/** The names a declaration file exports as values (`export { ... }`), as they are exported. */
		const declaredValues = (file: string): string[] => {
			const list = /^export \{ ([^}]*) \};$/m.exec(readFileSync(join(root, 'dist', file), 'utf8'))?.[1]
			return list === undefined ? [] : list.split(', ').map((name) => name.split(' as ').pop()!).sort()
		}
		for (const name of ['index', 'allocator', 'structs', 'codegen']) {
			const esm = Object.keys((await import(pathToFileURL(join(root, `dist/${name}.js`)).href)) as object).sort()
			const cjs = Object.keys(require(join(root, `dist/${name}.cjs`)) as object).filter((key) => key !== '__esModule').sort()
			expect(declaredValues(`${name}.d.ts`), `${name}.d.ts against ${name}.js`).to.deep.equal(esm)
			expect(declaredValues(`${name}.d.cts`), `${name}.d.cts against ${name}.cjs`).to.deep.equal(cjs)
		}
		// HeapScope is exported as a type only: a scope comes from openScope(), and instanceof HeapScope would throw.
		expect(readFileSync(join(root, 'dist/index.d.ts'), 'utf8')).to.match(/^export type \{[^}]* HeapScope,/m)
	})

	it('npm pack ships dist/, README.md, LICENSE and package.json only, the bin (dist/cli.js) executable and nothing else', () => {
		const output = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })
		const [pack] = JSON.parse(output) as [{ files: { path: string; mode: number }[] }]
		const paths = pack.files.map((file) => file.path).sort()
		// the bin is executable in the tarball (it was 644: a copy unpacked by hand, not by npm install, could not run it), and no other file is
		const bin = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin['wasm-heap-manager']!.replace(/^\.\//, '')
		expect(statSync(join(root, bin)).mode & 0o777, `${bin} as built`).to.equal(0o755)
		expect(pack.files.filter((file) => (file.mode & 0o111) !== 0).map((file) => `${file.path} ${file.mode.toString(8)}`)).to.deep.equal([`${bin} 755`])
		for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) {
			expect(paths, required).to.include(required)
		}
		const unexpected = paths.filter((path) => !path.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(path))
		expect(unexpected).to.deep.equal([])
	})
})
