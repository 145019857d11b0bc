// What the page and its Web Worker share: the layout of the control block at the start
// of the shared WebAssembly.Memory, the built-in allocator after it (its state lives in
// the memory, so both threads allocate from one heap), the turn protocol and the
// exchanged values.

export const pageSize = 65536

/** Byte addresses in the control block (bytes 0..255); the allocator starts after it. */
export const at = {
	turn: 4, // Int32: whose turn it is (see the protocol in page.js); -1 = the worker failed
	f64: 64,
	i64: 72,
	u16: 80,
	f32: 84,
	p53: 88,
	strings: 96, // 5 Pointer32 slots: the page's strings
	replies: 128, // 5 Pointer32 slots: the worker's replies
	grown: 160, // Pointer53: an address in the part the worker grew
}
export const controlBytes = 256
const turnIndex = at.turn / 4

/** Rounds of the values ping-pong. */
export const rounds = 200

/** What the page writes in round `i`. */
export function roundValues(i) {
	return { f64: i + 0.25, i64: BigInt(i) * -3n - 1n, u16: (i * 300) % 65536, f32: i / 8, p53: 2 ** 40 + i * 4097 }
}

/** What the worker writes back in round `i`. */
export function roundReplies(i) {
	const sent = roundValues(i)
	return { f64: sent.f64 * 2, i64: sent.i64 + 1n, u16: (sent.u16 + 1) % 65536, f32: -sent.f32, p53: sent.p53 + 1 }
}

/** The strings the page sends, one per slot. */
export const strings = [
	{ encoding: 'Ascii', value: 'plain ASCII from the page' },
	{ encoding: 'Utf8', value: 'héllo from the page 😀 日本語' },
	{ encoding: 'Utf16', value: 'UTF-16 😀 with a lone surrogate \uD800 kept' },
	{ encoding: 'Utf32', value: 'UTF-32 👍🏽 lone \uDC00 too' },
	// Longer than 4096 bytes: Chromium's TextDecoder refuses shared views, and the
	// library decodes long runs through its scratch buffer.
	{ encoding: 'Utf8', value: 'long héllo 😀 '.repeat(400) },
]

/** The worker's reply to a string. */
export function reply(encoding, value) {
	return encoding === 'Ascii' ? `${value} <- worker` : `${value} ↩ worker ✓`
}

/** The strings the two threads write in the part of the memory the worker grew. */
export const grownByWorker = 'grown by the worker 😀'
export const grownByPage = 'page wrote this in the grown part 😀'

/**
 * A manager over the shared memory with the built-in allocator after the control block:
 * the first thread to call this writes the allocator's state there, the other joins it,
 * and both allocate from one pool under its lock (the page's main thread, which may not
 * block, spins for it).
 */
export function sharedHeap(api, memory) {
	return api.createWasmHeapManager(memory, { start: controlBytes })
}

/** Hands the turn over: an atomic write through the manager, then a notify. */
export function setTurn(heap, memory, value) {
	heap.writeInt32Atomic(at.turn, value)
	Atomics.notify(new Int32Array(memory.buffer, 0, 64), turnIndex)
}

/** Blocks (a worker may) until the turn is `value`. */
export function waitTurnBlocking(heap, memory, value, timeoutMs = 20000) {
	const control = new Int32Array(memory.buffer, 0, 64)
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const current = heap.readInt32Atomic(at.turn)
		if (current === value) return
		if (Date.now() > deadline) throw new Error(`timed out waiting for turn ${value} (the turn is ${current})`)
		Atomics.wait(control, turnIndex, current, 50)
	}
}

/** Waits without blocking (the page may not block) until the turn is `value`. */
export async function waitTurnAsync(heap, memory, value, timeoutMs = 20000) {
	const control = new Int32Array(memory.buffer, 0, 64)
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const current = heap.readInt32Atomic(at.turn)
		if (current === value) return
		if (current === -1) throw new Error(`the worker failed (waiting for turn ${value})`)
		if (Date.now() > deadline) throw new Error(`timed out waiting for turn ${value} (the turn is ${current})`)
		if (typeof Atomics.waitAsync === 'function') {
			const result = Atomics.waitAsync(control, turnIndex, current, 50)
			if (result.async) await result.value
		} else {
			await new Promise((resolve) => setTimeout(resolve, 1))
		}
	}
}
