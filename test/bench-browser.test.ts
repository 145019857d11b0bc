/**
 * `npm run bench:browser` end to end, at 1% of its iterations, one round of 0.2 ms batches (no timing
 * is asserted: performance claims live in bench/): the suites are bundled, served
 * cross-origin isolated, run in headless Chromium on a plain and on a shared memory (the
 * struct suites on the plain one), and the results file holds every case the same suites
 * build on Node, with a finite, positive time for the library and for every baseline.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { CaseResult } from '../bench/harness.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium'

interface BrowserResults {
	readonly runtime: string
	readonly memories: string[]
	readonly skipped?: string[]
	readonly results: CaseResult[]
}

/** The case names Node's suites build on each memory, and the element rows Node skipped (Float16 before Node 24). */
async function nodeCases(): Promise<{ names: Map<string, Set<string>>; skippedRows: string[] }> {
	process.env.BENCH_LIBRARY ??= 'src'
	const library = await import('../src/index.js')
	const { createNumericCases } = await import('../bench/numeric.bench.js')
	const { createAccessCases } = await import('../bench/access.bench.js')
	const { createStringCases } = await import('../bench/strings.bench.js')
	const { createStructCases } = await import('../bench/structs.bench.js')
	const { createStructsCodegenCases } = await import('../bench/structs-codegen.bench.js')
	const { emscriptenHeapSource, sharedHeapSource } = await import('../bench/heapSource.js')
	const { skippedCases } = await import('../bench/elements.js')
	const names = new Map<string, Set<string>>()
	const add = (memory: string, cases: { suite: string; name: string }[]): void => {
		for (const { suite, name } of cases) {
			const key = `${memory} / ${suite}`
			names.set(key, (names.get(key) ?? new Set()).add(name))
		}
	}
	process.env.BENCH_SCALE = '0.001'
	try {
		for (const shared of [false, true]) {
			const memory = shared ? 'shared' : 'plain'
			add(memory, createNumericCases(library, { shared, regime: 'pristine', suite: 'numeric' }))
			add(memory, createNumericCases(library, { shared, regime: 'realistic', suite: 'numeric realistic' }))
			const source = shared ? await sharedHeapSource() : await emscriptenHeapSource()
			add(memory, createAccessCases(source))
			add(memory, createStringCases(source))
		}
		// The struct suites make a plain memory of their own: they run once, as the plain memory, in both regimes.
		for (const regime of ['pristine', 'realistic'] as const) {
			add('plain', createStructCases(library, regime))
			add('plain', createStructsCodegenCases(regime))
		}
	} finally {
		delete process.env.BENCH_SCALE
	}
	const skippedRows = skippedCases().map((line) => /^\S+ suite: (\w+):/.exec(line)?.[1] ?? line)
	return { names, skippedRows }
}

describe('npm run bench:browser (smoke: 1% of the iterations, one round)', function () {
	// About a minute on an idle 2-core machine; five times that leaves room for a loaded one.
	this.timeout(330_000)
	let directory = ''
	let data: BrowserResults

	before(function () {
		if (!existsSync(chromium)) throw new Error(`no Chromium at ${chromium}: apt-get install -y chromium, or set CHROMIUM`)
		directory = mkdtempSync(join(tmpdir(), 'bench-browser-test-'))
		const output = join(directory, 'results.json')
		const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/browser.ts', `--out=${output}`], {
			cwd: root,
			encoding: 'utf8',
			timeout: 320_000,
			env: { ...process.env, BENCH_SCALE: '0.01', BENCH_ROUNDS: '1', BENCH_WARMUP_ROUNDS: '0', BENCH_BATCH_NS: '200000' },
		})
		const ended = run.error !== undefined ? `failed (${run.error.message}; a timeout kills it after 320 s)` : `exited with ${run.status}${run.signal === null ? '' : ` (${run.signal})`}`
		expect(run.status, `bench/browser.ts ${ended}:\n${run.stdout}\n${run.stderr}`).to.equal(0)
		data = JSON.parse(readFileSync(output, 'utf8')) as BrowserResults
	})

	after(() => {
		if (directory) rmSync(directory, { recursive: true, force: true })
	})

	it('ran in Chromium, cross-origin isolated, on both memories', () => {
		expect(data.runtime).to.match(/^chromium \d+\./)
		expect(data.memories).to.deep.equal(['plain', 'shared'])
		expect(new Set(data.results.map((result) => result.memory))).to.deep.equal(new Set(['plain', 'shared']))
	})

	it('has every case Node builds, on each memory, and nothing else but rows Node cannot run', async () => {
		const { names, skippedRows } = await nodeCases()
		expect(names.size, 'numeric, numeric realistic, access, strings on two memories; structs and structs-codegen in two regimes on the plain one').to.equal(12)
		for (const [key, expected] of names) {
			const [memory, suite] = key.split(' / ')
			const got = data.results.filter((result) => result.memory === memory && result.suite === suite).map((result) => result.name)
			expect(new Set(got).size, `${key}: a case twice`).to.equal(got.length)
			expect([...expected].filter((name) => !got.includes(name)), `${key}: cases missing in Chromium`).to.deep.equal([])
			const extra = got.filter((name) => !expected.has(name))
			expect(extra.filter((name) => !skippedRows.some((row) => name.includes(row))), `${key}: cases Node does not build`).to.deep.equal([])
		}
		expect(data.results.length).to.be.at.least([...names.values()].reduce((sum, set) => sum + set.size, 0))
	})

	it('gives every case a finite, positive time for the library and each baseline, and a ratio per baseline', () => {
		for (const result of data.results) {
			const label = `${result.memory} / ${result.suite} / ${result.name}`
			const variants = Object.keys(result.nsPerOperation)
			expect(variants, label).to.include('library')
			expect(variants.length, `${label}: no baseline`).to.be.at.least(2)
			for (const [variant, ns] of Object.entries(result.nsPerOperation)) {
				expect(Number.isFinite(ns) && ns > 0, `${label} / ${variant}: ${ns} ns`).to.equal(true)
			}
			expect(Object.keys(result.ratios).sort(), label).to.deep.equal(variants.filter((name) => name !== 'library').sort())
		}
	})

	it('has Emscripten baselines on the plain memory only, and both loop shapes of the numeric cases', () => {
		const withEmscripten = (memory: string): number => data.results.filter((result) => result.memory === memory && result.nsPerOperation.emscripten !== undefined).length
		expect(withEmscripten('plain')).to.be.greaterThan(20)
		expect(withEmscripten('shared')).to.equal(0)
		for (const memory of ['plain', 'shared']) {
			const numeric = data.results.filter((result) => result.memory === memory && result.suite === 'numeric')
			expect(numeric.filter((result) => result.name.endsWith('(64 calls)')).length * 2, memory).to.equal(numeric.length)
		}
	})
})
