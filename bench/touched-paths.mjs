/**
 * A/B of hot paths no suite times (Pointer53Ref.read, Pointer53ArrayRef.readAt, StructArrayRef.readAt,
 * read and writeAt): two builds' dist/index.js in one process, rounds interleaved, the order of the two
 * alternating. Each build gets its own memory and manager. realistic: the memory grown and each cold path
 * (an index out of range, a freed ref's read) taken once before timing. Run each regime in processes of its
 * own and in both load orders (the first build loaded tends to be faster):
 *
 *   node bench/touched-paths.mjs <buildA> <buildB> pristine|realistic
 *
 * Prints B's speed relative to A's and each one's median time per element. (Used for stop 34's commit 1c12fe3; builds made as bench/compare-builds.ts makes them, in .tmp/builds/.)
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [dirA, dirB, regime] = process.argv.slice(2)
const libs = await Promise.all([dirA, dirB].map((dir) => import(pathToFileURL(resolve(dir, 'dist/index.js')).href)))
const N = 4096
function setup(lib) {
	const memory = new WebAssembly.Memory({ initial: 64, maximum: 256 })
	const heap = lib.createWasmHeapManager(memory)
	const T = lib.defineStruct('T', { a: 'Float64', b: 'Int32', c: 'Uint32' })
	const p = heap.allocPointer53(); p.value = 12345
	const pa = heap.allocPointer53Array(N); for (let i = 0; i < N; i++) pa.writeAt(i, i)
	const sa = heap.allocStructArray(T, 64)
	if (regime === 'realistic') {
		memory.grow(1)
		for (const f of [() => pa.readAt(N), () => sa.readAt(64), () => sa.writeAt(64, {}), () => { const q = heap.allocPointer53(); q.free(); q.read() }]) { try { f() } catch {} }
	}
	return {
		'Pointer53Ref.read': () => { let s = 0; for (let i = 0; i < N; i++) s += p.read(); return s },
		'Pointer53ArrayRef.readAt': () => { let s = 0; for (let i = 0; i < N; i++) s += pa.readAt(i); return s },
		'StructArrayRef.readAt': () => { let s = 0; for (let i = 0; i < 64; i++) s += sa.readAt(i).b; return s },
		'StructArrayRef.read': () => sa.read()[5].b,
		'StructArrayRef.writeAt': () => { for (let i = 0; i < 64; i++) sa.writeAt(i, { b: i }); return 0 },
	}
}
const cases = libs.map(setup)
const names = Object.keys(cases[0])
const { times, sink } = interleavedRounds(names, (n, k) => cases[k][names[n]], { rounds: 60, warmup: 15 })
for (let n = 0; n < names.length; n++) console.log(`${regime} ${names[n]}: B÷A speed ${(median(times[n][0]) / median(times[n][1])).toFixed(2)} (A ${(median(times[n][0]) / 20 / (names[n].startsWith("Struct") ? 64 : N)).toFixed(1)} ns, B ${(median(times[n][1]) / 20 / (names[n].startsWith("Struct") ? 64 : N)).toFixed(1)} ns)`)
if (sink === 0.5) console.log(sink)
