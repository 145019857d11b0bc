/**
 * The `wasm-heap-manager/allocator` entry point: the built-in allocator on its own,
 * without the manager (the main entry exports it too).
 *
 * @packageDocumentation
 * @module wasm-heap-manager/allocator
 */
export {
	createHeapAllocator,
	type HeapAllocator,
	type HeapAllocatorOptions,
	type HeapTarget,
	type WebAssemblyGlobalLike,
	type WebAssemblyMemoryLike,
} from './HeapAllocator.js'
