import { throwFreedError, throwIndexError } from './errors.js'
import type { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'

/**
 * A view of a region of the heap: the region it covers, the manager it reads through,
 * and whether it may still be used. It owns nothing; {@link HeapRef} adds ownership.
 */
export abstract class HeapRegion {
	/** Heap byte offset of the referenced region. */
	readonly address: number
	/** Size of the referenced region, in bytes. */
	readonly allocatedByteSize: number
	/** @internal The manager whose heap the region lives in. */
	protected readonly manager: WasmHeapManager
	/** @internal Set once the region may no longer be used through this ref. */
	protected freed = false
	/**
	 * @internal `address + allocatedByteSize` while live, `Infinity` once freed: the refs'
	 * fast paths compare it with the heap's live length, one comparison for both checks.
	 */
	protected liveEnd: number

	/** @internal Regions are made by the manager, which checks them first. */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number) {
		this.manager = manager
		this.address = address
		this.allocatedByteSize = allocatedByteSize
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

	/** @internal Ends the use of the region through this ref, without freeing anything. */
	protected invalidate(): void {
		this.freed = true
		this.liveEnd = Infinity
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

/**
 * What every reference shares: a region of the heap and its ownership. `free()` gives
 * the region back through the manager (for wrapped refs too: it frees the memory the ref
 * wraps). Generated subclasses add the typed accessors.
 */
export abstract class HeapRef extends HeapRegion {
	/** @internal Whether the manager's allocation table holds this ref. */
	readonly tracked: boolean

	/**
	 * Refs are made by the manager's `alloc*` and `wrap*` methods, which check the
	 * region first; constructing one directly skips those checks.
	 */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean) {
		super(manager, address, allocatedByteSize)
		this.tracked = tracked
	}

	/**
	 * Releases the region through the manager's deallocator (for wrapped refs too: it
	 * frees the memory the ref wraps) and removes the ref from the allocation table.
	 * A second call does nothing.
	 */
	free(): void {
		if (this.freed) return
		this.manager.core.release(this)
		this.invalidate()
	}

	/**
	 * @internal The region was freed by other code and handed out again (the manager saw
	 * a new allocation at this address): mark the ref freed without calling the deallocator.
	 */
	markFreedElsewhere(): void {
		this.invalidate()
	}

	/** Calls `free()`, so that `using ref = heapManager.allocInt32()` frees at the end of the scope. */
	[Symbol.dispose](): void {
		this.free()
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

	/** @internal */
	protected override invalidate(): void {
		super.invalidate()
		this.liveElementCount = 0
	}

	/** @internal Cold path of the index check in `readAt` and its relatives. */
	protected throwIndexOrFreed(member: string, index: unknown): never {
		if (this.freed) this.throwFreed(member)
		throwIndexError(`${this.refName}.${member}`, index, this.elementCount)
	}
}
