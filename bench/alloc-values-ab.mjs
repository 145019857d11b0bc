/**
 * A/B of `alloc<T>Array(values)`, which no suite times (the allocation suite allocates by count), and of
 * `alloc<T>Array(count)` beside it: two builds' dist/index.js in one process, rounds interleaved, the order of the
 * two alternating, with a hand-written equivalent (allocate by count, then `set` a view to the values). Each build
 * gets its own memory and manager. realistic: the memory grown and the staging's error paths (a value that does
 * not convert, a bad count) taken once before timing. Run each regime in processes of its own and in both load
 * orders:
 *
 *   node bench/alloc-values-ab.mjs <buildA> <buildB> pristine|realistic [regex of the cases to run]
 *
 * Prints B's speed relative to A's, each one's median time per call and the hand-written one's (A's manager).
 * (Builds as bench/compare-builds.ts makes them, in .tmp/builds/.)
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [dirA, dirB, regime, filter] = process.argv.slice(2)
const libs = await Promise.all([dirA, dirB].map((dir) => import(pathToFileURL(resolve(dir, 'dist/index.js')).href)))
const sizes = [4, 64, 1024, 16384]
function setup(lib) {
	const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024 })
	const heap = lib.createWasmHeapManager(memory)
	if (regime === 'realistic') {
		memory.grow(1)
		for (const f of [() => heap.allocFloat32Array([1n]), () => heap.allocBigInt64Array(['x']), () => heap.allocInt32Array(-1), () => heap.allocFloat64Array({ length: 2 ** 40 })]) { try { f() } catch {} }
	}
	const cases = {
		'allocInt32Array(8)+free (count)': [64, () => heap.allocInt32Array(8).free()],
	}
	for (const n of sizes) {
		const f32 = new Float32Array(n).map((_, i) => i)
		const array = Array.from(f32)
		const reps = Math.max(1, 1024 / n)
		cases[`allocFloat32Array(Float32Array ${n})+free`] = [reps, () => heap.allocFloat32Array(f32).free(), () => { const r = heap.allocFloat32Array(n); new Float32Array(memory.buffer, r.address, n).set(f32); r.free() }]
		cases[`allocFloat32Array(Array ${n})+free`] = [reps, () => heap.allocFloat32Array(array).free(), () => { const r = heap.allocFloat32Array(n); new Float32Array(memory.buffer, r.address, n).set(array); r.free() }]
	}
	const b64 = Array.from({ length: 64 }, (_, i) => BigInt(i))
	cases['allocBigInt64Array(Array 64)+free'] = [16, () => heap.allocBigInt64Array(b64).free(), () => { const r = heap.allocBigInt64Array(64); new BigInt64Array(memory.buffer, r.address, 64).set(b64); r.free() }]
	const halves = Array.from({ length: 64 }, (_, i) => i / 2)
	cases['allocFloat16Array(Array 64)+free'] = [16, () => heap.allocFloat16Array(halves).free()]
	return cases
}
const cases = libs.map(setup)
const names = Object.keys(cases[0]).filter((name) => filter === undefined || new RegExp(filter).test(name))
const { times: batches, sink } = interleavedRounds(names, (n, k) => (k === 2 ? cases[0][names[n]][2] : cases[k][names[n]][1]), {
	variants: 3,
	rounds: 40,
	warmup: 12,
	repeats: (n) => cases[0][names[n]][0] * 20,
	order: (round) => (round % 2 ? [1, 0, 2] : [2, 0, 1]),
})
// ns per call
const times = batches.map((variants, n) => variants.map((t) => t.map((ns) => ns / cases[0][names[n]][0] / 20)))
for (let n = 0; n < names.length; n++) {
	const [a, b, h] = times[n].map((t) => (t.length ? median(t) : NaN))
	console.log(`${process.version} ${regime} ${names[n]}: B÷A speed ${(a / b).toFixed(2)} (A ${a.toFixed(1)} ns, B ${b.toFixed(1)} ns${Number.isNaN(h) ? '' : `, hand ${h.toFixed(1)} ns`})`)
}
if (sink === 0.5) console.log(sink)
