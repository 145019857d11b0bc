/**
 * wasm-heap-manager: safe, fast reads, writes, allocation and wrapping of numbers,
 * strings and typed arrays on a WebAssembly heap.
 *
 * @groupDescription Entry points
 * Start here: make a manager for a heap, or a heap allocator, or declare a struct.
 * @groupDescription Manager
 * The manager: every read, write, view, allocation and wrap on one heap.
 * @groupDescription Number refs
 * A ref to one number on the heap, from `alloc<Type>` / `wrap<Type>`.
 * @groupDescription Array refs
 * A ref to an array of numbers on the heap, from `alloc<Type>Array` / `wrap<Type>Array`.
 * @groupDescription String refs
 * A ref to a null-terminated string on the heap, from `allocNullTerminated<Enc>String` / `wrapNullTerminated<Enc>String`.
 * @groupDescription String slice refs
 * A ref to a length-delimited string on the heap, from `alloc<Enc>StringSlice` / `wrap<Enc>StringSlice`.
 * @groupDescription Structs
 * C structs, unions and enums: declarations, layouts and refs.
 * @groupDescription Allocator
 * The built-in allocator (also the `wasm-heap-manager/allocator` entry point).
 * @groupDescription Options
 * What the factories and wrap methods take.
 * @groupDescription Errors
 * What is thrown: every error carries a code.
 * @groupDescription Ref base classes
 * What every ref has: its region, `free`, `release`, `using`.
 * @groupDescription Debugging
 * What the debug mode reports.
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
	type ArrayElementRef,
	type FieldRefs,
	type ElementArrayRefOf,
	type ScalarRowOf,
	type FieldRefValue,
	type IsSubRef,
	type LooseStructRef,
	type PointerTargetRef,
	type ReservedFieldName,
	type StructRefOf,
} from './structs/StructRef.js'
export type { StructArrayWrapOptions } from './structs/structAccess.js'
export type { StringSliceWrapOptions } from './HeapStrings.js'
export type { ArrayRefOf, DeclarationOf, GeneratedStructRefClass, HasArrayClass, HasStructType, ManagerMadeClass, RefOf, StructTypeOrClass } from './structs/generatedClasses.js'
