/**
 * The numeric cases (bench/numeric.bench.ts) against two builds of the library, in one
 * process: both builds' `dist/index.js` are loaded side by side and each case runs the
 * `after` build's loop, the `before` build's loop and the raw loop interleaved, round
 * after round (bench/harness.ts), so that machine noise hits all three alike. Each
 * build has its own classes and code, so one build's managers do not share type
 * feedback with the other's: "one manager" is one manager per build.
 *
 *   npx tsx bench/compare-builds.ts                        74c85fe (before the reshape) against HEAD
 *   npx tsx bench/compare-builds.ts <before> <after>       commits, or folders holding dist/index.js
 *   ... --repeats 5                                        processes per configuration (median of their ratios)
 *   ... --configs 1,3,1g,3g                                managers alive; `g`: every heap grown once first
 *   ... --out bench/reshape-comparison.md                  also write the table there
 *
 * A commit is exported with `git archive` into .tmp/builds/<commit>/ (the committed
 * tree, whatever the working tree holds) and built there with `npm run build`, once.
 * Each configuration runs in processes of its own (an extra manager, or a grown heap,
 * changes what V8 assumes in every later case), alternating configurations, `repeats`
 * times; the tables give the median over those processes.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { formatNs, formatRatio, runCase, type BenchCase, type CaseResult } from './harness.js'
import { createNumericCases, type NumericLibrary, type NumericOptions } from './numeric.bench.js'

const root = fileURLToPath(new URL('..', import.meta.url))

interface Config {
	readonly label: string
	readonly options: NumericOptions
}

/** `3g` -> three managers, every heap grown once. */
function parseConfig(label: string): Config {
	const match = /^(\d+)(g?)$/.exec(label)
	if (match === null || Number(match[1]) < 1) throw new Error(`compare-builds: a configuration is a manager count, optionally followed by g (grown): got '${label}'`)
	return { label, options: { managers: Number(match[1]), grown: match[2] === 'g' } }
}

function describeConfig(config: Config): string {
	const { managers = 1, grown = false } = config.options
	return `${managers} manager${managers === 1 ? '' : 's'}${grown ? ', heaps grown' : ''}`
}

// ---------------------------------------------------------------------------------
// Child: one configuration, both builds in this process.

interface ChildResult {
	readonly results: CaseResult[]
}

async function runChild(label: string, beforeEntry: string, afterEntry: string, out: string, afterFirst: boolean): Promise<void> {
	const config = parseConfig(label)
	const load = async (entry: string): Promise<NumericLibrary> => (await import(pathToFileURL(entry).href)) as NumericLibrary
	const [before, after] = await Promise.all([load(beforeEntry), load(afterEntry)])
	// Which build sets up its managers first alternates between processes.
	const build = (library: NumericLibrary, suite: string): BenchCase[] => createNumericCases(library, { ...config.options, suite })
	let beforeCases: BenchCase[]
	let afterCases: BenchCase[]
	if (afterFirst) {
		afterCases = build(after, 'after')
		beforeCases = build(before, 'before')
	} else {
		beforeCases = build(before, 'before')
		afterCases = build(after, 'after')
	}
	const results = afterCases.map((afterCase) => {
		const beforeCase = beforeCases.find((candidate) => candidate.name === afterCase.name)!
		return runCase({
			suite: `compare ${label}`,
			name: afterCase.name,
			operations: afterCase.operations,
			library: afterCase.library,
			baselines: { before: beforeCase.library, raw: afterCase.baselines.raw! },
		})
	})
	writeFileSync(out, JSON.stringify({ results } satisfies ChildResult))
}

// ---------------------------------------------------------------------------------
// Parent: builds, processes, medians, the table.

/** `dist/index.js` of `spec`: a folder that has one, or a commit exported and built under .tmp/builds/. */
function buildEntry(spec: string): { entry: string; description: string } {
	const folderEntry = join(resolve(spec), 'dist/index.js')
	if (existsSync(folderEntry)) return { entry: folderEntry, description: `the build in ${resolve(spec)}` }
	const commit = execFileSync('git', ['rev-parse', '--verify', `${spec}^{commit}`], { cwd: root, encoding: 'utf8' }).trim()
	const short = commit.slice(0, 7)
	const subject = execFileSync('git', ['log', '-1', '--format=%s', commit], { cwd: root, encoding: 'utf8' }).trim()
	const folder = join(root, '.tmp/builds', commit)
	const entry = join(folder, 'dist/index.js')
	if (!existsSync(entry)) {
		console.log(`building ${short} in ${folder} ...`)
		rmSync(folder, { recursive: true, force: true })
		mkdirSync(folder, { recursive: true })
		execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${folder}'`], { cwd: root })
		symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'))
		execFileSync('npm', ['run', '-s', 'build'], { cwd: folder, stdio: 'pipe' })
	}
	return { entry, description: `commit ${short} (${subject.length > 70 ? `${subject.slice(0, 67)}...` : subject})` }
}

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b)
	const middle = sorted.length >> 1
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function parseArguments(argv: readonly string[]): { builds: string[]; repeats: number; configs: Config[]; out: string | undefined } {
	const builds: string[] = []
	let repeats = 5
	let configs = '1,3'
	let out: string | undefined
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i]!
		if (argument === '--repeats') repeats = Number(argv[++i])
		else if (argument === '--configs') configs = argv[++i] ?? ''
		else if (argument === '--out') out = argv[++i]
		else if (argument.startsWith('--')) throw new Error(`compare-builds: unknown option ${argument}`)
		else builds.push(argument)
	}
	if (!Number.isInteger(repeats) || repeats < 1) throw new Error('compare-builds: --repeats takes a positive integer')
	if (builds.length > 2) throw new Error('compare-builds: give at most two builds: <before> <after>')
	return { builds, repeats, configs: configs.split(',').map(parseConfig), out }
}

async function runParent(argv: readonly string[]): Promise<void> {
	const { builds, repeats, configs, out } = parseArguments(argv)
	const before = buildEntry(builds[0] ?? '74c85fe')
	const after = buildEntry(builds[1] ?? 'HEAD')
	const loadAtStart = loadavg()
	const started = Date.now()
	console.log(`before: ${before.description}\nafter:  ${after.description}`)
	console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}; load average ${loadAtStart.map((load) => load.toFixed(2)).join(' ')}`)

	/** Results by configuration label, one array per process. */
	const runs = new Map<string, CaseResult[][]>(configs.map((config) => [config.label, []]))
	for (let repeat = 0; repeat < repeats; repeat++) {
		// Rotate the configurations' order so that none always runs first.
		for (let offset = 0; offset < configs.length; offset++) {
			const config = configs[(repeat + offset) % configs.length]!
			const childFile = join(root, `.tmp/compare-builds.${process.pid}.json`)
			mkdirSync(join(root, '.tmp'), { recursive: true })
			const child = spawnSync(
				process.execPath,
				[...process.execArgv, fileURLToPath(import.meta.url), '--child', config.label, before.entry, after.entry, childFile, String(repeat % 2 === 1)],
				{ stdio: ['ignore', 'inherit', 'inherit'] },
			)
			if (child.status !== 0) throw new Error(`compare-builds: the process for ${config.label} failed (exit ${child.status})`)
			const { results } = JSON.parse(readFileSync(childFile, 'utf8')) as ChildResult
			rmSync(childFile)
			runs.get(config.label)!.push(results)
			const line = results.map((result) => `${result.name} ${formatRatio(result.ratios.before!)}`).join(', ')
			console.log(`run ${repeat + 1}/${repeats}, ${describeConfig(config)}: after vs before ${line}`)
		}
	}

	const caseNames = runs.get(configs[0]!.label)![0]!.map((result) => result.name)
	const lines: string[] = [
		'| managers alive | case | before | after | raw | after ÷ before speed: median (min – max) | before vs raw | after vs raw |',
		'| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
	]
	for (const config of configs) {
		for (const name of caseNames) {
			const results = runs.get(config.label)!.map((run) => run.find((result) => result.name === name)!)
			const ns = (variant: string): number => median(results.map((result) => result.nsPerOperation[variant]!))
			const speedups = results.map((result) => result.ratios.before!)
			lines.push(
				`| ${describeConfig(config)} | ${name} | ${formatNs(ns('before'))} | ${formatNs(ns('library'))} | ${formatNs(ns('raw'))} | ` +
					`${formatRatio(median(speedups))} (${formatRatio(Math.min(...speedups))} – ${formatRatio(Math.max(...speedups))}) | ` +
					`${formatRatio(median(results.map((result) => result.nsPerOperation.raw! / result.nsPerOperation.before!)))} | ` +
					`${formatRatio(median(results.map((result) => result.ratios.raw!)))} |`,
			)
		}
	}
	const seconds = Math.round((Date.now() - started) / 1000)
	const table = lines.join('\n')
	console.log(`\n${table}\n`)
	console.log(`${repeats} processes per configuration in ${seconds} s; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} at the end`)

	if (out !== undefined) {
		const markdown = [
			'# The numeric hot paths before and after the reshape',
			'',
			'<!-- Written by bench/compare-builds.ts: do not edit; run `npx tsx bench/compare-builds.ts --out ' + out + '`. -->',
			'',
			`- before: ${before.description}`,
			`- after: ${after.description}`,
			`- runtime: Node.js ${process.version} (V8 ${process.versions.v8}), ${process.platform} ${process.arch}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, shared with other work (load average ${loadAtStart.map((load) => load.toFixed(2)).join(' ')} at the start, ${loadavg().map((load) => load.toFixed(2)).join(' ')} at the end)`,
			`- method: both builds loaded in one process; each case runs the after loop, the before loop and the raw loop interleaved, ` +
				`median of ${runs.get(configs[0]!.label)![0]![0]!.rounds} rounds (after 15 warm-up rounds); ${repeats} processes per configuration, ` +
				`configurations alternating; the table gives the median over the processes (${seconds} s in all).`,
			'- managers alive: the measured manager and the others, over heaps of their own (a `WebAssembly.Memory`, a shared one), ' +
				'each used a little through every method of the table before the cases run (see bench/numeric.bench.ts). ' +
				'"heaps grown": every heap, the measured one too, grew once while in use, so each manager has replaced its cached views.',
			'- after ÷ before speed: above 1x the after build is faster. "vs raw": library speed ÷ raw loop speed, as in BENCHMARKS.md.',
			'',
			table,
			'',
		].join('\n')
		writeFileSync(resolve(root, out), markdown)
		console.log(`written to ${out}`)
	}
}

const argv = process.argv.slice(2)
if (argv[0] === '--child') await runChild(argv[1]!, argv[2]!, argv[3]!, argv[4]!, argv[5] === 'true')
else await runParent(argv)
