/**
 * The worker side of test/atomics-threads.test.ts and test/atomics-c.test.ts, plus what
 * both sides share: the pool that starts the workers, the layout of the shared memory,
 * the jobs and their results, and the lock both JavaScript and C take.
 *
 * Every worker makes its own manager over the one shared `WebAssembly.Memory` (and, for
 * C jobs, its own instance of test/fixtures/atomics/atomics.wasm over that memory), then
 * runs jobs: each job starts at a barrier, so that the workers of one round run at the
 * same time, and answers with a result the main thread checks.
 *
 * Loaded in a `worker_threads` Worker through a bootstrap that registers tsx first (on
 * Node 20 tsx's `--import` hooks are not active in workers), with `workerData` of type
 * {@link AtomicsWorkerData}. Imported from the main thread it only exports helpers.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { isMainThread, parentPort, workerData, Worker } from 'node:worker_threads'
import { createWasmHeapManager, type WasmHeapManager } from '../../src/index.js'

/** The memory every job runs on: 4 pages, as atomics.wasm declares (it imports a shared memory of 4 to 16 pages). */
export function createSharedMemory(): WebAssembly.Memory {
	return new WebAssembly.Memory({ initial: 4, maximum: 16, shared: true })
}

/** Where JavaScript keeps its data: past atomics.wasm's (unused) C stack, which ends at 66,560. */
export const region = 0x20000
/** Int32 slot of the barrier: a worker starts round `n` once it holds `n`. */
const goAddress = region
/** First address a test may use for its own data (the barrier owns the bytes before it). */
export const dataStart = region + 64

/** The element types a contention job can add to, and what the C module has for each. */
export type CounterType = 'Int32' | 'BigInt64' | 'Uint8' | 'Float64' | 'Pointer53'

/** The C function adding to a counter of each type: `(address, value, times)` (Pointer53's, a uint64 add, is unused: the C tests add to the other four). */
export const cAddFunction: Record<CounterType, string> = { Int32: 'add_i32', BigInt64: 'add_i64', Uint8: 'add_u8', Float64: 'add_f64', Pointer53: 'add_i64' }

/** One counter a job adds to. */
export interface Counter {
	readonly type: CounterType
	readonly address: number
	/** Added on every step; 1 (or `1n`), so that the old values of one counter are 0, 1, 2, … once each. */
	readonly operand: number | bigint
}

/** What a worker is asked to do in one round. */
export type AtomicsJob =
	/** `times` atomic adds to each counter, through the manager (`add<T>Atomic`), a value ref (`addAtomic`) or an array ref (`addAtomicAt`). */
	| { readonly kind: 'add'; readonly through: 'manager' | 'ref' | 'arrayRef'; readonly counters: readonly Counter[]; readonly times: number }
	/** The same with a plain read and write (`read<T>` + `write<T>`): the non-atomic version the tests compare with. */
	| { readonly kind: 'plainAdd'; readonly counters: readonly Counter[]; readonly times: number }
	/** The C module's `add_<t>(address, 1, times)` for each counter. */
	| { readonly kind: 'cAdd'; readonly counters: readonly Counter[]; readonly times: number }
	/**
	 * `times` updates of the guarded fields ({@link GuardedLayout}) under the lock at `lock`,
	 * taken by this library (`side: 'js'`) or by C's `locked_updates` (`side: 'c'`);
	 * `useLock: false` (JS only) does the same updates without it.
	 */
	| { readonly kind: 'lockedUpdates'; readonly side: 'js' | 'c'; readonly layout: GuardedLayout; readonly times: number; readonly useLock: boolean }
	/** `writeInt32Atomic(address, value)`, then `notify(address, count)`; answers what notify returned. */
	| { readonly kind: 'storeAndNotify'; readonly address: number; readonly value: number; readonly count?: number }
	/** `notify(address, 1)` every millisecond until it wakes someone; answers how many calls it took. */
	| { readonly kind: 'notifyUntilWoken'; readonly address: number }
	/** `waitInt32(address, expected, timeoutMs)`; answers the result and the milliseconds it took. */
	| { readonly kind: 'wait'; readonly address: number; readonly expected: number; readonly timeoutMs?: number }

/** Where the lock and the fields it protects live (C's `struct Guarded` at `guarded`). */
export interface GuardedLayout {
	/** The Int32 lock word (0 unlocked, 1 locked, 2 locked with sleepers). */
	readonly lock: number
	/** `struct Guarded { int32_t count; int32_t pad; int64_t count64; double total; }`: the three counts always agree under the lock. */
	readonly guarded: number
	/** Int32: how many times a thread found the three fields disagreeing (a torn update). */
	readonly torn: number
}

/** What an `add` or `plainAdd` job saw, per counter: the old values its adds returned. */
export interface AddReport {
	/** The sum of the old values (a `bigint` for every type, exact). */
	readonly oldSum: string
	/** How many adds found the counter at its largest value (Uint8: 255), so that the add wrapped. */
	readonly wraps: number
}

/** A job's answer. */
export type JobResult =
	| { readonly kind: 'add'; readonly reports: readonly AddReport[] }
	| { readonly kind: 'done' }
	/** A JS `lockedUpdates` job: how many times its `lock` slept in `waitInt32` and was woken by a `notify`. */
	| { readonly kind: 'locked'; readonly sleeps: number }
	| { readonly kind: 'notified'; readonly woken: number; readonly calls?: number }
	| { readonly kind: 'waited'; readonly result: string; readonly elapsedMs: number }

export interface AtomicsWorkerData {
	readonly atomicsWorker: true
	readonly memory: WebAssembly.Memory
	readonly workerId: number
}

type Request = { readonly round: number; readonly job: AtomicsJob }
type Reply = { readonly ready: true } | { readonly ok: true; readonly result: JobResult } | { readonly ok: false; readonly error: string }

/** test/fixtures/atomics/atomics.wasm, compiled (once per thread). */
export function atomicsModule(): WebAssembly.Module {
	return new WebAssembly.Module(readFileSync(new URL('../fixtures/atomics/atomics.wasm', import.meta.url)))
}

/** The exports of atomics.wasm (see atomics.c): addresses as i32, the `int64_t` value as a `bigint`. */
export interface AtomicsExports {
	add_i32(address: number, value: number, times: number): void
	add_i64(address: number, value: bigint, times: number): void
	add_u8(address: number, value: number, times: number): void
	add_f64(address: number, value: number, times: number): void
	lock(address: number): void
	unlock(address: number): void
	locked_updates(lock: number, guarded: number, torn: number, times: number): void
}

/** An instance of atomics.wasm over `memory` (the only import). */
export function instantiateAtomics(module: WebAssembly.Module, memory: WebAssembly.Memory): AtomicsExports {
	return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as AtomicsExports
}

/** A manager over the shared memory; nothing here allocates, so its allocator refuses. */
export function managerOver(memory: WebAssembly.Memory): WasmHeapManager {
	return createWasmHeapManager(
		() => memory.buffer,
		() => {
			throw new Error('the atomics tests place their data themselves')
		},
		() => {},
	)
}

/**
 * Takes the lock word at `address` with this library, by the protocol atomics.c's
 * `lock` follows (Drepper's futex mutex): 0 → 1 with a compare-exchange when it is free;
 * otherwise mark it 2 (someone may sleep) and sleep in `waitInt32` while it stays 2.
 * Returns how many times it slept and was woken by a `notify`.
 */
export function lock(heap: WasmHeapManager, address: number): number {
	let state = heap.compareExchangeInt32Atomic(address, 0, 1)
	if (state === 0) return 0
	let sleeps = 0
	if (state !== 2) state = heap.exchangeInt32Atomic(address, 2)
	while (state !== 0) {
		if (heap.waitInt32(address, 2) === 'ok') sleeps++
		state = heap.exchangeInt32Atomic(address, 2)
	}
	return sleeps
}

/** Releases the lock taken by {@link lock} (or by C's `lock`), waking one sleeper if there may be one. */
export function unlock(heap: WasmHeapManager, address: number): void {
	if (heap.subInt32Atomic(address, 1) !== 1) {
		heap.writeInt32Atomic(address, 0)
		heap.notify(address, 1)
	}
}

/** The largest value of each counter type, where an add of 1 wraps (none for floats and 64-bit counters here). */
const wrapsAt: Record<CounterType, number | bigint | undefined> = { Int32: 2 ** 31 - 1, BigInt64: 2n ** 63n - 1n, Uint8: 255, Float64: undefined, Pointer53: undefined }

type Adder = (value: number | bigint) => number | bigint

function adderFor(heap: WasmHeapManager, through: 'manager' | 'ref' | 'arrayRef' | 'plain', counter: Counter): Adder {
	const { type, address } = counter
	const methods = heap as unknown as Record<string, (...args: unknown[]) => unknown>
	switch (through) {
		case 'manager': {
			const add = methods[`add${type}Atomic`]!
			return (value) => add.call(heap, address, value) as number | bigint
		}
		case 'ref': {
			const ref = methods[`wrap${type}`]!.call(heap, address) as { addAtomic: Adder }
			return (value) => ref.addAtomic(value)
		}
		case 'arrayRef': {
			// The counter is element 1 of an array ref that starts one element before it.
			const size = { Int32: 4, BigInt64: 8, Uint8: 1, Float64: 8, Pointer53: 8 }[type]
			const ref = methods[`wrap${type}Array`]!.call(heap, address - size, 2) as { addAtomicAt(index: number, value: number | bigint): number | bigint }
			return (value) => ref.addAtomicAt(1, value)
		}
		case 'plain': {
			const read = methods[`read${type}`]!
			const write = methods[`write${type}`]!
			return (value) => {
				const old = read.call(heap, address) as number | bigint
				write.call(heap, address, (old as number) + (value as number))
				return old
			}
		}
	}
}

function runAdds(heap: WasmHeapManager, through: 'manager' | 'ref' | 'arrayRef' | 'plain', counters: readonly Counter[], times: number): AddReport[] {
	const adders = counters.map((counter) => adderFor(heap, through, counter))
	const sums = counters.map(() => 0n)
	const wraps = counters.map(() => 0)
	// Interleaved, so that every counter sees contention for the whole round.
	for (let i = 0; i < times; i++) {
		for (let c = 0; c < counters.length; c++) {
			const old = adders[c]!(counters[c]!.operand)
			sums[c]! += BigInt(old)
			if (old === wrapsAt[counters[c]!.type]) wraps[c]!++
		}
	}
	return counters.map((_, c) => ({ oldSum: sums[c]!.toString(), wraps: wraps[c]! }))
}

function lockedUpdatesInJs(heap: WasmHeapManager, layout: GuardedLayout, times: number, useLock: boolean): number {
	const { guarded, torn } = layout
	let sleeps = 0
	for (let i = 0; i < times; i++) {
		if (useLock) sleeps += lock(heap, layout.lock)
		// Plain reads and writes, field by field: only the lock keeps them together.
		const count = heap.readInt32(guarded)
		if (BigInt(count) !== heap.readBigInt64(guarded + 8) || count !== heap.readFloat64(guarded + 16)) heap.addInt32Atomic(torn, 1)
		heap.writeInt32(guarded, count + 1)
		heap.writeBigInt64(guarded + 8, heap.readBigInt64(guarded + 8) + 1n)
		heap.writeFloat64(guarded + 16, heap.readFloat64(guarded + 16) + 1)
		if (useLock) unlock(heap, layout.lock)
	}
	return sleeps
}

function sleepMs(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

function runJob(heap: WasmHeapManager, job: AtomicsJob, c: () => AtomicsExports): JobResult {
	switch (job.kind) {
		case 'add':
			return { kind: 'add', reports: runAdds(heap, job.through, job.counters, job.times) }
		case 'plainAdd':
			return { kind: 'add', reports: runAdds(heap, 'plain', job.counters, job.times) }
		case 'cAdd': {
			const exports = c() as unknown as Record<string, (address: number, value: number | bigint, times: number) => void>
			for (const counter of job.counters) exports[cAddFunction[counter.type]]!(counter.address, counter.operand, job.times)
			return { kind: 'done' }
		}
		case 'lockedUpdates':
			if (job.side === 'c') {
				if (!job.useLock) throw new Error('the C side always takes the lock')
				c().locked_updates(job.layout.lock, job.layout.guarded, job.layout.torn, job.times)
				return { kind: 'done' }
			}
			return { kind: 'locked', sleeps: lockedUpdatesInJs(heap, job.layout, job.times, job.useLock) }
		case 'storeAndNotify':
			heap.writeInt32Atomic(job.address, job.value)
			return { kind: 'notified', woken: heap.notify(job.address, job.count) }
		case 'notifyUntilWoken': {
			for (let calls = 1; calls <= 10_000; calls++) {
				const woken = heap.notify(job.address, 1)
				if (woken > 0) return { kind: 'notified', woken, calls }
				sleepMs(1)
			}
			throw new Error(`notifyUntilWoken: nobody waited at ${job.address} within 10 s`)
		}
		case 'wait': {
			const started = performance.now()
			const result = heap.waitInt32(job.address, job.expected, job.timeoutMs)
			return { kind: 'waited', result, elapsedMs: performance.now() - started }
		}
	}
}

function serveJobs(data: AtomicsWorkerData): void {
	const { memory } = data
	const heap = managerOver(memory)
	let exports: AtomicsExports | undefined
	const c = (): AtomicsExports => (exports ??= instantiateAtomics(atomicsModule(), memory))
	const control = new Int32Array(memory.buffer, goAddress, 1)
	parentPort!.on('message', ({ round, job }: Request) => {
		parentPort!.postMessage({ ready: true } satisfies Reply)
		// The barrier: sleep until the main thread opens round `round`.
		while (Atomics.load(control, 0) < round) Atomics.wait(control, 0, round - 1)
		let reply: Reply
		try {
			reply = { ok: true, result: runJob(heap, job, c) }
		} catch (error) {
			reply = { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }
		}
		parentPort!.postMessage(reply)
	})
}

/** Workers running this module over one shared memory; `run` gives each a job and starts them together. */
export class AtomicsPool {
	private readonly workers: Worker[] = []
	private round = 0
	private readonly control: Int32Array

	constructor(
		readonly memory: WebAssembly.Memory,
		count: number,
	) {
		this.control = new Int32Array(memory.buffer, goAddress, 1)
		const moduleUrl = new URL('./atomicsWorker.ts', import.meta.url)
		// tsx's ESM API, as its package exports it.
		const tsxApi = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href
		const bootstrap = `import(${JSON.stringify(tsxApi)})
	.then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}) })`
		const execArgv = process.execArgv.filter((flag, index, flags) => !/^--(import|loader|experimental-loader)(=tsx)?$/.test(flag) && flags[index - 1] !== '--import')
		for (let workerId = 0; workerId < count; workerId++) {
			const data: AtomicsWorkerData = { atomicsWorker: true, memory, workerId }
			this.workers.push(new Worker(bootstrap, { eval: true, workerData: data, execArgv }))
		}
	}

	/** How many workers the pool has. */
	get size(): number {
		return this.workers.length
	}

	/**
	 * Gives worker `i` the job `jobs[i]` (fewer jobs than workers leaves the rest idle),
	 * waits until all of them are at the barrier, opens it, and returns their results in order.
	 */
	async run(jobs: readonly AtomicsJob[]): Promise<JobResult[]> {
		const round = ++this.round
		const ready: Promise<void>[] = []
		const done: Promise<JobResult>[] = []
		jobs.forEach((job, i) => {
			const worker = this.workers[i]!
			let readyResolve!: () => void
			ready.push(new Promise((resolve) => (readyResolve = resolve)))
			done.push(
				new Promise<JobResult>((resolve, reject) => {
					const onMessage = (reply: Reply): void => {
						if ('ready' in reply) return readyResolve()
						worker.off('message', onMessage).off('error', reject)
						if (reply.ok) resolve(reply.result)
						else reject(new Error(`worker ${i}, ${job.kind}: ${reply.error}`))
					}
					worker.on('message', onMessage).once('error', reject)
				}),
			)
			worker.postMessage({ round, job } satisfies Request)
		})
		await Promise.all(ready)
		Atomics.store(this.control, 0, round)
		Atomics.notify(this.control, 0)
		return Promise.all(done)
	}

	/** Ends every worker. */
	async terminate(): Promise<void> {
		await Promise.all(this.workers.map((worker) => worker.terminate()))
	}
}

if (!isMainThread && (workerData as Partial<AtomicsWorkerData> | null)?.atomicsWorker === true) {
	serveJobs(workerData as AtomicsWorkerData)
}
