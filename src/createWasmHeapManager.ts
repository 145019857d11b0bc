import { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { Allocator, Deallocator, GetLatestHeap, Memory64Allocator, Memory64Deallocator } from './HeapCore.js'
import type { WasmHeapManagerOptions } from './options.js'

/**
 * Creates a manager for any heap: a function returning the current `ArrayBuffer` or
 * `SharedArrayBuffer`, an allocator and a deallocator.
 *
 * ```ts
 * const heapManager = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
 * ```
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
export function createWasmHeapManager(
	getLatestHeap: GetLatestHeap,
	alloc: Allocator | Memory64Allocator,
	free: Deallocator | Memory64Deallocator,
	options?: WasmHeapManagerOptions,
): WasmHeapManager {
	return new WasmHeapManager(getLatestHeap, alloc, free as Memory64Deallocator, options)
}
