/**
 * A small, fast seeded PRNG (sfc32) for the fuzzer: the same seed gives the same
 * sequence on every engine. Numbers only (no BigInt arithmetic), so that generating an
 * operation costs far less than running it.
 */
export class Random {
	private a: number
	private b: number
	private c: number
	private d: number

	constructor(seed: number) {
		// Fold a seed of up to 53 bits into the state, then discard the first outputs.
		this.a = 0x9e3779b9 ^ (seed % 0x100000000)
		this.b = 0x243f6a88 ^ Math.floor(seed / 0x100000000)
		this.c = 0xb7e15162
		this.d = 1
		for (let i = 0; i < 16; i++) this.u32()
	}

	/** 32 random bits as an unsigned integer. */
	u32(): number {
		const t = (((this.a + this.b) | 0) + this.d) | 0
		this.d = (this.d + 1) | 0
		this.a = this.b ^ (this.b >>> 9)
		this.b = (this.c + (this.c << 3)) | 0
		this.c = (this.c << 21) | (this.c >>> 11)
		this.c = (this.c + t) | 0
		return t >>> 0
	}

	/** A float in [0, 1). */
	next(): number {
		return this.u32() / 0x100000000
	}

	/** An integer in [min, max). */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min))
	}

	/** `true` with probability `p`. */
	chance(p: number): boolean {
		return this.next() < p
	}

	pick<T>(items: readonly T[]): T {
		if (items.length === 0) throw new Error('Random.pick: no items')
		return items[this.int(0, items.length)]!
	}

	/** One of `entries`, chosen with probability proportional to its weight. */
	weighted<T>(entries: readonly (readonly [number, T])[]): T {
		let total = 0
		for (const [weight] of entries) total += weight
		let point = this.next() * total
		for (const [weight, value] of entries) {
			point -= weight
			if (point < 0) return value
		}
		return entries[entries.length - 1]![1]
	}

	/** A random 64-bit unsigned integer as a `bigint`. */
	u64(): bigint {
		return (BigInt(this.u32()) << 32n) | BigInt(this.u32())
	}
}

/** A seed for the `index`-th episode of a run, mixed so that neighbouring seeds differ widely. */
export function deriveSeed(seed: number, index: number): number {
	let h = Math.imul((seed % 0x100000000) ^ 0x85ebca6b, 0xc2b2ae35) ^ Math.imul(index + 1, 0x27d4eb2f)
	h ^= Math.floor(seed / 0x100000000)
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
	h ^= h >>> 16
	return h >>> 0
}
