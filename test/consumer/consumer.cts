// The same package required from CommonJS (a .cts file under `module: nodenext`): the
// import is emitted as `require`, so it must resolve to dist/index.d.cts.
import { Int32Ref, createWasmHeapManager, type WasmHeapManager } from 'wasm-heap-manager'

const buffer = new ArrayBuffer(256)
const heap: WasmHeapManager = createWasmHeapManager(() => buffer, () => 64, () => {})

const wide: bigint = heap.readBigInt64(8)
heap.writeBigInt64(8, wide)
heap.writeInt32(16, heap.readInt32(16))

function scoped(): number {
	using ref = heap.allocInt32()
	ref.value = 3
	return ref.value
}

const ref: Int32Ref = heap.allocInt32()

// @ts-expect-error a number is not a bigint
heap.writeBigInt64(8, 1)
// @ts-expect-error a bigint is not a number
heap.writeInt32(16, 1n)
// @ts-expect-error Pointer53 values are numbers
heap.writePointer53(24, 1n)
// @ts-expect-error a string is not a number
heap.writeFloat64(32, '1')
// @ts-expect-error not a polling mode
createWasmHeapManager(() => buffer, () => 64, () => {}, { pollingMode: 'sometimes' })

export { ref, scoped }
