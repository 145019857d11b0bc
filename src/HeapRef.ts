import { throwFreedError, throwIndexError } from './errors.js'
import type { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'

/**
 * What every reference shares: the region it covers, the manager it reads through,
 * and its lifetime. Generated subclasses add the typed accessors.
 */
export abstract class HeapRef {
	/** Heap byte offset of the referenced region. */
	readonly address: number
	/** Size of the referenced region, in bytes. */
	readonly allocatedByteSize: number
	/** @internal The manager whose heap the region lives in. */
	protected readonly manager: WasmHeapManager
	/** @internal Set once `free()` has released the region. */
	protected freed = false
	/** @internal Whether the manager's allocation table holds this ref. */
	readonly tracked: boolean
	/**
	 * @internal `address + allocatedByteSize` while live, `Infinity` once freed: the refs'
	 * fast paths compare it with the heap's live length, one comparison for both checks.
	 */
	protected liveEnd: number

	/**
	 * Refs are made by the manager's `alloc*` and `wrap*` methods, which check the
	 * region first; constructing one directly skips those checks.
	 */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean) {
		this.manager = manager
		this.address = address
		this.allocatedByteSize = allocatedByteSize
		this.tracked = tracked
		this.liveEnd = address + allocatedByteSize
	}

	/** @internal The class name used in error messages (kept as data so minifiers cannot rename it). */
	protected abstract get refName(): string

	/**
	 * Whether `free()` was called on this ref (or on the manager for its address).
	 * A region freed by other code (for example by C calling `free`) is not noticed.
	 */
	get isFreed(): boolean {
		return this.freed
	}

	/** A `Uint8Array` over the whole referenced region, valid until the heap is next replaced. */
	get allocatedBytesView(): Uint8Array {
		if (this.freed) this.throwFreed('allocatedBytesView')
		return this.manager.bytesView(this.address, this.allocatedByteSize, `${this.refName}.allocatedBytesView`)
	}

	/** Sets every byte of the referenced region to 0. */
	clear(): void {
		if (this.freed) this.throwFreed('clear')
		this.manager.zeroRegion(this.address, this.allocatedByteSize, `${this.refName}.clear`)
	}

	/**
	 * Releases the region through the manager's deallocator (for wrapped refs too: it
	 * frees the memory the ref wraps) and removes the ref from the allocation table.
	 * A second call does nothing.
	 */
	free(): void {
		if (this.freed) return
		this.manager.releaseRef(this)
		this.freed = true
		this.liveEnd = Infinity
	}

	/**
	 * @internal The region was freed by other code and handed out again (the manager saw
	 * a new allocation at this address): mark the ref freed without calling the deallocator.
	 */
	markFreedElsewhere(): void {
		this.freed = true
		this.liveEnd = Infinity
	}

	/** Calls `free()`, so that `using ref = heapManager.allocInt32()` frees at the end of the scope. */
	[Symbol.dispose](): void {
		this.free()
	}

	/** @internal Cold path of the refs' fast paths: the address, or the freed error. */
	protected liveAddress(member: string): number {
		if (this.freed) this.throwFreed(member)
		return this.address
	}

	/** @internal */
	protected throwFreed(member: string): never {
		throwFreedError(this.refName, member, this.address)
	}
}

/** What every array reference shares: an element count and index checking. */
export abstract class ArrayHeapRef extends HeapRef {
	/** Number of elements in the array. */
	readonly elementCount: number
	/** @internal `elementCount` while the ref is live, 0 once freed: one comparison checks both. */
	protected liveElementCount: number

	/** Array refs are made by the manager's `alloc*Array` and `wrap*Array` methods; see {@link HeapRef}'s constructor. */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean, elementCount: number) {
		super(manager, address, allocatedByteSize, tracked)
		this.elementCount = elementCount
		this.liveElementCount = elementCount
	}

	/** {@inheritDoc HeapRef.free} */
	override free(): void {
		super.free()
		if (this.freed) this.liveElementCount = 0
	}

	/** @internal */
	override markFreedElsewhere(): void {
		super.markFreedElsewhere()
		this.liveElementCount = 0
	}

	/** @internal Cold path of the index check in `readAt` and its relatives. */
	protected throwIndexOrFreed(member: string, index: unknown): never {
		if (this.freed) this.throwFreed(member)
		throwIndexError(`${this.refName}.${member}`, index, this.elementCount)
	}
}
