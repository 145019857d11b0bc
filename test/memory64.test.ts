/**
 * memory64 (wasm64): a manager over a module whose pointers and sizes are i64, so its
 * `malloc` takes and returns `bigint` and its `free` accepts only a `bigint`.
 *
 * - A pure-JS part runs everywhere: a memory64-style allocator over a plain ArrayBuffer.
 * - The rest runs the real `test/fixtures/memory64/heap64.wasm`. Where the engine cannot
 *   compile memory64 (Node 20 without --experimental-wasm-memory64) that part is skipped
 *   with one line saying so, or fails when REQUIRE_MEMORY64=1 is set (CI's Node 24 run).
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { createHeapAllocator, createWasmHeapManager, defineStruct, wrapEmscriptenModuleHeap, type Allocator, type StructRefOf, type StructType, type WasmHeapManager } from '../src/index.js'
import { callMethod, caught, conversionInputs, convertAsStored, elements, expectThrow, type AnyRef, type ArrayRef, type Value, type ValueRef } from './support/dynamic.js'
import {
	detectMemory64,
	instantiateHeap64,
	spy,
	type Heap64Exports,
	type Spy,
	type SpyCall,
} from './support/memory64.js'
import { runtimeName } from './support/runtime.js'

type NormalizedElement = (typeof elements)[number]

interface StringRef extends AnyRef {
	read(): string
	readonly encodedElementCount: number
	readonly encodedByteLength: number
}

const requireMemory64 = process.env.REQUIRE_MEMORY64 === '1'
const pageSize = 65536

/**
 * The fixture's `malloc` as the manager's `Allocator`. The cast is needed because
 * `Allocator` declares its parameter as `number`, while an i64 export takes a `bigint`.
 */
function asAllocator(malloc: (byteSize: bigint) => bigint): Allocator {
	return malloc as unknown as Allocator
}

/** Values to write for a row (its conversion inputs), and what reading them back must give. */
function samplesOf(element: NormalizedElement): { written: readonly Value[]; expected: Value[] } {
	const written = conversionInputs(element)
	return { written, expected: written.map((value) => convertAsStored(element, value)) }
}

/** The code units a string is stored as in each encoding, without the terminator. */
function encodeUnits(encoding: 'Ascii' | 'Utf8' | 'Utf16' | 'Utf32', value: string): Uint8Array | Uint16Array | Uint32Array {
	switch (encoding) {
		case 'Ascii':
			return Uint8Array.from(value, (char) => char.charCodeAt(0))
		case 'Utf8':
			return new TextEncoder().encode(value)
		case 'Utf16':
			return Uint16Array.from({ length: value.length }, (_, index) => value.charCodeAt(index))
		case 'Utf32':
			return Uint32Array.from(value, (char) => char.codePointAt(0)!)
	}
}

/**
 * The kinds of byte sizes an allocator was called with, for `allocations` successful
 * allocations: all bigints, except that one first call with a number (which an i64 export
 * rejects before running) may have taught the manager which kind to pass.
 */
/**
 * A module of one function, `(func (export "dealloc") (param i64 i64 i64))` (Rust's
 * `dealloc(ptr, size, align)` on wasm64), storing its arguments in the exported mutable
 * i64 globals `p`, `s` and `a`. No memory: i64 parameters need no memory64.
 */
const rustStyleDeallocBytes = new Uint8Array([
	...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
	...[0x01, 0x07, 0x01, 0x60, 0x03, 0x7e, 0x7e, 0x7e, 0x00], // type: (i64 i64 i64) -> ()
	...[0x03, 0x02, 0x01, 0x00], // one function of that type
	...[0x06, 0x10, 0x03, ...[0x7e, 0x01, 0x42, 0x00, 0x0b], ...[0x7e, 0x01, 0x42, 0x00, 0x0b], ...[0x7e, 0x01, 0x42, 0x00, 0x0b]], // three mutable i64 globals, 0
	...[0x07, 0x17, 0x04, 0x07, ...new TextEncoder().encode('dealloc'), 0x00, 0x00, 0x01, 0x70, 0x03, 0x00, 0x01, 0x73, 0x03, 0x01, 0x01, 0x61, 0x03, 0x02], // exports
	...[0x0a, 0x10, 0x01, 0x0e, 0x00, 0x20, 0x00, 0x24, 0x00, 0x20, 0x01, 0x24, 0x01, 0x20, 0x02, 0x24, 0x02, 0x0b], // global.set each parameter
])

function expectBigIntSizes(kinds: readonly string[], allocations: number): void {
	const probe = kinds.length === allocations + 1 && kinds[0] === 'number' ? 1 : 0
	expect(kinds.slice(probe), 'typeof the byte sizes passed to the allocator').to.deep.equal(Array(allocations).fill('bigint'))
}

function expectAddress(address: unknown, alignment: number, label: string): asserts address is number {
	expect(typeof address, `${label}: typeof address`).to.equal('number')
	expect(Number.isSafeInteger(address) && (address as number) > 0, `${label}: ${String(address)} is a positive safe integer`).to
		.be.true
	expect((address as number) % alignment, `${label}: address ${String(address)} modulo ${alignment}`).to.equal(0)
}

// ---------------------------------------------------------------------------------------

describe('memory64 (wasm64)', () => {
	describe('a memory64-style allocator over a plain ArrayBuffer (pure JS, runs everywhere)', () => {
		/** What a real i64 export does with a number argument. */
		const rejectNumber = (value: unknown): never => {
			throw new TypeError(`Cannot convert ${String(value)} to a BigInt`)
		}

		/**
		 * A bump allocator over a 64 KiB ArrayBuffer that returns bigint addresses (16-byte
		 * aligned, 0n when full), and a deallocator that, like an i64 export, throws a
		 * TypeError for a number. With `strictSizes` the allocator rejects a number byte
		 * size too, exactly as an i64 `malloc` export does; without it, it takes either kind
		 * (so the other tests see the deallocator's side on its own).
		 */
		function createBigIntHeap(options: { strictSizes: boolean; result?: (byteSize: bigint) => bigint }) {
			const buffer = new ArrayBuffer(pageSize)
			let top = 16n
			const sizeKinds: string[] = []
			const freeKinds: string[] = []
			const freed: bigint[] = []
			const alloc = (byteSize: bigint | number): bigint => {
				sizeKinds.push(typeof byteSize)
				if (typeof byteSize !== 'bigint' && options.strictSizes) rejectNumber(byteSize)
				const size = BigInt(byteSize)
				if (options.result !== undefined) return options.result(size)
				const rounded = size === 0n ? 16n : (size + 15n) & ~15n
				if (top + rounded > BigInt(buffer.byteLength)) return 0n
				const address = top
				top += rounded
				return address
			}
			const free = (address: bigint): void => {
				freeKinds.push(typeof address)
				if (typeof address !== 'bigint') rejectNumber(address)
				freed.push(address)
			}
			const heap = createWasmHeapManager(() => buffer, alloc as unknown as Allocator, free)
			return { heap, buffer, sizeKinds, freeKinds, freed, free }
		}

		it('the deallocator stand-in rejects a number as an i64 export does', () => {
			const t = createBigIntHeap({ strictSizes: false })
			expect(() => (t.free as unknown as (address: number) => void)(5)).to.throw(TypeError, 'Cannot convert 5 to a BigInt')
			expect(() => t.free(5n)).not.to.throw()
		})

		it('hands the allocator the byte size as a bigint, as an i64 malloc export requires', () => {
			const t = createBigIntHeap({ strictSizes: true })
			const first = t.heap.allocInt32()
			const second = t.heap.allocFloat64Array(4)
			expect(first.address).to.equal(16)
			expect(second.address).to.equal(32)
			// The manager may learn the size kind from one rejected call; after that, only bigints.
			expectBigIntSizes(t.sizeKinds, 2)
		})

		it('refs get safe number addresses, and free(), heap.free() and freeAll() pass the deallocator bigints', () => {
			const t = createBigIntHeap({ strictSizes: false })
			const refs: AnyRef[] = []
			for (const element of elements) {
				const ref = callMethod(t.heap, element.methods.alloc) as ValueRef
				expectAddress(ref.address, element.byteSize, element.methods.alloc)
				const array = callMethod(t.heap, element.methods.allocArray, 3) as ArrayRef
				expectAddress(array.address, element.byteSize, element.methods.allocArray)
				refs.push(ref, array)
			}
			const [first, second] = refs as [AnyRef, AnyRef, ...AnyRef[]]
			first.free()
			t.heap.free(second.address)
			t.heap.freeAll()
			expect(t.freeKinds, 'typeof every deallocator argument').to.deep.equal(refs.map(() => 'bigint'))
			expect(t.freed.slice().sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(refs.map((ref) => BigInt(ref.address)))
			expect(refs.every((ref) => ref.isFreed)).to.be.true
		})

		for (const [label, result] of [
			['2^53', 2n ** 53n],
			['2^53 + 16 (exactly representable as a number)', 2n ** 53n + 16n],
			['2^53 + 1 (rounds when converted to a number)', 2n ** 53n + 1n],
			['2^64 - 16', 2n ** 64n - 16n],
		] as const) {
			it(`an allocator result of ${label} is a failed allocation naming the byte size`, () => {
				const t = createBigIntHeap({ strictSizes: false, result: () => result })
				expectThrow(() => t.heap.allocInt32Array(4), Error, /^allocInt32Array: allocating 16 bytes failed/)
				expect(t.heap.allocatedRefs).to.have.length(0)
				expect(t.freeKinds.filter((kind) => kind !== 'bigint'), 'non-bigint deallocator arguments').to.deep.equal([])
			})
		}

		it('2^53 - 1 is accepted as an address (and freed back exactly, as a bigint, when it does not fit the heap)', () => {
			const t = createBigIntHeap({ strictSizes: false, result: () => 2n ** 53n - 1n })
			expectThrow(() => t.heap.allocUint8(), Error, /^allocUint8: allocating 1 byte failed.*9007199254740991.*does not fit/)
			expect(t.freed).to.deep.equal([2n ** 53n - 1n])
		})

		it("a Rust-style dealloc(ptr, size, align) of three i64s gets 0n for a size and alignment not known, as a wasm32 one gets 0: deallocate(address), freeElements (it threw 'Cannot convert undefined to a BigInt')", () => {
			// (func (export "dealloc") (param i64 i64 i64)), storing its arguments in the exported globals p, s and a
			const { exports } = new WebAssembly.Instance(new WebAssembly.Module(rustStyleDeallocBytes)) as unknown as {
				exports: { dealloc: (...args: unknown[]) => void; p: WebAssembly.Global; s: WebAssembly.Global; a: WebAssembly.Global }
			}
			// what the export received, call by call (the arguments go to it as the manager passes them)
			const received: unknown[][] = []
			const dealloc = (...args: unknown[]): void => {
				exports.dealloc(...args)
				received.push([exports.p.value, exports.s.value, exports.a.value])
			}
			const buffer = new ArrayBuffer(pageSize)
			let top = 0n
			const malloc = (): bigint => (top += 64n)
			// nothing allocated yet: the manager learns from the deallocator itself that it takes bigints
			createWasmHeapManager(() => buffer, asAllocator(malloc), dealloc).deallocate(1024)
			expect(received).to.deep.equal([[1024n, 0n, 0n]])
			const heap = createWasmHeapManager(() => buffer, asAllocator(malloc), dealloc)
			const address = heap.allocate(24)
			heap.deallocate(address)
			heap.deallocate(heap.allocate(24), 24)
			expect(received.slice(1)).to.deep.equal([
				[BigInt(address), 0n, 0n],
				[BigInt(address + 64), 24n, 8n],
			])
			// an element no tracked ref starts at is freed as a pointer of unknown size, then the array with its own
			received.length = 0
			const element = heap.allocate(16)
			const array = heap.allocPointer64Array([BigInt(element)])
			array.free({ freeElements: true })
			expect(received).to.deep.equal([
				[BigInt(element), 0n, 0n],
				[BigInt(array.address), 8n, 8n],
			])
		})

		it("a wasm64 export's bigint length, size, index or pointer value where a number is taken: the TypeError says to pass Number(...), and nothing is written", () => {
			const t = createBigIntHeap({ strictSizes: false })
			const Node = defineStruct('Node', { id: 'Int32', next: { pointer: (): StructType => Node }, size: 'Size', count: 'Long', raw: 'Pointer' })
			const node = t.heap.allocStruct(Node, { id: 1 })
			const bytes = t.heap.allocUint8Array(8)
			const before = new Uint8Array(t.buffer).slice()
			const allocated = t.heap.allocatedRefs.length
			// [call, method the error names, the start of its message, the conversion it is told]
			const cases: [() => unknown, string, string][] = [
				[() => t.heap.readUtf8StringSlice(bytes.address, 3n as never), 'readUtf8StringSlice: element count must be a number, received 3n', 'length as Number(length)'],
				[() => t.heap.writeUtf16StringSlice(bytes.address, 'ab', 4n as never), 'writeUtf16StringSlice: element count must be a number, received 4n', 'length as Number(length)'],
				[() => t.heap.wrapUtf8StringSlice(bytes.address, 3n as never), 'wrapUtf8StringSlice: element count must be a number, received 3n', 'length as Number(length)'],
				[() => t.heap.wrapFloat64Array(16, 2n as never), 'wrapFloat64Array: element count must be a number, received 2n', 'length as Number(length)'],
				[() => t.heap.wrapStructArray(Node, node.address, 1n as never), 'wrapStructArray: element count must be a number, received 1n', 'length as Number(length)'],
				[() => t.heap.allocUtf8StringSlice(4n as never), 'allocUtf8StringSlice: expected a string or a capacity (a number of elements), received 4n', 'capacity as Number(capacity)'],
				[() => t.heap.allocFloat64Array(3n as never), 'allocFloat64Array: expected an element count or an array-like of values, received 3n', 'length as Number(length)'],
				[() => t.heap.allocate(16n as never), 'allocate: byteSize must be a number, received 16n', 'size as Number(byteSize)'],
				// a Rust String's capacity() from a wasm64 export, a C array's stride
				[() => t.heap.wrapUtf8StringSlice(bytes.address, 3, { capacity: 8n as never }), 'wrapUtf8StringSlice: options.capacity must be a number, received 8n', 'as Number(capacity)'],
				[() => t.heap.wrapStructArray(Node, node.address, 1, { stride: 64n as never }), 'wrapStructArray: options.stride must be a number, received 64n', 'as Number(stride)'],
				// __heap_base's value read from an i64 global (the Global itself is taken as it is)
				[() => createHeapAllocator(new ArrayBuffer(pageSize), { start: 4096n as never }), 'createHeapAllocator: start must be a number, received 4096n', 'as Number(start)'],
				[() => createHeapAllocator(new ArrayBuffer(pageSize), { end: 4096n as never }), 'createHeapAllocator: end must be a number, received 4096n', 'as Number(end)'],
				[() => bytes.writeAt(1n as never, 5), 'Uint8ArrayRef.writeAt: index must be a number, received 1n', 'index as Number(index)'],
				[() => t.heap.writePointer53(bytes.address, 64n as never), 'writePointer53: a pointer53 value must be a number, received 64n', 'pointer as Number(value), or use Pointer64'],
				[() => (node.next = 64n as never), 'Node.next: a pointer takes a ref, an address or null, received 64n', 'pointer as Number(address)'],
				[() => t.heap.writeStruct(Node, node.address, { id: 2, next: 64n as never }), 'writeStruct(Node).next: a pointer takes a ref, an address or null, received 64n', 'pointer as Number(address)'],
				[() => (node.size = 5n as never), 'Node.size: a Size value must be a number, received 5n', 'as Number(value)'],
				[() => t.heap.allocStruct(Node, { count: 5n as never }), 'allocStruct(Node).count: a Long value must be a number, received 5n', 'as Number(value)'],
				[() => t.heap.writeStruct(Node, node.address, { raw: 5n as never }), 'writeStruct(Node).raw: a Pointer value must be a number, received 5n', 'as Number(value)'],
			]
			for (const [call, start, conversion] of cases) expectThrow(call, TypeError, `${start}; pass a bigint ${conversion}`)
			// the same messages for what is not a bigint carry no conversion
			expectThrow(() => t.heap.readUtf8StringSlice(bytes.address, '3' as never), TypeError, 'readUtf8StringSlice: element count must be a number, received "3"')
			expectThrow(() => (node.size = '5' as never), TypeError, 'Node.size: a Size value must be a number, received "5"')
			expect(new Uint8Array(t.buffer), 'the heap as it was').to.deep.equal(before)
			expect(t.heap.allocatedRefs, 'nothing allocated').to.have.length(allocated)
		})
	})

	// -------------------------------------------------------------------------------------

	describe('the heap64.wasm fixture (real memory64 module)', () => {
		before(function () {
			const support = detectMemory64()
			if (support.supported) return
			const line = `memory64 tests: ${runtimeName()} cannot run memory64 modules: ${support.reason}`
			if (requireMemory64) throw new Error(`${line}. REQUIRE_MEMORY64=1 is set, so this fails instead of skipping.`)
			console.log(`  [SKIPPED] ${line}. The heap64.wasm tests are skipped (Node 24 runs them; REQUIRE_MEMORY64=1 makes this a failure).`)
			this.skip()
		})

		let ex: Heap64Exports
		let malloc: Spy<(byteSize: bigint) => bigint>
		let free: Spy<(address: bigint) => void>
		let heap: WasmHeapManager

		beforeEach(() => {
			ex = instantiateHeap64()
			malloc = spy(ex.malloc)
			free = spy(ex.free)
			heap = createWasmHeapManager(() => ex.memory.buffer, asAllocator(malloc.fn), free.fn)
		})

		/** The calls of a spy that threw, as `kind: message` lines (for failure messages). */
		const thrown = (calls: readonly SpyCall[]): string[] =>
			calls.filter((call) => 'error' in call).map((call) => `${call.argumentKinds.join(',')}: ${String(call.error)}`)

		it('the fixture itself: malloc takes and returns bigints and rejects a number', () => {
			expect(() => (ex.malloc as unknown as (size: number) => bigint)(8)).to.throw(TypeError, /BigInt/)
			expect(() => (ex.free as unknown as (address: number) => void)(32)).to.throw(TypeError, /BigInt/)
			const p = ex.malloc(8n)
			expect(typeof p).to.equal('bigint')
			expect(p).to.equal(32n)
			expect(ex.heap_size()).to.equal(BigInt(ex.memory.buffer.byteLength))
		})

		it('calls malloc with a bigint byte size (an i64 export throws for a number)', () => {
			const int = heap.allocInt32()
			const doubles = heap.allocFloat64Array(3)
			expect(int.address).to.equal(32)
			expect(doubles.address).to.equal(64)
			expectBigIntSizes(malloc.calls.map((call) => call.argumentKinds[0]!), 2)
			expect(malloc.completed().map((call) => call.args[0])).to.deep.equal([4n, 24n])
			for (const call of malloc.calls.filter((each) => 'error' in each)) expect(call.error).to.be.instanceOf(TypeError)
		})

		it('works with the exports passed straight in, unwrapped', () => {
			const direct = createWasmHeapManager(() => ex.memory.buffer, asAllocator(ex.malloc), ex.free)
			const ref = direct.allocFloat64()
			ref.write(2.5)
			expect(ref.read()).to.equal(2.5)
			expect(new DataView(ex.memory.buffer).getFloat64(ref.address, true)).to.equal(2.5)
			ref.free()
			// The export really freed it: the free list hands the same block out again.
			expect(ex.malloc(8n)).to.equal(BigInt(ref.address))
		})

		describe('every element type', () => {
			for (const element of elements) {
				it(`${element.methods.alloc}() and ${element.methods.allocArray}(): number addresses from malloc, aligned, values round-trip`, () => {
					const { written, expected } = samplesOf(element)

					const ref = callMethod(heap, element.methods.alloc) as ValueRef
					expectAddress(ref.address, element.byteSize, element.methods.alloc)
					expect(ref.address % 16, 'heap64 malloc returns 16-byte-aligned blocks').to.equal(0)
					expect(malloc.completed().at(-1)?.result, 'the address malloc returned').to.equal(BigInt(ref.address))
					expect(ref.address + ref.allocatedByteSize).to.be.at.most(ex.memory.buffer.byteLength)
					written.forEach((value, index) => {
						ref.write(value)
						// By Object.is: NaN reads back as NaN, and -0 as -0.
						expect(Object.is(ref.read(), expected[index]), `${element.name} value ${String(value)} read back as ${String(ref.read())}`).to.equal(true)
					})

					const array = callMethod(heap, element.methods.allocArray, written) as ArrayRef
					expectAddress(array.address, element.byteSize, element.methods.allocArray)
					expect(malloc.completed().at(-1)?.result).to.equal(BigInt(array.address))
					expect(array.elementCount).to.equal(written.length)
					expect(written.map((_, index) => array.readAt(index))).to.deep.equal(expected)
					const view = array.view
					expect(view.buffer, 'the view is over the wasm memory').to.equal(ex.memory.buffer)
					if (element.kind !== 'pointer53') expect(Array.from(view)).to.deep.equal(expected)

					const counted = callMethod(heap, element.methods.allocArray, 5) as ArrayRef
					expectAddress(counted.address, element.byteSize, element.methods.allocArray)
					expect([0, 1, 2, 3, 4].map((index) => counted.readAt(index)), 'a new array is zeroed').to.deep.equal(
						Array(5).fill(element.valueType === 'bigint' ? 0n : 0),
					)
					counted.writeAt(4, written[2]!)
					expect(counted.readAt(4)).to.equal(expected[2])

					// Three distinct regions.
					expect(new Set([ref.address, array.address, counted.address]).size).to.equal(3)
					expectBigIntSizes(malloc.calls.map((call) => call.argumentKinds[0]!), 3)
				})
			}
		})

		it('free() and heap.free(address) call the free export with bigints (the exact addresses malloc returned)', () => {
			const refs: AnyRef[] = elements.flatMap((element) => [
				callMethod(heap, element.methods.alloc) as AnyRef,
				callMethod(heap, element.methods.allocArray, 2) as AnyRef,
			])
			const returned = malloc.completed().map((call) => call.result)
			expect(returned).to.deep.equal(refs.map((ref) => BigInt(ref.address)))

			refs.forEach((ref, index) => (index % 2 === 0 ? ref.free() : heap.free(ref.address)))
			// free(address, byteSize, alignment): the allocator contract, all three as bigints.
			expect(free.calls.map((call) => call.argumentKinds), 'typeof each argument of free').to.deep.equal(
				refs.map(() => ['bigint', 'bigint', 'bigint']),
			)
			expect(free.calls.map((call) => call.args[0])).to.deep.equal(returned)
			expect(thrown(free.calls)).to.deep.equal([])
			expect(refs.every((ref) => ref.isFreed)).to.be.true
			refs[0]!.free() // a second free is a no-op
			expect(free.calls).to.have.length(refs.length)
		})

		describe('strings', () => {
			const cases = [
				{ encoding: 'Ascii', value: 'Hello, wasm64!', bytesPerElement: 1 },
				{ encoding: 'Utf8', value: 'Grüße 世界 😀!', bytesPerElement: 1 },
				{ encoding: 'Utf16', value: 'Grüße 世界 😀!', bytesPerElement: 2 },
				{ encoding: 'Utf32', value: 'Grüße 世界 😀!', bytesPerElement: 4 },
			] as const
			for (const { encoding, value, bytesPerElement } of cases) {
				it(`allocNullTerminated${encoding}String: allocated by malloc, read back, freed with a bigint`, () => {
					const ref = callMethod(heap, `allocNullTerminated${encoding}String`, value) as StringRef
					expectAddress(ref.address, bytesPerElement, `allocNullTerminated${encoding}String`)
					expect(malloc.completed().at(-1)?.result).to.equal(BigInt(ref.address))
					expect(ref.read()).to.equal(value)
					expect(callMethod(heap, `readNullTerminated${encoding}String`, ref.address)).to.equal(value)

					const expectedUnits = encodeUnits(encoding, value)
					expect(ref.encodedElementCount).to.equal(expectedUnits.length)
					// wasm sees the same bytes (and the terminator) through its own loads.
					const byteLength = expectedUnits.length * bytesPerElement
					const bytes = new Uint8Array(expectedUnits.buffer, expectedUnits.byteOffset, byteLength)
					const expectedSum = bytes.reduce((sum, byte) => sum + byte, 0)
					expect(ex.sum_u8(BigInt(ref.address), BigInt(byteLength + bytesPerElement))).to.equal(BigInt(expectedSum))
					expect(new Uint8Array(ex.memory.buffer, ref.address, byteLength)).to.deep.equal(bytes)

					ref.free()
					expect(free.calls.map((call) => call.argumentKinds[0])).to.deep.equal(['bigint'])
					expect(free.calls[0]!.args[0]).to.equal(BigInt(ref.address))
				})
			}

			it('a capacity allocates (n + 1) * bytesPerElement bytes through malloc as a bigint size', () => {
				const ref = heap.allocNullTerminatedUtf16String(10)
				expect(ref.allocatedByteSize).to.equal(22)
				expect(malloc.calls.at(-1)?.args[0]).to.equal(22n)
				ref.write('wasm64')
				expect(ref.read()).to.equal('wasm64')
			})
		})

		it('sum_u8 in wasm sums an array written through the manager', () => {
			const values = Array.from({ length: 1000 }, (_, index) => (index * 37 + 11) & 0xff)
			const array = heap.allocUint8Array(values)
			const expected = values.reduce((sum, value) => sum + value, 0)
			expect(ex.sum_u8(BigInt(array.address), BigInt(array.elementCount))).to.equal(BigInt(expected))

			array.writeAt(999, 0)
			array.writeAt(0, 255)
			const changed = expected - values[999]! - values[0]! + 255
			expect(ex.sum_u8(BigInt(array.address), 1000n)).to.equal(BigInt(changed))
			heap.writeUint8(array.address + 1, 0)
			expect(ex.sum_u8(BigInt(array.address), 2n)).to.equal(255n)
		})

		it('growth: allocating past the memory makes malloc grow it; the old buffer is detached, refs stay valid', () => {
			expect(ex.memory.buffer.byteLength).to.equal(pageSize)
			const int = heap.allocInt32()
			int.write(-123456)
			const doubles = heap.allocFloat64Array([1.5, -2.25, 1e300])
			const text = heap.allocNullTerminatedUtf8String('before growth 😀')
			const pointer = heap.allocPointer64()
			pointer.write(2n ** 40n)
			const oldBuffer = ex.memory.buffer
			const staleView = doubles.view
			expect(heap.heap).to.equal(oldBuffer)

			const big = heap.allocUint8Array(300_000)
			const grownLength = ex.memory.buffer.byteLength
			expect(grownLength, 'memory.buffer.byteLength after growth').to.be.at.least(big.address + 300_000)
			expect(grownLength).to.be.greaterThan(pageSize)
			expect(ex.heap_size()).to.equal(BigInt(grownLength))
			expect(oldBuffer.byteLength, 'the old buffer is detached').to.equal(0)
			expect(staleView.length, 'a view taken before growth goes stale').to.equal(0)

			expect(int.read()).to.equal(-123456)
			expect([0, 1, 2].map((index) => doubles.readAt(index))).to.deep.equal([1.5, -2.25, 1e300])
			expect(text.read()).to.equal('before growth 😀')
			expect(pointer.read()).to.equal(2n ** 40n)
			expect(doubles.view.length).to.equal(3)
			expect(heap.heap).to.equal(ex.memory.buffer)

			// The new region is zeroed, writable to its last byte, and wasm sees it.
			expect(ex.sum_u8(BigInt(big.address), 300_000n)).to.equal(0n)
			big.view.fill(1)
			big.writeAt(299_999, 201)
			expect(ex.sum_u8(BigInt(big.address), 300_000n)).to.equal(299_999n + 201n)

			// A second, larger growth (8 MiB of BigUint64).
			const beforeSecond = ex.memory.buffer
			const wide = heap.allocBigUint64Array(2 ** 20)
			expect(beforeSecond.byteLength).to.equal(0)
			expect(ex.memory.buffer.byteLength).to.be.at.least(wide.address + 8 * 2 ** 20)
			wide.writeAt(2 ** 20 - 1, 2n ** 64n - 1n)
			expect(wide.readAt(2 ** 20 - 1)).to.equal(2n ** 64n - 1n)
			expect(int.read()).to.equal(-123456)
			expect(big.readAt(299_999)).to.equal(201)
			expectBigIntSizes(malloc.calls.map((call) => call.argumentKinds[0]!), 6)
		})

		it('tracking: 1,000 refs, freeAll() calls free 1,000 times with bigints', () => {
			const refs = Array.from({ length: 1000 }, (_, index) => {
				const ref = heap.allocInt32()
				ref.write(index)
				return ref
			})
			expect(refs.every((ref, index) => ref.read() === index)).to.be.true
			expect(heap.allocatedRefs).to.have.length(1000)
			expect(heap.totalAllocatedByteSize).to.equal(4000)
			expect(free.calls).to.have.length(0)

			heap.freeAll()
			expect(free.calls).to.have.length(1000)
			expect(free.calls.filter((call) => call.argumentKinds[0] !== 'bigint'), 'calls of free with a non-bigint').to.deep.equal([])
			expect(thrown(free.calls)).to.deep.equal([])
			const freedAddresses = new Set(free.calls.map((call) => call.args[0]))
			expect(freedAddresses.size).to.equal(1000)
			for (const ref of refs) expect(freedAddresses.has(BigInt(ref.address))).to.be.true
			expect(heap.allocatedRefs).to.have.length(0)
			expect(heap.totalAllocatedByteSize).to.equal(0)
			expect(refs.every((ref) => ref.isFreed)).to.be.true

			// The frees reached the wasm allocator: its free list hands the blocks out again.
			const again = heap.allocInt32()
			expect(freedAddresses.has(BigInt(again.address))).to.be.true
		})

		describe('wrap* of regions the wasm malloc returned', () => {
			it('wraps a block from malloc (bigint -> number); free() through the ref calls the export with a bigint', () => {
				const p = ex.malloc(64n)
				const address = Number(p)
				const ints = heap.wrapInt32Array(address, 16)
				expect(ints.address).to.equal(address)
				ints.writeAt(0, 0x04030201)
				ints.writeAt(15, -1)
				const dataView = new DataView(ex.memory.buffer)
				expect(dataView.getInt32(address, true)).to.equal(0x04030201)
				expect(dataView.getInt32(address + 60, true)).to.equal(-1)
				expect(ex.sum_u8(p, 64n)).to.equal(BigInt(1 + 2 + 3 + 4 + 4 * 255))

				dataView.setBigUint64(address + 8, 2n ** 63n + 5n, true)
				expect(heap.wrapBigUint64(address + 8).read()).to.equal(2n ** 63n + 5n)

				expect(malloc.calls, 'wrap* does not allocate').to.have.length(0)
				ints.free()
				expect(ints.isFreed).to.be.true
				// This manager has not allocated yet, so it may first try a number, which the
				// export rejects before running; exactly one call must have run, with the bigint.
				const completed = free.completed()
				expect(completed.map((call) => call.argumentKinds), 'calls of free that ran').to.deep.equal([['bigint', 'bigint', 'bigint']])
				expect(completed[0]!.args).to.deep.equal([p, 64n, 4n])
				for (const call of free.calls.filter((each) => 'error' in each)) {
					expect(call.argumentKinds).to.deep.equal(['number', 'number', 'number'])
					expect(call.error).to.be.instanceOf(TypeError)
				}
				// The block really went back to the wasm allocator.
				expect(ex.malloc(64n)).to.equal(p)
			})

			it('after an allocation, a wrapped ref is freed with exactly one bigint call', () => {
				const owned = heap.allocInt32()
				const p = ex.malloc(32n)
				const wrapped = heap.wrapFloat32Array(Number(p), 8)
				wrapped.writeAt(7, 0.5)
				expect(new DataView(ex.memory.buffer).getFloat32(Number(p) + 28, true)).to.equal(0.5)
				wrapped.free()
				expect(free.calls.map((call) => call.argumentKinds)).to.deep.equal([['bigint', 'bigint', 'bigint']])
				expect(free.calls[0]!.args).to.deep.equal([p, 32n, 4n])
				expect(heap.allocatedRefs, 'wrapped refs are not tracked').to.deep.equal([owned])
			})

			it('wraps a string that wasm memory holds', () => {
				const p = ex.malloc(16n)
				new Uint8Array(ex.memory.buffer, Number(p), 7).set([0x77, 0x61, 0x73, 0x6d, 0x36, 0x34, 0])
				const ref = heap.wrapNullTerminatedUtf8String(Number(p))
				expect(ref.read()).to.equal('wasm64')
				expect(heap.readNullTerminatedAsciiString(Number(p))).to.equal('wasm64')
			})
		})

		it('a failed allocation (malloc returns 0n for an impossible size) throws an Error naming the byte size', () => {
			const keep = heap.allocUint8()
			malloc.calls.length = 0
			expectThrow(() => heap.allocUint8Array(2 ** 40), Error, /^allocUint8Array: allocating 1099511627776 bytes failed/)
			expect(malloc.calls.map((call) => call.args[0]), 'the size malloc was asked for').to.deep.equal([2n ** 40n])
			expect(malloc.calls[0]!.result, 'what malloc returned').to.equal(0n)
			expectThrow(() => heap.allocFloat64Array(2 ** 38), Error, /^allocFloat64Array: allocating 2199023255552 bytes failed/)
			expect(free.calls, 'nothing is freed').to.have.length(0)
			expect(heap.allocatedRefs).to.deep.equal([keep])
			expect(ex.memory.buffer.byteLength, 'the memory did not grow').to.equal(pageSize)
			// The manager still works afterwards.
			const next = heap.allocInt32()
			next.write(7)
			expect(next.read()).to.equal(7)
		})
	})
})

describe('memory64: the built-in allocator and atomics over a WebAssembly.Memory({ address: "i64" })', () => {
	/** A memory64 memory, whose `grow` takes its page delta as a bigint only (a number is a TypeError). */
	function memory64(shared: boolean): WebAssembly.Memory {
		const descriptor = { address: 'i64', initial: 1n, maximum: 64n, shared }
		return new WebAssembly.Memory(descriptor as unknown as WebAssembly.MemoryDescriptor)
	}

	before(function () {
		const support = detectMemory64()
		if (support.supported) return
		const line = `memory64 memories: ${runtimeName()} cannot run memory64 modules: ${support.reason}`
		if (requireMemory64) throw new Error(`${line}. REQUIRE_MEMORY64=1 is set, so this fails instead of skipping.`)
		console.log(`  [SKIPPED] ${line}. Node 24 runs these tests.`)
		this.skip()
	})

	it('the built-in allocator refuses a maximumByteSize past 4 GiB over a memory64 memory (its range is 32-bit there too), where it took 4 GiB in silence', () => {
		for (const [method, create] of [
			['createHeapAllocator', (memory: WebAssembly.Memory) => createHeapAllocator(memory, { maximumByteSize: 8 * 2 ** 30 })],
			// named as the function called (it said createHeapAllocator)
			['createWasmHeapManager', (memory: WebAssembly.Memory) => createWasmHeapManager(memory, { maximumByteSize: 2 ** 32 + 8 })],
		] as const) {
			const memory = memory64(false)
			new Uint8Array(memory.buffer).fill(0xee)
			expectThrow(() => create(memory), RangeError, new RegExp(`^${method}: maximumByteSize \\d+ lies past 4 GiB, the allocator's address space \\(a memory64 memory's too\\)$`))
			expect(new Uint8Array(memory.buffer).every((byte) => byte === 0xee), 'no header written').to.equal(true)
		}
		// 4 GiB itself is the limit, and taken
		expect(createHeapAllocator(memory64(false), { maximumByteSize: 2 ** 32 }).alloc(16)).to.be.above(0)
	})

	it('the memory itself: grow refuses a number and takes a bigint', () => {
		const memory = memory64(false)
		expectThrow(() => memory.grow(1), TypeError, /BigInt/)
		expect(memory.buffer.byteLength).to.equal(pageSize)
		expect((memory.grow as unknown as (delta: bigint) => unknown)(1n)).to.equal(1n)
		expect(memory.buffer.byteLength).to.equal(2 * pageSize)
	})

	for (const shared of [false, true]) {
		it(`createWasmHeapManager(memory) grows a${shared ? ' shared' : ''} memory64 memory on demand (its grow takes a bigint), refs intact`, () => {
			const memory = memory64(shared)
			const heap = createWasmHeapManager(memory)
			const small = heap.allocInt32Array([1, -2, 3])
			const before = memory.buffer
			const big = heap.allocUint8Array(300_000)
			expect(memory.buffer.byteLength, 'the memory grew').to.be.at.least(big.address + 300_000)
			expect(before.byteLength, shared ? 'a shared buffer is never detached' : 'the old buffer is detached').to.equal(shared ? pageSize : 0)
			big.writeAt(299_999, 200)
			expect(big.readAt(299_999)).to.equal(200)
			expect([0, 1, 2].map((index) => small.readAt(index))).to.deep.equal([1, -2, 3])
			expect(heap.heap).to.equal(memory.buffer)
		})
	}

	it('a shared memory64 memory: atomics, waits and notify, and growth by another manager (the memory grown with a bigint) seen by the first', async () => {
		const memory = memory64(true)
		const first = createWasmHeapManager(memory)
		const counter = first.allocInt32()
		expect(counter.addAtomic(5)).to.equal(0)
		expect(first.compareExchangeInt32Atomic(counter.address, 5, 9)).to.equal(5)
		expect(first.waitInt32(counter.address, 0, 0)).to.equal('not-equal')
		expect(first.waitInt32(counter.address, 9, 1)).to.equal('timed-out')
		const woken = first.waitInt32Async(counter.address, 9)
		expect(first.notify(counter.address)).to.equal(1)
		expect(await woken).to.equal('ok')

		const second = createWasmHeapManager(memory) // joins the allocator state in the memory
		const far = second.allocBigInt64Array(100_000) // grows the memory
		expect(memory.buffer.byteLength).to.be.at.least(far.address + 800_000)
		far.writeAt(99_999, -7n)
		expect(first.readBigInt64Atomic(far.address + 8 * 99_999), 'growth by the other manager is seen').to.equal(-7n)
		expect(first.exchangeBigInt64Atomic(far.address + 8 * 99_999, 3n)).to.equal(-7n)
		expect(far.readAt(99_999)).to.equal(3n)
	})
})

describe("memory64: a clang --target=wasm64 module (structs64.wasm) and abi: 'wasm64' structs on the same memory", () => {
	/** structs64.c's exports: every pointer and size_t is a bigint, `long` too (wasm64 is LP64). */
	interface Structs64Exports {
		readonly memory: WebAssembly.Memory
		readonly malloc: (byteSize: bigint) => bigint
		readonly memalign: (alignment: bigint, byteSize: bigint) => bigint
		readonly free: (address: bigint) => void
		readonly node_sizeof: () => bigint
		readonly node_alignof: () => bigint
		readonly node_offsetof: (field: number) => bigint
		readonly list_count: (node: bigint) => bigint
		readonly list_id_sum: (node: bigint) => bigint
		readonly list_size_sum: (node: bigint) => bigint
		readonly list_delta_sum: (node: bigint) => bigint
		readonly list_weight_sum: (node: bigint) => number
		readonly list_name_bytes: (node: bigint) => bigint
		readonly list_flags_or: (node: bigint) => number
		readonly make_node: (id: number, next: bigint) => bigint
	}
	const Node = defineStruct('Node', {
		id: 'Int32',
		next: { pointer: (): StructType => Node },
		size: 'Size',
		delta: 'Long',
		weight: 'Float64',
		name: { pointer: 'Utf8' },
		flags: 'Uint8',
	})
	let c: Structs64Exports
	let heap: WasmHeapManager

	before(function () {
		const support = detectMemory64()
		if (!support.supported) {
			const line = `structs64.wasm: ${runtimeName()} cannot run memory64 modules: ${support.reason}`
			if (requireMemory64) throw new Error(`${line}. REQUIRE_MEMORY64=1 is set, so this fails instead of skipping.`)
			console.log(`  [SKIPPED] ${line}. Node 24 runs these tests.`)
			this.skip()
		}
		const bytes = readFileSync(new URL('fixtures/memory64/structs64.wasm', import.meta.url))
		c = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports as unknown as Structs64Exports
	})
	beforeEach(function () {
		if (c === undefined) this.skip()
		heap = createWasmHeapManager(() => c.memory.buffer, c.malloc, c.free, { abi: 'wasm64' })
	})
	afterEach(() => heap?.freeAll())

	describe("wrapEmscriptenModuleHeap over a wasm64 module's malloc, free and memalign (as an Emscripten -sMEMORY64 build exports them)", () => {
		// structs64.c's malloc aligns to 16; its memalign serves more. The exports take and
		// return bigints and throw for a number, so a call that reaches them took bigints.
		function module64(): { heap: WasmHeapManager; calls: { malloc: number; free: number; memalign: (readonly [bigint, bigint])[] } } {
			const calls = { malloc: 0, free: 0, memalign: [] as (readonly [bigint, bigint])[] }
			const module = {
				wasmMemory: c.memory,
				_malloc: (size: bigint): bigint => (calls.malloc++, c.malloc(size)),
				_free: (address: bigint): void => (calls.free++, c.free(address)),
				_memalign: (alignment: bigint, size: bigint): bigint => (calls.memalign.push([alignment, size]), c.memalign(alignment, size)),
			}
			return { heap: wrapEmscriptenModuleHeap(module, { abi: 'wasm64' }), calls }
		}

		it('alignments 32, 64 and 128 are served whatever malloc returns: memalign asked with bigints only where its block was misaligned, that block given back, the region freed with a bigint', () => {
			const { heap: heap64, calls } = module64()
			const padding: number[] = []
			let misaligned = 0
			for (let i = 0; i < 48; i++) {
				// 32-byte steps (16 of header, 16 of payload) move malloc's next address across the larger multiples
				padding.push(heap64.allocate(1 + (i % 4)))
				const alignment = [32, 64, 128][i % 3]!
				const next = c.malloc(24n)
				c.free(next)
				const before = { malloc: calls.malloc, free: calls.free, memalign: calls.memalign.length }
				const address = heap64.allocate(24, alignment)
				expect(address % alignment, `allocation ${i}`).to.equal(0)
				const used = { malloc: calls.malloc - before.malloc, free: calls.free - before.free, memalign: calls.memalign.length - before.memalign }
				if (next % BigInt(alignment) === 0n) {
					expect(used, `allocation ${i}: malloc's block was aligned`).to.deep.equal({ malloc: 1, free: 0, memalign: 0 })
				} else {
					misaligned++
					expect(used, `allocation ${i}: malloc's block given back, memalign's kept`).to.deep.equal({ malloc: 1, free: 1, memalign: 1 })
					expect(calls.memalign.at(-1), `allocation ${i}`).to.deep.equal([BigInt(alignment), 24n])
				}
				heap64.deallocate(address, 24, alignment)
				expect(calls.free - before.free, `allocation ${i}: freed`).to.equal(used.free + 1)
			}
			expect(misaligned, 'malloc returned a misaligned block for some').to.be.greaterThan(12)
			for (const address of padding) heap64.deallocate(address)
		})

		it('allocStruct of a struct aligned to 64 (wasm64 layout): at a multiple of 64, its fields where C would put them, freed through free', () => {
			const { heap: heap64, calls } = module64()
			const Wide = defineStruct('Wide', { id: 'Int32', sum: { type: 'Float64', align: 64 }, next: { pointer: (): StructType => Wide } })
			expect([heap64.sizeOf(Wide), heap64.alignOf(Wide), heap64.offsetOf(Wide, 'sum'), heap64.offsetOf(Wide, 'next')]).to.deep.equal([128, 64, 64, 72])
			let previous: StructRefOf<typeof Wide> | null = null
			const made: StructRefOf<typeof Wide>[] = []
			for (let i = 0; i < 12; i++) {
				heap64.allocate(8) // kept: moves malloc on
				const wide: StructRefOf<typeof Wide> = heap64.allocStruct(Wide, { id: i, sum: i / 4, next: previous })
				expect(wide.address % 64, `struct ${i}`).to.equal(0)
				const view = new DataView(c.memory.buffer)
				expect([view.getInt32(wide.address, true), view.getFloat64(wide.address + 64, true), view.getBigUint64(wide.address + 72, true)]).to.deep.equal([i, i / 4, BigInt(previous?.address ?? 0)])
				made.push(wide)
				previous = wide
			}
			expect(calls.memalign.length, 'memalign served some').to.be.greaterThan(0)
			const freesBefore = calls.free
			for (const wide of made) wide.free()
			expect(calls.free - freesBefore).to.equal(12)
		})

		it('a memalign that returns 0n is a failed allocation naming the size, with malloc\'s block given back and the memory as it was', () => {
			const { heap: heap64, calls } = module64()
			// a state where malloc's next block is 16 past a multiple of 32
			for (;;) {
				const next = c.malloc(24n)
				c.free(next)
				if (next % 32n === 16n) break
				heap64.allocate(1)
			}
			;(heap64 as unknown as { core: { alignedAllocator: unknown } }).core.alignedAllocator = (alignment: bigint, size: bigint): bigint => (calls.memalign.push([alignment, size]), 0n)
			const before = { malloc: calls.malloc, free: calls.free }
			const bytes = new Uint8Array(c.memory.buffer).slice()
			const error = caught(() => heap64.allocate(24, 32))
			expect(error.message).to.match(/^allocate: allocating 24 bytes failed: the allocator returned 0n$/)
			expect(calls.memalign.at(-1)).to.deep.equal([32n, 24n])
			expect({ malloc: calls.malloc - before.malloc, free: calls.free - before.free }, "malloc's block given back").to.deep.equal({ malloc: 1, free: 1 })
			expect(Buffer.compare(new Uint8Array(c.memory.buffer), bytes), 'the memory as it was (free links the block into its list again)').to.equal(0)
		})
	})

	it("sizeOf, alignOf and offsetOf are clang's own for the wasm64 target", () => {
		expect(heap.sizeOf(Node)).to.equal(Number(c.node_sizeof()))
		expect(heap.alignOf(Node)).to.equal(Number(c.node_alignof()))
		const fields = ['id', 'next', 'size', 'delta', 'weight', 'name', 'flags'] as const
		expect(fields.map((field) => heap.offsetOf(Node, field))).to.deep.equal(fields.map((_, index) => Number(c.node_offsetof(index))))
	})

	it('a list JavaScript builds with allocStruct is read by C field for field: 8-byte pointers, size_t above 4 GiB, negative long', () => {
		const names = ['first', 'zwei', 'trés'].map((name) => heap.allocNullTerminatedUtf8String(name))
		let head: StructRefOf<typeof Node> | null = null
		for (let id = 3; id >= 1; id--) {
			head = heap.allocStruct(Node, { id, next: head, size: 2 ** 33 + id, delta: -(2 ** 40) - id, weight: id / 8, name: names[id - 1]!, flags: 1 << id })
		}
		const address = BigInt(head!.address)
		expect(c.list_count(address)).to.equal(3n)
		expect(c.list_id_sum(address)).to.equal(6n)
		expect(c.list_size_sum(address)).to.equal(3n * 2n ** 33n + 6n)
		expect(c.list_delta_sum(address)).to.equal(-3n * 2n ** 40n - 6n)
		expect(c.list_weight_sum(address)).to.equal(0.75)
		expect(c.list_name_bytes(address)).to.equal(BigInt(5 + 4 + 5)) // 'trés' is 5 UTF-8 bytes
		expect(c.list_flags_or(address)).to.equal(0b1110)
		// rewired through a field, as C sees it at once
		head!.next = null
		expect(c.list_count(address)).to.equal(1n)
	})

	it('a list C builds is read through refs and readStruct, pointers followed to structs and strings', () => {
		let address = 0n
		for (let id = 1; id <= 3; id++) address = c.make_node(id, address)
		const head = heap.wrapStruct(Node, Number(address), { deallocator: null })
		const seen: unknown[] = []
		for (let node: StructRefOf<typeof Node> | null = head; node !== null; node = node.next as StructRefOf<typeof Node> | null) {
			seen.push([node.id, node.size, node.delta, node.weight, node.name?.value, node.flags])
		}
		expect(seen).to.deep.equal([
			[3, 2 ** 33 + 3, -(2 ** 40) - 3, 0.75, 'three', 8],
			[2, 2 ** 33 + 2, -(2 ** 40) - 2, 0.5, 'two', 4],
			[1, 2 ** 33 + 1, -(2 ** 40) - 1, 0.25, 'one', 2],
		])
		const plain = heap.readStruct(Node, Number(address))
		expect(plain.next).to.be.a('number').above(0)
		expect(heap.readStruct(Node, plain.next).id).to.equal(2)
		// a field JavaScript writes is what C reads
		head.delta = 5
		expect(c.list_delta_sum(address)).to.equal(5n - 2n * 2n ** 40n - 3n)
	})
})
