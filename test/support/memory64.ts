/**
 * Support for the memory64 (wasm64) tests: the `heap64.wasm` fixture, detection of
 * engine support (named with `runtimeName` from ./runtime.ts), and a spy that records what kind of values a function was called with.
 */
import { readFileSync } from 'node:fs'

/** The bytes of `test/fixtures/memory64/heap64.wasm` (see test/fixtures/README.md). */
export const heap64Bytes: Uint8Array<ArrayBuffer> = new Uint8Array(
	readFileSync(new URL('../fixtures/memory64/heap64.wasm', import.meta.url)),
)

/** The exports of `heap64.wasm`: every pointer and size is an i64, i.e. a `bigint` in JS. */
export interface Heap64Exports {
	readonly memory: WebAssembly.Memory
	readonly malloc: (byteSize: bigint) => bigint
	readonly free: (address: bigint) => void
	readonly sum_u8: (address: bigint, count: bigint) => bigint
	readonly heap_size: () => bigint
}

export type Memory64Support = { readonly supported: true } | { readonly supported: false; readonly reason: string }

/**
 * Whether this engine compiles memory64 modules, judged by `WebAssembly.validate` on the
 * fixture itself. When it does not, `reason` carries the engine's own compile error.
 */
export function detectMemory64(): Memory64Support {
	if (typeof WebAssembly === 'undefined') return { supported: false, reason: 'there is no WebAssembly global' }
	if (WebAssembly.validate(heap64Bytes)) return { supported: true }
	let detail = ''
	try {
		new WebAssembly.Module(heap64Bytes)
		detail = 'WebAssembly.Module() accepted it nonetheless'
	} catch (error) {
		detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
	}
	return { supported: false, reason: `WebAssembly.validate(heap64.wasm) is false (${detail})` }
}

let compiled: WebAssembly.Module | undefined

/** A fresh instance of the fixture (own memory, own allocator state); compiles once per process. */
export function instantiateHeap64(): Heap64Exports {
	compiled ??= new WebAssembly.Module(heap64Bytes)
	const instance = new WebAssembly.Instance(compiled, {})
	return instance.exports as unknown as Heap64Exports
}

/** One recorded call of a {@link spy}. */
export interface SpyCall {
	/** `typeof` of each argument. */
	readonly argumentKinds: readonly string[]
	readonly args: readonly unknown[]
	/** What the wrapped function returned, when it returned. */
	readonly result?: unknown
	/** What it threw, when it threw. */
	readonly error?: unknown
}

export interface Spy<F extends (...args: never[]) => unknown> {
	/** Calls through to the wrapped function with the arguments unchanged, recording the call. */
	readonly fn: F
	readonly calls: SpyCall[]
	/** The calls that returned (did not throw). */
	completed(): SpyCall[]
}

/** Wraps `target` so that every call is recorded and delegated unchanged (same arguments, same result or error). */
export function spy<F extends (...args: never[]) => unknown>(target: F): Spy<F> {
	const calls: SpyCall[] = []
	const fn = ((...args: unknown[]): unknown => {
		const argumentKinds = args.map((arg) => typeof arg)
		try {
			const result = (target as unknown as (...args: unknown[]) => unknown)(...args)
			calls.push({ argumentKinds, args, result })
			return result
		} catch (error) {
			calls.push({ argumentKinds, args, error })
			throw error
		}
	}) as unknown as F
	return { fn, calls, completed: () => calls.filter((call) => !('error' in call)) }
}
