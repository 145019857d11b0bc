/**
 * Defects the fuzzing campaign (test/fuzz/, `npm run fuzz`) found once structs joined
 * it, each with the shrunk reproducer it printed. Each test fails before its fix.
 */
import { expect } from 'chai'
import { createWasmHeapManager, defineStruct } from '../src/index.js'

const heapOf = (pages = 1) => {
	const memory = new WebAssembly.Memory({ initial: pages, maximum: pages + 4 })
	let next = 1024
	const heap = createWasmHeapManager(
		() => memory.buffer,
		(size: number) => {
			const address = next
			next += Math.ceil(size / 16) * 16
			return address
		},
		() => undefined,
	)
	return { heap, memory }
}

describe('defects found by the fuzzing campaign', () => {
	// Seed 2, episode 17: heap.readStruct(S0, 162011) with an inline Utf32 string at offset 4 →
	// "RangeError: readNullTerminatedUtf32String: address 162015 is not aligned to 4 bytes".
	describe('an inline UTF-16 or UTF-32 string of a struct at an address its unit size does not divide', () => {
		const Unaligned = defineStruct('Unaligned', { tag: 'Uint8', text: { string: 'Utf16', capacity: 4 }, wide: { string: 'Utf32', capacity: 3 } })
		const { text, wide } = Object.fromEntries(Unaligned.layout('wasm32').fields.map((field) => [field.name, field.offset]))

		it('is written and read by writeStruct, readStruct and the field accessors, as at an aligned address', () => {
			const { heap, memory } = heapOf()
			const address = 4097 // odd: every field lands unaligned
			heap.writeStruct(Unaligned, address, { tag: 7, text: 'hé', wide: '😀' })
			expect(heap.readStruct(Unaligned, address)).to.deep.equal({ tag: 7, text: 'hé', wide: '😀' })
			// The bytes: units little-endian, the terminator and zeros to the array's end (as strncpy pads).
			const bytes = new Uint8Array(memory.buffer)
			expect([...bytes.subarray(address + text!, address + text! + 8)]).to.deep.equal([0x68, 0, 0xe9, 0, 0, 0, 0, 0])
			expect(new DataView(memory.buffer).getUint32(address + wide!, true)).to.equal(0x1f600)
			expect([...bytes.subarray(address + wide! + 4, address + wide! + 12)]).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0])
			const ref = heap.wrapStruct(Unaligned, address)
			ref.text = 'abc'
			expect(ref.text).to.equal('abc')
			expect(ref.read().wide).to.equal('😀')
		})

		it('gives the read error of an element above 0x10FFFF, and a string that does not fit changes nothing', () => {
			const { heap, memory } = heapOf()
			const address = 4097
			new DataView(memory.buffer).setUint32(address + wide!, 0x110000, true)
			// named as readStruct's other field errors are (it named readNullTerminatedUtf32String, which the caller never called)
			expect(() => heap.readStruct(Unaligned, address)).to.throw(RangeError, /^readStruct\(Unaligned\)\.wide: the string at address 4109: .*0x110000/)
			const ref = heap.wrapStruct(Unaligned, address)
			expect(() => ref.wide).to.throw(RangeError, /^Unaligned\.wide: the string at address 4109: .*0x110000/)
			expect(() => ref.read()).to.throw(RangeError, /^Unaligned\.read\.wide: the string at address 4109: .*0x110000/)
			// at an aligned address too (read by the manager's string reader)
			new DataView(memory.buffer).setUint32(4096 + wide!, 0x110000, true)
			expect(() => heap.readStruct(Unaligned, 4096)).to.throw(RangeError, new RegExp(`^readStruct\\(Unaligned\\)\\.wide: the string at address ${4096 + wide!}: .*0x110000`))
			expect(() => heap.wrapStruct(Unaligned, 4096).wide).to.throw(RangeError, new RegExp(`^Unaligned\\.wide: the string at address ${4096 + wide!}: .*0x110000`))
			expect(() => heap.readNullTerminatedUtf32String(4096 + wide!)).to.throw(RangeError, /^readNullTerminatedUtf32String: the string at address /)
			const before = new Uint8Array(memory.buffer).slice(address, address + Unaligned.layout('wasm32').size)
			expect(() => heap.writeStruct(Unaligned, address, { tag: 1, text: 'toolong' })).to.throw(RangeError, /does not fit/)
			expect(new Uint8Array(memory.buffer).slice(address, address + before.length)).to.deep.equal(before)
		})
	})

	// Seed 2, episode 26: const r35 = heap.allocStruct(S0, { f0: 548570264 }); r35.f0 →
	// "RangeError: wrapInt32: address 548570264 is out of range" (a method the caller never called).
	it('a pointer field whose target does not lie in the heap names the field, with the wrap error as its cause', () => {
		const { heap } = heapOf()
		const Node = defineStruct('Node', { next: { pointer: 'Int32' } })
		const ref = heap.allocStruct(Node, { next: 548570264 })
		let caught: (RangeError & { code?: string }) | undefined
		try {
			void ref.next
		} catch (error) {
			caught = error as RangeError
		}
		expect(caught).to.be.instanceOf(RangeError)
		expect(caught!.message).to.match(/^Node\.next: the pointer holds 548570264, where no ref to its target fits: wrapInt32: address 548570264 is out of range/)
		expect(caught!.code).to.equal('ERR_HEAP_OUT_OF_RANGE')
		expect((caught!.cause as Error).message).to.match(/^wrapInt32: /)
		// A target that fits still gives its ref.
		;(ref as unknown as { next: unknown }).next = 64
		expect(ref.next?.address).to.equal(64)
	})

	// Seed 20261202, episode 4199: heap.readAsciiStringSlice(240, 2 ** 31) on a 5 GiB ArrayBuffer.
	// A slice longer than the engine's longest string gave the engine's errors: readUtf8StringSlice an
	// Error ("Cannot create a string longer than 0x1fffffe8 characters"), readUtf16StringSlice a TypeError
	// ("The encoded data was not valid for encoding utf-16le"), neither naming the method.
	describe('a string longer than the longest string the engine makes', () => {
		let buffer: ArrayBuffer | undefined
		before(function () {
			try {
				buffer = new ArrayBuffer(2 ** 31 + 2 ** 16)
			} catch {
				this.skip()
			}
		})
		after(() => {
			buffer = undefined
		})

		for (const [method, count] of [
			['readUtf8StringSlice', 2 ** 30],
			['readUtf16StringSlice', 2 ** 29 + 8],
			['readNullTerminatedUtf16String', 2 ** 29 + 8],
		] as const) {
			it(`${method}: a RangeError naming the method, with the engine's error as its cause`, () => {
				const heap = createWasmHeapManager(() => buffer!, () => 0, () => undefined)
				// Nonzero units, so that the null-terminated read does not stop early.
				new Uint16Array(buffer!, 240, count).fill(0x41)
				let caught: (Error & { code?: string }) | undefined
				try {
					;(heap as unknown as Record<string, (address: number, count: number) => string>)[method]!(240, count)
				} catch (error) {
					caught = error as Error
				}
				new Uint16Array(buffer!, 240, count).fill(0)
				expect(caught).to.be.instanceOf(RangeError)
				expect(caught!.message).to.match(new RegExp(`^${method}: the string at address 240 is longer than the longest string this engine makes \\(`))
				expect(caught!.code).to.equal('ERR_HEAP_OUT_OF_RANGE')
				expect(caught!.cause).to.be.instanceOf(Error)
			})
		}
	})

	// Seed 20261204: readUtf16StringSlice(address, 2 ** 31) on the 5 GiB heap aborted the whole process
	// ("Assertion failed: !(n > 0) || (ret != nullptr)" in node::Realloc under TextDecoder.decode).
	it('a 2^31-unit UTF-16 slice on a 5 GiB heap is a RangeError, not an aborted process', function () {
		let buffer: ArrayBuffer
		try {
			buffer = new ArrayBuffer(5 * 2 ** 30)
		} catch {
			this.skip()
		}
		const heap = createWasmHeapManager(() => buffer, () => 0, () => undefined)
		expect(() => heap.readUtf16StringSlice(240, 2 ** 31)).to.throw(RangeError, /^readUtf16StringSlice: the string at address 240 is longer than the longest string this engine makes/)
	})

	it('long runs are decoded in pieces that never split a character', () => {
		const memory = new WebAssembly.Memory({ initial: 1100 }) // 68.75 MiB
		const heap = createWasmHeapManager(() => memory.buffer, () => 0, () => undefined)
		// 2^24 + 1 bytes of 'é' (2 bytes each) after one ASCII byte: the first piece ends inside an 'é'.
		const utf8 = 'a' + 'é'.repeat(2 ** 23 + 8)
		const byteCount = heap.writeUtf8StringSlice(64, utf8)
		expect(heap.readUtf8StringSlice(64, byteCount) === utf8).to.equal(true)
		// A surrogate pair across the first piece's end, and a lone surrogate at the very end.
		const utf16 = 'b'.repeat(2 ** 24 - 1) + '😀' + 'c'.repeat(100) + '\ud800'
		const unitCount = heap.writeUtf16StringSlice(2 ** 25 + 64, utf16)
		expect(heap.readUtf16StringSlice(2 ** 25 + 64, unitCount) === utf16).to.equal(true)
	})

	// Seed 20261205, episode 3410: const r95 = heap.allocInt32Array(new Uint16Array([])) with an allocator
	// that returns the heap's length: accepted (0 bytes fit); the next such allocation, refused, gave
	// 65536 back to the deallocator, freeing r95's region under it.
	it('a zero-length allocation at the heap end is refused: the 1 byte asked for must lie in the heap', () => {
		const memory = new WebAssembly.Memory({ initial: 1 })
		const freed: unknown[][] = []
		const heap = createWasmHeapManager(
			() => memory.buffer,
			() => memory.buffer.byteLength,
			(...args: unknown[]) => void freed.push(args),
		)
		expect(() => heap.allocInt32Array(0)).to.throw(Error, /^allocInt32Array: allocating 0 bytes failed: the allocator returned address 65536, but the region does not fit in the heap of 65536 bytes/)
		// Given back with the size and alignment it was asked for.
		expect(freed).to.deep.equal([[65536, 1, 4]])
		expect(() => heap.allocUtf8StringSlice('')).to.throw(Error, /allocating 0 bytes failed/)
	})
})
