/**
 * `npm run bench:browser`: the numeric, access (refs included) and strings suites in
 * headless Chromium, each on a plain and on a shared memory, and the two struct suites
 * (structs, structs-codegen) on a plain memory, with the Node harness.
 *
 *   npm run bench:browser                        every suite, both memories
 *   npm run bench:browser -- numeric             some suites (numeric, access, strings, structs, structs-codegen)
 *   npm run bench:browser -- --memory=shared     one memory (plain or shared)
 *   npm run bench:browser -- --out=some.json     the results elsewhere
 *   npm run bench:browser -- numeric --filter=readInt32 --regime=pristine
 *                                                only the cases whose name matches, one regime of the suites timed in both
 *   npm run bench:browser -- --js-flags=--trace-osr,--trace-deopt
 *                                                V8 flags for Chromium; their output is printed
 *   BENCH_ROUNDS=41 BENCH_WARMUP_ROUNDS=15 BENCH_BATCH_NS=2000000 npm run bench:browser
 *                                                as for `npm run bench`
 *
 * How: the suites are bundled with esbuild (bench/browser/worker.ts, with `library.js`
 * resolved to the shipped build, dist/index.js, rebuilt first when older than src/) and
 * served from 127.0.0.1 with cross-origin isolation (COOP same-origin, COEP
 * require-corp), so that `SharedArrayBuffer` exists. Chromium (/usr/bin/chromium, or
 * CHROMIUM) is driven through playwright-core, found where `npm run test:runtimes`
 * installs it (node_modules/.cache/runtimes) or installed into node_modules/.cache/bench-browser.
 * Each suite, memory and regime runs in a module Web Worker of its own, a V8 isolate of
 * its own, as each suite runs in a process of its own on Node.
 *
 * Memories: `plain` is the Emscripten fixture's heap for the access and strings suites
 * (with Emscripten's helpers as baselines), a `WebAssembly.Memory` of its own for the
 * numeric suite; `shared` is a shared `WebAssembly.Memory` with a bump allocator, and no
 * Emscripten baselines (see bench/heapSource.ts). The numeric suite runs in both regimes
 * (pristine and realistic) and both loop shapes, as on Node. The struct suites make a plain
 * `WebAssembly.Memory` of their own, as on Node: they run once, as the plain memory, in
 * both regimes.
 *
 * bench/chromium-long-loop.ts uses `--filter`, `--regime` and `BENCH_BUILD` to time and trace
 * variants of one hot path.
 *
 * Results: bench/results/latest.chromium.json for a whole run (every suite, both
 * memories), subset.chromium.json otherwise; `npm run bench:report` puts the Chromium
 * table beside Node's in BENCHMARKS.md.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { describeMachine, describeSource, ensureFreshBuild } from './build-state.js'
import type { CaseResult, RunOptions } from './harness.js'
import type { MemoryKind } from './heapSource.js'
import { writeResults } from './results-file.js'
import { launchChromium, serveIsolated, type PlaywrightBrowser } from './browser/chromium.js'
import { browserSuites, plainMemoryOnly, suitesWithRegimes, type BrowserSuite, type Job } from './browser/jobs.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'

// ---------------------------------------------------------------------------------
// Arguments

const argv = process.argv.slice(2)
const flag = (name: string): string | undefined => argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3)
const suites = argv.filter((arg) => !arg.startsWith('--'))
const unknown = suites.filter((name) => !(browserSuites as readonly string[]).includes(name))
if (unknown.length > 0) {
	console.error(`bench:browser: unknown suite(s) ${unknown.join(', ')}; known: ${browserSuites.join(', ')}`)
	process.exit(2)
}
const wantedSuites: BrowserSuite[] = suites.length === 0 ? [...browserSuites] : (suites as BrowserSuite[])
const memoryFlag = flag('memory')
if (memoryFlag !== undefined && memoryFlag !== 'plain' && memoryFlag !== 'shared') {
	console.error(`bench:browser: --memory must be plain or shared, got ${memoryFlag}`)
	process.exit(2)
}
const memories: MemoryKind[] = memoryFlag === undefined ? ['plain', 'shared'] : [memoryFlag]
const jsFlags = flag('js-flags')
const caseFilter = flag('filter')
const regimeFlag = flag('regime')
const whole = wantedSuites.length === browserSuites.length && memories.length === 2 && caseFilter === undefined && regimeFlag === undefined
const output = resolve(flag('out') ?? fileURLToPath(new URL(`./results/${whole ? 'latest' : 'subset'}.chromium.json`, import.meta.url)))

const number = (name: string, fallback: number): number => {
	const value = Number(process.env[name] ?? fallback)
	if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number, got ${process.env[name]}`)
	return value
}
const options: RunOptions = {
	rounds: Math.max(1, number('BENCH_ROUNDS', 25)),
	warmupRounds: number('BENCH_WARMUP_ROUNDS', 15),
	minimumBatchNs: number('BENCH_BATCH_NS', 2_000_000),
}

/** The `BENCH_*` settings, passed to the workers (see runtime.ts's `environment`). */
const environment = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('BENCH_') && entry[1] !== undefined))

// ---------------------------------------------------------------------------------
// The bundle

/** `library.js` is the shipped build; the fixture is imported as the CommonJS module it is. */
function browserModules(): Plugin {
	// BENCH_BUILD: a folder holding another build's dist/index.js, as for `npm run bench` (bench/library.ts).
	const dist = process.env.BENCH_BUILD === undefined ? join(root, 'dist/index.js') : resolve(process.env.BENCH_BUILD, 'dist/index.js')
	const fixture = join(root, 'test/fixtures/emscripten/heaplib.cjs')
	return {
		name: 'bench-browser-modules',
		setup(setup) {
			setup.onResolve({ filter: /\/library\.js$/ }, () => ({ path: 'library', namespace: 'bench-browser' }))
			setup.onResolve({ filter: /\/emscriptenFixture\.js$/ }, () => ({ path: 'emscriptenFixture', namespace: 'bench-browser' }))
			setup.onLoad({ filter: /.*/, namespace: 'bench-browser' }, ({ path }) => ({
				resolveDir: root,
				loader: 'js',
				contents:
					path === 'library'
						? `export * from ${JSON.stringify(dist)}`
						: `import factory from ${JSON.stringify(fixture)}\nexport async function loadEmscriptenHeaplib() { return factory() }`,
			}))
		},
	}
}

async function bundle(directory: string): Promise<void> {
	await build({
		entryPoints: { worker: join(root, 'bench/browser/worker.ts'), page: join(root, 'bench/browser/page.ts') },
		outdir: directory,
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		// The fixture's Node branch requires these; it never runs in a browser.
		external: ['fs', 'path', 'crypto'],
		plugins: [browserModules()],
		logLevel: 'warning',
	})
	writeFileSync(
		join(directory, 'index.html'),
		'<!doctype html>\n<meta charset="utf-8">\n<title>wasm-heap-manager benchmarks</title>\n<script type="module" src="page.js"></script>\n',
	)
}

// ---------------------------------------------------------------------------------
// Main

if (!existsSync(chromiumPath)) {
	console.error(`bench:browser: no Chromium at ${chromiumPath}: apt-get install -y chromium, or set CHROMIUM`)
	process.exit(1)
}
if (ensureFreshBuild()) console.log('dist/ was older than src/: rebuilt it')
const started = Date.now()
const machine = describeMachine()
const directory = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-bench-browser-'))
const results: CaseResult[] = []
const skipped = new Set<string>()
let browserVersion = 'unknown'
let userAgent = 'unknown'
let server: Server | undefined
let browser: PlaywrightBrowser | undefined
try {
	await bundle(directory)
	const served = await serveIsolated(directory)
	server = served.server
	// V8's tracing goes to the renderer's stdout, which playwright passes to its `pw:browser` log.
	if (jsFlags !== undefined) process.env.DEBUG = [process.env.DEBUG, 'pw:browser'].filter(Boolean).join(',')
	browser = await launchChromium(chromiumPath, jsFlags)
	browserVersion = browser.version()
	const page = await browser.newPage()
	page.on('console', (message) => console.log(message.text()))
	page.on('pageerror', (error) => console.error(`page error: ${error.message}`))
	await page.goto(`http://127.0.0.1:${served.port}/`, { waitUntil: 'load', timeout: 60_000 })
	await page.waitForFunction('globalThis.benchPageReady !== undefined', undefined, { timeout: 60_000 })
	const ready = await page.evaluate(() => (globalThis as unknown as { benchPageReady: { crossOriginIsolated: boolean; userAgent: string } }).benchPageReady, undefined)
	if (!ready.crossOriginIsolated) throw new Error('bench:browser: the page is not cross-origin isolated: no SharedArrayBuffer')
	userAgent = ready.userAgent
	console.log(`wasm-heap-manager benchmarks in Chromium ${browserVersion} (${userAgent}); library: dist/index.js, ${describeSource()}`)
	for (const memory of memories) {
		for (const suite of wantedSuites) {
			if (memory !== 'plain' && plainMemoryOnly.includes(suite)) continue
			const withRegimes = suitesWithRegimes.includes(suite)
			for (const regime of withRegimes ? (['pristine', 'realistic'] as const) : (['pristine'] as const)) {
				if (regimeFlag !== undefined && withRegimes && regime !== regimeFlag) continue
				const job: Job = { suite, memory, regime, options, environment, ...(caseFilter === undefined ? {} : { filter: caseFilter }) }
				const jobStarted = Date.now()
				const done = await page.evaluate(
					(job) => (globalThis as unknown as { runBenchJob(job: unknown): Promise<{ results: CaseResult[]; skipped: string[] }> }).runBenchJob(job),
					job,
				)
				console.log(`(${suite}, ${memory} memory, ${regime}: ${((Date.now() - jobStarted) / 1000).toFixed(1)} s)`)
				results.push(...done.results)
				for (const line of done.skipped) skipped.add(line)
			}
		}
	}
} finally {
	await browser?.close().catch(() => {})
	server?.close()
	rmSync(directory, { recursive: true, force: true })
}

const seconds = Math.round((Date.now() - started) / 1000)
writeResults(output, results, {
	runtime: `chromium ${browserVersion}`,
	browser: { version: browserVersion, userAgent, executable: chromiumPath, ...(jsFlags === undefined ? {} : { jsFlags }) },
	library: `dist/index.js (the rollup build), ${describeSource()}`,
	suites: wantedSuites,
	memories,
	...(skipped.size === 0 ? {} : { skipped: [...skipped] }),
	rounds: options.rounds,
	warmupRounds: options.warmupRounds,
	minimumBatchNs: options.minimumBatchNs,
	durationSeconds: seconds,
	machine: { ...machine, loadAverageAtEnd: loadavg().map((load) => Math.round(load * 100) / 100) },
})
console.log(`\n${results.length} cases in Chromium in ${Math.floor(seconds / 60)} min ${seconds % 60} s; results in ${output}`)
