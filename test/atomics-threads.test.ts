/**
 * Atomic read-modify-write, wait and notify with real contention: four `worker_threads`
 * workers (test/support/atomicsWorker.ts), each with its own manager over ONE shared
 * `WebAssembly.Memory`, started together at a barrier.
 *
 * - 4 × 100,000 adds of 1 to Int32, BigInt64, Uint8, Float64 and Pointer53 counters at once, through
 *   the manager, value refs and array refs: the totals are exact, and the old values the
 *   adds returned are 0, 1, 2, … each exactly once (their sum proves it). The same loop with
 *   a plain read and write loses updates on this machine: the contention is real, so an
 *   atomic replaced by a plain access fails here.
 * - A lock from compareExchangeInt32Atomic + waitInt32 + notify keeps a plain three-field
 *   update whole; without the lock the fields tear.
 * - waitInt32Async in the main thread woken by a worker's notify, waitInt32 in a worker
 *   woken by another, 'not-equal' and 'timed-out' across threads.
 */
import { expect } from 'chai'
import { createWasmHeapManager } from '../src/index.js'
import { expectThrow } from './support/dynamic.js'
import {
	AtomicsPool,
	createSharedMemory,
	dataStart,
	managerOver,
	type AddReport,
	type AtomicsJob,
	type Counter,
	type CounterType,
	type GuardedLayout,
	type JobResult,
} from './support/atomicsWorker.js'

const workers = 4
const times = 100_000

/** The counters of one round, 16 bytes apart, each with a spare element before it (array refs start there). */
function countersAt(start: number): Counter[] {
	const types: CounterType[] = ['Int32', 'BigInt64', 'Uint8', 'Float64', 'Pointer53']
	return types.map((type, i) => ({ type, address: start + 16 + i * 16, operand: type === 'BigInt64' ? 1n : 1 }))
}

/** What `n` adds of 1 from 0 must leave and return in total, in any order: the counter's values 0 … n - 1, each once. */
function expected(type: CounterType, n: number): { final: number | bigint; report: AddReport } {
	const modulus = type === 'Uint8' ? 256 : Infinity
	let oldSum = 0n
	let wraps = 0
	for (let i = 0; i < n; i++) {
		const old = i % modulus
		oldSum += BigInt(old)
		if (old === 255 && type === 'Uint8') wraps++
	}
	const final = type === 'BigInt64' ? BigInt(n) : n % modulus
	return { final, report: { oldSum: oldSum.toString(), wraps } }
}

/** Merges the workers' reports for counter `c`. */
function merged(results: readonly JobResult[], c: number): AddReport {
	let oldSum = 0n
	let wraps = 0
	for (const result of results) {
		if (result.kind !== 'add') throw new Error(`expected an add report, got ${result.kind}`)
		oldSum += BigInt(result.reports[c]!.oldSum)
		wraps += result.reports[c]!.wraps
	}
	return { oldSum: oldSum.toString(), wraps }
}

describe('atomics across threads: 4 worker_threads on one shared memory', function () {
	this.timeout(300_000)
	let pool: AtomicsPool
	let memory: WebAssembly.Memory
	let next = dataStart
	/** `byteSize` fresh zeroed bytes of the shared memory, 64-byte aligned. */
	const take = (byteSize: number): number => {
		const address = next
		next += Math.ceil(byteSize / 64) * 64
		return address
	}

	before(() => {
		memory = createSharedMemory()
		pool = new AtomicsPool(memory, workers)
	})
	after(async () => {
		await pool?.terminate()
	})

	const routes = [
		{ through: 'manager', title: 'addInt32Atomic, addBigInt64Atomic, addUint8Atomic, addFloat64Atomic and addPointer53Atomic (compare-exchange loops)' },
		{ through: 'ref', title: 'ref.addAtomic on Int32Ref, BigInt64Ref, Uint8Ref, Float64Ref and Pointer53Ref' },
		{ through: 'arrayRef', title: 'arrayRef.addAtomicAt on Int32ArrayRef, BigInt64ArrayRef, Uint8ArrayRef, Float64ArrayRef and Pointer53ArrayRef' },
	] as const
	for (const { through, title } of routes) {
		it(`${title}: 4 workers × ${times.toLocaleString('en')} adds each, totals exact and every old value returned once`, async () => {
			const heap = managerOver(memory)
			const counters = countersAt(take(96))
			const results = await pool.run(Array.from({ length: workers }, (): AtomicsJob => ({ kind: 'add', through, counters, times })))
			counters.forEach((counter, c) => {
				const want = expected(counter.type, workers * times)
				const read = (heap as unknown as Record<string, (address: number) => unknown>)[`read${counter.type}`]!.call(heap, counter.address)
				expect(read, `${counter.type} total`).to.equal(want.final)
				expect(merged(results, c), `${counter.type}: the old values the adds returned`).to.deep.equal(want.report)
			})
		})
	}

	it('the same loop with plain read<T> + write<T> loses updates on this machine (so a plain access in place of an atomic fails above)', async () => {
		const heap = managerOver(memory)
		const lost: Record<string, number>[] = []
		// Lost updates need the workers to overlap; on a busy machine one round may not, so up to 10.
		for (let attempt = 0; attempt < 10; attempt++) {
			const counters = countersAt(take(96)).filter((counter) => counter.type !== 'Uint8' && counter.type !== 'Pointer53')
			await pool.run(Array.from({ length: workers }, (): AtomicsJob => ({ kind: 'plainAdd', counters, times })))
			const round: Record<string, number> = {}
			for (const counter of counters) {
				const read = (heap as unknown as Record<string, (address: number) => number | bigint>)[`read${counter.type}`]!.call(heap, counter.address)
				round[counter.type] = workers * times - Number(read)
			}
			lost.push(round)
			if (Object.values(round).every((count) => count > 0)) break
		}
		console.log(`      plain read + write, 4 × ${times} increments: lost ${lost.map((round) => JSON.stringify(round)).join(', then ')}`)
		const last = lost[lost.length - 1]!
		for (const type of ['Int32', 'BigInt64', 'Float64']) expect(last[type], `${type} updates lost`).to.be.above(0)
	})

	describe('a lock from compareExchangeInt32Atomic, exchangeInt32Atomic, subInt32Atomic, waitInt32 and notify', () => {
		const updates = 25_000
		/** A fresh lock word, `struct Guarded` and torn counter. */
		const layout = (): GuardedLayout => {
			const base = take(64)
			return { lock: base, torn: base + 4, guarded: base + 8 }
		}

		it(`keeps a plain three-field update whole: 4 workers × ${updates.toLocaleString('en')} updates, no torn state, no update lost (sleeps in waitInt32 are logged)`, async () => {
			const heap = managerOver(memory)
			const at = layout()
			const results = await pool.run(Array.from({ length: workers }, (): AtomicsJob => ({ kind: 'lockedUpdates', side: 'js', layout: at, times: updates, useLock: true })))
			expect(heap.readInt32(at.torn), 'torn states seen under the lock').to.equal(0)
			expect(heap.readInt32(at.guarded)).to.equal(workers * updates)
			expect(heap.readBigInt64(at.guarded + 8)).to.equal(BigInt(workers * updates))
			expect(heap.readFloat64(at.guarded + 16)).to.equal(workers * updates)
			expect(heap.readInt32Atomic(at.lock), 'the lock is free at the end').to.equal(0)
			const sleeps = results.map((result) => (result.kind === 'locked' ? result.sleeps : 0))
			console.log(`      waitInt32 sleeps woken by notify, per worker: ${sleeps.join(', ')}`)
		})

		it('without the lock the same updates tear and get lost (the control: the test above can fail)', async () => {
			const heap = managerOver(memory)
			let torn = 0
			let lost = 0
			for (let attempt = 0; attempt < 10 && !(torn > 0 && lost > 0); attempt++) {
				const at = layout()
				await pool.run(Array.from({ length: workers }, (): AtomicsJob => ({ kind: 'lockedUpdates', side: 'js', layout: at, times: updates, useLock: false })))
				torn = heap.readInt32(at.torn)
				lost = workers * updates - heap.readInt32(at.guarded)
			}
			console.log(`      without the lock: ${torn} torn states seen, ${lost} updates lost`)
			expect(torn).to.be.above(0)
			expect(lost).to.be.above(0)
		})
	})

	describe('waitInt32, waitInt32Async and notify between threads', () => {
		it("waitInt32Async in the main thread resolves 'ok' on a worker's notify, and sees the worker's store", async () => {
			const heap = managerOver(memory)
			const address = take(4)
			const waiting = heap.waitInt32Async(address, 0)
			const [result] = await pool.run([{ kind: 'storeAndNotify', address, value: 1 }])
			expect(result).to.deep.equal({ kind: 'notified', woken: 1 })
			expect(await waiting).to.equal('ok')
			expect(heap.readInt32Atomic(address)).to.equal(1)
		})

		it("waitInt32 in a worker sleeps until another worker's notify wakes it", async () => {
			const address = take(4)
			const [waited, notified] = await pool.run([
				{ kind: 'wait', address, expected: 0 },
				{ kind: 'notifyUntilWoken', address },
			])
			expect(waited).to.include({ kind: 'waited', result: 'ok' })
			expect(notified).to.include({ kind: 'notified', woken: 1 })
		})

		it("answers 'not-equal' when another thread changed the value, and 'timed-out' after timeoutMs, in a worker and in the main thread", async () => {
			const heap = managerOver(memory)
			const address = take(4)
			const [stored] = await pool.run([{ kind: 'storeAndNotify', address, value: 7 }])
			expect(stored, 'nobody was waiting').to.deep.equal({ kind: 'notified', woken: 0 })
			const [notEqual] = await pool.run([{ kind: 'wait', address, expected: 0 }])
			expect(notEqual).to.include({ kind: 'waited', result: 'not-equal' })
			const [timedOut] = await pool.run([{ kind: 'wait', address, expected: 7, timeoutMs: 50 }])
			expect(timedOut).to.include({ kind: 'waited', result: 'timed-out' })
			expect((timedOut as { elapsedMs: number }).elapsedMs, 'slept for the timeout').to.be.at.least(45)
			expect(await heap.waitInt32Async(address, 0), 'main thread, value changed by a worker').to.equal('not-equal')
			const started = performance.now()
			expect(await heap.waitInt32Async(address, 7, 30)).to.equal('timed-out')
			expect(performance.now() - started).to.be.at.least(25)
		})

		it('waitInt32Async on a heap that is not shared is a TypeError naming the reason', () => {
			const memory = new WebAssembly.Memory({ initial: 1 })
			const heap = createWasmHeapManager(
				() => memory.buffer,
				() => 0,
				() => {},
			)
			expectThrow(
				() => heap.waitInt32Async(0, 0),
				TypeError,
				'waitInt32Async: the heap is an ArrayBuffer, not a SharedArrayBuffer: only a shared memory can be waited on (a WebAssembly.Memory created with shared: true)',
			)
		})
	})
})
