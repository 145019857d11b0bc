/**
 * The Emscripten-built fixture (test/fixtures/emscripten/heaplib.cjs, Emscripten 3.1.6)
 * as the benchmarks use it: its real `malloc`/`free`, its heap views and its own
 * runtime helpers, which are the "emscripten" baselines.
 *
 * Only suites that need it import this file: the numeric suite must not load it (see
 * the header of run.ts).
 */
import { createRequire } from 'node:module'

export interface EmscriptenHeaplib {
	HEAP8: Int8Array
	HEAPU8: Uint8Array
	HEAP16: Int16Array
	HEAPU16: Uint16Array
	HEAP32: Int32Array
	HEAPU32: Uint32Array
	HEAPF32: Float32Array
	HEAPF64: Float64Array
	_malloc(size: number): number
	_free(address: number): void
	getValue(address: number, type: string): number
	setValue(address: number, value: number, type: string): void
	UTF8ToString(address: number, maxBytesToRead?: number): string
	stringToUTF8(value: string, address: number, maxBytes: number): number
	lengthBytesUTF8(value: string): number
	UTF16ToString(address: number, maxBytesToRead?: number): string
	stringToUTF16(value: string, address: number, maxBytes: number): number
	UTF32ToString(address: number, maxBytesToRead?: number): string
	stringToUTF32(value: string, address: number, maxBytes: number): number
}

/** A fresh instance of the fixture (each has its own memory: 16 MiB, growable). */
export async function loadEmscriptenHeaplib(): Promise<EmscriptenHeaplib> {
	const require = createRequire(import.meta.url)
	const factory = require('../test/fixtures/emscripten/heaplib.cjs') as () => Promise<EmscriptenHeaplib>
	return factory()
}
