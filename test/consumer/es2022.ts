// Compiled with lib ["ES2022"] only: no DOM, no esnext.disposable, no @types.
import { createWasmHeapManager } from 'wasm-heap-manager'

const buffer = new ArrayBuffer(64)
const heap = createWasmHeapManager(() => buffer, () => 8, () => {})

export function use(): number {
	const ref = heap.allocInt32(7)
	try {
		return ref.value
	} finally {
		ref[Symbol.dispose]()
	}
}
