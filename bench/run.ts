/**
 * `npm run bench`: runs each suite in a process of its own (library and baselines of a
 * case always share one process, interleaved), prints tables of time per operation and
 * ratios (library speed / baseline speed: above 1 means the library is faster), and
 * writes bench/results/latest.json.
 *
 *   npm run bench                   every suite
 *   npm run bench -- strings        only the named suites (numeric, strings)
 *   BENCH_ROUNDS=41 npm run bench   more rounds
 *
 * Why a process per suite: V8 constant-folds a manager's cached views when only one
 * manager exists; a suite that creates another manager (over the Emscripten fixture's
 * heap) would slow the other suite's hot paths, which measures the neighbour, not the case.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { runSuite, writeResults, type BenchCase, type CaseResult } from './harness.js'

const suites: Record<string, { title: string; baselines: string[]; load: () => Promise<BenchCase[]> }> = {
	numeric: {
		title: 'Numeric access (vs the same loop on typed arrays / DataView)',
		baselines: ['raw'],
		load: async () => (await import('./numeric.bench.js')).numericCases,
	},
	strings: {
		title: 'Null-terminated strings (vs raw TextDecoder/TextEncoder, and Emscripten helpers)',
		baselines: ['raw', 'emscripten'],
		load: async () => (await import('./strings.bench.js')).stringCases,
	},
}

const resultsFile = (name: string): string => fileURLToPath(new URL(`./results/${name}.json`, import.meta.url))
const [first, ...rest] = process.argv.slice(2)

if (first === '--suite') {
	// Child process: one suite.
	const suite = suites[rest[0]!]!
	writeResults(resultsFile(rest[0]!), runSuite(suite.title, await suite.load(), suite.baselines))
} else {
	const wanted = first === undefined ? Object.keys(suites) : [first, ...rest]
	const unknown = wanted.filter((name) => suites[name] === undefined)
	if (unknown.length > 0) throw new Error(`unknown suite(s) ${unknown.join(', ')}; known: ${Object.keys(suites).join(', ')}`)
	console.log(`wasm-heap-manager benchmarks: node ${process.version}, ${process.platform} ${process.arch}`)
	const results: CaseResult[] = []
	for (const name of wanted) {
		const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--suite', name], {
			stdio: ['ignore', 'inherit', 'inherit'],
		})
		if (child.status !== 0) throw new Error(`suite ${name} failed (exit ${child.status})`)
		results.push(...(JSON.parse(readFileSync(resultsFile(name), 'utf8')) as { results: CaseResult[] }).results)
	}
	writeResults(resultsFile('latest'), results)
	const missed = results.filter((result) => result.missed.length > 0)
	console.log(
		missed.length === 0
			? '\nall goals met'
			: `\ngoals missed: ${missed.map((result) => `${result.name} (vs ${result.missed.join(', ')})`).join('; ')}`,
	)
}
