// A strict TypeScript consumer of the packed package, compiled by test/publish.test.ts
// in a temporary project that installed the tarball. It is never run, only type-checked:
// every line must compile, and each `@ts-expect-error` line must be an error (the test
// also compiles a copy without those directives and checks each error's line and code).
import {
	Int32Ref,
	createHeapAllocator,
	createWasmHeapManager,
	type HeapAllocator,
	wrapEmscriptenModuleHeap,
	type EmscriptenModuleLike,
	type HeapRef,
	type PollingMode,
	type Utf8StringRef,
	type WasmHeapManager,
	type WasmHeapManagerOptions,
} from 'wasm-heap-manager'

const memory = new WebAssembly.Memory({ initial: 1 })
let next = 8
const heap: WasmHeapManager = createWasmHeapManager(
	() => memory.buffer,
	(byteSize) => {
		const address = next
		next += (byteSize + 7) & ~7
		return address
	},
	(_address) => {},
	{ pollingMode: 'whenEmpty', trackAllocations: true },
)

declare const emscriptenModule: EmscriptenModuleLike
const emscriptenHeap: WasmHeapManager = wrapEmscriptenModuleHeap(emscriptenModule, { pollingMode: 'never' })

const wide: bigint = heap.readBigInt64(16)
heap.writeBigInt64(16, wide + 1n)
heap.writeInt32(24, heap.readInt32(24) + 1)
const pointer: number = heap.readPointer53(32)
heap.writePointer53(32, pointer)
heap.writeFloat64(40, Math.PI)

const count: Int32Ref = heap.allocInt32()
count.value = 7
const doubled: number = count.read() * 2
const samples = heap.allocFloat64Array([1.5, 2.5])
samples.writeAt(0, samples.readAt(1) + samples.elementCount)
const greeting: Utf8StringRef = heap.allocNullTerminatedUtf8String('héllo')
const text: string = greeting.value
greeting.free()

function scoped(): number {
	using ref = heap.allocInt32()
	ref.write(doubled)
	return ref.read()
}

// A bare memory with the built-in allocator (its options beside the manager's), and the
// allocator on its own over a buffer.
const bare: WasmHeapManager = createWasmHeapManager(new WebAssembly.Memory({ initial: 1, maximum: 16 }), {
	start: 1024,
	maximumByteSize: 1 << 20,
	pollingMode: 'whenEmpty',
})
const allocator: HeapAllocator = createHeapAllocator(new ArrayBuffer(65536), { start: 64 })
const block: number = allocator.alloc(16, 16)
allocator.free(block)
allocator.check()
const accounted: number = allocator.usedByteSize + allocator.freeByteSize + allocator.largestFreeBlock + bare.allocInt32().address

const refs: readonly HeapRef[] = heap.allocatedRefs
const mode: PollingMode = 'always'
const options: WasmHeapManagerOptions = { pollingMode: mode, clearAllocatedRegions: false }

// @ts-expect-error a number is not a bigint
heap.writeBigInt64(16, 1)
// @ts-expect-error a bigint is not a number
heap.writeInt32(24, 1n)
// @ts-expect-error Pointer53 values are numbers
heap.writePointer53(32, 2n ** 40n)
// @ts-expect-error a string is not a number
heap.writeFloat64(40, '3.14')
// @ts-expect-error not a polling mode
createWasmHeapManager(() => memory.buffer, () => 8, () => {}, { pollingMode: 'sometimes' })

export { accounted, count, emscriptenHeap, options, refs, scoped, text }
