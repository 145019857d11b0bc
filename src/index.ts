/**
 * wasm-heap-manager: safe, fast reads, writes, allocation and wrapping of numbers,
 * strings and typed arrays on a WebAssembly heap.
 *
 * @packageDocumentation
 * @module wasm-heap-manager
 */
export { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
export * from '../generated/Refs.generated.js'
export { ArrayHeapRef, HeapRef } from './HeapRef.js'
export { createWasmHeapManager } from './createWasmHeapManager.js'
export * from './allocator.js'
export { wrapEmscriptenModuleHeap, type EmscriptenModuleHeapOptions, type EmscriptenModuleLike } from './wrapEmscriptenModuleHeap.js'
export type {
	Allocator,
	Deallocator,
	GetLatestHeap,
	HeapBuffer,
	Memory64Allocator,
	Memory64Deallocator,
	WrapOptions,
} from './HeapCore.js'
export type { HeapScope } from './HeapScope.js'
export type { AllocationSiteReport, HeapReport } from './HeapDebug.js'
export type { WaitResult } from './HeapWaits.js'
export type { HeapError, HeapErrorCode } from './errors.js'
export type { PollingMode, WasmHeapManagerOptions } from './options.js'
export type { Float16ArrayView } from './globalConstructors.js'
export { elementTable, type ElementCIntegers, type ElementFacts, type ElementTypeName, type ElementValueTypes } from '../generated/elementTable.generated.js'
export * from './structs.js'
export {
	FieldArrayRef,
	StructArrayRef,
	StructRef,
	type FieldRefs,
	type ElementArrayRefOf,
	type FieldRefValue,
	type IsSubRef,
	type LooseStructRef,
	type PointerTargetRef,
	type ReservedFieldName,
	type StructRefOf,
} from './structs/StructRef.js'
export type { StructArrayWrapOptions } from './structs/structAccess.js'
export type { ArrayRefOf, DeclarationOf, GeneratedStructRefClass, HasArrayClass, HasStructType, ManagerMadeClass, RefOf, StructTypeOrClass } from './structs/generatedClasses.js'
