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
 * Each value is at one address at most (the table holds refs, each at its own address).
 */
export class AddressTable<V> {
	private keys: Float64Array
	private values: (V | undefined)[]
	/** `keys.length - 1`: capacities are powers of two. */
	private mask: number
	/** `32 - log2(capacity)`: the hash's top bits select the home slot. */
	private shift: number
	/** Half the slots: an insertion that finds this many entries grows the table first. */
	private limit: number
	/** Entries in use. */
	size = 0
	/** Called with the value that a {@link set} replaces, after the new one is in (off the hot path). */
	private readonly replaced: ((previous: V) => void) | undefined

	constructor(capacity = 64, replaced?: (previous: V) => void) {
		this.replaced = replaced
		this.keys = new Float64Array(capacity)
		this.values = new Array<V | undefined>(capacity).fill(undefined)
		this.mask = capacity - 1
		this.shift = 32 - Math.log2(capacity)
		this.limit = capacity >> 1
	}

	/**
	 * The home slot of `address`: multiplicative hashing of its two 32-bit halves (xored),
	 * the top bits of the product's low 32. The product is a double (below 2^62, so `>>>`
	 * truncates it without a call), rounded to 53 bits: that changes its low ten bits (and
	 * rarely, by a carry, more), the same way in every engine, below the bits a table of up
	 * to 2^22 slots takes. Written without `Math.imul`, whose global load, property load
	 * and call cost `set` and `deleteIfValue` 9 bytes of bytecode each, which V8 counts
	 * against what it inlines (issue 11). Both repeat this expression inline.
	 */
	private home(address: number): number {
		return (((address >>> 0) ^ ((address / 0x100000000) | 0)) * 0x5bd1e995) >>> this.shift
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

	// set and deleteIfValue are the allocation table's hot path: each handles its usual
	// case in a few lines (the hash inline) and leaves the probe loop to a function of its
	// own, because V8 inlines a caller's callees only up to a total bytecode size, and calls
	// what does not fit; a function never called is not inlined and costs none of it (issue 11).

	/**
	 * Sets the value at `address` and returns the one it replaces (`undefined` if none).
	 * The usual case (the home slot is empty and the table has room) is handled here,
	 * everything else by {@link setInRun}.
	 */
	set(address: number, value: V): V | undefined {
		const keys = this.keys
		// home(address), inline.
		const slot = (((address >>> 0) ^ ((address / 0x100000000) | 0)) * 0x5bd1e995) >>> this.shift
		if (keys[slot] !== 0 || this.size >= this.limit) return this.setInRun(address, value)
		keys[slot] = address
		this.values[slot] = value
		this.size++
		return undefined
	}

	/** {@link set} when the home slot is taken or the table must grow first: the probe loop. */
	private setInRun(address: number, value: V): V | undefined {
		if (this.size >= this.limit) this.resize(this.keys.length * 2)
		const keys = this.keys
		const mask = this.mask
		let slot = this.home(address)
		let key: number
		while ((key = keys[slot]!) !== 0) {
			if (key === address) {
				const previous = this.values[slot]!
				this.values[slot] = value
				if (this.replaced !== undefined) this.replaced(previous)
				return previous
			}
			slot = (slot + 1) & mask
		}
		keys[slot] = address
		this.values[slot] = value
		this.size++
		return undefined
	}

	/**
	 * Removes the entry at `address` if its value is `value`; returns whether it did. The
	 * usual case (the entry in its home slot, at the end of its probe run) is handled here,
	 * everything else by {@link deleteInRun}.
	 */
	deleteIfValue(address: number, value: V): boolean {
		const keys = this.keys
		// home(address), inline.
		const slot = (((address >>> 0) ^ ((address / 0x100000000) | 0)) * 0x5bd1e995) >>> this.shift
		if (keys[slot] !== address || keys[(slot + 1) & this.mask] !== 0 || this.values[slot] !== value) return this.deleteInRun(address, value)
		keys[slot] = 0
		this.values[slot] = undefined
		this.size--
		return true
	}

	/** {@link deleteIfValue} past the usual case: the probe loop, and the backward shift. */
	private deleteInRun(address: number, value: V): boolean {
		const keys = this.keys
		const mask = this.mask
		let slot = this.home(address)
		let key: number
		while ((key = keys[slot]!) !== address) {
			if (key === 0) return false
			slot = (slot + 1) & mask
		}
		if (this.values[slot] !== value) return false
		this.removeSlotInRun(slot)
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
		this.limit = capacity >> 1
		this.size = 0
		for (let slot = 0; slot < oldKeys.length; slot++) if (oldKeys[slot] !== 0) this.set(oldKeys[slot]!, oldValues[slot]!)
	}
}
