/**
 * Structs at run time: `allocStruct`, `wrapStruct`, `readStruct`, `writeStruct`,
 * `allocStructArray`, `wrapStructArray` (custom strides), `sizeOf` / `alignOf` /
 * `offsetOf`, the `abi` option, and the `StructRef`, `StructArrayRef` and `FieldArrayRef`
 * they return; bad declarations and bad input (nothing written).
 */
import { expect } from 'chai'
import {
	createWasmHeapManager,
	defineEnum,
	defineStruct,
	defineUnion,
	FieldArrayRef,
	HeapRef,
	StructArrayRef,
	StructRef,
	type StructType,
	type WasmHeapManager,
} from '../src/index.js'
import { caught, expectSameBytes, expectThrow } from './support/dynamic.js'
import { createTestHeap, registrableClass, snapshot, type TestHeap } from './support/heaps.js'

const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
const Color = defineEnum('Color', 'Uint8', { Red: 1, Green: 2, Blue: 3 })
const Everything = defineStruct('Everything', {
	i8: 'Int8',
	u8: 'Uint8',
	clamped: 'ClampedUint8',
	i16: 'Int16',
	u16: 'Uint16',
	i32: 'Int32',
	u32: 'Uint32',
	i64: 'BigInt64',
	u64: 'BigUint64',
	f32: 'Float32',
	f64: 'Float64',
	f16: 'Float16',
	p32: 'Pointer32',
	p53: 'Pointer53',
	p64: 'Pointer64',
	pointer: 'Pointer',
	size: 'Size',
	diff: 'Long',
	flag: 'Bool',
	color: Color,
	position: Vec2,
	path: { array: Vec2, length: 3 },
	matrix: { array: { array: 'Int16', length: 2 }, length: 2 },
	label: { string: 'Utf8', capacity: 8 },
	wide: { string: 'Utf16', capacity: 4 },
	small: { bits: 3, type: 'Uint32' },
	sgn: { bits: 5, type: 'Int32' },
	gap: { bits: 0, type: 'Uint32' },
	enumBits: { bits: 2, type: Color },
	boolBit: { bits: 1, type: 'Bool' },
	big: { bits: 40, type: 'BigUint64' },
	aligned: { type: 'Int32', align: 16 },
	self: { pointer: (): StructType => Everything },
	text: { pointer: 'Utf8' },
	count: { pointer: 'Int32' },
	points: { pointer: { array: Vec2, length: 2 } },
})

const Node = defineStruct('Node', { value: 'Int32', next: { pointer: (): StructType => Node } })
const Number32 = defineUnion('Number32', { i: 'Int32', u: 'Uint32', f: 'Float32', bytes: { array: 'Uint8', length: 4 } })
/** 40 bytes, the bench's struct. */
const Body = defineStruct('Body', { x: 'Float64', y: 'Float64', vx: 'Float32', vy: 'Float32', mass: 'Float64', id: 'Int32', flags: 'Uint32' })

describe('structs at run time', () => {
	let test: TestHeap
	beforeEach(() => {
		test = createTestHeap()
	})

	describe('StructRef: one accessor per field, on a prototype shared by every ref of the type', () => {
		it('reads and writes every field kind in place', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything)
			expect(ref).to.be.instanceOf(StructRef).and.instanceOf(HeapRef)
			ref.i8 = -5
			ref.u8 = 300 // wraps, as a Uint8Array does
			ref.clamped = 300 // clamps
			ref.i16 = -1234
			ref.u16 = 65535
			ref.i32 = -7
			ref.u32 = 2 ** 32 - 1
			ref.i64 = -(2n ** 63n)
			ref.u64 = 2n ** 64n - 1n
			ref.f32 = 1.1
			ref.f64 = Math.PI
			ref.f16 = 1.5
			ref.p32 = 123
			ref.p53 = 2 ** 53 - 1
			ref.p64 = 5n
			ref.size = 2 ** 32 - 1
			ref.diff = -(2 ** 31)
			ref.flag = true
			ref.color = Color.values.Blue
			ref.label = 'héllo'
			ref.wide = 'abc'
			ref.small = 7
			ref.sgn = -16
			ref.enumBits = 3
			ref.boolBit = true
			ref.big = 2n ** 40n - 1n
			ref.aligned = 42
			expect([ref.i8, ref.u8, ref.clamped, ref.i16, ref.u16, ref.i32, ref.u32]).to.deep.equal([-5, 44, 255, -1234, 65535, -7, 2 ** 32 - 1])
			expect([ref.i64, ref.u64, ref.p64]).to.deep.equal([-(2n ** 63n), 2n ** 64n - 1n, 5n])
			expect([ref.f32, ref.f64, ref.f16, ref.p32, ref.p53]).to.deep.equal([Math.fround(1.1), Math.PI, 1.5, 123, 2 ** 53 - 1])
			ref.f16 = 1 / 3 // rounded to the nearest half-precision value
			expect(ref.f16).to.equal(0.333251953125)
			expect([ref.size, ref.diff, ref.flag, ref.color, ref.label, ref.wide]).to.deep.equal([2 ** 32 - 1, -(2 ** 31), true, 3, 'héllo', 'abc'])
			expect([ref.small, ref.sgn, ref.enumBits, ref.boolBit, ref.big, ref.aligned]).to.deep.equal([7, -16, 3, true, 2n ** 40n - 1n, 42])
			// The bits sit where clang puts them: small in bits 0-2, signed in 3-7 of the same unit.
			const bits = heap.readUint8(ref.address + heap.offsetOf(Everything, 'small'))
			expect(bits).to.equal(7 | ((-16 & 31) << 3))
			expect(heap.readInt32(ref.address + heap.offsetOf(Everything, 'aligned')) % 1).to.equal(0)
			expect(heap.offsetOf(Everything, 'aligned') % 16).to.equal(0)
			ref.free()
		})

		it('makes the accessors once: refs own no field properties and share one prototype per type', () => {
			const { heap } = test
			const a = heap.allocStruct(Vec2)
			const b = heap.wrapStruct(Vec2, a.address)
			expect(Object.getPrototypeOf(a)).to.equal(Object.getPrototypeOf(b))
			expect(Object.getOwnPropertyNames(a)).to.not.include('x')
			const descriptor = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(a), 'x')!
			expect(descriptor.get).to.be.a('function')
			const c = heap.allocStruct(Vec2)
			expect(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(c), 'x')!.get).to.equal(descriptor.get)
			expect(a.type).to.equal(Vec2)
			expect(Object.getPrototypeOf(heap.allocStruct(Body))).to.not.equal(Object.getPrototypeOf(a))
		})

		it('nested structs and fixed arrays are sub-refs; pointers give refs or null and take refs, addresses or null', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything, { position: { x: 1, y: 2 }, path: [{ x: 3 }, { y: 4 }], matrix: [[1, 2], [3, 4]] })
			expect(ref.position).to.be.instanceOf(StructRef)
			expect(ref.position.address).to.equal(ref.address + heap.offsetOf(Everything, 'position'))
			expect([ref.position.x, ref.position.y]).to.deep.equal([1, 2])
			ref.position.y = 5
			;(ref as unknown as { position: unknown }).position = { x: 9 } // the setter writes the fields given
			expect(ref.position.read()).to.deep.equal({ x: 9, y: 5 })
			expect(ref.path).to.be.instanceOf(StructArrayRef)
			expect(ref.path.elementCount).to.equal(3)
			expect(ref.path.at(1).y).to.equal(4)
			;(ref as unknown as { path: unknown }).path = [{ x: 7 }]
			expect(ref.path.readAt(0)).to.deep.equal({ x: 7, y: 0 })
			expect(ref.matrix).to.be.instanceOf(FieldArrayRef)
			expect(ref.matrix.read()).to.deep.equal([[1, 2], [3, 4]])
			;(ref as unknown as { matrix: unknown }).matrix = [[5]]
			expect(ref.matrix.readAt(0)).to.deep.equal([5, 2])

			expect(ref.self).to.equal(null)
			ref.self = ref
			expect(ref.self!.address).to.equal(ref.address)
			expect(ref.self).to.be.instanceOf(StructRef)
			ref.self = null
			expect(ref.self).to.equal(null)
			const text = heap.allocNullTerminatedUtf8String('pointed at')
			ref.text = text
			expect(ref.text!.value).to.equal('pointed at')
			const count = heap.allocInt32(77)
			;(ref as unknown as { count: number }).count = count.address
			expect(ref.count!.value).to.equal(77)
			const points = heap.allocStructArray(Vec2, [{ x: 1 }, { x: 2 }])
			ref.points = points
			expect(ref.points!.readAt(1).x).to.equal(2)
			expect(ref.points).to.be.instanceOf(StructArrayRef)
			expect(heap.readStruct(Everything, ref.address).points).to.equal(points.address)
			expectThrow(() => (ref.self = 'x' as never), TypeError, 'Everything.self: a pointer takes a ref, an address or null, received "x"')
			expectThrow(() => (ref.self = -1 as never), RangeError, /^Everything\.self: -1 is not a valid Pointer value on wasm32/)
			points.free()
			expectThrow(() => (ref.points = points), Error, /^Everything\.points: the ref to address \d+ has been freed$/)
		})

		it('a pointer field refuses a ref of another manager (its address means nothing in this heap), through every way of writing it, and writes nothing', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything)
			const otherMemory = new WebAssembly.Memory({ initial: 1 })
			let next = 64
			const other = createWasmHeapManager(() => otherMemory.buffer, (size: number) => ((next += Math.ceil(size / 16) * 16), next - Math.ceil(size / 16) * 16), () => {})
			const foreign = other.allocStructArray(Vec2, [{ x: 1 }, { x: 2 }])
			const foreignText = other.allocNullTerminatedUtf8String('elsewhere')
			const message = /^Everything\.points: the ref to address \d+ belongs to another manager/
			const before = snapshot(test.memory)
			expectThrow(() => (ref.points = foreign as never), RangeError, message)
			expectThrow(() => (ref.text = foreignText as never), RangeError, /^Everything\.text: the ref to address \d+ belongs to another manager/)
			expectThrow(() => ref.write({ i32: 9, points: foreign } as never), RangeError, /belongs to another manager/)
			expectThrow(() => heap.writeStruct(Everything, ref.address, { i32: 9, points: foreign } as never), RangeError, /belongs to another manager/)
			expectSameBytes(snapshot(test.memory), before)
			const refs = heap.allocatedRefs.length
			expectThrow(() => heap.allocStruct(Everything, { points: foreign } as never), RangeError, /belongs to another manager/)
			expect(heap.allocatedRefs.length).to.equal(refs)
			// its own manager's refs, and the foreign one's address as a number, are taken
			const own = heap.allocStructArray(Vec2, [{ x: 3 }, { x: 4 }])
			ref.points = own
			expect(ref.points!.readAt(1).x).to.equal(4)
			;(ref as unknown as { points: number }).points = foreign.address
			expect(heap.readStruct(Everything, ref.address).points).to.equal(foreign.address)
		})

		it('a pointer to a struct refuses a ref of another type (its address as a number is the cast), through every way of writing it, and writes nothing; other pointers take any ref', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything)
			const node = heap.allocStruct(Node)
			const bodies = heap.allocStructArray(Body, 2)
			const int = heap.allocInt32(5)
			const before = snapshot(test.memory)
			expectThrow(
				() => (ref.self = node as never),
				TypeError,
				'Everything.self: a pointer to Everything takes a ref of Everything, received a ref of Node (pass its address to store it anyway, as a C cast would)',
			)
			expectThrow(() => (ref.points = bodies as never), TypeError, /^Everything\.points: a pointer to Vec2 takes a ref of Vec2, received a ref of Body /)
			expectThrow(() => (ref.self = int as never), TypeError, /^Everything\.self: a pointer to Everything takes a ref of Everything, received a ref of Int32Ref /)
			expectThrow(() => ref.write({ i32: 9, self: node } as never), TypeError, /^Everything\.write\.self: a pointer to Everything /)
			expectThrow(() => heap.writeStruct(Everything, ref.address, { i32: 9, points: bodies.at(0) } as never), TypeError, /\bpoints: a pointer to Vec2 takes a ref of Vec2, received a ref of Body /)
			expectThrow(() => node.write({ value: 3, next: ref } as never), TypeError, /^Node\.write\.next: a pointer to Node takes a ref of Node, received a ref of Everything /)
			expectSameBytes(snapshot(test.memory), before)
			const refs = heap.allocatedRefs.length
			expectThrow(() => heap.allocStruct(Everything, { self: node } as never), TypeError, /\bself: a pointer to Everything takes a ref of Everything, received a ref of Node /)
			expect(heap.allocatedRefs.length).to.equal(refs)
			// that struct through every kind of ref: a ref, an element, a sub-ref, an array (its first element)
			const list = heap.allocStructArray(Everything, 2)
			ref.self = list.at(1)
			expect(heap.readStruct(Everything, ref.address).self).to.equal(list.at(1).address)
			ref.write({ self: list })
			expect(heap.readStruct(Everything, ref.address).self).to.equal(list.address)
			ref.write({ points: ref.position })
			expect(heap.readStruct(Everything, ref.address).points).to.equal(ref.position.address)
			node.next = node
			expect(node.next!.address).to.equal(node.address)
			// the cast: the other ref's address as a number
			heap.writeStruct(Everything, ref.address, { self: node.address, points: bodies.address })
			expect(heap.readStruct(Everything, ref.address)).to.include({ self: node.address, points: bodies.address })
			// a pointer to anything else takes any ref of the manager (a byte array for a char *, an array for an int *)
			const bytes = heap.allocUint8Array(4)
			const ints = heap.allocInt32Array(2)
			ref.write({ text: bytes, count: ints })
			expect(heap.readStruct(Everything, ref.address)).to.include({ text: bytes.address, count: ints.address })
		})

		it('read() and readStruct give plain data; write() and writeStruct leave fields not given as they are', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything, { i32: 5, label: 'abc', color: 2, i64: 3n, flag: true, big: 9n })
			const plain = ref.read()
			expect(plain).to.deep.equal(heap.readStruct(Everything, ref.address))
			expect(plain.i32).to.equal(5)
			expect(plain.i64).to.equal(3n)
			expect(plain.label).to.equal('abc')
			expect(plain.self).to.equal(0)
			expect(plain.position).to.deep.equal({ x: 0, y: 0 })
			expect(plain.path).to.deep.equal([{ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 0, y: 0 }])
			expect(plain.big).to.equal(9n)
			expect(plain).to.not.have.property('gap')
			ref.write({ i32: 6, position: { y: 1 } })
			heap.writeStruct(Everything, ref.address, { u8: 1, label: 'z' })
			expect(ref.read()).to.include({ i32: 6, u8: 1, label: 'z', color: 2, flag: true })
			expect(ref.position.read()).to.deep.equal({ x: 0, y: 1 })
		})

		it('an inline string is terminated and padded with zeros to its end, as strncpy pads', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything, { label: 'abcdefg' })
			ref.label = 'ab'
			const offset = heap.offsetOf(Everything, 'label')
			expect(Array.from(ref.allocatedBytesView.subarray(offset, offset + 8))).to.deep.equal([97, 98, 0, 0, 0, 0, 0, 0])
			ref.wide = 'xyz'
			expect(ref.wide).to.equal('xyz')
		})

		it('unions: every member from the same bytes', () => {
			const { heap } = test
			const number = heap.allocStruct(Number32, { f: 1 })
			expect(number.read()).to.deep.equal({ i: 0x3f800000, u: 0x3f800000, f: 1, bytes: [0, 0, 0x80, 0x3f] })
			number.i = -1
			expect(number.u).to.equal(2 ** 32 - 1)
			expect(heap.sizeOf(Number32)).to.equal(4)
		})

		it('a field named like a ref member has no accessor, but read() and write() reach it', () => {
			const { heap } = test
			const Tagged = defineStruct('Tagged', { type: 'Int32', address: 'Int32', value: 'Int32' })
			const ref = heap.allocStruct(Tagged, { type: 3, address: 4, value: 5 })
			expect(ref.type).to.equal(Tagged)
			expect(ref.address).to.not.equal(4)
			expect(ref.value).to.equal(5)
			expect(ref.read()).to.deep.equal({ type: 3, address: 4, value: 5 })
		})
	})

	describe('StructArrayRef and FieldArrayRef', () => {
		it("a fixed-array field's ref, made at each read (numbers, a row of an array of arrays, structs), has every member its class's constructor gave it, and follows its struct's lifetime", () => {
			const { heap, memory } = test
			const Tank = defineStruct('Tank', {
				mass: 'Float64',
				hist: { array: 'Float32', length: 8 },
				m: { array: { array: 'Int16', length: 3 }, length: 2 },
				items: { array: Vec2, length: 4 },
			})
			const tank = heap.allocStruct(Tank, { mass: 1, hist: [1, 2, 3, 4, 5, 6, 7, 8], m: [[1, 2, 3], [4, 5, 6]], items: [{ x: 1 }, { x: 2 }, { x: 3 }, { y: 4 }] })
			const hist = tank.hist
			expect(hist).to.be.instanceOf(FieldArrayRef).and.instanceOf(HeapRef)
			expect(hist.constructor).to.equal(FieldArrayRef)
			expect([hist.address, hist.allocatedByteSize, hist.elementCount, hist.isFreed]).to.deep.equal([tank.address + 8, 32, 8, false])
			const internals = (ref: unknown): unknown[] => ['tracked', 'tableSlot', 'scope'].map((key) => (ref as Record<string, unknown>)[key])
			expect(internals(hist)).to.deep.equal([false, -1, undefined])
			expect(hist.allocatedBytesView.byteOffset).to.equal(tank.address + 8)
			expect(hist.allocatedBytesView.byteLength).to.equal(32)
			expect(hist.toJSON()).to.deep.equal({ type: 'Tank.hist', address: tank.address + 8, elementCount: 8, values: [1, 2, 3, 4, 5, 6, 7, 8] })
			expect(String(hist)).to.equal(`Tank.hist { address: ${tank.address + 8}, elementCount: 8, values: [1, 2, 3, 4, 5, 6, 7, 8] }`)
			const row = tank.m.at(1)
			expect(row).to.be.instanceOf(FieldArrayRef)
			expect([row.address, row.allocatedByteSize, row.elementCount, row.readAt(2)]).to.deep.equal([tank.address + 46, 6, 3, 6])
			expect(internals(row)).to.deep.equal([false, -1, undefined])
			expectThrow(() => row.readAt(3), RangeError, /^Tank\.m\[1\]\.readAt: /)
			const items = tank.items
			expect(items).to.be.instanceOf(StructArrayRef)
			expect(items.constructor).to.equal(StructArrayRef)
			expect([items.address, items.allocatedByteSize, items.elementCount, items.stride, items.type, items.isFreed]).to.deep.equal([tank.address + 52, 32, 4, 8, Vec2, false])
			expect(internals(items)).to.deep.equal([false, -1, undefined])
			expect(items.at(2).address).to.equal(tank.address + 68)
			expect(items.at(3).y).to.equal(4)
			expect(items.readAt(0)).to.deep.equal({ x: 1, y: 0 })
			// clear() clears the array's bytes and no others
			const before = new Uint8Array(memory.buffer).slice(tank.address, tank.address + 84)
			hist.clear()
			items.clear()
			const after = new Uint8Array(memory.buffer).slice(tank.address, tank.address + 84)
			expect([...after.subarray(8, 40)].every((byte) => byte === 0) && [...after.subarray(52, 84)].every((byte) => byte === 0)).to.equal(true)
			expect([...after.subarray(0, 8), ...after.subarray(40, 52)]).to.deep.equal([...before.subarray(0, 8), ...before.subarray(40, 52)])
			for (const ref of [hist, row, items]) {
				expectThrow(() => ref.free(), Error, /: this ref is part of another ref/)
				expectThrow(() => ref.release(), Error, /: this ref is part of another ref/)
			}
			tank.free()
			for (const ref of [hist, row, items]) {
				expect(ref.isFreed).to.equal(true)
				expect(ref.toJSON()).to.deep.equal({ type: (ref as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag], address: ref.address, freed: true })
			}
			expectThrow(() => hist.readAt(0), Error, /^Tank\.hist\.readAt: the reference to address \d+ has been freed$/)
			expectThrow(() => row.writeAt(0, 1), Error, /^Tank\.m\[1\]\.writeAt: the reference to address \d+ has been freed$/)
			expectThrow(() => items.at(0), Error, /^Vec2ArrayRef\.at: the reference to address \d+ has been freed$/)
		})

		it('a fixed array of structs gives elements of a generated class registered after the field was read', () => {
			const { heap } = test
			const Item = defineStruct('Item', { v: 'Int32' })
			const Bag = defineStruct('Bag', { tag: 'Int32', items: { array: Item, length: 2 } })
			const ItemRef = registrableClass(Item)
			const bag = heap.allocStruct(Bag)
			for (let round = 0; round < 3; round++) expect(bag.items.at(1)).not.to.be.instanceOf(ItemRef)
			heap.wrapStruct(ItemRef, bag.address)
			expect(bag.items.at(1)).to.be.instanceOf(ItemRef)
			expect(Object.getPrototypeOf(bag.items.at(0))).to.equal(Object.getPrototypeOf(heap.allocStructArray(Item, 1).at(0)))
		})

		it('at, readAt, writeAt, iteration, stride and type', () => {
			const { heap } = test
			const bodies = heap.allocStructArray(Body, 4)
			expect(bodies.stride).to.equal(40)
			expect(bodies.type).to.equal(Body)
			expect(bodies.allocatedByteSize).to.equal(160)
			bodies.writeAt(2, { x: 1.5, id: 7 })
			expect(bodies.at(2).x).to.equal(1.5)
			expect(bodies.readAt(2)).to.include({ x: 1.5, id: 7, mass: 0 })
			let index = 0
			for (const body of bodies) body.id = index++
			expect([...bodies].map((body) => body.id)).to.deep.equal([0, 1, 2, 3])
			expect(bodies.at(3).address).to.equal(bodies.address + 120)
		})

		it('read() gives every element as readAt gives it (custom strides and fixed-array fields too), and throws as readAt does once freed or released', () => {
			const { heap } = test
			const bodies = heap.allocStructArray(Body, [{ id: 1, x: 0.5 }, { id: 2 }, { id: 3, mass: 9 }])
			const all = bodies.read()
			expect(all).to.have.length(3)
			expect(all).to.deep.equal([0, 1, 2].map((index) => bodies.readAt(index)))
			expect(all.map((body) => [body.id, body.x, body.mass])).to.deep.equal([[1, 0.5, 0], [2, 0, 0], [3, 0, 9]])
			// a plain copy: writing it changes nothing in the heap
			all[0]!.id = 99
			expect(bodies.at(0).id).to.equal(1)
			expect(heap.allocStructArray(Body, 0).read()).to.deep.equal([])
			// a custom stride reads the heads only
			const Wide = defineStruct('Wide', { head: Vec2, extra: { array: 'Float64', length: 2 } })
			const wide = heap.allocStructArray(Wide, [{ head: { x: 1, y: 2 }, extra: [7, 8] }, { head: { x: 3, y: 4 } }])
			expect(heap.wrapStructArray(Vec2, wide.address, 2, { stride: heap.sizeOf(Wide) }).read()).to.deep.equal([{ x: 1, y: 2 }, { x: 3, y: 4 }])
			// a fixed-array field of structs: its struct's lifetime
			const Holder = defineStruct('Holder', { tag: 'Int32', points: { array: Vec2, length: 2 } })
			const holder = heap.allocStruct(Holder, { points: [{ x: 5 }, { y: 6 }] })
			const points = holder.points
			expect(points.read()).to.deep.equal([{ x: 5, y: 0 }, { x: 0, y: 6 }])
			holder.free()
			expectThrow(() => points.read(), Error, /^Vec2ArrayRef\.read: the reference to address \d+ has been freed$/)
			bodies.free()
			expectThrow(() => bodies.read(), Error, /^BodyArrayRef\.read: the reference to address \d+ has been freed$/)
			const released = heap.allocStructArray(Body, 1)
			released.release()
			expectThrow(() => released.read(), Error, /^BodyArrayRef\.read: .*was released/)
			expectThrow(() => released.readAt(0), Error, /^BodyArrayRef\.readAt: .*was released/)
			// a heap whose memory grew unseen ('never' polls): the out-of-range error readAt gives
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 })
			const unpolled = createWasmHeapManager(memory, { pollingMode: 'never' })
			const stale = unpolled.allocStructArray(Body, 2)
			memory.grow(1)
			const readAtError = expectThrow(() => stale.readAt(0), RangeError, /out of range: the heap's buffer was detached/)
			const readError = expectThrow(() => stale.read(), RangeError, /out of range: the heap's buffer was detached/)
			expect([readError.message, (readError as { code?: string }).code]).to.deep.equal([readAtError.message, 'ERR_HEAP_OUT_OF_RANGE'])
		})

		it('at(index, reuse) moves a ref instead of allocating a new one (a cursor)', () => {
			const { heap } = test
			const bodies = heap.allocStructArray(Body, [{ id: 10 }, { id: 11 }, { id: 12 }])
			const cursor = bodies.at(0)
			let sum = 0
			for (let index = 0; index < bodies.elementCount; index++) sum += bodies.at(index, cursor).id
			expect(sum).to.equal(33)
			expect(bodies.at(1, cursor)).to.equal(cursor)
			expect(cursor.id).to.equal(11)
			const other = heap.allocStructArray(Body, 1)
			expectThrow(() => other.at(0, cursor), TypeError, 'BodyArrayRef.at: reuse must be a ref that at() of this array returned')
			expectThrow(() => bodies.at(3), RangeError, 'BodyArrayRef.at: index 3 is out of range: it must be an integer from 0 to 2 (the array has 3 elements)')
		})

		it('at(index, reuse) refuses a ref of the same struct that is of another type, and an object posing as a cursor, and moves neither', () => {
			const { heap } = test
			const Tag = defineStruct('Tag', { v: 'Int32' })
			const Holder = defineStruct('Holder', { tag: Tag, points: { array: Vec2, length: 2 } })
			const holder = heap.allocStruct(Holder)
			const points = holder.points
			// the same root (the holder) and another prototype: the prototype test alone refuses it
			const tag = holder.tag
			const tagAddress = tag.address
			expectThrow(() => points.at(1, tag as never), TypeError, 'Vec2ArrayRef.at: reuse must be a ref that at() of this array returned')
			expect(tag.address).to.equal(tagAddress)
			// the array's own root and no prototype of a ref: refused, not moved
			const posing = { root: (points as unknown as { root: unknown }).root, address: 5 }
			expect(posing.root).to.equal(holder)
			expectThrow(() => points.at(1, posing as never), TypeError, 'Vec2ArrayRef.at: reuse must be a ref that at() of this array returned')
			expect(posing.address).to.equal(5)
			// a primitive, null, and a function carrying the array's root
			const posingFunction = Object.assign(() => 0, { root: posing.root, address: 6 })
			for (const reuse of [5, 'x', Symbol('s'), null, posingFunction]) {
				expectThrow(() => points.at(1, reuse as never), TypeError, 'Vec2ArrayRef.at: reuse must be a ref that at() of this array returned')
			}
			expect(posingFunction.address).to.equal(6)
			// a real cursor of the array is moved
			const cursor = points.at(0)
			expect(points.at(1, cursor)).to.equal(cursor)
			expect(cursor.address).to.equal(holder.address + heap.offsetOf(Holder, 'points') + 8)
			// a bad index and a bad cursor: the index is named; a freed struct's field array: freed
			expectThrow(() => points.at(2, {} as never), RangeError, /^Vec2ArrayRef\.at: index 2 is out of range/)
			const cursorOfPoints = points.at(0)
			holder.free()
			expectThrow(() => points.at(1, cursorOfPoints), Error, /^Vec2ArrayRef\.at: the reference .* has been freed$/)
			expectThrow(() => points.at(1, {} as never), Error, /^Vec2ArrayRef\.at: the reference .* has been freed$/)
		})

		it('wrapStructArray with a custom stride reads C arrays of larger records', () => {
			const { heap } = test
			const Wide = defineStruct('Wide', { head: Vec2, extra: { array: 'Float64', length: 2 } })
			const wide = heap.allocStructArray(Wide, [{ head: { x: 1, y: 2 } }, { head: { x: 3, y: 4 } }, { head: { x: 5, y: 6 } }])
			const heads = heap.wrapStructArray(Vec2, wide.address, 3, { stride: heap.sizeOf(Wide) })
			expect(heads.stride).to.equal(24)
			expect([...heads].map((head) => head.read())).to.deep.equal([{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }])
			heads.at(2).y = 60
			expect(wide.at(2).head.y).to.equal(60)
			expect(heads.allocatedByteSize).to.equal(2 * 24 + 8)
			expectThrow(() => heap.wrapStructArray(Vec2, wide.address, 3, { stride: 4 }), RangeError, 'wrapStructArray: options.stride 4 is not an integer of at least 8 (the size of struct Vec2)')
			expectThrow(() => heap.wrapStructArray(Vec2, wide.address, 3, { stride: '8' as never }), TypeError, 'wrapStructArray: options.stride must be a number, received "8"')
			expectThrow(() => heap.wrapStructArray(Vec2, wide.address, 3, 24 as never), TypeError, 'wrapStructArray: options must be an object ({ deallocator, stride }), received 24')
			expectThrow(() => heap.wrapStructArray(Vec2, wide.address + 2, 1), RangeError, /^wrapStructArray: address \d+ is not aligned to 4 bytes/)
			expectThrow(() => heap.wrapStructArray(Vec2, wide.address, -1), RangeError, 'wrapStructArray: element count -1 is not a non-negative safe integer')
			expect(heap.wrapStructArray(Vec2, wide.address, 0).allocatedByteSize).to.equal(0)
		})

		it('wrapStructArray with a custom stride frees what C allocated: count * stride bytes, not the span of the heads', () => {
			const { heap } = test
			const Wide = defineStruct('Wide', { head: Vec2, extra: { array: 'Float64', length: 2 } })
			const wide = heap.allocStructArray(Wide, 3)
			const freed: number[] = []
			const deallocator = (address: number, byteSize?: number, alignment?: number): void => void freed.push(address, byteSize!, alignment!)
			heap.wrapStructArray(Vec2, wide.address, 3, { stride: heap.sizeOf(Wide), deallocator }).free()
			heap.wrapStructArray(Vec2, wide.address, 3, { deallocator }).free()
			heap.wrapStructArray(Vec2, wide.address, 0, { stride: 24, deallocator }).free()
			expect(freed).to.deep.equal([wide.address, 3 * 24, 4, wide.address, 3 * 8, 4, wide.address, 0, 4])
			wide.free()
		})

		it("FieldArrayRef.writeAt builds the element's name (Mat.m[1][2]) only for an error, as readAt builds none", () => {
			const { heap, memory } = test
			const Mat = defineStruct('Mat', { m: { array: { array: 'Float32', length: 3 }, length: 2 }, names: { array: { string: 'Ascii', capacity: 4 }, length: 2 } })
			const mat = heap.allocStruct(Mat)
			const row = mat.m.at(1) as FieldArrayRef<number>
			// count the reads of the name (a getter on the prototype, which builds a row's name from its parent's)
			const prototype = FieldArrayRef.prototype as object
			const named = Object.getOwnPropertyDescriptor(prototype, 'refName')!
			let reads = 0
			Object.defineProperty(prototype, 'refName', {
				...named,
				get(this: unknown) {
					reads++
					return named.get!.call(this)
				},
			})
			try {
				for (let index = 0; index < 3; index++) row.writeAt(index, index + 0.5)
				mat.names.writeAt(1, 'abc')
				expect(row.read()).to.deep.equal([0.5, 1.5, 2.5])
				// every write built it, read or not
				expect(reads, 'names built by writes that threw nothing').to.equal(0)
				const before = snapshot(memory)
				expectThrow(() => row.writeAt(2, 1n as never), TypeError, /^Mat\.m\[1\]\[2\]: /)
				expectThrow(() => mat.names.writeAt(0, 'abcd'), RangeError, /^Mat\.names\[0\]: the string does not fit/)
				expectThrow(() => mat.m.writeAt(1, [1, 2, 3, 4]), RangeError, /^Mat\.m\[1\]: 4 values given for an array of 3 elements/)
				expectThrow(() => mat.m.writeAt(0, [1, 2n as never]), TypeError, /^Mat\.m\[0\]\[1\]: /)
				expectSameBytes(snapshot(memory), before)
				expect(reads).to.be.greaterThan(0)
			} finally {
				Object.defineProperty(prototype, 'refName', named)
			}
		})

		it('FieldArrayRef: readAt, writeAt, read, write, iteration, and the struct’s lifetime', () => {
			const { heap } = test
			const History = defineStruct('History', { values: { array: 'Uint16', length: 3 }, names: { array: { string: 'Ascii', capacity: 4 }, length: 2 } })
			const ref = heap.allocStruct(History)
			const values = ref.values
			values.write([1, 2])
			values.writeAt(2, 3)
			expect(values.read()).to.deep.equal([1, 2, 3])
			expect([...values]).to.deep.equal([1, 2, 3])
			expect(values.readAt(1)).to.equal(2)
			expect(values.elementCount).to.equal(3)
			expect(Array.from(values.allocatedBytesView)).to.deep.equal([1, 0, 2, 0, 3, 0])
			ref.names.writeAt(1, 'abc')
			expect(ref.names.read()).to.deep.equal(['', 'abc'])
			expectThrow(() => ref.names.writeAt(0, 'abcd'), RangeError, /^History\.names\[0\]: the string does not fit/)
			// write checks every value before it writes any
			expectThrow(() => ref.names.write(['xy', 'abcd']), RangeError, /^History\.names\[1\]: the string does not fit/)
			expect(ref.names.read()).to.deep.equal(['', 'abc'])
			expectThrow(() => values.write([1, 2, 3, 4]), RangeError, 'History.values.write: 4 values given for an array of 3 elements')
			expectThrow(() => values.write(5 as never), TypeError, 'History.values.write: expected an array of values')
			expectThrow(() => values.readAt(3), RangeError, /^History\.values\.readAt: index 3 is out of range/)
			expectThrow(() => values.writeAt(-1, 0), RangeError, /^History\.values\.writeAt: index -1 is out of range/)
			expectThrow(() => values.free(), Error, /^History\.values\.free: this ref is part of another ref/)
			expectThrow(() => values.release(), Error, /^History\.values\.release: this ref is part of another ref/)
			values.clear()
			expect(values.read()).to.deep.equal([0, 0, 0])
			expect(values.isFreed).to.equal(false)
			ref.free()
			expect(values.isFreed).to.equal(true)
			expectThrow(() => values.readAt(0), Error, /^History\.values\.readAt: the reference to address \d+ has been freed$/)
			expectThrow(() => values.read(), Error, /has been freed$/)
			expectThrow(() => values.clear(), Error, /has been freed$/)
			expectThrow(() => values.allocatedBytesView, Error, /has been freed$/)
		})

		it('StructArrayRef.write(values) writes each partial from element 0 on, checking every value first; readAt, read, writeAt and write name the element’s field in errors (BodyArrayRef[2].id)', () => {
			const { heap, memory } = test
			const bodies = heap.allocStructArray(Body, 4)
			bodies.writeAt(3, { id: 30, mass: 3 })
			bodies.write([{ id: 1, x: 0.5 }, {}, { mass: 2 }])
			expect(bodies.read().map((body) => [body.id, body.x, body.mass])).to.deep.equal([[1, 0.5, 0], [0, 0, 0], [0, 0, 2], [30, 0, 3]])
			bodies.write([])
			// refused, writing nothing: a bad value in any element, too many values, no array
			const before = snapshot(memory)
			expectThrow(() => bodies.write([{ id: 5 }, { id: 6 }, { id: 2n as never }]), TypeError, 'BodyArrayRef[2].id: value must be a number, received 2n')
			expectThrow(() => bodies.write([{ id: 5 }, { idd: 6 } as never]), TypeError, /^BodyArrayRef\[1\]: .*idd/)
			expectThrow(() => bodies.write([{ id: 5 }, 7 as never]), TypeError, /^BodyArrayRef\[1\]: /)
			expectThrow(() => bodies.write([{}, {}, {}, {}, {}]), RangeError, 'BodyArrayRef.write: 5 values given for an array of 4 elements')
			expectThrow(() => bodies.write(5 as never), TypeError, 'BodyArrayRef.write: expected an array of values')
			expectThrow(() => bodies.writeAt(3, { x: 1, flags: Symbol('f') as never }), TypeError, /^BodyArrayRef\[3\]\.flags: value must be a number/)
			expectSameBytes(snapshot(memory), before)
			// an array-like, and a valueOf that frees the array: the freed error, nothing written
			bodies.write({ length: 1, 0: { id: 9 } })
			expect(bodies.readAt(0).id).to.equal(9)
			const after = snapshot(memory)
			expectThrow(() => bodies.write([{ id: 1 }, { id: { valueOf: () => (bodies.free(), 2) } as never }]), Error, /^BodyArrayRef\.write: the reference to address \d+ has been freed$/)
			expectSameBytes(snapshot(memory), after)
			// a field stored past what it can read: the element and field named, by readAt and read
			const Link = defineStruct('Link', { id: 'Int32', next: 'Pointer53' })
			const links = heap.allocStructArray(Link, 3)
			heap.writeBigUint64(links.address + 2 * links.stride + heap.offsetOf(Link, 'next'), 2n ** 60n)
			expect(links.readAt(1)).to.deep.equal({ id: 0, next: 0 })
			expectThrow(() => links.readAt(2), RangeError, /^LinkArrayRef\[2\]\.next: the uint64 at address \d+ holds 1152921504606846976/)
			expectThrow(() => links.read(), RangeError, /^LinkArrayRef\[2\]\.next: /)
			// a struct array field is named as its element type's array (its own name is the struct's)
			const Holder = defineStruct('Holder', { tag: 'Int32', points: { array: Vec2, length: 2 } })
			const holder = heap.allocStruct(Holder)
			expectThrow(() => holder.points.write([{ x: 1 }, { y: 2n as never }]), TypeError, 'Vec2ArrayRef[1].y: value must be a number, received 2n')
			expect(holder.points.read()).to.deep.equal([{ x: 0, y: 0 }, { x: 0, y: 0 }])
			holder.points.write([{ x: 1 }, { y: 2 }])
			expect(holder.points.read()).to.deep.equal([{ x: 1, y: 0 }, { x: 0, y: 2 }])
		})
	})

	describe('lifetimes: sub-refs live as long as their root', () => {
		it('a field given a value of another type converts it as the value refs do (a string, a boolean, an object with valueOf), or refuses it and writes nothing', () => {
			const { heap, memory } = test
			const ref = heap.allocStruct(Everything)
			const numberFields = ['i8', 'u8', 'clamped', 'i16', 'u16', 'i32', 'u32', 'f32', 'f64', 'f16'] as const
			const fields = ref as unknown as Record<string, unknown>
			for (const name of numberFields) {
				fields[name] = '3'
				expect(fields[name], `${name} = '3'`).to.equal(3)
				fields[name] = true
				expect(fields[name], `${name} = true`).to.equal(1)
				fields[name] = { valueOf: () => 2 }
				expect(fields[name], `${name} = { valueOf }`).to.equal(2)
				const before = snapshot(memory)
				expectThrow(() => (fields[name] = 5n), TypeError, new RegExp(`^Everything\\.${name}: value must be a number`))
				expectThrow(() => (fields[name] = Symbol('s')), TypeError, new RegExp(`^Everything\\.${name}: `))
				expectSameBytes(snapshot(memory), before)
			}
			for (const name of ['i64', 'u64'] as const) {
				fields[name] = 4n
				expect(fields[name]).to.equal(4n)
				const before = snapshot(memory)
				expectThrow(() => (fields[name] = 4), TypeError, new RegExp(`^Everything\\.${name}: `))
				expectThrow(() => (fields[name] = '4'), TypeError, new RegExp(`^Everything\\.${name}: `))
				expectSameBytes(snapshot(memory), before)
				expect(fields[name]).to.equal(4n)
			}
		})

		it('a value whose valueOf frees the ref: StructArrayRef.writeAt, write, a field and a field array throw and store nothing in the freed region', () => {
			const { heap, memory } = test
			const Values = defineStruct('Values', { values: { array: 'Uint16', length: 3 } })
			let after: Uint8Array | undefined
			// valueOf frees the ref, then remembers the heap: the write must change nothing after that.
			const freeing = (ref: { free(): void }): number => ({ valueOf: () => (ref.free(), (after = snapshot(memory)), 7) }) as never
			const cases: [string, (ref: never) => void, () => { free(): void }][] = [
				['StructArrayRef.writeAt', (ref: ReturnType<typeof heap.allocStructArray<typeof Vec2>>) => ref.writeAt(1, { x: freeing(ref) }), () => heap.allocStructArray(Vec2, 2)],
				['StructRef.write', (ref: ReturnType<typeof heap.allocStruct<typeof Vec2>>) => ref.write({ x: freeing(ref) }), () => heap.allocStruct(Vec2)],
				['a field', (ref: ReturnType<typeof heap.allocStruct<typeof Vec2>>) => void (ref.x = freeing(ref)), () => heap.allocStruct(Vec2)],
				['FieldArrayRef.writeAt', (ref: ReturnType<typeof heap.allocStruct<typeof Values>>) => ref.values.writeAt(2, freeing(ref)), () => heap.allocStruct(Values)],
			]
			for (const [name, write, alloc] of cases) {
				after = undefined
				const ref = alloc()
				expectThrow(() => write(ref as never), Error, /has been freed$/)
				expect(after, name).to.not.equal(undefined)
				expectSameBytes(snapshot(memory), after!)
			}
		})

		it('a freed struct: every field, sub-ref and member throws; a second free is a no-op', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything)
			const position = ref.position
			const path = ref.path
			expect(position.isFreed).to.equal(false)
			ref.free()
			ref.free()
			expect([ref.isFreed, position.isFreed, path.isFreed]).to.deep.equal([true, true, true])
			expectThrow(() => ref.i32, Error, /^Everything\.i32: the reference to address \d+ has been freed$/)
			expectThrow(() => (ref.i32 = 1), Error, /^Everything\.i32: the reference to address \d+ has been freed$/)
			expectThrow(() => ref.label, Error, /^Everything\.label: the reference .* has been freed$/)
			expectThrow(() => ref.position, Error, /^Everything\.position: the reference .* has been freed$/)
			expectThrow(() => position.x, Error, /^Vec2\.x: the reference .* has been freed$/)
			expectThrow(() => path.at(0), Error, /^Vec2ArrayRef\.at: the reference .* has been freed$/)
			expectThrow(() => path.readAt(0), Error, /has been freed$/)
			expectThrow(() => path.writeAt(0, {}), Error, /has been freed$/)
			expectThrow(() => ref.read(), Error, /^Everything\.read: .* has been freed$/)
			expectThrow(() => ref.write({}), Error, /^Everything\.write: .* has been freed$/)
			expectThrow(() => ref.clear(), Error, /has been freed$/)
			expectThrow(() => ref.allocatedBytesView, Error, /has been freed$/)
			expectThrow(() => ref.release(), Error, /has been freed$/)
		})

		it('sub-refs cannot be freed or released on their own; dispose frees roots', () => {
			const { heap, allocator } = test
			const bodies = heap.allocStructArray(Body, 2)
			const element = bodies.at(0)
			expectThrow(() => element.free(), Error, /^Body\.free: this ref is part of another ref/)
			expectThrow(() => element.release(), Error, /^Body\.release: this ref is part of another ref/)
			const ref = heap.allocStruct(Everything)
			expectThrow(() => ref.path.free(), Error, /^Vec2ArrayRef\.free: this ref is part of another ref/)
			expectThrow(() => ref.path.release(), Error, /^Vec2ArrayRef\.release: this ref is part of another ref/)
			const frees = allocator.freeCalls
			{
				using scoped = heap.allocStruct(Vec2)
				scoped.x = 1
			}
			expect(allocator.freeCalls).to.equal(frees + 1)
			bodies.free()
			expect(element.isFreed).to.equal(true)
			expectThrow(() => element.x, Error, /^Body\.x: the reference .* has been freed$/)
			expectThrow(() => bodies.at(0), Error, /^BodyArrayRef\.at: the reference .* has been freed$/)
			const released = heap.allocStructArray(Body, 1)
			const address = released.release()
			expect(address).to.equal(released.address)
			expectThrow(() => released.at(0), Error, /was released/)
			heap.deallocate(address)
		})

		it("sub-refs are refs of their type's class, sized as their struct, and freed with their root", () => {
			const { heap } = test
			const bodies = heap.allocStructArray(Body, 2)
			const element = bodies.at(1)
			const ref = heap.allocStruct(Everything, { position: { x: 4 } })
			const position = ref.position
			expect(element).to.be.instanceOf(StructRef)
			expect(Object.getPrototypeOf(Object.getPrototypeOf(element))).to.equal(Object.getPrototypeOf(heap.allocStruct(Body)))
			expect(element.type).to.equal(Body)
			expect([element.address, element.allocatedByteSize, position.allocatedByteSize]).to.deep.equal([bodies.address + 40, 40, 8])
			expect(Object.keys(element)).to.deep.equal(['manager', 'address', 'root'])
			expect(element.toJSON()).to.deep.include({ type: 'Body', address: bodies.address + 40 })
			expect(heap.allocatedRefs).to.not.include(element)
			bodies.free()
			ref.free()
			expect([element.isFreed, position.isFreed]).to.deep.equal([true, true])
			expect(element.toJSON()).to.deep.equal({ type: 'Body', address: bodies.address + 40, freed: true })
			expect(position.toJSON()).to.deep.equal({ type: 'Vec2', address: ref.address + heap.offsetOf(Everything, 'position'), freed: true })
			expectThrow(() => element.read(), Error, /^Body\.read: the reference .* has been freed$/)
		})

		it('readStruct and read() after the heap was replaced: the cold path reads field by field, the same values', () => {
			const { heap, memory } = test
			const body = heap.allocStruct(Body, { x: 1.5, y: -2, vx: 0.25, vy: 4, mass: 8, id: -3, flags: 7 })
			const expected = { x: 1.5, y: -2, vx: 0.25, vy: 4, mass: 8, id: -3, flags: 7 }
			expect(heap.readStruct(Body, body.address)).to.deep.equal(expected)
			memory.grow(1)
			expect(heap.readStruct(Body, body.address)).to.deep.equal(expected)
			memory.grow(1)
			expect(body.read()).to.deep.equal(expected)
			expect(Object.keys(heap.readStruct(Body, body.address))).to.deep.equal(['x', 'y', 'vx', 'vy', 'mass', 'id', 'flags'])
		})

		it('readStruct remembers the last type and ABI: alternating types and managers of two ABIs each read their own layout', () => {
			const { heap, memory } = test
			const Sized = defineStruct('Sized', { a: 'Int8', pointer: 'Pointer', size: 'Size', diff: 'Long' })
			let next = 32768
			const heap64 = createWasmHeapManager(() => memory.buffer, (size: number) => ((next += Math.ceil(size / 16) * 16), next - Math.ceil(size / 16) * 16), () => {}, { abi: 'wasm64' })
			const ref32 = heap.allocStruct(Sized, { a: 1, pointer: 2, size: 3, diff: -4 })
			const ref64 = heap64.allocStruct(Sized, { a: 5, pointer: 2 ** 40, size: 2 ** 33, diff: -(2 ** 34) })
			const body = heap.allocStruct(Body, { x: 1.5, id: 7 })
			for (let round = 0; round < 3; round++) {
				// Each call misses the codec the one before left (another type, or another ABI), then hits it.
				for (let hit = 0; hit < 2; hit++) expect(heap.readStruct(Sized, ref32.address)).to.deep.equal({ a: 1, pointer: 2, size: 3, diff: -4 })
				for (let hit = 0; hit < 2; hit++) expect(heap64.readStruct(Sized, ref64.address)).to.deep.equal({ a: 5, pointer: 2 ** 40, size: 2 ** 33, diff: -(2 ** 34) })
				for (let hit = 0; hit < 2; hit++) expect(heap.readStruct(Body, body.address)).to.deep.equal({ x: 1.5, y: 0, vx: 0, vy: 0, mass: 0, id: 7, flags: 0 })
			}
		})

		it('readStruct of structs of 1 to 8 fields: a plain object of exactly the fields, in declaration order, each its value', () => {
			const { heap } = test
			const kinds = ['Float64', 'Int32', 'Float32', 'Uint8', 'Int16', 'Float64', 'Uint32', 'Int8'] as const
			for (let count = 1; count <= kinds.length; count++) {
				// Field names not in alphabetical order, so that a constructor giving them in another order shows.
				const names = kinds.slice(0, count).map((_, index) => `f${(index * 5) % 8}${index}`)
				const type = defineStruct(`Fields${count}`, Object.fromEntries(names.map((name, index) => [name, kinds[index]!])))
				const values = Object.fromEntries(names.map((name, index) => [name, index + 1.5 * (kinds[index]!.startsWith('Float') ? 1 : 0) + 1]))
				const ref = heap.allocStruct(type, values as never)
				for (let round = 0; round < 3; round++) {
					const value = heap.readStruct(type, ref.address) as Record<string, unknown>
					expect(Object.getPrototypeOf(value)).to.equal(Object.prototype)
					expect(Object.keys(value)).to.deep.equal(names)
					expect(value).to.deep.equal(values)
					expect(ref.read()).to.deep.equal(values)
				}
			}
		})

		it('readStruct checks its type whether or not the last call read a struct: the same errors, nothing written', () => {
			const { heap } = test
			const body = heap.allocStruct(Body, { x: 2 })
			const before = snapshot(test.memory)
			const heapSize = test.memory.buffer.byteLength
			for (const type of [undefined, null, 'Body', {}, Body.field('x'), Color]) {
				// After a read of Body, as the first call of a loop does, and after a failing call.
				heap.readStruct(Body, body.address)
				expectThrow(() => heap.readStruct(type as never, body.address), TypeError, /^readStruct: expected a StructType/)
				expectThrow(() => heap.readStruct(type as never, body.address), TypeError, /^readStruct: expected a StructType/)
			}
			expect(heap.readStruct(Body, body.address).x).to.equal(2)
			// The bounds errors, after a hit and after a miss of the remembered codec.
			for (const miss of [false, true]) {
				if (miss) heap.readStruct(Vec2, body.address)
				else heap.readStruct(Body, body.address)
				expectThrow(() => heap.readStruct(Body, heapSize - 8), RangeError, `readStruct: address ${heapSize - 8} is out of range: a 40-byte access must end within the heap of ${heapSize} bytes`)
				expectThrow(() => heap.readStruct(Body, -1), RangeError, /^readStruct: address -1 is not a non-negative integer/)
				expectThrow(() => heap.readStruct(Body, 8.5), RangeError, /^readStruct: address 8\.5 is not a non-negative integer/)
			}
			expectSameBytes(snapshot(test.memory), before)
		})

		it('readStruct in a fresh copy of the library: a first call with no type throws the type error, not a lookup of nothing', async () => {
			// The remembered codec starts empty (no type, no ABI); a copy of the library loaded
			// anew (its own modules: tsx passes the query on to each import) shows its first call.
			const fresh = (await import(`../src/index.js?fresh=${Date.now()}`)) as typeof import('../src/index.js')
			expect(fresh.StructType).to.not.equal(Body.constructor)
			const heap = fresh.createWasmHeapManager(() => test.memory.buffer, test.allocator.alloc, test.allocator.free)
			const FreshBody = fresh.defineStruct('Body', { x: 'Float64', id: 'Int32' })
			const body = heap.allocStruct(FreshBody, { id: 3 })
			expectThrow(() => heap.readStruct(undefined as never, body.address), TypeError, /^readStruct: expected a StructType/)
			expect(heap.readStruct(FreshBody, body.address).id).to.equal(3)
		})

		it('readStruct at any address: every field kind at an odd address reads as at an aligned one', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything, { i8: -5, u8: 7, clamped: 300, i16: -1234, u16: 65535, i32: -7, u32: 2 ** 32 - 1, i64: -(2n ** 63n), u64: 2n ** 64n - 1n, f32: 1.1, f64: Math.PI, f16: 1.5, p32: 123, p53: 2 ** 53 - 1, p64: 5n, pointer: 8, size: 9, diff: -10, flag: true, color: 2, position: { x: 0.5, y: -1 }, path: [{ x: 1 }, { y: 2 }], matrix: [[1, -2], [3, -4]], label: 'héllo', wide: 'abc', small: 7, sgn: -16, enumBits: 3, boolBit: true, big: 2n ** 40n - 1n, aligned: 42 })
			const size = heap.sizeOf(Everything)
			const expected = heap.readStruct(Everything, ref.address)
			const bytes = new Uint8Array(test.memory.buffer, ref.address, size).slice()
			const copy = heap.allocUint8Array(size + 8)
			for (const shift of [1, 2, 3, 5]) {
				copy.view.fill(0).set(bytes, shift)
				expect(heap.readStruct(Everything, copy.address + shift)).to.deep.equal(expected)
			}
		})

		it('readStruct reads nested structs, number arrays and 64-bit rows straight from the view, and throws for a Pointer53 past 2^53 naming the call and the field', () => {
			const { heap } = test
			const Mixed = defineStruct('Mixed', { inner: Vec2, values: { array: 'Float32', length: 3 }, big: 'BigInt64', p: 'Pointer53', half: 'Float16', clamped: 'ClampedUint8' })
			const ref = heap.allocStruct(Mixed, { inner: { x: 1, y: -2 }, values: [0.5, 1.5, 2.5], big: -7n, p: 2 ** 52 + 1, half: 0.25, clamped: 300 })
			expect(heap.readStruct(Mixed, ref.address)).to.deep.equal({ inner: { x: 1, y: -2 }, values: [0.5, 1.5, 2.5], big: -7n, p: 2 ** 52 + 1, half: 0.25, clamped: 255 })
			const at = ref.address + heap.offsetOf(Mixed, 'p')
			heap.writeUint32(at + 4, 0x200000)
			// it named readPointer53, which the caller never called
			expectThrow(() => heap.readStruct(Mixed, ref.address), RangeError, `readStruct(Mixed).p: the uint64 at address ${at} holds 9007199254740993, which is above the largest pointer53 value 2^53 - 1`)
			expectThrow(() => heap.readPointer53(at), RangeError, new RegExp(`^readPointer53: the uint64 at address ${at} `))
			// as a field of a nested struct, and of a struct in an array: the path from the call
			const Outer = defineStruct('Outer', { tag: 'Uint8', mixed: Mixed, list: { array: Mixed, length: 2 } })
			const outer = heap.allocStruct(Outer)
			const nested = outer.address + heap.offsetOf(Outer, 'mixed.p')
			heap.writeUint32(nested + 4, 0x200000)
			expectThrow(() => heap.readStruct(Outer, outer.address), RangeError, new RegExp(`^readStruct\\(Outer\\)\\.mixed\\.p: the uint64 at address ${nested} `))
			heap.writeUint32(nested + 4, 0)
			const inList = outer.address + heap.offsetOf(Outer, 'list.1.p')
			heap.writeUint32(inList + 4, 0x200000)
			expectThrow(() => heap.readStruct(Outer, outer.address), RangeError, new RegExp(`^readStruct\\(Outer\\)\\.list\\.p: the uint64 at address ${inList} `))
		})

		it("a Pointer53 field's property names itself for a stored value past 2^53 - 1 and for a bad value, on its fast and cold paths, and writes nothing", () => {
			for (const pollingMode of ['whenEmpty', 'always'] as const) {
				const { heap, memory } = createTestHeap({ pollingMode })
				const ref = heap.allocStruct(Everything, { p53: 5 })
				const at = ref.address + heap.offsetOf(Everything, 'p53')
				// it named writePointer53, which the caller never called
				for (const bad of [-1, 2 ** 53, 1.5, 1n]) {
					const before = snapshot(memory)
					const error = expectThrow(() => ((ref as { p53: unknown }).p53 = bad), typeof bad === 'number' ? RangeError : TypeError, /^Everything\.p53: /)
					expect((error as Error).message, `${pollingMode} ${String(bad)}`).to.not.match(/Pointer53/)
					expectSameBytes(snapshot(memory), before)
				}
				expect(ref.p53).to.equal(5)
				heap.writeUint32(at + 4, 0x200000)
				// it named readPointer53
				expectThrow(() => ref.p53, RangeError, `Everything.p53: the uint64 at address ${at} holds 9007199254740997, which is above the largest pointer53 value 2^53 - 1`)
				ref.free()
			}
		})

		it('clear() and allocatedBytesView on struct and array refs', () => {
			const { heap } = test
			const bodies = heap.allocStructArray(Body, [{ id: 1 }, { id: 2 }])
			expect(bodies.allocatedBytesView.length).to.equal(80)
			bodies.at(1).clear()
			expect(bodies.readAt(1).id).to.equal(0)
			expect(bodies.at(0).allocatedBytesView.length).to.equal(40)
			bodies.clear()
			expect(bodies.readAt(0).id).to.equal(0)
			const ref = heap.allocStruct(Everything, { path: [{ x: 1 }] })
			ref.path.clear()
			expect(ref.path.readAt(0).x).to.equal(0)
			expect(ref.path.allocatedBytesView.length).to.equal(24)
			expect(ref.path.isFreed).to.equal(false)
		})

		it('tracking and scopes hold struct refs like any other', () => {
			const { heap } = test
			const ref = heap.allocStruct(Vec2)
			const array = heap.allocStructArray(Vec2, 2)
			expect(heap.allocatedRefs).to.include(ref).and.include(array)
			expect(heap.totalAllocatedByteSize).to.equal(8 + 16)
			heap.free(ref.address)
			expect(ref.isFreed).to.equal(true)
			let inner: StructRef | undefined
			heap.withScope(() => {
				inner = heap.allocStruct(Vec2)
			})
			expect(inner!.isFreed).to.equal(true)
		})

		it('refs stay valid across memory growth, and serve a manager over a resizable buffer (its empty fast views)', () => {
			const { heap, memory } = test
			const bodies = heap.allocStructArray(Body, 3)
			const element = bodies.at(1)
			element.x = 2.5
			const nested = heap.allocStruct(Everything, { position: { x: 4 } })
			const position = nested.position
			memory.grow(2)
			expect(element.x).to.equal(2.5)
			element.y = 3
			expect(bodies.readAt(1).y).to.equal(3)
			expect(position.x).to.equal(4)
			nested.label = 'grown'
			expect(heap.readStruct(Everything, nested.address).label).to.equal('grown')

			const resizable = new (ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer)(1024, { maxByteLength: 4096 })
			let next = 64
			const over = createWasmHeapManager(() => resizable, (size: number) => ((next += Math.ceil(size / 8) * 8), next - Math.ceil(size / 8) * 8), () => {})
			const body = over.allocStruct(Body, { x: 1, id: 2 })
			expect([body.x, body.id]).to.deep.equal([1, 2])
			body.mass = 3
			expect(over.readStruct(Body, body.address).mass).to.equal(3)
			;(resizable as unknown as { resize(length: number): void }).resize(64)
			expectThrow(() => body.x, RangeError, /^Body\.x: address \d+ is out of range: an 8-byte access must end within the heap of 64 bytes$/)
		})
	})

	describe('the abi option, sizeOf, alignOf and offsetOf', () => {
		it("lays out and reads by the manager's ABI: 'wasm64' has 8-byte pointers, size_t and long", () => {
			const memory = new WebAssembly.Memory({ initial: 1 })
			let next = 64
			const alloc = (size: number): number => ((next += Math.ceil(size / 16) * 16), next - Math.ceil(size / 16) * 16)
			const heap64 = createWasmHeapManager(() => memory.buffer, alloc, () => {}, { abi: 'wasm64' })
			const heap32 = createWasmHeapManager(() => memory.buffer, alloc, () => {})
			expect([heap32.abi, heap64.abi]).to.deep.equal(['wasm32', 'wasm64'])
			const Sized = defineStruct('Sized', { a: 'Int8', pointer: 'Pointer', size: 'Size', diff: 'Long' })
			expect([heap32.sizeOf(Sized), heap64.sizeOf(Sized)]).to.deep.equal([16, 32])
			expect([heap32.alignOf(Sized), heap64.alignOf(Sized)]).to.deep.equal([4, 8])
			expect([heap32.offsetOf(Sized, 'diff'), heap64.offsetOf(Sized, 'diff')]).to.deep.equal([12, 24])
			expect([heap32.sizeOf('Pointer'), heap64.sizeOf('Pointer'), heap64.alignOf({ array: 'Int16', length: 3 })]).to.deep.equal([4, 8, 2])
			const ref = heap64.allocStruct(Sized, { pointer: 2 ** 40, size: 2 ** 53 - 1, diff: -(2 ** 50) })
			expect([ref.pointer, ref.size, ref.diff]).to.deep.equal([2 ** 40, 2 ** 53 - 1, -(2 ** 50)])
			expect(heap64.readBigInt64(ref.address + 24)).to.equal(-(2n ** 50n))
			// 8-byte Pointer, Size and Long hold what a number holds exactly: safe integers only, nothing written otherwise
			const stored = heap64.readStruct(Sized, ref.address)
			expectThrow(() => (ref.size = 2 ** 53), RangeError, 'Sized.size: 9007199254740992 is not a valid Size value on wasm64: it must be an integer from 0 to 9007199254740991')
			expectThrow(() => heap64.writeStruct(Sized, ref.address, { a: 1, diff: -(2 ** 53) }), RangeError, 'writeStruct(Sized).diff: -9007199254740992 is not a valid Long value on wasm64: it must be an integer from -9007199254740991 to 9007199254740991')
			expectThrow(() => ref.write({ a: 1, pointer: 2 ** 60 }), RangeError, /^Sized\.write\.pointer: 1152921504606847000 is not a valid Pointer value on wasm64/)
			expect(heap64.readStruct(Sized, ref.address)).to.deep.equal(stored)
			heap64.writeBigInt64(ref.address + 24, 2n ** 60n)
			// a stored value no number holds: the field is named (not the row's reader, which the caller never called)
			expectThrow(() => ref.diff, RangeError, /^Sized\.diff: the Long at address \d+ holds 1152921504606846976, which is not a safe integer$/)
			heap64.writeBigUint64(ref.address + 8, 2n ** 60n)
			heap64.writeBigUint64(ref.address + 16, 2n ** 53n)
			const sizeError = expectThrow(() => ref.size, RangeError, `Sized.size: the Size at address ${ref.address + 16} holds 9007199254740992, which is not a safe integer`)
			expect((sizeError as { code?: string }).code).to.equal('ERR_HEAP_INVALID_VALUE')
			expect((sizeError as Error).cause).to.be.instanceOf(RangeError)
			expectThrow(() => ref.pointer, RangeError, `Sized.pointer: the Pointer at address ${ref.address + 8} holds 1152921504606846976, which is not a safe integer`)
			// ref.read() names itself, as ref.write() does (it named the field alone, Sized.pointer, as the field's property does)
			expectThrow(() => ref.read(), RangeError, `Sized.read.pointer: the Pointer at address ${ref.address + 8} holds 1152921504606846976, which is not a safe integer`)
			const Holder = defineStruct('Holder', { tag: 'Uint8', sized: Sized })
			const holder = heap64.allocStruct(Holder)
			heap64.writeBigUint64(holder.address + heap64.offsetOf(Holder, 'sized.pointer'), 2n ** 60n)
			expectThrow(() => holder.read(), RangeError, /^Holder\.read\.sized\.pointer: the Pointer at address \d+ holds 1152921504606846976/)
			expectThrow(() => holder.sized.read(), RangeError, /^Sized\.read\.pointer: the Pointer at address \d+ holds 1152921504606846976/)
			// readStruct names the call, as writeStruct does (it named the field alone, Sized.pointer)
			expectThrow(() => heap64.readStruct(Sized, ref.address), RangeError, `readStruct(Sized).pointer: the Pointer at address ${ref.address + 8} holds 1152921504606846976, which is not a safe integer`)
			heap64.writeStruct(Sized, ref.address, { pointer: 2 ** 40, size: 2 ** 53 - 1, diff: -(2 ** 50) })
			const Sizes = defineStruct('Sizes', { sizes: { array: 'Size', length: 2 } })
			const sizes = heap64.allocStruct(Sizes)
			heap64.writeBigUint64(sizes.address + 8, 2n ** 60n)
			const arrayMessage = `Sizes.sizes: the Size at address ${sizes.address + 8} holds 1152921504606846976, which is not a safe integer`
			expectThrow(() => sizes.sizes.readAt(1), RangeError, arrayMessage)
			expectThrow(() => sizes.sizes.read(), RangeError, arrayMessage)
			expectThrow(() => heap64.readStruct(Sizes, sizes.address), RangeError, `readStruct(${arrayMessage}`.replace('Sizes.', 'Sizes).'))
			expectThrow(() => heap32.allocStruct(Sized, { size: 2 ** 32 }), RangeError, /^allocStruct\(Sized\)\.size: 4294967296 is not a valid Size value on wasm32/)
			expectThrow(() => heap32.allocStruct(Sized, { diff: 1.5 }), RangeError, /^allocStruct\(Sized\)\.diff: 1\.5 is not a valid Long value/)
			expectThrow(() => heap32.allocStruct(Sized, { diff: 1n as never }), TypeError, 'allocStruct(Sized).diff: a Long value must be a number, received 1n; pass a bigint as Number(value)')
			expect(heap64.offsetOf(Everything, 'path.2.y')).to.be.greaterThan(heap32.offsetOf(Everything, 'path.2.y'))
			expect(createWasmHeapManager(() => memory.buffer, alloc, () => {}, { abi: 'emscripten' }).abi).to.equal('emscripten')
			expectThrow(() => createWasmHeapManager(() => memory.buffer, alloc, () => {}, { abi: 'wasm16' as never }), TypeError, /^createWasmHeapManager: option abi: unknown ABI "wasm16"; expected 'wasm32', 'wasm64', 'emscripten'$/)
			expectThrow(() => heap32.offsetOf(Sized, 'nope' as string), RangeError, /^offsetOf: struct Sized has no field "nope"/)
			expectThrow(() => heap32.sizeOf('Nope' as never), TypeError, /^sizeOf: type has an unknown type "Nope"/)
		})
	})

	describe('bad input: the errors of numeric refs, and nothing written', () => {
		/** Runs `fn`, expects the error, and checks every byte of the memory is as it was. */
		function expectNothingWritten(fn: () => unknown, errorClass: new (...args: never[]) => Error, message: string | RegExp): void {
			const before = snapshot(test.memory)
			expectThrow(fn, errorClass, message)
			expectSameBytes(snapshot(test.memory), before)
		}

		it('a type made by another copy of the library (require() beside import loads the CommonJS and the ES module builds) is said to be one, not "an object"', async () => {
			const { heap } = test
			// a second instance of the library's modules, as a package's two builds are
			const specifier = '../src/index.js?second-copy'
			const other = (await import(specifier)) as typeof import('../src/index.js')
			const Foreign = other.defineStruct('Foreign', { x: 'Int32' })
			const Shade = other.defineEnum('Shade', 'Uint8', { DARK: 1 })
			const hint =
				'from another copy of wasm-heap-manager, which this copy cannot use (require() and import load two: its CommonJS and ES module builds; or two installed versions): declare it with the copy that uses it'
			expectNothingWritten(() => heap.allocStruct(Foreign), TypeError, `allocStruct: expected a StructType (from defineStruct or defineUnion), received struct Foreign ${hint}`)
			expectThrow(() => heap.readStruct(Foreign, 64), TypeError, `readStruct: expected a StructType (from defineStruct or defineUnion), received struct Foreign ${hint}`)
			expectThrow(() => defineStruct('Holder', { inner: Foreign }), TypeError, new RegExp(`^defineStruct\\('Holder'\\): field 'inner' has an unknown type struct Foreign ${hint.replace(/[()]/g, '\\$&')}; expected`))
			expectThrow(() => defineStruct('Holder', { shade: Shade }), TypeError, /field 'shade' has an unknown type enum Shade from another copy of wasm-heap-manager/)
			// a generated class whose declaration the other copy made
			const Generated = Object.assign(function ForeignRef() {}, { structType: Foreign })
			expectThrow(() => heap.allocStruct(Generated as never), TypeError, `allocStruct: expected a StructType (from defineStruct or defineUnion), received a class generated for struct Foreign ${hint}`)
			// this copy's own types, given where they do not belong, are not said to be another's
			expectThrow(() => heap.allocStruct(Color as never), TypeError, 'allocStruct: expected a StructType (from defineStruct or defineUnion), received an object (EnumType)')
		})

		it("a struct's ref given for a struct value, which TypeScript takes (the ref has the fields), is a TypeError saying to pass ref.read(): nothing written", () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything, { i32: 1 })
			const position = heap.allocStruct(Vec2, { x: 1, y: 2 })
			const bytes = heap.allocUint8Array(8)
			const copy = 'takes an object of field values, received a ref of struct Vec2: to copy a struct, pass ref.read()'
			expectNothingWritten(() => ref.write({ i32: 2, position }), TypeError, `Everything.write.position: struct Vec2 ${copy}`)
			expectNothingWritten(() => heap.writeStruct(Vec2, ref.position.address, position), TypeError, `writeStruct(Vec2): struct Vec2 ${copy}`)
			expectNothingWritten(() => heap.allocStruct(Vec2, ref.position), TypeError, `allocStruct(Vec2): struct Vec2 ${copy}`)
			expectNothingWritten(() => heap.allocStructArray(Vec2, [{ x: 3 }, position]), TypeError, `allocStructArray(Vec2)[1]: struct Vec2 ${copy}`)
			expectNothingWritten(() => ref.write({ position: bytes as never }), TypeError, 'Everything.write.position: struct Vec2 takes an object of field values, received a Uint8ArrayRef: to copy a struct, pass ref.read()')
			ref.write({ i32: 2, position: position.read() })
			expect([ref.i32, ref.position.x, ref.position.y]).to.deep.equal([2, 1, 2])
		})

		it('a string that does not fit, a value of the wrong kind, an unknown field: checked before any field is written', () => {
			const { heap } = test
			const ref = heap.allocStruct(Everything, { i32: 1, label: 'keep' })
			expectNothingWritten(() => (ref.label = 'much too long'), RangeError, 'Everything.label: the string does not fit: it needs 14 Utf8 elements with its terminator, and the inline string holds 8')
			expectNothingWritten(() => ref.write({ i32: 2, label: 'much too long' }), RangeError, /^Everything\.write\.label: the string does not fit/)
			expectNothingWritten(() => heap.writeStruct(Everything, ref.address, { i32: 2, i64: 1 as never }), TypeError, 'writeStruct(Everything).i64: value must be a bigint, received 1')
			expectNothingWritten(() => heap.writeStruct(Everything, ref.address, { i32: 2, f64: 1n as never }), TypeError, 'writeStruct(Everything).f64: value must be a number, received 1n')
			expectNothingWritten(() => heap.writeStruct(Everything, ref.address, { i32: 2, nope: 1 } as never), TypeError, /^writeStruct\(Everything\): struct Everything has no field "nope"; its fields are i8, u8/)
			expectNothingWritten(() => heap.writeStruct(Everything, ref.address, 5 as never), TypeError, 'writeStruct(Everything): struct Everything takes an object of field values, received 5')
			expectNothingWritten(() => ref.write({ i32: 2, position: { x: 1, z: 2 } as never }), TypeError, /^Everything\.write\.position: struct Vec2 has no field "z"/)
			expectNothingWritten(() => ref.write({ i32: 2, path: [{}, {}, {}, {}] }), RangeError, 'Everything.write.path: 4 values given for an array of 3 elements')
			expectNothingWritten(() => ref.write({ i32: 2, path: 3 as never }), TypeError, 'Everything.write.path: an array of 3 elements takes an array, received 3')
			expectNothingWritten(() => ref.write({ i32: 2, matrix: [[1], [2, 3, 4]] }), RangeError, 'Everything.write.matrix[1]: 3 values given for an array of 2 elements')
			expectNothingWritten(() => ref.write({ i32: 2, flag: 1 as never }), TypeError, 'Everything.write.flag: a Bool value must be a boolean, received 1')
			expectNothingWritten(() => ref.write({ i32: 2, small: 8 }), RangeError, 'Everything.write.small: 8 does not fit a 3-bit unsigned bitfield of type Uint32 (0 to 7)')
			expectNothingWritten(() => ref.write({ i32: 2, sgn: 16 }), RangeError, 'Everything.write.sgn: 16 does not fit a 5-bit signed bitfield of type Int32 (-16 to 15)')
			expectNothingWritten(() => ref.write({ i32: 2, sgn: 1.5 }), RangeError, /^Everything\.write\.sgn: 1\.5 does not fit/)
			expectNothingWritten(() => ref.write({ i32: 2, sgn: 'x' as never }), TypeError, 'Everything.write.sgn: a 5-bit signed bitfield of type Int32 takes a number, received "x"')
			expectNothingWritten(() => ref.write({ i32: 2, big: 1 as never }), TypeError, /^Everything\.write\.big: a 40-bit unsigned bitfield of type BigUint64 takes a bigint/)
			expectNothingWritten(() => ref.write({ i32: 2, boolBit: 1 as never }), TypeError, /^Everything\.write\.boolBit: a 1-bit unsigned bitfield of type Bool takes a boolean/)
			expectNothingWritten(() => ref.write({ i32: 2, p53: -1 }), RangeError, /^Everything\.write\.p53: -1 is not a valid pointer53 value/)
			expectNothingWritten(() => ref.write({ i32: 2, label: 5 as never }), TypeError, 'Everything.write.label: value must be a string, received 5')
			expectNothingWritten(() => ref.write({ i32: 2, label: 'ascii', wide: 'abcd' }), RangeError, /^Everything\.write\.wide: the string does not fit: it needs 5 Utf16 elements/)
			expectNothingWritten(() => (ref.i64 = 1 as never), TypeError, 'Everything.i64: value must be a bigint, received 1')
			expectNothingWritten(() => (ref.f32 = Symbol('s') as never), TypeError, 'Everything.f32: value must be a number, received symbol')
			expectNothingWritten(() => ((ref as unknown as { position: unknown }).position = 1), TypeError, 'Everything.position: struct Vec2 takes an object of field values, received 1')
			expect(ref.i32).to.equal(1)
			expect(ref.label).to.equal('keep')
			const ascii = defineStruct('AsciiName', { name: { string: 'Ascii', capacity: 4 } })
			const named = heap.allocStruct(ascii)
			expectNothingWritten(() => (named.name = 'é'), RangeError, /U\+00E9/)
		})

		it('allocStruct and allocStructArray check their values before allocating', () => {
			const { heap, allocator } = test
			const calls = allocator.allocCalls
			expectNothingWritten(() => heap.allocStruct(Vec2, { x: 1n as never }), TypeError, 'allocStruct(Vec2).x: value must be a number, received 1n')
			expectNothingWritten(() => heap.allocStructArray(Vec2, [{ x: 1 }, { y: 1n as never }]), TypeError, 'allocStructArray(Vec2)[1].y: value must be a number, received 1n')
			expectNothingWritten(() => heap.allocStructArray(Vec2, -1), RangeError, 'allocStructArray: element count -1 is not a non-negative safe integer')
			expectNothingWritten(() => heap.allocStruct({} as never), TypeError, 'allocStruct: expected a StructType (from defineStruct or defineUnion), received an object (Object)')
			expect(allocator.allocCalls).to.equal(calls)
			expect(heap.allocStructArray(Vec2, []).elementCount).to.equal(0)
		})

		it('an index out of range, a struct past the heap, a null or bad address', () => {
			const { heap } = test
			const heapSize = test.memory.buffer.byteLength
			const bodies = heap.allocStructArray(Body, 2)
			for (const index of [-1, 2, 1.5, Number.NaN]) {
				expectNothingWritten(() => bodies.writeAt(index, { id: 1 }), RangeError, new RegExp(`^BodyArrayRef\\.writeAt: index ${String(index)} is out of range`))
				expectThrow(() => bodies.readAt(index), RangeError, /^BodyArrayRef\.readAt: index .* is out of range/)
			}
			expectThrow(() => bodies.at('0' as never), TypeError, 'BodyArrayRef.at: index must be a number, received "0"')
			expectNothingWritten(() => heap.writeStruct(Body, heapSize - 39, { id: 1 }), RangeError, `writeStruct: address ${heapSize - 39} is out of range: a 40-byte access must end within the heap of ${heapSize} bytes`)
			expectThrow(() => heap.readStruct(Body, heapSize - 8), RangeError, `readStruct: address ${heapSize - 8} is out of range: a 40-byte access must end within the heap of ${heapSize} bytes`)
			expectThrow(() => heap.wrapStruct(Body, heapSize - 8), RangeError, `wrapStruct: address ${heapSize - 8} is out of range: a 40-byte access must end within the heap of ${heapSize} bytes`)
			expectThrow(() => heap.wrapStruct(Body, 0), RangeError, 'wrapStruct: address 0 is a null pointer and cannot be wrapped')
			expectThrow(() => heap.readStruct(Body, -1), RangeError, /^readStruct: address -1 is not a non-negative integer/)
			expectThrow(() => heap.wrapStructArray(Body, heapSize - 40, 2), RangeError, `wrapStructArray: address ${heapSize - 40} is out of range: an 80-byte access must end within the heap of ${heapSize} bytes`)
			expectThrow(() => heap.readStruct('Body' as never, 8), TypeError, /^readStruct: expected a StructType/)
			expectThrow(() => heap.wrapStruct(Body, 8, 5 as never), TypeError, /^wrapStruct: options must be an object/)
			const unaligned = heap.wrapStruct(Body, 8 + 1, { deallocator: null })
			unaligned.x = 1.25
			expect(unaligned.x).to.equal(1.25)
			expect(heap.readFloat64(9)).to.equal(1.25)
			unaligned.free()
		})
	})

	describe('an enum stored as a 64-bit row (clang gives an enum with values past 32 bits a long long)', () => {
		// the case import-c writes for `enum Big { BIG_LOW = -0x100000000LL, BIG_HIGH = 0x10000000000LL }`
		const Big = defineEnum('Big', 'BigInt64', { BIG_LOW: -(2 ** 32), BIG_HIGH: 2 ** 40 })
		const Holder = defineStruct('Holder', { tag: 'Uint8', big: Big, list: { array: Big, length: 2 }, narrow: { bits: 48, type: Big } })

		it('reads and writes numbers, as its declared values and its TypeScript type are, in every path', () => {
			const { heap } = test
			const holder = heap.allocStruct(Holder, { big: Big.values.BIG_LOW, list: [Big.values.BIG_HIGH] })
			const at = heap.offsetOf(Holder, 'big')
			expect(heap.readBigInt64(holder.address + at)).to.equal(-(2n ** 32n))
			const read: number = holder.big
			expect(read).to.equal(Big.values.BIG_LOW)
			expect(Big.nameOf(holder.big)).to.equal('BIG_LOW')
			holder.big = Big.values.BIG_HIGH
			expect([holder.big, heap.readBigInt64(holder.address + at)]).to.deep.equal([2 ** 40, 2n ** 40n])
			holder.list.writeAt(1, Big.values.BIG_LOW)
			expect([holder.list.readAt(0), holder.list.readAt(1)]).to.deep.equal([2 ** 40, -(2 ** 32)])
			holder.narrow = Big.values.BIG_HIGH
			heap.writeStruct(Holder, holder.address, { big: -5 })
			expect(heap.readStruct(Holder, holder.address)).to.deep.equal({ tag: 0, big: -5, list: [2 ** 40, -(2 ** 32)], narrow: 2 ** 40 })
			expect(holder.read().big).to.equal(-5)
			const list = heap.allocStructArray(Holder, [{ big: 7 }])
			expect([list.at(0).big, list.readAt(0).big]).to.deep.equal([7, 7])
			list.free()
			holder.free()
		})

		it('refuses a bigint, a number past the safe integers or the row, and a stored value it cannot give as a number, writing nothing', () => {
			const { heap } = test
			const holder = heap.allocStruct(Holder, { big: 3, list: [1, 2] })
			const before = snapshot(test.memory)
			expect(expectThrow(() => (holder.big = 5n as unknown as number), TypeError, 'Holder.big: an enum Big value must be a number, received 5n; pass a bigint as Number(value)')).to.have.property('code', 'ERR_HEAP_INVALID_VALUE')
			expectThrow(() => (holder.big = 2 ** 53), RangeError, 'Holder.big: 9007199254740992 is not a value of enum Big (stored as BigInt64, read as a number): it must be an integer from -9007199254740991 to 9007199254740991')
			expectThrow(() => (holder.big = 1.5), RangeError, /^Holder\.big: 1\.5 is not a value of enum Big /)
			expectThrow(() => holder.write({ tag: 1, big: 2 ** 60 }), RangeError, /^Holder\.write\.big: 1152921504606847000 is not a value of enum Big /)
			expectThrow(() => holder.list.write([1, 2n as unknown as number]), TypeError, /must be a number, received 2n; pass a bigint as Number\(value\)$/)
			expectSameBytes(snapshot(test.memory), before)
			heap.writeBigInt64(holder.address + heap.offsetOf(Holder, 'big'), 2n ** 60n)
			const message = `the enum Big at address ${holder.address + heap.offsetOf(Holder, 'big')} holds 1152921504606846976, which is not a safe integer`
			expect(expectThrow(() => holder.big, RangeError, `Holder.big: ${message}`)).to.have.property('code', 'ERR_HEAP_INVALID_VALUE')
			expectThrow(() => heap.readStruct(Holder, holder.address), RangeError, `readStruct(Holder).big: ${message}`)
			holder.free()
		})

		it('a bitfield of it wider than 53 bits refuses to read a value past the safe integers rather than round it', () => {
			const { heap } = test
			const Bits = defineStruct('Bits', { tag: 'Uint8', wide: { bits: 60, type: Big } })
			const bits = heap.allocStruct(Bits, { wide: -(2 ** 53) + 1 })
			expect([bits.wide, heap.readStruct(Bits, bits.address).wide]).to.deep.equal([-(2 ** 53) + 1, -(2 ** 53) + 1])
			const unit = bits.address + heap.offsetOf(Bits, 'wide')
			heap.writeBigInt64(unit, 2n ** 59n - 1n) // the largest 60-bit value: 576460752303423487 rounds to ...488 as a number
			const message = `the 60-bit bitfield of type Big at address ${unit} holds 576460752303423487, which is not a safe integer`
			expect(expectThrow(() => bits.wide, RangeError, `Bits.wide: ${message}`)).to.have.property('code', 'ERR_HEAP_INVALID_VALUE')
			expectThrow(() => heap.readStruct(Bits, bits.address), RangeError, `readStruct(Bits).wide: ${message}`)
			heap.writeBigInt64(unit, 2n ** 53n - 1n)
			expect(bits.wide).to.equal(2 ** 53 - 1)
			bits.free()
		})
	})

	describe('StructType and EnumType', () => {
		it('name themselves as C does, find fields by name and enum members by value', () => {
			expect(String(Everything)).to.equal('struct Everything')
			expect(Number32.toString()).to.equal('union Number32')
			expect(Color.toString()).to.equal('enum Color')
			expect(Everything.field('i32')?.index).to.equal(5)
			expect(Everything.field('gap')).to.equal(undefined) // a :0 bitfield has no name to reach it by
			expect(Everything.field('nope')).to.equal(undefined)
			expect(Color.nameOf(2)).to.equal('Green')
			expect(Color.nameOf(9)).to.equal(undefined)
			expect(Color.members.map((member) => member.name)).to.deep.equal(['Red', 'Green', 'Blue'])
			expect(Everything.fieldTypes.i32).to.equal('Int32')
			expect([Everything.packed, defineStruct('Packed', { a: 'Int8' }, { packed: 2 }).packed]).to.deep.equal([false, 2])
		})

		it("are tagged StructType and EnumType, which the library's errors give a type passed where a value goes (they said 'an object (Object)')", () => {
			const { heap } = test
			expect([Object.prototype.toString.call(Vec2), Object.prototype.toString.call(Number32), Object.prototype.toString.call(Color)]).to.deep.equal(['[object StructType]', '[object StructType]', '[object EnumType]'])
			expectThrow(() => heap.allocUint8Array(Vec2 as never), TypeError, 'allocUint8Array: expected an element count or an array-like of values, received an object (StructType)')
			expectThrow(() => heap.allocStruct(Color as never), TypeError, 'allocStruct: expected a StructType (from defineStruct or defineUnion), received an object (EnumType)')
			expectThrow(() => heap.free(Color as never), TypeError, 'free: expected a ref or an address, received an object (EnumType)')
			expectThrow(() => heap.allocStruct(Everything).write({ matrix: Vec2 as never }), TypeError, /^Everything\.write\.matrix: an array of 2 elements takes an array, received an object \(StructType\)$/)
		})
	})

	describe('bad declarations: TypeError or RangeError naming the struct and the field, at defineStruct time', () => {
		const cases: [string, () => unknown, new (...args: never[]) => Error, RegExp][] = [
			['an unknown field type', () => defineStruct('Bad', { a: 'Int33' as never }), TypeError, /^defineStruct\('Bad'\): field 'a' has an unknown type "Int33"/],
			['a bitfield wider than its type', () => defineStruct('Bad', { a: { bits: 9, type: 'Uint8' } }), RangeError, /^defineStruct\('Bad'\): field 'a' is a bitfield 9 bits wide, but its type Uint8 holds 8 bits/],
			// it said "holds 1 bits"
			['a Bool bitfield 2 bits wide', () => defineStruct('Bad', { a: { bits: 2, type: 'Bool' } }), RangeError, /^defineStruct\('Bad'\): field 'a' is a bitfield 2 bits wide, but its type Bool holds 1 bit; the width must be an integer from 0 to 1$/],
			// it said "(pointer target) (pointer target)", one parenthesis per level
			['an unknown type two pointers in', () => defineStruct('Bad', { p: { pointer: { pointer: 'Nope' as never } } }), TypeError, /^defineStruct\('Bad'\): field 'p' \(pointer target of the pointer target\) has an unknown type "Nope"/],
			['an unknown pointer target in an array', () => defineStruct('Bad', { a: { array: { pointer: 'Nope' as never }, length: 2 } }), TypeError, /^defineStruct\('Bad'\): field 'a' \(pointer target of the array element\) has an unknown type "Nope"/],
			['an unknown array element', () => defineStruct('Bad', { a: { array: 'Nope' as never, length: 2 } }), TypeError, /^defineStruct\('Bad'\): field 'a' \(array element\) has an unknown type "Nope"/],
			['a bitfield of a float', () => defineStruct('Bad', { a: { bits: 3, type: 'Float32' as never } }), TypeError, /^defineStruct\('Bad'\): field 'a' is a bitfield of type "Float32", which is not an integer type/],
			['recursive by-value nesting', () => defineStruct('Bad', { self: (() => Vec2) as never }), TypeError, /^defineStruct\('Bad'\): field 'self' is a function: a type cannot contain .* by value/],
			['packed with an invalid value', () => defineStruct('Bad', { a: 'Int8' }, { packed: 3 as never }), RangeError, /^defineStruct\('Bad'\): option packed 3 is not true, 1, 2, 4 or 8/],
			['packed of the wrong kind', () => defineStruct('Bad', { a: 'Int8' }, { packed: 'yes' as never }), TypeError, /^defineStruct\('Bad'\): option packed must be true, 1, 2, 4 or 8/],
			// it said "defineStruct('Bad'): has an unknown option "pack"", without the options there are
			['an unknown option', () => defineStruct('Bad', { a: 'Int8' }, { pack: true } as never), TypeError, /^defineStruct\('Bad'\): unknown option 'pack': the options are packed, align$/],
			['an unknown option of a union', () => defineUnion('Bad', { a: 'Int8' }, { aligned: 8 } as never), TypeError, /^defineUnion\('Bad'\): unknown option 'aligned': the options are packed, align$/],
			['a field name that is not a C identifier', () => defineStruct('Bad', { 'a-b': 'Int8' }), TypeError, /^defineStruct\('Bad'\): field 'a-b' name "a-b" is not a C identifier/],
			// a computed key: `{ __proto__: ... }` would set the prototype; read() would give an object without it
			['a field named __proto__', () => defineStruct('Bad', { a: 'Int8', ['__proto__']: 'Int8' } as never), TypeError, /^defineStruct\('Bad'\): field '__proto__' name "__proto__" is a name a plain object cannot hold as its own key/],
			['an enum member named __proto__', () => defineEnum('BadEnum', 'Int8', JSON.parse('{"__proto__": 1}') as never), TypeError, /^defineEnum\('BadEnum'\): member '__proto__' name "__proto__" is a name a plain object/],
			['an array of length 0', () => defineStruct('Bad', { a: { array: 'Int8', length: 0 } }), RangeError, /^defineStruct\('Bad'\): field 'a' array length 0 is not a positive safe integer/],
			['an unknown string encoding', () => defineStruct('Bad', { a: { string: 'Latin1' as never, capacity: 4 } }), TypeError, /^defineStruct\('Bad'\): field 'a' has an unknown string encoding "Latin1"/],
			['a union member of an unknown type', () => defineUnion('BadUnion', { a: 'Int8', b: {} as never }), TypeError, /^defineUnion\('BadUnion'\): field 'b' has an unknown type/],
		]
		for (const [what, fn, errorClass, message] of cases) {
			it(what, () => {
				expectThrow(fn, errorClass, message)
			})
		}
		it('a struct, union or enum may be named __proto__ (a type name is no key of any value; only field and member names are refused)', () => {
			const Proto = defineStruct('__proto__', { x: 'Int32' })
			const Holder = defineStruct('Holder', { inner: Proto, tag: defineEnum('__proto__', 'Int8', { A: 1 }) })
			expect([Proto.name, defineUnion('__proto__', { a: 'Int8' }).name]).to.deep.equal(['__proto__', '__proto__'])
			const ref = test.heap.allocStruct(Holder, { inner: { x: 7 }, tag: 1 })
			expect(ref.read()).to.deep.equal({ inner: { x: 7 }, tag: 1 })
			ref.free()
		})
		it('duplicate names cannot reach defineStruct: an object keeps one value per key (the last), so a struct has each name once', () => {
			const fields = JSON.parse('{"a": "Int8", "a": "Int32"}') as Record<string, 'Int32'>
			expect(Object.keys(fields)).to.deep.equal(['a'])
			const once = defineStruct('Once', fields)
			expect(once.fields.length).to.equal(1)
			expect(once.layout().size).to.equal(4)
		})
	})
})

describe("a struct's read() names the field's path on its cold path too (past the live view)", () => {
	// Found by the fuzzer (seed 11, episode 906): after the memory grew behind the manager's
	// back, util.inspect (the first read, field by field through the manager's readers) said
	// `readPointer53: ...`, and String() right after (the live view's readers) `S0.read.f2: ...`.
	const S0 = defineStruct('S0', { f0: 'Float16', f1: 'Size', f2: 'Pointer53', f3: 'Bool' })
	const Outer = defineStruct('Outer', { id: 'Int32', inner: S0, list: { array: S0, length: 2 } })

	function grownWithUnsafePointers(): { memory: WebAssembly.Memory; outer: ReturnType<typeof allocOuter> } {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
		const heap = createWasmHeapManager(memory)
		const outer = allocOuter(heap)
		const view = new DataView(memory.buffer)
		// 2^53 + 2 in f2 of inner and of list[1]: more than a number holds exactly
		for (const at of [heap.offsetOf(Outer, 'inner'), heap.offsetOf(Outer, 'list') + heap.sizeOf(S0)]) {
			view.setUint32(outer.address + at + heap.offsetOf(S0, 'f2'), 2, true)
			view.setUint32(outer.address + at + heap.offsetOf(S0, 'f2') + 4, 0x200000, true)
		}
		memory.grow(1) // behind the manager's back: its cached view is detached
		return { memory, outer }
	}
	function allocOuter(heap: ReturnType<typeof createWasmHeapManager>) {
		return heap.allocStruct(Outer)
	}

	it('the first read after the memory grew and the ones after it give the same error, naming the path', async () => {
		const { inspect } = await import('node:util')
		for (const first of ['inspect', 'read'] as const) {
			const { memory, outer } = grownWithUnsafePointers()
			const messages = [
				first === 'inspect' ? inspect(outer) : caught(() => outer.read()).message,
				first === 'inspect' ? caught(() => outer.read()).message : inspect(outer),
				String(outer),
			]
			for (const message of messages) expect(message, first).to.include('Outer.read.inner.f2: the uint64 at address')
			expect(messages.some((message) => message.includes('readPointer53')), first).to.equal(false)
			// sub-refs: the live view's message, then the first read after another growth (the cold path) gives it again
			const inner = outer.inner
			const list = outer.list
			const fast = [caught(() => inner.read()), caught(() => list.read()), caught(() => list.readAt(1))].map((error) => error.message)
			expect(fast[0]).to.match(/^S0\.read\.f2: the uint64 at address \d+ holds 9007199254740994/)
			expect(fast[1]).to.match(/^S0ArrayRef\[1\]\.f2: the uint64 at address \d+ holds 9007199254740994/)
			for (const [index, read] of [() => inner.read(), () => list.read(), () => list.readAt(1)].entries()) {
				memory.grow(1)
				const error = caught(read)
				expect(error.message, `read ${index} after growth`).to.equal(fast[index])
				expect(error, `read ${index} after growth`).to.be.instanceOf(RangeError)
			}
		}
	})
})

describe('wrapStruct: a call for the type, ABI and classes of the last one takes what it found (the memo)', () => {
	// Each probe runs twice: right after a wrapStruct of the same type (the memo applies when
	// its conditions hold) and right after one of another type (the full way); both must agree.
	const Node = defineStruct('MemoNode', { v: 'Int32', next: { pointer: (): StructType => Node } })
	const Other = defineStruct('MemoOther', { x: 'Float64' })
	const summary = (action: () => unknown): unknown => {
		try {
			const ref = action() as StructRef & { ownDeallocator?: unknown; allocationAlignment: number }
			return { class: ref.constructor, address: ref.address, size: ref.allocatedByteSize, alignment: ref.allocationAlignment, tracked: ref.tracked, deallocator: ref.ownDeallocator, v: (ref as unknown as { v: number }).v }
		} catch (error) {
			return { error: (error as Error).constructor.name, message: (error as Error).message, code: (error as { code?: string }).code }
		}
	}

	it('the same ref or the same error as the full way, for every address, option and ABI', () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
		const heap32 = createWasmHeapManager(memory)
		const heap64 = createWasmHeapManager(memory, { abi: 'wasm64' })
		expect([heap32.sizeOf(Node), heap64.sizeOf(Node)]).to.deep.equal([8, 16])
		const node = heap32.allocStruct(Node, { v: 7 })
		const end = memory.buffer.byteLength
		const addresses = [node.address, node.address + 1, 0, -8, 1.5, Number.NaN, end - 8, end - 7, end - 16, end - 15, end, 2 ** 53, '64' as unknown as number]
		const options = [undefined, { deallocator: null }, { deallocator: () => {} }, {}, { bogus: 1 }, null, 5]
		let compared = 0
		for (const heap of [heap32, heap64]) {
			for (const address of addresses) {
				for (const option of options) {
					const probe = (): unknown => heap.wrapStruct(Node, address, option as never)
					const context = `${heap.abi} wrapStruct(Node, ${String(address)}, ${JSON.stringify(option)})`
					heap.wrapStruct(Other, node.address)
					const full = summary(probe)
					// the memo of this heap's own call, then of the other ABI's (Node is 16 bytes on wasm64)
					heap.wrapStruct(Node, node.address)
					expect(summary(probe), `${context} after one of the same ABI`).to.deep.equal(full)
					const other = heap === heap32 ? heap64 : heap32
					other.wrapStruct(Other, node.address)
					other.wrapStruct(Node, node.address)
					expect(summary(probe), `${context} after one of the other ABI`).to.deep.equal(full)
					compared++
				}
			}
		}
		expect(compared).to.equal(2 * addresses.length * options.length)
	})

	it("after the memory grew behind a 'never' manager: the full way's error, as without the memo", () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
		const heap = createWasmHeapManager(memory, { pollingMode: 'never' })
		const node = heap.allocStruct(Node, { v: 3 })
		heap.wrapStruct(Node, node.address)
		memory.grow(1)
		const memoized = summary(() => heap.wrapStruct(Node, node.address))
		expect(memoized).to.have.property('code')
		expect(summary(() => heap.wrapStruct(Other, node.address))).to.have.property('code') // the memo now another type's
		expect(summary(() => heap.wrapStruct(Node, node.address))).to.deep.equal(memoized)
	})

	it('a generated class of the type registered after the memo was taken: its instances from the next call on', () => {
		const Linked: StructType = defineStruct('MemoLinked', { v: 'Int32', next: { pointer: (): StructType => Linked } })
		const LinkedRef = registrableClass(Linked)
		const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
		const node = heap.allocStruct(Linked, { v: 5 })
		for (let round = 0; round < 3; round++) expect(heap.wrapStruct(Linked, node.address)).not.to.be.instanceOf(LinkedRef)
		heap.allocStruct(LinkedRef).free() // registers the class, as its first use anywhere does (the memo still Linked's)
		const after = heap.wrapStruct(Linked, node.address)
		expect(after).to.be.instanceOf(LinkedRef)
		expect((after as unknown as { v: number }).v).to.equal(5)
	})
})

describe('allocStruct and writeStruct: a call for the type, ABI and classes of the last one takes what that one looked up (the memo)', () => {
	const Node = defineStruct('AllocMemoNode', { v: 'Int32', next: { pointer: (): StructType => Node } })
	const Wide = defineStruct('AllocMemoWide', { a: 'Float64', b: 'Float64', c: 'Int32' })
	/** What a ref of `allocStruct` is: its class, size, alignment and fields. */
	const summary = (ref: StructRef): unknown => {
		const r = ref as StructRef & { allocationAlignment: number }
		return { class: ref.constructor, type: ref.type, size: ref.allocatedByteSize, alignment: r.allocationAlignment, tracked: ref.tracked, value: ref.read() }
	}

	it("gives each type's ref and values on either ABI, whatever was allocated before (types and ABIs in turn)", () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
		const heap32 = createWasmHeapManager(memory)
		const heap64 = createWasmHeapManager(memory, { abi: 'wasm64' })
		const calls: [WasmHeapManager, StructType, object][] = [
			[heap32, Node, { v: 1 }],
			[heap32, Node, { v: 2 }],
			[heap32, Wide, { a: 1.5, c: 3 }],
			[heap64, Wide, { b: 2.5 }],
			[heap64, Node, { v: 4 }],
			[heap32, Node, { v: 5 }],
			[heap64, Node, { v: 6 }],
		]
		// each call's ref as the full way made it (its type's class, size, alignment), and the values given
		for (const [heap, type, init] of calls) {
			const ref = heap.allocStruct(type, init as never)
			const expected = { class: Object.getPrototypeOf(heap.wrapStruct(type, ref.address)).constructor, type, size: heap.sizeOf(type), alignment: heap.alignOf(type), tracked: true }
			const got = summary(ref) as Record<string, unknown>
			expect({ ...got, value: undefined }, `${heap.abi} ${type.name}`).to.deep.equal({ ...expected, value: undefined })
			expect(got.value).to.deep.include(init)
			ref.free()
		}
		expect([heap32.sizeOf(Node), heap64.sizeOf(Node)]).to.deep.equal([8, 16])
	})

	it("a getter of init allocating another type leaves this call's type, size and class as they were", () => {
		const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
		heap.allocStruct(Node, { v: 1 }).free()
		let inner: StructRef | undefined
		const outer = heap.allocStruct(Node, {
			get v(): number {
				inner = heap.allocStruct(Wide, { a: 9 })
				return 7
			},
		})
		expect(outer.type).to.equal(Node)
		expect(outer.allocatedByteSize).to.equal(heap.sizeOf(Node))
		expect(outer.read()).to.deep.equal({ v: 7, next: 0 })
		expect(inner!.type).to.equal(Wide)
		expect(inner!.read()).to.deep.include({ a: 9 })
	})

	it('a generated class of the type registered after the memo was taken, also by a getter of init: its instances from then on', () => {
		const Linked: StructType = defineStruct('AllocMemoLinked', { v: 'Int32', next: { pointer: (): StructType => Linked } })
		const LinkedRef = registrableClass(Linked)
		const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
		for (let round = 0; round < 3; round++) expect(heap.allocStruct(Linked, { v: round })).not.to.be.instanceOf(LinkedRef)
		// registered by the getter, while this call's memo was Linked's without the class
		const during = heap.allocStruct(Linked, {
			get v(): number {
				heap.wrapStruct(LinkedRef, 8)
				return 5
			},
		})
		expect(during).to.be.instanceOf(LinkedRef)
		expect((during as unknown as { v: number }).v).to.equal(5)
		expect(heap.allocStruct(Linked)).to.be.instanceOf(LinkedRef)
	})

	it("writeStruct: types and ABIs in turn each check their own size, write their own layout and name their own type; a getter writing another type changes nothing of this call", () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
		const heap32 = createWasmHeapManager(memory)
		const heap64 = createWasmHeapManager(memory, { abi: 'wasm64' })
		const at = 1024
		const end = memory.buffer.byteLength
		const words = (): number[] => Array.from(new Uint32Array(memory.buffer, at, 4))
		for (let round = 0; round < 2; round++) {
			heap32.writeStruct(Node, at, { v: 1, next: 0x1234 })
			expect(words().slice(0, 2), 'wasm32: next 4 bytes at 4').to.deep.equal([1, 0x1234])
			heap64.writeStruct(Node, at, { v: 2, next: 0x5678 })
			expect(words(), 'wasm64: next 8 bytes at 8').to.deep.equal([2, 0x1234, 0x5678, 0])
			// the same type on the other ABI right after: its own size (16 bytes do not fit 8 before the end)
			heap32.writeStruct(Node, end - 8, { v: 3 })
			expectThrow(() => heap64.writeStruct(Node, end - 8, { v: 3 }), RangeError, /^writeStruct: /)
			new Uint32Array(memory.buffer, at, 4).fill(0)
		}
		expectThrow(() => heap32.writeStruct(Wide, at, { a: 1n as never }), TypeError, /^writeStruct\(AllocMemoWide\)\.a: /)
		expectThrow(() => heap32.writeStruct(Node, at, { v: 2n as never }), TypeError, /^writeStruct\(AllocMemoNode\)\.v: /)
		const other = at + 64
		heap32.writeStruct(Node, at, {
			get v(): number {
				heap32.writeStruct(Wide, other, { c: 3 })
				return 7
			},
		})
		expect(heap32.readStruct(Node, at)).to.deep.equal({ v: 7, next: 0 })
		expect(heap32.readStruct(Wide, other).c).to.equal(3)
		const refused = {} as never
		for (let round = 0; round < 2; round++) expectThrow(() => heap32.writeStruct(refused, at, {} as never), TypeError, /^writeStruct: /)
		heap32.writeStruct(Node, at, { v: 9 })
		expect(heap32.readStruct(Node, at).v).to.equal(9)
	})

	it("a call whose type is refused leaves the memo as it was", () => {
		const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
		heap.allocStruct(Wide, { a: 1 }).free()
		// twice: a memo that took the refused type before its check failed would hand the second call Wide's ref
		const refused = {} as never
		for (let round = 0; round < 2; round++) expectThrow(() => heap.allocStruct(refused), TypeError, /^allocStruct: /)
		const ref = heap.allocStruct(Wide, { c: 2 })
		expect([ref.type, ref.allocatedByteSize]).to.deep.equal([Wide, heap.sizeOf(Wide)])
	})
})

describe('a struct type given where a struct value goes', () => {
	it("says it received the type itself (it said the struct has no field \"kind\"), and writes nothing", () => {
		const t = createTestHeap()
		const Vec = defineStruct('TypeVec', { x: 'Float32', y: 'Float32' })
		const O = defineStruct('TypeO', { v: Vec, n: 'Int32' })
		const o = t.heap.allocStruct(O, { v: { x: 1, y: 2 }, n: 3 })
		const before = snapshot(t.memory)
		const calls: [string, () => unknown, string][] = [
			['O.write', () => o.write(Vec as never), 'TypeO.write: struct TypeO takes an object of field values, received the type struct TypeVec itself'],
			['O.v =', () => ((o as unknown as Record<string, unknown>).v = Vec), 'TypeO.v: struct TypeVec takes an object of field values, received the type struct TypeVec itself'],
			['writeStruct', () => t.heap.writeStruct(O, o.address, O as never), 'writeStruct(TypeO): struct TypeO takes an object of field values, received the type struct TypeO itself'],
			['allocStruct', () => t.heap.allocStruct(Vec, Vec as never), 'allocStruct(TypeVec): struct TypeVec takes an object of field values, received the type struct TypeVec itself'],
			['allocStructArray', () => t.heap.allocStructArray(Vec, [{ x: 1 }, Vec as never]), 'allocStructArray(TypeVec)[1]: struct TypeVec takes an object of field values, received the type struct TypeVec itself'],
		]
		for (const [name, call, message] of calls) {
			const error = expectThrow(call, TypeError, message)
			expect((error as { code?: string }).code, name).to.equal('ERR_HEAP_INVALID_VALUE')
			expectSameBytes(snapshot(t.memory), before)
		}
		expect(o.read()).to.deep.equal({ v: { x: 1, y: 2 }, n: 3 })
	})
})

describe('a field named like a property every object inherits (constructor, toString, valueOf, hasOwnProperty)', () => {
	it('is given only as an own property: a write that leaves it out leaves it as it is (it stored 0 or NaN)', () => {
		// (TypeScript types `{ x: 1 }` as having Object's `constructor` too, a function: hence the casts)
		const t = createTestHeap()
		const Inner = defineStruct('InheritedInner', { valueOf: 'Float64', y: 'Int32' })
		const S = defineStruct('Inherited', { constructor: 'Int32', toString: 'Int32', x: 'Int32', hasOwnProperty: 'Float64', inner: Inner })
		const U = defineUnion('InheritedUnion', { toString: 'Float64', bits: 'BigUint64' })
		const full = { constructor: 5, toString: 6, x: 0, hasOwnProperty: 7.5, inner: { valueOf: 8.5, y: 9 } }
		const s = t.heap.allocStruct(S, full)
		t.heap.writeStruct(S, s.address, { x: 1 } as never)
		expect(s.read()).to.deep.equal({ ...full, x: 1 })
		s.write({ x: 2, inner: { y: 10 } } as never)
		expect(s.read()).to.deep.equal({ ...full, x: 2, inner: { valueOf: 8.5, y: 10 } })
		;(s as unknown as Record<string, unknown>).inner = { y: 11 }
		expect(s.inner.read()).to.deep.equal({ valueOf: 8.5, y: 11 })
		// allocStruct and allocStructArray zero the struct first: the fields not given stay 0 (NaN before for a Float64)
		expect(t.heap.allocStruct(S, { x: 3 } as never).read()).to.deep.equal({ constructor: 0, toString: 0, x: 3, hasOwnProperty: 0, inner: { valueOf: 0, y: 0 } })
		expect(t.heap.allocStructArray(S, [{ x: 4 } as never]).readAt(0).hasOwnProperty).to.equal(0)
		// a union: writing one member leaves the other's bytes
		const u = t.heap.allocStruct(U, { bits: 0x4000000000000000n } as never)
		u.write({} as never)
		expect(u.bits).to.equal(0x4000000000000000n)
		// given as own properties they are written, and checked as any field is
		s.write({ constructor: 12, toString: undefined } as never)
		expect([s.read().constructor, s.read().toString]).to.deep.equal([12, 6])
		const before = snapshot(t.memory)
		expectThrow(() => s.write({ toString: 1n } as never), TypeError, /^Inherited\.write\.toString: /)
		expectSameBytes(snapshot(t.memory), before)
		// other names keep being read by name, inherited ones too (a class's getter)
		class Point {
			get x(): number {
				return 13
			}
			toString(): string {
				return 'a method, not the field'
			}
		}
		s.write(new Point() as never)
		expect([s.x, s.read().toString]).to.deep.equal([13, 6])
	})
})
