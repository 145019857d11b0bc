#!/usr/bin/env node
// wasm-heap-manager over an Emscripten module: numbers, arrays, strings and structs
// in and out of C, a C-allocated string wrapped and freed, memory growth while refs
// are held, and allocation tracking. Every step checks its result, so this doubles
// as a smoke test: it exits 1 with a message naming the step that went wrong.
//
//   npm run build && node examples/emscripten-demo.mjs     (or: npm run demo)
//
// The C side is test/fixtures/src/heaplib.c, built with emcc as a -sMODULARIZE=1
// factory with _malloc and _free exported (see test/fixtures/README.md).
import { wrapEmscriptenModuleHeap } from '../dist/index.js' // what `import ... from 'wasm-heap-manager'` gives you
import createHeaplib from '../test/fixtures/emscripten/heaplib.cjs'

const MiB = 1024 * 1024

class CheckFailed extends Error {}

/** Returns `actual`, or throws (ending the demo with exit code 1) unless it equals `expected`. */
function check(step, actual, expected) {
	const show = (value) => JSON.stringify(value)
	if (show(actual) !== show(expected)) {
		throw new CheckFailed(`${step}: got ${show(actual)}, expected ${show(expected)}`)
	}
	return actual
}

const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`

async function main() {
	const Module = await createHeaplib() // a MODULARIZE factory returns a Promise: await it

	// Count calls to C's free, only so that this demo can prove ref.free() reaches it.
	const cFree = Module._free
	let freeCalls = 0
	Module._free = (address) => {
		freeCalls++
		return cFree(address)
	}

	const heap = wrapEmscriptenModuleHeap(Module) // uses Module._malloc, Module._free, Module.HEAPU8
	const log = (topic, text) => console.log(`${topic.padEnd(9)} ${text}`)
	console.log('wasm-heap-manager demo: test/fixtures/emscripten/heaplib.cjs (Emscripten, -sMODULARIZE)')

	// 1. Numbers go straight through; nothing to allocate.
	const sum = check('add_i32', Module._add_i32(2, 40), 42)
	const product = check('mul_f64', Module._mul_f64(1.5, 4), 6)
	log('numbers', `add_i32(2, 40) = ${sum}, mul_f64(1.5, 4) = ${product}`)

	// 2. Arrays: allocate a copy on the heap, pass its address and length, read back.
	const doubles = heap.allocFloat64Array([1.5, 2.5, 3.5]) // Float64ArrayRef, 8-byte aligned
	const total = check('sum_f64', Module._sum_f64(doubles.address, doubles.elementCount), 7.5)
	const shorts = heap.allocInt16Array([1, -2, 3, -4])
	Module._reverse_i16(shorts.address, shorts.elementCount) // reverses in place, in C
	const reversed = check('reverse_i16', [...shorts.view], [-4, 3, -2, 1])
	log('arrays', `sum_f64([1.5, 2.5, 3.5]) = ${total}; reverse_i16([1, -2, 3, -4]) -> [${reversed.join(', ')}]`)

	// 3. A string in, a C-allocated string out: wrap it, read it, free it through the ref.
	const name = heap.allocNullTerminatedUtf8String('wasm-heap-manager') // encoded once, NUL added
	const greetingAddress = Module._make_greeting(name.address) // malloc'd by C
	if (greetingAddress === 0) throw new Error('make_greeting: C malloc failed')
	const greeting = heap.wrapNullTerminatedUtf8String(greetingAddress) // not tracked: C owns it
	check('make_greeting', greeting.value, 'Hello, wasm-heap-manager!')
	const greetingSize = check('greeting allocation size', greeting.allocatedByteSize, 26) // 25 bytes + NUL
	const freeCallsBefore = freeCalls
	greeting.free() // calls Module._free(greetingAddress)
	check('greeting.free() calls _free once', freeCalls - freeCallsBefore, 1)
	check('greeting.isFreed', greeting.isFreed, true)
	log('strings', `make_greeting("${name.value}") = "Hello, wasm-heap-manager!": C malloc'd ${greetingSize} bytes; wrapped, ref.free() called _free`)

	// 4. UTF-16 and UTF-32 strings C returned (malloc'd copies of the same text).
	const hello = 'Grüße 世界 😀!'
	const utf16 = heap.wrapNullTerminatedUtf16String(Module._utf16_hello())
	const utf32 = heap.wrapNullTerminatedUtf32String(Module._utf32_hello())
	check('utf16_hello', utf16.value, hello)
	check('utf32_hello', utf32.value, hello)
	const units16 = check('utf16 code units', utf16.encodedElementCount, 12)
	const units32 = check('utf32 code points', utf32.encodedElementCount, 11)
	utf16.free()
	utf32.free()
	log('utf-16/32', `utf16_hello() = utf32_hello() = "${hello}" (${units16} UTF-16 units, ${units32} code points)`)

	// 5. An array of structs: struct Point { int32_t x, y; double weight; } (16 bytes each).
	const pointCount = 5
	const points = Module._make_points(pointCount)
	if (points === 0) throw new Error('make_points: C malloc failed')
	const readPoint = (i) => {
		const base = points + 16 * i
		return [heap.readInt32(base), heap.readInt32(base + 4), heap.readFloat64(base + 8)]
	}
	check('make_points(5)[3]', readPoint(3), [3, 6, 1.5])
	const weighted = check('weighted_sum', Module._weighted_sum(points, pointCount), 45)
	const shown = Array.from({ length: pointCount }, (_, i) => `(${readPoint(i).join(', ')})`).join(' ')
	Module._free(points) // a plain C pointer, never wrapped: free it in C
	log('structs', `make_points(5) = ${shown}; weighted_sum = ${weighted}`)

	// 6. Growth: C mallocs 32 MiB, the memory grows and its old buffer is detached.
	//    Refs re-resolve the heap on their next access; a raw view taken before goes stale.
	const counter = heap.allocInt32()
	counter.value = 123
	const staleView = heap.viewUint8Array(doubles.address, 8)
	const sizeBefore = heap.heap.byteLength
	const bigAddress = Module._grow_heap(32 * MiB) >>> 0 // pointers come back as signed i32
	if (bigAddress === 0) throw new Error('grow_heap: C malloc failed')
	const sizeAfter = heap.heap.byteLength
	if (!(sizeAfter > sizeBefore)) throw new Error(`grow_heap: the heap did not grow (${sizeBefore} -> ${sizeAfter} bytes)`)
	check('Float64ArrayRef after growth', [...doubles.view], [1.5, 2.5, 3.5])
	check('Int16ArrayRef after growth', shorts.readAt(0), -4)
	check('Utf8StringRef after growth', name.value, 'wasm-heap-manager')
	check('Int32Ref after growth', counter.value, 123)
	check('view taken before growth', staleView.length, 0) // detached: take views fresh
	const block = heap.wrapUint8Array(bigAddress, 32 * MiB) // the 32 MiB C just filled in
	check('grow_heap pattern', [block.readAt(0), block.readAt(block.elementCount - 1)], [0xa0, 0xb0])
	block.free()
	log('growth', `grow_heap(32 MiB): heap ${mib(sizeBefore)} -> ${mib(sizeAfter)}; 4 refs held across it still read right, an old view is empty`)

	// 7. Tracking: everything allocated through the manager (not wrapped) is listed and freed in bulk.
	const liveRefs = check('allocatedRefs.length', heap.allocatedRefs.length, 4) // doubles, shorts, name, counter
	const liveBytes = check('totalAllocatedByteSize', heap.totalAllocatedByteSize, 24 + 8 + 18 + 4)
	const freeCallsBeforeAll = freeCalls
	heap.freeAll()
	check('freeAll: _free calls', freeCalls - freeCallsBeforeAll, 4)
	check('allocatedRefs after freeAll', heap.allocatedRefs.length, 0)
	check('totalAllocatedByteSize after freeAll', heap.totalAllocatedByteSize, 0)
	check('doubles.isFreed', doubles.isFreed, true)
	try {
		doubles.readAt(0)
		throw new Error('reading a freed ref did not throw')
	} catch (error) {
		if (!/freed/i.test(String(error?.message))) throw error
	}
	log('tracking', `${liveRefs} live refs, ${liveBytes} bytes; freeAll() -> 0 refs, 0 bytes (using one now throws)`)
	console.log('ok: every step checked')
}

main().catch((error) => {
	console.error(`emscripten-demo FAILED: ${error instanceof CheckFailed ? error.message : (error?.stack ?? error)}`)
	process.exitCode = 1
})
