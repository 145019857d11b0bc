/**
 * The heapAllocator cases (heapAllocator.bench.ts) timed by the minimum over many
 * interleaved rounds instead of the median: on a machine shared with other work, a
 * preempted round only ever makes a batch slower, so the minimum is the steadiest
 * estimate of the undisturbed speed (the median of `npm run bench` moved between 0.15x
 * and 1.36x from run to run on a machine with a load average of 25; this moved by ±0.05).
 *
 *   npm run build && npx tsx bench/heapAllocatorMinimum.ts   dist/ as built, 301 rounds (BENCH_ROUNDS to change)
 *   npx tsx bench/heapAllocatorMinimum.ts realistic          the realistic regime (see heapAllocator.bench.ts)
 *   BENCH_LIBRARY=src npx tsx bench/heapAllocatorMinimum.ts
 */
import { createHeapAllocatorCases, regimeFromArguments } from './heapAllocator.bench.js'

const rounds = Number(process.env.BENCH_ROUNDS ?? 301)
const regime = regimeFromArguments()
console.log(`${regime} regime`)
for (const benchCase of createHeapAllocatorCases(regime)) {
	const variants: Record<string, () => unknown> = { library: benchCase.library, ...benchCase.baselines }
	for (const batch of Object.values(variants)) for (let warmup = 0; warmup < 30; warmup++) batch()
	const best: Record<string, number> = {}
	for (let round = 0; round < rounds; round++) {
		for (const [name, batch] of Object.entries(variants)) {
			const start = process.hrtime.bigint()
			batch()
			const ns = Number(process.hrtime.bigint() - start) / benchCase.operations
			best[name] = Math.min(best[name] ?? Infinity, ns)
		}
	}
	const cells = Object.entries(best).map(([name, ns]) => `${name} ${ns.toFixed(1)} ns`)
	const ratios = Object.keys(benchCase.baselines).map((name) => `${(best[name]! / best.library!).toFixed(2)}x vs ${name}`)
	console.log(`${benchCase.name.padEnd(45)} ${cells.join('  ')}  ${ratios.join('  ')}`)
}
