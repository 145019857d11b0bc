/**
 * A fixed-array field read through its struct each time (`s.hist.readAt(i)`: a new
 * `FieldArrayRef` per read), in two builds in one process: reads, writes, a row of an array
 * of arrays (`s.m.at(r).readAt(c)`), a struct element of a fixed array of structs
 * (`s.items.at(k).x`), the field through a cursor (`bodies.at(i, cursor).hist.readAt(3)`),
 * and, to show nothing else moved, the array ref held in a local, a plain field, a cursor
 * without a sub-field and a hand-written `Float32Array` loop. Rounds interleaved
 * (bench/interleaved.mjs); realistic: the memory grown once and the field's error paths
 * (an index out of range, a bad value, a freed struct's field) taken once in each build
 * before timing.
 *
 *   npm run build; node bench/field-array-ab.mjs <folder A holding dist/> <folder B> [pristine|realistic] [skip]
 *
 * `skip`, a regular expression, leaves out the cases it matches (never run, so they give the
 * shared members no feedback): `'m\.at'` times `readAt` with one field's codec only, as a
 * program reading one array field does; with every case, `readAt` has seen two codecs.
 *
 * Prints per case the median ns per access of each build and B's speed ÷ A's.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [a = '.', b = '.', regime = 'pristine', skip] = process.argv.slice(2)
const builds = [await import(pathToFileURL(resolve(a, 'dist/index.js')).href), await import(pathToFileURL(resolve(b, 'dist/index.js')).href)]
const N = 1024

const attempt = (f) => {
	try {
		f()
	} catch {}
}

const setups = builds.map((lib) => {
	const memory = new WebAssembly.Memory({ initial: 16, maximum: 64 })
	const heap = lib.createWasmHeapManager(memory)
	const Vec = lib.defineStruct('Vec', { x: 'Float64', y: 'Float64' })
	const Body = lib.defineStruct('Body', {
		mass: 'Float64',
		hist: { array: 'Float32', length: 8 },
		m: { array: { array: 'Float32', length: 4 }, length: 4 },
		items: { array: Vec, length: 4 },
	})
	const bodies = heap.allocStructArray(Body, 64)
	const stride = heap.sizeOf(Body)
	const histOffset = 8
	if (regime === 'realistic') {
		memory.grow(1)
		const gone = heap.allocStruct(Body)
		const goneHist = gone.hist
		const goneRow = gone.m.at(1)
		const goneItems = gone.items
		gone.free()
		const s = bodies.at(1)
		for (const f of [
			() => s.hist.readAt(99),
			() => s.hist.writeAt(99, 0),
			() => s.hist.writeAt(0, 5n),
			() => s.hist.at(-1),
			() => s.m.at(99),
			() => s.m.at(0).readAt(99),
			() => s.items.at(99),
			() => s.items.at(0, bodies.at(0)),
			() => gone.hist,
			() => goneHist.readAt(0),
			() => goneHist.writeAt(0, 1),
			() => goneRow.readAt(0),
			() => goneItems.at(0),
		]) {
			attempt(f)
		}
	}
	const one = bodies.at(5)
	const held = one.hist
	const cursor = bodies.at(0)
	return {
		'one.hist.readAt(i & 7)': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += one.hist.readAt(i & 7)
			return sum
		},
		'one.hist.writeAt(i & 7, i)': () => {
			for (let i = 0; i < N; i++) one.hist.writeAt(i & 7, i)
			return 1
		},
		'one.m.at(i & 3).readAt(i >> 2 & 3)': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += one.m.at(i & 3).readAt((i >> 2) & 3)
			return sum
		},
		'one.items.at(i & 3).x': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += one.items.at(i & 3).x
			return sum
		},
		'bodies.at(i, cursor).hist.readAt(3)': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += bodies.at(i & 63, cursor).hist.readAt(3)
			return sum
		},
		'held = one.hist; held.readAt(i & 7)': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += held.readAt(i & 7)
			return sum
		},
		'one.mass': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += one.mass
			return sum
		},
		'bodies.at(i, cursor).mass': () => {
			let sum = 0
			for (let i = 0; i < N; i++) sum += bodies.at(i & 63, cursor).mass
			return sum
		},
		'raw Float32Array [body i & 63].hist[3]': () => {
			const f32 = new Float32Array(memory.buffer)
			let sum = 0
			for (let i = 0; i < N; i++) sum += f32[(bodies.address + (i & 63) * stride + histOffset) / 4 + 3]
			return sum
		},
	}
})

const names = Object.keys(setups[0]).filter((name) => skip === undefined || !new RegExp(skip).test(name))
const { times, sink } = interleavedRounds(names, (n, k) => setups[k][names[n]], { rounds: 60, warmup: 15, repeats: () => 50 })
for (const [n, name] of names.entries()) {
	const [ta, tb] = [0, 1].map((k) => median(times[n][k]) / 50 / N)
	console.log(`${regime} ${name}: A ${ta.toFixed(2)} ns, B ${tb.toFixed(2)} ns an access; B ÷ A speed ${(ta / tb).toFixed(2)}`)
}
if (sink === 0) console.log('(sink 0)')
