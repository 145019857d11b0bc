/**
 * Where the time of "free(address) + alloc of live refs" goes as the number of live refs
 * grows (bench/tracking.bench.ts): the same loop (free a live `Int32Ref` in a scattered
 * order, allocate one in its place) in plain Node over the built-in allocator, with the time
 * the garbage collector took in each round (`PerformanceObserver` of `gc` entries).
 *
 *   npm run build; node [--max-semi-space-size=N] bench/tracking-gc.mjs [folder holding dist/] [counts...]
 *
 * Prints per count and round the nanoseconds an operation and those spent collecting. The
 * observer's entries arrive after the collection, so a round's share can land in the next.
 */
import { PerformanceObserver } from 'node:perf_hooks'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const [folder = '.', ...countArguments] = process.argv.slice(2)
const counts = countArguments.length > 0 ? countArguments.map(Number) : [100, 10_000, 100_000]
const { createWasmHeapManager } = await import(pathToFileURL(resolve(folder, 'dist/index.js')).href)

const operations = 1 << 10
const batches = 200
/** A prime: coprime to every count, so the walk visits every live ref. */
const stride = 7919
let collecting = 0
new PerformanceObserver((list) => {
	for (const entry of list.getEntries()) collecting += entry.duration
}).observe({ entryTypes: ['gc'] })

for (const count of counts) {
	const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 256, maximum: 65536 }))
	const addresses = new Float64Array(count)
	for (let i = 0; i < count; i++) addresses[i] = heap.allocInt32().address
	let k = 0
	const replace = () => {
		for (let i = 0; i < operations; i++) {
			heap.free(addresses[k])
			addresses[k] = heap.allocInt32().address
			k = (k + stride) % count
		}
	}
	for (let round = 0; round < 7; round++) {
		collecting = 0
		const start = process.hrtime.bigint()
		for (let batch = 0; batch < batches; batch++) replace()
		const elapsed = Number(process.hrtime.bigint() - start) / 1e6
		// let the observer deliver this round's entries
		await new Promise((done) => setImmediate(done))
		const perOperation = (milliseconds) => ((milliseconds * 1e6) / (batches * operations)).toFixed(1)
		if (round >= 4) console.log(`${count.toLocaleString('en-US')} live: ${perOperation(elapsed)} ns an operation, ${perOperation(collecting)} ns collecting`)
	}
	heap.freeAll()
}
