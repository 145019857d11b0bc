/**
 * Float16 members of two builds in one process, interleaved round after round
 * (bench/interleaved.mjs), beside a hand-written loop through the engine's own
 * `DataView.prototype.getFloat16`/`setFloat16` where it has them (Node 24, current
 * Chromium; on Node 20 the hand-written column is empty). Each case runs over 1,024
 * halves in a 2 KiB array. Realistic: the memory grown once and each member's error
 * path taken once in each build before timing.
 *
 *   npm run build; node bench/float16-ab.mjs <folder A holding dist/> <folder B> [pristine|realistic]
 *
 * Prints per case the median ns per element of each build, B's speed ÷ A's, and B ÷ the
 * hand-written loop.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [a = '.', b = '.', regime = 'pristine'] = process.argv.slice(2)
const builds = [await import(pathToFileURL(resolve(a, 'dist/index.js')).href), await import(pathToFileURL(resolve(b, 'dist/index.js')).href)]
const N = 1024
const native = typeof DataView.prototype.getFloat16 === 'function'
const values = Array.from({ length: N }, (_, i) => (i % 7 === 0 ? -1 : 1) * (i * 0.37 + 1 / (i + 1)))

const cases = builds.map((lib) => {
	const memory = new WebAssembly.Memory({ initial: 16, maximum: 64 })
	const heap = lib.createWasmHeapManager(memory)
	const array = heap.allocFloat16Array(values)
	const one = heap.allocFloat16()
	const Half = lib.defineStruct('Half', { h: 'Float16', pad: 'Uint16' })
	const halves = heap.allocStructArray(Half, N)
	const base = array.address
	if (regime === 'realistic') {
		memory.grow(1)
		for (const attempt of [() => heap.readFloat16(-1), () => heap.writeFloat16(-1, 0), () => array.readAt(N), () => array.writeAt(N, 0), () => halves.at(N), () => heap.readFloat16Atomic(1)]) {
			try {
				attempt()
			} catch {}
		}
	}
	const cursor = halves.at(0)
	return {
		'readFloat16(address)': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += heap.readFloat16(base + 2 * i)
			return sum
		},
		'writeFloat16(address, value)': () => {
			for (let i = 0; i < N; i++) heap.writeFloat16(base + 2 * i, i * 0.37)
			return 1
		},
		'Float16ArrayRef readAt': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += array.readAt(i)
			return sum
		},
		'Float16ArrayRef writeAt': () => {
			for (let i = 0; i < N; i++) array.writeAt(i, i * 0.37)
			return 1
		},
		'Float16Ref value += 0.5': () => {
			for (let i = 0; i < N; i++) one.value += 0.5
			one.value = 0
			return 1
		},
		'struct field h += 1 (cursor)': () => {
			for (let i = 0; i < N; i++) {
				const half = halves.at(i, cursor)
				half.h = half.h + 1
			}
			return 1
		},
		'readFloat16Atomic(address)': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += heap.readFloat16Atomic(base + 2 * i)
			return sum
		},
		'allocFloat16Array(1,024 values) + free': () => {
			const ref = heap.allocFloat16Array(values)
			heap.free(ref)
			return 1
		},
	}
})

const rawMemory = new WebAssembly.Memory({ initial: 16, maximum: 64 })
const raw = native
	? {
			'readFloat16(address)': () => {
				const view = new DataView(rawMemory.buffer)
				let sum = 0
				for (let i = 0; i < N; i++) sum += view.getFloat16(2 * i, true)
				return sum
			},
			'writeFloat16(address, value)': () => {
				const view = new DataView(rawMemory.buffer)
				for (let i = 0; i < N; i++) view.setFloat16(2 * i, i * 0.37, true)
				return 1
			},
		}
	: {}
if (regime === 'realistic') rawMemory.grow(1)

const names = Object.keys(cases[0])
const { times, sink } = interleavedRounds(names, (n, k) => (k < 2 ? cases[k][names[n]] : raw[names[n]]), { variants: 3, rounds: 40, warmup: 10, repeats: () => 20 })
console.log(`${process.version} ${regime}; A ${a}, B ${b}; ns per element (median batch)`)
for (let n = 0; n < names.length; n++) {
	const [ta, tb, tr] = times[n].map((t) => (t.length === 0 ? undefined : median(t) / 20 / N))
	const vsRaw = tr === undefined ? '' : `  hand-written ${tr.toFixed(2)}  B ÷ hand-written ${(tr / tb).toFixed(2)}x`
	console.log(`${names[n].padEnd(40)} A ${ta.toFixed(2)}  B ${tb.toFixed(2)}  B ÷ A ${(ta / tb).toFixed(2)}x${vsRaw}`)
}
if (sink === 0) console.log('(sink 0)')
