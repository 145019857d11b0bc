/**
 * What `console.log` and `JSON.stringify` show of refs and managers: one short line each
 * (the `Symbol.for('nodejs.util.inspect.custom')` method) and a plain summary (`toJSON`),
 * instead of the manager's views and tables.
 */
import { expect } from 'chai'
import { format, inspect } from 'node:util'
import { createHeapAllocator } from '../src/allocator.js'
import { createWasmHeapManager, defineEnum, defineStruct, defineUnion, type StructType, type WasmHeapManager, type WasmHeapManagerOptions } from '../src/index.js'
import { AbiSizedRef } from './generated-structs/structCorpus.wasm32.js'

/** A manager over a fresh buffer whose allocator hands out 8-aligned addresses from 1024 up, so addresses are known. */
function bumpHeap(byteSize = 16 * 2 ** 20, options?: WasmHeapManagerOptions): WasmHeapManager {
	const buffer = new ArrayBuffer(byteSize)
	let next = 1024
	return createWasmHeapManager(
		() => buffer,
		(size) => {
			const address = next
			next += Math.ceil(size / 8) * 8
			return address
		},
		() => {},
		options,
	)
}

describe('inspecting refs and managers', () => {
	describe('util.inspect / console.log', () => {
		it('a value ref shows its type, address and value', () => {
			const heap = bumpHeap()
			const ref = heap.allocInt32(7)
			expect(inspect(ref)).to.equal('Int32Ref { address: 1024, value: 7 }')
			// console.log formats its arguments with util.format, which inspects objects.
			expect(format(ref)).to.equal('Int32Ref { address: 1024, value: 7 }')
			expect(inspect({ ref })).to.equal('{ ref: Int32Ref { address: 1024, value: 7 } }')
			ref.value = -12
			expect(inspect(ref)).to.equal('Int32Ref { address: 1024, value: -12 }')
		})

		it('shows -0, bigints with n, and the subtype name (Pointer32Ref, not Uint32Ref)', () => {
			const heap = bumpHeap()
			expect(inspect(heap.allocFloat64(-0))).to.equal('Float64Ref { address: 1024, value: -0 }')
			expect(inspect(heap.allocBigInt64(-5n))).to.equal('BigInt64Ref { address: 1032, value: -5n }')
			expect(inspect(heap.allocPointer32(4096))).to.equal('Pointer32Ref { address: 1040, value: 4096 }')
			expect(inspect(heap.allocClampedUint8(300))).to.equal('ClampedUint8Ref { address: 1048, value: 255 }')
		})

		it('a freed ref says so without reading the heap; a released one says released', () => {
			const heap = bumpHeap()
			const ref = heap.allocInt32(7)
			ref.free()
			expect(inspect(ref)).to.equal('Int32Ref { address: 1024, freed: true }')
			const released = heap.allocUint16(3)
			released.release()
			expect(inspect(released)).to.equal('Uint16Ref { address: 1032, released: true }')
		})

		it('a string ref shows its string, quoted, escaped, and cut after 60 characters', () => {
			const heap = bumpHeap()
			expect(inspect(heap.allocNullTerminatedUtf8String('héllo'))).to.equal("Utf8StringRef { address: 1024, value: 'héllo' }")
			expect(inspect(heap.allocNullTerminatedUtf16String('a\'b"c\n'))).to.equal(`Utf16StringRef { address: 1032, value: 'a\\'b"c\\n' }`)
			const long = heap.allocNullTerminatedAsciiString('x'.repeat(100))
			expect(inspect(long)).to.equal(`AsciiStringRef { address: 1048, value: '${'x'.repeat(60)}'... 40 more characters }`)
		})

		it('an array ref shows its element count and its first 8 elements', () => {
			const heap = bumpHeap()
			expect(inspect(heap.allocInt32Array([1, -2, 3]))).to.equal('Int32ArrayRef { address: 1024, elementCount: 3, values: [1, -2, 3] }')
			expect(inspect(heap.allocUint8Array([]))).to.equal('Uint8ArrayRef { address: 1040, elementCount: 0, values: [] }')
			const many = heap.allocBigUint64Array(Array.from({ length: 10 }, (_, index) => BigInt(index)))
			expect(inspect(many)).to.equal(
				`BigUint64ArrayRef { address: ${many.address}, elementCount: 10, values: [0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, ... 2 more] }`,
			)
			const exactlyEight = heap.allocInt8Array([1, 2, 3, 4, 5, 6, 7, 8])
			expect(inspect(exactlyEight)).to.equal(`Int8ArrayRef { address: ${exactlyEight.address}, elementCount: 8, values: [1, 2, 3, 4, 5, 6, 7, 8] }`)
		})

		it('a slice ref shows its length and capacity before its value, as an array ref shows its element count', () => {
			const heap = bumpHeap()
			const slice = heap.allocUtf16StringSlice(10)
			slice.write('hé')
			expect(inspect(slice)).to.equal("Utf16StringSliceRef { address: 1024, elementCount: 2, capacity: 10, value: 'hé' }")
			// a Rust String's spare room: elementCount is the length in bytes, not characters
			const wrapped = heap.wrapUtf8StringSlice(heap.allocUint8Array([0x68, 0xc3, 0xa9, 0, 0]).address, 3, { capacity: 5 })
			expect(inspect(wrapped)).to.equal(`Utf8StringSliceRef { address: ${wrapped.address}, elementCount: 3, capacity: 5, value: 'hé' }`)
			slice.free()
			expect(inspect(slice)).to.equal('Utf16StringSliceRef { address: 1024, freed: true }')
		})

		it('a ref whose region is no longer readable says why instead of throwing', () => {
			let buffer = new ArrayBuffer(4096)
			const heap = createWasmHeapManager(() => buffer, () => 2048, () => {}, { pollingMode: 'always' })
			const ref = heap.allocInt32(7)
			buffer = new ArrayBuffer(1024) // the heap was replaced by a smaller one
			expect(inspect(ref)).to.match(/^Int32Ref \{ address: 2048, unreadable: '.*out of range.*' \}$/)
			expect(ref.toJSON()).to.deep.include({ type: 'Int32Ref', address: 2048 })
			expect(ref.toJSON().unreadable).to.match(/out of range/)
		})

		it('the manager shows its heap size and its live tracked refs', () => {
			const heap = bumpHeap()
			expect(inspect(heap)).to.equal('WasmHeapManager { heap: 16 MiB, live refs: 0 (0 B) }')
			const refs = [heap.allocInt32Array(4), heap.allocInt32Array(4), heap.allocInt32Array(4)]
			expect(inspect(heap)).to.equal('WasmHeapManager { heap: 16 MiB, live refs: 3 (48 B) }')
			expect(format(heap)).to.equal('WasmHeapManager { heap: 16 MiB, live refs: 3 (48 B) }')
			refs[0]!.free()
			expect(inspect(heap)).to.equal('WasmHeapManager { heap: 16 MiB, live refs: 2 (32 B) }')
			heap.allocUint8Array(1500)
			expect(inspect(heap)).to.equal('WasmHeapManager { heap: 16 MiB, live refs: 3 (1.5 KiB) }')
		})

		it("the manager's tag names it, so an error about a manager given where something else goes says so", () => {
			const heap = bumpHeap(65536)
			// both were '[object Object]'
			expect(Object.prototype.toString.call(heap)).to.equal('[object WasmHeapManager]')
			expect(String(heap)).to.equal('[object WasmHeapManager]')
			// (it said 'an object (Object)')
			expect(() => heap.free(heap as never)).to.throw(TypeError, /^free: expected a ref or an address, received an object \(WasmHeapManager\)$/)
			expect(() => heap.writeNullTerminatedUtf8String(64, heap as never)).to.throw(TypeError, /received an object \(WasmHeapManager\)/)
			expect(inspect(heap)).to.equal('WasmHeapManager { heap: 64 KiB, live refs: 0 (0 B) }')
		})

		it('sizes read 64 KiB, 1.5 MiB, 1000 B; a manager without tracking says so', () => {
			expect(inspect(bumpHeap(65536))).to.equal('WasmHeapManager { heap: 64 KiB, live refs: 0 (0 B) }')
			expect(inspect(bumpHeap(1.5 * 2 ** 20))).to.equal('WasmHeapManager { heap: 1.5 MiB, live refs: 0 (0 B) }')
			expect(inspect(bumpHeap(1000))).to.equal('WasmHeapManager { heap: 1000 B, live refs: 0 (0 B) }')
			expect(inspect(bumpHeap(2 ** 20 + 100, { trackAllocations: false }))).to.equal('WasmHeapManager { heap: 1 MiB, tracking: off }')
		})
	})

	describe('struct refs', () => {
		const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
		const Number32 = defineUnion('Number32', { i: 'Int32', f: 'Float32' })
		const Particle = defineStruct('Particle', {
			id: 'BigInt64',
			mass: 'Float64',
			alive: 'Bool',
			pos: Vec2,
			bits: Number32,
			name: { string: 'Utf8', capacity: 8 },
			tail: { array: 'Uint8', length: 3 },
			next: 'Pointer',
		})
		const Box = defineStruct('Box', { corners: { array: Vec2, length: 2 }, address: 'Int32' })
		const Outer = defineStruct('Outer', { box: Box })

		function particle(heap: WasmHeapManager) {
			const ref = heap.allocStruct(Particle)
			ref.write({ id: -(2n ** 60n), mass: 1.5, alive: true, pos: { x: 0.5, y: -2 }, bits: { i: 1 }, name: 'héllo', tail: [1, 2, 3], next: 4096 })
			return ref
		}

		it('a struct ref shows its fields as read() reads them, nested structs, unions, arrays and strings included', () => {
			const heap = bumpHeap()
			const ref = particle(heap)
			const fields = "id: -1152921504606846976n, mass: 1.5, alive: true, pos: { x: 0.5, y: -2 }, bits: { i: 1, f: 1.401298464324817e-45 }, name: 'héllo', tail: [1, 2, 3], next: 4096"
			expect(inspect(ref)).to.equal(`Particle { address: ${ref.address}, ${fields} }`)
			// sub-refs: a nested struct, a union, an array field
			expect(inspect(ref.pos)).to.equal(`Vec2 { address: ${ref.address + 20}, x: 0.5, y: -2 }`)
			expect(inspect(ref.bits)).to.equal(`Number32 { address: ${ref.address + 28}, i: 1, f: 1.401298464324817e-45 }`)
			expect(inspect(ref.tail)).to.equal(`Particle.tail { address: ${ref.address + 40}, elementCount: 3, values: [1, 2, 3] }`)
		})

		it('a field named address is quoted; nesting past two levels shows [Object]', () => {
			const heap = bumpHeap()
			const box = heap.allocStruct(Box, { corners: [{ x: 1, y: 2 }, { x: 3, y: 4 }], address: 7 })
			expect(inspect(box)).to.equal(`Box { address: ${box.address}, corners: [{ x: 1, y: 2 }, { x: 3, y: 4 }], 'address': 7 }`)
			const outer = heap.allocStruct(Outer, { box: { corners: [{ x: 1, y: 2 }, { x: 3, y: 4 }], address: 7 } })
			expect(inspect(outer)).to.equal(`Outer { address: ${outer.address}, box: { corners: [[Object], [Object]], address: 7 } }`)
		})

		it('a struct array shows its first 8 elements as objects', () => {
			const heap = bumpHeap()
			const array = heap.allocStructArray(Vec2, 10)
			for (let index = 0; index < 10; index++) array.writeAt(index, { x: index, y: -index })
			const shown = Array.from({ length: 8 }, (_, index) => `{ x: ${index}, y: ${index === 0 ? '-0' : -index} }`).join(', ')
			expect(inspect(array)).to.equal(`Vec2ArrayRef { address: ${array.address}, elementCount: 10, values: [${shown}, ... 2 more] }`)
			expect(inspect(array.at(3))).to.equal(`Vec2 { address: ${array.address + 24}, x: 3, y: -3 }`)
		})

		it('a generated class shows what the runtime ref of the same declaration shows', () => {
			const heap = bumpHeap()
			const generated = heap.allocStruct(AbiSizedRef, { c: 1, l: -2, d: 3, s: 4, e: 5, p: 6, f: 7 })
			expect(generated).to.be.instanceOf(AbiSizedRef)
			expect(inspect(generated)).to.equal(`AbiSized { address: ${generated.address}, c: 1, l: -2, d: 3, s: 4, e: 5, p: 6, f: 7 }`)
		})

		it('a ref reached from a struct says freed (or released) once that struct is, without reading the heap', () => {
			const heap = bumpHeap()
			const ref = particle(heap)
			const { pos, bits, tail } = ref
			const array = heap.allocStructArray(Vec2, 2)
			const element = array.at(1)
			ref.free()
			expect(inspect(ref)).to.equal(`Particle { address: ${ref.address}, freed: true }`)
			expect(inspect(pos)).to.equal(`Vec2 { address: ${pos.address}, freed: true }`)
			expect(inspect(bits)).to.equal(`Number32 { address: ${bits.address}, freed: true }`)
			expect(inspect(tail)).to.equal(`Particle.tail { address: ${tail.address}, freed: true }`)
			expect(pos.toJSON()).to.deep.equal({ type: 'Vec2', address: pos.address, freed: true })
			array.release()
			expect(inspect(element)).to.equal(`Vec2 { address: ${element.address}, released: true }`)
			expect(element.toJSON()).to.deep.equal({ type: 'Vec2', address: element.address, released: true })
		})

		it('JSON gives the fields as value, 64-bit integers as decimal strings at any depth; a struct array every element', () => {
			const heap = bumpHeap()
			const ref = particle(heap)
			const value = { id: String(-(2n ** 60n)), mass: 1.5, alive: true, pos: { x: 0.5, y: -2 }, bits: { i: 1, f: 1.401298464324817e-45 }, name: 'héllo', tail: [1, 2, 3], next: 4096 }
			expect(JSON.parse(JSON.stringify(ref))).to.deep.equal({ type: 'Particle', address: ref.address, value })
			// bigint fields inside the elements: JSON.stringify threw 'Do not know how to serialize a BigInt'
			const array = heap.allocStructArray(Particle, 2)
			array.writeAt(1, { id: 2n ** 63n - 1n })
			const parsed = JSON.parse(JSON.stringify(array)) as { values: { id: string }[] }
			expect(parsed).to.deep.include({ type: 'ParticleArrayRef', address: array.address, elementCount: 2 })
			expect(parsed.values.map((element) => element.id)).to.deep.equal(['0', String(2n ** 63n - 1n)])
			// and inside a fixed array of a struct's field
			const Wide = defineStruct('Wide', { pair: { array: 'BigUint64', length: 2 } })
			const wide = heap.allocStruct(Wide, { pair: [1n, 2n ** 64n - 1n] })
			expect(JSON.parse(JSON.stringify(wide))).to.deep.equal({ type: 'Wide', address: wide.address, value: { pair: ['1', String(2n ** 64n - 1n)] } })
			expect(inspect(wide)).to.equal(`Wide { address: ${wide.address}, pair: [1n, 18446744073709551615n] }`)
		})
	})

	describe('scopes', () => {
		it('a scope shows the refs closing would free, not its internals; JSON.stringify does not throw on its cycle', () => {
			const heap = bumpHeap()
			const scope = heap.openScope()
			const kept = heap.allocInt32(1)
			heap.allocFloat64Array(2)
			heap.allocUint8()
			const freed = heap.allocInt32Array(3)
			for (let index = 0; index < 3; index++) heap.allocUint16() // a fifth and later ref: held in the scope's array
			scope.keep(kept)
			freed.free()
			// held: the Float64Array (16 B), the Uint8 (1 B) and three Uint16s (6 B)
			expect(inspect(scope)).to.equal('HeapScope { refs: 5 (23 B) }')
			expect(format(scope)).to.equal('HeapScope { refs: 5 (23 B) }')
			// JSON.stringify threw 'Converting circular structure to JSON' (scope -> core -> innermostScope -> scope)
			expect(JSON.parse(JSON.stringify(scope))).to.deep.equal({ type: 'HeapScope', closed: false, refCount: 5, refByteSize: 23 })
			scope.close()
			expect(inspect(scope)).to.equal('HeapScope { closed: true }')
			expect(JSON.parse(JSON.stringify({ scope }))).to.deep.equal({ scope: { type: 'HeapScope', closed: true } })
			expect(inspect(heap.openScope())).to.equal('HeapScope { refs: 0 (0 B) }')
		})

		it('a scope is [object HeapScope] and the errors of a scope passed as a value name it', () => {
			const heap = bumpHeap()
			const scope = heap.openScope()
			expect(Object.prototype.toString.call(scope)).to.equal('[object HeapScope]')
			expect(String(scope)).to.equal('[object HeapScope]')
			expect(() => heap.allocFloat64Array(scope as never)).to.throw(
				TypeError,
				'allocFloat64Array: expected an element count or an array-like of values, received an object (HeapScope)',
			)
			expect(() => heap.writeNullTerminatedUtf8String(8, scope as never)).to.throw(TypeError, 'received an object (HeapScope)')
			scope.close()
		})
	})

	describe('the built-in allocator', () => {
		it('shows its range and byte counts, not the views over the heap it keeps', () => {
			const allocator = createHeapAllocator(new ArrayBuffer(65536))
			const free = allocator.freeByteSize
			expect(inspect(allocator)).to.equal(`HeapAllocator { start: 16, end: 65536, usedByteSize: 0, freeByteSize: ${free} }`)
			const address = allocator.alloc(1000)
			expect(format(allocator)).to.equal(
				`HeapAllocator { start: 16, end: 65536, usedByteSize: ${allocator.usedByteSize}, freeByteSize: ${allocator.freeByteSize} }`,
			)
			expect(allocator.usedByteSize).to.be.within(1008, 1023)
			// JSON.stringify wrote every word of the heap, twice (the heap's Uint32Array and the header's Int32Array):
			// some 200 KB for a 64 KiB heap
			const summary = { type: 'HeapAllocator', start: 16, end: 65536, usedByteSize: allocator.usedByteSize, freeByteSize: allocator.freeByteSize }
			expect(JSON.parse(JSON.stringify(allocator))).to.deep.equal(summary)
			allocator.free(address)
			expect(allocator.toJSON()).to.deep.include({ usedByteSize: 0, freeByteSize: free })
			// a range of its own, over a memory that grows: the end follows the growth
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
			const ranged = createHeapAllocator(memory, { start: 4096 })
			ranged.alloc(100_000)
			expect(ranged.toJSON()).to.deep.include({ start: 4096, end: memory.buffer.byteLength })
			expect(memory.buffer.byteLength).to.be.greaterThan(65536)
		})

		it('String(allocator) is what console.log shows, and its tag names it where an error describes it', () => {
			const buffer = new ArrayBuffer(65536)
			const allocator = createHeapAllocator(buffer)
			allocator.alloc(100)
			const shown = `HeapAllocator { start: 16, end: 65536, usedByteSize: ${allocator.usedByteSize}, freeByteSize: ${allocator.freeByteSize} }`
			// all three were '[object Object]'
			expect(String(allocator)).to.equal(shown)
			expect(`${allocator}`).to.equal(shown)
			expect(Object.prototype.toString.call(allocator)).to.equal('[object HeapAllocator]')
			expect(inspect(allocator)).to.equal(shown)
			expect(inspect([allocator])).to.equal(`[\n  ${shown}\n]`)
			// The allocator given where the heap goes (it said 'an object (Object)'), or as its own target.
			expect(() => createWasmHeapManager(allocator as never)).to.throw(TypeError, /received an object \(HeapAllocator\)$/)
			expect(() => createHeapAllocator(allocator as never)).to.throw(TypeError, /received an object \(HeapAllocator\)$/)
		})
	})

	describe('a ref where a number goes', () => {
		/** `(func (export "f") (param i32) (result i32) local.get 0)`: what a C function taking a pointer receives. */
		const identity = new WebAssembly.Instance(
			new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 127, 1, 127, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0, 10, 6, 1, 4, 0, 32, 0, 11])),
		).exports as { f(pointer: unknown): number }

		it('a wasm function given a ref, not its address, throws a TypeError saying to pass ref.address (it received 0)', () => {
			const heap = bumpHeap()
			const ref = heap.allocInt32Array([1, 2])
			expect(identity.f(ref.address)).to.equal(1024)
			const refused = /^Int32ArrayRef: a ref does not convert to a number: pass ref\.address where an address is wanted/
			expect(() => identity.f(ref)).to.throw(TypeError, refused).with.property('code', 'ERR_HEAP_INVALID_ARGUMENT')
			// arithmetic on a ref (pointer arithmetic meant on its address; + converts with the default hint,
			// which text joined with + shares, so that message names String(ref) too), BigInt(ref) for a memory64 pointer
			const joined = /^Int32ArrayRef: a ref does not convert with \+ or ==: pass ref\.address where an address is wanted, ref\.value for a value, String\(ref\) for its description$/
			expect(() => (ref as unknown as number) + 4).to.throw(TypeError, joined)
			expect(() => 'got ' + (ref as unknown as string)).to.throw(TypeError, joined)
			expect(() => +(ref as unknown as number)).to.throw(TypeError, refused)
			expect(() => BigInt(ref as unknown as number)).to.throw(TypeError, refused)
			const Point = defineStruct('Point', { x: 'Int32' })
			expect(() => identity.f(heap.allocStruct(Point))).to.throw(TypeError, /^Point: a ref does not convert to a number/)
			expect(heap.readInt32(ref.address + 4)).to.equal(2)
		})

		it('String(ref) and template literals give what console.log shows', () => {
			const heap = bumpHeap()
			const ref = heap.allocInt32(7)
			expect(String(ref)).to.equal('Int32Ref { address: 1024, value: 7 }')
			expect(`${ref}`).to.equal(inspect(ref))
			// ref.toString() gave [object Object]
			expect(ref.toString()).to.equal('Int32Ref { address: 1024, value: 7 }')
			expect(heap.allocUtf8StringSlice('hi').toString()).to.equal("Utf8StringSliceRef { address: 1032, elementCount: 2, capacity: 2, value: 'hi' }")
			const Point = defineStruct('Point', { x: 'Int32', y: 'Int32' })
			const point = heap.allocStruct(Point, { x: 1, y: -2 })
			expect(`point: ${point}`).to.equal(`point: Point { address: ${point.address}, x: 1, y: -2 }`)
			expect(point.toString()).to.equal(`Point { address: ${point.address}, x: 1, y: -2 }`)
			ref.free()
			expect(String(ref)).to.equal('Int32Ref { address: 1024, freed: true }')
		})

		it("the manager's methods given a ref for an address name it and say to pass ref.address; the heap is unchanged", () => {
			const heap = bumpHeap()
			const ref = heap.allocInt32(7)
			const Point = defineStruct('Point', { x: 'Int32' })
			const point = heap.allocStruct(Point)
			const before = heap.readInt32(ref.address)
			const named = (method: string, name: string) => `${method}: address must be a number, received ${name} (a ref): pass its address, ref.address`
			expect(() => heap.readInt32(ref as unknown as number)).to.throw(TypeError, named('readInt32', 'an Int32Ref')).with.property('code', 'ERR_HEAP_INVALID_ARGUMENT')
			expect(() => heap.writeInt32(point as unknown as number, 5)).to.throw(TypeError, named('writeInt32', 'a Point'))
			expect(() => heap.wrapUint8Array(ref as unknown as number, 4)).to.throw(TypeError, named('wrapUint8Array', 'an Int32Ref'))
			expect(() => heap.readNullTerminatedUtf8String(ref as unknown as number)).to.throw(TypeError, named('readNullTerminatedUtf8String', 'an Int32Ref'))
			expect(heap.readInt32(ref.address)).to.equal(before)
			expect(point.x).to.equal(0)
			// an object that is not a ref is described as before
			expect(() => heap.readInt32({} as unknown as number)).to.throw(TypeError, 'readInt32: address must be a number, received an object (Object) (for a 4-byte access')
		})
	})

	describe('struct, union and enum types', () => {
		it('a type shows its declaration as written, after its C spelling, not its normalized fields', () => {
			const Kind = defineEnum('Kind', 'Uint8', { SMALL: 1, LARGE: 200 })
			const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
			const Number32 = defineUnion('Number32', { i: 'Int32', f: 'Float32' })
			const Particle = defineStruct('Particle', {
				position: Vec2,
				kind: Kind,
				bits: Number32,
				name: { string: 'Utf8', capacity: 12 },
				history: { array: 'Uint16', length: 4 },
				corners: { array: Vec2, length: 2 },
				next: { pointer: (): StructType => Particle },
				text: { pointer: 'Utf8' },
				vec: { pointer: Vec2 },
				flags: { bits: 3, type: 'Uint32' },
				gap: { bits: 0, type: 'Uint32' },
				aligned: { type: 'Float64', align: 16 },
			})
			expect(inspect(Particle)).to.equal(
				'struct Particle { position: Vec2, kind: Kind, bits: Number32, name: { string: \'Utf8\', capacity: 12 }, ' +
					"history: { array: 'Uint16', length: 4 }, corners: { array: Vec2, length: 2 }, next: { pointer: () => Particle }, " +
					"text: { pointer: 'Utf8' }, vec: { pointer: Vec2 }, flags: { bits: 3, type: 'Uint32' }, gap: { bits: 0, type: 'Uint32' }, " +
					"aligned: { type: 'Float64', align: 16 } }",
			)
			expect(format(Number32)).to.equal("union Number32 { i: 'Int32', f: 'Float32' }")
			expect(inspect(Kind)).to.equal("enum Kind { SMALL: 1, LARGE: 200 } (storage: 'Uint8')")
			expect(inspect(defineEnum('Wide', 'BigInt64', { NEGATIVE: -(2 ** 40) }))).to.equal("enum Wide { NEGATIVE: -1099511627776 } (storage: 'BigInt64')")
			// the options, when set
			expect(inspect(defineStruct('Packed', { a: 'Int8', b: 'Int32' }, { packed: 2, align: 8 }))).to.equal("struct Packed { a: 'Int8', b: 'Int32' } (packed: 2, align: 8)")
			expect(inspect(defineUnion('Tight', { a: 'Int8' }, { packed: true }))).to.equal("union Tight { a: 'Int8' } (packed: true)")
			// a pointer function that throws (its target not declared yet) is shown as a function
			let later: StructType | undefined
			const Early = defineStruct('Early', { next: { pointer: (): StructType => later! } })
			expect(inspect(Early)).to.equal('struct Early { next: { pointer: () => undefined } }')
			const Throwing = defineStruct('Throwing', {
				next: {
					pointer: (): StructType => {
						throw new Error('not yet')
					},
				},
			})
			expect(inspect(Throwing)).to.equal('struct Throwing { next: { pointer: [Function] } }')
			// and inside an object, as Node nests
			expect(inspect({ Vec2 })).to.equal("{ Vec2: struct Vec2 { x: 'Float32', y: 'Float32' } }")
		})
	})

	describe('toJSON / JSON.stringify', () => {
		it('value and string refs give type, address and value; 64-bit integers as decimal strings', () => {
			const heap = bumpHeap()
			const int = heap.allocInt32(7)
			expect(int.toJSON()).to.deep.equal({ type: 'Int32Ref', address: 1024, value: 7 })
			expect(JSON.stringify(int)).to.equal('{"type":"Int32Ref","address":1024,"value":7}')
			expect(JSON.parse(JSON.stringify(heap.allocBigInt64(-(2n ** 63n))))).to.deep.equal({
				type: 'BigInt64Ref',
				address: 1032,
				value: '-9223372036854775808',
			})
			expect(JSON.parse(JSON.stringify(heap.allocNullTerminatedUtf8String('a"b')))).to.deep.equal({ type: 'Utf8StringRef', address: 1040, value: 'a"b' })
		})

		it('slice refs give elementCount and capacity before value', () => {
			const heap = bumpHeap()
			const slice = heap.allocAsciiStringSlice(8)
			slice.write('abc')
			expect(slice.toJSON()).to.deep.equal({ type: 'AsciiStringSliceRef', address: 1024, elementCount: 3, capacity: 8, value: 'abc' })
			expect(JSON.stringify(heap.allocUtf32StringSlice(''))).to.equal(`{"type":"Utf32StringSliceRef","address":1032,"elementCount":0,"capacity":0,"value":""}`)
		})

		it('array refs give every element', () => {
			const heap = bumpHeap()
			const values = Array.from({ length: 12 }, (_, index) => index * 1.5)
			expect(heap.allocFloat64Array(values).toJSON()).to.deep.equal({ type: 'Float64ArrayRef', address: 1024, elementCount: 12, values })
			expect(JSON.parse(JSON.stringify(heap.allocPointer64Array([1n, 2n ** 60n])))).to.deep.equal({
				type: 'Pointer64ArrayRef',
				address: 1120,
				elementCount: 2,
				values: ['1', String(2n ** 60n)],
			})
		})

		it('a struct, union or enum type gives the declaration console.log prints, not its normalized fields', () => {
			const Kind = defineEnum('Kind', 'Uint8', { SMALL: 1, LARGE: 200 })
			const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
			const Node: StructType = defineStruct('Node', { at: Vec2, kind: Kind, next: { pointer: (): StructType => Node } }, { packed: true })
			const Bits = defineUnion('Bits', { i: 'Int32', f: 'Float32' })
			for (const type of [Kind, Vec2, Node, Bits]) expect(JSON.parse(JSON.stringify(type))).to.equal(inspect(type))
			expect(JSON.stringify({ type: Node })).to.equal(`{"type":"struct Node { at: Vec2, kind: Kind, next: { pointer: () => Node } } (packed: true)"}`)
			expect(JSON.stringify(Kind)).to.equal(`"enum Kind { SMALL: 1, LARGE: 200 } (storage: 'Uint8')"`)
		})

		it('freed and released refs say so', () => {
			const heap = bumpHeap()
			const ref = heap.allocInt32(7)
			ref.free()
			expect(JSON.stringify(ref)).to.equal('{"type":"Int32Ref","address":1024,"freed":true}')
			const released = heap.allocInt32Array(2)
			released.release()
			expect(released.toJSON()).to.deep.equal({ type: 'Int32ArrayRef', address: 1032, released: true })
		})

		it('the manager gives its heap size and live refs (none with tracking off)', () => {
			const heap = bumpHeap()
			heap.allocInt32Array(4)
			heap.allocFloat64()
			expect(heap.toJSON()).to.deep.equal({ type: 'WasmHeapManager', heapByteSize: 16 * 2 ** 20, liveRefCount: 2, liveRefByteSize: 24 })
			expect(JSON.parse(JSON.stringify({ heap }))).to.deep.equal({ heap: heap.toJSON() })
			expect(bumpHeap(65536, { trackAllocations: false }).toJSON()).to.deep.equal({ type: 'WasmHeapManager', heapByteSize: 65536 })
		})
	})
})
