import type { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { TypedArrayConstructorLike } from './cappedView.js'
import { describeValue, throwElementCountError } from './errors.js'
import { zeroBytes, type HeapAccess } from './HeapAccess.js'
import type { HeapRef } from './HeapRef.js'
import type { ResolvedOptions } from './options.js'

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

/** The constructor of a generated value or string ref class. */
export type RefConstructor<R> = new (manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean) => R

/** The constructor of a generated array ref class. */
export type ArrayRefConstructor<R> = new (
	manager: WasmHeapManager,
	address: number,
	allocatedByteSize: number,
	tracked: boolean,
	elementCount: number,
) => R

/** Converts one array value to what it is stored as, throwing (naming `method`) for a bad one. */
export type StageConversion = (value: never, method: string) => number | bigint

/**
 * Allocation and tracking, for one manager: calls the allocator and deallocator,
 * checks what they return, zeroes new regions, and keeps the table of live refs. The
 * generated `alloc*`/`wrap*` methods are one-line delegations to it.
 */
export class HeapCore {
	/** The manager whose heap this allocates in. */
	private readonly access: HeapAccess
	private readonly allocator: Allocator | Memory64Allocator
	private readonly deallocator: Deallocator | Memory64Deallocator
	private readonly clearAllocatedRegions: boolean
	/**
	 * Tracked refs by address, or `undefined` when tracking is off. A freed ref's entry
	 * becomes a `null` tombstone rather than being deleted: V8's Map keeps a deleted entry
	 * in its key's chain until it rehashes, so deleting and re-adding the address a
	 * `malloc` hands out again and again made each lookup slower with every live ref
	 * (51 µs per alloc + free with 10,000 live). Tombstones are swept once they outnumber
	 * the live entries.
	 */
	private trackedRefs: Map<number, HeapRef | null> | undefined
	/** Live entries of `trackedRefs`. */
	private trackedCount = 0
	/** `null` entries of `trackedRefs`. */
	private tombstoneCount = 0
	private trackedByteSize = 0
	/** What the allocator returns, learned from its results; `free` is called with the same kind. */
	private addressKind: NumberKind = 'unknown'
	/** What the allocator takes as its size, learned from its first call. */
	private sizeKind: NumberKind = 'unknown'
	/** Whether new refs are tracked. */
	readonly tracking: boolean

	constructor(
		access: HeapAccess,
		alloc: Allocator | Memory64Allocator,
		free: Deallocator | Memory64Deallocator,
		options: ResolvedOptions,
	) {
		this.access = access
		this.allocator = alloc
		this.deallocator = free
		this.clearAllocatedRegions = options.clearAllocatedRegions
		this.tracking = options.trackAllocations
		this.trackedRefs = options.trackAllocations ? new Map() : undefined
	}

	// ---- the generated methods' bodies ---------------------------------------------

	/** `alloc<T>()`: allocates, zeroes and tracks one element. */
	allocValue<R extends HeapRef>(Ref: RefConstructor<R>, byteSize: number, alignment: number, method: string): R {
		const address = this.allocateRegion(byteSize, alignment, method)
		return this.track(new Ref(this.access as WasmHeapManager, address, byteSize, this.tracking))
	}

	/**
	 * `alloc<T>Array(countOrValues)`: the values are converted into a staging array of
	 * `Staging` first (through `stage` when the row needs more than the typed array's
	 * own conversion), so a bad value throws before anything is allocated, and a source
	 * view over a heap that the allocation grows and detaches has already been read.
	 */
	allocArray<R extends HeapRef>(
		Ref: ArrayRefConstructor<R>,
		Staging: TypedArrayConstructorLike<ArrayLike<number | bigint> & { set(values: ArrayLike<number | bigint>): void }> & {
			new (length: number): ArrayLike<number | bigint> & { [index: number]: number | bigint }
			new (values: ArrayLike<unknown>): ArrayLike<number | bigint>
		},
		stage: StageConversion | undefined,
		byteSize: number,
		alignment: number,
		method: string,
		countOrValues: unknown,
	): R {
		const elementCount = this.elementCountOf(countOrValues, method)
		let staged: ArrayLike<number | bigint> | undefined
		if (typeof countOrValues !== 'number') {
			const values = countOrValues as ArrayLike<unknown>
			try {
				if (stage === undefined) {
					staged = new Staging(values)
				} else {
					const converted = new Staging(elementCount)
					for (let index = 0; index < elementCount; index++) converted[index] = stage(values[index] as never, method)
					staged = converted
				}
			} catch (error) {
				if (error instanceof TypeError && !error.message.startsWith(`${method}:`)) {
					throw new TypeError(`${method}: ${error.message}`, { cause: error })
				}
				throw error
			}
		}
		const address = this.allocateRegion(elementCount * byteSize, alignment, method)
		if (staged !== undefined && elementCount > 0) new Staging(this.access.views.buffer, address, elementCount).set(staged)
		return this.track(new Ref(this.access as WasmHeapManager, address, elementCount * byteSize, this.tracking, elementCount))
	}

	/** `wrap<T>(address)`: a ref over one existing element (any alignment). */
	wrapValue<R extends HeapRef>(Ref: RefConstructor<R>, byteSize: number, method: string, address: number): R {
		this.access.wrapRegion(address, byteSize, 1, method)
		return new Ref(this.access as WasmHeapManager, address, byteSize, false)
	}

	/** `wrap<T>Array(address, count)`: a ref over an existing, aligned array. */
	wrapArray<R extends HeapRef>(
		Ref: ArrayRefConstructor<R>,
		byteSize: number,
		alignment: number,
		method: string,
		address: number,
		elementCount: number,
	): R {
		if (!(Number.isSafeInteger(elementCount) && elementCount >= 0)) throwElementCountError(method, elementCount)
		this.access.wrapRegion(address, elementCount * byteSize, alignment, method)
		return new Ref(this.access as WasmHeapManager, address, elementCount * byteSize, false, elementCount)
	}

	// ---- allocation ------------------------------------------------------------

	/** The element count of an `alloc*Array` argument: a count, or an array-like of values. */
	elementCountOf(countOrValues: unknown, method: string): number {
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
	 * Allocates `byteSize` bytes aligned to `alignment`, checks the result, zeroes it if
	 * configured, and returns its address. On any failure nothing stays allocated and an
	 * `Error` names the size requested.
	 */
	allocateRegion(byteSize: number, alignment: number, method: string): number {
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
			throw new Error(`${method}: allocating ${byteSize} bytes failed: the allocator returned ${describeValue(result)}`)
		}

		if (address % alignment !== 0) {
			this.giveBack(
				address,
				`${method}: allocating ${byteSize} bytes failed: the allocator returned address ${address}, ` +
					`which is not aligned to the ${alignment} bytes this type needs`,
			)
		}

		// One comparison when the region lies in the live whole-heap view (the usual case);
		// otherwise the full check, which polls for a heap the allocation grew.
		const access = this.access
		if (!(address + byteSize <= access.fast.uint8Array.byteLength)) {
			try {
				access.checkRegion(address, byteSize, method)
			} catch (error) {
				this.giveBack(
					address,
					`${method}: allocating ${byteSize} bytes failed: the allocator returned address ${address}, ` +
						`but the region does not fit in the heap of ${access.views.buffer.byteLength} bytes`,
					error,
				)
			}
		}
		if (this.clearAllocatedRegions) zeroBytes(access.views, address, byteSize)
		return address
	}

	/**
	 * Gives an unusable allocation back and throws the `Error` saying why. When the
	 * deallocator throws too, neither error is lost: the thrown error's `cause` holds the
	 * deallocator's (an `AggregateError` of both when the failure had a cause already).
	 */
	private giveBack(address: number, message: string, cause?: unknown): never {
		try {
			this.deallocate(address)
		} catch (cleanupError) {
			throw new Error(`${message}; giving the region back failed too (the deallocator threw)`, {
				cause: cause === undefined ? cleanupError : new AggregateError([cause, cleanupError], 'both errors'),
			})
		}
		throw new Error(message, cause === undefined ? undefined : { cause })
	}

	/** Records a freshly allocated ref in the allocation table, if tracking is on. */
	track<R extends HeapRef>(ref: R): R {
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

	/** Calls the deallocator with the kind of address the allocator uses. */
	deallocate(address: number): void {
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

	/** Called by `HeapRef.free()`: frees the region and forgets the ref. */
	release(ref: HeapRef): void {
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

	/** Rebuilds the allocation table without its tombstones. */
	private sweepTombstones(table: Map<number, HeapRef | null>): void {
		const swept = new Map<number, HeapRef | null>()
		for (const [address, ref] of table) if (ref !== null) swept.set(address, ref)
		this.trackedRefs = swept
		this.tombstoneCount = 0
	}

	// ---- tracking --------------------------------------------------------------

	private requireTracking(member: string): Map<number, HeapRef | null> {
		if (this.trackedRefs === undefined) {
			throw new Error(`${member} needs allocation tracking, which this manager was created without (trackAllocations: false)`)
		}
		return this.trackedRefs
	}

	/** The live tracked refs (a new array). */
	allocatedRefs(member: string): HeapRef[] {
		const refs: HeapRef[] = []
		for (const ref of this.requireTracking(member).values()) if (ref !== null) refs.push(ref)
		return refs
	}

	/** The sum of the live tracked refs' sizes. */
	totalByteSize(member: string): number {
		this.requireTracking(member)
		return this.trackedByteSize
	}

	/** Frees the live tracked ref at `address`, or throws `RangeError` and frees nothing. */
	freeAddress(address: number, member: string): void {
		const ref = this.requireTracking(member).get(address)
		if (ref === undefined || ref === null) {
			throw new RangeError(`${member}: no live ref allocated through this manager starts at address ${describeValue(address)}`)
		}
		ref.free()
	}
}
