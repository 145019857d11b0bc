/**
 * The worker side of the thread tests in test/heap-allocator.test.ts, plus what both
 * sides share. Each worker attaches its own allocator to the heap the main thread
 * created in a shared `WebAssembly.Memory` (`createHeapAllocator(memory)` finds the
 * header's magic number and joins), waits at a barrier so that all start together,
 * then runs a seeded random sequence of allocations and frees: every region is filled
 * with a pattern of its own (worker and serial number) and verified before it is freed,
 * so a region that another thread was also handed shows up as overwritten bytes.
 * Allocations grow the memory, from several threads at once.
 *
 * At the end the worker posts its report: the regions it still holds (for the main
 * thread to check for overlap, verify and free) and its counts.
 *
 * Loaded in a `worker_threads` Worker through a bootstrap that registers tsx first (see
 * `startHeapAllocatorWorker`), with `workerData` of type {@link AllocatorWorkerData}.
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads'
import { createHeapAllocator } from '../../src/HeapAllocator.js'
import { SeededRandom } from './heaps.js'

/** Int32 slots below the allocator's default start (16): the barrier. */
export const barrier = {
	/** Workers add 1 when they are ready. */
	ready: 0,
	/** The main thread sets it to 1 (and notifies) to start them all. */
	go: 1,
} as const

export interface AllocatorWorkerData {
	readonly heapAllocatorWorker: true
	readonly memory: WebAssembly.Memory
	readonly workerId: number
	readonly seed: number
	readonly operations: number
}

/** A region a worker allocated and still holds. */
export interface HeldRegion {
	readonly address: number
	readonly byteSize: number
	readonly alignment: number
	/** The byte value the region is filled with. */
	readonly fill: number
}

export interface AllocatorWorkerReport {
	readonly workerId: number
	readonly allocations: number
	readonly frees: number
	/** Allocations that returned 0 (the memory at its maximum). */
	readonly failures: number
	/** Regions whose pattern was found damaged before their free (must be empty). */
	readonly damaged: string[]
	readonly held: HeldRegion[]
}

/** The fill byte of a region: never 0, so a zeroed region does not pass as filled. */
export function fillOf(workerId: number, serial: number): number {
	return 1 + ((workerId * 61 + serial * 7) % 255)
}

/** The first offset of `region` whose byte is not its fill, or -1. */
export function firstDamaged(bytes: Uint8Array, region: HeldRegion): number {
	const end = region.address + region.byteSize
	for (let at = region.address; at < end; at++) if (bytes[at] !== region.fill) return at - region.address
	return -1
}

/** Random request sizes: mostly small, some up to 64 KiB, a few 0. */
export function randomSize(random: SeededRandom): number {
	const roll = random.next()
	if (roll < 0.05) return 0
	if (roll < 0.75) return random.int(1, 257)
	if (roll < 0.97) return random.int(257, 4097)
	return random.int(4097, 65537)
}

/** Alignments 1..4096, mostly the default 8 or less. */
export function randomAlignment(random: SeededRandom): number {
	return random.next() < 0.8 ? 1 << random.int(0, 4) : 1 << random.int(4, 13)
}

function runWorker(data: AllocatorWorkerData): AllocatorWorkerReport {
	const { memory, workerId, seed, operations } = data
	const allocator = createHeapAllocator(memory)
	const control = new Int32Array(memory.buffer, 0, 4)
	Atomics.add(control, barrier.ready, 1)
	while (Atomics.load(control, barrier.go) === 0) Atomics.wait(control, barrier.go, 0)

	const random = new SeededRandom(seed)
	const held: HeldRegion[] = []
	const damaged: string[] = []
	let allocations = 0
	let frees = 0
	let failures = 0
	for (let serial = 0; serial < operations; serial++) {
		if (held.length > 0 && (held.length >= 300 || random.next() < 0.45)) {
			const index = random.int(0, held.length)
			const region = held[index]!
			held[index] = held[held.length - 1]!
			held.pop()
			const offset = firstDamaged(new Uint8Array(memory.buffer), region)
			if (offset !== -1) damaged.push(`worker ${workerId}: region at ${region.address} (${region.byteSize} bytes) damaged at offset ${offset}`)
			allocator.free(region.address, region.byteSize, region.alignment)
			frees++
			continue
		}
		const byteSize = randomSize(random)
		const alignment = randomAlignment(random)
		const address = allocator.alloc(byteSize, alignment)
		allocations++
		if (address === 0) {
			failures++
			continue
		}
		const region = { address, byteSize, alignment, fill: fillOf(workerId, serial) }
		// The buffer is read after the allocation: it may have grown the memory.
		new Uint8Array(memory.buffer, address, byteSize).fill(region.fill)
		held.push(region)
	}
	for (const region of held) {
		const offset = firstDamaged(new Uint8Array(memory.buffer), region)
		if (offset !== -1) damaged.push(`worker ${workerId}: held region at ${region.address} damaged at offset ${offset}`)
	}
	return { workerId, allocations, frees, failures, damaged, held }
}

/**
 * Starts a worker running this module. On Node 20, tsx registers its ESM hooks only in
 * the main thread, so the worker runs a bootstrap that registers tsx's API and then
 * imports this module; its `execArgv` drops the tsx flags (see threads.test.ts).
 */
export function startHeapAllocatorWorker(data: AllocatorWorkerData): Promise<AllocatorWorkerReport> {
	const moduleUrl = new URL('./heapAllocatorWorker.ts', import.meta.url)
	// tsx's ESM API, as its package exports it (import.meta.resolve is missing where tsx loads this module as CommonJS).
	const tsxApi = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href
	const bootstrap = `import(${JSON.stringify(tsxApi)})
	.then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}) })`
	const execArgv = process.execArgv.filter((flag, index, flags) => !/^--(import|loader|experimental-loader)(=tsx)?$/.test(flag) && flags[index - 1] !== '--import')
	const worker = new Worker(bootstrap, { eval: true, workerData: data, execArgv })
	return new Promise((resolve, reject) => {
		worker.once('message', (report: AllocatorWorkerReport) => {
			resolve(report)
			void worker.terminate()
		})
		worker.once('error', reject)
		worker.once('exit', (code) => reject(new Error(`allocator worker ${data.workerId} exited with code ${code} before reporting`)))
	})
}

if (!isMainThread && (workerData as Partial<AllocatorWorkerData> | null)?.heapAllocatorWorker === true) {
	parentPort!.postMessage(runWorker(workerData as AllocatorWorkerData))
}
