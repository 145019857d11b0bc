import { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { Allocator, Deallocator, GetLatestHeap, Memory64Allocator, Memory64Deallocator } from './HeapCore.js'
import { allocatorOptionNames, createHeapAllocatorFor, type HeapAllocatorOptions, type HeapTarget } from './HeapAllocator.js'
import { constructedBy } from './HeapAccess.js'
import { resolveOptions, type WasmHeapManagerOptions } from './options.js'
import { heapArgumentInvalid, raise } from './messages.js'

/** What every error of this entry point's arguments and options names: the function the user called. */
const CREATE = 'createWasmHeapManager'

/**
 * Creates a manager for any heap: a function returning the current `ArrayBuffer` or
 * `SharedArrayBuffer`, an allocator and a deallocator.
 *
 * ```ts
 * const heapManager = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
 * ```
 * @group Entry points
 */
export function createWasmHeapManager(
	getLatestHeap: GetLatestHeap,
	alloc: Allocator,
	free: Deallocator,
	options?: WasmHeapManagerOptions,
): WasmHeapManager
/**
 * For memory64 (wasm64) modules: `alloc` returns `bigint` addresses (a `malloc` export
 * also takes its size as a `bigint`; the manager learns which on the first call) and
 * `free` takes them. Refs and methods still use `number` addresses.
 *
 * ```ts
 * const heapManager = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
 * ```
 */
export function createWasmHeapManager(
	getLatestHeap: GetLatestHeap,
	alloc: Allocator | Memory64Allocator,
	free: Memory64Deallocator,
	options?: WasmHeapManagerOptions,
): WasmHeapManager
/**
 * A bare memory or buffer, with the built-in allocator (`createHeapAllocator`) as its
 * `malloc`: a `WebAssembly.Memory` grows on demand. The allocator's options (`start`,
 * `end`, `maximumByteSize`) go with the manager's.
 *
 * ```ts
 * const heapManager = createWasmHeapManager(new WebAssembly.Memory({ initial: 1, maximum: 100 }))
 * ```
 */
export function createWasmHeapManager(
	target: HeapTarget,
	options?: WasmHeapManagerOptions & HeapAllocatorOptions,
): WasmHeapManager
export function createWasmHeapManager(
	getLatestHeap: GetLatestHeap | HeapTarget,
	alloc?: Allocator | Memory64Allocator | (WasmHeapManagerOptions & HeapAllocatorOptions),
	free?: Deallocator | Memory64Deallocator,
	options?: WasmHeapManagerOptions,
): WasmHeapManager {
	if (typeof getLatestHeap !== 'function') {
		if (typeof alloc !== 'function' && isHeapTarget(getLatestHeap)) return overBareHeap(getLatestHeap, alloc)
		// a view (Emscripten's HEAPU8 is the usual one), or a heap given with an allocator
		throw raise(heapArgumentInvalid, getLatestHeap, typeof alloc === 'function' && isHeapTarget(getLatestHeap))
	}
	return constructedBy(CREATE, () => new WasmHeapManager(getLatestHeap as GetLatestHeap, alloc as Allocator, free as Memory64Deallocator, options))
}

function isHeapTarget(value: unknown): value is HeapTarget {
	const shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer
	if (typeof WebAssembly !== 'undefined' && value instanceof WebAssembly.Memory) return true
	return value instanceof ArrayBuffer || (shared !== undefined && value instanceof shared)
}

/**
 * A manager over `target` with the built-in allocator: the options split between the two.
 * The manager's are checked before the allocator writes its header, so a bad option
 * leaves the memory as it was; an unknown one is named with the options of both. Every
 * error names createWasmHeapManager (not the createHeapAllocator it calls).
 */
function overBareHeap(target: HeapTarget, options: unknown): WasmHeapManager {
	resolveOptions(options as WasmHeapManagerOptions | undefined, CREATE, allocatorOptionNames)
	const allocatorOptions: Record<string, unknown> = {}
	const managerOptions: Record<string, unknown> = {}
	for (const [key, value] of Object.entries(options ?? {})) {
		if (allocatorOptionNames.includes(key)) allocatorOptions[key] = value
		else managerOptions[key] = value
	}
	const allocator = createHeapAllocatorFor(CREATE, target, allocatorOptions)
	// A WebAssembly.Memory replaces its buffer when it grows; a buffer is the heap itself.
	const getLatestHeap = 'buffer' in target ? () => target.buffer : () => target
	return constructedBy(CREATE, () => new WasmHeapManager(getLatestHeap, allocator.alloc, allocator.free, managerOptions))
}
