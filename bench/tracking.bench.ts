/**
 * `heapManager.free(address)` against the number of live tracked refs. Three managers
 * over the Emscripten fixture's heap hold 100, 10,000 and 100,000 live `Int32Ref`s
 * (and as many bare `_malloc(4)` blocks are live for the raw baseline). Two patterns:
 *
 * - A temporary: `allocInt32()`, then `free(address)` of it, while the live refs stay.
 *   `malloc` hands the freed block straight back, so the table sees the same address
 *   removed and added again and again — the common case of a short-lived allocation.
 * - A live ref replaced: `free(address)` of one of the live refs, visited in a scattered
 *   order (a stride coprime to the count), and an `allocInt32()` in its place, so the
 *   count stays put and the table is probed all over.
 *
 * Each pattern has one case per count against the bare `_free`/`_malloc(4)` on as many
 * live blocks (raw: what the allocator and the caches themselves do at that size), and
 * one case "100,000 live vs fewer" where the 100,000-ref manager runs against the 100-
 * and 10,000-ref ones (baselines `100 live`, `10k live`), interleaved: a ratio near 1
 * means `free(address)` does not depend on the number of live refs. Goal: at least 0.8
 * (at most 25% slower with 1,000 times as many live refs).
 *
 * And what tracking itself costs: `allocInt32()` + `free()` with no other live ref, on
 * a manager with tracking on against one with `trackAllocations: false` (baseline
 * `tracking off`) and the bare `_malloc(4)` + `_free`; and that debug mode off costs
 * nothing (`debug: false` against the default) while on it captures a stack per allocation.
 *
 * This suite runs in a process of its own because it needs several managers, which
 * costs every manager's hot paths some of V8's constant folding (see run.ts); all three
 * pay it alike, so their ratios stay fair. Single-manager allocation is the allocation suite.
 */
import { wrapEmscriptenModuleHeap, type WasmHeapManager } from './library.js'
import { loadEmscriptenHeaplib } from './emscriptenFixture.js'
import type { BenchCase } from './harness.js'

const module = await loadEmscriptenHeaplib()
/** Per batch; small, because a temporary costs tens of microseconds with 100,000 live refs on Node 20. */
const operations = 1 << 10
/** A prime: coprime to every count below, so the walk visits every slot. */
const stride = 7919

interface Pool {
	readonly label: string
	readonly temporary: { library: () => unknown; raw: () => unknown }
	readonly replace: { library: () => unknown; raw: () => unknown }
}

function pool(count: number): Pool {
	const heap: WasmHeapManager = wrapEmscriptenModuleHeap(module)
	const addresses = new Float64Array(count)
	for (let i = 0; i < count; i++) addresses[i] = heap.allocInt32().address
	const rawAddresses = new Float64Array(count)
	for (let i = 0; i < count; i++) rawAddresses[i] = module._malloc(4)
	let slot = 0
	let rawSlot = 0
	return {
		label: count.toLocaleString('en-US'),
		temporary: {
			library: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = heap.allocInt32().address
					heap.free(address)
				}
				return address
			},
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = module._malloc(4)
					module._free(address)
				}
				return address
			},
		},
		replace: {
			library: () => {
				let k = slot
				for (let i = 0; i < operations; i++) {
					heap.free(addresses[k]!)
					addresses[k] = heap.allocInt32().address
					k = (k + stride) % count
				}
				slot = k
				return k
			},
			raw: () => {
				let k = rawSlot
				for (let i = 0; i < operations; i++) {
					module._free(rawAddresses[k]!)
					rawAddresses[k] = module._malloc(4)
					k = (k + stride) % count
				}
				rawSlot = k
				return k
			},
		},
	}
}

/** `allocInt32()` + `free()` on a manager with no live refs, tracking on or off, debug mode on or off. */
function temporaryOnly(trackAllocations: boolean, debug?: boolean): () => unknown {
	const heap: WasmHeapManager = wrapEmscriptenModuleHeap(module, debug === undefined ? { trackAllocations } : { trackAllocations, debug })
	return () => {
		let address = 0
		for (let i = 0; i < operations; i++) {
			const ref = heap.allocInt32()
			address = ref.address
			ref.free()
		}
		return address
	}
}
const tracked = temporaryOnly(true)
const untracked = temporaryOnly(false)
const debugOff = temporaryOnly(true, false)
const debugOn = temporaryOnly(true, true)

const pools = [pool(100), pool(10_000), pool(100_000)] as const
const [small, medium, large] = pools

const patterns = [
	{ key: 'temporary', name: 'free(address) of a temporary' },
	{ key: 'replace', name: 'free(address) + alloc of live refs' },
] as const

export const trackingCases: BenchCase[] = [
	{
		suite: 'tracking',
		name: 'allocInt32() + free(), no live refs: tracking on vs off',
		operations,
		library: tracked,
		baselines: {
			raw: () => {
				let address = 0
				for (let i = 0; i < operations; i++) {
					address = module._malloc(4)
					module._free(address)
				}
				return address
			},
			'tracking off': untracked,
		},
	},
	{
		// Debug mode off must cost nothing: `debug: false` against a manager created without
		// the option (the default), which should measure the same (goal 0.95, noise); and
		// what debug mode costs when on (a stack capture per allocation).
		suite: 'tracking',
		name: 'allocInt32() + free(), no live refs: debug off vs default vs on',
		operations,
		goals: { default: 0.95 },
		library: debugOff,
		baselines: { default: tracked, 'debug on': debugOn },
	},
	...patterns.flatMap(({ key, name }): BenchCase[] => [
	...pools.map(
		(entry): BenchCase => ({
			suite: 'tracking',
			name: `${name}, ${entry.label} live`,
			operations,
			library: entry[key].library,
			baselines: { raw: entry[key].raw },
		}),
	),
	{
		suite: 'tracking',
		name: `${name}: 100,000 live vs fewer`,
		operations,
		goals: { '100 live': 0.8, '10k live': 0.8 },
		library: large[key].library,
		baselines: { '100 live': small[key].library, '10k live': medium[key].library },
	},
	]),
]
