/**
 * `Pointer32ArrayRef` / `Pointer53ArrayRef` / `Pointer64ArrayRef` `.free({ freeElements: true })`:
 * every non-null element freed once (tracked refs as themselves, other addresses as
 * pointers of unknown size), then the array; bad options, bad elements and released refs
 * free nothing; a deallocator that throws does not leave anything half-owned. Also over
 * the real C fixture's malloc/free, across thousands of cycles.
 */
import { expect } from 'chai'
import { createWasmHeapManager, type HeapRef, type WasmHeapManager } from '../src/index.js'
import { callMethod, elements, expectThrow } from './support/dynamic.js'
import { snapshot } from './support/heaps.js'
import { expectSameBytes } from './support/dynamic.js'
import { loadWasiFixtureHeap } from './support/fixtures.js'

const pointerRows = elements.filter((element) => element.pointer)

interface PointerArrayRef extends HeapRef {
	readonly elementCount: number
	writeAt(index: number, value: number | bigint): void
	readAt(index: number): number | bigint
	free(options?: { readonly freeElements?: boolean }): void
}

/** A bump allocator that records every call as text, and can be told to throw on one address. */
function recordingHeap(options?: { trackAllocations?: boolean }) {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 10 })
	let next = 64
	const calls: string[] = []
	const live = new Set<number>()
	const throwOn = new Set<number>()
	const heap = createWasmHeapManager(
		() => memory.buffer,
		(size: number, align: number) => {
			next = Math.ceil(next / 16) * 16
			const address = next
			next += Math.max(size, 1)
			calls.push(`alloc(${size}, ${align}) = ${address}`)
			live.add(address)
			return address
		},
		(address: number, size?: number, align?: number) => {
			calls.push(`free(${address}, ${size}, ${align})`)
			live.delete(address)
			if (throwOn.has(address)) throw new Error(`cannot free ${address}`)
		},
		options,
	)
	return { heap, memory, calls, live, throwOn }
}

function pointerArray(heap: WasmHeapManager, method: string, count: number): PointerArrayRef {
	return callMethod<PointerArrayRef>(heap, method, count)
}

describe('pointer arrays: free({ freeElements: true })', () => {
	it('exists for exactly the pointer rows', () => {
		expect(pointerRows.map((row) => row.arrayRefClass)).to.deep.equal(['Pointer32ArrayRef', 'Pointer53ArrayRef', 'Pointer64ArrayRef'])
	})

	for (const row of pointerRows) {
		const member = `${row.arrayRefClass}.free`
		const asValue = (address: number): number | bigint => (row.valueType === 'bigint' ? BigInt(address) : address)

		describe(row.arrayRefClass, () => {
			it('frees every non-null element once, as a pointer of unknown size, in index order, then the array', () => {
				const { heap, calls, live } = recordingHeap()
				const a = heap.allocate(24, 8)
				const b = heap.allocate(40, 4)
				const array = pointerArray(heap, row.methods.allocArray, 6)
				for (const [index, address] of [a, 0, b, a, 0, b].entries()) array.writeAt(index, asValue(address))
				calls.length = 0
				array.free({ freeElements: true })
				expect(calls).to.deep.equal([`free(${a}, undefined, undefined)`, `free(${b}, undefined, undefined)`, `free(${array.address}, ${6 * row.byteSize}, ${row.alignment})`])
				expect(array.isFreed).to.equal(true)
				expect(live.size).to.equal(0)
				// A second free is a no-op, with or without the option.
				array.free({ freeElements: true })
				array.free()
				expect(calls).to.have.length(3)
			})

			it("frees an element a tracked ref starts at as that ref (its own size and alignment): no dangling ref, no double free", () => {
				const { heap, calls, live } = recordingHeap()
				const name = heap.allocNullTerminatedUtf8String('name')
				const values = heap.allocFloat64Array([1, 2])
				const array = pointerArray(heap, row.methods.allocArray, 2)
				array.writeAt(0, asValue(name.address))
				array.writeAt(1, asValue(values.address))
				calls.length = 0
				array.free({ freeElements: true })
				expect(calls).to.deep.equal([`free(${name.address}, 5, 1)`, `free(${values.address}, 16, 8)`, `free(${array.address}, ${2 * row.byteSize}, ${row.alignment})`])
				expect(name.isFreed && values.isFreed).to.equal(true)
				expect(heap.allocatedRefs).to.deep.equal([])
				heap.freeAll()
				expect(calls).to.have.length(3)
				expect(live.size).to.equal(0)
			})

			it('free(), free({}) and free({ freeElements: false }) free only the array', () => {
				for (const options of [undefined, {}, { freeElements: false }]) {
					const { heap, calls } = recordingHeap()
					const target = heap.allocate(8)
					const array = pointerArray(heap, row.methods.allocArray, 1)
					array.writeAt(0, asValue(target))
					calls.length = 0
					array.free(options)
					expect(calls, JSON.stringify(options)).to.deep.equal([`free(${array.address}, ${row.byteSize}, ${row.alignment})`])
				}
			})

			it('bad options, an element outside the heap and a released array throw and free nothing', () => {
				const { heap, calls, memory } = recordingHeap()
				const target = heap.allocate(8)
				const array = pointerArray(heap, row.methods.allocArray, 3)
				array.writeAt(0, asValue(target))
				calls.length = 0
				expectThrow(() => array.free(5 as never), TypeError, `${member}: options must be an object ({ freeElements }), received 5`)
				expectThrow(() => array.free({ freeElements: 'yes' } as never), TypeError, `${member}: options.freeElements must be a boolean, received "yes"`)
				const heapSize = memory.buffer.byteLength
				array.writeAt(2, asValue(heapSize + 16))
				expectThrow(
					() => array.free({ freeElements: true }),
					RangeError,
					`${member}: element 2 holds ${heapSize + 16}, which is not an address within the heap of ${heapSize} bytes; nothing was freed`,
				)
				if (row.byteSize === 8) {
					// Above 2^53: a Pointer64 value, or stored behind a Pointer53's back.
					new BigUint64Array(memory.buffer, array.address + 16, 1)[0] = 2n ** 60n
					expectThrow(
						() => array.free({ freeElements: true }),
						RangeError,
						row.kind === 'pointer53'
							? `${member}: element 2 holds 1152921504606846976, which is not an address within the heap of ${heapSize} bytes; nothing was freed`
							: `${member}: element 2 holds 1152921504606846976, which is not an address within the heap of ${heapSize} bytes; nothing was freed`,
					)
				}
				expect(calls).to.deep.equal([])
				expect(array.isFreed).to.equal(false)
				array.writeAt(2, asValue(0))
				const released = pointerArray(heap, row.methods.allocArray, 1)
				released.writeAt(0, asValue(target))
				const address = released.release()
				calls.length = 0
				const beforeReleased = snapshot(memory)
				expectThrow(
					() => released.free({ freeElements: true }),
					Error,
					`${member}: the reference to address ${address} was released (its region now belongs to the code it was handed to)`,
				)
				expect(calls).to.deep.equal([])
				expectSameBytes(snapshot(memory), beforeReleased)
				array.free({ freeElements: true })
				expect(calls).to.deep.equal([`free(${target}, undefined, undefined)`, `free(${array.address}, ${3 * row.byteSize}, ${row.alignment})`])
			})

			it('a deallocator that throws does not stop the others: all is freed, then the error (AggregateError for several)', () => {
				const { heap, calls, live, throwOn } = recordingHeap()
				const [a, b, c] = [heap.allocate(8), heap.allocate(8), heap.allocate(8)]
				const array = pointerArray(heap, row.methods.allocArray, 3)
				for (const [index, address] of [a, b, c].entries()) array.writeAt(index, asValue(address))
				throwOn.add(b)
				calls.length = 0
				const error = expectThrow(
					() => array.free({ freeElements: true }),
					Error,
					`${member}: freeing element 1 (address ${b}) failed: the deallocator threw; everything else was freed, and the array is freed all the same (Error: cannot free ${b})`,
				)
				expect((error.cause as Error).message).to.equal(`cannot free ${b}`)
				expect(calls).to.have.length(4)
				expect(array.isFreed).to.equal(true)
				expect(live.size).to.equal(0)
				array.free({ freeElements: true })
				expect(calls, 'no double free on a retry').to.have.length(4)

				const again = recordingHeap()
				const [x, y] = [again.heap.allocate(8), again.heap.allocate(8)]
				const second = pointerArray(again.heap, row.methods.allocArray, 2)
				second.writeAt(0, asValue(x))
				second.writeAt(1, asValue(y))
				again.throwOn.add(x)
				again.throwOn.add(second.address)
				const aggregate = expectThrow(
					() => second.free({ freeElements: true }),
					AggregateError,
					`${member}: freeing element 0 (address ${x}), the array (address ${second.address}) failed: the deallocator threw; everything else was freed, and the array is freed all the same`,
				) as AggregateError
				expect(aggregate.errors).to.have.length(2)
				expect(again.live.size).to.equal(0)
			})

			it(`a wrapped array (${row.methods.wrapArray}) frees its elements, then itself through its own deallocator`, () => {
				const { heap, calls } = recordingHeap({ trackAllocations: false })
				const target = heap.allocate(8)
				const storage = heap.allocate(2 * row.byteSize, row.alignment)
				const freedByOwn: number[] = []
				const array = callMethod<PointerArrayRef>(heap, row.methods.wrapArray, storage, 2, { deallocator: (address: number) => freedByOwn.push(address) })
				array.writeAt(1, asValue(target))
				calls.length = 0
				array.free({ freeElements: true })
				expect(calls).to.deep.equal([`free(${target}, undefined, undefined)`])
				expect(freedByOwn).to.deep.equal([storage])
			})
		})
	}

	it('over the real C fixture: 2,000 arrays of C-allocated strings freed with their elements leak nothing', async () => {
		const { heap, exports, memory, freeCalls } = await loadWasiFixtureHeap()
		const name = heap.allocNullTerminatedUtf8String('Ada')
		const cycle = (): void => {
			const array = heap.allocPointer32Array(4)
			for (let index = 0; index < 3; index++) array.writeAt(index, exports.make_greeting(name.address) >>> 0)
			expect(heap.readNullTerminatedUtf8String(array.readAt(0))).to.match(/Ada/)
			array.free({ freeElements: true })
		}
		cycle()
		const sizeAfterFirst = memory.buffer.byteLength
		const freesBefore = freeCalls()
		for (let i = 0; i < 2000; i++) cycle()
		expect(freeCalls() - freesBefore).to.equal(2000 * 4)
		expect(memory.buffer.byteLength, 'the heap did not grow: every string was given back').to.equal(sizeAfterFirst)
		expect(heap.allocatedRefs).to.deep.equal([name])
	})
})
