#!/usr/bin/env node
// Two worker threads share one shared WebAssembly.Memory, each with its own
// wasm-heap-manager over it. They allocate from one pool: the built-in allocator keeps
// its state in the shared memory itself (after the example's 64-byte header) and takes
// a lock there, so every thread's manager allocates and frees safely.
//
//   writer: allocates a string and a float64, stores the float atomically,
//           publishes their addresses in a header, and wakes the reader
//   reader: reads them, frees the string (the writer is done with it), then
//           allocates 1 MiB (the memory grows) and writes a reply string at its
//           end, past the end of the memory the writer has seen
//   writer: reads the reply: its manager notices the larger buffer by itself
//   main:   checks the allocator's blocks and frees what is left
//
//   npm run build && node examples/worker-threads.mjs
//
// Exits 1 on any mismatch, a worker error, or a wait that times out.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import { createHeapAllocator, createWasmHeapManager } from '../dist/index.js'

const MiB = 1024 * 1024
const PAGE = 65536
const TIMEOUT_MS = 10_000

// The header: the first 64 bytes of the memory, as Int32 slots (index = byte offset / 4).
// The allocator's own state starts after it (its `start` option).
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
 * A manager over the shared memory with the built-in allocator. The first thread to
 * create one writes the allocator's state at `start`; the others find it there and join.
 */
function sharedHeap(memory) {
	return createWasmHeapManager(memory, { start: HEADER_BYTES })
}

/**
 * The allocator itself, joined the same way: it frees blocks that other threads
 * allocated (a manager's `free(address)` frees only the refs it tracks) and checks the heap.
 */
function sharedAllocator(memory) {
	return createHeapAllocator(memory, { start: HEADER_BYTES })
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
	const heap = sharedHeap(memory)

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
	const heap = sharedHeap(memory)

	waitForStage(memory, 1)
	const messageAddress = heap.readInt32Atomic(MESSAGE_ADDRESS * 4)
	const message = heap.readNullTerminatedUtf8String(messageAddress)
	const value = heap.readFloat64Atomic(heap.readInt32Atomic(VALUE_ADDRESS * 4))
	expect('reader reads the string', message, MESSAGE)
	expect('reader reads the float64', value, VALUE)
	// The writer allocated the string; any thread may free it into the shared pool.
	sharedAllocator(memory).free(messageAddress)
	say(`reader: read "${message}" and ${value}, freed the string`)

	const sizeBefore = heap.heap.byteLength
	const block = heap.allocUint8Array(MiB) // the built-in allocator grows the shared memory
	block.writeAt(MiB - 1, 0xb0)
	// The reply goes at the block's end: past the 64 KiB the writer has seen.
	const replyAddress = block.address + MiB - 256
	heap.writeNullTerminatedUtf8String(replyAddress, REPLY, 256)
	expect('block end after growth', block.readAt(MiB - 1), 0xb0)
	heap.writeInt32Atomic(REPLY_ADDRESS * 4, replyAddress)
	say(`reader: allocated 1 MiB, the memory grew ${sizeBefore} -> ${heap.heap.byteLength} bytes; reply string at ${replyAddress}`)
	setStage(heap, memory, 2)
}

if (isMainThread) {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 256, shared: true }) // 64 KiB .. 16 MiB
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

	// The main thread sees the same bytes and the same pool through a manager of its own.
	const heap = sharedHeap(memory)
	const allocator = sharedAllocator(memory)
	const replyAddress = heap.readInt32Atomic(REPLY_ADDRESS * 4)
	const reply = heap.readNullTerminatedUtf8String(replyAddress)
	allocator.check() // walks every block; throws on any inconsistency
	const used = allocator.usedByteSize
	// What the workers left allocated: the float64 and the 1 MiB block (the string was freed).
	allocator.free(heap.readInt32Atomic(VALUE_ADDRESS * 4))
	allocator.free(replyAddress + 256 - MiB)
	if (results.every(Boolean) && reply === REPLY && memory.buffer.byteLength > PAGE && allocator.usedByteSize === 0) {
		console.log(`main: sees the reply too; the workers left ${used} bytes allocated, all freed now; the memory is ${memory.buffer.byteLength} bytes`)
		console.log('ok: both threads saw each other\'s writes and the growth, and shared one allocator')
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
