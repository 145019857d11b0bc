/**
 * Allocation: allocator failures, bigint (memory64) allocators, allocation tracking,
 * clearing of new regions, and validation of the manager's arguments and options.
 */
import { expect } from 'chai'
import * as api from '../src/index.js'
import { callMethod, caught, elements, exactSamples, expectSameBytes, expectThrow, zeroOf, type AnyRef, type ValueRef } from './support/dynamic.js'
import { createTestHeap, SeededRandom, snapshot, TestAllocator } from './support/heaps.js'
import { AddressTable } from '../src/AddressTable.js'
import { counted } from '../src/wording.js'

/** A manager whose allocator returns whatever `result` says, and whose deallocator records its arguments. */
function createStubHeap(result: (size: number) => unknown, options?: api.WasmHeapManagerOptions) {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
	// A recognisable pattern, so that any byte the manager writes shows.
	new Uint8Array(memory.buffer).forEach((_, offset, bytes) => (bytes[offset] = (offset * 7 + 3) & 0xff))
	const requestedSizes: number[] = []
	const freed: unknown[] = []
	const heap = api.createWasmHeapManager(
		() => memory.buffer,
		(size: number) => {
			requestedSizes.push(size)
			return result(size) as number
		},
		(address: number) => {
			freed.push(address)
		},
		options,
	)
	return { heap, memory, requestedSizes, freed }
}

const byteSizePattern = (method: string, byteSize: number): RegExp =>
	new RegExp(`^${method}: allocating ${counted(byteSize, 'byte')} failed`)

/** Every alloc call for an element type, with the byte size it requests. */
function allocCallsOf(element: (typeof elements)[number]): Array<{ method: string; args: unknown[]; byteSize: number }> {
	return [
		{ method: element.methods.alloc, args: [], byteSize: element.byteSize },
		{ method: element.methods.allocArray, args: [3], byteSize: 3 * element.byteSize },
	]
}

describe('allocation', () => {
	describe('allocator failures', () => {
		const failedResults: Array<[string, unknown]> = [
			['0', 0],
			['-8', -8],
			['1.5', 1.5],
			['NaN', Number.NaN],
			['undefined', undefined],
			['a string', '64'],
			['null', null],
			['Infinity', Infinity],
			['-0', -0],
			['2 ** 53', 2 ** 53],
			['0n', 0n],
			['-8n', -8n],
		]

		for (const [label, result] of failedResults) {
			it(`an allocator returning ${label} is an Error naming the byte size; no ref, nothing written or freed`, () => {
				const stub = createStubHeap(() => result)
				const before = snapshot(stub.memory)
				for (const element of elements) {
					for (const { method, args, byteSize } of allocCallsOf(element)) {
						expectThrow(() => callMethod(stub.heap, method, ...args), Error, byteSizePattern(method, byteSize))
					}
				}
				expect(stub.requestedSizes.length).to.equal(2 * elements.length)
				expect(stub.freed, 'a non-address must not be handed to free').to.deep.equal([])
				expect(stub.heap.allocatedRefs).to.deep.equal([])
				expect(stub.heap.totalAllocatedByteSize).to.equal(0)
				expectSameBytes(snapshot(stub.memory), before)
			})
		}

		it('the allocator is asked for exactly the byte size (at least 1 byte for an empty array)', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
			const allocator = new TestAllocator(memory)
			const sizes: number[] = []
			const heap = api.createWasmHeapManager(
				() => memory.buffer,
				(size: number) => {
					sizes.push(size)
					return allocator.alloc(size)
				},
				allocator.free,
			)
			for (const element of elements) {
				sizes.length = 0
				callMethod(heap, element.methods.alloc)
				callMethod(heap, element.methods.allocArray, 7)
				callMethod(heap, element.methods.allocArray, 0)
				expect(sizes, element.name).to.deep.equal([element.byteSize, 7 * element.byteSize, 1])
			}
		})

		for (const element of elements.filter((each) => each.byteSize > 1)) {
			it(`an allocator returning a misaligned address for ${element.name} (${element.byteSize} bytes): Error, and the address is freed back`, () => {
				const misaligned = 64 + element.byteSize / 2
				const stub = createStubHeap(() => misaligned)
				const before = snapshot(stub.memory)
				for (const { method, args, byteSize } of allocCallsOf(element)) {
					stub.freed.length = 0
					// what was asked, the size and the alignment (it said 'the N bytes this type needs')
					expectThrow(
						() => callMethod(stub.heap, method, ...args),
						Error,
						`${method}: allocating ${counted(byteSize, 'byte')} aligned to ${element.byteSize} failed: the allocator returned address ${misaligned}, which is not a multiple of ${element.byteSize}`,
					)
					expect(stub.freed).to.deep.equal([misaligned])
				}
				expect(stub.heap.allocatedRefs).to.deep.equal([])
				expectSameBytes(snapshot(stub.memory), before)
			})
		}

		it('an allocator returning an address past the heap end: Error, and the address is freed back', () => {
			for (const element of elements) {
				for (const { method, args, byteSize } of allocCallsOf(element)) {
					for (const place of ['at the end', 'straddling the end', 'far beyond'] as const) {
						let address = 0
						const stub = createStubHeap((size) => {
							const heapSize = 65536
							address = place === 'at the end' ? heapSize : place === 'far beyond' ? 2 ** 40 : heapSize - size + element.byteSize
							return address
						})
						const before = snapshot(stub.memory)
						const error = expectThrow(() => callMethod(stub.heap, method, ...args), Error, byteSizePattern(method, byteSize))
						expect(error.message, place).to.match(/does not fit in the heap of 65536 bytes/)
						expect(stub.freed, `${method} ${place}`).to.deep.equal([address])
						expect(stub.heap.allocatedRefs).to.deep.equal([])
						expectSameBytes(snapshot(stub.memory), before)
					}
				}
			}
		})

		it('once the allocator is known to return numbers (alloc<T>()\'s fast path through allocValue), every bad result is the same Error as on the first call, nothing written, a usable address freed back', () => {
			// The stubs above fail from the first call, which always takes the checked path
			// (it learns the kinds): here a good first result makes later calls take the fast
			// path, whose own check (number, positive, aligned, inside the views) must send each
			// bad result to the same checks.
			const results: Array<[string, (size: number) => unknown, 'not freed' | 'freed back']> = [
				...failedResults.map(([label, result]): [string, () => unknown, 'not freed'] => [label, () => result, 'not freed']),
				['a misaligned address', (size) => 64 + size / 2, 'freed back'],
				['the heap end', () => 65536, 'freed back'],
				['an address far beyond', () => 2 ** 40, 'freed back'],
			]
			for (const [label, result, expected] of results) {
				// (A 1-byte row has no misaligned address: 64.5 is no address at all.)
				for (const element of elements.filter((each) => each.byteSize > 1 || label !== 'a misaligned address')) {
					for (const args of [[], [exactSamples(element)[0]]]) {
						let learned = false
						const stub = createStubHeap((size) => (learned ? result(size) : 8))
						callMethod(stub.heap, element.methods.alloc)
						learned = true
						const before = snapshot(stub.memory)
						const byteSize = element.byteSize
						const context = `${element.methods.alloc}(${args.map(String).join()}) with ${label}`
						const error = caught(() => callMethod(stub.heap, element.methods.alloc, ...args), context)
						expect(error.constructor, context).to.equal(Error)
						const asked = label === 'a misaligned address' ? `${counted(byteSize, 'byte')} aligned to ${byteSize}` : counted(byteSize, 'byte')
						expect(error.message, context).to.match(new RegExp(`^${element.methods.alloc}: allocating ${asked} failed`))
						const address = result(byteSize)
						if (label.startsWith('the heap end') || label.endsWith('far beyond')) expect(error.message, context).to.match(/does not fit in the heap of 65536 bytes/)
						expect(stub.freed, context).to.deep.equal(expected === 'freed back' ? [address] : [])
						expect(stub.heap.allocatedRefs.length, context).to.equal(1)
						expectSameBytes(snapshot(stub.memory), before)
					}
				}
			}
		})

		it('an allocator that throws once numbers are known: the same Error with the thrown error as cause, for alloc<T>() and alloc<T>(value)', () => {
			const thrown = new RangeError('out of memory (from the allocator)')
			let learned = false
			const stub = createStubHeap(() => {
				if (learned) throw thrown
				return 8
			})
			stub.heap.allocInt32()
			learned = true
			for (const element of elements) {
				for (const args of [[], [exactSamples(element)[0]]]) {
					const method = element.methods.alloc
					const error = expectThrow(() => callMethod(stub.heap, method, ...args), Error, new RegExp(`^${method}: allocating ${counted(element.byteSize, 'byte')} failed: the allocator threw RangeError: out of memory \\(from the allocator\\)$`))
					expect(error.cause).to.equal(thrown)
				}
			}
			expect(stub.heap.allocatedRefs.length).to.equal(1)
			expect(stub.freed).to.deep.equal([])
		})

		it('an allocator that throws: a failed allocation naming the method and size, the thrown error as cause, no ref tracked', () => {
			const thrown = new RangeError('out of memory (from the allocator)')
			const stub = createStubHeap(() => {
				throw thrown
			})
			const error = expectThrow(
				() => stub.heap.allocInt32(),
				Error,
				/^allocInt32: allocating 4 bytes failed: the allocator threw RangeError: out of memory \(from the allocator\)$/,
			)
			expect(error.cause).to.equal(thrown)
			expect(stub.heap.allocatedRefs).to.deep.equal([])
			expect(stub.freed).to.deep.equal([])
		})
	})

	describe('bigint (memory64) allocators', () => {
		/** A memory64-style pair over a TestAllocator: `alloc` returns bigint, `free` accepts only bigint. */
		function createBigIntHeap() {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 64 })
			const allocator = new TestAllocator(memory)
			const freeArguments: unknown[] = []
			const alloc = (size: number): bigint => BigInt(allocator.alloc(size))
			const free = (address: bigint): void => {
				freeArguments.push(address)
				if (typeof address !== 'bigint') throw new TypeError(`Cannot convert ${String(address)} to a BigInt`)
				allocator.free(Number(address))
			}
			const heap = api.createWasmHeapManager(() => memory.buffer, alloc, free)
			return { heap, memory, allocator, freeArguments }
		}

		it('refs get number addresses, and free receives the same address as a bigint', () => {
			const t = createBigIntHeap()
			for (const element of elements) {
				for (const { method, args, byteSize } of allocCallsOf(element)) {
					const ref = callMethod<AnyRef>(t.heap, method, ...args)
					expect(typeof ref.address, method).to.equal('number')
					expect(t.allocator.live.has(ref.address)).to.equal(true)
					expect(ref.allocatedByteSize).to.equal(byteSize)
					t.freeArguments.length = 0
					ref.free()
					expect(t.freeArguments).to.deep.equal([BigInt(ref.address)])
					expect(typeof t.freeArguments[0]).to.equal('bigint')
					expect(t.allocator.live.has(ref.address)).to.equal(false)
				}
			}
			expect(t.allocator.live.size).to.equal(0)
		})

		it('reads and writes work through refs of a bigint allocator, and freeAll() frees with bigints', () => {
			const t = createBigIntHeap()
			const int = t.heap.allocInt32()
			const pointer = t.heap.allocPointer53()
			int.value = -7
			pointer.value = 2 ** 40 + 1
			expect(t.heap.readInt32(int.address)).to.equal(-7)
			expect(t.heap.readBigUint64(pointer.address)).to.equal(2n ** 40n + 1n)
			t.heap.freeAll()
			expect(t.freeArguments).to.have.members([BigInt(int.address), BigInt(pointer.address)])
			expect(t.allocator.live.size).to.equal(0)
		})

		it('a bigint address above 2^53 - 1 is a failed allocation, not freed', () => {
			for (const result of [2n ** 53n, 2n ** 53n + 8n, 2n ** 64n - 8n]) {
				const stub = createStubHeap(() => result)
				const before = snapshot(stub.memory)
				expectThrow(() => stub.heap.allocFloat64(), Error, byteSizePattern('allocFloat64', 8))
				expectThrow(() => stub.heap.allocUint8Array(10), Error, byteSizePattern('allocUint8Array', 10))
				expect(stub.freed).to.deep.equal([])
				expect(stub.heap.allocatedRefs).to.deep.equal([])
				expectSameBytes(snapshot(stub.memory), before)
			}
		})

		it('a misaligned bigint address is freed back as a bigint', () => {
			const stub = createStubHeap(() => 68n)
			expectThrow(() => stub.heap.allocBigInt64(), Error, /^allocBigInt64: allocating 8 bytes aligned to 8 failed: .*, which is not a multiple of 8$/)
			expect(stub.freed).to.deep.equal([68n])
		})

		it('a wrapped ref freed before any allocation reaches a bigint-only deallocator as a bigint', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
			const attempts: unknown[] = []
			const accepted: bigint[] = []
			// Like a wasm export taking an i64: a number is rejected with TypeError before it runs.
			const free = (address: bigint): void => {
				attempts.push(address)
				if (typeof address !== 'bigint') throw new TypeError(`Cannot convert ${String(address)} to a BigInt`)
				accepted.push(address)
			}
			const heap = api.createWasmHeapManager(() => memory.buffer, () => 16n, free)

			const ref = heap.wrapInt32(256)
			ref.free()
			expect(accepted).to.deep.equal([256n])
			expect(ref.isFreed).to.equal(true)

			// Once learned, bigints are passed straight away.
			attempts.length = 0
			heap.wrapFloat64Array(512, 2).free()
			expect(attempts).to.deep.equal([512n])
			expect(accepted).to.deep.equal([256n, 512n])
		})

		it('a wrapped ref freed before any allocation reaches a number deallocator once, as a number', () => {
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
			const received: unknown[] = []
			const heap = api.createWasmHeapManager(() => memory.buffer, () => 16, (address: number) => {
				received.push(address)
			})
			heap.wrapUint16(256).free()
			expect(received).to.deep.equal([256])
		})
	})

	describe('tracking (trackAllocations: true, the default)', () => {
		/** One scalar and one array ref of every element type. */
		function allocateOneOfEach(heap: api.WasmHeapManager): AnyRef[] {
			return elements.flatMap((element) => [
				callMethod<AnyRef>(heap, element.methods.alloc),
				callMethod<AnyRef>(heap, element.methods.allocArray, 5),
			])
		}

		it('allocatedRefs lists the live refs in a new array each time; totalAllocatedByteSize sums them', () => {
			const t = createTestHeap()
			expect(t.heap.allocatedRefs).to.deep.equal([])
			expect(t.heap.totalAllocatedByteSize).to.equal(0)

			const refs = allocateOneOfEach(t.heap)
			const listed = t.heap.allocatedRefs
			expect(listed).to.have.lengthOf(refs.length)
			expect(listed).to.have.members(refs)
			expect(t.heap.totalAllocatedByteSize).to.equal(refs.reduce((sum, ref) => sum + ref.allocatedByteSize, 0))
			expect(t.heap.totalAllocatedByteSize).to.equal(elements.reduce((sum, element) => sum + 6 * element.byteSize, 0))

			const again = t.heap.allocatedRefs
			expect(again).to.not.equal(listed)
			listed.length = 0
			expect(t.heap.allocatedRefs).to.have.lengthOf(refs.length)

			// Wrapped refs are not listed.
			const wrapped = t.heap.wrapInt32(t.allocator.alloc(4))
			expect(t.heap.allocatedRefs).to.not.include(wrapped)
			expect(t.heap.allocatedRefs).to.have.lengthOf(refs.length)

			// Freed refs leave the list and the total.
			const [first, second] = refs as [AnyRef, AnyRef]
			first.free()
			second.free()
			expect(t.heap.allocatedRefs).to.have.members(refs.slice(2))
			expect(t.heap.totalAllocatedByteSize).to.equal(refs.slice(2).reduce((sum, ref) => sum + ref.allocatedByteSize, 0))
		})

		it("a live ref whose address the allocator hands out again (C freed it behind the manager's back) is stale, for every kind of alloc: marked freed, out of the table, the totals and its scope; its free() calls no deallocator, and the new ref keeps the region", () => {
			const Pair = api.defineStruct('ReplacedPair', { a: 'Int32', b: 'Int32' })
			const kinds: Array<[string, (heap: api.WasmHeapManager) => AnyRef]> = [
				...elements.map((element): [string, (heap: api.WasmHeapManager) => AnyRef] => [`${element.methods.alloc}()`, (heap) => callMethod<AnyRef>(heap, element.methods.alloc)]),
				...elements.map((element): [string, (heap: api.WasmHeapManager) => AnyRef] => [
					`${element.methods.alloc}(value)`,
					(heap) => callMethod<AnyRef>(heap, element.methods.alloc, exactSamples(element)[0]),
				]),
				['allocFloat64Array(3)', (heap) => heap.allocFloat64Array(3)],
				['allocUint8Array(0)', (heap) => heap.allocUint8Array(0)],
				['allocNullTerminatedUtf8String', (heap) => heap.allocNullTerminatedUtf8String('text')],
				['allocStruct', (heap) => heap.allocStruct(Pair) as unknown as AnyRef],
				['allocStructArray', (heap) => heap.allocStructArray(Pair, 2) as unknown as AnyRef],
			]
			for (const [kind, alloc] of kinds) {
				for (const scoped of [false, true]) {
					const context = `${kind}${scoped ? ' in a scope' : ''}`
					const memory = new WebAssembly.Memory({ initial: 1, maximum: 16 })
					const freed: number[] = []
					let next = 1024
					// 64 entries first, so that the table grew and 2048 lies in a run of others.
					const heap = api.createWasmHeapManager(() => memory.buffer, () => next, (address: number) => void freed.push(address))
					const others: AnyRef[] = []
					for (let i = 0; i < 64; i++, next += 16) others.push(heap.allocFloat64())
					const othersSize = 64 * 8
					next = 2048
					const scope = scoped ? heap.openScope() : undefined
					const stale = alloc(heap)
					const fresh = alloc(heap)
					expect([stale.address, fresh.address], context).to.deep.equal([2048, 2048])
					expect([stale.isFreed, fresh.isFreed], context).to.deep.equal([true, false])
					expect(heap.allocatedRefs.length, context).to.equal(65)
					expect(heap.allocatedRefs.includes(fresh as unknown as api.HeapRef) && !heap.allocatedRefs.includes(stale as unknown as api.HeapRef), context).to.equal(true)
					expect(heap.totalAllocatedByteSize, context).to.equal(othersSize + fresh.allocatedByteSize)
					stale.free()
					expect(freed, `${context}: the stale ref's free()`).to.deep.equal([])
					expect(heap.allocatedRefs.length, context).to.equal(65)
					if (scope !== undefined) scope.close()
					else heap.free(2048)
					expect(freed, `${context}: the new ref freed once, the stale one not`).to.deep.equal([2048])
					expect(fresh.isFreed, context).to.equal(true)
					expect(heap.allocatedRefs.length, context).to.equal(64)
					expect(heap.totalAllocatedByteSize, context).to.equal(othersSize)
					for (const other of others) other.free()
					expect(heap.allocatedRefs, context).to.deep.equal([])
					expect(freed.length, context).to.equal(65)
				}
			}
		})

		it('free(address) frees the ref at that address, and only it', () => {
			const t = createTestHeap()
			const refs = allocateOneOfEach(t.heap)
			const target = refs[7]!
			const total = t.heap.totalAllocatedByteSize
			t.heap.free(target.address)
			expect(target.isFreed).to.equal(true)
			expect(t.allocator.freeCalls).to.equal(1)
			expect(t.allocator.live.has(target.address)).to.equal(false)
			expect(refs.filter((ref) => ref.isFreed)).to.deep.equal([target])
			expect(t.heap.allocatedRefs).to.not.include(target)
			expect(t.heap.totalAllocatedByteSize).to.equal(total - target.allocatedByteSize)

			// ref.free() afterwards is a no-op.
			target.free()
			expect(t.allocator.freeCalls).to.equal(1)
		})

		it('free(unknownAddress) throws RangeError naming the address and frees nothing', () => {
			const t = createTestHeap()
			const refs = allocateOneOfEach(t.heap)
			const freedRef = t.heap.allocInt32()
			freedRef.free()
			const wrappedAddress = t.allocator.alloc(8)
			t.heap.wrapInt32(wrappedAddress)
			const freeCalls = t.allocator.freeCalls
			const before = snapshot(t.memory)

			const unknown: unknown[] = [refs[0]!.address + 1, freedRef.address, wrappedAddress, 0, -1, Number.NaN, 2 ** 40]
			for (const address of unknown) {
				expectThrow(() => t.heap.free(address as number), RangeError, new RegExp(`^free: no live ref .*address ${String(address).replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')}`))
			}
			// Neither a ref nor a number: a TypeError, as for every address.
			expectThrow(() => t.heap.free(String(refs[0]!.address) as unknown as number), TypeError, /^free: expected a ref or an address, received "\d+"$/)
			expect(t.allocator.freeCalls).to.equal(freeCalls)
			expect(refs.every((ref) => !ref.isFreed)).to.equal(true)
			expect(t.heap.allocatedRefs).to.have.members(refs)
			expectSameBytes(snapshot(t.memory), before)
		})

		it('freeAll() frees everything allocated through the manager, and not wrapped regions', () => {
			const t = createTestHeap()
			const refs = allocateOneOfEach(t.heap)
			const wrappedAddress = t.allocator.alloc(8)
			const wrapped = t.heap.wrapFloat64(wrappedAddress)
			t.heap.freeAll()
			expect(refs.every((ref) => ref.isFreed)).to.equal(true)
			expect(wrapped.isFreed).to.equal(false)
			expect([...t.allocator.live.keys()]).to.deep.equal([wrappedAddress])
			expect(t.allocator.freeCalls).to.equal(refs.length)
			expect(t.heap.allocatedRefs).to.deep.equal([])
			expect(t.heap.totalAllocatedByteSize).to.equal(0)

			t.heap.freeAll()
			expect(t.allocator.freeCalls, 'a second freeAll() frees nothing').to.equal(refs.length)

			wrapped.free()
			expect(t.allocator.live.size).to.equal(0)
		})

		it('freeAll() with deallocators that throw frees every other ref all the same, then throws (an AggregateError for several)', () => {
			for (const failing of [1, 2]) {
				const memory = new WebAssembly.Memory({ initial: 1 })
				const live = new Set<number>()
				let next = 64
				let refuse = new Set<number>()
				const heap = api.createWasmHeapManager(
					() => memory.buffer,
					(size: number) => {
						const address = next
						next += Math.ceil(size / 8) * 8 + 8
						live.add(address)
						return address
					},
					(address: number) => {
						if (refuse.has(address)) throw new Error(`cannot free ${address}`)
						live.delete(address)
					},
				)
				const refs = [heap.allocInt32(), heap.allocFloat64Array(3), heap.allocUint8(), heap.allocInt16Array(2)]
				refuse = new Set(refs.slice(1, 1 + failing).map((ref) => ref.address))
				const error = expectThrow(() => heap.freeAll(), failing === 1 ? Error : AggregateError, failing === 1 ? /^Float64ArrayRef\.free: the deallocator threw/ : /^freeAll: 2 deallocators threw/)
				expect((error as { code?: string }).code).to.equal('ERR_HEAP_ALLOCATION_FAILED')
				if (failing === 2) expect((error as AggregateError).errors).to.have.length(2)
				// Every ref is freed (those whose deallocator threw too), and none is tracked any more.
				expect(refs.map((ref) => ref.isFreed)).to.deep.equal([true, true, true, true])
				expect(heap.allocatedRefs).to.deep.equal([])
				expect([...live].sort()).to.deep.equal([...refuse].sort())
			}
		})

		it('100,000 Int32 refs: count, total, free(address) of half in random order, freeAll()', function () {
			this.timeout(20000)
			const count = 100_000
			// 16 bytes a region (the TestAllocator's granularity) plus its 16-byte start: 25 pages.
			const t = createTestHeap({ pages: 26, maximum: 64 })
			const refs: api.Int32Ref[] = []
			for (let index = 0; index < count; index++) {
				const ref = t.heap.allocInt32()
				ref.value = index
				refs.push(ref)
			}
			expect(t.heap.allocatedRefs).to.have.lengthOf(count)
			expect(t.heap.totalAllocatedByteSize).to.equal(4 * count)
			expect(t.allocator.live.size).to.equal(count)
			expect(new Set(refs.map((ref) => ref.address)).size, 'distinct addresses').to.equal(count)

			// Seeded Fisher-Yates shuffle of the indices.
			const random = new SeededRandom(20240611)
			const order = Array.from({ length: count }, (_, index) => index)
			for (let index = count - 1; index > 0; index--) {
				const other = random.int(0, index + 1)
				;[order[index], order[other]] = [order[other]!, order[index]!]
			}
			const freedIndices = order.slice(0, count / 2)
			for (const index of freedIndices) t.heap.free(refs[index]!.address)

			const freedSet = new Set(freedIndices)
			const survivorIndices = order.slice(count / 2)
			const survivors = refs.filter((_, index) => !freedSet.has(index))
			expect(survivors).to.have.lengthOf(count / 2)
			expect(refs.every((ref, index) => ref.isFreed === freedSet.has(index))).to.equal(true)
			expect(t.heap.allocatedRefs).to.have.lengthOf(count / 2)
			// The table promises no order: the same refs, by identity.
			const listed = new Set(t.heap.allocatedRefs)
			expect(listed.size).to.equal(count / 2)
			expect(survivors.every((ref) => listed.has(ref))).to.equal(true)
			expect(t.heap.totalAllocatedByteSize).to.equal(4 * (count / 2))
			expect(t.allocator.live.size).to.equal(count / 2)
			expect(t.allocator.freeCalls).to.equal(count / 2)
			expect(survivorIndices.every((index) => refs[index]!.value === index), 'survivors keep their values').to.equal(true)

			t.heap.freeAll()
			expect(t.heap.allocatedRefs).to.deep.equal([])
			expect(t.heap.totalAllocatedByteSize).to.equal(0)
			expect(t.allocator.live.size).to.equal(0)
			expect(t.allocator.freeCalls).to.equal(count)
			expect(refs.every((ref) => ref.isFreed)).to.equal(true)
		})
	})

	describe('the receiver', () => {
		it('every alloc method, with a value or without, works on a Proxy of the manager and on an object that inherits from it', () => {
			// Every other method only reads properties of `this`, which a Proxy forwards: an
			// ES private member (`this.#x`) would throw "Receiver must be an instance of class
			// WasmHeapManager" instead (Vue's reactive() and similar wrap state in Proxies).
			const { heap } = createTestHeap()
			const receivers: Array<[string, api.WasmHeapManager]> = [
				['a Proxy of', new Proxy(heap, {})],
				['an object inheriting from', Object.create(heap) as api.WasmHeapManager],
			]
			for (const [how, receiver] of receivers) {
				for (const element of elements) {
					const value = exactSamples(element)[0]
					const context = `${element.methods.alloc}(${String(value)}) on ${how} the manager`
					expect(callMethod<ValueRef>(receiver, element.methods.alloc, value).value, context).to.equal(value)
					expect(callMethod<ValueRef>(receiver, element.methods.alloc).value, context).to.equal(zeroOf(element))
					expect(callMethod<AnyRef>(receiver, element.methods.allocArray, [value]).allocatedByteSize, context).to.equal(element.byteSize)
				}
			}
			expect(heap.allocatedRefs.length).to.equal(2 * 3 * elements.length)
			heap.freeAll()
		})
	})

	describe('tracking off (trackAllocations: false)', () => {
		it('allocatedRefs, totalAllocatedByteSize, free(address) and freeAll() throw Error mentioning trackAllocations', () => {
			const t = createTestHeap({ trackAllocations: false })
			const ref = t.heap.allocInt32()
			const uses: Array<[string, () => unknown]> = [
				['allocatedRefs', () => t.heap.allocatedRefs],
				['totalAllocatedByteSize', () => t.heap.totalAllocatedByteSize],
				['free', () => t.heap.free(ref.address)],
				['freeAll', () => t.heap.freeAll()],
			]
			for (const [member, use] of uses) {
				expectThrow(use, Error, new RegExp(`^${member} .*trackAllocations`))
			}
			expect(ref.isFreed).to.equal(false)
			expect(t.allocator.freeCalls).to.equal(0)
		})

		it('refs still free themselves through ref.free()', () => {
			const t = createTestHeap({ trackAllocations: false })
			const refs = elements.flatMap((element) => [
				callMethod<AnyRef>(t.heap, element.methods.alloc),
				callMethod<AnyRef>(t.heap, element.methods.allocArray, 4),
			])
			expect(t.allocator.live.size).to.equal(refs.length)
			for (const ref of refs) ref.free()
			expect(refs.every((ref) => ref.isFreed)).to.equal(true)
			expect(t.allocator.live.size).to.equal(0)
			expect(t.allocator.freeCalls).to.equal(refs.length)
			refs[0]!.free()
			expect(t.allocator.freeCalls).to.equal(refs.length)
		})
	})

	describe('clearAllocatedRegions', () => {
		/** Allocates, dirties with 0xff, frees, and allocates again from the free list. */
		function reuseDirtyRegion(heap: api.WasmHeapManager, allocator: TestAllocator, method: string, args: unknown[]) {
			const first = callMethod<AnyRef & { readonly allocatedBytesView: Uint8Array }>(heap, method, ...args)
			first.allocatedBytesView.fill(0xff)
			first.free()
			const callsBefore = allocator.allocCalls
			const second = callMethod<AnyRef & { readonly allocatedBytesView: Uint8Array }>(heap, method, ...args)
			expect(allocator.allocCalls).to.equal(callsBefore + 1)
			expect(second.address, 'the allocator reused the dirty region').to.equal(first.address)
			return Array.from(second.allocatedBytesView)
		}

		for (const [label, options] of [['default', {}], ['true', { clearAllocatedRegions: true }]] as const) {
			it(`${label}: a region reused from the free list is zeroed, for every alloc method`, () => {
				const t = createTestHeap(options)
				for (const element of elements) {
					for (const { method, args, byteSize } of [...allocCallsOf(element), { method: element.methods.allocArray, args: [40], byteSize: 40 * element.byteSize }]) {
						expect(reuseDirtyRegion(t.heap, t.allocator, method, args), method).to.deep.equal(new Array(byteSize).fill(0))
					}
				}
			})
		}

		it('zeroes exactly the region, at every size up to 260 bytes and every offset within 8 (bytes, 4- and 8-byte words, fill())', () => {
			// allocUint8Array(size) at `base + offset`: the region's bytes become 0, the pattern around it stays
			let at = 0
			const stub = createStubHeap(() => at)
			const bytes = new Uint8Array(stub.memory.buffer)
			const pattern = (offset: number): number => (offset * 7 + 3) & 0xff
			for (let size = 1; size <= 260; size++) {
				for (let offset = 0; offset < 8; offset++) {
					at = 1024 + offset
					const ref = stub.heap.allocUint8Array(size)
					const around = Array.from(bytes.subarray(at - 8, at + size + 8))
					const expected = around.map((_, index) => (index >= 8 && index < 8 + size ? 0 : pattern(at - 8 + index)))
					expect(around, `${size} bytes at ${at}`).to.deep.equal(expected)
					ref.free()
					for (let index = at; index < at + size; index++) bytes[index] = pattern(index)
				}
			}
		})

		it('a string or slice allocated by capacity, which writes at most its terminator, is zeroed on a dirty region', () => {
			const t = createTestHeap()
			for (const encoding of ['Ascii', 'Utf8', 'Utf16', 'Utf32']) {
				const unit = { Ascii: 1, Utf8: 1, Utf16: 2, Utf32: 4 }[encoding]!
				expect(reuseDirtyRegion(t.heap, t.allocator, `allocNullTerminated${encoding}String`, [6]), encoding).to.deep.equal(new Array(7 * unit).fill(0))
				expect(reuseDirtyRegion(t.heap, t.allocator, `alloc${encoding}StringSlice`, [6]), `${encoding} slice`).to.deep.equal(new Array(6 * unit).fill(0))
			}
		})

		it('a string or an array made from a value, which it writes whole, leaves no byte of a dirty region as it was', () => {
			const t = createTestHeap()
			const text = 'héllo, 世界 😀'
			const encoded: Record<string, number[]> = {
				Ascii: Array.from('hello', (c) => c.charCodeAt(0)),
				Utf8: Array.from(new TextEncoder().encode(text)),
				Utf16: Array.from(new Uint8Array(Uint16Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).buffer)),
				Utf32: Array.from(new Uint8Array(Uint32Array.from(Array.from(text, (c) => c.codePointAt(0)!)).buffer)),
			}
			for (const [encoding, bytes] of Object.entries(encoded)) {
				const value = encoding === 'Ascii' ? 'hello' : text
				const unit = { Ascii: 1, Utf8: 1, Utf16: 2, Utf32: 4 }[encoding]!
				expect(reuseDirtyRegion(t.heap, t.allocator, `allocNullTerminated${encoding}String`, [value]), encoding).to.deep.equal([...bytes, ...new Array(unit).fill(0)])
				expect(reuseDirtyRegion(t.heap, t.allocator, `alloc${encoding}StringSlice`, [value]), `${encoding} slice`).to.deep.equal(bytes)
			}
			expect(reuseDirtyRegion(t.heap, t.allocator, 'allocFloat64Array', [[1.5, -2, 3]])).to.deep.equal(Array.from(new Uint8Array(Float64Array.of(1.5, -2, 3).buffer)))
			expect(reuseDirtyRegion(t.heap, t.allocator, 'allocUint8Array', [[1, 2, 3, 4, 5]])).to.deep.equal([1, 2, 3, 4, 5])
		})

		it('arrays of values in turn, of one type and length, of another type, of another length, each hold their own values and write nothing past them', () => {
			let at = 1024
			const stub = createStubHeap(() => at)
			const bytes = new Uint8Array(stub.memory.buffer)
			const calls: [string, number[], number][] = [
				['allocFloat64Array', [1.5, 2.5, 3.5], 8],
				['allocFloat64Array', [4.5, 5.5, 6.5], 8],
				['allocFloat64Array', [10.5, 11.5], 8],
				['allocFloat32Array', [7.5, 8.5, 9.5], 4],
				// (values a Float32Array or Int32Array would change: staged in the wrong type, they show)
				['allocFloat64Array', [0.1, 0.2, 0.3], 8],
				['allocInt32Array', [-1, 2, -3], 4],
				['allocFloat64Array', [12.25, 2 ** 40 + 0.5, -3.75], 8],
				// another constructor of the same width and length: staged in the other one's view, they show
				['allocUint8Array', [1, 2], 1],
				['allocClampedUint8Array', [300, -5], 1],
				['allocInt32Array', [1, 2], 4],
				['allocFloat32Array', [1.5, 2.5], 4],
			]
			for (const [method, values, size] of calls) {
				at += 64
				const after = Array.from(bytes.subarray(at + values.length * size, at + values.length * size + 16))
				const ref = callMethod<AnyRef & { readonly elementCount: number; readAt(index: number): number }>(stub.heap, method, values)
				const context = `${method}(${JSON.stringify(values)})`
				const clamped = method === 'allocClampedUint8Array' ? values.map((value) => Math.min(255, Math.max(0, value))) : values
				expect([ref.address, ref.elementCount, ...values.map((_, k) => ref.readAt(k))], context).to.deep.equal([at, values.length, ...clamped])
				expect(Array.from(bytes.subarray(at + values.length * size, at + values.length * size + 16)), `${context}: the bytes after it`).to.deep.equal(after)
			}
		})

		it('false: the dirty bytes are still there', () => {
			const t = createTestHeap({ clearAllocatedRegions: false })
			for (const element of elements) {
				for (const { method, args, byteSize } of allocCallsOf(element)) {
					expect(reuseDirtyRegion(t.heap, t.allocator, method, args), method).to.deep.equal(new Array(byteSize).fill(0xff))
				}
			}
		})

		it('a region off the fast path of alloc<T>() (the heap grew during malloc; a bigint allocator) is zeroed when on and left dirty when off, for every row, shared or not, in every polling mode', () => {
			// The fast path leaves the zeroing to the generated store; every other path zeroes in
			// checkAllocated, where that store may land past the views (and be ignored).
			for (const shared of [false, true]) {
				for (const pollingMode of ['whenEmpty', 'always', 'never'] as const) {
					for (const clearAllocatedRegions of [true, false]) {
						for (const source of ['growing', 'bigint'] as const) {
							if (pollingMode === 'never' && source === 'growing') continue
							const memory = new WebAssembly.Memory({ initial: 1, maximum: 1000, shared })
							let next = 1024
							const alloc = (): number | bigint => {
								// C's malloc grows the heap and hands out a block it used before (dirty).
								const address = source === 'growing' ? memory.grow(1) * 65536 + 64 : (next += 16)
								new Uint8Array(memory.buffer, address, 16).fill(0xff)
								return source === 'bigint' ? BigInt(address) : address
							}
							const heap = api.createWasmHeapManager(() => memory.buffer, alloc, () => undefined, { clearAllocatedRegions, pollingMode })
							for (let round = 0; round < 3; round++) {
								for (const element of elements) {
									const ref = callMethod<AnyRef>(heap, element.methods.alloc)
									const context = `${element.methods.alloc}() round ${round}, ${source}, ${pollingMode}${shared ? ', shared' : ''}`
									const bytes = Array.from(new Uint8Array(memory.buffer, ref.address, element.byteSize))
									expect(bytes, context).to.deep.equal(new Array(element.byteSize).fill(clearAllocatedRegions ? 0 : 0xff))
								}
							}
						}
					}
				}
			}
		})

		it('only the requested bytes are cleared, not the rest of the allocator block', () => {
			const t = createTestHeap()
			const block = t.allocator.alloc(16)
			new Uint8Array(t.memory.buffer, block, 16).fill(0xff)
			t.allocator.free(block)
			const ref = t.heap.allocInt32()
			expect(ref.address).to.equal(block)
			expect(Array.from(new Uint8Array(t.memory.buffer, block, 16))).to.deep.equal([...new Array(4).fill(0), ...new Array(12).fill(0xff)])
		})
	})

	describe('argument and option validation', () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
		const getHeap = (): ArrayBuffer => memory.buffer
		const alloc = (): number => 16
		const free = (): void => {}
		const create = (options: unknown): api.WasmHeapManager =>
			api.createWasmHeapManager(getHeap, alloc, free, options as api.WasmHeapManagerOptions)

		it('an unknown option key is a TypeError naming it', () => {
			for (const key of ['trackAllocation', 'pollingmode', 'clearAllocatedRegion', 'maximum']) {
				expectThrow(() => create({ [key]: true }), TypeError, new RegExp(`^createWasmHeapManager: unknown option '${key}'`))
			}
		})

		it('options of the wrong type are TypeErrors naming the option', () => {
			const cases: Array<[Record<string, unknown>, RegExp]> = [
				[{ clearAllocatedRegions: 'yes' }, /clearAllocatedRegions must be a boolean/],
				[{ clearAllocatedRegions: 1 }, /clearAllocatedRegions must be a boolean/],
				[{ clearAllocatedRegions: null }, /clearAllocatedRegions must be a boolean/],
				[{ trackAllocations: 'false' }, /trackAllocations must be a boolean, received "false"$/], // it said 'received string'
				[{ trackAllocations: 0 }, /trackAllocations must be a boolean/],
				[{ pollingMode: 'sometimes' }, /pollingMode must be one of 'never', 'whenEmpty', 'always', received "sometimes"$/],
				[{ pollingMode: 2 }, /pollingMode must be one of/],
				[{ pollingMode: 'Always' }, /pollingMode must be one of/],
			]
			// each names the function called, createWasmHeapManager (it named none)
			for (const [options, pattern] of cases) expectThrow(() => create(options), TypeError, new RegExp(`^createWasmHeapManager: option ${pattern.source}`))
			for (const options of ['fast', 42, null, true]) {
				expectThrow(() => create(options), TypeError, /^createWasmHeapManager: options must be an object, received /)
			}
			expectThrow(() => create('fast'), TypeError, 'createWasmHeapManager: options must be an object, received "fast"')
			expectThrow(() => new api.WasmHeapManager(getHeap, alloc, free, { pollingMode: 'Always' as never }), TypeError, /^WasmHeapManager: option pollingMode must be one of/)
		})

		it('valid options (and undefined values) are accepted', () => {
			for (const pollingMode of ['never', 'whenEmpty', 'always'] as const) {
				const heap = create({ pollingMode, clearAllocatedRegions: false, trackAllocations: false })
				heap.writeInt32(8, 77)
				expect(heap.readInt32(8)).to.equal(77)
			}
			expect(create({ pollingMode: undefined }).allocatedRefs).to.deep.equal([])
			expect(create(undefined).allocatedRefs).to.deep.equal([])
		})

		it('createWasmHeapManager with a non-function getLatestHeap, alloc or free is a TypeError naming it', () => {
			const make = api.createWasmHeapManager as unknown as (...args: unknown[]) => unknown
			const construct = (...args: unknown[]) => new (api.WasmHeapManager as unknown as new (...args: unknown[]) => unknown)(...args)
			for (const bad of [undefined, null, 42, 'malloc', {}, memory]) {
				// a heap target with an allocator: the form with an allocator takes the heap as a function
				const expected =
					bad === memory
						? 'createWasmHeapManager: with an allocator, give the heap as a function returning its current buffer (() => memory.buffer), received an object (WebAssembly.Memory)'
						: /^createWasmHeapManager: the heap must be a WebAssembly\.Memory, an ArrayBuffer, a SharedArrayBuffer or a function returning the current buffer, received /
				expectThrow(() => make(bad, alloc, free), TypeError, expected)
				if (bad !== memory && bad !== undefined) expectThrow(() => make(bad), TypeError, expected)
				// each names the function called (it said `alloc must be a function`, naming none)
				expectThrow(() => construct(bad, alloc, free), TypeError, /^WasmHeapManager: getLatestHeap must be a function/)
				expectThrow(() => make(getHeap, bad, free), TypeError, /^createWasmHeapManager: alloc must be a function/)
				expectThrow(() => make(getHeap, alloc, bad), TypeError, /^createWasmHeapManager: free must be a function/)
				expectThrow(() => construct(getHeap, bad, free), TypeError, /^WasmHeapManager: alloc must be a function/)
			}
		})

		it("a view of the heap given for the heap (Emscripten's HEAPU8, a DataView) is a TypeError saying what to give instead", () => {
			const make = api.createWasmHeapManager as unknown as (...args: unknown[]) => unknown
			for (const view of [new Uint8Array(memory.buffer), new DataView(memory.buffer)]) {
				const message = `createWasmHeapManager: received an object (${view.constructor.name}), a view of a heap: give the WebAssembly.Memory (its buffer is replaced when it grows, and a view of the old one goes stale), an ArrayBuffer or SharedArrayBuffer, or a function returning the current buffer; for an Emscripten module, wrapEmscriptenModuleHeap(Module)`
				const error = expectThrow(() => make(view), TypeError, message)
				expect((error as { code?: string }).code).to.equal('ERR_HEAP_INVALID_ARGUMENT')
				expectThrow(() => make(view, alloc, free), TypeError, message)
			}
		})

		it('getLatestHeap returning a WebAssembly.Memory is a TypeError pointing at memory.buffer', () => {
			expectThrow(
				() => api.createWasmHeapManager(() => memory as unknown as ArrayBuffer, alloc, free),
				TypeError,
				/getLatestHeap must return an ArrayBuffer or SharedArrayBuffer.*memory\.buffer/,
			)
		})

		it('getLatestHeap returning a view (Emscripten\'s HEAPU8, a DataView) is a TypeError pointing at memory.buffer', () => {
			for (const view of [new Uint8Array(memory.buffer), new DataView(memory.buffer)]) {
				expectThrow(
					() => api.createWasmHeapManager(() => view as unknown as ArrayBuffer, alloc, free),
					TypeError,
					/^createWasmHeapManager: getLatestHeap must return an ArrayBuffer or SharedArrayBuffer, received .* \(it returned a view: return memory\.buffer, .*wrapEmscriptenModuleHeap\(Module\)\)$/,
				)
			}
			expectThrow(() => api.createWasmHeapManager(() => ({}) as unknown as ArrayBuffer, alloc, free), TypeError, /received an object \(Object\)$/)
		})

		it('getLatestHeap returning another non-buffer is a TypeError, at creation or at a later poll', () => {
			for (const bad of [new Uint8Array(memory.buffer), undefined, null, 65536, {}]) {
				expectThrow(
					() => api.createWasmHeapManager(() => bad as unknown as ArrayBuffer, alloc, free),
					TypeError,
					/^createWasmHeapManager: getLatestHeap must return an ArrayBuffer or SharedArrayBuffer/,
				)
				expectThrow(
					() => new api.WasmHeapManager(() => bad as unknown as ArrayBuffer, alloc, free),
					TypeError,
					/^WasmHeapManager: getLatestHeap must return an ArrayBuffer or SharedArrayBuffer/,
				)
			}
			let calls = 0
			const heap = api.createWasmHeapManager(
				() => (calls++ === 0 ? memory.buffer : (memory as unknown as ArrayBuffer)),
				alloc,
				free,
				{ pollingMode: 'always' },
			)
			// a later poll names the entry point that polled
			expectThrow(() => heap.readInt32(0), TypeError, /^readInt32: getLatestHeap must return .*memory\.buffer/)
		})

		it('an allocation whose region check polls a getLatestHeap that returns no buffer throws that error, naming the call, and gives the block back, in every polling mode', () => {
			for (const pollingMode of ['whenEmpty', 'always', 'never'] as const) {
				const grown = new WebAssembly.Memory({ initial: 1, maximum: 4 })
				let healthy = true
				const freed: number[] = []
				const heap = api.createWasmHeapManager(
					() => (healthy ? grown.buffer : (42 as unknown as ArrayBuffer)),
					// a block past the first page: the manager polls to see the memory the allocator grew
					() => {
						grown.grow(1)
						return 65536 + 64
					},
					(address: number) => void freed.push(address),
					{ pollingMode },
				)
				healthy = false
				expectThrow(() => heap.allocInt32(), TypeError, /^allocInt32: getLatestHeap must return an ArrayBuffer or SharedArrayBuffer, received 42$/)
				expect(freed, pollingMode).to.deep.equal([65536 + 64])
			}
		})

		it('a SharedArrayBuffer heap is accepted', () => {
			const shared = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true })
			const heap = api.createWasmHeapManager(() => shared.buffer, alloc, free)
			expect(heap.heap).to.equal(shared.buffer)
			heap.allocFloat64().value = 2.5
			expect(heap.readFloat64(16)).to.equal(2.5)
		})
	})
})

describe('allocation table under churn', () => {
	it('stays exact across tombstone sweeps: a stable live set, temporaries freed by ref and by address', () => {
		const { heap, allocator } = createTestHeap({ pages: 64, maximum: 4096 })
		const random = new SeededRandom(21)
		const live = new Map<number, { address: number; allocatedByteSize: number; readonly isFreed: boolean }>()
		for (let i = 0; i < 3000; i++) {
			const ref = heap.allocInt32Array(random.int(0, 8))
			live.set(ref.address, ref)
		}
		for (let round = 0; round < 20_000; round++) {
			const temporary = heap.allocFloat64()
			if (round % 2 === 0) temporary.free()
			else heap.free(temporary.address)
			if (round % 97 === 0) {
				// Replace one long-lived ref, so live addresses move too.
				const [address, ref] = [...live][random.int(0, live.size)]!
				heap.free(address)
				live.delete(address)
				expect(ref.isFreed).to.equal(true)
				const replacement = heap.allocUint16Array(random.int(1, 6))
				live.set(replacement.address, replacement)
			}
		}
		const tracked = heap.allocatedRefs
		expect(tracked.length).to.equal(live.size)
		expect(new Set(tracked.map((ref) => ref.address))).to.deep.equal(new Set(live.keys()))
		expect(heap.totalAllocatedByteSize).to.equal([...live.values()].reduce((sum, ref) => sum + ref.allocatedByteSize, 0))
		expect(() => heap.free(-1)).to.throw(RangeError)
		heap.freeAll()
		expect(heap.allocatedRefs).to.deep.equal([])
		expect(heap.totalAllocatedByteSize).to.equal(0)
		expect(allocator.live.size).to.equal(0)
	})
})

describe('the allocation table (AddressTable)', () => {
	/** Random sets and deletes on `table` and on a Map; returns the steps after which they disagreed. */
	function churn(table: AddressTable<number>, addresses: readonly number[], random: SeededRandom, steps: number): string[] {
		const model = new Map<number, number>()
		// The slot add() returned for each address: right, or stale once entries moved.
		const slots = new Map<number, number>()
		const disagreements: string[] = []
		for (let step = 0; step < steps; step++) {
			const address = addresses[random.int(0, addresses.length)]!
			let agrees: boolean
			const operation = random.int(0, 6)
			if (operation < 2) {
				const current = model.get(address)
				// Only the entry's own value deletes it; deleteAt takes a slot that may be stale.
				const slot = slots.get(address) ?? 0
				const remove = operation === 0 ? (v: number): boolean => table.deleteIfValue(address, v) : (v: number): boolean => table.deleteAt(slot, address, v)
				agrees = !remove(-1) && remove(current ?? step) === (current !== undefined)
				model.delete(address)
			} else if (operation < 4) {
				agrees = table.set(address, step) === model.get(address)
				model.set(address, step)
			} else {
				const slot = table.add(address, step)
				slots.set(address, slot)
				model.set(address, step)
				agrees = slot >= 0 && table.deleteAt(slot, address, -1) === false
			}
			agrees &&= table.size === model.size && addresses.every((candidate) => table.get(candidate) === model.get(candidate))
			if (!agrees) disagreements.push(`step ${step} (address ${address})`)
		}
		const values = (list: number[]): string => list.sort((a, b) => a - b).join()
		if (values(table.valueList()) !== values([...model.values()])) disagreements.push('valueList()')
		if (table.get(0) !== undefined) disagreements.push('get(0)')
		return disagreements
	}

	it('agrees with a Map through random sets, adds and deletes (deleteAt with right and stale slots): full small tables (runs wrap around the end), growth, addresses above 2^32', () => {
		const random = new SeededRandom(1111)
		const address = (): number => [8, 2 ** 32, 2 ** 52][random.int(0, 3)]! + random.int(0, 1 << 20) * 8
		// Seven addresses in 16 slots: long runs, often across the last slot.
		const disagreements: string[] = []
		for (let set = 0; set < 200; set++) disagreements.push(...churn(new AddressTable<number>(16), Array.from({ length: 7 }, address), random, 200))
		disagreements.push(...churn(new AddressTable<number>(16), Array.from({ length: 300 }, address), random, 3000))
		expect(disagreements.slice(0, 5)).to.deep.equal([])
	})

	it('keeps apart addresses that differ by multiples of 2^32 (the hash reads the low 32 bits: they share a home slot)', () => {
		// Every address here hashes to the same slot; only their probe runs tell them apart.
		const random = new SeededRandom(2222)
		const sameHome = Array.from({ length: 40 }, (_, k) => 8 + k * 2 ** 32)
		const disagreements = churn(new AddressTable<number>(16), sameHome, random, 4000)
		expect(disagreements.slice(0, 5)).to.deep.equal([])
		const table = new AddressTable<string>(16)
		const first = table.add(8, 'low')
		const second = table.add(8 + 2 ** 32, 'high')
		expect(second).to.not.equal(first)
		expect([table.get(8), table.get(8 + 2 ** 32), table.get(8 + 2 ** 33)]).to.deep.equal(['low', 'high', undefined])
		expect(table.deleteAt(first, 8, 'low')).to.equal(true)
		expect([table.get(8), table.get(8 + 2 ** 32), table.size]).to.deep.equal([undefined, 'high', 1])
	})

	it('calls its replaced hook with the value a set replaces, once the new value is in, and only then', () => {
		const calls: string[] = []
		const table: AddressTable<string> = new AddressTable<string>(16, (previous) => calls.push(`${previous} -> ${table.get(8)}`))
		table.set(8, 'a')
		table.set(8 + 16 * 8, 'b')
		expect(table.set(8, 'c')).to.equal('a')
		expect(table.deleteIfValue(8, 'c')).to.equal(true)
		table.set(8, 'd')
		expect(calls).to.deep.equal(['a -> c'])
	})
})

describe('what a ref records of its tracking and release (no fields of their own: issue 11)', () => {
	it('a ref made untracked over a tracked ref\'s address leaves that ref in the table when it is freed; a released ref is out of it, frees nothing and says released', () => {
		const { heap, allocator } = createTestHeap()
		const tracked = heap.allocInt32()
		const other = heap.allocInt32()
		// Made directly, untracked, over a live tracked ref's region (borrowed: freeing frees nothing).
		const untracked = new api.Int32Ref(heap, tracked.address, 4, false)
		untracked.ownDeallocator = null
		untracked.free()
		expect(heap.allocatedRefs).to.have.members([tracked, other])
		expect(tracked.isFreed).to.equal(false)
		const freeCalls = allocator.freeCalls
		expect(other.release()).to.equal(other.address)
		expect(allocator.freeCalls).to.equal(freeCalls)
		expect(heap.allocatedRefs).to.deep.equal([tracked])
		expect(other.toJSON()).to.deep.equal({ type: 'Int32Ref', address: other.address, released: true })
		expect(() => other.free()).to.throw(Error, /released/)
		tracked.free()
		expect(tracked.toJSON()).to.deep.equal({ type: 'Int32Ref', address: tracked.address, freed: true })
		expect(() => tracked.free()).to.not.throw()
		expect(heap.allocatedRefs).to.deep.equal([])
	})
})
