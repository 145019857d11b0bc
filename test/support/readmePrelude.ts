/**
 * What the README's examples may assume, as the README says: `exports` (a fresh
 * instance of the plain wasm32 fixture: `memory`, `malloc`, `free` and the C
 * functions), `heap` (a manager over its memory with its malloc and free), `memory`
 * (that `WebAssembly.Memory`), `address` (a zeroed 1 KiB region allocated from it) and
 * `emscriptenModule` (the Emscripten-built fixture, instantiated once and shared).
 */
import { createRequire } from 'node:module'
import { createWasmHeapManager } from '../../src/index.js'

const require = createRequire(import.meta.url)

export interface WasiExports {
	readonly memory: WebAssembly.Memory
	malloc(size: number): number
	free(address: number): void
	sum_f64(address: number, count: number): number
	sum_i32(address: number, count: number): number
	make_greeting(name: number): number
	utf8_length(address: number): number
	[name: string]: unknown
}

export interface EmscriptenModule {
	HEAPU8: Uint8Array
	_malloc(size: number): number
	_free(address: number): void
	_make_greeting(name: number): number
	_sum_f64(address: number, count: number): number
	_grow_heap(bytes: number): number
	[name: string]: unknown
}

let emscriptenModule: Promise<EmscriptenModule> | undefined

export async function readmePrelude() {
	const { loadWasiHeaplib } = await import('../fixtures/wasi/load.mjs')
	const exports = (await loadWasiHeaplib()).exports as unknown as WasiExports
	const memory = exports.memory
	const heap = createWasmHeapManager(() => memory.buffer, exports.malloc, exports.free)
	const address = exports.malloc(1024)
	new Uint8Array(memory.buffer, address, 1024).fill(0)
	// Emscripten adds process listeners per instance: one instance serves every block.
	const factory = require('../fixtures/emscripten/heaplib.cjs') as () => Promise<EmscriptenModule>
	emscriptenModule ??= factory()
	return { heap, memory, address, exports, emscriptenModule: await emscriptenModule }
}
