#!/usr/bin/env node
// wasm-heap-manager over a plain wasm32 module (no Emscripten runtime): the heap is
// `exports.memory.buffer`, the allocator is the module's own exported `malloc`/`free`.
// Exits 1 with a message naming the step that went wrong.
//
//   npm run build && node examples/plain-wasm.mjs
//
// The module is test/fixtures/wasi/heaplib.wasm: the same C library as the Emscripten
// demo, built with clang for wasm32-wasi as a reactor. It has no imports; its memory
// starts at 128 KiB and grows (detaching the old buffer) when dlmalloc needs more.
import { createWasmHeapManager } from '../dist/index.js'
import { loadWasiHeaplib } from '../test/fixtures/wasi/load.mjs'

const MiB = 1024 * 1024

class CheckFailed extends Error {}

/** Returns `actual`, or throws (ending the example with exit code 1) unless it equals `expected`. */
function check(step, actual, expected) {
	const show = (value) => JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v))
	if (show(actual) !== show(expected)) {
		throw new CheckFailed(`${step}: got ${show(actual)}, expected ${show(expected)}`)
	}
	return actual
}

async function main() {
	// Instantiates the module and calls its _initialize (the reactor's C constructors).
	const { exports } = await loadWasiHeaplib()

	// getLatestHeap must return the *current* buffer: memory.buffer is replaced on growth.
	const heap = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
	const log = (topic, text) => console.log(`${topic.padEnd(9)} ${text}`)
	console.log('wasm-heap-manager over a plain wasm32 module: test/fixtures/wasi/heaplib.wasm')

	// Arrays in: C reads them; C writes into them (scale_f32 scales in place).
	const ints = heap.allocInt32Array([10, 20, 30, -5])
	const intSum = check('sum_i32', exports.sum_i32(ints.address, ints.elementCount), 55)
	const floats = heap.allocFloat32Array([0.5, 1.25, -2])
	exports.scale_f32(floats.address, floats.elementCount, 4)
	const scaled = check('scale_f32', [...floats.view], [2, 5, -8])
	log('arrays', `sum_i32([10, 20, 30, -5]) = ${intSum}; scale_f32([0.5, 1.25, -2], 4) -> [${scaled.join(', ')}]`)

	// 64-bit results come back through an out-pointer (no i64 crosses the boundary here).
	const big = heap.allocBigInt64Array([2n ** 62n, 2n ** 62n, -1n])
	const out = heap.allocBigInt64() // BigInt64Ref, 8-byte aligned, zeroed
	exports.sum_i64(big.address, big.elementCount, out.address)
	const bigSum = check('sum_i64', out.value, 2n ** 63n - 1n) // 2^62 + 2^62 - 1
	log('int64', `sum_i64([2^62, 2^62, -1], &out): out = ${bigSum}n (read through a BigInt64Ref)`)

	// Strings: one in, a malloc'd copy out; wrapped, read, and freed through the ref.
	const text = heap.allocNullTerminatedUtf8String('abc-xyz ü')
	const upperAddress = exports.utf8_upper_ascii(text.address) >>> 0 // pointers come back as signed i32
	if (upperAddress === 0) throw new Error('utf8_upper_ascii: C malloc failed')
	const upper = heap.wrapNullTerminatedUtf8String(upperAddress)
	const upperText = check('utf8_upper_ascii', upper.value, 'ABC-XYZ ü') // only a-z change
	upper.free() // calls exports.free(upperAddress)
	const reversedIn = heap.allocNullTerminatedUtf32String('😀 wasm')
	const reversed = heap.wrapNullTerminatedUtf32String(exports.utf32_reverse(reversedIn.address) >>> 0)
	const reversedText = check('utf32_reverse', reversed.value, 'msaw 😀')
	reversed.free()
	log('strings', `utf8_upper_ascii("abc-xyz ü") = "${upperText}"; utf32_reverse("😀 wasm") = "${reversedText}" (both C-allocated, freed via ref)`)

	// Growth: the module's malloc grows the memory by 32 MiB; held refs keep working.
	const sizeBefore = heap.heap.byteLength
	const block = exports.grow_heap(32 * MiB) >>> 0
	if (block === 0) throw new Error('grow_heap: C malloc failed')
	const sizeAfter = check('heap size after growth', heap.heap.byteLength, exports.heap_size() >>> 0)
	if (!(sizeAfter > sizeBefore)) throw new Error(`grow_heap: the heap did not grow (${sizeBefore} -> ${sizeAfter} bytes)`)
	check('Int32ArrayRef after growth', [...ints.view], [10, 20, 30, -5])
	check('Utf8StringRef after growth', text.value, 'abc-xyz ü')
	check('grow_heap pattern', [heap.readUint8(block), heap.readUint8(block + 32 * MiB - 1)], [0xa0, 0xb0])
	exports.free(block)
	log('growth', `grow_heap(32 MiB): heap ${sizeBefore} -> ${sizeAfter} bytes; refs held across it still read right`)

	// Tracking: the six regions allocated through the manager, freed in one call.
	const live = check('allocatedRefs.length', heap.allocatedRefs.length, 6)
	heap.freeAll()
	check('allocatedRefs after freeAll', heap.allocatedRefs.length, 0)
	log('tracking', `${live} live refs freed by freeAll()`)
	console.log('ok: every step checked')
}

main().catch((error) => {
	console.error(`plain-wasm FAILED: ${error instanceof CheckFailed ? error.message : (error?.stack ?? error)}`)
	process.exitCode = 1
})
