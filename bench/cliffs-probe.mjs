/**
 * The performance-cliff audit: public members no suite times (array refs' iteration, views made per call,
 * FieldArrayRef, whole-struct reads and writes, nested, enum and pointer fields, string slice refs,
 * alloc<T>Array(values), allocStructArray(values), withScope, wrap per call), each against a hand-written
 * equivalent (alt1; for iteration also for...of over a typed array, alt2), in one process, rounds interleaved.
 * realistic: the memory grown once and each member's error path taken once before timing.
 *
 *   node bench/cliffs-probe.mjs [folder holding dist/] pristine|realistic [regex of the cases to run]
 *
 * Prints, per case, the library's and the hand-written loop's median time per unit (per element, or per
 * 1/1024 of the case's work where a case does fewer calls) and their ratio. Every iteration case runs in
 * one process, so the iterator's next() sees every array ref class (megamorphic): bench/iteration-ab.mjs
 * times a few classes at a time.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { interleavedRounds, median } from './interleaved.mjs'

const [dir = '.', regime = 'pristine', filter] = process.argv.slice(2)
const lib = await import(pathToFileURL(resolve(dir, 'dist/index.js')).href)
const N = 1024
const memory = new WebAssembly.Memory({ initial: 64, maximum: 256 })
const heap = lib.createWasmHeapManager(memory)
const dv = () => new DataView(memory.buffer)

const i32 = heap.allocInt32Array(N)
const f64 = heap.allocFloat64Array(N)
const b64 = heap.allocBigInt64Array(N)
const p53 = heap.allocPointer53Array(N)
const f16 = typeof heap.allocFloat16Array === 'function' ? heap.allocFloat16Array(N) : undefined
const cu8 = heap.allocClampedUint8Array(N)
for (let i = 0; i < N; i++) { i32.writeAt(i, i); f64.writeAt(i, i / 2); b64.writeAt(i, BigInt(i)); p53.writeAt(i, i); cu8.writeAt(i, i) }

const Vec2 = lib.defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
const Kind = lib.defineEnum('Kind', 'Uint32', { A: 1, B: 2 })
const Body = lib.defineStruct('Body', { pos: Vec2, vel: Vec2, mass: 'Float64', kind: Kind, hist: { array: 'Int32', length: 8 } })
const body = heap.allocStruct(Body, { mass: 2, kind: 1, pos: { x: 1, y: 2 } })
const bodies = heap.allocStructArray(Body, 64)
const Node_ = lib.defineStruct('NodeS', { v: 'Int32', next: { pointer: () => Node_ } })
const nodes = heap.allocStructArray(Node_, 64)
for (let i = 0; i < 63; i++) nodes.at(i).next = nodes.at(i + 1)
const slice = heap.allocUtf8StringSlice('hello world, a slice')
const ascii = heap.allocAsciiStringSlice('hello world, a slice')

if (regime === 'realistic') {
	memory.grow(1)
	for (const f of [() => i32.readAt(N), () => f64.readAt(N), () => b64.readAt(N), () => p53.readAt(N), () => cu8.readAt(N), () => body.hist.readAt(99), () => body.hist.at(99),
		() => body.hist.writeAt(99, 1), () => bodies.readAt(99), () => heap.readStruct(Body, 1e9), () => heap.writeStruct(Body, 1e9, {}), () => heap.allocInt32Array([1n]),
		() => { const q = heap.allocInt32Array(4); q.free(); for (const _ of q); }, () => i32.view && heap.viewInt32Array(1, 2), () => slice.write('x'.repeat(100))]) { try { f() } catch {} }
}

const cases = {
	// iteration of an array ref vs a for loop over readAt and over a typed array
	'Int32ArrayRef for..of': [() => { let s = 0; for (const v of i32) s += v; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += i32.readAt(i); return s }, () => { let s = 0; for (const v of new Int32Array(memory.buffer, i32.address, N)) s += v; return s }],
	'Float64ArrayRef for..of': [() => { let s = 0; for (const v of f64) s += v; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += f64.readAt(i); return s }, () => { let s = 0; for (const v of new Float64Array(memory.buffer, f64.address, N)) s += v; return s }],
	'BigInt64ArrayRef for..of': [() => { let s = 0n; for (const v of b64) s += v; return Number(s & 1n) }, () => { let s = 0n; for (let i = 0; i < N; i++) s += b64.readAt(i); return Number(s & 1n) }, () => { let s = 0n; for (const v of new BigInt64Array(memory.buffer, b64.address, N)) s += v; return Number(s & 1n) }],
	'Pointer53ArrayRef for..of': [() => { let s = 0; for (const v of p53) s += v; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += p53.readAt(i); return s }, () => { let s = 0; const d = dv(); for (let i = 0; i < N; i++) s += Number(d.getBigUint64(p53.address + i * 8, true)); return s }],
	'ClampedUint8ArrayRef for..of': [() => { let s = 0; for (const v of cu8) s += v; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += cu8.readAt(i); return s }, () => { let s = 0; for (const v of new Uint8ClampedArray(memory.buffer, cu8.address, N)) s += v; return s }],
	'Int32ArrayRef Array.from': [() => Array.from(i32).length, () => { const a = []; for (let i = 0; i < N; i++) a.push(i32.readAt(i)); return a.length }, () => Array.from(new Int32Array(memory.buffer, i32.address, N)).length],
	'Int32ArrayRef spread': [() => [...i32].length, () => { const a = []; for (let i = 0; i < N; i++) a.push(i32.readAt(i)); return a.length }, () => [...new Int32Array(memory.buffer, i32.address, N)].length],
	// a view per call (per element: 1 call per N/N... per call)
	'Int32ArrayRef.view (per call)': [() => { let s = 0; for (let i = 0; i < N; i++) s += i32.view.length; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += new Int32Array(memory.buffer, i32.address, N).length; return s }],
	'viewFloat64Array (per call)': [() => { let s = 0; for (let i = 0; i < N; i++) s += heap.viewFloat64Array(f64.address, 16).length; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += new Float64Array(memory.buffer, f64.address, 16).length; return s }],
	// FieldArrayRef
	'FieldArrayRef.readAt': [() => { let s = 0; const h = body.hist; for (let k = 0; k < N / 8; k++) for (let i = 0; i < 8; i++) s += h.readAt(i); return s }, () => { let s = 0; const d = dv(); const base = body.hist.address; for (let k = 0; k < N / 8; k++) for (let i = 0; i < 8; i++) s += d.getInt32(base + i * 4, true); return s }],
	'FieldArrayRef via field readAt': [() => { let s = 0; for (let k = 0; k < N / 8; k++) for (let i = 0; i < 8; i++) s += body.hist.readAt(i); return s }, () => { let s = 0; const d = dv(); const base = body.hist.address; for (let k = 0; k < N / 8; k++) for (let i = 0; i < 8; i++) s += d.getInt32(base + i * 4, true); return s }],
	'FieldArrayRef.read': [() => { let s = 0; for (let k = 0; k < N / 8; k++) s += body.hist.read()[3]; return s }, () => { let s = 0; const base = body.hist.address; for (let k = 0; k < N / 8; k++) { const d = dv(); const a = []; for (let i = 0; i < 8; i++) a.push(d.getInt32(base + i * 4, true)); s += a[3] } return s }],
	'FieldArrayRef.write': [() => { const v = [1, 2, 3, 4, 5, 6, 7, 8]; for (let k = 0; k < N / 8; k++) body.hist.write(v); return 0 }, () => { const v = [1, 2, 3, 4, 5, 6, 7, 8]; const base = body.hist.address; for (let k = 0; k < N / 8; k++) { const d = dv(); for (let i = 0; i < 8; i++) { if (typeof v[i] !== 'number') throw 0; d.setInt32(base + i * 4, v[i], true) } } return 0 }],
	'FieldArrayRef.writeAt': [() => { const h = body.hist; for (let k = 0; k < N / 8; k++) for (let i = 0; i < 8; i++) h.writeAt(i, k); return 0 }, () => { const base = body.hist.address; const d = dv(); for (let k = 0; k < N / 8; k++) for (let i = 0; i < 8; i++) d.setInt32(base + i * 4, k, true); return 0 }],
	'FieldArrayRef for..of': [() => { let s = 0; for (let k = 0; k < N / 8; k++) for (const v of body.hist) s += v; return s }, () => { let s = 0; const base = body.hist.address; for (let k = 0; k < N / 8; k++) { const d = dv(); for (let i = 0; i < 8; i++) s += d.getInt32(base + i * 4, true) } return s }],
	// whole-struct read/write of a nested struct with an array field (per struct)
	'StructRef.read() nested+array': [() => { let s = 0; for (let k = 0; k < N / 8; k++) s += body.read().mass; return s }, () => { let s = 0; const a = body.address; for (let k = 0; k < N / 8; k++) { const d = dv(); const h = []; for (let i = 0; i < 8; i++) h.push(d.getInt32(a + 28 + i * 4, true)); const o = { pos: { x: d.getFloat32(a, true), y: d.getFloat32(a + 4, true) }, vel: { x: d.getFloat32(a + 8, true), y: d.getFloat32(a + 12, true) }, mass: d.getFloat64(a + 16, true), kind: d.getUint32(a + 24, true), hist: h }; s += o.mass } return s }],
	'readStruct nested+array': [() => { let s = 0; for (let k = 0; k < N / 8; k++) s += heap.readStruct(Body, body.address).mass; return s }, () => { let s = 0; const a = body.address; for (let k = 0; k < N / 8; k++) { const d = dv(); const h = []; for (let i = 0; i < 8; i++) h.push(d.getInt32(a + 28 + i * 4, true)); const o = { pos: { x: d.getFloat32(a, true), y: d.getFloat32(a + 4, true) }, vel: { x: d.getFloat32(a + 8, true), y: d.getFloat32(a + 12, true) }, mass: d.getFloat64(a + 16, true), kind: d.getUint32(a + 24, true), hist: h }; s += o.mass } return s }],
	'writeStruct nested+array': [() => { const v = { pos: { x: 1, y: 2 }, vel: { x: 3, y: 4 }, mass: 5, kind: 2, hist: [1, 2, 3, 4, 5, 6, 7, 8] }; for (let k = 0; k < N / 8; k++) heap.writeStruct(Body, body.address, v); return 0 }, () => { const v = { pos: { x: 1, y: 2 }, vel: { x: 3, y: 4 }, mass: 5, kind: 2, hist: [1, 2, 3, 4, 5, 6, 7, 8] }; const a = body.address; for (let k = 0; k < N / 8; k++) { const d = dv(); d.setFloat32(a, v.pos.x, true); d.setFloat32(a + 4, v.pos.y, true); d.setFloat32(a + 8, v.vel.x, true); d.setFloat32(a + 12, v.vel.y, true); d.setFloat64(a + 16, v.mass, true); d.setUint32(a + 24, v.kind, true); for (let i = 0; i < 8; i++) d.setInt32(a + 28 + i * 4, v.hist[i], true) } return 0 }],
	'StructRef.write(partial) nested': [() => { const v = { pos: { x: 1, y: 2 }, mass: 5 }; for (let k = 0; k < N / 8; k++) body.write(v); return 0 }, () => { const v = { pos: { x: 1, y: 2 }, mass: 5 }; const a = body.address; for (let k = 0; k < N / 8; k++) { const d = dv(); d.setFloat32(a, v.pos.x, true); d.setFloat32(a + 4, v.pos.y, true); d.setFloat64(a + 16, v.mass, true) } return 0 }],
	'nested field get (body.pos.x)': [() => { let s = 0; for (let k = 0; k < N; k++) s += body.pos.x; return s }, () => { let s = 0; const a = body.address; const d = dv(); for (let k = 0; k < N; k++) s += d.getFloat32(a, true); return s }],
	'enum field get': [() => { let s = 0; for (let k = 0; k < N; k++) s += body.kind; return s }, () => { let s = 0; const a = body.address; const d = dv(); for (let k = 0; k < N; k++) s += d.getUint32(a + 24, true); return s }],
	'enum field set': [() => { for (let k = 0; k < N; k++) body.kind = 1 + (k & 1); return 0 }, () => { const a = body.address; const d = dv(); for (let k = 0; k < N; k++) d.setUint32(a + 24, 1 + (k & 1), true); return 0 }],
	'pointer field walk (next)': [() => { let s = 0; for (let k = 0; k < N / 64; k++) { let n = nodes.at(0); while (n !== null) { s += n.v; n = n.next } } return s }, () => { let s = 0; for (let k = 0; k < N / 64; k++) { const d = dv(); let a = nodes.address; while (a !== 0) { s += d.getInt32(a, true); a = d.getUint32(a + 4, true) } } return s }],
	'StructArrayRef for..of': [() => { let s = 0; for (let k = 0; k < N / 64; k++) for (const b of bodies) s += b.mass; return s }, () => { let s = 0; for (let k = 0; k < N / 64; k++) for (let i = 0; i < 64; i++) s += bodies.at(i).mass; return s }],
	// strings: slice refs
	'Utf8StringSliceRef.read': [() => { let s = 0; for (let k = 0; k < N / 8; k++) s += slice.read().length; return s }, () => { let s = 0; for (let k = 0; k < N / 8; k++) s += heap.readUtf8StringSlice(slice.address, slice.elementCount).length; return s }],
	'Utf8StringSliceRef.write': [() => { for (let k = 0; k < N / 8; k++) slice.write('hello world, a slicf'); return 0 }, () => { for (let k = 0; k < N / 8; k++) heap.writeUtf8StringSlice(slice.address, 'hello world, a slicf', 20); return 0 }],
	'AsciiStringSliceRef.read': [() => { let s = 0; for (let k = 0; k < N / 8; k++) s += ascii.read().length; return s }, () => { let s = 0; for (let k = 0; k < N / 8; k++) s += heap.readAsciiStringSlice(ascii.address, ascii.elementCount).length; return s }],
	// allocation of arrays from values
	'allocInt32Array(values)+free': [() => { const v = [1, 2, 3, 4, 5, 6, 7, 8]; for (let k = 0; k < N / 8; k++) heap.allocInt32Array(v).free(); return 0 }, () => { const v = [1, 2, 3, 4, 5, 6, 7, 8]; for (let k = 0; k < N / 8; k++) { const r = heap.allocInt32Array(8); for (let i = 0; i < 8; i++) r.writeAt(i, v[i]); r.free() } return 0 }],
	'allocFloat64Array(f64arr)+free': [() => { const v = new Float64Array(64); for (let k = 0; k < N / 8; k++) heap.allocFloat64Array(v).free(); return 0 }, () => { const v = new Float64Array(64); for (let k = 0; k < N / 8; k++) { const r = heap.allocFloat64Array(64); new Float64Array(memory.buffer, r.address, 64).set(v); r.free() } return 0 }],
	'allocBigInt64Array(bigints)+free': [() => { const v = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]; for (let k = 0; k < N / 8; k++) heap.allocBigInt64Array(v).free(); return 0 }, () => { const v = [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]; for (let k = 0; k < N / 8; k++) { const r = heap.allocBigInt64Array(8); for (let i = 0; i < 8; i++) r.writeAt(i, v[i]); r.free() } return 0 }],
	'allocStructArray(values)+free': [() => { const v = [{ mass: 1 }, { mass: 2 }, { mass: 3 }, { mass: 4 }]; for (let k = 0; k < N / 8; k++) heap.allocStructArray(Body, v).free(); return 0 }, () => { const v = [{ mass: 1 }, { mass: 2 }, { mass: 3 }, { mass: 4 }]; for (let k = 0; k < N / 8; k++) { const r = heap.allocStructArray(Body, 4); for (let i = 0; i < 4; i++) r.at(i).mass = v[i].mass; r.free() } return 0 }],
	// scopes
	'withScope 8 small refs': [() => { for (let k = 0; k < N / 8; k++) heap.withScope(() => { for (let i = 0; i < 8; i++) heap.allocInt32() }); return 0 }, () => { for (let k = 0; k < N / 8; k++) { const rs = []; for (let i = 0; i < 8; i++) rs.push(heap.allocInt32()); for (const r of rs) r.free() } return 0 }],
	'wrapInt32Array per call': [() => { let s = 0; for (let k = 0; k < N / 8; k++) s += heap.wrapInt32Array(i32.address, 8).readAt(3); return s }, () => { let s = 0; for (let k = 0; k < N / 8; k++) s += heap.viewInt32Array(i32.address, 8)[3]; return s }],
}
if (f16) cases['Float16ArrayRef for..of'] = [() => { let s = 0; for (const v of f16) s += v; return s }, () => { let s = 0; for (let i = 0; i < N; i++) s += f16.readAt(i); return s }]

const names = Object.keys(cases).filter((n) => !filter || new RegExp(filter).test(n))
// Each case has its own number of variants (the library, then one or two equivalents): a
// missing one is skipped, so each case's order is its own variants', reversed every other round.
const { times: timed, sink } = interleavedRounds(names, (n, k) => cases[names[n]][k], {
	variants: Math.max(...names.map((n) => cases[n].length)),
	rounds: 40,
	warmup: 10,
	repeats: () => 10,
})
const times = timed.map((variants, n) => variants.slice(0, cases[names[n]].length))
for (let n = 0; n < names.length; n++) {
	const m = times[n].map((t) => median(t) / 10 / N)
	console.log(`${process.version} ${regime} ${names[n].padEnd(34)} lib ${m[0].toFixed(2).padStart(7)} ns/el  ` + m.slice(1).map((x, i) => `alt${i + 1} ${x.toFixed(2).padStart(7)} (lib ${(m[0] / x).toFixed(2)}x)`).join('  '))
}
if (sink === 0.5) console.log(sink)
