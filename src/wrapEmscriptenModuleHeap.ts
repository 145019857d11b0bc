import { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { Allocator, Deallocator, HeapBuffer, Memory64Allocator, Memory64Deallocator } from './HeapCore.js'
import {
	emscriptenFunctionMissing,
	emscriptenHeapMissing,
	emscriptenMemoryOptionInvalid,
	emscriptenModuleIsAPromise,
	emscriptenModuleNotAnObject,
	raise,
} from './messages.js'
import { resolveOptions, type WasmHeapManagerOptions } from './options.js'
import type { WebAssemblyMemoryLike } from './HeapAllocator.js'
import { constructedBy } from './HeapAccess.js'

/**
 * The options of {@link wrapEmscriptenModuleHeap}: the manager's, and where the heap is.
 * @group Options
 */
export interface EmscriptenModuleHeapOptions extends WasmHeapManagerOptions {
	/**
	 * The module's `WebAssembly.Memory`, for a module that exposes neither `HEAPU8` nor
	 * `wasmMemory` (sql.js, and builds without `-sEXPORTED_RUNTIME_METHODS`): the export
	 * that is `instanceof WebAssembly.Memory` of the instance a `Module.instantiateWasm`
	 * hook creates. Find it by what it is, not by name: minified builds (sql.js) rename
	 * it, so `instance.exports.memory` is `undefined` there, and `undefined` here on a
	 * module without a heap is an `Error` saying so. Given, it is used whatever the module
	 * exposes.
	 */
	readonly memory?: WebAssemblyMemoryLike | undefined
}

/**
 * The parts of an Emscripten module the manager uses.
 * @group Options
 */
export interface EmscriptenModuleLike {
	/** The heap as bytes (`-sEXPORTED_RUNTIME_METHODS=HEAPU8`); Emscripten replaces it when the memory grows. */
	readonly HEAPU8?: Uint8Array
	/**
	 * The module's `WebAssembly.Memory`, where the build exports it
	 * (`-sEXPORTED_RUNTIME_METHODS=wasmMemory`). Typed by what is used, its `buffer`, so
	 * the declarations need no DOM lib.
	 */
	readonly wasmMemory?: {
		/** The memory's current buffer. */
		readonly buffer: ArrayBuffer | SharedArrayBuffer
	}
	/** `malloc` (`-sEXPORTED_FUNCTIONS=_malloc`). */
	readonly _malloc?: Allocator | Memory64Allocator
	/** `free` (`-sEXPORTED_FUNCTIONS=_free`). */
	readonly _free?: Deallocator | Memory64Deallocator
	/** `memalign` (`-sEXPORTED_FUNCTIONS=_memalign`): serves alignments above `malloc`'s 8. */
	readonly _memalign?: ((alignment: number, byteSize: number) => number) | ((alignment: bigint, byteSize: bigint) => bigint)
}

/**
 * Emscripten's lazy export wrappers (3.1.x without `-sWASM_ASYNC_COMPILATION=0`):
 * `function(){return(_free=Module["_free"]=Module["asm"]["free"]).apply(null,arguments)}`.
 * The first call replaces `Module._free` with the wasm export, but a manager that
 * captured the wrapper goes on calling it, through `.apply`, every time (+5 ns per call).
 * Captures the export's name (minified builds rename it).
 */
const lazyWrapperPattern = /\b(?:asm|wasmExports)["']?\]?\s*(?:\[\s*["']([\w$]+)["']\s*\]|\.([\w$]+))\s*\)\s*\.apply\(\s*null\s*,\s*arguments\s*\)/

/**
 * The wasm export that `fn` forwards to, when `fn` is one of Emscripten's lazy wrappers
 * and the module exposes its exports (`asm`, or `wasmExports`); otherwise `fn` itself.
 * A function that code replaced `_malloc`/`_free` with (to count calls, say) is not a
 * lazy wrapper and is kept.
 */
function resolvedExport<F>(module: EmscriptenModuleLike, fn: F): F {
	const match = lazyWrapperPattern.exec(Function.prototype.toString.call(fn))
	if (match === null) return fn
	const exports = (module as { asm?: Record<string, unknown> }).asm ?? (module as { wasmExports?: Record<string, unknown> }).wasmExports
	const resolved = typeof exports === 'object' && exports !== null ? exports[(match[1] ?? match[2])!] : undefined
	// Only a wasm export (native code) stands in for the wrapper.
	return typeof resolved === 'function' && /\[native code\]/.test(Function.prototype.toString.call(resolved)) ? (resolved as F) : fn
}

const isMemory = (value: unknown): value is WebAssembly.Memory =>
	typeof WebAssembly !== 'undefined' && value instanceof WebAssembly.Memory

/**
 * The memory of a module's raw wasm exports (`Module.asm` in Emscripten up to 3.1.x,
 * `wasmExports` later), if it is reachable: the export named `memory`, else the one
 * export that is a `WebAssembly.Memory` whatever its name (optimized builds minify export
 * names: sql.js calls its memory `O`).
 */
function rawExportsMemory(module: EmscriptenModuleLike): WebAssembly.Memory | undefined {
	const raw = module as { asm?: unknown; wasmExports?: unknown }
	for (const exports of [raw.asm, raw.wasmExports]) {
		if (typeof exports !== 'object' || exports === null) continue
		const named = (exports as { memory?: unknown }).memory
		if (isMemory(named)) return named
		const memories = Object.values(exports).filter(isMemory)
		if (memories.length === 1) return memories[0]
	}
	return undefined
}

/**
 * Creates a manager over an instantiated Emscripten module's heap, using its
 * `_malloc` and `_free` (the wasm exports themselves when these are Emscripten's lazy
 * forwarding wrappers; a function you replaced them with is called as it is). The heap
 * comes from `options.memory` when given, else from `wasmMemory` when the module exposes
 * it, else from `HEAPU8` (which Emscripten replaces whenever the memory grows), else from
 * the memory of the module's raw wasm exports (`Module.asm` or `Module.wasmExports`: the
 * export named `memory`, else the one memory export under a minified name).
 *
 * ```ts
 * // sql.js and other modules that expose _malloc/_free but no heap: their memory as an option,
 * // the export of the instance their Module.instantiateWasm hook creates that is a WebAssembly.Memory
 * const heapManager = wrapEmscriptenModuleHeap(emscriptenModule, { memory })
 * ```
 *
 * @throws Error naming the `emcc` flag that adds a missing `_malloc`, `_free` or heap
 * (or, for the heap, the `memory` option; `memory: undefined` on a module without a heap
 * says how to find a minified build's memory); TypeError for a `memory` option that is
 * neither a `WebAssembly.Memory` nor `undefined`
 * @group Entry points
 */
export function wrapEmscriptenModuleHeap(module: EmscriptenModuleLike, options?: EmscriptenModuleHeapOptions): WasmHeapManager {
	if (typeof module !== 'object' || module === null) {
		throw raise(emscriptenModuleNotAnObject, 'wrapEmscriptenModuleHeap', module)
	}

	if (typeof (module as { then?: unknown }).then === 'function') {
		throw raise(emscriptenModuleIsAPromise, 'wrapEmscriptenModuleHeap')
	}

	const malloc = module._malloc
	const free = module._free
	if (typeof malloc !== 'function') throw raise(emscriptenFunctionMissing, 'wrapEmscriptenModuleHeap', '_malloc')
	if (typeof free !== 'function') throw raise(emscriptenFunctionMissing, 'wrapEmscriptenModuleHeap', '_free')

	let managerOptions: WasmHeapManagerOptions | undefined = options
	let memoryOption: unknown
	// Checked before the heap is looked for: a misspelt `memory` would otherwise read as a
	// module without a heap.
	resolveOptions(options, 'wrapEmscriptenModuleHeap', ['memory'])
	if (typeof options === 'object' && options !== null && 'memory' in options) {
		const { memory, ...rest } = options
		memoryOption = memory
		managerOptions = rest
		if (memoryOption !== undefined && !isMemory(memoryOption)) {
			throw raise(emscriptenMemoryOptionInvalid, 'wrapEmscriptenModuleHeap', memoryOption)
		}
	}

	let getLatestHeap: () => HeapBuffer
	const rawMemory = rawExportsMemory(module)
	if (memoryOption !== undefined) {
		const memory = memoryOption as WebAssemblyMemoryLike
		getLatestHeap = () => memory.buffer
	} else if (isMemory(module.wasmMemory)) {
		const memory: WebAssembly.Memory = module.wasmMemory
		getLatestHeap = () => memory.buffer
	} else if (module.HEAPU8 instanceof Uint8Array) {
		// Emscripten assigns a new HEAPU8 after growth it performs itself. If the view is
		// detached but the raw exports' memory is reachable (growth from JS), use that.
		getLatestHeap = () => {
			const buffer = module.HEAPU8!.buffer as HeapBuffer
			if (buffer.byteLength === 0) {
				const memory = rawExportsMemory(module)
				if (memory !== undefined) return memory.buffer
			}
			return buffer
		}
	} else if (rawMemory !== undefined) {
		// Neither HEAPU8 nor wasmMemory (a build without -sEXPORTED_RUNTIME_METHODS), but
		// the raw exports, and the memory among them, are on the module.
		getLatestHeap = () => rawMemory.buffer
	} else {
		// `{ memory: undefined }`: most likely `instance.exports.memory` of a minified build.
		throw raise(emscriptenHeapMissing, 'wrapEmscriptenModuleHeap', typeof options === 'object' && options !== null && 'memory' in options)
	}

	const manager = constructedBy('wrapEmscriptenModuleHeap', () => new WasmHeapManager(getLatestHeap, resolvedExport(module, malloc!), resolvedExport(module, free) as Memory64Deallocator, managerOptions))
	// Emscripten's malloc aligns to 8: a region it returns misaligned for a larger alignment
	// (a struct with an `_Alignas(16)` member) is asked of `memalign` instead, if exported.
	const aligned = module._memalign
	manager.core.alignedAllocator = typeof aligned === 'function' ? (resolvedExport(module, aligned) as (alignment: number | bigint, byteSize: number | bigint) => unknown) : null
	return manager
}
