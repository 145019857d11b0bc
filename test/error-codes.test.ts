/**
 * Every error the README's Safety table lists carries its `code`, keeps its built-in
 * class, and leaves memory as it was. One case per table row, in the table's order; the
 * last test checks the README's table names exactly the codes tested here.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { createHeapAllocator, createWasmHeapManager, wrapEmscriptenModuleHeap, type HeapErrorCode } from '../src/index.js'
import { caught } from './support/dynamic.js'
import { createTestHeap, snapshot, type TestHeap } from './support/heaps.js'

interface Case {
	/** The Safety table row it stands for (its first cell's opening words). */
	readonly row: string
	readonly errorClass: typeof Error | typeof RangeError | typeof TypeError
	readonly code: HeapErrorCode
	/** Provokes the error; gets a fresh heap with 64 bytes written at 64. */
	readonly provoke: (test: TestHeap) => unknown
}

const cases: readonly Case[] = [
	{ row: 'address not a number', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.writeInt32('8' as never, 1) },
	{ row: 'a ref converted to a number', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.wrapInt32(64).read() + (heap.wrapInt32(64) as never as number) },
	{ row: 'address negative', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: ({ heap }) => heap.writeInt32(-4, 1) },
	{ row: 'address negative', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: ({ heap, memory }) => heap.writeInt32(memory.buffer.byteLength - 2, 1) },
	{ row: 'misaligned atomic', errorClass: RangeError, code: 'ERR_HEAP_MISALIGNED', provoke: ({ heap }) => heap.writeInt32Atomic(66, 1) },
	{ row: 'misaligned atomic', errorClass: RangeError, code: 'ERR_HEAP_MISALIGNED', provoke: ({ heap }) => heap.writeNullTerminatedUtf16String(65, 'x') },
	{ row: 'array index outside', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: ({ heap }) => heap.wrapInt32Array(64, 4).writeAt(4, 1) },
	{ row: 'element count negative', errorClass: RangeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.wrapInt32Array(64, -1) },
	{ row: 'element count negative', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.wrapInt32Array(64, '4' as never) },
	{ row: 'value of the wrong JS type', errorClass: TypeError, code: 'ERR_HEAP_INVALID_VALUE', provoke: ({ heap }) => heap.writeBigInt64(64, 1 as never) },
	{ row: 'value of the wrong JS type', errorClass: TypeError, code: 'ERR_HEAP_INVALID_VALUE', provoke: ({ heap }) => heap.writeInt32(64, Symbol('x') as never) },
	{ row: 'value of the wrong JS type', errorClass: TypeError, code: 'ERR_HEAP_INVALID_VALUE', provoke: ({ heap }) => heap.writeNullTerminatedUtf8String(64, 5 as never) },
	{ row: 'pointer53, 128- or 256-bit', errorClass: RangeError, code: 'ERR_HEAP_INVALID_VALUE', provoke: ({ heap }) => heap.writePointer53(64, 2 ** 53) },
	{ row: 'string: non-ASCII', errorClass: RangeError, code: 'ERR_HEAP_INVALID_VALUE', provoke: ({ heap }) => heap.writeNullTerminatedAsciiString(64, 'é') },
	{ row: 'string: does not fit', errorClass: RangeError, code: 'ERR_HEAP_STRING_DOES_NOT_FIT', provoke: ({ heap }) => heap.writeNullTerminatedUtf8String(64, 'abcdef', 4) },
	{ row: 'string: no terminator', errorClass: RangeError, code: 'ERR_HEAP_NO_TERMINATOR', provoke: ({ heap, memory }) => {
		new Uint8Array(memory.buffer).fill(0x41, memory.buffer.byteLength - 8)
		return heap.readNullTerminatedAsciiString(memory.buffer.byteLength - 8)
	} },
	{ row: 'string slice: a value longer', errorClass: RangeError, code: 'ERR_HEAP_STRING_DOES_NOT_FIT', provoke: ({ heap }) => heap.writeUtf8StringSlice(64, 'abcdef', 5) },
	{ row: 'string slice: a value longer', errorClass: RangeError, code: 'ERR_HEAP_STRING_DOES_NOT_FIT', provoke: ({ heap }) => heap.wrapUtf16StringSlice(64, 2).write('abc') },
	{ row: 'string slice: elements', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: ({ heap, memory }) => heap.readUtf8StringSlice(64, memory.buffer.byteLength) },
	{ row: 'string slice: elements', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: ({ heap, memory }) => heap.writeUtf32StringSlice(64, 'x', memory.buffer.byteLength) },
	// 0x5a5a5a5a, the bytes at 64, is far past the heap's end.
	{ row: 'pointer array `free({ freeElements: true })`: an element', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: ({ heap }) => heap.wrapPointer32Array(64, 1).free({ freeElements: true }) },
	{ row: 'pointer array `free({ freeElements: true })`: a deallocator', errorClass: Error, code: 'ERR_HEAP_ALLOCATION_FAILED', provoke: ({ heap }) =>
		heap.wrapPointer53Array(256, 2, { deallocator: () => { throw new Error('trap') } }).free({ freeElements: true }) },
	{ row: 'pointer array `free({ freeElements: true })`: a deallocator', errorClass: AggregateError as never, code: 'ERR_HEAP_ALLOCATION_FAILED', provoke: ({ memory, allocator }) => {
		const throwing = createWasmHeapManager(() => memory.buffer, allocator.alloc, () => { throw new Error('trap') })
		const array = throwing.wrapPointer32Array(256, 2)
		array.view.set([512, 1024])
		try {
			return array.free({ freeElements: true })
		} finally {
			// Only the setup wrote: put the zeros back, so the check sees what free did.
			new Uint32Array(memory.buffer, 256, 2).fill(0)
		}
	} },
	{ row: 'pointer array `free(options)`', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.allocPointer64Array(1).free({ freeElements: 1 } as never) },
	{ row: '`wrapEmscriptenModuleHeap`: no heap', errorClass: Error, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ allocator }) => wrapEmscriptenModuleHeap({ _malloc: allocator.alloc, _free: allocator.free }) },
	{ row: '`wrapEmscriptenModuleHeap`: no heap', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ memory, allocator }) =>
		wrapEmscriptenModuleHeap({ _malloc: allocator.alloc, _free: allocator.free }, { memory: memory.buffer as never }) },
	{ row: 'null pointer given', errorClass: RangeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.wrapInt32(0) },
	{ row: 'allocator failure', errorClass: Error, code: 'ERR_HEAP_ALLOCATION_FAILED', provoke: ({ memory }) => {
		const failing = createWasmHeapManager(() => memory.buffer, () => 0, () => {})
		return failing.allocInt32()
	} },
	{ row: 'allocator failure', errorClass: Error, code: 'ERR_HEAP_ALLOCATION_FAILED', provoke: ({ memory }) => {
		const throwing = createWasmHeapManager(() => memory.buffer, () => { throw new Error('no memory') }, () => {})
		return throwing.allocInt32()
	} },
	{ row: 'use of a freed ref', errorClass: Error, code: 'ERR_HEAP_REF_FREED', provoke: ({ heap }) => {
		const ref = heap.allocInt32()
		ref.free()
		ref.value = 1
	} },
	{ row: 'use of a released ref', errorClass: Error, code: 'ERR_HEAP_REF_RELEASED', provoke: ({ heap }) => {
		const ref = heap.allocInt32()
		ref.release()
		ref.value = 1
	} },
	{ row: 'tracking call on a manager', errorClass: Error, code: 'ERR_HEAP_TRACKING_OFF', provoke: ({ memory, allocator }) => {
		const untracked = createWasmHeapManager(() => memory.buffer, allocator.alloc, allocator.free, { trackAllocations: false })
		return untracked.freeAll()
	} },
	{ row: 'scope closed twice', errorClass: Error, code: 'ERR_HEAP_SCOPE', provoke: ({ heap }) => {
		const scope = heap.openScope()
		scope.close()
		scope.close()
	} },
	{ row: 'scope closed twice', errorClass: TypeError, code: 'ERR_HEAP_SCOPE', provoke: ({ heap }) => heap.withScope((async () => 1) as () => never) },
	{ row: '`WrapOptions` not an object', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ heap }) => heap.wrapInt32(64, { dealocator: null } as never) },
	{ row: 'built-in allocator: `alloc`', errorClass: RangeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: () => createHeapAllocator(new ArrayBuffer(65536)).alloc(8, 3) },
	{ row: 'built-in allocator: `alloc`', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: () => createHeapAllocator(new ArrayBuffer(65536)).alloc('8' as never) },
	{ row: 'built-in allocator: `alloc`', errorClass: RangeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: () => {
		const allocator = createHeapAllocator(new ArrayBuffer(65536))
		const address = allocator.alloc(8)
		allocator.free(address)
		allocator.free(address)
	} },
	{ row: 'built-in allocator: a range', errorClass: RangeError, code: 'ERR_HEAP_OUT_OF_RANGE', provoke: () => createHeapAllocator(new ArrayBuffer(65536), { end: 65544 }) },
	{ row: 'built-in allocator: a range', errorClass: RangeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: () => createHeapAllocator(new ArrayBuffer(65536), { start: 16, end: 1024 }) },
	{ row: 'built-in allocator: a range', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: () => createHeapAllocator(new ArrayBuffer(65536), { start: null as never }) },
	{ row: 'built-in allocator: `check()`', errorClass: Error, code: 'ERR_HEAP_ALLOCATION_FAILED', provoke: () => {
		const buffer = new ArrayBuffer(65536)
		const allocator = createHeapAllocator(buffer)
		const address = allocator.alloc(100)
		new Uint32Array(buffer)[(address - 8) / 4] = 12345 // a buffer underflow overwrites the block's header
		allocator.check()
	} },
	{ row: 'bad option or constructor argument', errorClass: TypeError, code: 'ERR_HEAP_INVALID_ARGUMENT', provoke: ({ memory, allocator }) =>
		createWasmHeapManager(() => memory.buffer, allocator.alloc, allocator.free, { pollingMode: 'sometimes' as never }) },
]

describe('error codes (one per row of the README Safety table)', () => {
	for (const testCase of cases) {
		it(`${testCase.row}: ${testCase.errorClass.name} with code ${testCase.code}, memory untouched`, () => {
			const test = createTestHeap()
			new Uint8Array(test.memory.buffer, 64, 64).fill(0x5a)
			let before: Uint8Array | undefined
			const error = caught(() => {
				before = snapshot(test.memory)
				return testCase.provoke(test)
			}) as Error & { code?: unknown }
			expect(error.constructor, error.message).to.equal(testCase.errorClass)
			expect(error.code, error.message).to.equal(testCase.code)
			// The no-terminator case filled the heap's end itself, before the snapshot.
			if (testCase.code !== 'ERR_HEAP_NO_TERMINATOR') expect(snapshot(test.memory)).to.deep.equal(before)
		})
	}

	it('the README Safety table lists exactly these codes, and every code of HeapErrorCode', () => {
		const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
		const safety = readme.slice(readme.indexOf('## Safety'), readme.indexOf('\n## ', readme.indexOf('## Safety') + 1))
		const listed = new Set([...safety.matchAll(/`(ERR_HEAP_[A-Z_]+)`/g)].map((match) => match[1]))
		const declared = new Set([...readFileSync(new URL('../src/errors.ts', import.meta.url), 'utf8').matchAll(/\| '(ERR_HEAP_[A-Z_]+)'/g)].map((match) => match[1]))
		expect([...listed].sort()).to.deep.equal([...new Set(cases.map((testCase) => testCase.code))].sort())
		expect([...declared].sort()).to.deep.equal([...listed].sort())
	})
})
