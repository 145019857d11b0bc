/**
 * Allocation through the Emscripten fixture's real `malloc`/`free`, with the manager's
 * defaults (tracking on, allocated regions zeroed):
 *
 * - `alloc` + `free` of a value ref, an array ref, a 40-byte struct and a 32-character string, against
 *   the bare `_malloc` + `_free` of the same size (raw) and, for the string, against
 *   Emscripten's own way to allocate one (`lengthBytesUTF8`, `_malloc`, `stringToUTF8`,
 *   as its `allocateUTF8` does) and `_free`. Raw writes the string with `encodeInto`
 *   into a worst-case (3 bytes per code unit) allocation.
 * - `freeAll()` of 100,000 tracked refs against a loop of bare `_free` calls over
 *   100,000 addresses from `_malloc` (the same addresses: the allocator is in the same
 *   state before each). The refs and blocks are allocated untimed before every batch.
 *
 * Goal (benchmark issue): value-ref `alloc` + `free` with tracking on at least 0.3x
 * bare `malloc` + `free`.
 *
 * One manager exists in this process (see run.ts); `BENCH_MANAGERS=3 npm run bench --
 * allocation` adds managers over fixture instances of their own, each of which has
 * allocated and freed before the cases run (so the library's shared code has seen
 * several modules' `malloc`/`free`). How `free(address)` scales with the number of live
 * refs is the tracking suite (tracking.bench.ts).
 */
import { wrapEmscriptenModuleHeap, type Int32Ref } from './library.js'
import { Body } from './benchStructs.js'
import { loadEmscriptenHeaplib } from './emscriptenFixture.js'
import type { BenchCase } from './harness.js'

const module = await loadEmscriptenHeaplib()
const heap = wrapEmscriptenModuleHeap(module)

const managerCount = Number(process.env.BENCH_MANAGERS ?? 1)
if (!Number.isInteger(managerCount) || managerCount < 1) throw new RangeError(`BENCH_MANAGERS must be a positive integer, got ${process.env.BENCH_MANAGERS}`)
for (let extra = 1; extra < managerCount; extra++) {
	const other = wrapEmscriptenModuleHeap(await loadEmscriptenHeaplib())
	for (let i = 0; i < 1000; i++) {
		other.allocInt32().free()
		other.allocFloat64Array(16).free()
		other.allocNullTerminatedUtf8String('other').free()
	}
}
const encoder = new TextEncoder()

/**
 * The realistic regime (see run.ts): the module's memory grows once (C's `malloc` of
 * more than the heap has, freed at once), and every error path of the measured methods
 * is taken once: a bad count, freeing an address with no live ref, using and freeing a
 * freed ref, an allocation the allocator refuses.
 */
function enterRealisticRegime(): void {
	const attempt = (action: () => unknown): void => {
		try {
			action()
		} catch {
			return
		}
		throw new Error('bench: an error path did not throw')
	}
	const before = module.HEAPU8.buffer.byteLength
	const block = module._malloc(before)
	if (block === 0 || module.HEAPU8.buffer.byteLength === before) throw new Error('bench: the memory did not grow')
	module._free(block)
	const ref = heap.allocInt32()
	ref.value = 1
	const array = heap.allocFloat64Array(16)
	const text = heap.allocNullTerminatedUtf8String(text32)
	const body = heap.allocStruct(Body)
	ref.free()
	array.free()
	text.free()
	body.free()
	attempt(() => body.read())
	attempt(() => heap.allocStruct({} as never))
	attempt(() => ref.value)
	attempt(() => array.readAt(0))
	attempt(() => text.value)
	attempt(() => ref.release())
	attempt(() => heap.free(ref.address))
	attempt(() => heap.allocFloat64Array(-1))
	attempt(() => heap.allocInt32Array(2 ** 31))
	attempt(() => heap.allocate(-1))
}

const operations = 1 << 12
const text32 = 'The quick brown fox jumps over t'
if (text32.length !== 32) throw new Error('the string must have 32 characters')

const freeAllCount = 100_000
let liveRefs: Int32Ref[] = []
const rawAddresses = new Float64Array(freeAllCount)

/** The cases, in the given regime (see run.ts). */
export function createAllocationCases(regime: 'pristine' | 'realistic'): BenchCase[] {
	if (regime === 'realistic') enterRealisticRegime()
	const suite = regime === 'pristine' ? 'allocation' : 'allocation realistic'
	return allocationCases.map((benchCase) => ({ ...benchCase, suite }))
}

const allocationCases: BenchCase[] = [
	{
		suite: 'allocation',
		name: 'allocInt32() + free()',
		operations,
		goals: { raw: 0.3 },
		library: () => {
			let address = 0
			for (let i = 0; i < operations; i++) {
				const ref = heap.allocInt32()
				address = ref.address
				ref.free()
			}
			return address
		},
		baselines: {
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = module._malloc(4)
					module._free(address)
				}
				return address
			},
		},
	},
	{
		suite: 'allocation',
		name: 'allocFloat64Array(16) + free()',
		operations,
		library: () => {
			let address = 0
			for (let i = 0; i < operations; i++) {
				const ref = heap.allocFloat64Array(16)
				address = ref.address
				ref.free()
			}
			return address
		},
		baselines: {
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = module._malloc(16 * 8)
					module._free(address)
				}
				return address
			},
		},
	},
	{
		suite: 'allocation',
		name: 'allocStruct of a 40-byte struct + free()',
		operations,
		library: () => {
			let address = 0
			for (let i = 0; i < operations; i++) {
				const ref = heap.allocStruct(Body)
				address = ref.address
				ref.free()
			}
			return address
		},
		baselines: {
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = module._malloc(40)
					module._free(address)
				}
				return address
			},
		},
	},
	{
		suite: 'allocation',
		name: 'allocNullTerminatedUtf8String(32 chars) + free()',
		operations,
		library: () => {
			let address = 0
			for (let i = 0; i < operations; i++) {
				const ref = heap.allocNullTerminatedUtf8String(text32)
				address = ref.address
				ref.free()
			}
			return address
		},
		baselines: {
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					const room = text32.length * 3 + 1
					address = module._malloc(room)
					const bytes = module.HEAPU8
					const written = encoder.encodeInto(text32, bytes.subarray(address, address + room - 1)).written
					bytes[address + written] = 0
					module._free(address)
				}
				return address
			},
			emscripten: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					const size = module.lengthBytesUTF8(text32) + 1
					address = module._malloc(size)
					module.stringToUTF8(text32, address, size)
					module._free(address)
				}
				return address
			},
		},
	},
	{
		suite: 'allocation',
		name: 'freeAll() of 100,000 refs',
		operations: freeAllCount,
		prepare: {
			library: () => {
				liveRefs = []
				for (let i = 0; i < freeAllCount; i++) liveRefs.push(heap.allocInt32())
			},
			raw: () => {
				for (let i = 0; i < freeAllCount; i++) rawAddresses[i] = module._malloc(4)
			},
		},
		library: () => {
			heap.freeAll()
			const count = liveRefs.length
			liveRefs = []
			return count
		},
		baselines: {
			raw: () => {
				for (let i = 0; i < freeAllCount; i++) module._free(rawAddresses[i]!)
				return freeAllCount
			},
		},
	},
]
