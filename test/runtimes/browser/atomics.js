// Atomic read-modify-write between the Chromium page and its module Web Worker, on one
// shared WebAssembly.Memory of their own (apart from the exchange in page.js):
//   1. the worker makes its manager, sets `ready` and sleeps in waitInt32 on `go`
//      (a worker may block); the page notifies `go` until the notify wakes it;
//   2. both run `contend` at once: the same counters, through add/sub/compareExchange
//      on the manager, a value ref and an array ref;
//   3. the worker sets `done` and notifies; the page's waitInt32Async on `done` wakes;
//   4. the page checks the totals (nothing lost) and asks for a ping: its waitInt32Async,
//      started first, must resolve 'ok' on the worker's notify.

/** Byte addresses of the flags and counters (the memory is 1 page; nothing allocates). */
export const atomicsAt = {
	ready: 0,
	go: 4,
	done: 8,
	ping: 12,
	int32: 64, // addInt32Atomic
	bigInt64: 72, // addBigInt64Atomic
	uint8: 80, // addUint8Atomic
	float64: 88, // addFloat64Atomic (a compare-exchange loop)
	ref: 96, // Int32Ref.addAtomic
	arrayRef: 112, // Float64ArrayRef.addAtomicAt(1, …): the array starts 8 bytes before
	casLoop: 128, // compareExchangeInt32Atomic, a hand-written increment loop
	sub: 132, // subInt32Atomic
}

/** Adds per thread to each counter. */
export const contendTimes = 100000

/** A manager over the page's atomics memory; nothing here allocates. */
export function atomicsManager(api, memory) {
	return api.createWasmHeapManager(
		() => memory.buffer,
		() => 0,
		() => {},
	)
}

/** One thread's share of the contention: `contendTimes` updates of every counter. */
export function contend(heap) {
	const at = atomicsAt
	const ref = heap.wrapInt32(at.ref)
	const array = heap.wrapFloat64Array(at.arrayRef - 8, 2)
	for (let i = 0; i < contendTimes; i++) {
		heap.addInt32Atomic(at.int32, 1)
		heap.addBigInt64Atomic(at.bigInt64, 1n)
		heap.addUint8Atomic(at.uint8, 1)
		heap.addFloat64Atomic(at.float64, 1)
		ref.addAtomic(1)
		array.addAtomicAt(1, 1)
		let seen = heap.readInt32Atomic(at.casLoop)
		for (;;) {
			const old = heap.compareExchangeInt32Atomic(at.casLoop, seen, seen + 1)
			if (old === seen) break
			seen = old
		}
		heap.subInt32Atomic(at.sub, 1)
	}
}

/** What the counters must hold after `threads` threads ran `contend`. */
export function contendTotals(threads) {
	const n = threads * contendTimes
	return { int32: n, bigInt64: BigInt(n), uint8: n % 256, float64: n, ref: n, arrayRef: n, casLoop: n, sub: -n }
}

/** The counters as they are. */
export function readCounters(heap) {
	const at = atomicsAt
	return {
		int32: heap.readInt32Atomic(at.int32),
		bigInt64: heap.readBigInt64Atomic(at.bigInt64),
		uint8: heap.readUint8Atomic(at.uint8),
		float64: heap.readFloat64Atomic(at.float64),
		ref: heap.readInt32Atomic(at.ref),
		arrayRef: heap.readFloat64Atomic(at.arrayRef),
		casLoop: heap.readInt32Atomic(at.casLoop),
		sub: heap.readInt32Atomic(at.sub),
	}
}
