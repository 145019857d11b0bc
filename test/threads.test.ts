/**
 * Real threads: three `worker_threads` workers and the main thread, each with its own
 * managers (default `'whenEmpty'` polling) over ONE shared `WebAssembly.Memory`, with a
 * bump allocator whose pointer lives in that memory (test/support/threadWorker.ts).
 *
 * - allocation from every thread at once, regions disjoint and readable everywhere;
 * - no torn values: writers in workers store "all bytes equal" patterns with
 *   `write<T>Atomic` while the main thread reads with `read<T>Atomic`, for every row;
 * - UTF-8/16/32 strings allocated in one thread and read in another, both ways;
 * - exact Float32/Float64 bit patterns (-0, NaN, subnormals) through atomics across threads;
 * - growth by one worker seen by the others while they keep reading and writing, by
 *   managers that cached the old, smaller buffer, and by the allocator.
 */
import { expect } from 'chai'
import { Worker } from 'node:worker_threads'
import { bitsToFloat32, bitsToFloat64, float32ToBits, float64ToBits } from '../src/conversions.js'
import { createWasmHeapManager, type WasmHeapManager } from '../src/index.js'
import { callMethod, elements, type Value } from './support/dynamic.js'
import type { NormalizedElement } from '../codegen/normalize.js'
import {
	arenaStart,
	controlBlock,
	initialPages,
	maximumPages,
	pageSize,
	raceElementCount,
	raceValue,
	sharedAllocator,
	slot,
	waitForSlot,
	type HeapName,
	type Reply,
	type RequestOf,
	type Request,
	type Responses,
	type ThreadWorkerData,
} from './support/threadWorker.js'

const workerCount = 3

/**
 * How a worker loads the TypeScript worker module. On Node 20, tsx registers its ESM hooks
 * only in the main thread: `--import=tsx`, inherited through `execArgv` or passed again,
 * leaves a worker without them (ERR_UNKNOWN_FILE_EXTENSION for the .ts entry). So each
 * worker runs a small bootstrap that registers tsx's API itself and then imports the
 * module, and its `execArgv` drops the tsx flags, so tsx is registered exactly once on
 * Node versions whose tsx does register in workers.
 */
const workerModuleUrl = new URL('./support/threadWorker.ts', import.meta.url)
const workerBootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
	.then(({ register }) => { register(); return import(${JSON.stringify(workerModuleUrl.href)}) })`

function workerExecArgv(): string[] {
	const execArgv: string[] = []
	const flags = process.execArgv
	for (let i = 0; i < flags.length; i++) {
		const flag = flags[i]!
		if (/^--(import|loader|experimental-loader)=tsx$/.test(flag)) continue
		if (/^--(import|loader|experimental-loader)$/.test(flag) && flags[i + 1] === 'tsx') {
			i++
			continue
		}
		execArgv.push(flag)
	}
	return execArgv
}

/** Workers running test/support/threadWorker.ts, with request/response over postMessage. */
class ThreadPool {
	private readonly workers: Worker[] = []
	private readonly pending = new Map<number, { worker: number; resolve: (value: unknown) => void; reject: (error: Error) => void }>()
	private nextId = 1
	private terminating = false
	/** Set when a worker fails or exits early: later requests reject at once instead of hanging. */
	failure: Error | undefined

	constructor(memory: WebAssembly.Memory, count: number) {
		for (let workerId = 0; workerId < count; workerId++) {
			const workerData: ThreadWorkerData = { heapThread: true, memory, workerId }
			const worker = new Worker(workerBootstrap, { eval: true, workerData, execArgv: workerExecArgv() })
			worker.on('message', (reply: Reply) => {
				const entry = this.pending.get(reply.id)
				if (entry === undefined) return
				this.pending.delete(reply.id)
				if (reply.ok) entry.resolve(reply.value)
				else entry.reject(new Error(`worker ${workerId}: ${reply.error}`))
			})
			const failAll = (error: Error): void => {
				if (this.terminating) return
				this.failure ??= error
				for (const [id, entry] of this.pending) {
					if (entry.worker !== workerId) continue
					this.pending.delete(id)
					entry.reject(error)
				}
			}
			worker.on('error', (error) => failAll(new Error(`worker ${workerId} failed: ${error.stack ?? String(error)}`)))
			worker.on('messageerror', (error) => failAll(new Error(`worker ${workerId}: message error ${String(error)}`)))
			worker.on('exit', (code) => failAll(new Error(`worker ${workerId} exited with code ${code}`)))
			this.workers.push(worker)
		}
	}

	request<C extends Request['cmd']>(workerId: number, request: RequestOf<C>): Promise<Responses[C]> {
		const worker = this.workers[workerId]
		if (worker === undefined) throw new Error(`no worker ${workerId}`)
		if (this.failure !== undefined) return Promise.reject(this.failure)
		const id = this.nextId++
		return new Promise<Responses[C]>((resolve, reject) => {
			this.pending.set(id, { worker: workerId, resolve: resolve as (value: unknown) => void, reject })
			worker.postMessage({ id, request })
		})
	}

	/** `request` on every worker; `make(workerId)` builds each one's request. */
	all<C extends Request['cmd']>(make: (workerId: number) => RequestOf<C>): Promise<Responses[C][]> {
		return Promise.all(this.workers.map((_, workerId) => this.request<C>(workerId, make(workerId))))
	}

	/** Calls `heap[method](...args)` in a worker; a thrown error comes back as `{ ok: false }`. */
	async call(workerId: number, heap: HeapName, method: string, ...args: unknown[]): Promise<unknown> {
		const outcome = await this.request<'call'>(workerId, { cmd: 'call', heap, method, args })
		if (!outcome.ok) throw new Error(`worker ${workerId}: ${method} threw ${outcome.name}: ${outcome.message}`)
		return outcome.value
	}

	async terminate(): Promise<void> {
		this.terminating = true
		await Promise.all(this.workers.map((worker) => worker.terminate()))
	}
}

describe('threads: managers in worker_threads over one shared WebAssembly.Memory', function () {
	this.timeout(30_000)

	let memory: WebAssembly.Memory
	let control: Int32Array
	let pool: ThreadPool | undefined
	let initialBuffer: SharedArrayBuffer
	/** The main thread's managers, like each worker's (see `HeapName`). */
	let mainHeap: WasmHeapManager
	let mainStale: WasmHeapManager
	let mainStale2: WasmHeapManager
	let mainNever: WasmHeapManager

	function threads(): ThreadPool {
		if (pool === undefined) throw new Error('the workers did not start')
		// Fail at once rather than block in Atomics.wait for workers that are gone.
		if (pool.failure !== undefined) throw pool.failure
		return pool
	}

	/** Resets the flags and counters of the control block (not the bump pointer). */
	function resetControl(): void {
		for (let index = slot.stop; index < 32; index++) Atomics.store(control, index, 0)
	}

	/** Sets the stop flag and wakes anyone waiting on it. */
	function stopLoops(): void {
		Atomics.store(control, slot.stop, 1)
		Atomics.notify(control, slot.stop)
		Atomics.store(control, slot.go, 1)
		Atomics.notify(control, slot.go)
	}

	before(async function () {
		memory = new WebAssembly.Memory({ initial: initialPages, maximum: maximumPages, shared: true })
		initialBuffer = memory.buffer as unknown as SharedArrayBuffer
		control = controlBlock(memory)
		Atomics.store(control, slot.bump, arenaStart)
		const { alloc, free } = sharedAllocator(memory)
		mainHeap = createWasmHeapManager(() => memory.buffer, alloc, free)
		mainStale = createWasmHeapManager(() => memory.buffer, alloc, free)
		mainStale2 = createWasmHeapManager(() => memory.buffer, alloc, free)
		mainNever = createWasmHeapManager(() => memory.buffer, alloc, free, { pollingMode: 'never' })
		pool = new ThreadPool(memory, workerCount)
		// Every worker loaded its module and answers (a load error fails here, not later).
		await pool.all<'info'>(() => ({ cmd: 'info' }))
	})

	after(async function () {
		if (control !== undefined) stopLoops()
		await pool?.terminate()
	})

	afterEach(function () {
		// A failed test must not leave a worker spinning in a loop.
		stopLoops()
	})

	describe('several managers, one memory, one shared allocator', function () {
		it('starts 3 workers running TypeScript through tsx, each with its own manager over the same SharedArrayBuffer memory', async function () {
			const infos = await threads().all<'info'>(() => ({ cmd: 'info' }))
			expect(infos.map((info) => info.workerId)).to.deep.equal([0, 1, 2])
			expect(new Set(infos.map((info) => info.threadId)).size).to.equal(workerCount)
			for (const info of infos) {
				expect(info.threadId).to.be.above(0)
				// The worker module is TypeScript: it answers only if tsx's hooks are active there.
				expect(info.tsxActive).to.equal(true)
				expect(info.heapIsShared).to.equal(true)
				expect(info.heapByteLength).to.equal(initialPages * pageSize)
				expect(info.memoryByteLength).to.equal(memory.buffer.byteLength)
			}
		})

		it('lets every thread allocate at once: regions are aligned, disjoint, and what one thread wrote every other reads', async function () {
			resetControl()
			const perThread = 60
			const races = threads().all<'allocRace'>(() => ({ cmd: 'allocRace', count: perThread }))
			races.catch(() => {}) // awaited below; observed now in case the main thread throws first
			const mainRegions: Responses['allocRace'] = []
			try {
				waitForSlot(control, slot.started, (started) => started === workerCount, 10_000, 'the workers to reach the barrier')
				Atomics.store(control, slot.go, 1)
				Atomics.notify(control, slot.go)
				const mainId = workerCount
				for (let region = 0; region < perThread; region++) {
					const ref = mainHeap.allocInt32Array(raceElementCount(region))
					for (let index = 0; index < ref.elementCount; index++) ref.writeAt(index, raceValue(mainId, region, index))
					mainRegions.push({ address: ref.address, elementCount: ref.elementCount, allocatedByteSize: ref.allocatedByteSize })
				}
			} finally {
				stopLoops()
			}
			const byThread = [...(await races), mainRegions]

			const all = byThread.flatMap((regions, owner) => regions.map((region, index) => ({ ...region, owner, index })))
			expect(all).to.have.length((workerCount + 1) * perThread)
			all.sort((a, b) => a.address - b.address)
			const bump = Atomics.load(control, slot.bump)
			for (const [i, region] of all.entries()) {
				expect(region.address % 16, `alignment of ${region.address}`).to.equal(0)
				expect(region.address).to.be.at.least(arenaStart)
				expect(region.allocatedByteSize).to.equal(region.elementCount * 4)
				expect(region.address + region.allocatedByteSize).to.be.at.most(bump)
				const next = all[i + 1]
				if (next !== undefined) {
					expect(region.address + region.allocatedByteSize, `region of thread ${region.owner} overlaps one of thread ${next.owner}`).to.be.at.most(next.address)
				}
			}

			// The main thread reads every thread's values with its own manager.
			for (const region of all) {
				for (let index = 0; index < region.elementCount; index++) {
					expect(mainHeap.readInt32(region.address + 4 * index)).to.equal(raceValue(region.owner, region.index, index))
				}
			}
			// Each worker reads the first region of the next thread (the main thread's for the last).
			await Promise.all(
				Array.from({ length: workerCount }, async (_, workerId) => {
					const owner = workerId + 1
					const region = byThread[owner]![0]!
					const value = await threads().call(workerId, 'main', 'readInt32Atomic', region.address)
					expect(value).to.equal(raceValue(owner, 0, 0))
				}),
			)
		})
	})

	describe('no torn values: write<T>Atomic in 3 workers against read<T>Atomic in the main thread', function () {
		/** A manager over a private scratch buffer, to turn bytes into values and back. */
		const scratchBuffer = new ArrayBuffer(64)
		const scratchBytes = new Uint8Array(scratchBuffer)
		const scratch = createWasmHeapManager(
			() => scratchBuffer,
			() => 0,
			() => {},
		)

		function decode(element: NormalizedElement, bytes: Uint8Array): Value {
			scratchBytes.fill(0)
			scratchBytes.set(bytes, 0)
			return callMethod(scratch, element.methods.read, 0) as Value
		}

		/**
		 * Values whose bytes are all equal (0x00, 0xFF, 0x5A, 0xA5 repeated), except that
		 * Pointer53 keeps only its low 53 bits and floats skip 0xFF (a NaN). Any two differ
		 * in every byte that is not constant across all of them.
		 */
		function patterns(element: NormalizedElement): { values: Value[]; bytes: Uint8Array[] } {
			const values: Value[] = []
			const bytes: Uint8Array[] = []
			for (const fill of [0x00, 0xff, 0x5a, 0xa5]) {
				const pattern = new Uint8Array(element.byteSize).fill(fill)
				if (element.kind === 'pointer53') {
					pattern[6] = pattern[6]! & 0x1f
					pattern[7] = 0
				}
				const value = decode(element, pattern)
				if (typeof value === 'number' && Number.isNaN(value)) continue
				values.push(value)
				bytes.push(pattern)
			}
			return { values, bytes }
		}

		for (const element of elements) {
			it(`${element.name}: every value read is one of the patterns written (${element.byteSize} bytes)`, async function () {
				const { values, bytes } = patterns(element)
				expect(values.length).to.be.at.least(element.kind === 'float' ? 3 : 4)

				// The pattern idea holds: write<T> stores exactly the pattern's bytes, and any
				// mixture of two patterns (low bytes of one, high bytes of the other) is not a pattern.
				const allowed = new Set<Value>(values)
				expect(allowed.size).to.equal(values.length)
				for (const [i, value] of values.entries()) {
					scratchBytes.fill(0x33)
					callMethod(scratch, element.methods.write, 8, value)
					expect([...scratchBytes.subarray(8, 8 + element.byteSize)], `bytes of ${String(value)}`).to.deep.equal([...bytes[i]!])
				}
				for (const [a, low] of bytes.entries()) {
					for (const [b, high] of bytes.entries()) {
						if (a === b) continue
						for (let split = 1; split < element.byteSize; split++) {
							const mixed = Uint8Array.from([...low.subarray(0, split), ...high.subarray(split)])
							if (mixed.every((byte, k) => byte === low[k]) || mixed.every((byte, k) => byte === high[k])) continue
							expect(allowed.has(decode(element, mixed)), `mixture ${mixed.join(',')} must be detectable`).to.equal(false)
						}
					}
				}

				const address = mainHeap.allocBigUint64Array(2).address
				callMethod(mainHeap, element.methods.writeAtomic, address, values[0])
				resetControl()
				const writers = threads().all<'tornWrite'>((workerId) => ({
					cmd: 'tornWrite',
					method: element.methods.writeAtomic,
					address,
					// Each worker cycles through the patterns from a different start.
					values: values.map((_, i) => values[(i + workerId) % values.length]!),
				}))
				writers.catch(() => {}) // awaited below; observed now in case the main thread throws first
				const read = (mainHeap as unknown as Record<string, (address: number) => Value>)[element.methods.readAtomic]!.bind(mainHeap)
				const seen = new Set<Value>()
				const torn: Value[] = []
				let reads = 0
				try {
					waitForSlot(control, slot.started, (started) => started === workerCount, 10_000, 'the writers to start')
					const start = performance.now()
					for (;;) {
						for (let i = 0; i < 256; i++) {
							const value = read(address)
							if (allowed.has(value)) seen.add(value)
							else if (torn.length < 10) torn.push(value)
						}
						reads += 256
						const elapsed = performance.now() - start
						if ((elapsed >= 25 && seen.size === values.length) || elapsed >= 3000) break
					}
				} finally {
					stopLoops()
				}
				const writes = await writers

				expect(torn, `torn values read by ${element.methods.readAtomic}`).to.deep.equal([])
				for (const [workerId, count] of writes.entries()) expect(count, `writes by worker ${workerId}`).to.be.above(0)
				expect(reads).to.be.above(0)
				expect(seen.size, 'distinct patterns the main thread saw').to.be.at.least(2)
				expect(allowed.has(read(address))).to.equal(true)
			})
		}
	})

	describe('strings exchanged between threads', function () {
		// Short (decoded by a loop) and long (by TextDecoder) values, the empty string, and a
		// lone surrogate (UTF-8 stores U+FFFD for it; UTF-16 and UTF-32 keep it).
		const sample = (id: string): string[] => [`Grüße 世界 😀 ${id}`, '', `${'Grüße 世界 😀 ¡ñ '.repeat(40)}${id}`, `${id} \ud83d lone`]
		const asUtf8 = (value: string): string => value.replace(/\ud83d(?!\ude00)/g, '\ufffd')

		it('reads in the main thread, with its own manager, the UTF-8/16/32 strings each worker allocated', async function () {
			const results = await threads().all<'allocStrings'>((workerId) => ({ cmd: 'allocStrings', values: sample(`worker ${workerId}`) }))
			for (const [workerId, { addresses, sizes }] of results.entries()) {
				const values = sample(`worker ${workerId}`)
				expect(addresses.utf8.map((address) => mainHeap.readNullTerminatedUtf8String(address))).to.deep.equal(values.map(asUtf8))
				expect(addresses.utf16.map((address) => mainHeap.readNullTerminatedUtf16String(address))).to.deep.equal(values)
				expect(addresses.utf32.map((address) => mainHeap.readNullTerminatedUtf32String(address))).to.deep.equal(values)
				// Allocated at exactly the encoded size plus the terminator.
				expect(sizes.utf8).to.deep.equal(values.map((value) => Buffer.byteLength(value, 'utf8') + 1))
				expect(sizes.utf16).to.deep.equal(values.map((value) => (value.length + 1) * 2))
				expect(sizes.utf32).to.deep.equal(values.map((value) => ([...value].length + 1) * 4))
				// The bytes themselves, read straight from the shared memory.
				const first = addresses.utf8[0]!
				const byteLength = Buffer.byteLength(values[0]!, 'utf8')
				expect(Buffer.from(new Uint8Array(memory.buffer, first, byteLength)).toString('utf8')).to.equal(values[0])
				expect(new Uint8Array(memory.buffer, first + byteLength, 1)[0]).to.equal(0)
			}

			// And worker to worker: each reads the strings of the next one.
			await Promise.all(
				results.map(async (_, workerId) => {
					const source = (workerId + 1) % workerCount
					const read = await threads().request<'readStrings'>(workerId, { cmd: 'readStrings', addresses: results[source]!.addresses })
					const values = sample(`worker ${source}`)
					expect(read).to.deep.equal({ utf8: values.map(asUtf8), utf16: values, utf32: values })
				}),
			)
		})

		it('reads in each worker the UTF-8/16/32 strings the main thread allocated', async function () {
			const perWorker = Array.from({ length: workerCount }, (_, workerId) => {
				const values = sample(`main → ${workerId}`)
				return {
					values,
					addresses: {
						utf8: values.map((value) => mainHeap.allocNullTerminatedUtf8String(value).address),
						utf16: values.map((value) => mainHeap.allocNullTerminatedUtf16String(value).address),
						utf32: values.map((value) => mainHeap.allocNullTerminatedUtf32String(value).address),
					},
				}
			})
			const read = await threads().all<'readStrings'>((workerId) => ({ cmd: 'readStrings', addresses: perWorker[workerId]!.addresses }))
			for (const [workerId, strings] of read.entries()) {
				const values = perWorker[workerId]!.values
				expect(strings).to.deep.equal({ utf8: values.map(asUtf8), utf16: values, utf32: values })
			}
		})
	})

	describe('Float32/Float64 bit patterns through atomics across threads', function () {
		const bits32 = [
			0x00000000, 0x80000000 /* -0 */, 0x00000001 /* smallest subnormal */, 0x80000001, 0x007fffff /* largest subnormal */,
			0x00800000 /* smallest normal */, 0x7f7fffff, 0x7f800000, 0xff800000, 0x7fc00000 /* NaN */, 0x3f800000, 0xc0490fdb,
		]
		const bits64 = [
			0x0000000000000000n, 0x8000000000000000n, 0x0000000000000001n, 0x8000000000000001n, 0x000fffffffffffffn,
			0x0010000000000000n, 0x7fefffffffffffffn, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
			0x3ff0000000000000n, 0x400921fb54442d18n,
		]

		function allocate(): { address32: number; address64: number } {
			return {
				address32: mainHeap.allocFloat32Array(bits32.length).address,
				address64: mainHeap.allocFloat64Array(bits64.length).address,
			}
		}

		/** The memory holds `bits32` and `bits64` exactly, as integer views of it say. */
		function expectExactBitsInMemory(address32: number, address64: number): void {
			const raw32 = new Int32Array(memory.buffer, address32, bits32.length)
			const raw64 = new BigUint64Array(memory.buffer, address64, bits64.length)
			expect(bits32.map((_, i) => Atomics.load(raw32, i) >>> 0)).to.deep.equal(bits32)
			expect(bits64.map((_, i) => Atomics.load(raw64, i))).to.deep.equal(bits64)
		}

		it('writes them in a worker (write*Atomic) and reads the exact bits in the main thread (read*Atomic and raw)', async function () {
			const { address32, address64 } = allocate()
			await threads().request<'writeFloatBits'>(0, { cmd: 'writeFloatBits', address32, bits32, address64, bits64 })

			expectExactBitsInMemory(address32, address64)

			// Independent of src/conversions.ts: the engine's own float views of the same bytes.
			const floats32 = new Float32Array(memory.buffer, address32, bits32.length)
			const floats64 = new Float64Array(memory.buffer, address64, bits64.length)
			for (const [i, bits] of bits32.entries()) {
				const value = mainHeap.readFloat32Atomic(address32 + 4 * i)
				expect(float32ToBits(value) >>> 0, `Float32 bits 0x${bits.toString(16)}`).to.equal(bits)
				if (!Number.isNaN(value)) expect(Object.is(value, floats32[i]), `Float32 bits 0x${bits.toString(16)}`).to.equal(true)
			}
			for (const [i, bits] of bits64.entries()) {
				const value = mainHeap.readFloat64Atomic(address64 + 8 * i)
				expect(BigInt.asUintN(64, float64ToBits(value)), `Float64 bits 0x${bits.toString(16)}`).to.equal(bits)
				if (!Number.isNaN(value)) expect(Object.is(value, floats64[i]), `Float64 bits 0x${bits.toString(16)}`).to.equal(true)
			}
			expect(Object.is(mainHeap.readFloat32Atomic(address32 + 4), -0)).to.equal(true)
			expect(Object.is(mainHeap.readFloat64Atomic(address64 + 8), -0)).to.equal(true)
			expect(mainHeap.readFloat64Atomic(address64 + 16)).to.equal(Number.MIN_VALUE)
		})

		it('writes them in the main thread and reads the exact bits in a worker', async function () {
			const { address32, address64 } = allocate()
			bits32.forEach((bits, i) => mainHeap.writeFloat32Atomic(address32 + 4 * i, bitsToFloat32(bits)))
			bits64.forEach((bits, i) => mainHeap.writeFloat64Atomic(address64 + 8 * i, bitsToFloat64(bits)))
			expectExactBitsInMemory(address32, address64)
			const read = await threads().request<'readFloatBits'>(1, {
				cmd: 'readFloatBits',
				address32,
				count32: bits32.length,
				address64,
				count64: bits64.length,
			})
			expect(read).to.deep.equal({ bits32, bits64 })
		})
	})

	// Last: it grows the memory for good.
	describe('growth by one worker, seen by the other threads (whenEmpty polling)', function () {
		const oldSize = initialPages * pageSize
		const growPages = 2
		const newSize = oldSize + growPages * pageSize
		const markerAddress = oldSize + 256
		const marker = 1234.5
		const markerBig = -0x123456789abcdefn
		const straddleAddress = oldSize - 8
		const straddleText = 'this string starts in the old part and ends in the grown part: Grüße 世界 😀'
		const utf16Address = oldSize + 2048
		const utf32Address = oldSize + 3072
		const wideText = 'grown 世界 😀 \ud800 lone'
		const mainWriteAddress = oldSize + 4096
		const mainWriteText = 'written by the main thread into the grown part 世界'
		const ownAddress = (workerId: number): number => oldSize + 8192 + 64 * workerId
		let grown: Promise<Responses['grow']> | undefined

		function grow(): Promise<Responses['grow']> {
			grown ??= threads().request<'grow'>(0, {
				cmd: 'grow',
				pages: growPages,
				markerAddress,
				marker,
				markerBig,
				straddleAddress,
				straddleText,
				utf16Address,
				utf32Address,
				wideText,
			})
			return grown
		}

		it('workers keep reading and writing, also in the grown part, while another worker grows the memory', async function () {
			expect(memory.buffer.byteLength).to.equal(oldSize)
			resetControl()
			const loopers = [1, 2]
			const oldAddresses = loopers.map(() => mainHeap.allocInt32().address)
			// Nothing allocated near the old end, where the straddling string goes; and no
			// allocation until the growth, then only from the second grown page.
			expect(Atomics.load(control, slot.bump)).to.be.below(straddleAddress)
			Atomics.store(control, slot.bump, oldSize + pageSize)

			const loops = loopers.map((workerId, i) =>
				threads().request<'growthLoop'>(workerId, {
					cmd: 'growthLoop',
					oldAddress: oldAddresses[i]!,
					ownAddress: ownAddress(workerId),
					markerAddress,
					marker,
					markerBig,
				}),
			)
			for (const loop of loops) loop.catch(() => {}) // awaited below
			try {
				waitForSlot(control, slot.started, (started) => started === loopers.length, 10_000, 'the loops to start')
				for (const workerId of loopers) {
					waitForSlot(control, slot.progressBefore + workerId, (count) => count >= 64, 10_000, `worker ${workerId} to loop before the growth`)
				}
				expect(() => mainHeap.readFloat64(markerAddress)).to.throw(RangeError, /out of range/)

				const result = await grow()
				expect(result).to.deep.equal({ oldPages: initialPages, byteLength: newSize, heapByteLength: newSize })
				expect(memory.buffer.byteLength).to.equal(newSize)
				// Never detached: the old buffer keeps its old length.
				expect(initialBuffer.byteLength).to.equal(oldSize)

				// The main thread's managers cached the old buffer, and see the new one.
				expect(mainStale.readNullTerminatedUtf8String(straddleAddress)).to.equal(straddleText)
				expect(mainHeap.readFloat64(markerAddress)).to.equal(marker)
				expect(mainHeap.readBigInt64Atomic(markerAddress + 8)).to.equal(markerBig)
				expect(mainHeap.readNullTerminatedUtf16String(utf16Address)).to.equal(wideText)
				expect(mainHeap.readNullTerminatedUtf32String(utf32Address)).to.equal(wideText)
				mainHeap.writeFloat64Atomic(mainWriteAddress, 6.5)
				mainHeap.writeNullTerminatedUtf8String(mainWriteAddress + 16, mainWriteText)
				// A 'never' manager keeps the old buffer: the same address is out of range there.
				expect(() => mainNever.readFloat64(markerAddress)).to.throw(RangeError, /out of range/)

				for (const workerId of loopers) {
					waitForSlot(control, slot.progressAfter + workerId, (count) => count >= 256, 10_000, `worker ${workerId} to access the grown part`)
				}
			} finally {
				stopLoops()
			}
			for (const [i, result] of (await Promise.all(loops)).entries()) {
				expect(result.error, `worker ${loopers[i]}`).to.equal(undefined)
				expect(result.before).to.be.at.least(64)
				expect(result.grownAccesses).to.be.at.least(256)
			}
			// What the loops last wrote in the grown part, read by the main thread.
			for (const workerId of loopers) {
				const value = mainHeap.readFloat64(ownAddress(workerId))
				expect(value % 1).to.equal(0.25)
				expect(mainHeap.readUint16Atomic(ownAddress(workerId) + 8)).to.equal((value - 0.25) & 0xffff)
			}
		})

		it('managers that cached the old, smaller buffer read what another thread wrote into the grown part', async function () {
			const result = await grow()
			expect(result.byteLength).to.equal(newSize)
			if (new DataView(memory.buffer).getFloat64(mainWriteAddress, true) !== 6.5) {
				// Run on its own (--grep): write what the previous test writes.
				mainHeap.writeFloat64Atomic(mainWriteAddress, 6.5)
				mainHeap.writeNullTerminatedUtf8String(mainWriteAddress + 16, mainWriteText)
			}

			for (let workerId = 0; workerId < workerCount; workerId++) {
				expect(await threads().request<'bufferLengths'>(workerId, { cmd: 'bufferLengths' })).to.deep.equal({ initial: oldSize, current: newSize })
				// The 'stale' manager has not been used since before the growth.
				expect(await threads().call(workerId, 'stale', 'readFloat64Atomic', mainWriteAddress)).to.equal(6.5)
				expect(await threads().call(workerId, 'stale', 'readNullTerminatedUtf8String', mainWriteAddress + 16)).to.equal(mainWriteText)
				expect(await threads().call(workerId, 'stale', 'readNullTerminatedUtf8String', straddleAddress)).to.equal(straddleText)
				expect(await threads().call(workerId, 'stale', 'readFloat64', markerAddress)).to.equal(marker)
				const never = await threads().request<'call'>(workerId, { cmd: 'call', heap: 'never', method: 'readFloat64', args: [mainWriteAddress] })
				expect(never).to.deep.include({ ok: false, name: 'RangeError' })
			}
			expect(mainStale2.readFloat64(markerAddress)).to.equal(marker)

			// The allocator hands out grown memory to a manager that never saw it.
			const allocated = (await threads().call(2, 'staleAlloc', 'allocNullTerminatedUtf16String', 'allocated in the grown part 😀')) as {
				address: number
			}
			expect(allocated.address).to.be.at.least(oldSize)
			expect(mainHeap.readNullTerminatedUtf16String(allocated.address)).to.equal('allocated in the grown part 😀')
		})
	})
})
