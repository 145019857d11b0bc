/**
 * Shared test support: a seeded PRNG, simple real allocators over plain and shared
 * memories, and helpers to snapshot memory around failing calls.
 */
import { createWasmHeapManager, type WasmHeapManager, type WasmHeapManagerOptions } from '../../src/index.js'

/** Deterministic PRNG (xorshift128+ folded to 53 bits). Same seed, same sequence. */
export class SeededRandom {
	private s0: bigint
	private s1: bigint

	constructor(seed: number) {
		this.s0 = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n
		this.s1 = (BigInt(seed) ^ 0x5deece66dn) * 0xbf58476d1ce4e5b9n + 7n
		for (let i = 0; i < 8; i++) this.nextBits()
	}

	private nextBits(): bigint {
		let x = this.s0
		const y = this.s1
		this.s0 = y
		x = BigInt.asUintN(64, x ^ (x << 23n))
		this.s1 = BigInt.asUintN(64, x ^ y ^ (x >> 17n) ^ (y >> 26n))
		return BigInt.asUintN(64, this.s1 + y)
	}

	/** A float in [0, 1). */
	next(): number {
		return Number(this.nextBits() >> 11n) / 2 ** 53
	}

	/** An integer in [min, max). */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min))
	}

	/** 64 random bits. */
	bits64(): bigint {
		return this.nextBits()
	}

	/** `count` random bytes. */
	bytes(count: number): Uint8Array {
		const bytes = new Uint8Array(count)
		for (let i = 0; i < count; i++) bytes[i] = this.int(0, 256)
		return bytes
	}

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
	return [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, heapSize, 2 ** 53]
}
