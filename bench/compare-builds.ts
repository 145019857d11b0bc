/**
 * The numeric cases (bench/numeric.bench.ts), or the string cases (`--suite strings`), against builds of the library, two at a time
 * in one process: the first build's `dist/index.js` and another's are loaded side by side
 * and each case runs both builds' loops and the raw loop interleaved, round after round
 * (bench/harness.ts), so that machine noise hits all three alike. Each build has its own
 * classes and code, so one build's managers do not share type feedback with the other's:
 * "one manager" is one manager per build.
 *
 * Two builds per process, not more: with three copies of the library in one process,
 * only the copy whose cases were set up first kept its speed (readInt32 2.3 ns; the
 * others, and the raw loops over their heaps, 4-4.5 ns), whichever copy it was, even
 * three copies of one build. With two copies both keep it, in either order (measured
 * on Node 20: after ÷ before 0.99x-1.02x over every rotation).
 *
 *   npx tsx bench/compare-builds.ts                        74c85fe (before the reshape) against HEAD
 *   npx tsx bench/compare-builds.ts <first> <other>...     commits, or folders holding dist/index.js; each
 *                                                          build's speed is given relative to the first's
 *   ... --repeats 5                                        processes per configuration (median of their ratios)
 *   ... --configs 1,3,1g,3g,1r                             managers alive; `g`: every heap grown once first;
 *                                                          `r`: the realistic regime (grown, every error path taken once)
 *   ... --out bench/reshape-comparison.md                  also write the table there
 *   BENCH_FILTER=regex npx tsx bench/compare-builds.ts ... only the cases whose name matches
 *   ... --suite strings                                    the string cases (bench/strings.bench.ts) instead, with their
 *                                                          raw, Emscripten and 0.5.1 baselines; configurations 1
 *                                                          (pristine) and 1r (realistic), the default for this suite
 *   ... --suite structs                                    the struct cases (bench/structs.bench.ts: at(i), a cursor,
 *                                                          readStruct) instead, with their raw and six-reads baselines;
 *                                                          configurations 1 and 1r, as for strings
 *   ... --suite heapAllocator                              the built-in allocator's cases (bench/heapAllocator.bench.ts: pairs,
 *                                                          churn, churn on a shared memory), each build's createHeapAllocator,
 *                                                          with the Emscripten (dlmalloc) baseline; configurations 1 and 1r
 *
 * Each process runs this file compiled to JavaScript without tsx (bench/compiled-children.ts;
 * `BENCH_CHILDREN=tsx` runs it through tsx as before). A commit is exported with `git archive` into .tmp/builds/<commit>/ (the committed
 * tree, whatever the working tree holds) and built there with `npm run build`, once.
 * Each configuration runs in processes of its own (a grown heap slows every later case,
 * so no configuration may run after another in one process), alternating
 * configurations, `repeats` times; the tables give the median over those processes.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildEntry } from './builds.js'
import { formatNs, formatRatio, runCase, type BenchCase, type CaseResult } from './harness.js'
import { createNumericCases, type NumericLibrary, type NumericOptions } from './numeric.bench.js'
import type { StringLibrary } from './strings.bench.js'
import type { StructLibrary } from './structs.bench.js'
import type { CreateHeapAllocator } from './heapAllocator.bench.js'

const root = fileURLToPath(new URL('..', import.meta.url))

/** The cases compared: the numeric suite (default) or, with `--suite strings` / `structs` / `heapAllocator`, that suite. */
type Suite = 'numeric' | 'strings' | 'structs' | 'heapAllocator'

interface Config {
	readonly label: string
	readonly options: NumericOptions
}

/** `3g` -> three managers, every heap grown once; `1r` -> one manager, realistic regime (see numeric.bench.ts). */
function parseConfig(label: string): Config {
	const match = /^(\d+)(g?)(r?)$/.exec(label)
	if (match === null || Number(match[1]) < 1) throw new Error(`compare-builds: a configuration is a manager count, optionally followed by g (grown) and r (realistic): got '${label}'`)
	return { label, options: { managers: Number(match[1]), grown: match[2] === 'g', regime: match[3] === 'r' ? 'realistic' : 'pristine' } }
}

function describeConfig(config: Config): string {
	const { managers = 1, grown = false, regime = 'pristine' } = config.options
	return `${managers} manager${managers === 1 ? '' : 's'}${grown ? ', heaps grown' : ''}${regime === 'realistic' ? ', realistic' : ''}`
}

// ---------------------------------------------------------------------------------
// Child: one configuration, every build in this process.

interface ChildResult {
	/** One result per case: `library` is the first build's loop, `build1`, `build2`, ... the others', `raw` the raw loop. */
	readonly results: CaseResult[]
}

async function runChild(suite: Suite, label: string, entries: readonly string[], out: string, rotation: number): Promise<void> {
	const config = parseConfig(label)
	const libraries = await Promise.all(
		entries.map(async (entry) => (await import(pathToFileURL(entry).href)) as NumericLibrary & StringLibrary & StructLibrary & { createHeapAllocator: CreateHeapAllocator }),
	)
	// Only the strings suite loads the Emscripten fixture (see run.ts: it slows the numeric loops).
	const createStringCases = suite === 'strings' ? (await import('./strings.bench.js')).createStringCases : undefined
	// The struct cases' loops are closures of structs.bench.ts: one module instance per build (a
	// query makes another), so that each build's loops have call sites, and feedback, of their
	// own (one closure for both builds would see both builds' classes and go polymorphic).
	// The first build's is the module as found (a literal specifier, which bench/compiled-children.ts
	// follows to compile the file).
	const structModules =
		suite === 'structs'
			? [
					await import('./structs.bench.js'),
					...(await Promise.all(libraries.slice(1).map(async (_, index) => (await import(`./structs.bench.js?build${index + 1}`)) as typeof import('./structs.bench.js')))),
				]
			: undefined
	// The allocator cases likewise: one heapAllocator.bench.ts instance per build, so that each build's
	// pair and churn loops see only its own allocator, and one more for the baselines (Emscripten's
	// malloc/free), whose loops then see only dlmalloc: every loop of the table is monomorphic.
	const allocatorModules =
		suite === 'heapAllocator'
			? [
					await import('./heapAllocator.bench.js'),
					...(await Promise.all(
						libraries.slice(1).map(async (_, index) => (await import(`./heapAllocator.bench.js?build${index + 1}`)) as typeof import('./heapAllocator.bench.js')),
					)),
				]
			: undefined
	const allocatorBaselines =
		allocatorModules === undefined
			? undefined
			: ((await import(`./heapAllocator.bench.js?${'baselines'}`)) as typeof import('./heapAllocator.bench.js')).createHeapAllocatorCases(
					config.options.regime ?? 'pristine',
					libraries[0]!.createHeapAllocator,
				)
	// One fixture for every build, and 0.5.1 over it when unpacked: each build wraps the same heap.
	const stringSource = createStringCases === undefined ? undefined : await (await import('./heapSource.js')).emscriptenHeapSource()
	const published = stringSource === undefined ? undefined : await (await import('./published.js')).loadPublished(stringSource.module)
	// Which build sets up its managers first rotates between processes.
	const casesByBuild: BenchCase[][] = new Array(libraries.length)
	for (let offset = 0; offset < libraries.length; offset++) {
		const index = (rotation + offset) % libraries.length
		casesByBuild[index] =
			allocatorModules !== undefined
				? allocatorModules[index]!.createHeapAllocatorCases(config.options.regime ?? 'pristine', libraries[index]!.createHeapAllocator)
				: structModules !== undefined
				? structModules[index]!.createStructCases(libraries[index]!, config.options.regime)
				: createStringCases === undefined
					? createNumericCases(libraries[index]!, { ...config.options, suite: `build${index}` })
					: createStringCases(
						{ ...stringSource!, heap: libraries[index]!.wrapEmscriptenModuleHeap(stringSource!.module) },
						{ regime: config.options.regime, suite: `build${index}`, published },
					)
	}
	// BENCH_FILTER, as in run.ts: only the cases whose name matches this regular expression.
	const filter = process.env.BENCH_FILTER === undefined ? undefined : new RegExp(process.env.BENCH_FILTER)
	const results = casesByBuild[0]!.filter((first) => filter === undefined || filter.test(first.name)).map((first) => {
		const others = casesByBuild.slice(1).map((cases) => cases.find((candidate) => candidate.name === first.name)!)
		return runCase({
			suite: `compare ${label}`,
			name: first.name,
			operations: first.operations,
			library: first.library,
			// The first build's baselines (raw; for strings also emscripten and 0.5.1) run beside both builds;
			// for heapAllocator those of a module instance of their own.
			baselines: {
				...Object.fromEntries(others.map((other, i) => [`build${i + 1}`, other.library])),
				...(allocatorBaselines === undefined ? first.baselines : allocatorBaselines.find((candidate) => candidate.name === first.name)!.baselines),
			},
		})
	})
	writeFileSync(out, JSON.stringify({ results } satisfies ChildResult))
}

// ---------------------------------------------------------------------------------
// Parent: builds, processes, medians, the table.

function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b)
	const middle = sorted.length >> 1
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function parseArguments(argv: readonly string[]): { builds: string[]; repeats: number; configs: Config[]; out: string | undefined; suite: Suite } {
	const builds: string[] = []
	let suite: Suite = 'numeric'
	let repeats = 5
	let configs = '1,3'
	let out: string | undefined
	for (let i = 0; i < argv.length; i++) {
		const argument = argv[i]!
		if (argument === '--repeats') repeats = Number(argv[++i])
		else if (argument === '--configs') configs = argv[++i] ?? ''
		else if (argument === '--out') out = argv[++i]
		else if (argument === '--suite') {
			const name = argv[++i]
			if (name !== 'numeric' && name !== 'strings' && name !== 'structs' && name !== 'heapAllocator') {
				throw new Error(`compare-builds: --suite takes numeric, strings, structs or heapAllocator, got '${name}'`)
			}
			suite = name
		}
		else if (argument.startsWith('--')) throw new Error(`compare-builds: unknown option ${argument}`)
		else builds.push(argument)
	}
	if (!Number.isInteger(repeats) || repeats < 1) throw new Error('compare-builds: --repeats takes a positive integer')
	if (builds.length === 1) throw new Error('compare-builds: give no build (74c85fe and HEAD) or at least two')
	if (suite !== 'numeric' && !argv.includes('--configs')) configs = '1,1r'
	const parsed = configs.split(',').map(parseConfig)
	if (suite !== 'numeric' && parsed.some((config) => config.options.managers !== 1 || config.options.grown === true)) {
		throw new Error(`compare-builds: the ${suite} suite runs one manager per build; its configurations are 1 (pristine) and 1r (realistic)`)
	}
	return { builds: builds.length === 0 ? ['74c85fe', 'HEAD'] : builds, repeats, configs: parsed, out, suite }
}

async function runParent(argv: readonly string[]): Promise<void> {
	const { builds: specs, repeats, configs, out, suite } = parseArguments(argv)
	const builds = specs.map((spec) => ({ spec, ...buildEntry(spec) }))
	const [first, ...others] = builds
	// The processes run this file compiled, without tsx, as `npm run bench`'s suite processes
	// do (loading tsx invalidates V8 protectors: see bench/compiled-children.ts).
	const children = await (await import('./compiled-children.js')).suiteProcess(root, fileURLToPath(import.meta.url))
	const loadAtStart = loadavg()
	const started = Date.now()
	for (const build of builds) console.log(`${build.spec}: ${build.description}`)
	console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x ${cpus().length}; load average ${loadAtStart.map((load) => load.toFixed(2)).join(' ')}`)

	/** Results by configuration label and other build's index, one array per process. */
	const runs = new Map<string, CaseResult[][]>()
	const key = (config: Config, other: number): string => `${config.label} ${other}`
	mkdirSync(join(root, '.tmp'), { recursive: true })
	const jobs = configs.flatMap((config) => others.map((_, other) => ({ config, other })))
	for (let repeat = 0; repeat < repeats; repeat++) {
		// Rotate the order so that no configuration or pair always runs first.
		for (let offset = 0; offset < jobs.length; offset++) {
			const { config, other } = jobs[(repeat + offset) % jobs.length]!
			const childFile = join(root, `.tmp/compare-builds.${process.pid}.json`)
			const child = spawnSync(
				process.execPath,
				[...children.execArgv, children.script, '--child', suite, config.label, String(repeat), childFile, first!.entry, others[other]!.entry],
				{ stdio: ['ignore', 'inherit', 'inherit'] },
			)
			if (child.status !== 0) throw new Error(`compare-builds: the process for ${config.label} failed (exit ${child.status})`)
			const { results } = JSON.parse(readFileSync(childFile, 'utf8')) as ChildResult
			rmSync(childFile)
			if (!runs.has(key(config, other))) runs.set(key(config, other), [])
			runs.get(key(config, other))!.push(results)
			const line = results.map((result) => `${result.name} ${formatRatio(result.nsPerOperation.library! / result.nsPerOperation.build1!)}`).join(', ')
			console.log(`run ${repeat + 1}/${repeats}, ${describeConfig(config)}, ${others[other]!.spec} vs ${first!.spec}: ${line}`)
		}
	}

	const caseNames = runs.get(key(configs[0]!, 0))![0]!.map((result) => result.name)
	// raw, for strings emscripten and 0.5.1 (when loaded), for structs six reads: every variant that is not a build, of any case.
	const baselines = [...new Set(runs.get(key(configs[0]!, 0))![0]!.flatMap((result) => Object.keys(result.nsPerOperation)))].filter(
		(name) => name !== 'library' && !/^build\d+$/.test(name),
	)
	const header = [
		'managers alive',
		'case',
		'build',
		`${first!.spec}`,
		'build',
		...baselines,
		`build ÷ ${first!.spec} speed: median (min – max)`,
		...baselines.flatMap((baseline) => [`${first!.spec} vs ${baseline}`, `build vs ${baseline}`]),
	]
	const lines: string[] = [`| ${header.join(' | ')} |`, `| --- | --- | --- | ${header.slice(3).map(() => '---:').join(' | ')} |`]
	for (const config of configs) {
		for (const name of caseNames) {
			for (const [other, build] of others.entries()) {
				const results = runs.get(key(config, other))!.map((run) => run.find((result) => result.name === name)!)
				const ns = (variant: string): number => median(results.map((result) => result.nsPerOperation[variant]!))
				const speedups = results.map((result) => result.nsPerOperation.library! / result.nsPerOperation.build1!)
				const cells = [
					describeConfig(config),
					name,
					build.spec,
					formatNs(ns('library')),
					formatNs(ns('build1')),
					...baselines.map((baseline) => (results[0]!.nsPerOperation[baseline] === undefined ? '–' : formatNs(ns(baseline)))),
					`${formatRatio(median(speedups))} (${formatRatio(Math.min(...speedups))} – ${formatRatio(Math.max(...speedups))})`,
					...baselines.flatMap((baseline) =>
						results[0]!.nsPerOperation[baseline] === undefined
							? ['–', '–']
							: [
									formatRatio(median(results.map((result) => result.nsPerOperation[baseline]! / result.nsPerOperation.library!))),
									formatRatio(median(results.map((result) => result.nsPerOperation[baseline]! / result.nsPerOperation.build1!))),
								],
					),
				]
				lines.push(`| ${cells.join(' | ')} |`)
			}
		}
	}
	// One line per build: its speed relative to the first, per configuration, over the cases.
	const summary = others.map((build, other) => {
		const parts = configs.map((config) => {
			const medians = caseNames.map((name) =>
				median(runs.get(key(config, other))!.map((run) => {
					const result = run.find((candidate) => candidate.name === name)!
					return result.nsPerOperation.library! / result.nsPerOperation.build1!
				})),
			)
			const low = Math.min(...medians)
			const high = Math.max(...medians)
			return `${describeConfig(config)} ${low === high ? formatRatio(low) : `${formatRatio(low)} – ${formatRatio(high)}`}`
		})
		return `- ${build.spec} ÷ ${first!.spec} speed, lowest – highest case median: ${parts.join('; ')}`
	})
	const seconds = Math.round((Date.now() - started) / 1000)
	const table = lines.join('\n')
	console.log(`\n${table}\n\n${summary.join('\n')}\n`)
	console.log(`${repeats} processes per configuration and build in ${seconds} s; load average ${loadavg().map((load) => load.toFixed(2)).join(' ')} at the end`)

	if (out !== undefined) {
		const markdown = [
			`# The ${suite === 'strings' ? 'string cases' : suite === 'structs' ? 'struct cases' : suite === 'heapAllocator' ? 'built-in allocator cases' : 'numeric hot paths'}, build against build`,
			'',
			`<!-- Written by bench/compare-builds.ts: do not edit; run \`npx tsx bench/compare-builds.ts ${specs.join(' ')}${suite === 'numeric' ? '' : ` --suite ${suite}`} --repeats ${repeats} --configs ${configs.map((config) => config.label).join(',')} --out ${out}\`. -->`,
			'',
			...builds.map((build) => `- ${build.spec}: ${build.description}`),
			`- runtime: Node.js ${process.version} (V8 ${process.versions.v8}), ${process.platform} ${process.arch}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, shared with other work (load average ${loadAtStart.map((load) => load.toFixed(2)).join(' ')} at the start, ${loadavg().map((load) => load.toFixed(2)).join(' ')} at the end)`,
			`- method: ${first!.spec} and one other build loaded in one process; each case runs both builds' loops and the raw loop interleaved, ` +
				`median of ${runs.get(key(configs[0]!, 0))![0]![0]!.rounds} rounds (after 15 warm-up rounds); ${repeats} processes per configuration and build, ` +
				`in rotating order; the table gives the median over the processes (${seconds} s in all)` +
				`${process.env.BENCH_BATCH_NS === undefined ? '' : `; timed batches of ${process.env.BENCH_BATCH_NS} ns (BENCH_BATCH_NS)`}` +
				`${process.env.BENCH_FILTER === undefined ? '' : `; only the cases matching /${process.env.BENCH_FILTER}/ (BENCH_FILTER)`}.`,
			...(suite === 'strings'
				? [
						'- strings: every build and the baselines (raw `TextDecoder`/`TextEncoder`, Emscripten\'s helpers, the published 0.5.1) ' +
							'on the same addresses of one Emscripten heap (see bench/strings.bench.ts); "realistic": that memory grew once and ' +
							'every error path of the string methods ran once before the cases.',
					]
				: suite === 'structs'
					? [
							'- structs: each build over a heap of its own (a `WebAssembly.Memory` and a bump allocator), the raw and six-reads ' +
								'baselines over the first build\'s (see bench/structs.bench.ts); "realistic": every memory grew once and every error ' +
								'path of the struct methods ran once before the cases.',
						]
					: suite === 'heapAllocator'
						? [
								'- heapAllocator: each build\'s `createHeapAllocator` over memories of its own (a plain and a shared `WebAssembly.Memory`), ' +
									'the Emscripten fixture\'s `malloc`/`free` as the baseline (see bench/heapAllocator.bench.ts); "realistic": every ' +
									'memory grew once and every error path of `alloc` and `free` ran once before the cases.',
							]
						: []),
			'- managers alive: the measured manager and the others, over heaps of their own (a `WebAssembly.Memory`, a shared one), ' +
				'each used a little through every method of the table before the cases run (see bench/numeric.bench.ts). ' +
				'"heaps grown": every heap, the measured one too, grew once while in use, so each manager has replaced its cached ' +
				'views and the process has detached a buffer (which slows every typed-array access, raw loops too).',
			`- speed ratios: above 1x the build is faster than ${first!.spec}. "vs raw": library speed ÷ raw loop speed, as in BENCHMARKS.md.`,
			'',
			'## Summary',
			'',
			...summary,
			'',
			'## Every case',
			'',
			table,
			'',
		].join('\n')
		writeFileSync(resolve(root, out), markdown)
		console.log(`written to ${out}`)
	}
}

const argv = process.argv.slice(2)
if (argv[0] === '--child') await runChild(argv[1] as Suite, argv[2]!, argv.slice(5), argv[4]!, Number(argv[3]))
else await runParent(argv)
