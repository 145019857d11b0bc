/**
 * C and this library on the same counters and the same lock. The C side is a real module,
 * test/fixtures/atomics/atomics.wasm, built by clang-14 for wasm32 with `-matomics
 * -mbulk-memory` over an imported shared memory (test/fixtures/atomics/build.sh), using
 * C11 `<stdatomic.h>` (`atomic_fetch_add`, `atomic_compare_exchange_*`, `atomic_exchange`)
 * and `__builtin_wasm_memory_atomic_wait32` / `notify`. Each worker instantiates it over
 * the one shared memory; the others use `add<T>Atomic` and the same futex lock through a
 * manager (test/support/atomicsWorker.ts).
 */
import { expect } from 'chai'
import {
	AtomicsPool,
	atomicsModule,
	createSharedMemory,
	dataStart,
	instantiateAtomics,
	lock,
	managerOver,
	unlock,
	type AtomicsJob,
	type Counter,
	type CounterType,
	type GuardedLayout,
} from './support/atomicsWorker.js'

const workers = 4
const times = 100_000

/** Resolves once `condition()` holds, polling every millisecond; fails after 10 s naming `what`. */
async function until(condition: () => boolean, what: string): Promise<void> {
	const deadline = performance.now() + 10_000
	while (!condition()) {
		if (performance.now() > deadline) throw new Error(`timed out waiting until ${what}`)
		await new Promise((resolve) => setTimeout(resolve, 1))
	}
}

describe('C (clang-14, wasm32 threads) and this library on the same counters and lock', function () {
	this.timeout(300_000)
	let pool: AtomicsPool
	let memory: WebAssembly.Memory
	let next = dataStart
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

	it('the fixture imports one shared memory and nothing else, and exports the C functions', () => {
		const module = atomicsModule()
		expect(WebAssembly.Module.imports(module)).to.deep.equal([{ module: 'env', name: 'memory', kind: 'memory' }])
		expect(WebAssembly.Module.exports(module).map((entry) => entry.name)).to.deep.equal(['add_i32', 'add_i64', 'add_u8', 'add_f64', 'lock', 'unlock', 'locked_updates'])
		// Declared shared: a non-shared memory does not link.
		expect(() => new WebAssembly.Instance(module, { env: { memory: new WebAssembly.Memory({ initial: 4, maximum: 16 }) } })).to.throw(WebAssembly.LinkError)
	})

	it('C and add<T>Atomic agree on one thread: each sees what the other added, in the same bytes', () => {
		const heap = managerOver(memory)
		const c = instantiateAtomics(atomicsModule(), memory)
		const base = take(64)
		c.add_i32(base, 5, 3)
		expect(heap.addInt32Atomic(base, 2)).to.equal(15)
		c.add_i64(base + 8, 2n ** 40n, 2)
		expect(heap.addBigInt64Atomic(base + 8, 1n)).to.equal(2n ** 41n)
		c.add_u8(base + 16, 200, 2)
		expect(heap.addUint8Atomic(base + 16, 1), '400 wraps to 144 in C').to.equal(144)
		c.add_f64(base + 24, 0.5, 3)
		expect(heap.addFloat64Atomic(base + 24, 0.25)).to.equal(1.5)
		expect([heap.readInt32(base), heap.readBigInt64(base + 8), heap.readUint8(base + 16), heap.readFloat64(base + 24)]).to.deep.equal([17, 2n ** 41n + 1n, 145, 1.75])
	})

	it(`2 workers in C (atomic_fetch_add, a compare-exchange loop for double) and 2 with add<T>Atomic, ${times.toLocaleString('en')} adds each on the same four counters: nothing lost`, async () => {
		const heap = managerOver(memory)
		const base = take(128)
		const types: CounterType[] = ['Int32', 'BigInt64', 'Uint8', 'Float64']
		const counters: Counter[] = types.map((type, i) => ({ type, address: base + 16 + i * 16, operand: type === 'BigInt64' ? 1n : 1 }))
		const jobs: AtomicsJob[] = [
			{ kind: 'cAdd', counters, times },
			{ kind: 'add', through: 'manager', counters, times },
			{ kind: 'cAdd', counters, times },
			{ kind: 'add', through: 'ref', counters, times },
		]
		await pool.run(jobs)
		const total = workers * times
		expect(heap.readInt32(counters[0]!.address)).to.equal(total)
		expect(heap.readBigInt64(counters[1]!.address)).to.equal(BigInt(total))
		expect(heap.readUint8(counters[2]!.address)).to.equal(total % 256)
		expect(heap.readFloat64(counters[3]!.address)).to.equal(total)
	})

	it('2 workers lock in C and 2 with compareExchangeInt32Atomic + waitInt32 + notify, on one lock word: the guarded fields never tear, no update lost', async () => {
		const heap = managerOver(memory)
		const base = take(64)
		const layout: GuardedLayout = { lock: base, torn: base + 4, guarded: base + 8 }
		const updates = 25_000
		const jobs: AtomicsJob[] = [
			{ kind: 'lockedUpdates', side: 'c', layout, times: updates, useLock: true },
			{ kind: 'lockedUpdates', side: 'js', layout, times: updates, useLock: true },
			{ kind: 'lockedUpdates', side: 'c', layout, times: updates, useLock: true },
			{ kind: 'lockedUpdates', side: 'js', layout, times: updates, useLock: true },
		]
		await pool.run(jobs)
		expect(heap.readInt32(layout.torn), 'torn states seen by C or JS').to.equal(0)
		expect(heap.readInt32(layout.guarded)).to.equal(workers * updates)
		expect(heap.readBigInt64(layout.guarded + 8)).to.equal(BigInt(workers * updates))
		expect(heap.readFloat64(layout.guarded + 16)).to.equal(workers * updates)
		expect(heap.readInt32Atomic(layout.lock)).to.equal(0)
	})

	it("C sleeping in memory.atomic.wait32 on a lock this library holds is woken by this library's notify", async () => {
		const heap = managerOver(memory)
		// A sleeper that has marked the word but not yet gone to sleep cannot be told apart from
		// outside; the test waits 50 ms for it and tries again (up to 5 times) if notify found nobody.
		let woken = 0
		for (let attempt = 0; attempt < 5 && woken === 0; attempt++) {
			const base = take(64)
			const layout: GuardedLayout = { lock: base, torn: base + 4, guarded: base + 8 }
			expect(lock(heap, layout.lock)).to.equal(0)
			const job = pool.run([{ kind: 'lockedUpdates', side: 'c', layout, times: 1, useLock: true }])
			// C marks the word 2 (a sleeper) before it sleeps.
			await until(() => heap.readInt32Atomic(layout.lock) === 2, 'C marks the lock contended')
			await new Promise((resolve) => setTimeout(resolve, 50))
			expect(heap.readInt32(layout.guarded), 'C has not entered').to.equal(0)
			// unlock(), spelled out to see what notify returns.
			expect(heap.subInt32Atomic(layout.lock, 1)).to.equal(2)
			heap.writeInt32Atomic(layout.lock, 0)
			woken = heap.notify(layout.lock, 1)
			await job
			expect(heap.readInt32(layout.guarded)).to.equal(1)
			expect(heap.readInt32Atomic(layout.lock)).to.equal(0)
		}
		expect(woken, 'notify woke the C thread').to.equal(1)
	})

	it("waitInt32 in a worker, on a lock C holds, is woken by C's unlock (memory.atomic.notify)", async () => {
		const heap = managerOver(memory)
		const c = instantiateAtomics(atomicsModule(), memory)
		let sleeps = 0
		for (let attempt = 0; attempt < 5 && sleeps === 0; attempt++) {
			const base = take(64)
			const layout: GuardedLayout = { lock: base, torn: base + 4, guarded: base + 8 }
			c.lock(layout.lock)
			const job = pool.run([{ kind: 'lockedUpdates', side: 'js', layout, times: 1, useLock: true }])
			await until(() => heap.readInt32Atomic(layout.lock) === 2, 'the worker marks the lock contended')
			await new Promise((resolve) => setTimeout(resolve, 50))
			expect(heap.readInt32(layout.guarded)).to.equal(0)
			c.unlock(layout.lock)
			const [result] = await job
			if (result?.kind !== 'locked') throw new Error(`unexpected result ${JSON.stringify(result)}`)
			sleeps = result.sleeps
			expect(heap.readInt32(layout.guarded)).to.equal(1)
		}
		expect(sleeps, 'the worker slept in waitInt32 and was woken').to.equal(1)
	})
})
