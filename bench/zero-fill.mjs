/**
 * Zeroing a new region: `Uint8Array.prototype.fill` against a loop of stores, and two builds'
 * allocations, which zero what they allocate (src/HeapAccess.ts `zeroBytes`).
 *
 *   node bench/zero-fill.mjs model [pristine|realistic]
 *     fill(0, a, a + n) on a whole-heap Uint8Array against a loop storing 0 into a whole-heap
 *     Int32Array or Float64Array, at one hot aligned address, for n from 8 to 4,096 bytes:
 *     the best of 5 runs of 200,000 calls, ns a call.
 *   npm run build; node bench/zero-fill.mjs ab <folder A holding dist/> <folder B> [pristine|realistic]
 *     allocFloat64Array(n) + free(), allocInt32Array(n) + free(), allocUint8Array(n) + free() and
 *     allocStruct of a 40-byte struct + free() on the built-in allocator, the two builds' rounds
 *     interleaved (bench/interleaved.mjs); prints each build's median ns an allocation and B ÷ A speed.
 *
 * realistic: a memory grown first (V8 then tests every typed-array access for a detached buffer).
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [mode = 'model', ...rest] = process.argv.slice(2)
const regime = (mode === 'ab' ? rest[2] : rest[0]) ?? 'pristine'
if (regime === 'realistic') new WebAssembly.Memory({ initial: 1, maximum: 2 }).grow(1)

if (mode === 'model') {
	const buffer = new ArrayBuffer(1 << 20)
	const bytes = new Uint8Array(buffer)
	const int32s = new Int32Array(buffer)
	const float64s = new Float64Array(buffer)
	const ways = {
		'fill()': (address, n) => bytes.fill(0, address, address + n),
		'4-byte stores': (address, n) => {
			for (let index = address / 4, end = (address + n) / 4; index < end; index++) int32s[index] = 0
		},
		'8-byte stores': (address, n) => {
			for (let index = address / 8, end = (address + n) / 8; index < end; index++) float64s[index] = 0
		},
	}
	for (const n of [8, 24, 64, 128, 192, 256, 512, 1024, 4096]) {
		const line = [`${regime} ${n} B:`]
		for (const [name, zero] of Object.entries(ways)) {
			let best = Infinity
			for (let run = 0; run < 5; run++) {
				const start = process.hrtime.bigint()
				for (let call = 0; call < 200_000; call++) zero(1024 + (call & 7) * 8, n)
				best = Math.min(best, Number(process.hrtime.bigint() - start) / 200_000)
			}
			line.push(`${name} ${best.toFixed(1)} ns`)
		}
		console.log(line.join(' '))
	}
} else {
	const [a = '.', b = '.'] = rest
	const builds = [await import(pathToFileURL(resolve(a, 'dist/index.js')).href), await import(pathToFileURL(resolve(b, 'dist/index.js')).href)]
	const N = 64
	const setups = builds.map((library) => {
		const heap = library.createWasmHeapManager(new WebAssembly.Memory({ initial: 64, maximum: 256 }))
		const Body = library.defineStruct('Body', { x: 'Float64', y: 'Float64', vx: 'Float32', vy: 'Float32', mass: 'Float64', id: 'Int32', flags: 'Uint32' })
		// (each method's loop written out: one loop calling them all through a parameter would
		// make its call site polymorphic, which the library's own callers are not)
		const cases = {}
		for (const n of [3, 10, 16, 24, 48]) {
			cases[`allocFloat64Array(${n})`] = () => {
				let sum = 0
				for (let i = 0; i < N; i++) {
					const ref = heap.allocFloat64Array(n)
					sum += ref.address
					ref.free()
				}
				return sum
			}
		}
		for (const n of [5, 20, 40]) {
			cases[`allocInt32Array(${n})`] = () => {
				let sum = 0
				for (let i = 0; i < N; i++) {
					const ref = heap.allocInt32Array(n)
					sum += ref.address
					ref.free()
				}
				return sum
			}
		}
		for (const n of [13, 100]) {
			cases[`allocUint8Array(${n})`] = () => {
				let sum = 0
				for (let i = 0; i < N; i++) {
					const ref = heap.allocUint8Array(n)
					sum += ref.address
					ref.free()
				}
				return sum
			}
		}
		cases['allocStruct(Body), 40 bytes'] = () => {
			let sum = 0
			for (let i = 0; i < N; i++) {
				const ref = heap.allocStruct(Body)
				sum += ref.address
				ref.free()
			}
			return sum
		}
		return cases
	})
	const names = Object.keys(setups[0])
	const { times, sink } = interleavedRounds(names, (n, k) => setups[k][names[n]], { rounds: 60, warmup: 15, repeats: () => 100 })
	for (const [n, name] of names.entries()) {
		const [ta, tb] = [0, 1].map((k) => median(times[n][k]) / 100 / N)
		console.log(`${regime} ${name}: A ${ta.toFixed(1)} ns, B ${tb.toFixed(1)} ns an allocation; B ÷ A speed ${(ta / tb).toFixed(2)}`)
	}
	if (sink === 0) console.log('(sink 0)')
}
