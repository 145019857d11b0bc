// Threads that share one heap, in every runtime of the portable suite: the main thread
// creates a shared WebAssembly.Memory whose built-in allocator it initialises, starts
// `threadWorkers` workers of the runtime's own kind (worker_threads in Node, Web Workers
// in Bun, Deno and Chromium), and each worker joins that allocator with
// createWasmHeapManager(memory, { start }) of its own. Then, all at once:
//
//   1. every worker sleeps in waitInt32 on `go`; the main thread wakes them one at a time
//      with notify(go, 1), which must wake exactly one sleeper a call (its waits:
//      waitInt32Async, or waitInt32 where an engine lacks Atomics.waitAsync, said as a skip);
//   2. every thread (the main one too) makes `burstOps` allocator calls back to back (small
//      blocks, each stamped and checked before its free: without the allocator's lock this
//      fails), then `threadOps` seeded allocations and frees of arrays and strings through
//      its manager, each block filled with a pattern of its thread and serial
//      number and verified before it is freed (a block handed to two threads shows up as
//      overwritten bytes);
//   3. halfway, once the main thread's waitInt32Async on `grown` is pending (so that worker
//      0's notify must wake it: 'ok'), worker 0 allocates more than the memory holds, so
//      that the allocator grows it, fills that array and announces it; every other thread
//      (the workers sleep in waitInt32) reads it past the old end through a manager of its
//      own that had cached the old, smaller buffer, and writes an answer there that worker
//      0 then checks;
//   4. each worker keeps a few blocks, whose contents the main thread verifies and frees
//      through its own allocator object (a free across threads);
//   5. at the end check() passes and usedByteSize is what it was before the workers came.
//
// Everything is shared by the worker side (`threadWorker`) and the main side
// (`runThreads`); the runtime's entry supplies how to start a worker (`host`).

import { threadMayBlock } from './suite.js'

/** Workers besides the main thread. */
export const threadWorkers = 3
/** Allocations and frees per thread. */
export const threadOps = 3000
/** Blocks each worker leaves for the main thread to verify and free. */
const keptPerWorker = 8
/** The allocator's start: the control words live below it. */
export const threadsStart = 256
const timeoutMs = 30000

/** Byte addresses of the control words (Int32). */
const at = {
	ready: 0, // workers add 1 once their manager is made
	go: 4, // stays 0: the workers sleep on it until the main thread's notify
	grown: 8, // worker 0 sets 1 once its array lies past the old end
	acks: 12, // the other threads add 1 once they read that array
	done: 16, // workers add 1 when finished
	failed: 20, // set to 1 by a thread that failed, so that no one waits in vain
	bigAddress: 24, // worker 0's array: address, element count, the memory's byte length before
	bigLength: 28,
	oldEnd: 32,
	mainMidway: 36, // the main thread sets 1 once it waits for the growth (worker 0 grows only then)
}

function rng(seed) {
	let state = seed >>> 0
	return () => {
		state = (state + 0x6d2b79f5) >>> 0
		let t = state
		t = Math.imul(t ^ (t >>> 15), t | 1)
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296
	}
}

/** Element `i` of the block of thread `tid` with serial number `serial`. */
function pattern(tid, serial, i) {
	return ((tid << 26) ^ Math.imul(serial + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x01000193)) >>> 0
}

function text(tid, serial) {
	return `t${tid}#${serial} héllo 😀 ${'ab'.repeat(serial % 23)}`
}

/** Value at element `i` of worker 0's grown array. */
const bigValue = (i) => i * 0.5 + 1

class ThreadFailure extends Error {}

/** Blocks (a worker may) until the Int32 at `address` satisfies `done`. */
function blockUntil(heap, address, done, what) {
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const value = heap.readInt32Atomic(address)
		if (done(value)) return value
		if (heap.readInt32Atomic(at.failed) !== 0) throw new ThreadFailure(`another thread failed while this one waited for ${what}`)
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (the word holds ${value})`)
		heap.waitInt32(address, value, 100)
	}
}

/**
 * One thread's allocations and frees (seeded by `tid`) through its own manager `heap`,
 * every block verified before its free: `run(n)` makes `n` more, `finish()` verifies the
 * blocks still live and returns them.
 */
function churn(heap, tid, memory, stats) {
	const random = rng(0x5eed + (tid === 'main' ? 999 : tid * 7919))
	const live = []
	let serial = 0
	const verify = (block) => {
		if (block.kind === 'string') {
			const value = block.ref.value
			if (value !== text(tid, block.serial)) throw new Error(`thread ${tid}: string ${block.serial} at ${block.ref.address} reads ${JSON.stringify(value.slice(0, 40))}`)
			stats.verifiedBytes += block.ref.allocatedByteSize
			return
		}
		const view = heap.viewUint32Array(block.ref.address, block.length)
		for (let i = 0; i < block.length; i++) {
			if (view[i] !== pattern(tid, block.serial, i)) {
				throw new Error(`thread ${tid}: block ${block.serial} at ${block.ref.address}, element ${i} holds ${view[i]}, not ${pattern(tid, block.serial, i)} (overwritten by another thread?)`)
			}
		}
		if (block.ref.readAt(block.length - 1) !== pattern(tid, block.serial, block.length - 1)) throw new Error(`thread ${tid}: readAt of block ${block.serial}`)
		stats.verifiedBytes += block.length * 4
	}
	const one = () => {
		if (live.length > 0 && (live.length >= 400 || random() < 0.45)) {
			const index = Math.floor(random() * live.length)
			const block = live[index]
			live[index] = live[live.length - 1]
			live.pop()
			verify(block)
			block.ref.free()
			stats.frees++
			return
		}
		serial++
		const roll = random()
		let block
		if (roll < 0.2) {
			block = { kind: 'string', serial, ref: heap.allocNullTerminatedUtf8String(text(tid, serial)) }
		} else {
			const length = roll < 0.97 ? 1 + Math.floor(random() * 48) : 256 + Math.floor(random() * 4096)
			const ref = heap.allocUint32Array(length)
			const view = heap.viewUint32Array(ref.address, length)
			for (let i = 0; i < length; i++) view[i] = pattern(tid, serial, i)
			block = { kind: 'array', serial, length, ref }
		}
		if (block.ref.address < threadsStart || block.ref.address + block.ref.allocatedByteSize > memory.buffer.byteLength) {
			throw new Error(`thread ${tid}: block at ${block.ref.address} lies outside the heap`)
		}
		live.push(block)
		stats.allocs++
		stats.maxLive = Math.max(stats.maxLive, live.length)
	}
	return {
		run(n) {
			for (let i = 0; i < n; i++) one()
		},
		finish() {
			for (const block of live) verify(block)
			return live
		},
	}
}

/** Raw allocations per thread in `burst`. */
const burstOps = 20000

/**
 * Allocator calls back to back through this thread's own allocator object, so that the
 * threads are inside alloc and free at the same time as often as can be: small blocks in
 * a ring of 64, each stamped with its thread and serial number and checked before its
 * free. Without the allocator's lock this fails within a few thousand calls.
 */
function burst(allocator, memory, tid) {
	const ring = new Array(64).fill(0)
	const stamp = (serial) => ((tid === 'main' ? 999 : tid) * 0x10000 + serial) >>> 0
	let words = new Uint32Array(memory.buffer)
	for (let serial = 1; serial <= burstOps + ring.length; serial++) {
		const slot = serial % ring.length
		const old = ring[slot]
		if (old !== 0) {
			if (old.address + 8 > words.length * 4) words = new Uint32Array(memory.buffer)
			if (words[old.address >>> 2] !== stamp(old.serial) || words[(old.address >>> 2) + 1] !== ~stamp(old.serial) >>> 0) {
				throw new Error(`thread ${tid}: raw block ${old.serial} at ${old.address} was overwritten (by another thread?)`)
			}
			allocator.free(old.address)
			ring[slot] = 0
		}
		if (serial > burstOps) continue
		const address = allocator.alloc(8 + ((serial * 7) & 63))
		if (address === 0) throw new Error(`thread ${tid}: raw alloc ${serial} failed`)
		if (address + 8 > words.length * 4) words = new Uint32Array(memory.buffer)
		words[address >>> 2] = stamp(serial)
		words[(address >>> 2) + 1] = ~stamp(serial) >>> 0
		ring[slot] = { address, serial }
	}
}

function failedWord(heap) {
	try {
		heap.writeInt32Atomic(at.failed, 1)
		for (const address of Object.values(at)) heap.notify(address)
	} catch {}
}

// ---------------------------------------------------------------------------------
// The worker side

/**
 * Runs in a worker: `port.onMessage(handler)` delivers { type: 'threads', memory, tid },
 * `port.post(message)` answers { type: 'threadsResult', tid, ok, ... }.
 */
export function threadWorker(api, port) {
	port.onMessage((data) => {
		if (!data || data.type !== 'threads') return
		port.post(workerRun(api, data.memory, data.tid))
	})
	port.post({ type: 'threadsWorkerReady' })
}

function workerRun(api, memory, tid) {
	const stats = { allocs: 0, frees: 0, verifiedBytes: 0, maxLive: 0 }
	let heap
	try {
		// Joining with another start than the creator's would corrupt the pool: refused, coded.
		let wrongStart
		try {
			api.createWasmHeapManager(memory, { start: 16 })
			wrongStart = 'accepted'
		} catch (error) {
			wrongStart = `${error.code}: ${error.message}`
		}
		heap = api.createWasmHeapManager(memory, { start: threadsStart })
		const allocator = api.createHeapAllocator(memory, { start: threadsStart })
		// Its buffer is the one of now: it reads past the old end only after worker 0 grew the memory.
		const stale = api.createWasmHeapManager(() => memory.buffer, () => 0, () => {}, { trackAllocations: false })
		stale.readInt32(0)
		heap.addInt32Atomic(at.ready, 1)
		heap.notify(at.ready)
		// Sleep until the main thread's notify; `go` stays 0, so only a notify ends it early.
		const goWait = heap.waitInt32(at.go, 0, timeoutMs)
		if (goWait !== 'ok') throw new Error(`waitInt32 on go answered ${goWait}`)
		burst(allocator, memory, tid)
		let grown
		const midway = () => {
			if (tid === 0) {
				// The main thread's waitInt32Async on `grown` is pending by now: this notify must wake it.
				blockUntil(heap, at.mainMidway, (value) => value === 1, 'the main thread to reach its midpoint')
				const oldEnd = memory.buffer.byteLength
				const length = (oldEnd >> 3) + 8192 // more bytes than the memory held: it must grow
				const big = heap.allocFloat64Array(length)
				if (big.address + length * 8 <= oldEnd) throw new Error(`the grown array at ${big.address} lies within the old ${oldEnd} bytes`)
				const view = heap.viewFloat64Array(big.address, length)
				for (let i = 0; i < length; i++) view[i] = bigValue(i)
				heap.writeInt32Atomic(at.bigAddress, big.address)
				heap.writeInt32Atomic(at.bigLength, length)
				heap.writeInt32Atomic(at.oldEnd, oldEnd)
				heap.writeInt32Atomic(at.grown, 1)
				stats.grewFrom = oldEnd
				stats.grewTo = memory.buffer.byteLength
				stats.grownWoke = heap.notify(at.grown)
				grown = big
			} else {
				blockUntil(heap, at.grown, (value) => value === 1, "worker 0's growth")
				readGrown(heap, stale, tid)
				heap.addInt32Atomic(at.acks, 1)
				heap.notify(at.acks)
			}
		}
		const runner = churn(heap, tid, memory, stats)
		runner.run(threadOps >> 1)
		midway()
		runner.run(threadOps - (threadOps >> 1))
		const kept = runner.finish()
		if (tid === 0) {
			blockUntil(heap, at.acks, (value) => value === threadWorkers, 'the other threads to read the grown part')
			const length = grown.elementCount
			for (let other = 1; other <= threadWorkers; other++) {
				const answer = grown.readAt(length - other)
				if (answer !== -other) throw new Error(`the answer of thread ${other % threadWorkers} in the grown part reads ${answer}`)
			}
			for (let i = 0; i < length - threadWorkers; i += 997) {
				if (grown.readAt(i) !== bigValue(i)) throw new Error(`the grown array's element ${i} changed`)
			}
			grown.free()
		}
		// All but a few blocks freed here; those the main thread verifies and frees.
		const handedOver = kept.splice(0, keptPerWorker)
		for (const block of kept) {
			block.ref.free()
			stats.frees++
		}
		heap.addInt32Atomic(at.done, 1)
		heap.notify(at.done)
		return {
			type: 'threadsResult',
			tid,
			ok: true,
			stats,
			goWait,
			wrongStart,
			kept: handedOver.map((block) => ({ kind: block.kind, serial: block.serial, address: block.ref.address, length: block.length ?? 0 })),
		}
	} catch (error) {
		if (heap !== undefined) failedWord(heap)
		return { type: 'threadsResult', tid, ok: false, message: `${error.name}: ${error.message}`, stats }
	}
}

/** A thread other than worker 0 reads its grown array through `heap` and `stale`, and answers in it. */
function readGrown(heap, stale, tid) {
	const address = heap.readInt32Atomic(at.bigAddress)
	const length = heap.readInt32Atomic(at.bigLength)
	const oldEnd = heap.readInt32Atomic(at.oldEnd)
	const last = address + (length - 1) * 8
	if (last < oldEnd) throw new Error(`the grown array ends at ${last}, before the old end ${oldEnd}`)
	const pastOld = Math.max(0, Math.ceil((oldEnd - address) / 8))
	for (const manager of [stale, heap]) {
		for (const i of [pastOld, pastOld + 1, length - threadWorkers - 2, Math.floor((pastOld + length) / 2)]) {
			const value = manager.readFloat64(address + i * 8)
			if (value !== bigValue(i)) throw new Error(`thread ${tid} read ${value} at element ${i} of the grown array (past the old end ${oldEnd}), not ${bigValue(i)}`)
		}
	}
	const mine = tid === 'main' ? threadWorkers : tid
	stale.writeFloat64(address + (length - mine) * 8, -mine)
}

// ---------------------------------------------------------------------------------
// The main side


/**
 * The main thread's side, reported into `report` as checks named 'threads: …'. `host`:
 * { kind: 'worker_threads' | 'Web Worker', start(): { post(message), onMessage(handler),
 * onError(handler), terminate() } }.
 */
export async function runThreads(api, report, host) {
	const title = `threads (${threadWorkers} ${host.kind}s + the main thread)`
	if (typeof SharedArrayBuffer === 'undefined') {
		report.skip(title, 'SharedArrayBuffer is not defined')
		return
	}
	const started = Date.now()
	const blocking = threadMayBlock()
	const hasWaitAsync = typeof Atomics.waitAsync === 'function'
	const memory = new WebAssembly.Memory({ initial: 2, maximum: 512, shared: true })
	const initialBytes = memory.buffer.byteLength
	const allocator = api.createHeapAllocator(memory, { start: threadsStart })
	const heap = api.createWasmHeapManager(memory, { start: threadsStart })
	const stale = api.createWasmHeapManager(() => memory.buffer, () => 0, () => {}, { trackAllocations: false })
	stale.readInt32(0)
	const baseline = allocator.usedByteSize
	const workers = []
	const results = new Map()
	const keepAlive = setInterval(() => {}, 1000)
	let ok = true
	const step = async (name, fn) => {
		const full = `threads: ${name}`
		if (!ok) return report.fail(full, new Error('not run: an earlier step failed'))
		await report.check(full, fn)
		if (report.failed.some((entry) => entry.name === full)) {
			ok = false
			failedWord(heap)
		}
	}
	/** The main thread's wait: waitInt32Async, or waitInt32 where the engine has no Atomics.waitAsync. */
	const waitMain = (address, value, ms) => (hasWaitAsync ? heap.waitInt32Async(address, value, ms) : Promise.resolve(heap.waitInt32(address, value, ms)))
	const untilMain = async (address, done, what) => {
		const deadline = Date.now() + timeoutMs
		const answers = new Set()
		for (;;) {
			const value = heap.readInt32Atomic(address)
			if (done(value)) return answers
			if (heap.readInt32Atomic(at.failed) !== 0) {
				// Its answer is on the way.
				const until = Date.now() + 2000
				while (failures() === '' && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10))
				throw new Error(`a worker failed while the main thread waited for ${what}${failures()}`)
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (the word holds ${value})${failures()}`)
			answers.add(await waitMain(address, value, 200))
		}
	}
	const failures = () => {
		const failed = [...results.values()].filter((result) => !result.ok)
		return failed.length === 0 ? '' : `: ${failed.map((result) => `worker ${result.tid}: ${result.message}`).join('; ')}`
	}
	try {
		if (!hasWaitAsync) {
			await report.check('threads: waitInt32Async where the engine has no Atomics.waitAsync is the coded Error', () => {
				let error
				try {
					heap.waitInt32Async(at.go, 0, 0)
				} catch (caught) {
					error = caught
				}
				if (!(error instanceof Error) || error.code !== 'ERR_HEAP_INVALID_ARGUMENT' || !String(error.message).includes('no Atomics.waitAsync')) {
					throw new Error(`expected the coded Error, got ${error}`)
				}
			})
			if (!blocking) {
				report.skip(title, 'no Atomics.waitAsync, and this main thread may not block: it cannot wait for the workers')
				return
			}
			report.skip('threads: the main thread waits in waitInt32Async', 'this engine has no Atomics.waitAsync: the main thread blocks in waitInt32 instead')
		}
		if (!blocking) {
			await step('waitInt32 on this main thread is refused (TypeError), waitInt32Async is the way', () => {
				let error
				try {
					heap.waitInt32(at.go, 0, 0)
				} catch (caught) {
					error = caught
				}
				if (!(error instanceof TypeError) || !String(error.message).includes('waitInt32Async')) throw new Error(`expected a TypeError naming waitInt32Async, got ${error}`)
			})
		}
		await step(`${threadWorkers} ${host.kind}s join the built-in allocator the main thread created on one shared WebAssembly.Memory`, async () => {
			for (let tid = 0; tid < threadWorkers; tid++) {
				const worker = host.start()
				workers.push(worker)
				const ready = new Promise((resolve, reject) => {
					worker.onError((error) => {
						results.set(tid, { tid, ok: false, message: `worker error: ${error && error.message ? error.message : error}` })
						failedWord(heap)
						reject(new Error(`worker ${tid}: ${error && error.message ? error.message : error}`))
					})
					worker.onMessage((data) => {
						if (data.type === 'threadsWorkerReady') resolve()
						else if (data.type === 'threadsResult') results.set(data.tid, data)
					})
				})
				await ready
				worker.post({ type: 'threads', memory, tid })
			}
			await untilMain(at.ready, (value) => value === threadWorkers, 'the workers to attach')
		})
		await step(`notify(go, 1) wakes one sleeping worker a call: ${threadWorkers} wakes in all, then notify(go) finds no sleeper`, async () => {
			const deadline = Date.now() + timeoutMs
			let woken = 0
			while (woken < threadWorkers) {
				if (Date.now() > deadline) throw new Error(`only ${woken} of ${threadWorkers} workers woke`)
				if (heap.readInt32Atomic(at.failed) !== 0) throw new Error(`a worker failed before it slept${failures()}`)
				const count = heap.notify(at.go, 1)
				if (count !== 0 && count !== 1) throw new Error(`notify(go, 1) woke ${count}`)
				woken += count
				// Not asleep yet: give the workers time to reach their wait.
				if (count === 0) await waitMain(at.failed, 0, 1)
			}
			if (heap.notify(at.go) !== 0) throw new Error('a notify after all the workers woke found another sleeper')
		})
		const mainStats = { allocs: 0, frees: 0, verifiedBytes: 0, maxLive: 0 }
		const grownAnswers = new Set()
		await step(`${threadWorkers + 1} threads × ${burstOps} raw allocations and frees, then × ${threadOps} managed ones, at once, every block verified before its free (each worker's waitInt32 on go answered 'ok', and its join with another start was refused)`, async () => {
			// First allocator calls back to back, as the workers do; then the managers' blocks.
			burst(allocator, memory, 'main')
			const runner = churn(heap, 'main', memory, mainStats)
			// In slices, so that a page's event loop keeps turning (the workers' messages).
			const slice = 250
			for (let done = 0; done < threadOps >> 1; done += slice) {
				runner.run(Math.min(slice, (threadOps >> 1) - done))
				await new Promise((resolve) => setTimeout(resolve, 0))
			}
			// Halfway: wait (without blocking where the thread may not) for worker 0's growth,
			// which waits for this wait to be pending.
			const pending = hasWaitAsync ? heap.waitInt32Async(at.grown, 0, timeoutMs) : undefined
			heap.writeInt32Atomic(at.mainMidway, 1)
			heap.notify(at.mainMidway)
			grownAnswers.add(hasWaitAsync ? await pending : heap.waitInt32(at.grown, 0, timeoutMs))
			for (const answer of await untilMain(at.grown, (value) => value === 1, "worker 0's growth")) grownAnswers.add(answer)
			readGrown(heap, stale, 'main')
			heap.addInt32Atomic(at.acks, 1)
			heap.notify(at.acks)
			for (let done = threadOps >> 1; done < threadOps; done += slice) {
				runner.run(Math.min(slice, threadOps - done))
				await new Promise((resolve) => setTimeout(resolve, 0))
			}
			for (const block of runner.finish()) {
				block.ref.free()
				mainStats.frees++
			}
			await untilMain(at.done, (value) => value === threadWorkers, 'the workers to finish')
			const deadline = Date.now() + timeoutMs
			while (results.size < threadWorkers && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
			const failed = [...results.values()].filter((result) => !result.ok)
			if (failed.length > 0 || results.size < threadWorkers) throw new Error(`workers failed or did not answer${failures()} (${results.size} answered)`)
			for (const result of results.values()) {
				if (!result.wrongStart.startsWith('ERR_HEAP_INVALID_ARGUMENT: createWasmHeapManager: a new allocator at 16 would overlap the allocator at 256 (')) {
					throw new Error(`worker ${result.tid} joining with start 16 instead of 256: ${result.wrongStart}`)
				}
				if (result.goWait !== 'ok') throw new Error(`worker ${result.tid}: waitInt32 on go answered ${result.goWait}`)
				if (result.stats.allocs < threadOps / 3) throw new Error(`worker ${result.tid} allocated only ${result.stats.allocs} times`)
			}
		})
		const grower = results.get(0)
		await step("worker 0's allocation grew the memory; the others read past the old end through managers of their own, woken by waitInt32 (workers) and waitInt32Async (the main thread)", () => {
			const { grewFrom, grewTo } = grower.stats
			if (!(grewTo > grewFrom)) throw new Error(`the memory did not grow in worker 0's allocation (${grewFrom} -> ${grewTo})`)
			if (memory.buffer.byteLength < grewTo) throw new Error(`the main thread sees ${memory.buffer.byteLength} bytes, fewer than worker 0 grew to (${grewTo})`)
			if (heap.readInt32Atomic(at.acks) !== threadWorkers) throw new Error(`${heap.readInt32Atomic(at.acks)} threads read the grown part`)
			// The main thread's wait was pending before worker 0 grew: woken by its notify.
			const first = [...grownAnswers][0]
			if (hasWaitAsync ? first !== 'ok' : first !== 'ok' && first !== 'not-equal') {
				throw new Error(`the main thread's ${hasWaitAsync ? 'waitInt32Async' : 'waitInt32'} on grown answered ${first}`)
			}
			if (!(grower.stats.grownWoke >= 1)) throw new Error(`worker 0's notify(grown) woke ${grower.stats.grownWoke} waiters: the main thread's was pending`)
		})
		await step("the blocks each worker kept hold its data, read by the main thread's manager, and the main thread's allocator frees them", () => {
			for (const result of results.values()) {
				for (const block of result.kept) {
					if (block.kind === 'string') {
						const value = heap.readNullTerminatedUtf8String(block.address)
						if (value !== text(result.tid, block.serial)) throw new Error(`worker ${result.tid}'s string ${block.serial} reads ${JSON.stringify(value)}`)
					} else {
						for (let i = 0; i < block.length; i++) {
							if (heap.readUint32(block.address + i * 4) !== pattern(result.tid, block.serial, i)) throw new Error(`worker ${result.tid}'s block ${block.serial}, element ${i}`)
						}
					}
					allocator.free(block.address)
				}
			}
		})
		await step('afterwards check() passes, usedByteSize is back where it was, and every manager reads the grown memory', () => {
			allocator.check()
			if (allocator.usedByteSize !== baseline) throw new Error(`usedByteSize is ${allocator.usedByteSize}, not ${baseline} as before the workers`)
			if (heap.totalAllocatedByteSize !== 0) throw new Error(`the main manager still tracks ${heap.totalAllocatedByteSize} bytes`)
			const last = memory.buffer.byteLength - 8
			heap.writeFloat64(last, 6.25)
			if (stale.readFloat64(last) !== 6.25) throw new Error('a manager made before the growth reads the last bytes')
			const totals = [mainStats, ...[...results.values()].map((result) => result.stats)].reduce(
				(sum, stats) => ({ allocs: sum.allocs + stats.allocs, frees: sum.frees + stats.frees, verifiedBytes: sum.verifiedBytes + stats.verifiedBytes }),
				{ allocs: 0, frees: 0, verifiedBytes: 0 },
			)
			report.print(
				`threads: ${threadWorkers} ${host.kind}s + main: ${(threadWorkers + 1) * burstOps} raw alloc/free pairs, then ${totals.allocs} allocations and ${totals.frees} frees through managers, ${totals.verifiedBytes} bytes verified; ` +
					`memory ${initialBytes} -> ${memory.buffer.byteLength} bytes (worker 0 grew it from ${grower.stats.grewFrom}); ` +
					`the main thread's ${hasWaitAsync ? 'waitInt32Async' : 'waitInt32'} on the growth answered ${[...grownAnswers].join(', ')}, worker 0's notify woke ${grower.stats.grownWoke}; ${Date.now() - started} ms`,
			)
		})
	} finally {
		clearInterval(keepAlive)
		for (const worker of workers) worker.terminate()
	}
}

// ---------------------------------------------------------------------------------
// Hosts: how each runtime starts a worker

/** Web Workers (Bun, Deno, browsers): a module worker at `url`. */
export function webWorkerHost(url) {
	return {
		kind: 'Web Worker',
		start() {
			const worker = new Worker(url, { type: 'module' })
			return {
				post: (message) => worker.postMessage(message),
				onMessage: (handler) => worker.addEventListener('message', (event) => handler(event.data)),
				onError: (handler) => {
					worker.addEventListener('error', (event) => {
						if (typeof event.preventDefault === 'function') event.preventDefault()
						handler(event.error ?? new Error(event.message || 'the worker failed to load'))
					})
					worker.addEventListener('messageerror', () => handler(new Error('a message could not be deserialised')))
				},
				terminate: () => worker.terminate(),
			}
		},
	}
}

/** Node's worker_threads: `Worker` from node:worker_threads, running the file at `url`. */
export function nodeWorkerHost(Worker, url) {
	return {
		kind: 'worker_threads Worker',
		start() {
			const worker = new Worker(url)
			return {
				post: (message) => worker.postMessage(message),
				onMessage: (handler) => worker.on('message', handler),
				onError: (handler) => worker.on('error', handler),
				terminate: () => worker.terminate(),
			}
		},
	}
}
