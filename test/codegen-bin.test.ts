/**
 * The `wasm-heap-manager` bin as a user runs it: the packed tarball installed offline in
 * a scratch project outside this checkout, `generate` on a declarations module (`.ts`
 * through tsx, as Node 20 cannot load TypeScript itself) and `import-c` on a header; the
 * generated module type-checks strictly against the installed package, and a missing
 * ts-morph (an optional peer dependency) is a clear error.
 */
import { expect } from 'chai'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import ts from 'typescript'
import { clangOrSkip } from './support/clang.js'
import { strictCompilerOptions } from './support/typescript.js'

const root = resolve(import.meta.dirname, '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const require = createRequire(import.meta.url)

/** The folder of a package this checkout has installed (followed to its real place, where its own dependencies resolve). */
function installed(name: string): string {
	return dirname(require.resolve(`${name}/package.json`))
}

describe('the wasm-heap-manager bin from the packed tarball', function () {
	this.timeout(600_000)
	let work = ''
	let project = ''
	const bin = (): string => join(project, 'node_modules/wasm-heap-manager/dist/cli.js')
	const runBin = (args: readonly string[]): ReturnType<typeof spawnSync> =>
		spawnSync(process.execPath, [bin(), ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

	before(() => {
		execFileSync(process.execPath, [join(root, 'scripts/ensure-build.mjs')], { cwd: root, stdio: 'pipe' })
		work = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-bin-'))
		const [pack] = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' })) as [{ filename: string }]
		project = join(work, 'project')
		mkdirSync(project)
		writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }))
		execFileSync(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', join(work, pack.filename)], { cwd: project, stdio: 'pipe' })
		writeFileSync(
			join(project, 'structs.ts'),
			[
				`import { defineEnum, defineStruct, type StructType } from 'wasm-heap-manager'`,
				`export const Color = defineEnum('Color', 'Uint32', { RED: 0, GREEN: 1 })`,
				`export const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })`,
				`export const Particle = defineStruct('Particle', { position: Vec2, mass: 'Float32', color: Color, next: { pointer: (): StructType => Particle } })`,
				// fields named like a ref's internal fields, which the published types do not show
				`export const Tagged = defineStruct('Tagged', { tracked: 'Int32', scope: 'Int32', tableSlot: 'Int32', value: 'Float64' })`,
				'',
			].join('\n'),
		)
	})

	after(() => {
		if (work) rmSync(work, { recursive: true, force: true })
	})

	it('--help, -h and help print what the commands do on stdout, --version, -v and version the installed version (exit 0), without ts-morph; no command, an unknown one or no input file is a usage error on stderr (exit 2)', () => {
		for (const args of [['--help'], ['-h'], ['help'], ['generate', '--help'], ['import-c', 'shapes.h', '-h']]) {
			const result = runBin(args)
			expect(result.status, args.join(' ')).to.equal(0)
			expect(result.stderr, args.join(' ')).to.equal('')
			expect(result.stdout, args.join(' ')).to.match(/^usage:\n  wasm-heap-manager import-c header\.h .*\n(?: {20}.*\n){0,2}  wasm-heap-manager generate structs\.ts --out dir .*\n\n  import-c .*\n(?: {13}.*\n)+  generate .*\n.*needs ts-morph/)
		}
		const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }
		for (const args of [['--version'], ['-v'], ['version']]) {
			const result = runBin(args)
			expect([result.status, result.stdout, result.stderr], args.join(' ')).to.deep.equal([0, `${version}\n`, ''])
		}
		const cases: [readonly string[], string][] = [
			[[], 'wasm-heap-manager: no command given (wasm-heap-manager --help says more)\nusage:\n'],
			[['bogus'], "wasm-heap-manager: unknown command 'bogus'\nusage:\n"],
			[['generate'], 'wasm-heap-manager: generate: no input file given\nusage:\n'],
		]
		for (const [args, start] of cases) {
			const result = runBin(args)
			expect(result.status, args.join(' ')).to.equal(2)
			expect(result.stdout, args.join(' ')).to.equal('')
			expect(result.stderr, args.join(' ')).to.satisfy((text: string) => text.startsWith(start))
		}
	})

	it('every usage error is one line naming what is wrong, then the usage, on stderr (exit 2): a missing -I directory (it said no usage, exit 1), a bad --abi or --lang, an option given twice', () => {
		const usage = String(runBin(['--help']).stdout).split('\n\n')[0]!
		expect(usage).to.match(/^usage:\n  wasm-heap-manager import-c /)
		const cases: [readonly string[], string][] = [
			[['import-c', 'header.h', '-I', 'nonexistent-dir'], 'import-c: -I nonexistent-dir: no such directory'],
			[['import-c', 'header.h', '-Inonexistent-dir'], 'import-c: -I nonexistent-dir: no such directory'],
			[['import-c', 'header.h', '--abi', 'wasm16'], 'import-c: --abi wasm16 is not one of wasm32, wasm64, emscripten'],
			[['import-c', 'header.h', '--lang', 'objc'], 'import-c: --lang objc is not c or c++'],
			[['generate', 'structs.ts', '--out', 'a', '--out', 'b'], 'generate: --out is given twice (a and b)'],
			[['generate', 'structs.ts', '--out', 'a', '-I', '.'], "generate: unexpected argument '-I'"],
		]
		for (const [args, line] of cases) {
			const result = runBin(args)
			expect([result.status, result.stdout, result.stderr], args.join(' ')).to.deep.equal([2, '', `wasm-heap-manager: ${line}\n${usage}\n`])
		}
	})

	it('on a Node that cannot load .ts, without tsx, generate says so; started by bunx (which runs the bin with Node), it says to run bunx --bun (exit 1)', function () {
		if ((process.features as { typescript?: unknown }).typescript) this.skip() // Node 22.18+ strips types itself
		const plain = runBin(['generate', 'structs.ts', '--out', 'gen'])
		const message = 'wasm-heap-manager: generate: this Node cannot load structs.ts by itself; install tsx (npm install --save-dev tsx) or give a .js/.mjs module\n'
		expect([plain.status, plain.stderr]).to.deep.equal([1, message])
		const bunx = spawnSync(process.execPath, [bin(), 'generate', 'structs.ts', '--out', 'gen'], {
			cwd: project,
			encoding: 'utf8',
			env: { ...process.env, NO_COLOR: '1', npm_config_user_agent: 'bun/1.3.0 npm/? node/v24.3.0 linux x64' },
		})
		expect([bunx.status, bunx.stderr]).to.deep.equal([1, message.replace('; install tsx', '; run bunx --bun wasm-heap-manager (plain bunx runs the command with Node), install tsx')])
		expect(existsSync(join(project, 'gen'))).to.equal(false)
	})

	it('without ts-morph, generate says to install it (exit 1)', () => {
		symlinkSync(installed('tsx'), join(project, 'node_modules/tsx'), 'dir')
		const result = runBin(['generate', 'structs.ts', '--out', 'gen'])
		expect(result.status).to.equal(1)
		expect(result.stderr).to.equal('wasm-heap-manager: wasm-heap-manager generate needs ts-morph, an optional peer dependency: npm install --save-dev ts-morph\n')
		expect(existsSync(join(project, 'gen'))).to.equal(false)
	})

	it('a ts-morph that is there but fails to load is named with its error, not taken for a missing one (Deno without --allow-env, a broken install)', () => {
		const stub = join(project, 'node_modules/ts-morph')
		mkdirSync(stub)
		writeFileSync(join(stub, 'package.json'), JSON.stringify({ name: 'ts-morph', version: '0.0.0', type: 'module', main: 'index.js' }))
		writeFileSync(join(stub, 'index.js'), `throw new Error('Requires env access to "TSC_WATCHFILE"')\n`)
		try {
			const result = runBin(['generate', 'structs.ts', '--out', 'gen'])
			expect(result.status).to.equal(1)
			expect(result.stderr).to.equal('wasm-heap-manager: generate: cannot load ts-morph: Requires env access to "TSC_WATCHFILE"\n')
			expect(existsSync(join(project, 'gen'))).to.equal(false)
		} finally {
			rmSync(stub, { recursive: true, force: true })
		}
	})

	it('generate writes gen/structs.ts and gen/structs.h; the module type-checks strictly against the installed package (fields named like internal ones too) and works', () => {
		symlinkSync(installed('ts-morph'), join(project, 'node_modules/ts-morph'), 'dir')
		const result = runBin(['generate', 'structs.ts', '--out', 'gen', '--abi', 'wasm32'])
		expect(result.stderr).to.equal('')
		expect(result.status).to.equal(0)
		expect(result.stdout).to.equal('wrote gen/structs.ts and gen/structs.h\n')
		const module = readFileSync(join(project, 'gen/structs.ts'), 'utf8')
		expect(module).to.include(`import * as declarations from '../structs.js'`)
		expect(module).to.include('export class ParticleRef extends StructRef<typeof declarations.Particle>')
		// a consumer's strict compile of the generated module and a use of it
		writeFileSync(
			join(project, 'use.ts'),
			[
				`import { createWasmHeapManager } from 'wasm-heap-manager'`,
				`import { ParticleRef, ParticleArrayRef, TaggedRef, TaggedArrayRef } from './gen/structs.js'`,
				`const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))`,
				`const particle: ParticleRef = heap.allocStruct(ParticleRef, { mass: 2 })`,
				`const tagged: TaggedArrayRef = heap.allocStructArray(TaggedRef, 2)`,
				`const value: number = tagged.at(1, tagged.at(0)).value`,
				`void value`,
				`const mass: number = particle.mass`,
				`const array: ParticleArrayRef = heap.allocStructArray(ParticleRef, 2)`,
				`array.at(1).position.x = mass`,
				`// @ts-expect-error a mass is a number`,
				`particle.mass = 'heavy'`,
				'',
			].join('\n'),
		)
		const program = ts.createProgram([join(project, 'use.ts')], strictCompilerOptions)
		const diagnostics = ts.getPreEmitDiagnostics(program)
		expect(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => project, getNewLine: () => '\n' })).to.equal('')
		const header = readFileSync(join(project, 'gen/structs.h'), 'utf8')
		expect(header).to.include('static_assert(sizeof(struct Particle) == 20, "sizeof(struct Particle) on wasm32");')
		// the generated classes run in the scratch project (through tsx, which loads the .ts files)
		writeFileSync(
			join(project, 'run.ts'),
			[
				`import { createWasmHeapManager } from 'wasm-heap-manager'`,
				`import { ParticleRef } from './gen/structs.js'`,
				`const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))`,
				`const particle = heap.allocStruct(ParticleRef, { mass: 2, position: { x: 5, y: 6 } })`,
				`particle.mass = 3`,
				`console.log(JSON.stringify([particle instanceof ParticleRef, particle.mass, particle.position.y, heap.readStruct(ParticleRef.structType, particle.address).mass]))`,
				'',
			].join('\n'),
		)
		const ran = spawnSync(process.execPath, ['--import', 'tsx', 'run.ts'], { cwd: project, encoding: 'utf8' })
		expect(ran.stderr).to.equal('')
		expect(JSON.parse(ran.stdout)).to.deep.equal([true, 3, 6, 3])
	})

	it('import-c prints the declarations of a header (clang on the PATH), or says which clang is missing', function () {
		writeFileSync(join(project, 'shapes.h'), 'typedef struct { float x, y; } Vec2;\nstruct Body { Vec2 at; double mass; struct Body *next; };\n')
		const missing = runBin(['import-c', 'shapes.h', '--clang', '/nonexistent/clang'])
		expect(missing.status).to.equal(1)
		expect(missing.stderr).to.equal('wasm-heap-manager: import-c: cannot run /nonexistent/clang: not found; install clang (apt-get install clang-14) or pass --clang <path>\n')
		const clang = clangOrSkip(this)
		const result = runBin(['import-c', 'shapes.h', '--abi', 'wasm64'])
		expect(result.stderr).to.equal('')
		expect(result.stdout).to.include(`import { defineStruct, type StructType } from 'wasm-heap-manager'`)
		expect(result.stdout).to.include("export const Vec2 = defineStruct(\n\t'Vec2',\n\t{\n\t\tx: 'Float32',\n\t\ty: 'Float32',\n\t},\n)")
		expect(result.stdout).to.include("\t\tat: Vec2,\n\t\tmass: 'Float64',\n\t\tnext: { pointer: (): StructType => Body },")
		// -D for the header's macros; what is left out is said on stderr, the rest printed (exit 0)
		writeFileSync(join(project, 'rows.h'), 'struct Row { int cells[WIDTH]; };\nstruct Wide { long double x; };\n')
		const rows = runBin(['import-c', 'rows.h', '-D', 'WIDTH=4', '--clang', clang])
		expect([rows.status, rows.stderr]).to.deep.equal([0, 'wasm-heap-manager: import-c: Wide: left out, it uses the C type long double, which no field type offers\n'])
		expect(rows.stdout).to.include("\t\tcells: { array: 'Int32', length: 4 },")
		expect(rows.stdout).to.include('// Wide: left out, it uses the C type long double, which no field type offers\n')
	})
})
