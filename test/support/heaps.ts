/**
 * Shared test support: a seeded PRNG, simple real allocators over plain and shared
 * memories, and helpers to snapshot memory around failing calls.
 */
import { createWasmHeapManager, StructArrayRef, StructRef, type StructType, type WasmHeapManager, type WasmHeapManagerOptions } from '../../src/index.js'

/**
 * The one seeded PRNG of the suite: xorshift128+, the top 53 bits of each 64-bit step
 * for `next()`. Same seed, same sequence, on every engine. The state is kept as four
 * 32-bit halves (the seeding and warm-up in `bigint`), which gives the same sequence
 * as a `bigint` implementation at a fraction of its cost: the codec and string tests
 * draw millions of values.
 */
export class SeededRandom {
	private high0: number
	private low0: number
	private high1: number
	private low1: number
	/** The last step's 64-bit output, as two 32-bit halves. */
	private outHigh = 0
	private outLow = 0

	constructor(seed: number) {
		let s0 = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n
		let s1 = (BigInt(seed) ^ 0x5deece66dn) * 0xbf58476d1ce4e5b9n + 7n
		// Eight warm-up steps, in `bigint` because the seeded state may exceed 64 bits.
		for (let i = 0; i < 8; i++) {
			const x = BigInt.asUintN(64, s0 ^ (s0 << 23n))
			const y = s1
			s0 = y
			s1 = BigInt.asUintN(64, x ^ y ^ (x >> 17n) ^ (y >> 26n))
		}
		this.high0 = Number(s0 >> 32n)
		this.low0 = Number(s0 & 0xffffffffn)
		this.high1 = Number(s1 >> 32n)
		this.low1 = Number(s1 & 0xffffffffn)
	}

	/** One xorshift128+ step on 32-bit halves: `x ^= x << 23; s1 = x ^ y ^ (x >> 17) ^ (y >> 26); out = s1 + y`. */
	private step(): void {
		let xHigh = this.high0
		let xLow = this.low0
		const yHigh = this.high1
		const yLow = this.low1
		this.high0 = yHigh
		this.low0 = yLow
		xHigh = (xHigh ^ ((xHigh << 23) | (xLow >>> 9))) >>> 0
		xLow = (xLow ^ (xLow << 23)) >>> 0
		const high = (xHigh ^ yHigh ^ (xHigh >>> 17) ^ (yHigh >>> 26)) >>> 0
		const low = (xLow ^ yLow ^ ((xLow >>> 17) | (xHigh << 15)) ^ ((yLow >>> 26) | (yHigh << 6))) >>> 0
		this.high1 = high
		this.low1 = low
		const sum = low + yLow
		this.outLow = sum >>> 0
		this.outHigh = (high + yHigh + (sum > 0xffffffff ? 1 : 0)) >>> 0
	}

	/** A float in [0, 1). */
	next(): number {
		this.step()
		return (this.outHigh * 2 ** 21 + (this.outLow >>> 11)) / 2 ** 53
	}

	/** An integer in [min, max). */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min))
	}

	/** 64 random bits. */
	bits64(): bigint {
		this.step()
		return (BigInt(this.outHigh) << 32n) | BigInt(this.outLow)
	}

	/** `count` random bytes. */
	bytes(count: number): Uint8Array {
		const bytes = new Uint8Array(count)
		for (let i = 0; i < count; i++) bytes[i] = this.int(0, 256)
		return bytes
	}

	/** One of `items`, uniformly. */
	pick<T>(items: readonly T[]): T {
		return items[this.int(0, items.length)]!
	}
}

/**
 * A bump allocator with a free list per size, over a growable `WebAssembly.Memory`,
 * 16-byte aligned, that grows the memory when needed. Counts its calls.
 */
export class TestAllocator {
	next = 16
	readonly freeLists = new Map<number, number[]>()
	readonly live = new Map<number, number>()
	allocCalls = 0
	freeCalls = 0

	constructor(readonly memory: WebAssembly.Memory) {}

	readonly alloc = (size: number): number => {
		this.allocCalls++
		const rounded = Math.max(16, Math.ceil(size / 16) * 16)
		const reused = this.freeLists.get(rounded)?.pop()
		const address = reused ?? this.next
		if (reused === undefined) {
			this.next += rounded
			const needed = this.next - this.memory.buffer.byteLength
			if (needed > 0) this.memory.grow(Math.ceil(needed / 65536))
		}
		this.live.set(address, rounded)
		return address
	}

	readonly free = (address: number): void => {
		this.freeCalls++
		const size = this.live.get(address)
		if (size === undefined) throw new Error(`TestAllocator: free of unknown address ${address}`)
		this.live.delete(address)
		let list = this.freeLists.get(size)
		if (list === undefined) this.freeLists.set(size, (list = []))
		list.push(address)
	}
}

export interface TestHeap {
	readonly heap: WasmHeapManager
	readonly memory: WebAssembly.Memory
	readonly allocator: TestAllocator
}

/** A manager over a fresh growable memory with a `TestAllocator`. */
export function createTestHeap(
	options?: WasmHeapManagerOptions & { readonly pages?: number; readonly shared?: boolean; readonly maximum?: number },
): TestHeap {
	const { pages = 1, shared = false, maximum = 2048, ...managerOptions } = options ?? {}
	const memory = new WebAssembly.Memory({ initial: pages, maximum, shared })
	const allocator = new TestAllocator(memory)
	const heap = createWasmHeapManager(() => memory.buffer, allocator.alloc, allocator.free, managerOptions)
	return { heap, memory, allocator }
}

/** A copy of the heap's current bytes, to prove that a failing call changed nothing. */
export function snapshot(memory: WebAssembly.Memory | ArrayBufferLike): Uint8Array {
	const buffer = memory instanceof WebAssembly.Memory ? memory.buffer : memory
	return new Uint8Array(buffer).slice()
}

/** The addresses every bounds-checked method must reject, given the heap size. */
export function badAddresses(heapSize: number): number[] {
	// 2^32 + 8: its low 32 bits are a valid aligned address (an index taken with `>>>` wraps to 1 or 2).
	return [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, heapSize, 2 ** 32 + 8, 2 ** 53]
}

/**
 * A 5 GiB `ArrayBuffer` (a heap past 4 GiB and past the typed-array cap), or the test skipped,
 * saying so under `label`, where the engine refuses one.
 */
export function fiveGiBBufferOrSkip(context: Mocha.Context, label: string): ArrayBuffer {
	try {
		return new ArrayBuffer(5 * 2 ** 30)
	} catch (error) {
		console.log(`      [${label}] 5 GiB ArrayBuffer refused here: ${String(error)}`)
		return context.skip()
	}
}

/**
 * A class shaped as `wasm-heap-manager generate` writes one for `type` (wasm32), with no
 * accessors of its own: registered on its first use, it becomes the base of every ref to
 * `type`. For tests of what changes when a generated class is registered.
 */
export function registrableClass(type: StructType) {
	class ArrayClass extends StructArrayRef<StructType> {}
	return class extends StructRef<StructType> {
		static readonly structType = type
		static readonly abi = 'wasm32'
		static readonly arrayClass = ArrayClass
		static readonly libraryFieldsVersion = 1
	}
}
