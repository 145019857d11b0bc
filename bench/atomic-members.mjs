/**
 * A/B of the refs' atomic members (Int32Ref.addAtomic, Int32ArrayRef.addAtomicAt, readAtomic,
 * writeAtomic, compareExchangeAtomic, Float64Ref.addAtomic, BigInt64Ref.addAtomic,
 * Pointer53Ref.readAtomic) on a shared memory: two builds' dist/index.js in one process, rounds
 * interleaved, the order of the two alternating, each build with its own memory and manager.
 * realistic: the memory grown and each member's error path (a misaligned wrap, an index out of
 * range, a freed ref) taken once before timing. Run each regime in processes of its own and in
 * both load orders (the first build loaded tends to be faster):
 *
 *   node bench/atomic-members.mjs <buildA> <buildB> pristine|realistic
 *
 * Prints B's speed relative to A's and each one's median time per operation.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [dirA, dirB, regime] = process.argv.slice(2)
const libs = await Promise.all([dirA, dirB].map((dir) => import(pathToFileURL(resolve(dir, 'dist/index.js')).href)))
const N = 1024
function setup(lib) {
	const memory = new WebAssembly.Memory({ initial: 64, maximum: 256, shared: true })
	const heap = lib.createWasmHeapManager(memory)
	const ints = Array.from({ length: N }, () => heap.allocInt32())
	const array = heap.allocInt32Array(N)
	const floats = Array.from({ length: 64 }, () => heap.allocFloat64())
	const bigs = Array.from({ length: 64 }, () => heap.allocBigInt64())
	const pointers = Array.from({ length: 64 }, () => heap.allocPointer53())
	if (regime === 'realistic') {
		memory.grow(1)
		const attempt = (f) => { try { f() } catch { return } throw new Error('did not throw') }
		attempt(() => heap.wrapInt32(66).addAtomic(1))
		attempt(() => heap.wrapInt32(66).readAtomic())
		attempt(() => heap.wrapInt32(66).writeAtomic(1))
		attempt(() => heap.wrapInt32(66).compareExchangeAtomic(1, 2))
		attempt(() => heap.wrapFloat64(68).addAtomic(1))
		attempt(() => heap.wrapBigInt64(68).addAtomic(1n))
		attempt(() => heap.wrapPointer53(68).readAtomic())
		attempt(() => array.addAtomicAt(N, 1))
		const freed = heap.allocInt32(); freed.free(); attempt(() => freed.addAtomic(1))
	}
	return {
		'Int32Ref.addAtomic': () => { let s = 0; for (let i = 0; i < N; i++) s += ints[i].addAtomic(1); return s },
		'Int32Ref.readAtomic': () => { let s = 0; for (let i = 0; i < N; i++) s += ints[i].readAtomic(); return s },
		'Int32Ref.writeAtomic': () => { for (let i = 0; i < N; i++) ints[i].writeAtomic(i); return 0 },
		'Int32Ref.compareExchangeAtomic': () => { let s = 0; for (let i = 0; i < N; i++) s += ints[i].compareExchangeAtomic(i, i + 1); return s },
		'Int32ArrayRef.addAtomicAt': () => { let s = 0; for (let i = 0; i < N; i++) s += array.addAtomicAt(i, 1); return s },
		'Float64Ref.addAtomic': () => { let s = 0; for (let i = 0; i < N; i++) s += floats[i & 63].addAtomic(0.5); return s },
		'BigInt64Ref.addAtomic': () => { let s = 0n; for (let i = 0; i < N; i++) s += bigs[i & 63].addAtomic(1n); return Number(s & 1n) },
		'Pointer53Ref.readAtomic': () => { let s = 0; for (let i = 0; i < N; i++) s += pointers[i & 63].readAtomic(); return s },
	}
}
const cases = libs.map(setup)
const names = Object.keys(cases[0])
const { times, sink } = interleavedRounds(names, (n, k) => cases[k][names[n]], { rounds: 60, warmup: 15 })
for (let n = 0; n < names.length; n++) {
	const [a, b] = [median(times[n][0]), median(times[n][1])]
	console.log(`${regime} ${names[n]}: B÷A speed ${(a / b).toFixed(2)} (A ${(a / 20 / N).toFixed(2)} ns, B ${(b / 20 / N).toFixed(2)} ns)`)
}
if (sink === 0.5) console.log(sink)
