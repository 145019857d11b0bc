/**
 * The numeric surface attacked at its edges (the first-wave review of read/write,
 * alloc/wrap and the value and array refs): for every row of the table, a value whose
 * `valueOf` frees the ref it is written through, the names bad values are reported
 * under, and hundreds of seeded bad and good inputs per type, each checked against a
 * snapshot of the whole heap and against TypedArray assignment. The heap's allocator
 * keeps its state outside the heap, so a snapshot sees every byte a call writes.
 */
import { expect } from 'chai'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { SeededRandom } from './support/heaps.js'
import { callMethod, elements, type TypedArrayLike } from './support/dynamic.js'
import type { NormalizedElement } from '../codegen/normalize.js'

const heapSize = 65536

/** A manager over a fixed buffer whose bump allocator keeps its state outside the heap and whose free writes nothing. */
function outsideAllocatorHeap(): { heap: WasmHeapManager; bytes: Uint8Array; frees: number[] } {
	const buffer = new ArrayBuffer(heapSize)
	let next = 8192
	const frees: number[] = []
	const heap = createWasmHeapManager(
		() => buffer,
		(size: number) => {
			const address = next
			next += Math.ceil(Math.max(size, 1) / 16) * 16
			return address
		},
		(address: number) => void frees.push(address),
	)
	return { heap, bytes: new Uint8Array(buffer), frees }
}

function thrown(action: () => unknown): Error & { code?: string } {
	try {
		action()
	} catch (error) {
		return error as Error & { code?: string }
	}
	throw new Error('expected a throw')
}

/** A value whose conversion runs `sideEffect` first, then gives `result`. */
function valueOfThat(sideEffect: () => void, result: number): number {
	return { valueOf: () => (sideEffect(), result) } as unknown as number
}

/** Rows whose values are numbers converted as a typed array converts them (`valueOf` runs): every number row but Pointer53, which takes only numbers. */
const convertingRows = elements.filter((element) => element.valueType === 'number' && element.kind !== 'pointer53')

interface RefLike {
	readonly address: number
	readonly isFreed: boolean
	free(): void
}

/** Every member of a value ref or an array ref that writes a value, with the arguments that put `value` in place. */
function writingMembers(element: NormalizedElement): { member: string; array: boolean; call(ref: RefLike, value: number): unknown }[] {
	const members: { member: string; array: boolean; call(ref: RefLike, value: number): unknown }[] = [
		{ member: 'write', array: false, call: (ref, value) => callMethod(ref, 'write', value) },
		{ member: 'value', array: false, call: (ref, value) => ((ref as unknown as { value: number }).value = value) },
		{ member: 'writeAt', array: true, call: (ref, value) => callMethod(ref, 'writeAt', 1, value) },
		{ member: 'writeAtomic', array: false, call: (ref, value) => callMethod(ref, 'writeAtomic', value) },
		{ member: 'writeAtomicAt', array: true, call: (ref, value) => callMethod(ref, 'writeAtomicAt', 1, value) },
	]
	const zero = element.valueType === 'bigint' ? 0n : 0
	for (const operation of element.atomicOperations) {
		const two = operation.shape === 'compareExchange'
		members.push(
			{ member: operation.refMethod, array: false, call: (ref, value) => callMethod(ref, operation.refMethod, ...(two ? [zero, value] : [value])) },
			{ member: operation.arrayRefMethod, array: true, call: (ref, value) => callMethod(ref, operation.arrayRefMethod, 1, ...(two ? [zero, value] : [value])) },
		)
		if (two) {
			// The value given as `expected` (converted first) is the one that frees the ref.
			members.push(
				{ member: `${operation.refMethod} (expected)`, array: false, call: (ref, value) => callMethod(ref, operation.refMethod, value, zero) },
				{ member: `${operation.arrayRefMethod} (expected)`, array: true, call: (ref, value) => callMethod(ref, operation.arrayRefMethod, 1, value, zero) },
			)
		}
	}
	return members
}

describe('numeric surface at its edges', () => {
	describe("a value whose valueOf frees the ref it is written through (the write must not land in the freed region)", () => {
		for (const element of convertingRows) {
			it(`${element.refClass} and ${element.arrayRefClass}: every writing member throws ERR_HEAP_REF_FREED and writes nothing`, () => {
				const { heap, bytes } = outsideAllocatorHeap()
				for (const { member, array, call } of writingMembers(element)) {
					for (const how of ['ref.free()', 'heap.free(address)', 'heap.freeAll()'] as const) {
						const ref = (array ? callMethod(heap, element.methods.allocArray, 4) : callMethod(heap, element.methods.alloc)) as RefLike
						if (array) {
							// The cached element view the fast path writes through, made by a first write.
							for (let round = 0; round < 3; round++) callMethod(ref, 'writeAt', 1, 0)
						}
						const free = (): void => {
							if (how === 'ref.free()') ref.free()
							else if (how === 'heap.free(address)') heap.free(ref.address)
							else heap.freeAll()
						}
						const before = bytes.slice()
						const error = thrown(() => call(ref, valueOfThat(free, 99)))
						expect(ref.isFreed, `${member} ${how}`).to.equal(true)
						expect(error.code, `${member} ${how}: ${error.message}`).to.equal('ERR_HEAP_REF_FREED')
						expect(error.message).to.match(/has been freed/)
						expect(bytes, `${member} ${how}: the freed region was written`).to.deep.equal(before)
					}
				}
			})
		}
	})

	describe('alloc<T>Array(values) takes `length` values by index: what an iterator of the values yields, or a length that changed, cannot overrun the region', () => {
		for (const element of elements) {
			it(`${element.methods.allocArray}`, () => {
				const { heap, bytes, frees } = outsideAllocatorHeap()
				const one = element.kind === 'pointer53' ? 7 : element.valueType === 'bigint' ? 7n : 7
				let allocations = 0
				const counting = createWasmHeapManager(
					() => bytes.buffer as ArrayBuffer,
					() => (allocations++, 8192),
					() => {},
				)
				// An array whose iterator yields more values than its length: the count is its length, the values its elements.
				const values = [one, one]
				;(values as unknown as { [Symbol.iterator]: () => Iterator<unknown> })[Symbol.iterator] = function* () {
					for (let index = 0; index < 8; index++) yield one
				}
				let before = bytes.slice()
				const ref = callMethod(heap, element.methods.allocArray, values) as RefLike & { elementCount: number }
				expect(ref.elementCount).to.equal(2)
				for (let index = 0; index < bytes.length; index++) {
					if (index >= ref.address && index < ref.address + 2 * element.byteSize) continue
					if (bytes[index] !== before[index]) expect.fail(`byte ${index}, outside the region at ${ref.address}, was written`)
				}
				expect(callMethod(ref, 'readAt', 1)).to.equal(element.kind === 'float' ? 7 : one)
				// A length that grows once the count was taken: refused before the allocator is called, or taken as counted.
				let reads = 0
				const growing = { get length() { return ++reads <= 2 ? 1 : 8 }, 0: one, 1: one, 2: one, 3: one, 4: one, 5: one, 6: one, 7: one }
				before = bytes.slice()
				try {
					const grown = callMethod(counting, element.methods.allocArray, growing) as { elementCount: number }
					expect(grown.elementCount).to.equal(1)
					expect(allocations).to.equal(1)
				} catch (error) {
					expect((error as { code?: string }).code, (error as Error).message).to.match(/^ERR_HEAP_/)
					expect(allocations, 'the allocator was called, and its region lost').to.equal(0)
					expect(bytes).to.deep.equal(before)
				}
				expect(frees).to.deep.equal([])
			})
		}
	})

	describe('a value of the wrong type given to a ref member is reported under that member', () => {
		for (const element of elements.filter((row) => row.kind !== 'pointer53' && row.aliasOf === undefined)) {
			it(`${element.refClass}, ${element.arrayRefClass}`, () => {
				const { heap, bytes } = outsideAllocatorHeap()
				const wrong = element.valueType === 'number' ? 1n : 1
				const received = element.valueType === 'number' ? '1n' : '1'
				const ref = callMethod(heap, element.methods.alloc) as RefLike
				const array = callMethod(heap, element.methods.allocArray, 4) as RefLike
				const before = bytes.slice()
				for (const { member, array: onArray, call } of writingMembers(element)) {
					const target = onArray ? array : ref
					const className = onArray ? element.arrayRefClass : element.refClass
					// the `value` setter names itself (it converts before calling `write`); compareExchange names its `expected` or `replacement`.
					const named = member.replace(' (expected)', '')
					const parameter = member.endsWith('(expected)') ? 'expected' : /compareExchange/.test(member) ? 'replacement' : 'value'
					const cases: [unknown, string][] = [[wrong, received]]
					if (element.valueType === 'number') cases.push([Symbol('s'), 'symbol'])
					for (const [bad, shown] of cases) {
						const error = thrown(() => call(target, bad as number))
						expect(error, member).to.be.instanceOf(TypeError)
						expect(error.code, member).to.equal('ERR_HEAP_INVALID_VALUE')
						expect(error.message, member).to.equal(`${className}.${named}: ${parameter} must be a ${element.valueType}, received ${shown}`)
					}
				}
				expect(bytes).to.deep.equal(before)
			})
		}
	})

	it('Pointer53Ref and Pointer53ArrayRef writing members (write, writeAt, the atomics) name themselves when they refuse a value, and write nothing', () => {
		const { heap, bytes } = outsideAllocatorHeap()
		const ref = heap.allocPointer53()
		const array = heap.allocPointer53Array(2)
		const before = bytes.slice()
		const cases: [unknown, typeof TypeError | typeof RangeError, string][] = [
			[-1, RangeError, '-1'],
			[2 ** 53, RangeError, '9007199254740992'],
			[1.5, RangeError, '1.5'],
			[1n, TypeError, '1n'],
		]
		for (const [bad, Class, shown] of cases) {
			for (const [name, call] of [
				['Pointer53Ref.write', () => ref.write(bad as number)],
				['Pointer53ArrayRef.writeAt', () => array.writeAt(1, bad as number)],
				['Pointer53Ref.exchangeAtomic', () => ref.exchangeAtomic(bad as number)],
				['Pointer53ArrayRef.addAtomicAt', () => array.addAtomicAt(0, bad as number)],
			] as const) {
				const error = thrown(call)
				expect(error, `${name} ${shown}`).to.be.instanceOf(Class)
				expect(error.message, `${name} ${shown}`).to.match(new RegExp(`^${name.replace('.', '\\.')}: .*${shown.replace('.', '\\.')}`))
			}
		}
		expect(bytes).to.deep.equal(before)
	})

	describe('seeded bad and good inputs for every row, against a snapshot of the whole heap', () => {
		const badAddresses: unknown[] = [
			-1, -8, -0.5, 0.5, 1.25, Number.NaN, Infinity, -Infinity, 2 ** 31, 2 ** 32, 2 ** 32 + 8, 2 ** 53, heapSize, heapSize - 1,
			'8', 8n, null, undefined, true, [8], { valueOf: () => 8 }, Symbol('address'),
		]
		for (const element of elements) {
			it(`${element.name}: bad addresses, straddling the end, bad values; good values round-trip with TypedArray's bits`, () => {
				const { heap, bytes } = outsideAllocatorHeap()
				const random = new SeededRandom(0x5eed + element.byteSize)
				for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 256)
				const good = element.valueType === 'bigint' ? 5n : 5
				const { read, write } = element.methods
				// (heapSize - 1 is a valid address for a single byte.)
				const addresses = badAddresses.filter((address) => !(element.byteSize === 1 && address === heapSize - 1))
				// Every address whose access straddles the heap's end.
				for (let offset = 1; offset < element.byteSize; offset++) addresses.push(heapSize - element.byteSize + offset)
				for (let round = 0; round < 200; round++) addresses.push(heapSize - element.byteSize + 1 + random.int(0, 2 ** 20))
				for (const address of addresses) {
					for (const [name, call] of [
						[read, () => callMethod(heap, read, address)],
						[write, () => callMethod(heap, write, address, good)],
					] as const) {
						const before = bytes.slice()
						const error = thrown(call)
						expect(error.code, `${name}(${String(address)})`).to.match(/^ERR_HEAP_(INVALID_ARGUMENT|OUT_OF_RANGE)$/)
						expect(error.message, `${name}(${String(address)})`).to.match(new RegExp(`^${element.aliasOf === undefined ? name : '\\w+'}: address`))
						expect(bytes, `${name}(${String(address)}) wrote`).to.deep.equal(before)
					}
				}
				// Values of the wrong kind: nothing written, a TypeError or RangeError with an ERR_HEAP_ code.
				const badValues: unknown[] =
					element.kind === 'pointer53'
						? [-1, -0.5, 0.5, 2 ** 53, Number.NaN, Infinity, '8', 8n, null, undefined, { valueOf: () => 8 }]
						: element.valueType === 'bigint'
							? [1, 0, -0, Number.NaN, '1', true, null, undefined, { valueOf: () => 1n }, Symbol('value')]
							: [1n, Symbol('value'), { valueOf: () => 1n }, { valueOf: () => Symbol('inner') }]
				for (const value of badValues) {
					const before = bytes.slice()
					const error = thrown(() => callMethod(heap, write, 64, value))
					expect(error.code, `${write}(64, ${String(value)})`).to.equal('ERR_HEAP_INVALID_VALUE')
					expect(bytes).to.deep.equal(before)
				}
			})
		}
	})

	describe('the bits a write stores are the bits TypedArray assignment stores (C stores the same)', () => {
		const numbers = [
			0, -0, 1, -1, 0.5, 1.5, 2.5, -0.5, -1.5, 254.5, 255.5, 256, 127, 128, -128, -129, 32767, 32768, -32769, 65535, 65536,
			2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, -(2 ** 32), 2 ** 53, -(2 ** 53), 2 ** 64, 1e300,
			Number.NaN, Infinity, -Infinity, 5e-324, -5e-324, 1.1754943508222875e-38, 3.4028235677973366e38, 65504, 65519.99, 65520,
			2.9802322387695312e-8, 0.1, 1 / 3, 4294967295.5, -4294967295.5, 2147483647.5, -2147483648.5,
		]
		const bigints = [0n, 1n, -1n, 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n), -(2n ** 63n) - 1n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 64n + 5n, -(2n ** 64n), 2n ** 200n + 3n]
		for (const element of elements.filter((row) => row.kind !== 'pointer53' && row.bits === undefined)) {
			it(`${element.name}: write<T> at every alignment, ref.value, writeAt, alloc<T>(v), alloc<T>Array([v])`, () => {
				const { heap, bytes } = outsideAllocatorHeap()
				const View = (globalThis as unknown as Record<string, new (length: number) => TypedArrayLike>)[element.viewConstructor]!
				const expected = (value: unknown): string => {
					const one = new View(1)
					;(one as unknown as unknown[])[0] = value
					return new Uint8Array((one as unknown as { buffer: ArrayBuffer }).buffer).join()
				}
				const at = (address: number): string => bytes.slice(address, address + element.byteSize).join()
				const ref = callMethod(heap, element.methods.alloc) as RefLike
				const array = callMethod(heap, element.methods.allocArray, 3) as RefLike
				const values: unknown[] = element.valueType === 'bigint' ? bigints : [...numbers, ...numbers.map((n) => ({ valueOf: () => n })), '2.5', '-1', '']
				for (const value of values) {
					const want = expected(value)
					for (const offset of [0, 1, 2, 3, 5, 7]) {
						callMethod(heap, element.methods.write, 4096 + offset, value)
						expect(at(4096 + offset), `${element.methods.write}(+${offset}, ${String(value)})`).to.equal(want)
					}
					;(ref as unknown as { value: unknown }).value = value
					expect(at(ref.address), `ref.value = ${String(value)}`).to.equal(want)
					for (let round = 0; round < 3; round++) {
						callMethod(array, 'writeAt', 2, value)
						expect(at(array.address + 2 * element.byteSize), `writeAt(2, ${String(value)}) #${round}`).to.equal(want)
					}
					const allocated = callMethod(heap, element.methods.alloc, value) as RefLike
					expect(at(allocated.address), `${element.methods.alloc}(${String(value)})`).to.equal(want)
					const allocatedArray = callMethod(heap, element.methods.allocArray, [value, value]) as RefLike
					expect(at(allocatedArray.address + element.byteSize), `${element.methods.allocArray}([${String(value)}, …])`).to.equal(want)
					const single = callMethod(heap, element.methods.allocArray, [value]) as RefLike
					expect(at(single.address), `${element.methods.allocArray}([${String(value)}])`).to.equal(want)
					allocated.free()
					allocatedArray.free()
					single.free()
				}
			})
		}
	})
})

describe('a negative address that is a wasm32 pointer of 2 GiB or more, received as an i32', () => {
	it('is refused with a hint to pass address >>> 0 where that reading lies in the heap, and without one elsewhere', () => {
		// Emscripten's Module._malloc (or any wasm32 export returning a pointer) above 2 GiB
		// gives a negative number; the error said only 'is not a non-negative integer'.
		const buffer = new ArrayBuffer(2 ** 31 + 2 ** 20) // allocated lazily
		const heap = createWasmHeapManager(() => buffer, () => 2 ** 31 + 64, () => {})
		const pointer = (2 ** 31 + 64) | 0
		expect(pointer).to.equal(-2147483584)
		const hint = `; a wasm32 function returns a pointer of 2 GiB or more as a negative number: pass address >>> 0 (${2 ** 31 + 64})`
		const calls: [string, number, () => unknown][] = [
			['readInt32', 4, () => heap.readInt32(pointer)],
			['writeFloat64', 8, () => heap.writeFloat64(pointer, 1)],
			['readNullTerminatedUtf8String', 1, () => heap.readNullTerminatedUtf8String(pointer)],
			['wrapNullTerminatedUtf8String', 1, () => heap.wrapNullTerminatedUtf8String(pointer)],
			['wrapUint8Array', 16, () => heap.wrapUint8Array(pointer, 16)],
			['viewInt32Array', 8, () => heap.viewInt32Array(pointer, 2)],
			['readInt32Atomic', 4, () => heap.readInt32Atomic(pointer)],
		]
		for (const [method, byteSize, call] of calls) {
			expect(call, method).to.throw(
				RangeError,
				`${method}: address -2147483584 is not a non-negative integer (for ${byteSize === 8 ? 'an' : 'a'} ${byteSize}-byte access within the heap of ${buffer.byteLength} bytes)${hint}`,
			)
		}
		// Not an i32 (below -2^31), an unsigned reading past the heap (-1 is 2^32 - 1), a fraction: no hint.
		for (const address of [-(2 ** 31) - 8, -1, -1.5]) {
			expect(() => heap.readInt32(address), String(address)).to.throw(RangeError, /is not a non-negative integer \(for a 4-byte access within the heap of \d+ bytes\)$/)
		}
		const small = createWasmHeapManager(new ArrayBuffer(65536))
		expect(() => small.readInt32(pointer)).to.throw(RangeError, /within the heap of 65536 bytes\)$/)
		expect(new Uint8Array(buffer, 2 ** 31 + 64, 16).every((byte) => byte === 0)).to.equal(true)
	})
})

describe('alloc<T>Array(values) stages the values in a buffer shared by every manager, which no call sees another use', () => {
	it('an allocator that allocates arrays of values itself (on another manager) while its caller’s values wait to be copied', () => {
		const inner = createWasmHeapManager(new ArrayBuffer(1 << 20))
		const nested: number[][] = []
		const { heap: outer } = outsideAllocatorHeap()
		const reentrant = createWasmHeapManager(
			() => outer.heap as ArrayBuffer,
			(size: number) => {
				// Same sizes and type as the outer call's, other values: they would overwrite a staging shared without care.
				const ref = inner.allocFloat64Array(Array.from({ length: size / 8 }, (_, index) => -index - 0.5))
				nested.push(Array.from(ref))
				return 16384
			},
			() => {},
		)
		for (const count of [8, 64, 1024]) {
			const values = Float64Array.from({ length: count }, (_, index) => index + 0.25)
			const ref = reentrant.allocFloat64Array(values)
			expect(Array.from(ref), `${count} values`).to.deep.equal(Array.from(values))
			expect(nested.at(-1), `${count} values, the allocator's own`).to.deep.equal(Array.from({ length: count }, (_, index) => -index - 0.5))
		}
	})

	it('a failed allocation, a value that does not convert and an array larger than the shared buffer leave later calls their own values', () => {
		let fail = true
		const { heap: base } = outsideAllocatorHeap()
		let next = 8192
		const heap = createWasmHeapManager(
			() => base.heap as ArrayBuffer,
			(size: number) => {
				if (fail) return 0
				const address = next
				next += Math.ceil(size / 16) * 16
				return address
			},
			() => {},
		)
		expect(() => heap.allocInt32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17])).to.throw(Error, /allocating 68 bytes/)
		fail = false
		expect(() => heap.allocBigInt64Array([1n, 2n, 'x' as unknown as bigint])).to.throw(TypeError, 'allocBigInt64Array: value must be a bigint, received "x"')
		const values = Array.from({ length: 40 }, (_, index) => index * 3)
		expect(Array.from(heap.allocInt32Array(values))).to.deep.equal(values)
		expect(Array.from(heap.allocBigInt64Array(values.map(BigInt)))).to.deep.equal(values.map(BigInt))
		expect(Array.from(heap.allocFloat16Array(values))).to.deep.equal(values)
		// past the shared buffer's limit: a staging array of its own
		const big = createWasmHeapManager(new ArrayBuffer(1 << 20))
		const many = Uint16Array.from({ length: 40000 }, (_, index) => index)
		expect(Array.from(big.allocUint16Array(many))).to.deep.equal(Array.from(many))
		expect(Array.from(heap.allocUint8Array([5, 6, 7]))).to.deep.equal([5, 6, 7])
	})
})
