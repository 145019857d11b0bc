/**
 * The allocator contract and scopes, on the Rust fixture (test/fixtures/rust/heaprs.wasm):
 * a manager over its `alloc(size, align)` / `dealloc(ptr, size, align)`, which go through
 * Rust's global allocator and so need the size and alignment back on every free.
 *
 * - `alloc` + `free` of an `Int32` ref and of a 32-character string, against the bare
 *   `alloc` + `dealloc` of the same size and alignment (raw; for the string, written with
 *   `encodeInto` into a worst-case allocation, as in the allocation suite). Goal: 0.3x,
 *   as for the Emscripten `malloc`/`free` (allocation.bench.ts).
 * - `withScope` with three temporaries (an `Int32`, a `Float64Array(4)`, a short string),
 *   against the same three allocations each in its own `try/finally` that frees it
 *   explicitly. Goal (issue 12): the scope costs less than the three `try/finally`
 *   blocks plus 100 ns.
 */
import { readFileSync } from 'node:fs'
import { createWasmHeapManager } from './library.js'
import type { BenchCase } from './harness.js'

interface RustExports {
	readonly memory: WebAssembly.Memory
	alloc(size: number, align: number): number
	dealloc(address: number, size: number, align: number): void
	live_bytes(): number
}

const wasm = readFileSync(new URL('../test/fixtures/rust/heaprs.wasm', import.meta.url))
const rust = (await WebAssembly.instantiate(wasm, {})).instance.exports as unknown as RustExports
const heap = createWasmHeapManager(() => rust.memory.buffer, rust.alloc, rust.dealloc)
const encoder = new TextEncoder()

const operations = 1 << 12
const text32 = 'The quick brown fox jumps over t'
if (text32.length !== 32) throw new Error('the string must have 32 characters')

/** Everything a batch allocated was freed: Rust's own accounting says 0 bytes live. */
function checked(result: number): number {
	if (rust.live_bytes() !== 0) throw new Error(`ownership bench: ${rust.live_bytes()} bytes leaked`)
	return result
}

export const ownershipCases: BenchCase[] = [
	{
		suite: 'ownership',
		name: 'allocInt32() + free() (Rust alloc/dealloc)',
		operations,
		goals: { raw: 0.3 },
		library: () => {
			let address = 0
			for (let i = 0; i < operations; i++) {
				const ref = heap.allocInt32()
				address = ref.address
				ref.free()
			}
			return checked(address)
		},
		baselines: {
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = rust.alloc(4, 4)
					rust.dealloc(address, 4, 4)
				}
				return checked(address)
			},
		},
	},
	{
		suite: 'ownership',
		name: 'allocNullTerminatedUtf8String(32 chars) + free() (Rust)',
		operations,
		goals: { raw: 0.3 },
		library: () => {
			let address = 0
			for (let i = 0; i < operations; i++) {
				const ref = heap.allocNullTerminatedUtf8String(text32)
				address = ref.address
				ref.free()
			}
			return checked(address)
		},
		baselines: {
			raw: () => {
				let address = 0
				const room = text32.length * 3 + 1
				for (let i = 0; i < operations; i++) {
					address = rust.alloc(room, 1)
					const bytes = new Uint8Array(rust.memory.buffer)
					const written = encoder.encodeInto(text32, bytes.subarray(address, address + room - 1)).written
					bytes[address + written] = 0
					rust.dealloc(address, room, 1)
				}
				return checked(address)
			},
		},
	},
	{
		suite: 'ownership',
		name: 'withScope(3 temporaries)',
		operations,
		goalsWithinNs: { 'try/finally': 100 },
		library: () => {
			let sum = 0
			for (let i = 0; i < operations; i++) {
				sum += heap.withScope(() => {
					const count = heap.allocInt32(i)
					const values = heap.allocFloat64Array(4)
					const text = heap.allocNullTerminatedUtf8String('scope')
					return count.address + values.address + text.address
				})
			}
			return checked(sum)
		},
		baselines: {
			'try/finally': () => {
				let sum = 0
				for (let i = 0; i < operations; i++) {
					const count = heap.allocInt32(i)
					try {
						const values = heap.allocFloat64Array(4)
						try {
							const text = heap.allocNullTerminatedUtf8String('scope')
							try {
								sum += count.address + values.address + text.address
							} finally {
								text.free()
							}
						} finally {
							values.free()
						}
					} finally {
						count.free()
					}
				}
				return checked(sum)
			},
		},
	},
]
