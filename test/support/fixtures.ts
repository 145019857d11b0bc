/**
 * The two builds of the C fixture library (test/fixtures/src/heaplib.c, see
 * test/fixtures/README.md), typed once: loaders for the wasm32-wasi build
 * (test/fixtures/wasi/heaplib.wasm), alone or under a manager, and the Emscripten build
 * (test/fixtures/emscripten/heaplib.cjs), and the parts of their exports the tests and
 * the README examples use. Every other C function is reachable by name as `unknown`.
 * And the Rust fixture (test/fixtures/rust/heaprs.wasm): `loadRustFixture`.
 */
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { createWasmHeapManager, type WasmHeapManager } from '../../src/index.js'
import { loadWasiHeaplib } from '../fixtures/wasi/load.mjs'

/** The exports of the wasm32-wasi build: C names, pointers as (signed) i32 numbers. */
export interface HeaplibWasiExports {
	readonly memory: WebAssembly.Memory
	malloc(size: number): number
	free(address: number): void
	sum_i8(address: number, count: number): number
	sum_u8(address: number, count: number): number
	sum_u16(address: number, count: number): number
	sum_i32(address: number, count: number): number
	sum_u32(address: number, count: number): number
	sum_i64(address: number, count: number, out: number): void
	sum_f64(address: number, count: number): number
	make_greeting(name: number): number
	utf8_length(address: number): number
	grow_heap(bytes: number): number
	heap_size(): number
	[name: string]: unknown
}

/** The Emscripten module: C names with a leading `_`, `HEAPU8` and the wasm memory as `asm.memory`. */
export interface HeaplibEmscriptenModule {
	HEAPU8: Uint8Array
	readonly asm: { readonly memory: WebAssembly.Memory }
	_malloc(size: number): number
	_free(address: number): void
	_sum_i32(address: number, count: number): number
	_sum_f64(address: number, count: number): number
	_make_greeting(name: number): number
	_grow_heap(bytes: number): number
	_heap_size(): number
	[name: string]: unknown
}

/** What every clang wasm32-wasi reactor fixture exports beside its own functions. */
export interface ReactorExports {
	memory: WebAssembly.Memory
	malloc(size: number): number
	free(address: number): void
	_initialize(): void
}

/**
 * A fresh instance of the clang reactor module at `path` (its own memory), initialized, with
 * every import a function that throws naming the file and the import: the fixtures call none.
 */
export async function instantiateReactor<E>(path: string | URL): Promise<E & ReactorExports> {
	const module = await WebAssembly.compile(readFileSync(path))
	const file = basename(typeof path === 'string' ? path : fileURLToPath(path))
	const imports: Record<string, Record<string, () => never>> = {}
	for (const { module: from, name } of WebAssembly.Module.imports(module)) {
		;(imports[from] ??= {})[name] = () => {
			throw new Error(`${file}: unexpected call to ${from}.${name}`)
		}
	}
	const exports = (await WebAssembly.instantiate(module, imports)).exports as unknown as E & ReactorExports
	exports._initialize()
	return exports
}

/** A fresh instance of the wasi build (its own memory and malloc state), initialized. */
export async function loadWasiFixture(): Promise<{ exports: HeaplibWasiExports; memory: WebAssembly.Memory }> {
	const { exports, memory } = await loadWasiHeaplib()
	return { exports: exports as unknown as HeaplibWasiExports, memory }
}

/** A fresh wasi instance and a manager over its memory with its own `malloc` and `free`; `freeCalls()` counts the frees. */
export async function loadWasiFixtureHeap(): Promise<{
	heap: WasmHeapManager
	exports: HeaplibWasiExports
	memory: WebAssembly.Memory
	freeCalls: () => number
}> {
	const { exports, memory } = await loadWasiFixture()
	let freeCalls = 0
	const heap = createWasmHeapManager(
		() => memory.buffer,
		exports.malloc,
		(address: number) => {
			freeCalls++
			exports.free(address)
		},
	)
	return { heap, exports, memory, freeCalls: () => freeCalls }
}

const require = createRequire(import.meta.url)
const emscriptenFactory = require('../fixtures/emscripten/heaplib.cjs') as (overrides?: object) => Promise<HeaplibEmscriptenModule>

/**
 * The Emscripten build's factory, called: the promise of a fresh module (`overrides` as
 * Emscripten's `Module` argument). Built with `-sNODEJS_CATCH_EXIT=0
 * -sNODEJS_CATCH_REJECTION=0`, an instance adds no process listeners.
 */
export function loadEmscriptenFixture(overrides?: object): Promise<HeaplibEmscriptenModule> {
	return emscriptenFactory(overrides)
}

/**
 * The exports of the Rust fixture (test/fixtures/rust/heaprs.rs): Rust's global allocator
 * behind `alloc`/`dealloc` and wasm-bindgen's `__wbindgen_malloc`/`__wbindgen_free`, its
 * own accounting (`live_bytes`, `live_blocks`, `bad_frees`), and functions over
 * pointer + length. Pointers and `usize`s are i32 numbers.
 */
export interface HeaprsExports {
	readonly memory: WebAssembly.Memory
	alloc(size: number, align: number): number
	dealloc(address: number, size: number, align: number): void
	__wbindgen_malloc(size: number, align: number): number
	__wbindgen_free(address: number, size: number, align: number): void
	live_bytes(): number
	live_blocks(): number
	bad_frees(): number
	allocation_count(): number
	deallocation_count(): number
	count_chars(address: number, length: number): number
	sum_f64(address: number, length: number): number
	uppercase(address: number, length: number, outPointer: number, outLength: number): number
	greet(name: number, length: number, out: number): number
	squares(count: number): number
	take_bytes(address: number, length: number): number
	take_f64s(address: number, length: number): number
	static_message(outLength: number): number
}

let rustModule: Promise<WebAssembly.Module> | undefined

/** A fresh instance of the Rust fixture (its own memory and allocator state); the module is compiled once. */
export async function loadRustFixture(): Promise<{ exports: HeaprsExports; memory: WebAssembly.Memory }> {
	rustModule ??= WebAssembly.compile(readFileSync(new URL('../fixtures/rust/heaprs.wasm', import.meta.url)))
	const instance = await WebAssembly.instantiate(await rustModule, {})
	const exports = instance.exports as unknown as HeaprsExports
	return { exports, memory: exports.memory }
}

/**
 * The Emscripten build with every runtime helper exported
 * (test/fixtures/emscripten/helpers.cjs, and helpers-bigint.cjs built with
 * `-sWASM_BIGINT`): what test/emscripten-helpers.test.ts runs beside the library.
 * Typed as Emscripten 3.1.6 defines the helpers.
 */
export interface EmscriptenHelpersModule extends HeaplibEmscriptenModule {
	_utf8_length(address: number): number
	_sum_u8(address: number, count: number): number
	HEAP8: Int8Array
	HEAP16: Int16Array
	HEAPU16: Uint16Array
	HEAP32: Int32Array
	HEAPU32: Uint32Array
	HEAPF32: Float32Array
	HEAPF64: Float64Array
	getValue(address: number, type?: string): number | undefined
	setValue(address: number, value: number | bigint | boolean, type?: string): void
	UTF8ToString(address: number, maxBytesToRead?: number): string
	stringToUTF8(value: string, address: number, maxBytesToWrite: number): number
	lengthBytesUTF8(value: string): number
	stringToNewUTF8(value: string): number
	allocateUTF8(value: string): number
	allocateUTF8OnStack(value: string): number
	UTF16ToString(address: number, maxBytesToRead?: number): string
	stringToUTF16(value: string, address: number, maxBytesToWrite?: number): number
	lengthBytesUTF16(value: string): number
	UTF32ToString(address: number, maxBytesToRead?: number): string
	stringToUTF32(value: string, address: number, maxBytesToWrite?: number): number
	lengthBytesUTF32(value: string): number
	AsciiToString(address: number): string
	stringToAscii(value: string, address: number): void
	writeAsciiToMemory(value: string, address: number, dontAddNull?: boolean): void
	writeArrayToMemory(values: ArrayLike<number>, address: number): void
	stackSave(): number
	stackAlloc(byteSize: number): number
	stackRestore(stack: number): void
	ccall(name: string, returnType: string | null, argumentTypes: readonly string[], args: readonly unknown[]): unknown
	cwrap(name: string, returnType: string | null, argumentTypes: readonly string[]): (...args: unknown[]) => unknown
}

const helpersFactories = {
	helpers: require('../fixtures/emscripten/helpers.cjs') as () => Promise<EmscriptenHelpersModule>,
	'helpers-bigint': require('../fixtures/emscripten/helpers-bigint.cjs') as () => Promise<EmscriptenHelpersModule>,
}

/** A fresh instance of the helpers build: `'helpers'` (3.1.6's default, no `-sWASM_BIGINT`) or `'helpers-bigint'`. */
export function loadEmscriptenHelpersFixture(build: keyof typeof helpersFactories = 'helpers'): Promise<EmscriptenHelpersModule> {
	return helpersFactories[build]()
}
