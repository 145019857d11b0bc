/** Writes a run's results as JSON into bench/results/ (for BENCHMARKS.md and the chart); Node only. */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { lastKept, type CaseResult } from './harness.js'

/** Writes `results` to `path`, with the runtime, the platform, the date and `extra`. */
export function writeResults(path: string, results: readonly CaseResult[], extra: Readonly<Record<string, unknown>> = {}): void {
	mkdirSync(dirname(path), { recursive: true })
	const payload = {
		runtime: `node ${process.version}`,
		platform: `${process.platform} ${process.arch}`,
		date: new Date().toISOString(),
		...extra,
		results,
	}
	writeFileSync(path, `${JSON.stringify(payload, null, '\t')}\n`)
	if (lastKept() === path) console.log('')
}
