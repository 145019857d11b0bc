/**
 * The built-in allocator (`createHeapAllocator`) against the Emscripten fixture's real
 * `malloc`/`free` (its dlmalloc, called from JavaScript as users call it) and, when it is
 * installed, `@thi.ng/malloc`'s `MemPool` (a first-fit allocator written in JavaScript):
 *
 * - time: `alloc` + `free` of random sizes from 16 to 256 bytes, in two patterns: a pair
 *   (allocate, then free at once) and churn (1,000 blocks live; each operation frees a
 *   random one and allocates a new one in its place). Every variant replays the same
 *   sequence of sizes and slots. The built-in allocator runs over a plain and a shared
 *   `WebAssembly.Memory` (the shared one takes its lock on every call).
 * - space (printed, not timed): a replayed trace of 200,000 allocations and frees of mixed
 *   sizes (16 B to 64 KiB) in phases that fill, churn and drain the heap; the peak extent
 *   of the heap each allocator needed (from the lowest address it returned to the highest
 *   end of a live region) is compared with dlmalloc's.
 *
 * Goals (issue 16): pairs and churn at least the speed of Emscripten's `malloc`+`free`
 * (the shared-memory row is for the record: it takes a lock dlmalloc does not); peak heap
 * within 1.25x of dlmalloc's.
 *
 * Regimes (see run.ts): `pristine`, and `realistic`, where before anything is timed every
 * memory of the suite has grown once (the built-in allocator's by an allocation larger than
 * its heap, Emscripten's by a `malloc` larger than its heap: V8's ArrayBufferDetaching
 * protector is gone) and every error path of `alloc` and `free` has been taken once on
 * each allocator (bad sizes, alignments and addresses, a double free, an allocation that
 * fails), so that V8 compiles those paths as calls rather than deoptimisation exits.
 *
 *   npm run bench -- heapAllocator                       the suite, in a process per regime
 *   npx tsx bench/heapAllocator.bench.ts [realistic]     one regime (default pristine), printed only
 *   THING_MALLOC=/path/to/@thi.ng/malloc/index.js ...    with @thi.ng/malloc from elsewhere
 *   npx tsx bench/heapAllocatorMinimum.ts [realistic]    the same cases by the minimum of many rounds
 *                                                        (steadier on a loaded machine)
 *
 * The allocator is loaded as in the other suites (bench/library.ts): the build, dist/,
 * or with BENCH_LIBRARY=src the sources; it constructs no objects on its hot path, so
 * both measure the same.
 */
import { fileURLToPath } from 'node:url'
import { SeededRandom } from '../test/support/heaps.js'
import { loadEmscriptenHeaplib } from './emscriptenFixture.js'
import { runSuite, type Batch, type BenchCase } from './harness.js'
import { createHeapAllocator, librarySource } from './library.js'

/** The allocator interface every variant is driven through. */
interface Malloc {
	malloc(byteSize: number): number
	free(address: number): void
}

interface MemPoolLike {
	malloc(byteSize: number): number
	free(address: number): boolean
}
type MemPoolConstructor = new (options: { buf: ArrayBuffer; align?: number; compact?: boolean; split?: boolean }) => MemPoolLike

/** `@thi.ng/malloc`'s MemPool, if it can be loaded (it is not a dependency of this package). */
async function loadMemPool(): Promise<MemPoolConstructor | undefined> {
	for (const specifier of [process.env.THING_MALLOC, '@thi.ng/malloc']) {
		if (specifier === undefined || specifier === '') continue
		try {
			return ((await import(specifier)) as { MemPool: MemPoolConstructor }).MemPool
		} catch {
			// Not installed here: the case runs without it.
		}
	}
	return undefined
}

const module = await loadEmscriptenHeaplib()
const MemPool = await loadMemPool()

const operations = 1 << 12
const liveCount = 1000
const random = new SeededRandom(2024)
/** Sizes 16–256 and slots, the same for every variant. */
const sizes = Uint32Array.from({ length: operations }, () => random.int(16, 257))
const slots = Uint32Array.from({ length: operations }, () => random.int(0, liveCount))

type Regime = 'pristine' | 'realistic'

/** Runs `action`, which must throw (an error path taken on purpose). */
function mustThrow(action: () => unknown): void {
	try {
		action()
	} catch {
		return
	}
	throw new Error('bench: an error path did not throw')
}

/**
 * The realistic regime on one built-in allocator: its memory grows (an allocation larger
 * than the heap, freed at once), and each error path of `alloc` and `free` runs once.
 */
function exerciseBuiltIn(memory: WebAssembly.Memory, allocator: ReturnType<CreateHeapAllocator>): void {
	const before = memory.buffer.byteLength
	const large = allocator.alloc(before)
	if (large === 0 || memory.buffer.byteLength === before) throw new Error('bench: the memory did not grow')
	allocator.free(large)
	if (allocator.alloc(2 ** 31) !== 0) throw new Error('bench: an allocation past the maximum succeeded')
	const block = allocator.alloc(64)
	allocator.free(block)
	mustThrow(() => allocator.free(block))
	mustThrow(() => allocator.free(block + 8))
	mustThrow(() => allocator.free(12.5))
	mustThrow(() => (allocator.free as (address: unknown) => void)('16'))
	mustThrow(() => allocator.alloc(-1))
	mustThrow(() => allocator.alloc(1.5))
	mustThrow(() => allocator.alloc(16, 3))
	mustThrow(() => (allocator.alloc as (byteSize: unknown) => number)('16'))
	allocator.check()
}

/** The realistic regime on the Emscripten module: its memory grows once (a `malloc` larger than its heap, freed at once). */
function exerciseEmscripten(): void {
	const before = module.HEAPU8.buffer.byteLength
	const block = module._malloc(before)
	if (block === 0 || module.HEAPU8.buffer.byteLength === before) throw new Error('bench: the Emscripten memory did not grow')
	module._free(block)
}

/** `createHeapAllocator` of the build measured (bench/compare-builds.ts passes each build's own). */
export type CreateHeapAllocator = typeof createHeapAllocator

function builtIn(create: CreateHeapAllocator, shared: boolean, regime: Regime): Malloc {
	const memory = new WebAssembly.Memory({ initial: 256, maximum: 4096, shared })
	const allocator = create(memory)
	if (regime === 'realistic') exerciseBuiltIn(memory, allocator)
	return { malloc: allocator.alloc, free: allocator.free }
}

const emscripten: Malloc = { malloc: module._malloc, free: module._free }

function memPool(): Malloc | undefined {
	if (MemPool === undefined) return undefined
	const pool = new MemPool({ buf: new ArrayBuffer(16 << 20), align: 8 })
	return { malloc: (byteSize) => pool.malloc(byteSize), free: (address) => void pool.free(address) }
}

/** Allocate and free at once, `operations` times. */
function pairs(allocator: Malloc): Batch {
	const { malloc, free } = allocator
	return () => {
		let address = 0
		for (let i = 0; i < operations; i++) {
			address = malloc(sizes[i]!)
			free(address)
		}
		return address
	}
}

/** 1,000 live blocks; each operation frees one and allocates another in its slot. */
function churn(allocator: Malloc): Batch {
	const { malloc, free } = allocator
	const live = new Float64Array(liveCount)
	for (let i = 0; i < liveCount; i++) live[i] = malloc(sizes[i]!)
	return () => {
		for (let i = 0; i < operations; i++) {
			const slot = slots[i]!
			free(live[slot]!)
			live[slot] = malloc(sizes[i]!)
		}
		return live[0]
	}
}

function withPool(make: (allocator: Malloc) => Batch): Record<string, Batch> {
	const pool = memPool()
	return pool === undefined ? {} : { '@thi.ng/malloc': make(pool) }
}

/** The baselines the cases carry: @thi.ng/malloc only when it loaded. */
export const heapAllocatorBaselines = MemPool === undefined ? ['emscripten'] : ['emscripten', '@thi.ng/malloc']

/**
 * The cases, in the given regime (see run.ts); suite `heapAllocator` or `heapAllocator realistic`.
 * `create`: the built-in allocator of the build measured (default the one bench/library.ts loads).
 */
export function createHeapAllocatorCases(regime: Regime, create: CreateHeapAllocator = createHeapAllocator): BenchCase[] {
	if (regime === 'realistic') exerciseEmscripten()
	const suite = regime === 'pristine' ? 'heapAllocator' : 'heapAllocator realistic'
	return [
		{
			suite,
			name: 'alloc + free pairs, 16–256 B',
			operations,
			goals: { emscripten: 1 },
			library: pairs(builtIn(create, false, regime)),
			baselines: { emscripten: pairs(emscripten), ...withPool(pairs) },
		},
		{
			suite,
			name: 'churn, 1,000 live, 16–256 B',
			operations,
			goals: { emscripten: 1 },
			library: churn(builtIn(create, false, regime)),
			baselines: { emscripten: churn(emscripten), ...withPool(churn) },
		},
		{
			suite,
			name: 'churn, 1,000 live, 16–256 B, shared memory',
			operations,
			library: churn(builtIn(create, true, regime)),
			baselines: { emscripten: churn(emscripten), ...withPool(churn) },
		},
	]
}

/** The regime named on the command line of the scripts that run this suite directly (default pristine). */
export function regimeFromArguments(): Regime {
	const named = process.argv[2] ?? 'pristine'
	if (named !== 'pristine' && named !== 'realistic') throw new Error(`unknown regime '${named}': pristine or realistic`)
	return named
}

/** One event of the fragmentation trace: allocate `byteSize` into `slot`, or free the slot. */
interface TraceEvent {
	readonly slot: number
	readonly byteSize: number
}

/**
 * A seeded trace of mixed sizes in four phases: fill to ~3,000 live blocks, churn, drain
 * to ~300, and fill again with other sizes (which a fragmented heap serves badly).
 * `byteSize` -1 frees the slot.
 */
export function fragmentationTrace(events = 200_000, seed = 16): TraceEvent[] {
	const traceRandom = new SeededRandom(seed)
	const trace: TraceEvent[] = []
	const live: number[] = []
	const freeSlots: number[] = []
	let nextSlot = 0
	const size = (phase: number): number => {
		const roll = traceRandom.next()
		if (roll < 0.7) return traceRandom.int(16, phase === 3 ? 513 : 257)
		if (roll < 0.95) return traceRandom.int(256, 4097)
		return traceRandom.int(4096, 65537)
	}
	for (let i = 0; i < events; i++) {
		const phase = Math.floor((i / events) * 4)
		const target = phase === 2 ? 300 : 3000
		const freeChance = live.length === 0 ? 0 : live.length > target ? 0.75 : phase === 1 ? 0.5 : 0.25
		if (traceRandom.next() < freeChance) {
			const index = traceRandom.int(0, live.length)
			const slot = live[index]!
			live[index] = live[live.length - 1]!
			live.pop()
			freeSlots.push(slot)
			trace.push({ slot, byteSize: -1 })
		} else {
			const slot = freeSlots.pop() ?? nextSlot++
			live.push(slot)
			trace.push({ slot, byteSize: size(phase) })
		}
	}
	return trace
}

/** Replays the trace; returns the peak extent: the highest end of a live region minus the lowest address returned. */
export function replay(trace: readonly TraceEvent[], allocator: Malloc): { peakExtent: number; failed: number } {
	const addresses = new Map<number, number>()
	let lowest = Infinity
	let highestEnd = 0
	let failed = 0
	for (const { slot, byteSize } of trace) {
		if (byteSize < 0) {
			const address = addresses.get(slot)
			if (address !== undefined) allocator.free(address)
			addresses.delete(slot)
			continue
		}
		const address = allocator.malloc(byteSize)
		if (address === 0) {
			failed++
			continue
		}
		addresses.set(slot, address)
		lowest = Math.min(lowest, address)
		highestEnd = Math.max(highestEnd, address + byteSize)
	}
	for (const address of addresses.values()) allocator.free(address)
	return { peakExtent: highestEnd - lowest, failed }
}

/** The fragmentation comparison: peak extents by allocator, each on a fresh heap. */
export async function fragmentationReport(): Promise<Record<string, { peakExtent: number; failed: number; memoryByteLength?: number }>> {
	const trace = fragmentationTrace()
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 })
	const ours = createHeapAllocator(memory)
	const report: Record<string, { peakExtent: number; failed: number; memoryByteLength?: number }> = {
		'built-in': { ...replay(trace, { malloc: ours.alloc, free: ours.free }), memoryByteLength: memory.buffer.byteLength },
	}
	ours.check()
	const freshEmscripten = await loadEmscriptenHeaplib()
	report['emscripten (dlmalloc)'] = replay(trace, { malloc: freshEmscripten._malloc, free: freshEmscripten._free })
	if (MemPool !== undefined) {
		const pool = new MemPool({ buf: new ArrayBuffer(256 << 20), align: 8 })
		report['@thi.ng/malloc'] = replay(trace, { malloc: (byteSize) => pool.malloc(byteSize), free: (address) => void pool.free(address) })
	}
	return report
}

/** The goal: the built-in allocator's peak extent at most this times dlmalloc's. */
export const fragmentationGoal = 1.25

/** What run.ts records and prints after the timed cases: the fragmentation table, its data and any missed goal. */
export async function heapAllocatorReport(): Promise<{ lines: string[]; data: Record<string, unknown>; missed: string[] }> {
	const report = await fragmentationReport()
	const reference = report['emscripten (dlmalloc)']!.peakExtent
	const lines = [`Fragmentation: peak heap extent on a replayed trace of 200,000 mixed-size events (goal: within ${fragmentationGoal}x of dlmalloc)`]
	for (const [name, { peakExtent, failed }] of Object.entries(report)) {
		lines.push(`${name.padEnd(24)} ${(peakExtent / 2 ** 20).toFixed(2).padStart(8)} MiB  ${(peakExtent / reference).toFixed(3)}x dlmalloc${failed > 0 ? `  (${failed} failed)` : ''}`)
	}
	const ratio = report['built-in']!.peakExtent / reference
	const missed =
		ratio <= fragmentationGoal && report['built-in']!.failed === 0
			? []
			: [`heapAllocator / fragmentation: peak heap ${ratio.toFixed(3)}x dlmalloc's, goal at most ${fragmentationGoal}x`]
	return { lines, data: { fragmentation: { ...report, ratioToDlmalloc: ratio, goal: fragmentationGoal } }, missed }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
	console.log(`built-in allocator from ${librarySource === 'dist' ? 'dist/' : 'src/'}${MemPool === undefined ? '; @thi.ng/malloc not installed' : ''}`)
	const regime = regimeFromArguments()
	runSuite(`The built-in allocator (vs Emscripten malloc/free, and @thi.ng/malloc), ${regime} regime`, createHeapAllocatorCases(regime), heapAllocatorBaselines)
	const { lines, missed } = await heapAllocatorReport()
	console.log(`\n${lines.join('\n')}`)
	for (const line of missed) console.log(`goal missed: ${line}`)
}
