/**
 * Tracked `alloc` + `free` of two builds in one process, interleaved with the bare
 * `_malloc` + `_free` (bench/harness.ts), each build over an Emscripten fixture instance
 * of its own, and the loops compiled one by one (bench/compile.ts) so that the builds
 * share no call-site feedback:
 *
 *   npx tsx bench/compare-allocation.ts <before> <after> [pristine|realistic] [--repeats 5]
 *
 * `<before>`/`<after>`: folders holding a build's dist/index.js (`git archive <commit> |
 * tar -x -C .tmp/builds/<commit>`, then `npm run build` there). Realistic: every memory
 * grew once and each build took its error paths once before timing (see run.ts). Each
 * repeat is a process of its own (this file compiled, without tsx: see bench/compiled-children.ts);
 * the medians over them are printed.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { compileBatch } from './compile.js'
import { loadEmscriptenHeaplib } from './emscriptenFixture.js'
import { runCase } from './harness.js'

const operations = 4096
const cases = {
	'allocInt32() + free()': 'const r = h.allocInt32(); a = r.address; r.free()',
	'allocFloat64Array(16) + free()': 'const r = h.allocFloat64Array(16); a = r.address; r.free()',
}

async function child(before: string, after: string, regime: string): Promise<void> {
	const builds = await Promise.all([before, after].map(async (folder) => import(pathToFileURL(resolve(folder, 'dist/index.js')).href)))
	const modules = await Promise.all([0, 1, 2].map(() => loadEmscriptenHeaplib()))
	const heaps = builds.map((build, i) => build.wrapEmscriptenModuleHeap(modules[i]))
	if (regime === 'realistic') {
		for (const module of modules) module._free(module._malloc(module.HEAPU8.length))
		for (const heap of heaps) {
			const ref = heap.allocInt32()
			ref.free()
			for (const action of [() => ref.value, () => heap.free(12345), () => heap.allocInt32Array(-1), () => ref.release()]) {
				try {
					action()
				} catch {
					continue
				}
				throw new Error('bench: an error path did not throw')
			}
		}
	}
	const loop = (body: string): string => `let a = 0\nfor (let i = 0; i < operations; i++) { ${body} }\nreturn a`
	const results: Record<string, number[]> = {}
	for (const [name, body] of Object.entries(cases)) {
		const result = runCase({
			suite: 'compare-allocation',
			name,
			operations,
			library: compileBatch('before', loop(body), { h: heaps[0], operations }),
			baselines: {
				after: compileBatch('after', loop(body), { h: heaps[1], operations }),
				raw: compileBatch('raw', loop('a = m._malloc(4); m._free(a)'), { m: modules[2], operations }),
			},
		})
		const ns = result.nsPerOperation
		results[name] = [ns.library!, ns.after!, ns.raw!]
	}
	console.log(JSON.stringify(results))
}

async function parent(argv: string[]): Promise<void> {
	let repeats = 5
	const positional: string[] = []
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--repeats') repeats = Number(argv[++i])
		else positional.push(argv[i]!)
	}
	const [before, after, regime = 'pristine'] = positional
	if (before === undefined || after === undefined) throw new Error('usage: npx tsx bench/compare-allocation.ts <before> <after> [pristine|realistic] [--repeats N]')
	// The processes run this file compiled, without tsx, as `npm run bench`'s suite processes do
	// (loading tsx invalidates V8 protectors: see bench/compiled-children.ts).
	const root = fileURLToPath(new URL('..', import.meta.url))
	const children = await (await import('./compiled-children.js')).suiteProcess(root, fileURLToPath(import.meta.url))
	const runs: Record<string, number[]>[] = []
	for (let repeat = 0; repeat < repeats; repeat++) {
		const run = spawnSync(process.execPath, [...children.execArgv, children.script, '--child', resolve(before), resolve(after), regime], { encoding: 'utf8' })
		if (run.status !== 0) throw new Error(`compare-allocation: a process failed: ${run.stderr.slice(-2000)}`)
		runs.push(JSON.parse(run.stdout.trim().split('\n').at(-1)!))
	}
	const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!
	for (const name of Object.keys(cases)) {
		const pick = (index: number): number => median(runs.map((run) => run[name]![index]!))
		const ratio = (index: number): number => median(runs.map((run) => run[name]![2]! / run[name]![index]!))
		const speedup = median(runs.map((run) => run[name]![0]! / run[name]![1]!))
		console.log(
			`${regime} ${name}: before ${pick(0).toFixed(1)} ns (${ratio(0).toFixed(3)}x raw), after ${pick(1).toFixed(1)} ns (${ratio(1).toFixed(3)}x raw), ` +
				`raw ${pick(2).toFixed(1)} ns; after ÷ before speed ${speedup.toFixed(2)} (median of ${repeats} processes)`,
		)
	}
}

const argv = process.argv.slice(2)
if (argv[0] === '--child') await child(argv[1]!, argv[2]!, argv[3]!)
else await parent(argv)
