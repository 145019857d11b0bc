/**
 * Allocations the library fills whole from a value (a string, an array of values) + `free()`, one
 * build in a process: a 32-character ASCII string and a mixed one as null-terminated UTF-8, a
 * 32-character null-terminated UTF-16 string, a 32-character UTF-8 slice and `allocFloat64Array`
 * of 8 values, on the built-in allocator; the best of 12 runs of 100,000 calls, ns a call.
 * Two builds in one process (bench/alloc-values-ab.mjs and the like) moved these cases 0.65-1.9x
 * either way from run to run; run this for each build in turn instead, several processes each:
 *
 *   npm run build; node bench/alloc-filled.mjs <folder holding dist/> [pristine|realistic]
 *
 * realistic: a memory grown first (V8 then tests every typed-array access for a detached buffer).
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const [folder = '.', regime = 'pristine'] = process.argv.slice(2)
const library = await import(pathToFileURL(resolve(folder, 'dist/index.js')).href)
if (regime === 'realistic') new WebAssembly.Memory({ initial: 1, maximum: 2 }).grow(1)
const heap = library.createWasmHeapManager(new WebAssembly.Memory({ initial: 64, maximum: 256 }))
const ascii = 'The quick brown fox jumps over t'
const mixed = 'Grüße, 世界! 😀 naïve café'
const values = [1.5, 2, 3, 4, 5, 6, 7, 8]
const cases = {
	'UTF-8 (32 ASCII)': () => heap.allocNullTerminatedUtf8String(ascii),
	'UTF-8 (mixed)': () => heap.allocNullTerminatedUtf8String(mixed),
	'UTF-16 (32)': () => heap.allocNullTerminatedUtf16String(ascii),
	'UTF-8 slice (32 ASCII)': () => heap.allocUtf8StringSlice(ascii),
	'Float64Array (8 values)': () => heap.allocFloat64Array(values),
}
const line = [`${regime} ${folder}:`]
for (const [name, allocate] of Object.entries(cases)) {
	let best = Infinity
	for (let run = 0; run < 12; run++) {
		const start = process.hrtime.bigint()
		for (let call = 0; call < 100_000; call++) allocate().free()
		best = Math.min(best, Number(process.hrtime.bigint() - start) / 100_000)
	}
	line.push(`${name} ${best.toFixed(1)} ns`)
}
console.log(line.join('  '))
