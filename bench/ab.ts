/**
 * One suite against two builds, each in processes of its own, alternating:
 *
 *   npx tsx bench/ab.ts <before> <suite> [--repeats 5] [--regimes pristine,realistic] [--after <folder>]
 *
 * `<before>` and `--after` are folders holding a build's dist/index.js (default after: this
 * checkout's, rebuilt first); `git archive <commit> | tar -x -C .tmp/builds/<commit>` and
 * `npm run build` there make one, as bench/compare-builds.ts does. Every process runs the
 * suite's cases with their baselines (run.ts compiled, without tsx, as `npm run bench`'s suite
 * processes: bench/compiled-children.ts), so each build's ratio to its baseline is measured
 * within one process; the table gives per case and regime the median of those ratios over
 * the processes, before and after, and after ÷ before. For suites whose cases cannot share
 * a process with a second copy of the library (the allocation suite's Emscripten module,
 * the realistic regime); the numeric suite has bench/compare-builds.ts, which runs both
 * builds in one process.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatRatio, type CaseResult } from './harness.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const argv = process.argv.slice(2)
const positional: string[] = []
let repeats = 5
let regimes = ['pristine', 'realistic']
let after = root
for (let i = 0; i < argv.length; i++) {
	if (argv[i] === '--repeats') repeats = Number(argv[++i])
	else if (argv[i] === '--regimes') regimes = argv[++i]!.split(',')
	else if (argv[i] === '--after') after = resolve(argv[++i]!)
	else positional.push(argv[i]!)
}
const [before, suite] = positional
if (before === undefined || suite === undefined) throw new Error('usage: npx tsx bench/ab.ts <before folder> <suite> [--repeats N] [--regimes a,b] [--after folder]')
if (after === root) execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'pipe' })
// The suite processes run run.ts compiled, without tsx, as `npm run bench`'s (see bench/compiled-children.ts).
const children = await (await import('./compiled-children.js')).suiteProcess(root, fileURLToPath(new URL('./run.ts', import.meta.url)))

const median = (values: number[]): number => {
	const sorted = [...values].sort((a, b) => a - b)
	const middle = sorted.length >> 1
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
/** Ratios library ÷ baseline speed by `regime|case|baseline`, one entry per process, per build. */
const ratios = { before: new Map<string, number[]>(), after: new Map<string, number[]>() }
for (let repeat = 0; repeat < repeats; repeat++) {
	for (const regime of regimes) {
		const order = repeat % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)
		for (const which of order) {
			const file = resolve(root, `.tmp/ab.${process.pid}.json`)
			const child = spawnSync(process.execPath, [...children.execArgv, children.script, '--suite', suite, file, regime], {
				stdio: ['ignore', 'ignore', 'inherit'],
				env: { ...process.env, BENCH_BUILD: which === 'before' ? resolve(before) : after },
			})
			if (child.status !== 0) throw new Error(`bench/ab: ${suite} (${regime}, ${which}) failed`)
			const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: CaseResult[] }
			rmSync(file)
			for (const result of results) {
				for (const [baseline, ratio] of Object.entries(result.ratios)) {
					const key = `${regime}|${result.name}|${baseline}`
					if (!ratios[which].has(key)) ratios[which].set(key, [])
					ratios[which].get(key)!.push(ratio)
				}
			}
		}
	}
	console.error(`bench/ab: run ${repeat + 1}/${repeats} done`)
}
console.log(`| regime | case | vs | before | after | after ÷ before |\n| --- | --- | --- | ---: | ---: | ---: |`)
for (const [key, values] of ratios.before) {
	const [regime, name, baseline] = key.split('|')
	const b = median(values)
	const a = median(ratios.after.get(key) ?? [Number.NaN])
	console.log(`| ${regime} | ${name} | ${baseline} | ${formatRatio(b)} | ${formatRatio(a)} | ${(a / b).toFixed(2)} |`)
}
