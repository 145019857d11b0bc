// The module Web Worker of the Chromium run. Two jobs, asked for by the page:
// - { type: 'exchange', memory }: creates its own manager over the page's shared
//   WebAssembly.Memory and takes turns with the page (protocol in page.js): values
//   ping-pong, strings both ways (each in its own allocations), then it grows the memory
//   and both threads use the grown part. Posts { type: 'exchangeResults', results }.
// - { type: 'atomics', memory }: read-modify-write against the page (browser/atomics.js).
// - { type: 'suite' }: runs the whole portable suite in the worker, posting each line
//   ({ type: 'line' }) and then { type: 'suiteDone', counts }.
import * as api from '/node_modules/wasm-heap-manager/dist/index.js'
import { assert, createReport, equal, runSuite } from '/suite.js'
import {
	at,
	grownByPage,
	grownByWorker,
	pageSize,
	reply,
	roundReplies,
	roundValues,
	rounds,
	setTurn,
	sharedHeap,
	strings,
	waitTurnBlocking,
} from '/browser/shared.js'
import { atomicsAt, atomicsManager, contend } from '/browser/atomics.js'

function exchange(memory) {
	const results = []
	let heap
	let grown
	const steps = [
		['its own manager over the posted shared memory', () => {
			equal(globalThis.crossOriginIsolated, true, 'crossOriginIsolated in the worker')
			assert(memory instanceof WebAssembly.Memory, 'a WebAssembly.Memory was posted')
			heap = sharedHeap(api, memory)
			assert(heap.heap instanceof SharedArrayBuffer, 'the worker sees a SharedArrayBuffer heap')
			equal(heap.heap.byteLength, memory.buffer.byteLength, "the heap's byte length")
			setTurn(heap, memory, 1)
		}],
		[`values ping-pong (${rounds} rounds)`, () => {
			for (let i = 0; i < rounds; i++) {
				waitTurnBlocking(heap, memory, 2)
				const sent = roundValues(i)
				equal(heap.readFloat64Atomic(at.f64), sent.f64, `round ${i}: Float64`)
				equal(heap.readBigInt64Atomic(at.i64), sent.i64, `round ${i}: BigInt64`)
				equal(heap.readUint16Atomic(at.u16), sent.u16, `round ${i}: Uint16`)
				equal(heap.readFloat32Atomic(at.f32), sent.f32, `round ${i}: Float32`)
				equal(heap.readPointer53Atomic(at.p53), sent.p53, `round ${i}: Pointer53`)
				const back = roundReplies(i)
				heap.writeFloat64Atomic(at.f64, back.f64)
				heap.writeBigInt64Atomic(at.i64, back.i64)
				heap.writeUint16Atomic(at.u16, back.u16)
				heap.writeFloat32Atomic(at.f32, back.f32)
				heap.writePointer53Atomic(at.p53, back.p53)
				setTurn(heap, memory, 3)
			}
		}],
		['reads the page strings and replies in its own allocations', () => {
			waitTurnBlocking(heap, memory, 4)
			strings.forEach(({ encoding, value }, slot) => {
				const address = heap.readPointer32Atomic(at.strings + 4 * slot)
				equal(heap[`readNullTerminated${encoding}String`](address), value, `${encoding} string ${slot} read by the worker`)
				equal(heap[`wrapNullTerminated${encoding}String`](address).value, value, `${encoding} string ${slot} wrapped by the worker`)
				const answer = heap[`allocNullTerminated${encoding}String`](reply(encoding, value))
				heap.writePointer32Atomic(at.replies + 4 * slot, answer.address)
			})
			setTurn(heap, memory, 5)
		}],
		['grows the shared memory and writes in the grown part', () => {
			waitTurnBlocking(heap, memory, 6)
			const oldByteLength = memory.buffer.byteLength
			memory.grow(2)
			grown = oldByteLength + 128
			heap.writeFloat64Atomic(grown, 1234.5)
			heap.writeNullTerminatedUtf8String(grown + 16, grownByWorker)
			heap.writePointer53Atomic(at.grown, grown)
			equal(heap.heap.byteLength, oldByteLength + 2 * pageSize, "the worker's heap after growing")
			setTurn(heap, memory, 7)
		}],
		['reads what the page wrote in the grown part', () => {
			waitTurnBlocking(heap, memory, 8)
			equal(heap.readInt32Atomic(grown + 64), 4321, 'the Int32 the page wrote')
			equal(heap.readNullTerminatedUtf16String(grown + 96), grownByPage, 'the string the page wrote')
			setTurn(heap, memory, 9)
		}],
	]
	for (const [name, step] of steps) {
		try {
			step()
			results.push({ name, ok: true })
		} catch (error) {
			results.push({ name, ok: false, message: `${error.name}: ${error.message}` })
			// Unblock the page, which would otherwise wait for a turn that never comes.
			if (heap !== undefined) setTurn(heap, memory, -1)
			break
		}
	}
	postMessage({ type: 'exchangeResults', results })
}

// { type: 'atomics', memory }: the worker's side of browser/atomics.js. Posts
// { type: 'atomicsDone', wait, error? }, then answers { type: 'ping' } with
// { type: 'pong', woken } (how many waiters its notify woke).
function atomics(memory) {
	let heap
	try {
		heap = atomicsManager(api, memory)
		heap.writeInt32Atomic(atomicsAt.ready, 1)
		heap.notify(atomicsAt.ready)
		// A worker may block: sleep until the page's notify (the value stays 0).
		const wait = heap.waitInt32(atomicsAt.go, 0, 20000)
		contend(heap)
		heap.writeInt32Atomic(atomicsAt.done, 1)
		heap.notify(atomicsAt.done)
		postMessage({ type: 'atomicsDone', wait })
	} catch (error) {
		postMessage({ type: 'atomicsDone', error: `${error.name}: ${error.message}` })
	}
	self.addEventListener('message', function ping({ data }) {
		if (data.type !== 'ping') return
		self.removeEventListener('message', ping)
		heap.writeInt32Atomic(atomicsAt.ping, 1)
		postMessage({ type: 'pong', woken: heap.notify(atomicsAt.ping) })
	})
}

async function suite() {
	const report = createReport('chromium-worker', (line) => postMessage({ type: 'line', line }))
	report.print(`chromium-worker: module Web Worker, crossOriginIsolated ${globalThis.crossOriginIsolated}`)
	await runSuite(api, report)
	postMessage({ type: 'suiteDone', counts: report.finish() })
}

self.onmessage = ({ data }) => {
	if (data.type === 'exchange') exchange(data.memory)
	else if (data.type === 'atomics') atomics(data.memory)
	else if (data.type === 'suite') suite().catch((error) => postMessage({ type: 'line', line: `FAIL chromium-worker: ${error}` }))
}
postMessage({ type: 'ready' })
