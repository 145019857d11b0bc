// The package's declarations must need no lib beyond ES2022 and `esnext.disposable`
// (for `Symbol.dispose`): no DOM and no @types/node, so that a Node-only project, a
// worker or Deno compiles them with `skipLibCheck: false`.
import { createWasmHeapManager, type EmscriptenModuleLike } from 'wasm-heap-manager'

const buffer = new ArrayBuffer(64)
const heap = createWasmHeapManager(() => buffer, () => 8, () => {})
const module: EmscriptenModuleLike = { HEAPU8: new Uint8Array(buffer) }

export function use(): number {
	using ref = heap.allocInt32()
	ref.value = module.HEAPU8?.length ?? 0
	return ref.value
}
