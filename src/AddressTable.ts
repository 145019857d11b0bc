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
	 * The home slot of `address`: Fibonacci hashing of its low 32 bits (`Math.imul` takes
	 * them). Addresses that differ by a multiple of 2^32 share a home slot and probe on
	 * from it: only in a memory over 4 GiB, and at most one address per 4 GiB of it. (A
	 * hash of both halves, `(address >>> 0) ^ ((address / 0x100000000) | 0)`, put an
	 * int-to-double conversion, a division and a truncation with an overflow check on
	 * every insert of a 32-bit address, and 9 bytes of bytecode of the ~900 V8 inlines
	 * into an `allocInt32()` + `free()` loop: issue 11.)
	 */
	private home(address: number): number {
		return Math.imul(address, 0x9e3779b1) >>> this.shift
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

	// add and deleteAt are the allocation table's hot path: each is a few lines (add hashes
	// and probes inline, deleteAt goes to the slot add returned) and leaves what is rare to
	// a function of its own (growing,
	// replacing, moving entries back, a stale slot), because V8 inlines a caller's callees
	// only up to a total bytecode size, and calls what does not fit; a function never called
	// is not inlined and costs none of it (issue 11). The probe stays inline: with many live
	// refs an address's home slot is often taken. (Math.imul stays too: a hash by double
	// multiplication, 9 bytes shorter, made free(address) of a temporary 20% slower in the
	// tracking suite.)

	/**
	 * Sets the value at `address` (replacing one there, which goes to the `replaced` hook)
	 * and returns the slot it is now in: a hint for {@link deleteAt}, good until an entry
	 * moves (a removal before it in its probe run, or growth).
	 */
	add(address: number, value: V): number {
		const keys = this.keys
		const mask = this.mask
		// home(address), inline.
		let slot = Math.imul(address, 0x9e3779b1) >>> this.shift
		let key: number
		while ((key = keys[slot]!) !== 0) {
			if (key === address) return this.replaceAt(slot, value)
			slot = (slot + 1) & mask
		}
		if (this.size >= this.limit) return this.addAfterGrowing(address, value)
		keys[slot] = address
		this.values[slot] = value
		this.size++
		return slot
	}

	/** {@link add} of an address the table holds: the new value replaces the old one, which goes to the hook. */
	private replaceAt(slot: number, value: V): number {
		const previous = this.values[slot]!
		this.values[slot] = value
		if (this.replaced !== undefined) this.replaced(previous)
		return slot
	}

	/** {@link add} into a table at its limit: grows it first. */
	private addAfterGrowing(address: number, value: V): number {
		this.resize(this.keys.length * 2)
		return this.add(address, value)
	}

	/** Sets the value at `address` and returns the one it replaces (`undefined` if none). */
	set(address: number, value: V): V | undefined {
		const previous = this.get(address)
		this.add(address, value)
		return previous
	}

	/**
	 * Removes the entry at `address` if its value is `value`, given the slot {@link add}
	 * returned for it; returns whether it did. A slot that no longer holds the entry (it
	 * moved since) is no error: the entry is looked up as {@link deleteIfValue} does. A
	 * slot holding `value` holds the entry at `address`, since a value is at one address
	 * at most: only the value is compared.
	 */
	deleteAt(slot: number, address: number, value: V): boolean {
		const keys = this.keys
		if (this.values[slot] !== value) return this.deleteIfValue(address, value)
		if (keys[(slot + 1) & this.mask] !== 0) return this.removeSlotInRun(slot)
		// The end of its probe run (the usual case): nothing to move back.
		keys[slot] = 0
		this.values[slot] = undefined
		this.size--
		return true
	}

	/** Removes the entry at `address` if its value is `value`; returns whether it did. */
	deleteIfValue(address: number, value: V): boolean {
		const slot = this.slotOf(address)
		if (slot === -1 || this.values[slot] !== value) return false
		return this.deleteAt(slot, address, value)
	}

	/**
	 * Empties `slot`, an entry that others follow in its probe run, then moves later
	 * entries of the run back into the gap when their home slot does not lie (cyclically)
	 * between the gap and where they are.
	 */
	private removeSlotInRun(slot: number): true {
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
		return true
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
		for (let slot = 0; slot < oldKeys.length; slot++) if (oldKeys[slot] !== 0) this.add(oldKeys[slot]!, oldValues[slot]!)
	}
}
