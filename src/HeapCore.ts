import { describeValue, throwElementCountError } from './errors.js'
import { zeroBytes } from './HeapAccess.js'
import { HeapStrings } from './HeapStrings.js'
import type { GetLatestHeap } from './HeapAccess.js'
import type { HeapRef } from './HeapRef.js'
import { resolveOptions, type WasmHeapManagerOptions } from './options.js'

export type { GetLatestHeap, HeapBuffer } from './HeapAccess.js'

/**
 * Allocates `byteSize` bytes and returns the region's address, as a `number` (or as a
 * `bigint`, with a {@link Memory64Deallocator}). 0, or anything that is not a positive
 * integer, means failure.
 */
export type Allocator = (byteSize: number) => number | bigint

/** A memory64 (wasm64) `malloc` export: takes its size and returns its address as `bigint`s. */
export type Memory64Allocator = (byteSize: bigint) => bigint

/** Frees the region at a `number` address. */
export type Deallocator = (address: number) => unknown

/** Frees the region at a `bigint` address (a memory64 `free` export). */
export type Memory64Deallocator = (address: bigint) => unknown

type NumberKind = 'unknown' | 'number' | 'bigint'

/**
 * Calls `callback(value)` with `value` as a number, and if that throws a TypeError about
 * BigInt conversion — what an i64 (memory64) export does before running — again as a
 * bigint. Reports which kind worked, so later calls need no probing.
 */
function callProbingKind(
	callback: (value: number | bigint) => unknown,
	value: number,
	learned: (kind: Exclude<NumberKind, 'unknown'>) => void,
): unknown {
	let result: unknown
	try {
		result = callback(value)
	} catch (error) {
		if (!(error instanceof TypeError && /bigint/i.test(error.message))) throw error
		result = callback(BigInt(value))
		learned('bigint')
		return result
	}
	learned('number')
	return result
}

/**
 * The base of the generated manager: construction, allocation and tracking, over the
 * heap access and string checks of its own bases.
 */
export class HeapCore extends HeapStrings {
	/** @internal */
	protected readonly allocator: Allocator | Memory64Allocator
	/** @internal */
	protected readonly deallocator: Deallocator | Memory64Deallocator
	/** @internal */
	protected readonly clearAllocatedRegions: boolean
	/**
	 * @internal Tracked refs by address, or `undefined` when tracking is off. A freed
	 * ref's entry becomes a `null` tombstone rather than being deleted: V8's Map keeps a
	 * deleted entry in its key's chain until it rehashes, so deleting and re-adding the
	 * address a `malloc` hands out again and again made each lookup slower with every
	 * live ref (51 µs per alloc + free with 10,000 live). Tombstones are swept once they
	 * outnumber the live entries.
	 */
	protected trackedRefs: Map<number, HeapRef | null> | undefined
	/** @internal Live entries of `trackedRefs`. */
	protected trackedCount = 0
	/** @internal `null` entries of `trackedRefs`. */
	protected tombstoneCount = 0
	/** @internal */
	protected trackedByteSize = 0
	/** @internal What the allocator returns, learned from its results; `free` is called with the same kind. */
	protected addressKind: NumberKind = 'unknown'
	/** @internal What the allocator takes as its size, learned from its first call. */
	protected sizeKind: NumberKind = 'unknown'

	/**
	 * @param getLatestHeap returns the heap's current `ArrayBuffer` or `SharedArrayBuffer`
	 * @param alloc allocates a region of the given byte size and returns its address
	 * @param free frees a region given its address
	 * @param options see {@link WasmHeapManagerOptions}
	 */
	constructor(getLatestHeap: GetLatestHeap, alloc: Allocator, free: Deallocator, options?: WasmHeapManagerOptions)
	/**
	 * For memory64 modules: an allocator returning `bigint` addresses (taking a `number`
	 * or a `bigint` size) and a deallocator taking them. Refs still use `number` addresses.
	 */
	constructor(
		getLatestHeap: GetLatestHeap,
		alloc: Allocator | Memory64Allocator,
		free: Memory64Deallocator,
		options?: WasmHeapManagerOptions,
	)
	constructor(
		getLatestHeap: GetLatestHeap,
		alloc: Allocator | Memory64Allocator,
		free: Deallocator | Memory64Deallocator,
		options?: WasmHeapManagerOptions,
	) {
		for (const [name, value] of [['getLatestHeap', getLatestHeap], ['alloc', alloc], ['free', free]] as const) {
			if (typeof value !== 'function') {
				throw new TypeError(`${name} must be a function, received ${describeValue(value)}`)
			}
		}

		const resolved = resolveOptions(options)
		super(getLatestHeap, resolved.pollingMode)
		this.allocator = alloc
		this.deallocator = free
		this.clearAllocatedRegions = resolved.clearAllocatedRegions
		this.trackedRefs = resolved.trackAllocations ? new Map() : undefined
	}

	// ---- allocation ------------------------------------------------------------

	/**
	 * @internal Values to copy into a new array, made safe to read after allocating: a
	 * typed array over the heap itself is copied first, because an allocation that grows
	 * a non-shared memory detaches its buffer.
	 */
	protected valuesSafeFromGrowth<T>(values: T): T {
		if (ArrayBuffer.isView(values) && values.buffer === this.views.buffer) {
			return (values as unknown as { slice(): T }).slice()
		}
		return values
	}

	/** @internal The element count of an `alloc*Array` argument: a count, or an array-like of values. */
	protected elementCountOf(countOrValues: unknown, method: string): number {
		if (typeof countOrValues === 'number') {
			if (!(Number.isSafeInteger(countOrValues) && countOrValues >= 0)) throwElementCountError(method, countOrValues)
			return countOrValues
		}
		if (typeof countOrValues === 'object' && countOrValues !== null && typeof (countOrValues as ArrayLike<unknown>).length === 'number') {
			const length = (countOrValues as ArrayLike<unknown>).length
			if (!(Number.isSafeInteger(length) && length >= 0)) throwElementCountError(method, length)
			return length
		}
		throw new TypeError(
			`${method}: expected an element count or an array-like of values, received ${describeValue(countOrValues)}`,
		)
	}

	/**
	 * @internal Allocates `byteSize` bytes aligned to `alignment`, checks the result,
	 * zeroes it if configured, and returns its address. On any failure nothing stays
	 * allocated and an `Error` names the size requested.
	 */
	protected allocateRegion(byteSize: number, alignment: number, method: string): number {
		// Ask for at least one byte, so a zero-length array still gets a unique, non-null address.
		const size = byteSize === 0 ? 1 : byteSize
		const allocator = this.allocator as (byteSize: number | bigint) => unknown
		const result: unknown =
			this.sizeKind === 'number'
				? allocator(size)
				: this.sizeKind === 'bigint'
					? allocator(BigInt(size))
					: callProbingKind(allocator, size, (kind) => (this.sizeKind = kind))
		let address: number

		if (typeof result === 'number') {
			address = result
			if (this.addressKind === 'unknown') this.addressKind = 'number'
		} else if (typeof result === 'bigint') {
			address = Number(result)
			if (this.addressKind === 'unknown') this.addressKind = 'bigint'
			// A bigint that does not convert exactly is above 2^53 and fails the check below.
		} else {
			throw new Error(
				`${method}: allocating ${byteSize} bytes failed: the allocator returned ${describeValue(result)} instead of an address`,
			)
		}

		if (!(Number.isSafeInteger(address) && address > 0)) {
			throw new Error(
				`${method}: allocating ${byteSize} bytes failed: the allocator returned ${describeValue(result)}`,
			)
		}

		if (address % alignment !== 0) {
			this.deallocate(address)
			throw new Error(
				`${method}: allocating ${byteSize} bytes failed: the allocator returned address ${address}, ` +
					`which is not aligned to the ${alignment} bytes this type needs`,
			)
		}

		// One comparison when the region lies in the live whole-heap view (the usual case);
		// otherwise the full check, which polls for a heap the allocation grew.
		if (!(address + byteSize <= this.fast.uint8Array.length)) {
			try {
				this.checkRegion(address, byteSize, method)
			} catch (error) {
				this.deallocate(address)
				throw new Error(
					`${method}: allocating ${byteSize} bytes failed: the allocator returned address ${address}, ` +
						`but the region does not fit in the heap of ${this.views.buffer.byteLength} bytes`,
					{ cause: error },
				)
			}
		}
		if (this.clearAllocatedRegions) zeroBytes(this.views, address, byteSize)
		return address
	}

	/** @internal Records a freshly allocated ref in the allocation table, if tracking is on. */
	protected track<R extends HeapRef>(ref: R): R {
		const table = this.trackedRefs
		if (table !== undefined) {
			// A live entry at the same address means C code freed that region behind the
			// manager's back and the allocator handed it out again: the old ref is stale.
			// It is marked freed, so that its free() cannot free the new ref's region.
			const previous = table.get(ref.address)
			if (previous === null) {
				this.tombstoneCount--
			} else if (previous !== undefined) {
				this.trackedByteSize -= previous.allocatedByteSize
				this.trackedCount--
				previous.markFreedElsewhere()
			}
			table.set(ref.address, ref)
			this.trackedCount++
			this.trackedByteSize += ref.allocatedByteSize
		}
		return ref
	}

	/** @internal Calls the deallocator with the kind of address the allocator uses. */
	protected deallocate(address: number): void {
		const deallocator = this.deallocator as (address: number | bigint) => unknown
		if (this.addressKind === 'bigint') {
			deallocator(BigInt(address))
		} else if (this.addressKind === 'number') {
			deallocator(address)
		} else {
			// Nothing was allocated yet (a wrapped ref freed first): probe as the allocator does.
			callProbingKind(deallocator, address, (kind) => (this.addressKind = kind))
		}
	}

	/** @internal Called by `HeapRef.free()`: frees the region and forgets the ref. */
	releaseRef(ref: HeapRef): void {
		this.deallocate(ref.address)
		const table = this.trackedRefs
		if (ref.tracked && table !== undefined && table.get(ref.address) === ref) {
			table.set(ref.address, null)
			this.trackedCount--
			this.tombstoneCount++
			this.trackedByteSize -= ref.allocatedByteSize
			if (this.tombstoneCount > 1024 && this.tombstoneCount > this.trackedCount) this.sweepTombstones(table)
		}
	}

	/** @internal Rebuilds the allocation table without its tombstones. */
	protected sweepTombstones(table: Map<number, HeapRef | null>): void {
		const swept = new Map<number, HeapRef | null>()
		for (const [address, ref] of table) if (ref !== null) swept.set(address, ref)
		this.trackedRefs = swept
		this.tombstoneCount = 0
	}

	// ---- tracking --------------------------------------------------------------

	/** @internal */
	protected requireTracking(member: string): Map<number, HeapRef | null> {
		if (this.trackedRefs === undefined) {
			throw new Error(`${member} needs allocation tracking, which this manager was created without (trackAllocations: false)`)
		}
		return this.trackedRefs
	}

	/** The live refs allocated through this manager (a new array each time). Needs `trackAllocations`. */
	get allocatedRefs(): HeapRef[] {
		const refs: HeapRef[] = []
		for (const ref of this.requireTracking('allocatedRefs').values()) if (ref !== null) refs.push(ref)
		return refs
	}

	/** The sum of `allocatedByteSize` over the live allocated refs. Needs `trackAllocations`. */
	get totalAllocatedByteSize(): number {
		this.requireTracking('totalAllocatedByteSize')
		return this.trackedByteSize
	}

	/**
	 * Frees the live ref allocated through this manager at `address` (found in O(1)),
	 * marking it freed. Needs `trackAllocations`. An address with no live allocated ref
	 * throws `RangeError` and frees nothing.
	 */
	free(address: number): void {
		const ref = this.requireTracking('free').get(address)
		if (ref === undefined || ref === null) {
			throw new RangeError(
				`free: no live ref allocated through this manager starts at address ${describeValue(address)}`,
			)
		}
		ref.free()
	}

	/** Frees every live ref allocated through this manager. Needs `trackAllocations`. */
	freeAll(): void {
		this.requireTracking('freeAll')
		for (const ref of this.allocatedRefs) ref.free()
	}
}
