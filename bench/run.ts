/**
 * `npm run bench`: runs each suite in a process of its own (library and baselines of a
 * case always share one process, interleaved), prints tables of time per operation,
 * throughput and ratios (library speed / baseline speed: above 1 means the library is
 * faster), and writes bench/results/latest.json (with the machine it ran on), which
 * `bench/chart.ts` and `bench/benchmarks-md.ts` turn into bench/chart.svg and BENCHMARKS.md.
 * A run of some suites only writes bench/results/subset.json instead, so that the
 * report always shows a whole run.
 *
 *   npm run bench                       every suite
 *   npm run bench -- strings            only the named suites (numeric, access, strings, allocation, ownership, structs, structs-codegen, tracking, atomics, heapAllocator)
 *   BENCH_ROUNDS=41 npm run bench       more rounds
 *   BENCH_ROUNDS=301 BENCH_BATCH_NS=100000 npm run bench -- ownership
 *                                       short batches, many rounds: steadier on a loaded machine
 *   BENCH_BATCH_NS=200000 npm run bench shorter timed batches (default 2 ms): on a busy machine fewer are interrupted
 *   BENCH_SETTLE_NS=0 npm run bench     no settling: the timed batches run untimed for 150 ms before the rounds of each case without `prepare` by default
 *   BENCH_LIBRARY=src npm run bench     the TypeScript sources (compiled like the bench code) instead of dist/ (see library.ts)
 *   BENCH_MANAGERS=3 npm run bench -- numeric allocation
 *                                       the numeric cases with two more managers alive (see numeric.bench.ts)
 *   BENCH_GROWN=1 npm run bench -- numeric
 *                                       ... with every heap grown once before the cases
 *   npx tsx bench/compare-builds.ts     the numeric cases against two commits' builds in one process
 *   BENCH_REGIME=pristine npm run bench only one regime of the suites that have two
 *   BENCH_FILTER='^UTF-8 write' npm run bench -- strings
 *                                       only the cases whose name matches the regular expression
 *   npm run bench:node24                the same on Node 24 (bench/node24.mjs; results in latest.node24.json)
 *   BENCH_CHILDREN=tsx npm run bench    the suite processes through tsx, as this process (see below)
 *
 * Regimes. The numeric, allocation, strings, struct and heapAllocator suites run twice, each time in a fresh process:
 * `pristine`, and `realistic`, where before anything is timed one memory has grown (V8's
 * ArrayBufferDetaching protector is gone: every typed-array access then carries a detach
 * test) and every error path of the measured methods has been taken once (V8 then
 * compiles the cold paths as calls instead of deoptimisation exits). Every program that
 * grows its memory, or once catches a range error, runs in the second state. Cases of
 * the realistic run are in the suite `numeric realistic` / `allocation realistic` /
 * `strings realistic` / `heapAllocator realistic`.
 * Each numeric case is timed in two loop shapes: one long loop in one call (V8 compiles
 * it by on-stack replacement) and the same loop split into many short calls.
 *
 * By default the suites load the shipped build, dist/index.js, which is rebuilt first
 * (`npm run build`) when src/ or generated/ is newer.
 *
 * Why a process per suite: loops of a few nanoseconds move with the process around
 * them. Loading the Emscripten fixture makes the numeric cases (library and raw alike)
 * about 1 ns slower per access (Node 20: readInt32 2.4 -> 3.5 ns, raw 1.4 -> 1.6 ns), and
 * so does detaching any ArrayBuffer, e.g. by growing a heap (see numeric.bench.ts);
 * more managers alive, without growth, change nothing measurable (bench/compare-builds.ts,
 * configuration 3). A suite that changed its neighbour's process would measure the
 * neighbour, not the case. So the numeric suite never loads the Emscripten module, and
 * each suite runs in a process of its own.
 *
 * Why the suite processes run compiled JavaScript: this process (through tsx) compiles
 * the bench code with esbuild into a mirror of the checkout under .tmp/ and starts each
 * suite there without tsx (bench/compiled-children.ts). Loading tsx invalidates a V8
 * protector (`--trace-protector-invalidation`): ArrayBufferDetaching on Node 20, so that
 * the pristine regime was the detached state, and TypedArrayLengthLookupChain on Node 24,
 * after which Maglev calls a builtin for each typed array's `length`. A plain program is
 * in neither state.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { describeMachine, describeSource, ensureFreshBuild } from './build-state.js'
import { defaultRunOptions, runSuite, type BenchCase, type CaseResult } from './harness.js'
import { writeResults } from './results-file.js'
import { skippedCases } from './elements.js'
import { describeMisses } from './notes.js'

type Regime = 'pristine' | 'realistic'

interface Suite {
	title: string
	/** The baselines' columns, in order; a column no case carries (an optional baseline not installed) is left out. */
	baselines: string[]
	/** The regimes it runs in, each in a process of its own (default: pristine only). */
	regimes?: readonly Regime[]
	load: (regime: Regime) => Promise<BenchCase[]>
	/** Untimed measurements after the cases (printed lines, recorded data, missed goals as lines). */
	report?: () => Promise<{ lines: string[]; data: Record<string, unknown>; missed: string[] }>
}

const suites: Record<string, Suite> = {
	numeric: {
		title: 'Numeric access (vs the same loop on typed arrays / DataView)',
		baselines: ['raw'],
		regimes: ['pristine', 'realistic'],
		load: async (regime) => {
			const { createNumericCases, numericOptionsFromEnvironment } = await import('./numeric.bench.js')
			return createNumericCases(await import('./library.js'), numericOptionsFromEnvironment(regime))
		},
	},
	access: {
		title: 'Every width, atomics, refs and views on the Emscripten heap (vs DataView/typed arrays, and getValue/setValue)',
		baselines: ['raw', 'typed', 'emscripten'],
		load: async () => (await import('./access.bench.js')).createAccessCases(await (await import('./heapSource.js')).emscriptenHeapSource()),
	},
	strings: {
		title: 'Null-terminated strings (vs raw TextDecoder/TextEncoder, Emscripten helpers, and the published 0.5.1 if unpacked in .tmp/)',
		baselines: ['raw', 'emscripten', '0.5.1'],
		regimes: ['pristine', 'realistic'],
		load: async (regime) => {
			const source = await (await import('./heapSource.js')).emscriptenHeapSource()
			const published = await (await import('./published.js')).loadPublished(source.module)
			return (await import('./strings.bench.js')).createStringCases(source, { regime, published })
		},
	},
	allocation: {
		title: 'Allocation through the Emscripten malloc/free, tracking on (vs bare _malloc/_free, and Emscripten string helpers)',
		baselines: ['raw', 'emscripten'],
		regimes: ['pristine', 'realistic'],
		load: async (regime) => (await import('./allocation.bench.js')).createAllocationCases(regime),
	},
	ownership: {
		title: 'The allocator contract and scopes on the Rust fixture (vs bare alloc/dealloc with size and alignment, and try/finally with free())',
		baselines: ['raw', 'try/finally'],
		load: async () => (await import('./ownership.bench.js')).ownershipCases,
	},
	structs: {
		title: 'Structs: fields of a 40-byte struct array through at(i), a cursor and readStruct (vs typed arrays, and six read* calls)',
		baselines: ['raw', 'six reads'],
		regimes: ['pristine', 'realistic'],
		load: async (regime) => (await import('./structs.bench.js')).createStructCases(await import('./library.js'), regime),
	},
	'structs-codegen': {
		title: 'Generated struct classes (library = the classes `generate` wrote; vs raw typed arrays, and vs the runtime defineStruct refs)',
		baselines: ['raw', 'runtime'],
		regimes: ['pristine', 'realistic'],
		load: async (regime) => (await import('./structs-codegen.bench.js')).createStructsCodegenCases(regime),
	},
	tracking: {
		title: 'The allocation table: free(address) against the number of live refs, tracking on vs off, debug mode off vs on (vs bare _free/_malloc)',
		baselines: ['raw', 'tracking off', 'default', 'debug on', '100 live', '10k live'],
		load: async () => (await import('./tracking.bench.js')).trackingCases,
	},
	atomics: {
		title: 'Atomic read-modify-write on a shared memory (vs Atomics on the raw typed arrays)',
		baselines: ['raw'],
		load: async () => (await import('./atomics.bench.js')).atomicsCases,
	},
	heapAllocator: {
		title: 'The built-in allocator: alloc + free of 16–256 B (vs Emscripten\'s malloc/free called from JavaScript, and @thi.ng/malloc if installed)',
		baselines: ['emscripten', '@thi.ng/malloc'],
		regimes: ['pristine', 'realistic'],
		load: async (regime) => (await import('./heapAllocator.bench.js')).createHeapAllocatorCases(regime),
		report: async () => (await import('./heapAllocator.bench.js')).heapAllocatorReport(),
	},
}

/** Results of a Node other than the project's reference (Node 20) go to files of their own: latest.node24.json. */
const nodeMajor = Number(process.versions.node.split('.')[0])
const runtimeSuffix = nodeMajor === 20 ? '' : `.node${nodeMajor}`
const resultsFile = (name: string): string => fileURLToPath(new URL(`./results/${name}.json`, import.meta.url))
const [first, ...rest] = process.argv.slice(2)

if (first === '--suite') {
	// Child process: one suite, its results written where the parent said.
	const suite = suites[rest[0]!]!
	const regime = rest[2] as Regime
	// BENCH_FILTER: only the cases whose name matches this regular expression.
	const filter = process.env.BENCH_FILTER === undefined ? undefined : new RegExp(process.env.BENCH_FILTER)
	const cases = (await suite.load(regime)).filter((benchCase) => filter === undefined || filter.test(benchCase.name))
	const baselines = suite.baselines.filter((name) => cases.some((benchCase) => benchCase.baselines[name] !== undefined))
	const results = runSuite(`${suite.title}${regime === 'realistic' ? ', realistic regime (a memory grown and every error path taken once first)' : ''}`, cases, baselines)
	// Rows of the element table this engine cannot run (e.g. no Float16Array before Node 24).
	for (const line of skippedCases()) console.log(`skipped ${line}`)
	const report = suite.report === undefined ? undefined : await suite.report()
	if (report !== undefined) console.log(`\n${report.lines.join('\n')}`)
	writeResults(rest[1]!, results, { skipped: skippedCases(), ...(report === undefined ? {} : { report: report.data, reportMissed: report.missed }) })
} else {
	const wanted = first === undefined ? Object.keys(suites) : [first, ...rest]
	const unknown = wanted.filter((name) => suites[name] === undefined)
	if (unknown.length > 0) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`)
	const started = Date.now()
	const managers =
		(process.env.BENCH_MANAGERS === undefined || process.env.BENCH_MANAGERS === '1' ? '' : `; the numeric and allocation suites with ${process.env.BENCH_MANAGERS} managers alive`) +
		(process.env.BENCH_GROWN === '1' ? '; every numeric heap grown once before the cases' : '')
	// The suite processes run this file compiled, from a mirror of the checkout (bench/compiled-children.ts; only this
	// process loads esbuild); with BENCH_CHILDREN=tsx they load tsx as this one does (the old way, to compare).
	const children = await (await import('./compiled-children.js')).suiteProcess(fileURLToPath(new URL('..', import.meta.url)), fileURLToPath(import.meta.url))
	const sources = children.compiled ? 'src (the TypeScript sources compiled by esbuild, file by file)' : 'src (TypeScript sources through tsx)'
	const library = `${process.env.BENCH_LIBRARY === 'src' ? sources : 'dist/index.js (the rollup build)'}, ${describeSource()}${managers}`
	if (process.env.BENCH_LIBRARY !== 'src' && ensureFreshBuild()) console.log('dist/ was older than src/: rebuilt it')
	const machine = describeMachine()
	console.log(`wasm-heap-manager benchmarks: node ${process.version}, ${process.platform} ${process.arch}, ${machine.cpu} x ${machine.cores}`)
	console.log(`library: ${library}; load average at start ${(machine.loadAverageAtStart as number[]).join(' ')}`)
	const results: CaseResult[] = []
	const skipped: string[] = []
	const reports: Record<string, unknown> = {}
	const reportMissed: string[] = []
	const regimeFilter = process.env.BENCH_REGIME
	for (const name of wanted) for (const regime of suites[name]!.regimes ?? ['pristine']) {
		if (regimeFilter !== undefined && regimeFilter !== regime && suites[name]!.regimes !== undefined) continue
		// A file of this run's own: another run going on at the same time cannot mix in.
		const childFile = resultsFile(`${name}.${regime}.${process.pid}`)
		const child = spawnSync(process.execPath, [...children.execArgv, children.script, '--suite', name, childFile, regime], {
			stdio: ['ignore', 'inherit', 'inherit'],
		})
		if (child.status !== 0) throw new Error(`suite ${name} (${regime}) failed (exit ${child.status})`)
		const suiteResults = JSON.parse(readFileSync(childFile, 'utf8')) as {
			results: CaseResult[]
			skipped?: string[]
			report?: unknown
			reportMissed?: string[]
		}
		results.push(...suiteResults.results)
		skipped.push(...(suiteResults.skipped ?? []))
		if (suiteResults.report !== undefined) reports[regime === 'realistic' ? `${name} realistic` : name] = suiteResults.report
		reportMissed.push(...(suiteResults.reportMissed ?? []))
		rmSync(childFile)
	}
	const seconds = Math.round((Date.now() - started) / 1000)
	const whole = Object.keys(suites).every((name) => wanted.includes(name))
	const resultsName = `${whole ? 'latest' : 'subset'}${runtimeSuffix}`
	writeResults(resultsFile(resultsName), results, {
		library,
		suiteProcesses: children.compiled ? 'compiled JavaScript, without tsx' : 'tsx',
		suites: wanted,
		...(skipped.length === 0 ? {} : { skipped }),
		...(Object.keys(reports).length === 0 ? {} : { reports }),
		rounds: results[0]?.rounds,
		warmupRounds: defaultRunOptions.warmupRounds,
		settleNs: defaultRunOptions.settleNs,
		durationSeconds: seconds,
		machine: { ...machine, loadAverageAtEnd: loadavg().map((load) => Math.round(load * 100) / 100) },
	})
	const missed = results.flatMap((result) => result.missed.map((baseline) => ({ result, baseline })))
	console.log(
		`\n${results.length} cases in ${Math.floor(seconds / 60)} min ${seconds % 60} s; results in bench/results/${resultsName}.json`,
	)
	const lines = [...describeMisses(missed), ...reportMissed.map((line) => `- ${line}`)]
	console.log(lines.length === 0 ? 'all goals met' : `goals missed (${missed.length + reportMissed.length}), by reason:\n${lines.join('\n')}`)
}
