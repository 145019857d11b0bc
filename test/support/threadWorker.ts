/**
 * The worker side of test/threads.test.ts, plus what both sides share: the layout of the
 * control block at the start of the shared memory, the shared bump allocator, and the
 * request/response types of the message protocol. Float bit patterns go through
 * src/conversions.ts (the library's own exact conversions).
 *
 * Loaded in a `worker_threads` Worker with `workerData: { heapThread: true, memory, workerId }`,
 * through a bootstrap in threads.test.ts that registers tsx first (on Node 20 tsx's
 * `--import` hooks are not active in workers).
 * Each worker creates its own managers over the one shared `WebAssembly.Memory`, then
 * answers requests `{ id, request }` with `{ id, ok: true, value }` or
 * `{ id, ok: false, error }`. Imported from the main thread it only exports helpers.
 */
import { isMainThread, parentPort, threadId, workerData } from 'node:worker_threads'
import { bitsToFloat32, bitsToFloat64, float32ToBits, float64ToBits } from '../../src/conversions.js'
import { createWasmHeapManager, type WasmHeapManager } from '../../src/index.js'
import type { Value } from './dynamic.js'

export const pageSize = 65536
export const initialPages = 2
export const maximumPages = 16

/** Int32 slots of the control block (bytes 0..255 of the shared memory). */
export const slot = {
	/** Bump pointer of the shared allocator: the next free address. */
	bump: 0,
	/** Set to 1 to stop the workers' loops. */
	stop: 1,
	/** Workers add 1 when they enter a loop or a barrier. */
	started: 2,
	/** Barrier: workers wait while it is 0. */
	go: 3,
	/** Set to 1 by the worker that grew the memory, once its marker values are written. */
	grown: 4,
	/** Per-worker progress before the growth (index + workerId). */
	progressBefore: 8,
	/** Per-worker progress in the grown part (index + workerId). */
	progressAfter: 16,
} as const
export const controlInts = 64
/** First address the shared allocator hands out. */
export const arenaStart = controlInts * 4

/** The control block, over the memory's current buffer (every buffer of a shared memory aliases it). */
export function controlBlock(memory: WebAssembly.Memory): Int32Array {
	return new Int32Array(memory.buffer, 0, controlInts)
}

/**
 * A bump allocator whose pointer lives in the shared memory, advanced with `Atomics.add`,
 * so every thread can allocate. 16-byte aligned. Returns 0 (a failed allocation) past the
 * memory's current end. `free` is a no-op.
 */
export function sharedAllocator(memory: WebAssembly.Memory): {
	alloc: (byteSize: number) => number
	free: (address: number) => void
} {
	return {
		alloc(byteSize: number): number {
			const rounded = Math.max(16, Math.ceil(byteSize / 16) * 16)
			const address = Atomics.add(controlBlock(memory), slot.bump, rounded)
			return address + rounded <= memory.buffer.byteLength ? address : 0
		},
		free(): void {},
	}
}

/** Which of a thread's managers a request uses. */
export type HeapName =
	/** Used by most requests; polled as the default `'whenEmpty'` mode does. */
	| 'main'
	/** Untouched until the growth test: its cached buffer is the original, smaller one. */
	| 'stale'
	/** Like `stale`, kept for an allocation after the growth. */
	| 'staleAlloc'
	/** `pollingMode: 'never'`: keeps the original buffer for good. */
	| 'never'

export interface StringAddresses {
	readonly utf8: number[]
	readonly utf16: number[]
	readonly utf32: number[]
}

export interface StringSizes {
	readonly utf8: number[]
	readonly utf16: number[]
	readonly utf32: number[]
}

export type CallOutcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly name: string; readonly message: string }

export type Request =
	| { readonly cmd: 'info' }
	| { readonly cmd: 'allocRace'; readonly count: number }
	| { readonly cmd: 'tornWrite'; readonly method: string; readonly address: number; readonly values: readonly Value[] }
	| { readonly cmd: 'call'; readonly heap: HeapName; readonly method: string; readonly args: readonly unknown[] }
	| { readonly cmd: 'allocStrings'; readonly values: readonly string[] }
	| { readonly cmd: 'readStrings'; readonly addresses: StringAddresses }
	| {
			readonly cmd: 'grow'
			readonly pages: number
			readonly markerAddress: number
			readonly marker: number
			readonly markerBig: bigint
			readonly straddleAddress: number
			readonly straddleText: string
			readonly utf16Address: number
			readonly utf32Address: number
			readonly wideText: string
	  }
	| {
			readonly cmd: 'growthLoop'
			readonly oldAddress: number
			readonly ownAddress: number
			readonly markerAddress: number
			readonly marker: number
			readonly markerBig: bigint
	  }
	| { readonly cmd: 'bufferLengths' }
	| { readonly cmd: 'writeFloatBits'; readonly address32: number; readonly bits32: readonly number[]; readonly address64: number; readonly bits64: readonly bigint[] }
	| { readonly cmd: 'readFloatBits'; readonly address32: number; readonly count32: number; readonly address64: number; readonly count64: number }

export interface Responses {
	info: { workerId: number; threadId: number; tsxActive: boolean; execArgv: string[]; heapIsShared: boolean; heapByteLength: number; memoryByteLength: number }
	allocRace: { address: number; elementCount: number; allocatedByteSize: number }[]
	tornWrite: number
	call: CallOutcome
	allocStrings: { addresses: StringAddresses; sizes: StringSizes }
	readStrings: { utf8: string[]; utf16: string[]; utf32: string[] }
	grow: { oldPages: number; byteLength: number; heapByteLength: number }
	growthLoop: { before: number; grownAccesses: number; error: string | undefined }
	bufferLengths: { initial: number; current: number }
	writeFloatBits: null
	readFloatBits: { bits32: number[]; bits64: bigint[] }
}

export type RequestOf<C extends Request['cmd']> = Extract<Request, { cmd: C }>

export type Reply =
	| { readonly id: number; readonly ok: true; readonly value: unknown }
	| { readonly id: number; readonly ok: false; readonly error: string }

export interface ThreadWorkerData {
	readonly heapThread: true
	readonly memory: WebAssembly.Memory
	readonly workerId: number
}

/** Value used by the alloc race: who wrote which element of which region. */
export function raceValue(workerId: number, region: number, index: number): number {
	return workerId * 1_000_000 + region * 100 + index
}

/** Element count of the alloc race's `region`-th array: varied, so the regions differ in size. */
export function raceElementCount(region: number): number {
	return 1 + (region % 7)
}

/** Blocks (Atomics.wait) until `control[index]` satisfies `done`, or throws after `timeoutMs`. */
export function waitForSlot(control: Int32Array, index: number, done: (value: number) => boolean, timeoutMs: number, what: string): void {
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const value = Atomics.load(control, index)
		if (done(value)) return
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (slot ${index} is ${value})`)
		Atomics.wait(control, index, value, 20)
	}
}

// ---- the worker ------------------------------------------------------------

function describeError(error: unknown): string {
	return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error)
}

/** A result that can be posted: a ref (which holds its manager) becomes `{ address, allocatedByteSize }`. */
function cloneable(value: unknown): unknown {
	if (typeof value === 'object' && value !== null && 'address' in value && 'allocatedByteSize' in value) {
		const { address, allocatedByteSize } = value as { address: unknown; allocatedByteSize: unknown }
		return { address, allocatedByteSize }
	}
	return value
}

function startWorker(data: ThreadWorkerData, port: NonNullable<typeof parentPort>): void {
	const { memory, workerId } = data
	const { alloc, free } = sharedAllocator(memory)
	// The buffer at start-up: a shared memory's old buffer keeps its old length after growth.
	const initialBuffer = memory.buffer
	const heaps: Record<HeapName, WasmHeapManager> = {
		main: createWasmHeapManager(() => memory.buffer, alloc, free),
		stale: createWasmHeapManager(() => memory.buffer, alloc, free),
		staleAlloc: createWasmHeapManager(() => memory.buffer, alloc, free),
		never: createWasmHeapManager(() => memory.buffer, alloc, free, { pollingMode: 'never' }),
	}
	const heap = heaps.main

	function method(target: WasmHeapManager, name: string): (...args: unknown[]) => unknown {
		const member = (target as unknown as Record<string, unknown>)[name]
		if (typeof member !== 'function') throw new Error(`WasmHeapManager has no method ${name}`)
		return (member as (...args: unknown[]) => unknown).bind(target)
	}

	function announceStart(): Int32Array {
		const control = controlBlock(memory)
		Atomics.add(control, slot.started, 1)
		Atomics.notify(control, slot.started)
		return control
	}

	const handlers: { [C in Request['cmd']]: (request: RequestOf<C>) => Responses[C] } = {
		info: () => ({
			workerId,
			threadId,
			// This module is TypeScript: running at all means tsx's hooks are active here.
			tsxActive: import.meta.url.endsWith('.ts'),
			execArgv: [...process.execArgv],
			heapIsShared: heap.heap instanceof SharedArrayBuffer,
			heapByteLength: heap.heap.byteLength,
			memoryByteLength: memory.buffer.byteLength,
		}),

		allocRace: ({ count }) => {
			const control = announceStart()
			waitForSlot(control, slot.go, (value) => value !== 0, 10_000, 'the start of the alloc race')
			const regions: Responses['allocRace'] = []
			for (let region = 0; region < count; region++) {
				const ref = heap.allocInt32Array(raceElementCount(region))
				for (let index = 0; index < ref.elementCount; index++) ref.writeAt(index, raceValue(workerId, region, index))
				regions.push({ address: ref.address, elementCount: ref.elementCount, allocatedByteSize: ref.allocatedByteSize })
			}
			return regions
		},

		tornWrite: ({ method: name, address, values }) => {
			const write = method(heap, name)
			const control = announceStart()
			const n = values.length
			let writes = 0
			while (Atomics.load(control, slot.stop) === 0) {
				for (let i = 0; i < 64; i++) write(address, values[(writes + i) % n])
				writes += 64
			}
			return writes
		},

		call: ({ heap: heapName, method: name, args }) => {
			try {
				return { ok: true, value: cloneable(method(heaps[heapName], name)(...args)) }
			} catch (error) {
				const { name: errorName, message } = error instanceof Error ? error : { name: 'unknown', message: String(error) }
				return { ok: false, name: errorName, message }
			}
		},

		allocStrings: ({ values }) => {
			const addresses: StringAddresses = { utf8: [], utf16: [], utf32: [] }
			const sizes: StringSizes = { utf8: [], utf16: [], utf32: [] }
			for (const value of values) {
				const utf8 = heap.allocNullTerminatedUtf8String(value)
				const utf16 = heap.allocNullTerminatedUtf16String(value)
				const utf32 = heap.allocNullTerminatedUtf32String(value)
				addresses.utf8.push(utf8.address)
				addresses.utf16.push(utf16.address)
				addresses.utf32.push(utf32.address)
				sizes.utf8.push(utf8.allocatedByteSize)
				sizes.utf16.push(utf16.allocatedByteSize)
				sizes.utf32.push(utf32.allocatedByteSize)
			}
			return { addresses, sizes }
		},

		readStrings: ({ addresses }) => ({
			utf8: addresses.utf8.map((address) => heap.readNullTerminatedUtf8String(address)),
			utf16: addresses.utf16.map((address) => heap.readNullTerminatedUtf16String(address)),
			utf32: addresses.utf32.map((address) => heap.readNullTerminatedUtf32String(address)),
		}),

		grow: (request) => {
			const oldPages = memory.grow(request.pages)
			// This thread's manager still caches the old buffer: every access below lies (at
			// least partly) in the grown part and must make it poll.
			heap.writeFloat64(request.markerAddress, request.marker)
			heap.writeBigInt64Atomic(request.markerAddress + 8, request.markerBig)
			heap.writeNullTerminatedUtf8String(request.straddleAddress, request.straddleText)
			heap.writeNullTerminatedUtf16String(request.utf16Address, request.wideText)
			heap.writeNullTerminatedUtf32String(request.utf32Address, request.wideText)
			const control = controlBlock(memory)
			Atomics.store(control, slot.grown, 1)
			Atomics.notify(control, slot.grown)
			return { oldPages, byteLength: memory.buffer.byteLength, heapByteLength: heap.heap.byteLength }
		},

		growthLoop: ({ oldAddress, ownAddress, markerAddress, marker, markerBig }) => {
			const control = announceStart()
			let before = 0
			let grownAccesses = 0
			let grown = false
			let error: string | undefined
			try {
				for (let i = 0; Atomics.load(control, slot.stop) === 0; i++) {
					heap.writeInt32Atomic(oldAddress, i)
					const old = heap.readInt32Atomic(oldAddress)
					if (old !== i) throw new Error(`read ${old} at ${oldAddress} after writing ${i}`)
					if (!grown && Atomics.load(control, slot.grown) !== 0) grown = true
					if (!grown) {
						before++
						if ((before & 63) === 0) Atomics.store(control, slot.progressBefore + workerId, before)
						continue
					}
					const float = i + 0.25
					heap.writeFloat64(ownAddress, float)
					const readFloat = heap.readFloat64(ownAddress)
					if (readFloat !== float) throw new Error(`read ${readFloat} at ${ownAddress} after writing ${float}`)
					heap.writeUint16Atomic(ownAddress + 8, i & 0xffff)
					const readUint16 = heap.readUint16Atomic(ownAddress + 8)
					if (readUint16 !== (i & 0xffff)) throw new Error(`read ${readUint16} at ${ownAddress + 8} after writing ${i & 0xffff}`)
					const readMarker = heap.readFloat64(markerAddress)
					if (readMarker !== marker) throw new Error(`read marker ${readMarker} at ${markerAddress}, expected ${marker}`)
					const readMarkerBig = heap.readBigInt64Atomic(markerAddress + 8)
					if (readMarkerBig !== markerBig) throw new Error(`read marker ${readMarkerBig} at ${markerAddress + 8}, expected ${markerBig}`)
					grownAccesses++
					if ((grownAccesses & 63) === 0) Atomics.store(control, slot.progressAfter + workerId, grownAccesses)
				}
			} catch (caught) {
				error = describeError(caught)
			}
			Atomics.store(control, slot.progressBefore + workerId, before)
			Atomics.store(control, slot.progressAfter + workerId, grownAccesses)
			return { before, grownAccesses, error }
		},

		bufferLengths: () => ({ initial: initialBuffer.byteLength, current: memory.buffer.byteLength }),

		writeFloatBits: ({ address32, bits32, address64, bits64 }) => {
			bits32.forEach((bits, i) => heap.writeFloat32Atomic(address32 + 4 * i, bitsToFloat32(bits)))
			bits64.forEach((bits, i) => heap.writeFloat64Atomic(address64 + 8 * i, bitsToFloat64(bits)))
			return null
		},

		readFloatBits: ({ address32, count32, address64, count64 }) => ({
			// Unsigned, as the test lists them (src/conversions.ts gives signed bit patterns).
			bits32: Array.from({ length: count32 }, (_, i) => float32ToBits(heap.readFloat32Atomic(address32 + 4 * i)) >>> 0),
			bits64: Array.from({ length: count64 }, (_, i) => BigInt.asUintN(64, float64ToBits(heap.readFloat64Atomic(address64 + 8 * i)))),
		}),
	}

	port.on('message', (message: { id: number; request: Request }) => {
		let reply: Reply
		try {
			const handler = handlers[message.request.cmd] as (request: Request) => unknown
			reply = { id: message.id, ok: true, value: handler(message.request) }
		} catch (error) {
			reply = { id: message.id, ok: false, error: describeError(error) }
		}
		port.postMessage(reply)
	})
}

if (!isMainThread && parentPort !== null && (workerData as Partial<ThreadWorkerData> | null)?.heapThread === true) {
	startWorker(workerData as ThreadWorkerData, parentPort)
}
