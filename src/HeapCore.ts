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

// A heap of 0 bytes: in 'always' mode the fast path reads its views, fails its one
// comparison and takes the cold path, which polls. No mode check on the hot path.
const emptyViews = new HeapViews(new ArrayBuffer(0))

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

function isHeapBuffer(value: unknown): value is HeapBuffer {
	// A shared buffer is recognised by its tag: on pages that are not cross-origin
	// isolated the SharedArrayBuffer global is missing, yet Chromium still creates
	// shared WebAssembly memories, whose buffers are SharedArrayBuffers.
	return (
		value instanceof ArrayBuffer ||
		(typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object SharedArrayBuffer]')
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
	protected readonly allocator: Allocator | Memory64Allocator
	/** @internal */
	protected readonly deallocator: Deallocator | Memory64Deallocator
	/** @internal */
	protected readonly pollingMode: PollingMode
	/** @internal */
	protected readonly clearAllocatedRegions: boolean
	/** @internal Live tracked refs by address, or `undefined` when tracking is off. */
	protected readonly trackedRefs: Map<number, HeapRef> | undefined
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
		} else if (this.pollingMode === 'whenEmpty') {
			// Out of range of the cached buffer, or it was detached (length 0; checked apart
			// so that a zero-size access at 0 sees it too): a grown memory may have replaced
			// it. Growth of a shared memory is seen only here.
			const cachedByteLength = this.views.buffer.byteLength
			if (address + byteSize > cachedByteLength || cachedByteLength === 0) this.pollHeap()
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

	// ---- strings ---------------------------------------------------------------

	/** @internal Checks a string's address: a non-negative integer aligned to its element size. */
	protected checkStringAddress(address: number, bytesPerElement: number, method: string): void {
		if (!(typeof address === 'number' && Number.isInteger(address) && address >= 0)) {
			throwAddressError(method, address, bytesPerElement, this.views.buffer.byteLength)
		}
		if (address % bytesPerElement !== 0) {
			throwAlignmentError(method, address, bytesPerElement, this.views.buffer.byteLength)
		}
	}

	/** @internal Polls as the mode says before a string access that starts at `address`. */
	protected pollForString(address: number, bytesPerElement: number): void {
		if (this.pollingMode === 'always') {
			this.pollHeap()
		} else if (this.pollingMode === 'whenEmpty') {
			const cachedByteLength = this.views.buffer.byteLength
			if (address + bytesPerElement > cachedByteLength || cachedByteLength === 0) this.pollHeap()
		}
	}

	/**
	 * @internal Validates a string read and returns how many elements it may scan for the
	 * terminator: `maxElementCount`, or up to the heap's end, whichever is smaller.
	 */
	protected stringScanLimit(
		address: number,
		bytesPerElement: number,
		maxElementCount: number | undefined,
		method: string,
	): number {
		this.checkStringAddress(address, bytesPerElement, method)
		if (maxElementCount !== undefined && !(Number.isSafeInteger(maxElementCount) && maxElementCount >= 0)) {
			throwElementCountError(method, maxElementCount)
		}
		this.pollForString(address, bytesPerElement)
		const heapByteLength = this.views.buffer.byteLength
		if (maxElementCount === 0 && address <= heapByteLength) return 0
		const room = Math.floor((heapByteLength - address) / bytesPerElement)
		if (!(room >= 1)) throwAddressError(method, address, bytesPerElement, heapByteLength)
		return maxElementCount === undefined || maxElementCount > room ? room : maxElementCount
	}

	/**
	 * @internal Cold path of a string read that found no terminator in the `scanned`
	 * elements: returns the length to decode (`maxElementCount` was reached, which needs
	 * no terminator), or -1 when the heap was replaced and the read must be retried, or
	 * throws a `RangeError` for a string that runs into the heap's end.
	 */
	protected unterminatedLength(
		address: number,
		bytesPerElement: number,
		scanned: number,
		maxElementCount: number | undefined,
		method: string,
	): number {
		if (maxElementCount !== undefined && scanned === maxElementCount) return scanned
		if (this.pollingMode === 'whenEmpty') {
			// A shared memory may have grown under the string: look again once.
			const before = this.views.buffer
			this.pollHeap()
			if (this.views.buffer !== before) return -1
		}
		const limit = maxElementCount === undefined ? '' : ` (the ${maxElementCount} elements allowed run past it)`
		throw new RangeError(
			`${method}: no null terminator between address ${address} and the end of the heap of ` +
				`${this.views.buffer.byteLength} bytes${limit}`,
		)
	}

	/**
	 * @internal Validates a string write and returns its room in elements, terminator
	 * included: `maxElementCount` (which must lie within the heap), or up to the heap's end.
	 */
	protected stringRoom(address: number, bytesPerElement: number, maxElementCount: number | undefined, method: string): number {
		this.checkStringAddress(address, bytesPerElement, method)
		if (maxElementCount !== undefined) {
			if (!(Number.isSafeInteger(maxElementCount) && maxElementCount >= 0)) throwElementCountError(method, maxElementCount)
			if (maxElementCount === 0) {
				throw new RangeError(`${method}: maxElementCount is 0, which leaves no room for the terminator`)
			}
		}
		this.pollForString(address, bytesPerElement)
		let room = Math.floor((this.views.buffer.byteLength - address) / bytesPerElement)
		if (maxElementCount !== undefined && maxElementCount > room && this.pollingMode === 'whenEmpty') {
			this.pollHeap()
			room = Math.floor((this.views.buffer.byteLength - address) / bytesPerElement)
		}
		const heapByteLength = this.views.buffer.byteLength
		if (!(room >= 1)) throwAddressError(method, address, bytesPerElement, heapByteLength)
		if (maxElementCount === undefined) return room
		if (maxElementCount > room) {
			throw new RangeError(
				`${method}: address ${address} is out of range: ${maxElementCount} elements of ${bytesPerElement} bytes ` +
					`must end within the heap of ${heapByteLength} bytes`,
			)
		}
		return maxElementCount
	}

	/**
	 * @internal Cold path of a string write that does not fit its room (nothing was
	 * written): returns `true` when the heap was replaced and the write must be retried,
	 * otherwise throws a `RangeError` naming what was needed and what was available.
	 */
	protected stringDoesNotFit(
		address: number,
		needed: number,
		room: number,
		maxElementCount: number | undefined,
		method: string,
	): true {
		if (maxElementCount === undefined && this.pollingMode === 'whenEmpty') {
			const before = this.views.buffer
			this.pollHeap()
			if (this.views.buffer !== before) return true
		}
		const where = maxElementCount === undefined ? 'before the end of the heap' : `in maxElementCount`
		throw new RangeError(
			`${method}: the string needs ${needed} elements including the terminator, but only ${room} fit at address ${address} ${where}; nothing was written`,
		)
	}

	/** @internal Validates a string ref's capacity argument (elements, terminator included). */
	protected stringCapacity(capacity: unknown, method: string): number {
		if (!(typeof capacity === 'number' && Number.isSafeInteger(capacity) && capacity >= 0)) {
			throwElementCountError(method, capacity)
		}
		return capacity as number
	}

	/** @internal A typed array over a checked, aligned region (string refs' element views). */
	typedView<T>(Constructor: TypedArrayConstructorLike<T>, address: number, elementCount: number, method: string): T {
		const size = Constructor.BYTES_PER_ELEMENT
		return new Constructor(this.alignedRegion(address, elementCount * size, size, method), address, elementCount)
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
			// manager's back and the allocator handed it out again: the old ref is stale.
			// It is marked freed, so that its free() cannot free the new ref's region.
			const stale = table.get(ref.address)
			if (stale !== undefined) {
				this.trackedByteSize -= stale.allocatedByteSize
				stale.markFreedElsewhere()
			}
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
			// Nothing was allocated yet (a wrapped ref freed first): probe as the allocator does.
			callProbingKind(deallocator, address, (kind) => (this.addressKind = kind))
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
