// Compiled with lib ["ES2022", "DOM"] and nothing else: a browser project that has not
// added esnext.disposable. Without `using` (that needs the lib's Disposable type), a ref
// is still disposable by hand through the Symbol.dispose the declarations provide.
import { createWasmHeapManager, type Int32Ref, type WasmHeapManager } from 'wasm-heap-manager'

const memory = new WebAssembly.Memory({ initial: 1 })
const heap: WasmHeapManager = createWasmHeapManager(memory)

export function render(target: HTMLElement): void {
	const ref: Int32Ref = heap.allocInt32(7)
	target.textContent = String(ref.value)
	ref[Symbol.dispose]()
	const scope = heap.openScope()
	heap.allocNullTerminatedUtf8String('temporary')
	scope[Symbol.dispose]()
}
