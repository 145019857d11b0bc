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
 *   npm run bench -- strings            only the named suites (numeric, access, strings, allocation, structs, tracking)
 *   BENCH_ROUNDS=41 npm run bench       more rounds
 *   BENCH_LIBRARY=src npm run bench     the TypeScript sources through tsx instead of dist/ (see library.ts)
 *   BENCH_MANAGERS=3 npm run bench -- numeric
 *                                       the numeric cases with two more managers alive (see numeric.bench.ts)
 *   BENCH_GROWN=1 npm run bench -- numeric
 *                                       ... with every heap grown once before the cases
 *   npx tsx bench/compare-builds.ts     the numeric cases against two commits' builds in one process
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
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, release, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runSuite, writeResults, type BenchCase, type CaseResult } from './harness.js'
import { skippedCases } from './elements.js'
import { describeMiss } from './notes.js'

const suites: Record<string, { title: string; baselines: string[]; load: () => Promise<BenchCase[]> }> = {
	numeric: {
		title: 'Numeric access (vs the same loop on typed arrays / DataView)',
		baselines: ['raw'],
		load: async () => {
			const { createNumericCases, numericOptionsFromEnvironment } = await import('./numeric.bench.js')
			return createNumericCases(await import('./library.js'), numericOptionsFromEnvironment())
		},
	},
	access: {
		title: 'Every width, atomics, refs and views on the Emscripten heap (vs DataView/typed arrays, and getValue/setValue)',
		baselines: ['raw', 'typed', 'emscripten'],
		load: async () => (await import('./access.bench.js')).accessCases,
	},
	strings: {
		title: 'Null-terminated strings (vs raw TextDecoder/TextEncoder, and Emscripten helpers)',
		baselines: ['raw', 'emscripten'],
		load: async () => (await import('./strings.bench.js')).stringCases,
	},
	allocation: {
		title: 'Allocation through the Emscripten malloc/free, tracking on (vs bare _malloc/_free, and Emscripten string helpers)',
		baselines: ['raw', 'emscripten'],
		load: async () => (await import('./allocation.bench.js')).allocationCases,
	},
	structs: {
		title: 'Structs: fields of a 40-byte struct array through at(i), a cursor and readStruct (vs typed arrays, and six read* calls)',
		baselines: ['raw', 'six reads'],
		load: async () => (await import('./structs.bench.js')).createStructCases(await import('./library.js')),
	},
	tracking: {
		title: 'The allocation table: free(address) against the number of live refs, and tracking on vs off (vs bare _free/_malloc)',
		baselines: ['raw', 'tracking off', '100 live', '10k live'],
		load: async () => (await import('./tracking.bench.js')).trackingCases,
	},
}

const root = fileURLToPath(new URL('..', import.meta.url))
const resultsFile = (name: string): string => fileURLToPath(new URL(`./results/${name}.json`, import.meta.url))
const [first, ...rest] = process.argv.slice(2)

function newestMtime(path: string): number {
	const stats = statSync(path)
	if (!stats.isDirectory()) return stats.mtimeMs
	return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))))
}

/** Rebuilds dist/ when it is missing or older than what it is built from; returns whether it did. */
function ensureFreshBuild(): boolean {
	const output = join(root, 'dist/index.js')
	const inputs = ['src', 'generated', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json'].map((input) => join(root, input))
	if (existsSync(output) && statSync(output).mtimeMs >= Math.max(...inputs.map(newestMtime))) return false
	try {
		execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'pipe' })
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer }
		console.error(`dist/ is older than src/ and \`npm run build\` failed, so there is nothing current to measure:`)
		console.error(`${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`)
		console.error('Fix the build, or measure the sources with BENCH_LIBRARY=src.')
		process.exit(1)
	}
	return true
}

/** The commit the library was built from, and whether src/ or generated/ had changes on top of it. */
function describeSource(): string {
	try {
		const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'generated'], { cwd: root, encoding: 'utf8' }).trim() !== ''
		return `commit ${commit}${dirty ? ' with uncommitted changes in src/ or generated/' : ''}`
	} catch {
		return 'not a git checkout'
	}
}

/** The machine and runtime, for BENCHMARKS.md. */
function describeMachine(): Record<string, unknown> {
	let cpuModel = cpus()[0]?.model ?? 'unknown'
	try {
		cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel
	} catch {
		// Not Linux: os.cpus() it is.
	}
	let os = `${type()} ${release()}`
	try {
		const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
		if (pretty !== undefined) os = `${pretty} (${type()} ${release()})`
	} catch {
		// No /etc/os-release: the kernel's name and release.
	}
	return {
		cpu: cpuModel,
		cores: cpus().length,
		memoryBytes: totalmem(),
		os,
		node: process.version,
		v8: process.versions.v8,
		loadAverageAtStart: loadavg().map((load) => Math.round(load * 100) / 100),
	}
}

if (first === '--suite') {
	// Child process: one suite, its results written where the parent said.
	const suite = suites[rest[0]!]!
	const results = runSuite(suite.title, await suite.load(), suite.baselines)
	// Rows of the element table this engine cannot run (e.g. no Float16Array before Node 24).
	for (const line of skippedCases()) console.log(`skipped ${line}`)
	writeResults(rest[1]!, results, { skipped: skippedCases() })
} else {
	const wanted = first === undefined ? Object.keys(suites) : [first, ...rest]
	const unknown = wanted.filter((name) => suites[name] === undefined)
	if (unknown.length > 0) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`)
	const started = Date.now()
	const managers =
		(process.env.BENCH_MANAGERS === undefined || process.env.BENCH_MANAGERS === '1' ? '' : `; the numeric suite with ${process.env.BENCH_MANAGERS} managers alive`) +
		(process.env.BENCH_GROWN === '1' ? '; every numeric heap grown once before the cases' : '')
	const library = `${process.env.BENCH_LIBRARY === 'src' ? 'src (TypeScript sources through tsx)' : 'dist/index.js (the rollup build)'}, ${describeSource()}${managers}`
	if (process.env.BENCH_LIBRARY !== 'src' && ensureFreshBuild()) console.log('dist/ was older than src/: rebuilt it')
	const machine = describeMachine()
	console.log(`wasm-heap-manager benchmarks: node ${process.version}, ${process.platform} ${process.arch}, ${machine.cpu} x ${machine.cores}`)
	console.log(`library: ${library}; load average at start ${(machine.loadAverageAtStart as number[]).join(' ')}`)
	const results: CaseResult[] = []
	const skipped: string[] = []
	for (const name of wanted) {
		// A file of this run's own: another run going on at the same time cannot mix in.
		const childFile = resultsFile(`${name}.${process.pid}`)
		const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--suite', name, childFile], {
			stdio: ['ignore', 'inherit', 'inherit'],
		})
		if (child.status !== 0) throw new Error(`suite ${name} failed (exit ${child.status})`)
		const suiteResults = JSON.parse(readFileSync(childFile, 'utf8')) as { results: CaseResult[]; skipped?: string[] }
		results.push(...suiteResults.results)
		skipped.push(...(suiteResults.skipped ?? []))
		rmSync(childFile)
	}
	const seconds = Math.round((Date.now() - started) / 1000)
	const whole = Object.keys(suites).every((name) => wanted.includes(name))
	writeResults(resultsFile(whole ? 'latest' : 'subset'), results, {
		library,
		suites: wanted,
		...(skipped.length === 0 ? {} : { skipped }),
		rounds: results[0]?.rounds,
		durationSeconds: seconds,
		machine: { ...machine, loadAverageAtEnd: loadavg().map((load) => Math.round(load * 100) / 100) },
	})
	const missed = results.flatMap((result) => result.missed.map((baseline) => describeMiss(result, baseline)))
	console.log(
		`\n${results.length} cases in ${Math.floor(seconds / 60)} min ${seconds % 60} s; results in bench/results/${whole ? 'latest' : 'subset'}.json`,
	)
	console.log(missed.length === 0 ? 'all goals met' : `goals missed (${missed.length}):\n${missed.map((line) => `- ${line}`).join('\n')}`)
}
