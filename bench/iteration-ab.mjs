/**
 * A/B of array refs' iteration (`for...of`, `Array.from`), which no suite times: two builds' dist/index.js in one
 * process, rounds interleaved, the order of the two alternating, with a hand-written loop beside them (`for...of`
 * over a typed array made over the same elements: what the iteration replaces). Each build gets its own memory and
 * manager. realistic: the memory grown and each cold path (an index out of range, a freed ref's iteration) taken
 * once before timing. Run each regime in processes of its own and in both load orders:
 *
 *   node bench/iteration-ab.mjs <buildA> <buildB> pristine|realistic
 *
 * Prints B's speed relative to A's and each one's median time per element. (Builds as bench/compare-builds.ts
 * makes them, in .tmp/builds/.)
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [dirA, dirB, regime] = process.argv.slice(2)
const libs = await Promise.all([dirA, dirB].map((dir) => import(pathToFileURL(resolve(dir, 'dist/index.js')).href)))
const N = 1024
const S = 64
function setup(lib) {
	const memory = new WebAssembly.Memory({ initial: 64, maximum: 256 })
	const heap = lib.createWasmHeapManager(memory)
	const T = lib.defineStruct('T', { a: 'Float64', b: 'Int32', h: { array: 'Int32', length: 8 } })
	const i32 = heap.allocInt32Array(N)
	const f64 = heap.allocFloat64Array(N)
	const b64 = heap.allocBigInt64Array(N)
	const p53 = heap.allocPointer53Array(N)
	const sa = heap.allocStructArray(T, S)
	const t = heap.allocStruct(T)
	for (let i = 0; i < N; i++) { i32.writeAt(i, i); f64.writeAt(i, i / 2); b64.writeAt(i, BigInt(i)); p53.writeAt(i, i) }
	if (regime === 'realistic') {
		memory.grow(1)
		for (const f of [() => i32.readAt(N), () => f64.readAt(N), () => b64.readAt(N), () => p53.readAt(N), () => sa.at(S), () => t.h.at(8),
			() => { const q = heap.allocInt32Array(4); q.free(); for (const _ of q); }]) { try { f() } catch {} }
	}
	return {
		'Int32ArrayRef for..of': [N, () => { let s = 0; for (const v of i32) s += v; return s }],
		'Int32ArrayRef hand for..of Int32Array': [N, () => { let s = 0; for (const v of new Int32Array(memory.buffer, i32.address, N)) s += v; return s }],
		'Float64ArrayRef for..of': [N, () => { let s = 0; for (const v of f64) s += v; return s }],
		'BigInt64ArrayRef for..of': [N, () => { let s = 0n; for (const v of b64) s += v; return Number(s & 1n) }],
		'Pointer53ArrayRef for..of': [N, () => { let s = 0; for (const v of p53) s += v; return s }],
		'Int32ArrayRef Array.from': [N, () => Array.from(i32).length],
		'Int32ArrayRef hand Array.from Int32Array': [N, () => Array.from(new Int32Array(memory.buffer, i32.address, N)).length],
		'StructArrayRef for..of': [S, () => { let s = 0; for (const e of sa) s += e.b; return s }],
		'FieldArrayRef for..of': [8, () => { let s = 0; for (const v of t.h) s += v; return s }],
	}
}
const cases = libs.map(setup)
const names = Object.keys(cases[0])
const { times, sink } = interleavedRounds(names, (n, k) => cases[k][names[n]][1], { rounds: 50, warmup: 15 })
for (let n = 0; n < names.length; n++) {
	const per = 20 * cases[0][names[n]][0]
	console.log(`${process.version} ${regime} ${names[n]}: B÷A speed ${(median(times[n][0]) / median(times[n][1])).toFixed(2)} (A ${(median(times[n][0]) / per).toFixed(2)} ns, B ${(median(times[n][1]) / per).toFixed(2)} ns)`)
}
if (sink === 0.5) console.log(sink)
