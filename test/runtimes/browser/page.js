// The Chromium page: runs the portable suite against the installed package's ESM file
// (served as-is, no bundler), then shares a WebAssembly.Memory with a module Web Worker.
//
// Exchange protocol, over the Int32 turn at `at.turn` (written atomically through the
// managers, with Atomics.notify / wait / waitAsync):
//   1  worker: its own manager is ready
//   2  page: values for round i written       3  worker: replies written (x rounds)
//   4  page: strings allocated, slots written  5  worker: replies allocated, slots written
//   6  page: please grow                       7  worker: grew, wrote in the grown part
//   8  page: wrote in the grown part too       9  worker: read it, done
//  -1  worker: a step failed
// Then the worker runs the whole suite itself. The driver reads `globalThis.suiteResult`.
// (The page served as /?isolation=off does none of the worker part: see `isolated`.)
import * as api from '/node_modules/wasm-heap-manager/dist/index.js'
import { assert, createReport, equal, runSuite, throws } from '/suite.js'
import {
	at,
	controlBytes,
	grownByPage,
	grownByWorker,
	reply,
	roundReplies,
	roundValues,
	rounds,
	setTurn,
	sharedHeap,
	strings,
	waitTurnAsync,
} from '/browser/shared.js'
import { atomicsAt, atomicsManager, contend, contendTimes, contendTotals, readCounters } from '/browser/atomics.js'
import { runThreads, threadWorkers, webWorkerHost } from '/threads.js'

const print = (line) => console.log(line)

/** Resolves with the next message from `worker` that `accept` takes, or rejects after `timeoutMs`. */
function nextMessage(worker, accept, timeoutMs, onOther) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			worker.removeEventListener('message', listener)
			reject(new Error(`no message from the worker within ${timeoutMs} ms`))
		}, timeoutMs)
		const listener = ({ data }) => {
			if (accept(data)) {
				clearTimeout(timer)
				worker.removeEventListener('message', listener)
				resolve(data)
			} else if (onOther) {
				onOther(data)
			}
		}
		worker.addEventListener('message', listener)
	})
}

async function exchangeWithWorker(report, worker) {
	const check = (name, fn) => report.check(`page-worker: ${name}`, fn)
	const memory = new WebAssembly.Memory({ initial: 4, maximum: 64, shared: true })
	const heap = sharedHeap(api, memory)
	// Not used until after the worker grew the memory: its cached buffer is the old one.
	const stale = sharedHeap(api, memory)
	const results = nextMessage(worker, (data) => data.type === 'exchangeResults', 60000)
	worker.postMessage({ type: 'exchange', memory })
	let ok = true
	const step = async (name, fn) => {
		if (!ok) return report.fail(`page-worker: ${name}`, new Error('not run: an earlier step failed'))
		await check(name, fn)
		if (report.failed.some((entry) => entry.name === `page-worker: ${name}`)) ok = false
	}

	await step('the worker created its manager', () => waitTurnAsync(heap, memory, 1))
	await step(`values ping-pong (${rounds} rounds)`, async () => {
		for (let i = 0; i < rounds; i++) {
			const sent = roundValues(i)
			heap.writeFloat64Atomic(at.f64, sent.f64)
			heap.writeBigInt64Atomic(at.i64, sent.i64)
			heap.writeUint16Atomic(at.u16, sent.u16)
			heap.writeFloat32Atomic(at.f32, sent.f32)
			heap.writePointer53Atomic(at.p53, sent.p53)
			setTurn(heap, memory, 2)
			await waitTurnAsync(heap, memory, 3)
			const back = roundReplies(i)
			equal(heap.readFloat64Atomic(at.f64), back.f64, `round ${i}: Float64 reply`)
			equal(heap.readBigInt64Atomic(at.i64), back.i64, `round ${i}: BigInt64 reply`)
			equal(heap.readUint16Atomic(at.u16), back.u16, `round ${i}: Uint16 reply`)
			equal(heap.readFloat32Atomic(at.f32), back.f32, `round ${i}: Float32 reply`)
			equal(heap.readPointer53Atomic(at.p53), back.p53, `round ${i}: Pointer53 reply`)
		}
	})
	await step('strings both ways', async () => {
		const refs = strings.map(({ encoding, value }, slot) => {
			const ref = heap[`allocNullTerminated${encoding}String`](value)
			heap.writePointer32Atomic(at.strings + 4 * slot, ref.address)
			return ref
		})
		setTurn(heap, memory, 4)
		await waitTurnAsync(heap, memory, 5)
		strings.forEach(({ encoding, value }, slot) => {
			const address = heap.readPointer32Atomic(at.replies + 4 * slot)
			assert(refs.every((ref) => ref.address !== address), 'the worker replied in its own allocation')
			equal(heap[`readNullTerminated${encoding}String`](address), reply(encoding, value), `the worker's ${encoding} reply ${slot}`)
		})
	})
	await step('growth by the worker is seen by the page', async () => {
		const before = heap.heap.byteLength
		setTurn(heap, memory, 6)
		await waitTurnAsync(heap, memory, 7)
		const grown = heap.readPointer53Atomic(at.grown)
		assert(grown >= before, `the worker's address ${grown} lies in the grown part (old size ${before})`)
		equal(heap.readFloat64Atomic(grown), 1234.5, 'the Float64 the worker wrote in the grown part')
		equal(heap.readNullTerminatedUtf8String(grown + 16), grownByWorker, 'the string the worker wrote in the grown part')
		equal(stale.readFloat64(grown), 1234.5, 'a manager untouched since before the growth')
		equal(stale.readNullTerminatedUtf8String(grown + 16), grownByWorker, 'and its string read')
		equal(heap.heap.byteLength, memory.buffer.byteLength, "the page's heap is the grown buffer")
		heap.writeInt32Atomic(grown + 64, 4321)
		heap.writeNullTerminatedUtf16String(grown + 96, grownByPage)
		setTurn(heap, memory, 8)
		await waitTurnAsync(heap, memory, 9)
	})
	await step('one allocator for both threads: its blocks are consistent, and the page frees its own', () => {
		const allocator = api.createHeapAllocator(memory, { start: controlBytes }) // joins the pool
		allocator.check()
		const used = allocator.usedByteSize
		const mine = heap.totalAllocatedByteSize
		assert(used > mine, `the pool holds the page's ${mine} bytes and the worker's replies (${used} bytes in blocks)`)
		heap.freeAll()
		allocator.check()
		assert(allocator.usedByteSize < used - mine, 'freeing the page refs gave their blocks back')
	})

	let workerResults = []
	try {
		workerResults = (await results).results
	} catch (error) {
		report.fail('worker: results', error)
	}
	for (const result of workerResults) {
		if (result.ok) report.pass(`worker: ${result.name}`)
		else report.fail(`worker: ${result.name}`, new Error(result.message))
	}
}

/** The page's side of browser/atomics.js: read-modify-write at once with the worker, on one shared memory. */
async function atomicsWithWorker(report, worker) {
	const check = (name, fn) => report.check(`page-worker atomics: ${name}`, fn)
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })
	const heap = atomicsManager(api, memory)
	const finished = nextMessage(worker, (data) => data.type === 'atomicsDone', 60000)
	worker.postMessage({ type: 'atomics', memory })
	await check("the page's waitInt32 is refused: the main thread may not block (TypeError naming the reason)", () => {
		throws(() => heap.waitInt32(atomicsAt.go, 0, 0), TypeError, ['waitInt32: this thread may not block', 'waitInt32Async'], 'waitInt32 on the page')
	})
	await check('the worker sleeps in waitInt32 until the page notifies it', async () => {
		const deadline = Date.now() + 20000
		while (heap.readInt32Atomic(atomicsAt.ready) === 0) {
			if (Date.now() > deadline) throw new Error('the worker never became ready')
			await heap.waitInt32Async(atomicsAt.ready, 0, 100)
		}
		// Notified until a notify finds the worker asleep (so its waitInt32 answers 'ok').
		while (heap.notify(atomicsAt.go, 1) === 0) {
			if (Date.now() > deadline) throw new Error('the worker never slept in waitInt32')
			await new Promise((resolve) => setTimeout(resolve, 1))
		}
	})
	if (report.failed.some((entry) => entry.name.startsWith('page-worker atomics: the worker sleeps'))) {
		return report.fail('page-worker atomics: contention', new Error('not run: the worker did not start'))
	}
	await check(`add/sub/compareExchange from the page and the worker at once, ${contendTimes} each: nothing lost`, async () => {
		// The page's adds run while the worker's do; its waitInt32Async on `done` starts first.
		const done = heap.waitInt32Async(atomicsAt.done, 0, 60000)
		contend(heap)
		const answer = await finished
		if (answer.error) throw new Error(`the worker: ${answer.error}`)
		equal(answer.wait, 'ok', "the worker's waitInt32, woken by the page's notify")
		const result = await done
		assert(result === 'ok' || result === 'not-equal', `the page's waitInt32Async on done: ${result}`)
		const totals = contendTotals(2)
		const counters = readCounters(heap)
		for (const [name, want] of Object.entries(totals)) equal(counters[name], want, `the ${name} counter`)
	})
	await check("waitInt32Async on the page resolves 'ok' on the worker's notify", async () => {
		const waiting = heap.waitInt32Async(atomicsAt.ping, 0, 20000)
		const pong = nextMessage(worker, (data) => data.type === 'pong', 20000)
		worker.postMessage({ type: 'ping' })
		equal((await pong).woken, 1, "the worker's notify woke the page's waiter")
		equal(await waiting, 'ok', 'waitInt32Async')
	})
}

async function workerSuite(worker) {
	const done = nextMessage(worker, (data) => data.type === 'suiteDone', 120000, (data) => {
		if (data.type === 'line') print(data.line)
	})
	worker.postMessage({ type: 'suite' })
	return (await done).counts
}

// Served as /?isolation=off, the page is not cross-origin isolated: no SharedArrayBuffer
// global, so the shared-memory checks are skipped by name and no worker is started. That
// run proves the library loads and works where the global is missing.
const isolated = new URLSearchParams(location.search).get('isolation') !== 'off'

async function main() {
	const label = isolated ? 'chromium' : 'chromium-nocoi'
	const report = createReport(label, print)
	print(`${label}: ${navigator.userAgent}`)
	if (!isolated) {
		await report.check('not cross-origin isolated: no SharedArrayBuffer global', () => {
			equal(globalThis.crossOriginIsolated, false, 'crossOriginIsolated')
			equal(typeof SharedArrayBuffer, 'undefined', 'typeof SharedArrayBuffer')
		})
		await runSuite(api, report)
		report.skip('page-worker exchange', 'not cross-origin isolated')
		report.skip(`threads (${threadWorkers} Web Workers + the page)`, 'not cross-origin isolated: no SharedArrayBuffer')
		return { [label]: report.finish() }
	}
	await report.check('crossOriginIsolated and SharedArrayBuffer', () => {
		equal(globalThis.crossOriginIsolated, true, 'crossOriginIsolated')
		equal(typeof SharedArrayBuffer, 'function', 'typeof SharedArrayBuffer')
	})
	await runSuite(api, report)

	const worker = new Worker('/browser/worker.js', { type: 'module', name: 'heap-worker' })
	let workerFailure
	worker.addEventListener('error', (event) => {
		workerFailure = event.message || 'the worker failed to load'
		print(`FAIL worker error event: ${workerFailure}`)
	})
	let workerCounts
	try {
		await nextMessage(worker, (data) => data.type === 'ready', 20000)
		await exchangeWithWorker(report, worker)
		await atomicsWithWorker(report, worker)
		workerCounts = await workerSuite(worker)
	} catch (error) {
		report.fail('worker', new Error(`${error.message}${workerFailure ? ` (${workerFailure})` : ''}`))
	} finally {
		worker.terminate()
	}
	// Several module Web Workers and the page on one allocator (threads.js); the page waits with waitInt32Async.
	await runThreads(api, report, webWorkerHost('/browser/threads-worker.js'))
	const counts = report.finish()
	return { chromium: counts, 'chromium-worker': workerCounts }
}

main().then(
	(result) => {
		globalThis.suiteResult = result
	},
	(error) => {
		console.error(`FAIL chromium page: ${error && error.stack ? error.stack : error}`)
		globalThis.suiteResult = { error: String(error) }
	},
)
