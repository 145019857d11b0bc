/**
 * The hand-written core of `wait<T>`, `wait<T>Async` and `notify`: futex-style sleeping
 * on a heap address, as C's `__builtin_wasm_memory_atomic_wait32` / `notify` and Rust's
 * `memory_atomic_wait32` do. The generated `wait<T>` methods convert `expected`, check
 * the address (range and alignment) and pick the whole-heap `Int32Array` or
 * `BigInt64Array` (the only views `Atomics.wait` takes), then call these.
 */
import {
	notifyCountInvalid,
	notifyCountNotANumber,
	raise,
	raiseWithCause,
	waitAsyncMissing,
	waitOnUnsharedHeap,
	waitRefused,
	waitTimeoutInvalid,
	waitTimeoutNotANumber,
} from './messages.js'

/** What a wait ended with, as `Atomics.wait` says it: woken by a notify, the value was not the expected one, or the timeout passed. */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out'

/** The views a wait runs on. */
export type WaitView = Int32Array | BigInt64Array

// `Atomics.waitAsync` is in ES2024's lib; this project compiles against ES2022.
type WaitAsync = (
	view: WaitView,
	index: number,
	value: number | bigint,
	timeout?: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> }

function isShared(buffer: ArrayBufferLike): boolean {
	// By tag: pages that are not cross-origin isolated lack the SharedArrayBuffer global,
	// yet a shared WebAssembly.Memory still has a SharedArrayBuffer.
	return Object.prototype.toString.call(buffer) === '[object SharedArrayBuffer]'
}

/** The checks every wait makes once its address is known to be valid; returns the timeout in milliseconds. */
function waitTimeout(view: WaitView, timeoutMs: unknown, method: string): number {
	if (!isShared(view.buffer)) {
		throw raise(waitOnUnsharedHeap, method)
	}
	if (timeoutMs === undefined) return Infinity
	if (typeof timeoutMs !== 'number') {
		throw raise(waitTimeoutNotANumber, method, timeoutMs)
	}
	if (!(timeoutMs >= 0)) {
		throw raise(waitTimeoutInvalid, method, timeoutMs)
	}
	return timeoutMs
}

/**
 * @internal Sleeps while `view[index]` holds `expected` (already converted), until a
 * `notify` on its address or the timeout. Blocks the thread.
 */
export function waitOn(view: WaitView, index: number, expected: number | bigint, timeoutMs: unknown, method: string): WaitResult {
	const timeout = waitTimeout(view, timeoutMs, method)
	try {
		return Atomics.wait(view as Int32Array, index, expected as number, timeout)
	} catch (error) {
		// The only TypeError left: this thread may not block (a browser's main thread).
		if (error instanceof TypeError) {
			throw raiseWithCause(error, waitRefused, method)
		}
		throw error
	}
}

/**
 * @internal `waitOn` without blocking: a promise of the same result. Argument errors
 * are thrown, as `Atomics.waitAsync` throws them, not returned as a rejected promise.
 */
export function waitOnAsync(
	view: WaitView,
	index: number,
	expected: number | bigint,
	timeoutMs: unknown,
	method: string,
): Promise<WaitResult> {
	const timeout = waitTimeout(view, timeoutMs, method)
	const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync
	if (typeof waitAsync !== 'function') {
		throw raise(waitAsyncMissing, method)
	}
	const result = waitAsync(view, index, expected, timeout)
	return result.async ? result.value : Promise.resolve(result.value)
}

/**
 * @internal Wakes up to `count` threads waiting on the address whose `Int32Array` index
 * is `index` (a waiter of any width at that address). Returns how many woke.
 */
export function notifyAt(view: Int32Array, index: number, count: unknown, method: string): number {
	if (count === undefined) count = Infinity
	if (typeof count !== 'number') {
		throw raise(notifyCountNotANumber, method, count)
	}
	if (!(count === Infinity || (Number.isSafeInteger(count) && count >= 0))) {
		throw raise(notifyCountInvalid, method, count)
	}
	return Atomics.notify(view, index, count)
}
