/**
 * Why `readInt32` in one long loop is 0.2–0.3x raw in Chromium but not on Node 20, in
 * numbers: `npx tsx bench/chromium-long-loop.ts [--repeats 3] [--out bench/chromium-long-loop.md]`.
 *
 * It builds variants of the shipped build (dist/index.js, copied to .tmp/long-loop/) that
 * differ only in `readInt32`, runs the numeric suite's `readInt32` cases (both loop
 * shapes) on each in headless Chromium through bench/browser.ts (`--filter`, `BENCH_BUILD`),
 * `--repeats` times in rotating order, and once more with V8's `--trace-turbo`, from whose
 * graphs it reads whether TurboFan peeled the loop (the graph grows in its LoopPeeling
 * phase when it does; without a peeled first iteration nothing loop-invariant is hoisted
 * out of the loop). The variants:
 *
 * - `shipped`: the build as it is.
 * - `cold path in a known function`: the bounds-failing path moved into a module-level
 *   function, so that the inlined `readInt32` ends in a call to a known target instead of
 *   code that never ran (which TurboFan turns into an unconditional deoptimisation).
 * - `no cold path`: `readInt32` is `this.fast.int32Array[address / 4]` and nothing else.
 *   Not a usable library (no checks, aligned only): the bound of what the cold path costs.
 *
 * The variants are made by replacing the text of `readInt32` in dist/index.js; the script
 * stops with an error if that text is not found (regenerated code changed it).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatNs, formatRatio, type CaseResult } from './harness.js'
import { describeSource, ensureFreshBuild } from './build-state.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const argv = process.argv.slice(2)
const option = (name: string): string | undefined => {
	const index = argv.indexOf(`--${name}`)
	return index === -1 ? undefined : argv[index + 1]
}
const repeats = Number(option('repeats') ?? 3)
const output = option('out')

const shippedMethod = `    readInt32(address) {
        const elements = this.fast.int32Array;
        const number = typeof address === 'number' ? address : -1;
        const index = number >>> 2;
        if (index * 4 === number && index < elements.length && littleEndianHost)
            return elements[index];
        const fast = this.fast;
        let view = fast.dataView;
        if (!(Number.isInteger(address) && address >= 0 && address <= fast.uint8Array.length - 4))
            view = this.accessView(address, 4, 'readInt32');
        return view.getInt32(address, true);
    }`
const coldFunction = `
const readInt32Cold = function (manager, address) {
    const fast = manager.fast;
    let view = fast.dataView;
    if (!(Number.isInteger(address) && address >= 0 && address <= fast.uint8Array.length - 4))
        view = manager.accessView(address, 4, 'readInt32');
    return view.getInt32(address, true);
};
`
const anchor = 'const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;'

interface Variant {
	readonly name: string
	readonly transform: (source: string) => string
}

const variants: Variant[] = [
	{ name: 'shipped', transform: (source) => source },
	{
		name: 'cold path in a known function',
		transform: (source) =>
			source
				.replace(anchor, `${anchor}\n${coldFunction}`)
				.replace(
					shippedMethod,
					shippedMethod.replace(/const fast = this\.fast;[\s\S]*return view\.getInt32\(address, true\);/, 'return readInt32Cold(this, address);'),
				),
	},
	{
		name: 'no cold path',
		transform: (source) => source.replace(shippedMethod, `    readInt32(address) {\n        return this.fast.int32Array[address / 4];\n    }`),
	},
]

if (ensureFreshBuild()) console.log('dist/ was older than src/: rebuilt it')
const shipped = readFileSync(join(root, 'dist/index.js'), 'utf8')
for (const text of [shippedMethod, anchor]) {
	if (!shipped.includes(text)) throw new Error(`chromium-long-loop: dist/index.js no longer contains\n${text}\n(the generated readInt32 changed: update this script)`)
}
const work = join(root, '.tmp/long-loop')
rmSync(work, { recursive: true, force: true })
const folders = variants.map((variant, index) => {
	const folder = join(work, String(index))
	cpSync(join(root, 'dist'), join(folder, 'dist'), { recursive: true })
	const patched = variant.transform(shipped)
	if (variant.name !== 'shipped' && patched === shipped) throw new Error(`chromium-long-loop: variant ${variant.name} changed nothing`)
	writeFileSync(join(folder, 'dist/index.js'), patched)
	return folder
})

/** One run of the readInt32 cases on `folder`'s build; `jsFlags` for a traced run. */
function run(folder: string, file: string, jsFlags?: string): CaseResult[] {
	const args = ['--import', 'tsx', 'bench/browser.ts', 'numeric', '--memory=plain', '--regime=pristine', '--filter=^readInt32', `--out=${file}`]
	if (jsFlags !== undefined) args.push(`--js-flags=${jsFlags}`)
	const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, BENCH_BUILD: folder } })
	if (child.status !== 0) throw new Error(`bench/browser.ts failed (${child.status}):\n${child.stdout}\n${child.stderr}`)
	return (JSON.parse(readFileSync(file, 'utf8')) as { results: CaseResult[] }).results
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const samples = variants.map(() => ({ long: [] as CaseResult[], short: [] as CaseResult[] }))
for (let repeat = 0; repeat < repeats; repeat++) {
	for (let offset = 0; offset < variants.length; offset++) {
		const index = (repeat + offset) % variants.length
		const results = run(folders[index]!, join(work, `run-${index}.json`))
		samples[index]!.long.push(results.find((result) => result.name === 'readInt32')!)
		samples[index]!.short.push(results.find((result) => result.name === 'readInt32 (64 calls)')!)
		console.log(`${variants[index]!.name}, run ${repeat + 1}: ${results.map((result) => `${result.name} ${formatRatio(result.ratios.raw!)}`).join(', ')}`)
	}
}

/** From one traced run: for the library's and the raw long loop, the graph's node count before and after loop peeling, per compile. */
function peeling(folder: string, index: number): { library: string; raw: string } {
	const traces = join(work, `trace-${index}`)
	mkdirSync(traces, { recursive: true })
	run(folder, join(work, `trace-${index}.json`), `--trace-turbo,--trace-turbo-path=${traces},--trace-turbo-cfg-file=${join(traces, 'turbo.cfg')},--trace-turbo-filter=readInt32*`)
	const found = { library: [] as string[], raw: [] as string[] }
	for (const name of readdirSync(traces).filter((file) => file.endsWith('.json')).sort()) {
		const trace = JSON.parse(readFileSync(join(traces, name), 'utf8')) as {
			function: { sourceText: string }
			phases: { name: string; type: string; data?: { nodes?: unknown[] } }[]
		}
		const source = trace.function.sourceText
		// Only the long loops (one call, all iterations), not the slices or the library method itself.
		if (!source.startsWith('() {') || !source.includes('i < operations')) continue
		const kind = source.includes('heap.readInt32') ? 'library' : source.includes('dataView.getInt32') ? 'raw' : undefined
		if (kind === undefined) continue
		const nodes = (phase: string): number | undefined => trace.phases.find((entry) => entry.name === phase)?.data?.nodes?.length
		const before = nodes('V8.TFTypedLowering')
		const after = nodes('V8.TFLoopPeeling')
		const osr = JSON.stringify(trace.phases[0]?.data ?? {}).includes('OsrValue')
		if (before === undefined || after === undefined) continue
		found[kind].push(`${after > before ? 'peeled' : 'not peeled'} (${before} → ${after} nodes, ${osr ? 'OSR' : 'whole function'})`)
	}
	return { library: found.library.join('; ') || 'no compile traced', raw: found.raw.join('; ') || 'no compile traced' }
}
const traced = folders.map((folder, index) => peeling(folder, index))

const describe = (results: CaseResult[]): string => {
	const ratios = results.map((result) => result.ratios.raw!)
	return `${formatRatio(median(ratios))} (${formatRatio(Math.min(...ratios))} – ${formatRatio(Math.max(...ratios))})`
}
const time = (results: CaseResult[], variant: 'library' | 'raw'): string => formatNs(median(results.map((result) => result.nsPerOperation[variant]!)))
const browser = JSON.parse(readFileSync(join(work, 'run-0.json'), 'utf8')) as { browser?: { version?: string }; machine?: { loadAverageAtStart?: number[] } }
const lines = [
	'# `readInt32` in one long loop in Chromium',
	'',
	`<!-- Written by bench/chromium-long-loop.ts: do not edit; run \`npx tsx bench/chromium-long-loop.ts --repeats ${repeats}${output === undefined ? '' : ` --out ${output}`}\`. -->`,
	'',
	`Headless Chromium ${browser.browser?.version ?? '?'}, library ${describeSource()}; the numeric suite's two \`readInt32\` cases (plain memory, pristine regime) ` +
		`on builds that differ only in \`readInt32\`, ${repeats} runs each in rotating order (median, min – max of the runs; each run the median of 25 rounds). ` +
		`Load average at the start of the first run: ${browser.machine?.loadAverageAtStart?.join(' ') ?? '?'} on a shared machine.`,
	'',
	'| build | one long loop: library | raw | vs raw | 64 calls: vs raw | TurboFan, library loop | TurboFan, raw loop |',
	'| --- | ---: | ---: | ---: | ---: | --- | --- |',
	...variants.map((variant, index) => {
		const { long, short } = samples[index]!
		return `| ${variant.name} | ${time(long, 'library')} | ${time(long, 'raw')} | ${describe(long)} | ${describe(short)} | ${traced[index]!.library} | ${traced[index]!.raw} |`
	}),
	'',
	'How to read it. TurboFan moves nothing out of a loop by itself: loop-invariant loads and checks (here the manager ' +
		'from the closure and its map, `fast`, `fast.int32Array`, that array\'s base and length) leave the loop only when ' +
		'its LoopPeeling phase copies the first iteration in front of it and load elimination then reuses that copy\'s ' +
		'values. LoopPeeling gives up on a loop that has an exit it cannot see as one. The shipped `readInt32` is inlined ' +
		'into the loop together with its bounds-failing path, which never ran in a pristine process, so TurboFan ends that ' +
		'path in an unconditional deoptimisation: an exit of the inlined body that is not marked as an exit of the ' +
		'caller\'s loop. The loop is not peeled, and every iteration reloads the whole chain. The raw loop\'s only cold ' +
		'path is the `DataView` bounds check, a conditional deoptimisation inside the loop, not an exit: it is peeled. ' +
		'With the cold path in a known function the loop is peeled, but the call may write anything, so load elimination ' +
		'redoes every load after it, each iteration: no faster. Without the cold path the library loop is peeled and runs ' +
		'at raw speed: the cost is the cold path\'s presence, not the work of the fast path. The same holds in the ' +
		'64-call shape, which inlines into the slice\'s loop the same way, with fewer iterations per compiled loop.',
	'',
]
console.log(`\n${lines.join('\n')}`)
if (output !== undefined) {
	writeFileSync(resolve(root, output), `${lines.join('\n')}\n`)
	console.log(`wrote ${output}`)
}
