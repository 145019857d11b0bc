/**
 * The whole-heap views `heap<T>` (generated from the element table) and `heapDataView`:
 * the right type over the current buffer, agreement with `read<T>`/`write<T>`, and
 * growth of plain, shared and resizable buffers.
 */
import { expect } from 'chai'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { elements, exactSamples, typedArrayConstructor, type TypedArrayLike, type Value } from './support/dynamic.js'
import { createTestHeap, SeededRandom } from './support/heaps.js'

const viewed = elements.filter((element) => element.heapView !== undefined)
const heapView = (heap: WasmHeapManager, name: string): TypedArrayLike & { buffer: ArrayBufferLike; byteLength: number } =>
	(heap as unknown as Record<string, TypedArrayLike & { buffer: ArrayBufferLike; byteLength: number }>)[name]!

describe('whole-heap views', () => {
	it('exist for exactly the rows SPEC lists (full rows whose values are their view elements)', () => {
		expect(viewed.map((element) => element.heapView)).to.deep.equal([
			'heapInt8',
			'heapUint8',
			'heapClampedUint8',
			'heapInt16',
			'heapUint16',
			'heapInt32',
			'heapUint32',
			'heapBigInt64',
			'heapBigUint64',
			'heapFloat32',
			'heapFloat64',
		])
	})

	for (const element of viewed) {
		const name = element.heapView!
		describe(`${name} (${element.name})`, () => {
			it(`is a ${element.viewConstructor} over the whole current buffer`, () => {
				const { heap, memory } = createTestHeap()
				const view = heapView(heap, name)
				expect(view).to.be.instanceOf(typedArrayConstructor(element.viewConstructor))
				expect(view.buffer).to.equal(memory.buffer)
				expect((view as unknown as { byteOffset: number }).byteOffset).to.equal(0)
				expect(view.length).to.equal(memory.buffer.byteLength / element.byteSize)
			})

			it(`agrees with ${element.methods.read} and ${element.methods.write} at every sample`, () => {
				const { heap } = createTestHeap()
				const random = new SeededRandom(0x51ce + element.byteSize)
				for (const value of exactSamples(element)) {
					const index = random.int(1, 1000)
					const address = index * element.byteSize
					;(heap as unknown as Record<string, (a: number, v: Value) => void>)[element.methods.write]!(address, value)
					expect(heapView(heap, name)[index], `${name}[${index}] after ${element.methods.write}`).to.equal(value)
					heapView(heap, name)[index] = (element.valueType === 'bigint' ? 0n : 0) as never
					expect((heap as unknown as Record<string, (a: number) => Value>)[element.methods.read]!(address)).to.equal(element.valueType === 'bigint' ? 0n : 0)
				}
			})

			it('follows growth of the memory: a fresh view of the new buffer, never the detached one', () => {
				const { heap, memory } = createTestHeap()
				const before = heapView(heap, name)
				memory.grow(2)
				expect(before.length, 'the old view is detached').to.equal(0)
				const after = heapView(heap, name)
				expect(after.buffer).to.equal(memory.buffer)
				expect(after.length).to.equal((3 * 65536) / element.byteSize)
				// An allocation that grows the memory behind the manager's back is seen too.
				const ref = heap.allocUint8Array(5 * 65536)
				expect(heapView(heap, name).buffer).to.equal(memory.buffer)
				expect(heapView(heap, name).length).to.equal(memory.buffer.byteLength / element.byteSize)
				ref.free()
			})
		})
	}

	it("a heap the engine can make no typed array over is an error naming the method called, at construction or at the poll that found it, and leaves the manager's views as they were", () => {
		const good = new ArrayBuffer(1024)
		const bad = new ArrayBuffer(65536)
		// an engine whose typed arrays cannot view `bad` at any length (the message names the constructor)
		const Original = globalThis.BigInt64Array
		const Refusing = class extends Original {
			constructor(buffer: ArrayBuffer, byteOffset: number, length: number) {
				if (buffer === bad) throw new RangeError(`Invalid typed array length: ${length}`)
				super(buffer, byteOffset, length)
			}
		}
		Object.defineProperty(Refusing, 'name', { value: 'BigInt64Array' })
		const impossible = (method: string): string => `${method}: cannot create any BigInt64Array view over a heap of 65536 bytes`
		globalThis.BigInt64Array = Refusing as unknown as BigInt64ArrayConstructor
		try {
			expect(() => createWasmHeapManager(() => bad, () => 8, () => {})).to.throw(RangeError, impossible('createWasmHeapManager'))
			let current = good
			const heap = createWasmHeapManager(() => current, () => 8, () => {})
			heap.writeInt32(16, 7)
			current = bad
			const calls: [string, () => unknown][] = [
				['readInt32', () => heap.readInt32(2048)],
				['writeFloat64', () => heap.writeFloat64(2048, 1)],
				['readNullTerminatedUtf8String', () => heap.readNullTerminatedUtf8String(2048)],
				['wrapInt32Array', () => heap.wrapInt32Array(2048, 2)],
				['heap', () => heap.heap],
				['heapInt32', () => heap.heapInt32],
				['heapDataView', () => heap.heapDataView],
			]
			for (const [method, call] of calls) {
				let caught: (Error & { code?: string }) | undefined
				try {
					call()
				} catch (error) {
					caught = error as Error
				}
				expect(caught, method).to.be.instanceOf(RangeError)
				expect(caught!.message, method).to.equal(impossible(method))
				expect(caught!.code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
			}
			// the views are the last buffer's still: the next poll that can make them does
			current = good
			expect(heap.readInt32(16)).to.equal(7)
		} finally {
			globalThis.BigInt64Array = Original
		}
	})

	describe('heapDataView', () => {
		it('is a DataView over the whole current buffer that agrees with the typed accessors', () => {
			const { heap, memory } = createTestHeap()
			const view = heap.heapDataView
			expect(view).to.be.instanceOf(DataView)
			expect(view.buffer).to.equal(memory.buffer)
			expect(view.byteLength).to.equal(memory.buffer.byteLength)
			heap.writeFloat64(1001, -2.5)
			expect(heap.heapDataView.getFloat64(1001, true)).to.equal(-2.5)
			heap.heapDataView.setInt32(77, -123456, true)
			expect(heap.readInt32(77)).to.equal(-123456)
		})

		it('follows growth of a plain memory', () => {
			const { heap, memory } = createTestHeap()
			const before = heap.heapDataView
			memory.grow(1)
			expect(() => before.byteLength, 'the old DataView is detached').to.throw(TypeError)
			expect(heap.heapDataView.buffer).to.equal(memory.buffer)
			expect(heap.heapDataView.byteLength).to.equal(2 * 65536)
		})
	})

	it('a shared memory grown by another party is seen (the views are polled, not cached)', () => {
		const { heap, memory } = createTestHeap({ shared: true })
		const old = heap.heapInt32
		memory.grow(3)
		expect(old.length, 'a shared buffer is never detached').to.equal(65536 / 4)
		expect(heap.heapInt32.length).to.equal((4 * 65536) / 4)
		expect(heap.heapFloat64.buffer).to.equal(memory.buffer)
		expect(heap.heapDataView.byteLength).to.equal(4 * 65536)
	})

	it("in 'never' mode the views stay those of the first buffer, as heap does", () => {
		const { heap, memory } = createTestHeap({ pollingMode: 'never' })
		const first = memory.buffer
		memory.grow(1)
		expect(heap.heapUint8.buffer).to.equal(first)
		expect(heap.heapUint8.buffer).to.equal(heap.heap)
	})

	it('a resizable buffer that grows in place gets views of its new length', function () {
		const buffer = new (ArrayBuffer as new (length: number, options: object) => ArrayBuffer)(65536, { maxByteLength: 4 * 65536 })
		if ((buffer as { resizable?: boolean }).resizable !== true) this.skip()
		let next = 16
		const heap = createWasmHeapManager(() => buffer, (size: number) => ((next += Math.max(16, size)), next - Math.max(16, size)), () => {})
		expect(heap.heapUint16.length).to.equal(65536 / 2)
		;(buffer as unknown as { resize(length: number): void }).resize(2 * 65536)
		expect(heap.heapUint16.length).to.equal(2 * 65536 / 2)
		expect(heap.heapFloat64.length).to.equal(2 * 65536 / 8)
		heap.writeUint16(65536 + 10, 0xbeef)
		expect(heap.heapUint16[(65536 + 10) / 2]).to.equal(0xbeef)
	})
})
