import { HeapViews } from '../generated/HeapViews.generated.js'
import type { TypedArrayConstructorLike } from './cappedView.js'
import { describeValue, throwAddressError, throwAlignmentError, throwElementCountError } from './errors.js'
import type { HeapRef } from './HeapRef.js'
import { resolveOptions, type PollingMode, type WasmHeapManagerOptions } from './options.js'

/** The buffer types a heap may be. */
export type HeapBuffer = ArrayBuffer | SharedArrayBuffer

/** Returns the heap's current buffer; called again whenever the manager polls. */
export type GetLatestHeap = () => HeapBuffer

/**
 * Allocates `byteSize` bytes and returns the region's address: a `number`, or a
 * `bigint` for memory64 modules. 0 (or anything that is not a positive integer)
 * means failure.
 */
export type Allocator = (byteSize: number) => number | bigint

/** Frees a region; receives the same kind of address (`number` or `bigint`) the allocator returned. */
export type Deallocator = ((address: number) => unknown) | ((address: bigint) => unknown)

// A heap of 0 bytes: in 'always' mode the fast path reads its views, fails its one
// comparison and takes the cold path, which polls. No mode check on the hot path.
const emptyViews = new HeapViews(new ArrayBuffer(0))

function isHeapBuffer(value: unknown): value is HeapBuffer {
	// `instanceof SharedArrayBuffer` is guarded: that global is missing on pages that
	// are not cross-origin isolated.
	return (
		value instanceof ArrayBuffer ||
		(typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)
	)
}

/**
 * The hand-written core under the generated accessors: the heap buffer and its
 * views, polling, the cold paths of every bounds check, allocation and tracking.
 */
export class HeapCore {
	/** @internal Views of the current heap buffer. */
	protected views: HeapViews
	/**
	 * @internal The views the hot paths (the manager's and the refs') check against:
	 * `views`, or empty ones in `'always'` mode.
	 */
	fast: HeapViews
	/** @internal */
	protected readonly getLatestHeap: GetLatestHeap
	/** @internal */
	protected readonly allocator: Allocator
	/** @internal */
	protected readonly deallocator: Deallocator
	/** @internal */
	protected readonly pollingMode: PollingMode
	/** @internal */
	protected readonly clearAllocatedRegions: boolean
	/** @internal Live tracked refs by address, or `undefined` when tracking is off. */
	protected readonly trackedRefs: Map<number, HeapRef> | undefined
	/** @internal */
	protected trackedByteSize = 0
	/** @internal What the allocator returns, learned from its results; `free` is called with the same kind. */
	protected addressKind: 'unknown' | 'number' | 'bigint' = 'unknown'

	/**
	 * @param getLatestHeap returns the heap's current `ArrayBuffer` or `SharedArrayBuffer`
	 * @param alloc allocates a region of the given byte size and returns its address
	 * @param free frees a region given its address
	 * @param options see {@link WasmHeapManagerOptions}
	 */
	constructor(getLatestHeap: GetLatestHeap, alloc: Allocator, free: Deallocator, options?: WasmHeapManagerOptions) {
		for (const [name, value] of [['getLatestHeap', getLatestHeap], ['alloc', alloc], ['free', free]] as const) {
			if (typeof value !== 'function') {
				throw new TypeError(`${name} must be a function, received ${describeValue(value)}`)
			}
		}

		const resolved = resolveOptions(options)
		this.getLatestHeap = getLatestHeap
		this.allocator = alloc
		this.deallocator = free
		this.pollingMode = resolved.pollingMode
		this.clearAllocatedRegions = resolved.clearAllocatedRegions
		this.trackedRefs = resolved.trackAllocations ? new Map() : undefined
		this.views = new HeapViews(this.fetchHeap())
		this.fast = this.pollingMode === 'always' ? emptyViews : this.views
	}

	/** The heap's current buffer (polled first unless `pollingMode` is `'never'`). */
	get heap(): HeapBuffer {
		if (this.pollingMode !== 'never') this.pollHeap()
		return this.views.buffer
	}

	// ---- polling ---------------------------------------------------------------

	/** @internal Calls `getLatestHeap()` and checks what it returned. */
	protected fetchHeap(): HeapBuffer {
		const buffer: unknown = this.getLatestHeap()
		if (!isHeapBuffer(buffer)) {
			const hint =
				typeof WebAssembly !== 'undefined' && buffer instanceof WebAssembly.Memory
					? ' (it returned a WebAssembly.Memory: return memory.buffer instead)'
					: ''
			throw new TypeError(
				`getLatestHeap must return an ArrayBuffer or SharedArrayBuffer, received ${describeValue(buffer)}${hint}`,
			)
		}
		return buffer
	}

	/** @internal The one place that replaces the cached views, when the buffer's identity changed. */
	protected pollHeap(): void {
		const latest = this.fetchHeap()
		if (latest !== this.views.buffer) {
			this.views = new HeapViews(latest)
			if (this.pollingMode !== 'always') this.fast = this.views
		}
	}

	/**
	 * @internal Ensures `[address, address + byteSize)` lies in the current heap,
	 * polling as the mode says, or throws. Returns the views to use.
	 */
	protected checkRegion(address: number, byteSize: number, method: string): HeapViews {
		if (!(typeof address === 'number' && Number.isInteger(address) && address >= 0)) {
			throwAddressError(method, address, byteSize, this.views.buffer.byteLength)
		}

		if (this.pollingMode === 'always') {
			this.pollHeap()
		} else if (address + byteSize > this.views.buffer.byteLength && this.pollingMode === 'whenEmpty') {
			// Out of range of the cached buffer, or it was detached (length 0): a grown
			// memory may have replaced it. Growth of a shared memory is seen only here.
			this.pollHeap()
		}

		const heapByteLength = this.views.buffer.byteLength
		if (address + byteSize > heapByteLength) throwAddressError(method, address, byteSize, heapByteLength)
		return this.views
	}

	/** @internal Cold path of plain reads and writes: the DataView to use once the access is known to be valid. */
	protected accessView(address: number, byteSize: number, method: string): DataView {
		return this.checkRegion(address, byteSize, method).dataView
	}

	/**
	 * @internal Cold path of atomic accesses: checks range and alignment and returns a
	 * one-element window over the address (index 0), which also serves addresses above
	 * an engine's typed-array length cap.
	 */
	protected atomicWindow<T>(
		Constructor: TypedArrayConstructorLike<T>,
		address: number,
		byteSize: number,
		method: string,
	): T {
		const views = this.checkRegion(address, byteSize, method)
		if (address % byteSize !== 0) throwAlignmentError(method, address, byteSize, views.buffer.byteLength)
		return new Constructor(views.buffer, address, 1)
	}

	/**
	 * @internal Checks a region for a view or a wrapped array (range and natural
	 * alignment) and returns the buffer to view.
	 */
	protected alignedRegion(address: number, byteSize: number, alignment: number, method: string): HeapBuffer {
		const views = this.checkRegion(address, byteSize, method)
		if (address % alignment !== 0) throwAlignmentError(method, address, alignment, views.buffer.byteLength)
		return views.buffer
	}

	/** @internal Checks the target of a `wrap*` call: not null, in range and (for arrays) aligned. */
	protected wrapRegion(address: number, byteSize: number, alignment: number, method: string): void {
		if (address === 0) {
			throw new RangeError(`${method}: address 0 is a null pointer and cannot be wrapped`)
		}
		this.alignedRegion(address, byteSize, alignment, method)
	}

	/** @internal A `Uint8Array` over a checked region. */
	bytesView(address: number, byteSize: number, method: string): Uint8Array {
		const views = this.checkRegion(address, byteSize, method)
		return new Uint8Array(views.buffer, address, byteSize)
	}

	/** @internal Sets a checked region to zeros. */
	zeroRegion(address: number, byteSize: number, method: string): void {
		const views = this.checkRegion(address, byteSize, method)
		if (byteSize <= 16) {
			// A few byte stores beat creating a view and calling fill().
			const dataView = views.dataView
			for (let offset = 0; offset < byteSize; offset++) dataView.setUint8(address + offset, 0)
		} else if (address + byteSize <= views.uint8Array.length) {
			views.uint8Array.fill(0, address, address + byteSize)
		} else {
			new Uint8Array(views.buffer, address, byteSize).fill(0)
		}
	}

	// ---- allocation ------------------------------------------------------------

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
		const result: unknown = this.allocator(byteSize === 0 ? 1 : byteSize)
		let address: number

		if (typeof result === 'number') {
			address = result
			if (this.addressKind === 'unknown') this.addressKind = 'number'
		} else if (typeof result === 'bigint') {
			address = Number(result)
			if (this.addressKind === 'unknown') this.addressKind = 'bigint'
			if (BigInt(address) !== result) address = -1
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

		if (this.clearAllocatedRegions && byteSize > 0) this.zeroRegion(address, byteSize, method)
		return address
	}

	/** @internal Records a freshly allocated ref in the allocation table, if tracking is on. */
	protected track<R extends HeapRef>(ref: R): R {
		const table = this.trackedRefs
		if (table !== undefined) {
			// A live entry at the same address means C code freed that region behind the
			// manager's back and the allocator handed it out again: the old entry is stale.
			const stale = table.get(ref.address)
			if (stale !== undefined) this.trackedByteSize -= stale.allocatedByteSize
			table.set(ref.address, ref)
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
			// Nothing was allocated yet (a wrapped ref freed first). A memory64 export
			// rejects a number with a TypeError before running; retry as a bigint then.
			try {
				deallocator(address)
			} catch (error) {
				if (!(error instanceof TypeError)) throw error
				deallocator(BigInt(address))
				this.addressKind = 'bigint'
			}
		}
	}

	/** @internal Called by `HeapRef.free()`: frees the region and forgets the ref. */
	releaseRef(ref: HeapRef): void {
		this.deallocate(ref.address)
		const table = this.trackedRefs
		if (ref.tracked && table !== undefined && table.get(ref.address) === ref) {
			table.delete(ref.address)
			this.trackedByteSize -= ref.allocatedByteSize
		}
	}

	// ---- tracking --------------------------------------------------------------

	/** @internal */
	protected requireTracking(member: string): Map<number, HeapRef> {
		if (this.trackedRefs === undefined) {
			throw new Error(`${member} needs allocation tracking, which this manager was created without (trackAllocations: false)`)
		}
		return this.trackedRefs
	}

	/** The live refs allocated through this manager (a new array each time). Needs `trackAllocations`. */
	get allocatedRefs(): HeapRef[] {
		return Array.from(this.requireTracking('allocatedRefs').values())
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
		if (ref === undefined) {
			throw new RangeError(
				`free: no live ref allocated through this manager starts at address ${describeValue(address)}`,
			)
		}
		ref.free()
	}

	/** Frees every live ref allocated through this manager. Needs `trackAllocations`. */
	freeAll(): void {
		for (const ref of Array.from(this.requireTracking('freeAll').values())) ref.free()
	}
}
