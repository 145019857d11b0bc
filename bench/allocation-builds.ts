/**
 * Whether passing the size and alignment to every allocator call (issue 12) slowed the hot
 * allocation path: `allocInt32()` + `free()` and a 32-character string's
 * `allocNullTerminatedUtf8String` + `free()` through the Emscripten fixture's `malloc` and
 * `free`, for two builds loaded side by side in one process (see compare-builds.ts for
 * why two), interleaved round by round with the bare `_malloc` + `_free` loop
 * (bench/harness.ts). Each build has a module instance of its own.
 *
 *   npx tsx bench/allocation-builds.ts                    c884234 (before the allocator contract) against HEAD's build (dist/)
 *   npx tsx bench/allocation-builds.ts <before> <after>   commits, or folders holding dist/index.js
 *
 * Short batches (512 operations, at least 0.1 ms) and many rounds (BENCH_ROUNDS, default
 * 301): on a loaded machine a 2 ms batch is often preempted, and the median of 25 such
 * batches moved by 30% between runs; a 0.1 ms batch rarely is.
 *
 * Ratios are speed ratios: "after vs before" above 1x means the later build is faster.
 * Run it twice with the builds swapped to see the order's effect (the build whose cases
 * are set up first can be favoured).
 */
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildEntry } from './builds.js'
import { formatNs, formatRatio, runCase, type BenchCase } from './harness.js'
import type * as Library from '../src/index.js'

interface Heaplib {
	_malloc(size: number): number
	_free(address: number): void
}

const root = fileURLToPath(new URL('..', import.meta.url))
const [beforeSpec = 'c884234', afterSpec = root] = process.argv.slice(2)
if (afterSpec === root) execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'pipe' })
const factory = createRequire(import.meta.url)('../test/fixtures/emscripten/heaplib.cjs') as () => Promise<Heaplib>

const operations = 1 << 9
const runOptions = { rounds: Number(process.env.BENCH_ROUNDS ?? 301), warmupRounds: 30, minimumBatchNs: 100_000 }
const text32 = 'The quick brown fox jumps over t'

const builds = [beforeSpec, afterSpec].map((spec) => buildEntry(spec))
const loaded = await Promise.all(
	builds.map(async ({ entry }) => {
		const library = (await import(pathToFileURL(entry).href)) as typeof Library
		const module = await factory()
		return { heap: library.wrapEmscriptenModuleHeap(module as never), module }
	}),
)
const [before, after] = loaded as [(typeof loaded)[number], (typeof loaded)[number]]

function cases(): BenchCase[] {
	const int32 = (heap: Library.WasmHeapManager) => () => {
		let address = 0
		for (let i = 0; i < operations; i++) {
			const ref = heap.allocInt32()
			address = ref.address
			ref.free()
		}
		return address
	}
	const string32 = (heap: Library.WasmHeapManager) => () => {
		let address = 0
		for (let i = 0; i < operations; i++) {
			const ref = heap.allocNullTerminatedUtf8String(text32)
			address = ref.address
			ref.free()
		}
		return address
	}
	const raw = (size: number) => () => {
		let address = 0
		for (let i = 0; i < operations; i++) {
			address = after.module._malloc(size)
			after.module._free(address)
		}
		return address
	}
	return [
		{ suite: 'allocation-builds', name: 'allocInt32() + free()', operations, library: int32(after.heap), baselines: { before: int32(before.heap), raw: raw(4) } },
		{ suite: 'allocation-builds', name: 'allocNullTerminatedUtf8String(32 chars) + free()', operations, library: string32(after.heap), baselines: { before: string32(before.heap), raw: raw(33) } },
	]
}

console.log(`before: ${builds[0]!.description}\nafter:  ${builds[1]!.description}\n`)
for (const benchCase of cases()) {
	const result = runCase(benchCase, runOptions)
	const ns = result.nsPerOperation
	console.log(
		`${benchCase.name.padEnd(50)} before ${formatNs(ns.before!).padStart(9)}  after ${formatNs(ns.library!).padStart(9)}  raw ${formatNs(ns.raw!).padStart(8)}` +
			`  after vs before ${formatRatio(result.ratios.before!)}  after vs raw ${formatRatio(result.ratios.raw!)}`,
	)
}
