/**
 * @internal A hash table from heap addresses (positive safe integers) to values, for the
 * allocation table: open addressing with linear probing over a `Float64Array` of keys
 * (0 marks an empty slot: no allocation has address 0), and backward-shift deletion, so
 * that a removed entry leaves no tombstone and the address a `malloc` hands out again
 * and again costs the same each time. Measured against a `Map` (whose deleted entries
 * stay in their chain until it rehashes): alloc + free with tracking 18 ns against
 * 27–37 ns (issue 11).
 *
 * At most half the slots are in use; the table doubles when an insertion would pass that.
 */
export class AddressTable<V> {
	private keys: Float64Array
	private values: (V | undefined)[]
	/** `keys.length - 1`: capacities are powers of two. */
	private mask: number
	/** `32 - log2(capacity)`: the hash's top bits select the home slot. */
	private shift: number
	/** Entries in use. */
	size = 0

	constructor(capacity = 64) {
		this.keys = new Float64Array(capacity)
		this.values = new Array<V | undefined>(capacity).fill(undefined)
		this.mask = capacity - 1
		this.shift = 32 - Math.log2(capacity)
	}

	/** The home slot of `address`: Fibonacci hashing of its two 32-bit halves. */
	private home(address: number): number {
		return Math.imul((address >>> 0) ^ ((address / 0x100000000) | 0), 0x9e3779b1) >>> this.shift
	}

	/** The slot holding `address`, or -1. */
	private slotOf(address: number): number {
		const keys = this.keys
		const mask = this.mask
		let slot = this.home(address)
		for (;;) {
			const key = keys[slot]!
			if (key === address) return slot
			if (key === 0) return -1
			slot = (slot + 1) & mask
		}
	}

	/** The value at `address`, or `undefined`. */
	get(address: number): V | undefined {
		const slot = this.slotOf(address)
		return slot === -1 ? undefined : this.values[slot]
	}

	// set and deleteIfValue are the allocation table's hot path: each is written as one
	// function (the hash and the probe loop inline), because V8 inlines a caller's callees
	// only up to a total bytecode size, and calls what does not fit (issue 11).

	/** Sets the value at `address` and returns the one it replaces (`undefined` if none). */
	set(address: number, value: V): V | undefined {
		if (this.size * 2 >= this.mask) this.resize(this.keys.length * 2)
		const keys = this.keys
		const mask = this.mask
		// home(address), inline.
		let slot = Math.imul((address >>> 0) ^ ((address / 0x100000000) | 0), 0x9e3779b1) >>> this.shift
		let key: number
		while ((key = keys[slot]!) !== 0) {
			if (key === address) {
				const previous = this.values[slot]
				this.values[slot] = value
				return previous
			}
			slot = (slot + 1) & mask
		}
		keys[slot] = address
		this.values[slot] = value
		this.size++
		return undefined
	}

	/** Removes the entry at `address` if its value is `value`; returns whether it did. */
	deleteIfValue(address: number, value: V): boolean {
		const keys = this.keys
		const mask = this.mask
		let slot = Math.imul((address >>> 0) ^ ((address / 0x100000000) | 0), 0x9e3779b1) >>> this.shift
		let key: number
		while ((key = keys[slot]!) !== address) {
			if (key === 0) return false
			slot = (slot + 1) & mask
		}
		if (this.values[slot] !== value) return false
		if (keys[(slot + 1) & mask] === 0) {
			// The end of its probe run (the usual case): nothing to move back.
			keys[slot] = 0
			this.values[slot] = undefined
			this.size--
		} else {
			this.removeSlotInRun(slot)
		}
		return true
	}

	/**
	 * Empties `slot`, an entry that others follow in its probe run, then moves later
	 * entries of the run back into the gap when their home slot does not lie (cyclically)
	 * between the gap and where they are.
	 */
	private removeSlotInRun(slot: number): void {
		const keys = this.keys
		const values = this.values
		const mask = this.mask
		let gap = slot
		let next = (gap + 1) & mask
		while (keys[next] !== 0) {
			const home = this.home(keys[next]!)
			// Whether `home` lies cyclically in (gap, next]: then the entry must stay.
			const stays = gap <= next ? gap < home && home <= next : gap < home || home <= next
			if (!stays) {
				keys[gap] = keys[next]!
				values[gap] = values[next]
				gap = next
			}
			next = (next + 1) & mask
		}
		keys[gap] = 0
		values[gap] = undefined
		this.size--
	}

	/** Every value, in slot order (a new array). */
	valueList(): V[] {
		const list: V[] = []
		const keys = this.keys
		for (let slot = 0; slot < keys.length; slot++) if (keys[slot] !== 0) list.push(this.values[slot]!)
		return list
	}

	private resize(capacity: number): void {
		const oldKeys = this.keys
		const oldValues = this.values
		this.keys = new Float64Array(capacity)
		this.values = new Array<V | undefined>(capacity).fill(undefined)
		this.mask = capacity - 1
		this.shift = 32 - Math.log2(capacity)
		this.size = 0
		for (let slot = 0; slot < oldKeys.length; slot++) if (oldKeys[slot] !== 0) this.set(oldKeys[slot]!, oldValues[slot]!)
	}
}
