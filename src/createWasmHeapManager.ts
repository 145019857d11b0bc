import { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { Allocator, Deallocator, GetLatestHeap } from './HeapCore.js'
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
): WasmHeapManager {
	return new WasmHeapManager(getLatestHeap, alloc, free, options)
}
