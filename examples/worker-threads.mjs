#!/usr/bin/env node
// Two worker threads share one shared WebAssembly.Memory, each with its own
// wasm-heap-manager over it and one bump allocator whose pointer lives in the
// shared memory itself (advanced with Atomics.add, so both threads can allocate).
//
//   writer: allocates a string and a float64, stores the float atomically,
//           publishes their addresses in a header, and wakes the reader
//   reader: reads them, then allocates 1 MiB (the memory grows) and a reply
//           string placed past the end of the memory the writer has seen
//   writer: reads the reply: its manager notices the larger buffer by itself
//
//   npm run build && node examples/worker-threads.mjs
//
// Exits 1 on any mismatch, a worker error, or a wait that times out.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { createWasmHeapManager } from '../dist/index.js'

const MiB = 1024 * 1024
const PAGE = 65536
const TIMEOUT_MS = 10_000

// The header: the first 64 bytes of the memory, as Int32 slots (index = byte offset / 4).
const NEXT_FREE = 0 // the bump pointer: the next address to hand out
const STAGE = 1 // 0 start, 1 writer published, 2 reader replied, ABORTED: a worker failed
const ABORTED = 0x7fffffff
const MESSAGE_ADDRESS = 2
const VALUE_ADDRESS = 3
const REPLY_ADDRESS = 4
const LINE_NUMBER = 5 // orders the workers' printed lines (they arrive on two ports)
const HEADER_BYTES = 64

const MESSAGE = 'hello from the writer thread 👋 (UTF-8 on a shared heap)'
const VALUE = -273.15
const REPLY = 'reply from the reader, written past the old end of the memory'

/**
 * A bump allocator for a shared memory: thread-safe because the pointer is advanced
 * with one Atomics.add. It never reuses memory (free does nothing), and grows the
 * memory when an allocation ends past it; two threads growing at once only grow more.
 */
function bumpAllocator(memory) {
	const alloc = (byteSize) => {
		const header = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4)
		const size = Math.ceil(Math.max(byteSize, 1) / 8) * 8 // keep every block 8-byte aligned
		const start = Atomics.add(header, NEXT_FREE, size)
		const end = start + size
		try {
			while (memory.buffer.byteLength < end) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE))
		} catch {
			return 0 // past the maximum: the manager reports a failed allocation
		}
		return start
	}
	const free = () => {}
	return { alloc, free }
}

/** Blocks this thread until the header's STAGE reaches `stage` (only workers may block). */
function waitForStage(memory, stage) {
	const header = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4)
	for (let seen = Atomics.load(header, STAGE); seen < stage; seen = Atomics.load(header, STAGE)) {
		if (Atomics.wait(header, STAGE, seen, TIMEOUT_MS) === 'timed-out') {
			throw new Error(`timed out waiting for stage ${stage} (still at ${seen})`)
		}
	}
	if (Atomics.load(header, STAGE) === ABORTED) throw new Error('stopped: the other worker failed')
}

function setStage(heap, memory, stage) {
	heap.writeInt32Atomic(STAGE * 4, stage)
	Atomics.notify(new Int32Array(memory.buffer, 0, HEADER_BYTES / 4), STAGE)
}

function expect(step, actual, expected) {
	if (!Object.is(actual, expected)) {
		throw new Error(`${step}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
	}
	return actual
}

function writer(memory, say) {
	const { alloc, free } = bumpAllocator(memory)
	const heap = createWasmHeapManager(() => memory.buffer, alloc, free)

	const message = heap.allocNullTerminatedUtf8String(MESSAGE)
	const value = heap.allocFloat64()
	value.writeAtomic(VALUE) // a float64 stored as one 64-bit atomic (its exact bits)
	heap.writeInt32Atomic(MESSAGE_ADDRESS * 4, message.address)
	heap.writeInt32Atomic(VALUE_ADDRESS * 4, value.address)
	const sizeSeen = heap.heap.byteLength
	say(`writer: string at ${message.address}, float64 ${VALUE} stored atomically at ${value.address}; heap ${sizeSeen} bytes`)
	setStage(heap, memory, 1)

	waitForStage(memory, 2)
	const replyAddress = heap.readInt32Atomic(REPLY_ADDRESS * 4)
	if (!(replyAddress > sizeSeen)) throw new Error(`the reply at ${replyAddress} is not past the ${sizeSeen} bytes the writer saw`)
	// The manager's cached buffer is the old, smaller SharedArrayBuffer (shared memory is
	// never detached); an access past its end makes the manager fetch memory.buffer again.
	const reply = expect('writer reads the reply', heap.readNullTerminatedUtf8String(replyAddress), REPLY)
	say(`writer: read "${reply}" at ${replyAddress}, past the ${sizeSeen} bytes it had seen; its heap is now ${heap.heap.byteLength} bytes`)
}

function reader(memory, say) {
	const { alloc, free } = bumpAllocator(memory)
	const heap = createWasmHeapManager(() => memory.buffer, alloc, free)

	waitForStage(memory, 1)
	const message = heap.readNullTerminatedUtf8String(heap.readInt32Atomic(MESSAGE_ADDRESS * 4))
	const value = heap.readFloat64Atomic(heap.readInt32Atomic(VALUE_ADDRESS * 4))
	expect('reader reads the string', message, MESSAGE)
	expect('reader reads the float64', value, VALUE)
	say(`reader: read "${message}" and ${value}`)

	const sizeBefore = heap.heap.byteLength
	const block = heap.allocUint8Array(MiB) // the bump allocator grows the shared memory
	block.writeAt(MiB - 1, 0xb0)
	const reply = heap.allocNullTerminatedUtf8String(REPLY)
	expect('block end after growth', block.readAt(MiB - 1), 0xb0)
	heap.writeInt32Atomic(REPLY_ADDRESS * 4, reply.address)
	say(`reader: allocated 1 MiB, the memory grew ${sizeBefore} -> ${heap.heap.byteLength} bytes; reply string at ${reply.address}`)
	setStage(heap, memory, 2)
}

if (isMainThread) {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 256, shared: true }) // 64 KiB .. 16 MiB
	new Int32Array(memory.buffer)[NEXT_FREE] = HEADER_BYTES // allocations start after the header
	console.log(`main: one shared WebAssembly.Memory (${memory.buffer.byteLength} bytes, SharedArrayBuffer: ${memory.buffer instanceof SharedArrayBuffer}), two workers`)

	// Print the workers' lines in the order they were numbered (see `say` below).
	const pending = new Map()
	let nextLine = 0
	const printInOrder = ({ number, line }) => {
		pending.set(number, line)
		for (; pending.has(nextLine); nextLine++) console.log(pending.get(nextLine))
	}

	const run = (role) =>
		new Promise((resolve) => {
			const worker = new Worker(new URL(import.meta.url), { workerData: { role, memory } })
			let failed = false
			worker.on('message', printInOrder)
			worker.on('error', (error) => {
				failed = true
				console.error(`${role} FAILED: ${error?.message ?? error}`)
				// Wake the other worker at once instead of letting it time out.
				const header = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4)
				Atomics.store(header, STAGE, ABORTED)
				Atomics.notify(header, STAGE)
			})
			worker.on('exit', (code) => resolve(!failed && code === 0))
		})
	const results = await Promise.all([run('reader'), run('writer')])

	// The main thread sees the same bytes through a manager of its own.
	const heap = createWasmHeapManager(() => memory.buffer, () => 0, () => {}, { trackAllocations: false })
	const used = heap.readInt32Atomic(NEXT_FREE * 4)
	const reply = heap.readNullTerminatedUtf8String(heap.readInt32Atomic(REPLY_ADDRESS * 4))
	if (results.every(Boolean) && reply === REPLY && memory.buffer.byteLength > PAGE) {
		console.log(`main: sees the reply too; the shared bump pointer is at ${used}, the memory ${memory.buffer.byteLength} bytes`)
		console.log('ok: both threads saw each other\'s writes and the growth')
	} else {
		console.error('worker-threads FAILED: see the messages above')
		process.exitCode = 1
	}
} else {
	const { role, memory } = workerData
	const lineNumbers = new Int32Array(memory.buffer, 0, HEADER_BYTES / 4)
	const say = (line) => parentPort.postMessage({ number: Atomics.add(lineNumbers, LINE_NUMBER, 1), line })
	if (role === 'writer') writer(memory, say)
	else reader(memory, say)
}
