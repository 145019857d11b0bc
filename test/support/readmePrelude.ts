/**
 * What the README's examples may assume, as the README says: `exports` (a fresh
 * instance of the plain wasm32 fixture: `memory`, `malloc`, `free` and the C
 * functions), `heap` (a manager over its memory with its malloc and free), `memory`
 * (that `WebAssembly.Memory`), `address` (a zeroed 1 KiB region allocated from it),
 * `emscriptenModule` (the Emscripten-built fixture, instantiated once and shared) and
 * `rust` (the exports of a fresh instance of the Rust fixture, test/fixtures/rust/).
 */
import { createWasmHeapManager } from '../../src/index.js'
import { loadEmscriptenFixture, loadRustFixture, loadWasiFixture, type HeaplibEmscriptenModule } from './fixtures.js'

let emscriptenModule: Promise<HeaplibEmscriptenModule> | undefined

export async function readmePrelude() {
	const { exports, memory } = await loadWasiFixture()
	const heap = createWasmHeapManager(() => memory.buffer, exports.malloc, exports.free)
	const address = exports.malloc(1024)
	new Uint8Array(memory.buffer, address, 1024).fill(0)
	// One Emscripten instance serves every block.
	emscriptenModule ??= loadEmscriptenFixture()
	const { exports: rust } = await loadRustFixture()
	return { heap, memory, address, exports, emscriptenModule: await emscriptenModule, rust }
}
