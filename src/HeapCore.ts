import type { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { TypedArrayConstructorLike } from './cappedView.js'
import { AddressTable } from './AddressTable.js'
import { allocFailureOf } from './HeapAllocator.js'
import { latestHeapErrors, throwElementCountError, type HeapError } from './errors.js'
import { bigintElement } from './conversions.js'
import {
	allocationSizeBeyondAbi,
	deallocationSizeBeyondAbi,
	allocationTooLarge,
	allocatorReturnedInvalidAddress,
	allocatorReturnedMisaligned,
	allocatorReturnedNonAddress,
	allocatorReturnedOutsideHeap,
	allocatorReturnedUnsafeAddress,
	allocatorReturnedNegative,
	allocatorThrew,
	countOrValuesInvalid,
	deallocatorThrew,
	debugOff,
	freeElementNotAnAddress,
	freeElementsDeallocatorThrew,
	freeElementsDeallocatorsThrew,
	freeElementsNotABoolean,
	freeOptionsNotAnObject,
	giveBackFailed,
	giveBackFailedCauses,
	noLiveRefAtAddress,
	raise,
	raiseAggregate,
	raiseWithCause,
	scopeClosed,
	scopeInnerStillOpen,
	stagingRangeError,
	stagingTypeError,
	trackingOff,
	wrapDeallocatorInvalid,
	wrapOptionsNotAnObject,
	type FailedRegion,
	unknownOption,
} from './messages.js'
import { zeroBytes, type HeapAccess } from './HeapAccess.js'
import type { HeapViews } from '../generated/HeapViews.generated.js'
import { HeapDebug, type HeapReport } from './HeapDebug.js'
import type { HeapRef } from './HeapRef.js'
import { HeapScope } from './HeapScope.js'
import type { ResolvedOptions } from './options.js'

export type { GetLatestHeap, HeapBuffer } from './HeapAccess.js'

/**
 * Allocates a region of `byteSize` bytes aligned to `alignment` and returns its address,
 * as a `number` (or as a `bigint`, with a {@link Memory64Deallocator}). 0, or anything
 * that is not a positive integer, means failure. A C `malloc(size)` ignores the
 * alignment; Rust's and wasm-bindgen's allocators need it.
 */
export type Allocator = (byteSize: number, alignment: number) => number | bigint

/** A memory64 (wasm64) allocator export: takes its size and alignment and returns its address as `bigint`s. */
export type Memory64Allocator = (byteSize: bigint, alignment: bigint) => bigint

/**
 * Frees the region at a `number` address, given the `byteSize` and `alignment` its
 * allocation was asked for (a C `free(ptr)` ignores them; Rust's `dealloc` needs them).
 * Both are `undefined` where they are unknown (`deallocate(address)`, the elements
 * `freeElements` frees); a {@link Memory64Deallocator} gets `0n` there.
 *
 * Declared as a method, so that its parameters are checked bivariantly: an export typed
 * `(ptr: number, size: number, align: number) => void` (as wasm-bindgen's `.d.ts` types
 * `__wbindgen_free`, or a Rust `dealloc`) is accepted as it is.
 */
export type Deallocator = {
	/** Frees the region at `address` (`byteSize` and `alignment` as its allocation got them, or `undefined`). */
	deallocate(address: number, byteSize?: number, alignment?: number): unknown
}['deallocate']

/**
 * Frees the region at a `bigint` address (a memory64 export), with its size and
 * alignment as `bigint`s (checked bivariantly, as {@link Deallocator} is). Where they are
 * unknown (`deallocate(address)`, the elements `freeElements` frees), both are `0n`: an
 * i64 parameter cannot take `undefined`, which a wasm32 one reads as 0.
 */
export type Memory64Deallocator = {
	/** Frees the region at `address` (`byteSize` and `alignment` as its allocation got them, or `0n` where unknown). */
	deallocate(address: bigint, byteSize?: bigint, alignment?: bigint): unknown
}['deallocate']

/**
 * The last argument of every `wrap*` method.
 * @group Options
 */
export interface WrapOptions {
	/**
	 * How `free()` gives this region back: a function (for example `sqlite3_free`, for a
	 * string SQLite allocated) instead of the manager's deallocator, called as
	 * `deallocator(address, byteSize, alignment)`; or `null` for a borrowed region (a
	 * module's static buffer) that `free()` only invalidates. Default: the manager's.
	 */
	readonly deallocator?: Deallocator | null | undefined
}

/** The keys of {@link WrapOptions}. */
const wrapOptionNames: readonly string[] = ['deallocator']

/**
 * @internal A wrapped ref's `ownDeallocator` meaning the manager's own, set on a region of
 * 4 GiB or more so that its free() takes the slow path, which checks the size (never called).
 */
const managersDeallocator: Deallocator = () => {}

type NumberKind = 'unknown' | 'number' | 'bigint'

/**
 * Calls `callback(...values)` with numbers, and if that throws a TypeError about BigInt
 * conversion — what an i64 (memory64) export does before running — again with bigints
 * (`undefined` as `0n`, see {@link toBigInt}). Reports which kind worked, so later calls need no probing.
 */
function callProbingKind(
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- called with numbers, or the same as bigints
	callback: (...values: any[]) => unknown,
	values: readonly (number | undefined)[],
	learned: (kind: Exclude<NumberKind, 'unknown'>) => void,
): unknown {
	let result: unknown
	try {
		result = callback(...values)
	} catch (error) {
		if (!(error instanceof TypeError && /bigint/i.test(error.message))) throw error
		result = callback(...values.map(toBigInt))
		learned('bigint')
		return result
	}
	learned('number')
	return result
}

/**
 * A deallocator's argument as a bigint: an unknown size or alignment (`deallocate(address)`,
 * `freeElements`) is `0n`, since an i64 parameter takes no `undefined` ("Cannot convert
 * undefined to a BigInt"), as a wasm32 one reads `undefined` as 0.
 */
const toBigInt = (value: number | undefined): bigint => (value === undefined ? 0n : BigInt(value))

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

type NumberAllocator = (byteSize: number, alignment: number) => unknown
type NumberDeallocator = (address: number, byteSize: number, alignment: number) => unknown

/**
 * Call sites for the allocator: V8 inlines a JS->wasm call only at a call site that has
 * seen one target, and a single site shared by the managers of several modules sees
 * several (8.5 ns more per call, measured: issue 11). Each function here is a call site
 * of its own; the first allocators get one each, later ones share the last. Each is
 * small enough for V8 to inline wherever it is called.
 */
const allocatorCallers: readonly ((allocator: NumberAllocator, byteSize: number, alignment: number) => unknown)[] = [
	(allocator, byteSize, alignment) => allocator(byteSize, alignment),
	(allocator, byteSize, alignment) => allocator(byteSize, alignment),
	(allocator, byteSize, alignment) => allocator(byteSize, alignment),
	(allocator, byteSize, alignment) => allocator(byteSize, alignment),
	(allocator, byteSize, alignment) => allocator(byteSize, alignment),
]

/** Call sites for the deallocator, as {@link allocatorCallers}. */
const deallocatorCallers: readonly ((deallocator: NumberDeallocator, address: number, byteSize: number, alignment: number) => unknown)[] = [
	(deallocator, address, byteSize, alignment) => deallocator(address, byteSize, alignment),
	(deallocator, address, byteSize, alignment) => deallocator(address, byteSize, alignment),
	(deallocator, address, byteSize, alignment) => deallocator(address, byteSize, alignment),
	(deallocator, address, byteSize, alignment) => deallocator(address, byteSize, alignment),
	(deallocator, address, byteSize, alignment) => deallocator(address, byteSize, alignment),
]

const callSlots = new WeakMap<object, number>()
let nextCallSlot = 0

/**
 * The call site (an index into {@link allocatorCallers}) for `fn`: the same for every
 * manager over the same function (managers of one module share a site, which stays
 * monomorphic), a new one for each new function until all but the last are taken.
 */
function callSlotOf(fn: object): number {
	let slot = callSlots.get(fn)
	if (slot === undefined) {
		slot = nextCallSlot < allocatorCallers.length - 1 ? nextCallSlot++ : allocatorCallers.length - 1
		callSlots.set(fn, slot)
	}
	return slot
}

/** A ref's class name, for an error message (`refName` is a protected getter of every ref class). */
const refNameOf = (ref: HeapRef): string => (ref as unknown as { refName: string }).refName

/**
 * The error for an allocator that threw (a wasm trap such as `RuntimeError: unreachable`,
 * an out-of-memory abort...): `raiseWithCause` of its table entry, in a function of its
 * own, so that the hot paths' `catch` blocks are one call with three arguments (V8 counts
 * their bytecode against what it inlines: issue 11). They throw what it returns.
 */
function allocatorError(error: unknown, method: string, byteSize: number): HeapError {
	return raiseWithCause(error, allocatorThrew, method, byteSize, error)
}

/**
 * `HeapScope.close()` of a scope that is not the manager's innermost open one: it was
 * closed already, or a scope opened after it is still open.
 */
function throwScopeNotInnermost(scope: HeapScope, member: string): never {
	throw raise(scope.isClosed ? scopeClosed : scopeInnerStillOpen, member)
}

/** The error for a deallocator that threw while freeing `ref`, as {@link allocatorError}. */
function deallocatorError(error: unknown, ref: HeapRef): HeapError {
	return raiseWithCause(error, deallocatorThrew, refNameOf(ref), error)
}

/**
 * Zeroes a new region that lies in `views`: a 4- or 8-byte value in one store (+0 is
 * all zero bits), anything else through {@link zeroBytes}.
 */
function zeroAllocated(views: HeapViews, address: number, byteSize: number): void {
	if (byteSize === 4 && address % 4 === 0) views.int32Array[address / 4] = 0
	else if (byteSize === 8 && address % 8 === 0) views.float64Array[address / 8] = 0
	else zeroBytes(views, address, byteSize)
}

/** @internal What `allocArray` stages values in: a typed array constructor. */
type StagingConstructor = TypedArrayConstructorLike<ArrayLike<number | bigint> & { set(values: ArrayLike<number | bigint>): void }> & {
	new (length: number): ArrayLike<number | bigint> & { [index: number]: number | bigint; set(values: ArrayLike<unknown>): void }
	new (values: ArrayLike<unknown>): ArrayLike<number | bigint>
}

/** The largest staging `allocArray` takes from {@link stagingScratch}, in bytes: larger arrays get a typed array of their own. */
const stagingScratchLimit = 65536

/** @internal A buffer `alloc<T>Array(values)` stages values in (every manager's), grown up to {@link stagingScratchLimit}. */
let stagingScratch = new ArrayBuffer(0)
/** @internal Whether a call is using {@link stagingScratch}: an allocator may call `alloc<T>Array` itself. */
let stagingScratchInUse = false

/** @internal The name of a whole-heap typed array of {@link HeapViews} (`float64Array`), where `allocArray` copies its staged values. */
export type WholeHeapViewName = { [Name in keyof HeapViews]: HeapViews[Name] extends ArrayLike<unknown> ? Name : never }[keyof HeapViews]

/** A whole-heap typed array as `allocArray` copies into it. */
interface WholeHeapView {
	readonly length: number
	set(values: ArrayLike<number | bigint>, offset: number): void
}

/**
 * The staging view `allocArray` made last over {@link stagingScratch}, for its constructor
 * and length: a program allocating arrays of one size and type from values (a vec3, a 4x4
 * matrix) takes it again instead of making one (about 20 ns on Node 20).
 */
const lastStaging: { Staging: StagingConstructor | undefined; count: number; scratch: ArrayBuffer | undefined; view: unknown } = { Staging: undefined, count: -1, scratch: undefined, view: undefined }

/** A view of `count` elements of `Staging` at the start of `scratch` (see {@link lastStaging}). */
function stagingView(Staging: StagingConstructor, scratch: ArrayBuffer, count: number): unknown {
	const last = lastStaging
	if (last.Staging === Staging && last.count === count && last.scratch === scratch) return last.view
	const view = new Staging(scratch, 0, count)
	last.Staging = Staging
	last.count = count
	last.scratch = scratch
	last.view = view
	return view
}

/** The staging scratch with room for `byteSize` bytes, marked in use; `undefined` where it is in use or too small to be worth it (no bytes) or too large. */
function takeStagingScratch(byteSize: number): ArrayBuffer | undefined {
	if (stagingScratchInUse || !(byteSize > 0 && byteSize <= stagingScratchLimit)) return undefined
	if (stagingScratch.byteLength < byteSize) stagingScratch = new ArrayBuffer(Math.min(stagingScratchLimit, Math.max(byteSize, 2 * stagingScratch.byteLength, 1024)))
	stagingScratchInUse = true
	return stagingScratch
}

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
	/** Whether new regions are zeroed (`clearAllocatedRegions`); read by the generated `alloc<T>()` (see {@link allocValue}). */
	readonly clearAllocatedRegions: boolean
	/**
	 * Tracked refs by address, or `undefined` when tracking is off: an open-addressing
	 * table with backward-shift deletion (see {@link AddressTable}). A `Map` cost two
	 * operations per side and, since V8 keeps a deleted entry in its key's chain until it
	 * rehashes, needed tombstones for the address a `malloc` hands out again and again.
	 */
	private readonly trackedRefs: AddressTable<HeapRef> | undefined
	/**
	 * The addresses `allocate(0)` returned and `deallocate` has not had yet: their allocator
	 * was asked for 1 byte, which `deallocate(address, 0)` gives back (see {@link takeEmptyRegion}).
	 */
	private emptyRegions: Set<number> | undefined = undefined
	/** What the allocator returns, learned from its results; `free` is called with the same kind. */
	private addressKind: NumberKind = 'unknown'
	/** What the allocator takes as its size, learned from its first call. */
	private sizeKind: NumberKind = 'unknown'
	// The flags below (and `clearAllocatedRegions`) are tested with `=== true` on the hot
	// paths, not by their truthiness: TurboFan knows nothing of a boolean field's value
	// unless the manager is a constant it folds, and tests a value it knows nothing about
	// against false, '', then its map (undetectable, number, bigint), about a dozen
	// instructions and a load when the flag is set; `=== true` is one comparison. That was
	// 20-40 instructions per `allocInt32()` + `free()`, where the manager is not a constant
	// (a loop over several managers, or code V8 compiled by on-stack replacement, which
	// reloads the manager every iteration): 31 against 35 ns a pair, issue 11.
	/** Whether the allocator is known to take and return numbers: then {@link allocateRegion} takes its hot path. */
	private numbersKnown = false
	/** `numbersKnown` with debug mode off: then {@link freeRef} takes its hot path for refs outside scopes. */
	private plainFrees = false
	/** The call site this allocator is called through with numbers (see {@link allocatorCallers}). */
	private readonly allocatorCaller: (allocator: NumberAllocator, byteSize: number, alignment: number) => unknown
	/** The call site this deallocator is called through with numbers. */
	private readonly deallocatorCaller: (deallocator: NumberDeallocator, address: number, byteSize: number, alignment: number) => unknown
	/** Whether new refs are tracked. */
	readonly tracking: boolean
	/** Debug mode's records (`debug: true`), or `undefined`: then one check per allocation and per free is all it costs. */
	private readonly debug: HeapDebug | undefined
	/** Whether a scope is open or debug mode is on: what {@link track} checks before {@link adopt}. */
	private scopesOrDebug: boolean
	/**
	 * An Emscripten module's `memalign(alignment, size)` (`_memalign`), which serves a region its `malloc` returned misaligned (dlmalloc aligns to 8); `null`
	 * for an Emscripten module that does not export it (the misaligned error then says to
	 * export it); `undefined` for any other allocator, which takes the alignment itself.
	 * Set by `wrapEmscriptenModuleHeap`; only {@link checkAllocated}'s cold path reads it.
	 */
	alignedAllocator: ((alignment: number | bigint, byteSize: number | bigint) => unknown) | null | undefined = undefined

	constructor(
		access: HeapAccess,
		alloc: Allocator | Memory64Allocator,
		free: Deallocator | Memory64Deallocator,
		options: ResolvedOptions,
	) {
		this.access = access
		this.allocator = alloc
		this.deallocator = free
		this.allocatorCaller = allocatorCallers[callSlotOf(alloc)]!
		this.deallocatorCaller = deallocatorCallers[callSlotOf(free)]!
		this.clearAllocatedRegions = options.clearAllocatedRegions
		this.tracking = options.trackAllocations
		this.trackedRefs = options.trackAllocations ? new AddressTable<HeapRef>(64, (previous) => this.replaced(previous)) : undefined
		this.debug = options.debug ? new HeapDebug(() => [access, this, access.strings]) : undefined
		this.scopesOrDebug = this.debug !== undefined
	}

	// ---- the generated methods' bodies ---------------------------------------------

	/**
	 * `alloc<T>Array(countOrValues)`: the values are converted into a staging array of
	 * `Staging` first (through `stage` when the row needs more than the typed array's
	 * own conversion), so a bad value throws before anything is allocated, and a source
	 * view over a heap that the allocation grows and detaches has already been read.
	 */
	allocArray<R extends HeapRef>(
		Ref: ArrayRefConstructor<R>,
		Staging: StagingConstructor,
		stage: StageConversion | undefined,
		byteSize: number,
		alignment: number,
		method: string,
		countOrValues: unknown,
		viewName: WholeHeapViewName,
	): R {
		const elementCount = this.elementCountOf(countOrValues, method)
		if (typeof countOrValues !== 'number') return this.allocArrayOf(Ref, Staging, stage, byteSize, alignment, method, countOrValues as ArrayLike<unknown>, elementCount, viewName)
		const address = this.allocateRegion(elementCount * byteSize, alignment, method)
		return this.track(new Ref(this.access as WasmHeapManager, address, elementCount * byteSize, this.tracking, elementCount), alignment)
	}

	/**
	 * `allocArray` of values: staged in {@link stagingScratch} when they fit there and no
	 * other call is using it (an allocator may itself call `alloc<T>Array`), else in a new
	 * typed array. A new typed array of more than 64 bytes gets a buffer of its own outside
	 * V8's heap, which made `allocFloat32Array(values)` 2.4-3.7x as slow as allocating the
	 * array and setting a view to the values, for 64 to 4096 elements (bench/cliffs-probe.mjs).
	 */
	private allocArrayOf<R extends HeapRef>(
		Ref: ArrayRefConstructor<R>,
		Staging: StagingConstructor,
		stage: StageConversion | undefined,
		byteSize: number,
		alignment: number,
		method: string,
		values: ArrayLike<unknown>,
		elementCount: number,
		viewName: WholeHeapViewName,
	): R {
		const scratch = takeStagingScratch(elementCount * byteSize)
		try {
			let staged: ArrayLike<number | bigint>
			try {
				type Staged = ArrayLike<number | bigint> & { [index: number]: number | bigint; set(values: ArrayLike<unknown>): void }
				const converted: Staged = scratch === undefined ? new Staging(elementCount) : (stagingView(Staging, scratch, elementCount) as unknown as Staged)
				// A bigint typed array holds nothing bigintElement would refuse: copy it whole.
				if (stage === undefined || (stage === bigintElement && (values instanceof BigInt64Array || values instanceof BigUint64Array))) {
					// Sized by the count already taken, filled by `set`, which reads the values by
					// index: `new Staging(values)` would follow an iterator of the values (or a
					// `length` that changed since), stage more elements than the region gets, and
					// fail only in the copy below, with the region allocated and lost.
					converted.set(values)
				} else {
					for (let index = 0; index < elementCount; index++) converted[index] = stage(values[index] as never, method)
				}
				staged = converted
			} catch (error) {
				// The engine's own errors, named for the method: a value that does not convert (a
				// TypeError, or the SyntaxError ToBigInt gives for a string such as 'abc' or an
				// object), or more elements than a typed array can have (a RangeError).
				if ((error instanceof TypeError || error instanceof SyntaxError) && !error.message.startsWith(`${method}:`)) {
					throw raiseWithCause(error, stagingTypeError, method, error.message)
				}
				if (error instanceof RangeError && !error.message.startsWith(`${method}:`)) {
					throw raiseWithCause(error, stagingRangeError, method, elementCount, error.message)
				}
				throw error
			}
			const address = this.allocateRegion(elementCount * byteSize, alignment, method, true)
			if (elementCount > 0) {
				// Copied into the whole-heap view of the type at the region's index (it is aligned
				// to its elements), where that view reaches it: no view made for the region.
				const views = this.access.views
				const whole = (views as unknown as { readonly [name: string]: WholeHeapView })[viewName]!
				const index = address / byteSize
				if (index + elementCount <= whole.length) whole.set(staged, index)
				else new Staging(views.buffer, address, elementCount).set(staged)
			}
			return this.track(new Ref(this.access as WasmHeapManager, address, elementCount * byteSize, this.tracking, elementCount), alignment)
		} finally {
			if (scratch !== undefined) stagingScratchInUse = false
		}
	}

	/**
	 * `alloc<T>()` of a value of `byteSize` bytes (1, 2, 4 or 8) aligned to as many: the
	 * region, its ref, and the ref's entry in the allocation table, in one function, so
	 * that the bytecode V8 inlines into the caller's loop stays small (V8 inlines at most
	 * 920 bytes of it per compiled function, and calls what does not fit: issue 11).
	 *
	 * The hot path (the allocator known to take and return numbers, and its result a
	 * number, positive, aligned, its region inside the live whole-heap views `access.fast`)
	 * leaves the region as the allocator gave it: the generated method then writes its
	 * value, or a zero, there with one store of the row's width, through those views.
	 * Every other path goes through {@link allocateRegion}'s checks, which zero the region
	 * (if configured) themselves; the generated store then writes a zero again, or,
	 * where `access.fast` does not cover the region, nothing (a typed array ignores a
	 * store past its end).
	 */
	allocValue<R extends HeapRef>(Ref: RefConstructor<R>, byteSize: number, method: string): R {
		let address: unknown
		if (this.numbersKnown === true) {
			try {
				address = this.allocatorCaller(this.allocator as NumberAllocator, byteSize, byteSize)
			} catch (error) {
				const failure = allocatorError(error, method, byteSize)
				throw failure
			}
		}
		if (!(typeof address === 'number' && address > 0 && address % byteSize === 0 && address + byteSize <= (this.access as WasmHeapManager).fastUint8Array.length)) {
			address = this.valueRegionChecked(address, byteSize, method)
		}
		const ref = new Ref(this.access as WasmHeapManager, address as number, byteSize, this.tracking)
		ref.allocationAlignment = byteSize
		// A live ref at the same address is stale: the table calls replaced() with it.
		const table = this.trackedRefs
		if (table !== undefined) ref.tableSlot = table.add(address as number, ref)
		if (this.scopesOrDebug === true) this.adopt(ref)
		return ref
	}

	/**
	 * {@link allocValue} off its hot path: checks the allocator's `result` (if it was
	 * called), or makes the first call, which learns the kinds it takes and returns.
	 */
	private valueRegionChecked(result: unknown, byteSize: number, method: string): number {
		return this.numbersKnown ? this.checkAllocated(result, byteSize, byteSize, byteSize, method) : this.allocateRegionChecked(byteSize, byteSize, method)
	}

	/** `wrap<T>(address)`: a ref over one existing element (any alignment). */
	wrapValue<R extends HeapRef>(
		Ref: RefConstructor<R>,
		byteSize: number,
		alignment: number,
		method: string,
		address: number,
		options: WrapOptions | undefined,
	): R {
		this.access.wrapRegion(address, byteSize, 1, method)
		return this.wrapped(new Ref(this.access as WasmHeapManager, address, byteSize, false), alignment, options, method)
	}

	/** `wrap<T>Array(address, count)`: a ref over an existing, aligned array. */
	wrapArray<R extends HeapRef>(
		Ref: ArrayRefConstructor<R>,
		byteSize: number,
		alignment: number,
		method: string,
		address: number,
		elementCount: number,
		options: WrapOptions | undefined,
	): R {
		if (!(Number.isSafeInteger(elementCount) && elementCount >= 0)) throwElementCountError(method, elementCount)
		this.access.wrapRegion(address, elementCount * byteSize, alignment, method)
		return this.wrapped(new Ref(this.access as WasmHeapManager, address, elementCount * byteSize, false, elementCount), alignment, options, method)
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
		throw raise(countOrValuesInvalid, method, countOrValues)
	}

	/**
	 * Allocates `byteSize` bytes aligned to `alignment`, checks the result, zeroes it if
	 * configured, and returns its address. On any failure nothing stays allocated and an
	 * `Error` names the size requested.
	 *
	 * The hot path is what runs once the allocator is known to take and return numbers:
	 * one call and one combined check (a number, positive, aligned, its region inside the
	 * live whole-heap view: then it is a safe integer too). Everything else (the first
	 * call, which learns the kinds; bigint allocators; zero or huge sizes; any result that
	 * fails the check) goes to {@link allocateRegionChecked}. Kept small so that V8 inlines
	 * it into the generated `alloc*` methods: the whole function was 617 bytes of bytecode,
	 * over V8's 460-byte limit for inlining, and it was called (issue 11).
	 *
	 * `filled`: the caller writes every byte of the region before it returns it (a string
	 * or an array made from a value), so the hot path does not zero it first (zeroing 33
	 * bytes for a 32-character string was a `fill()` call, about 15 ns; the other paths
	 * zero it all the same).
	 */
	allocateRegion(byteSize: number, alignment: number, method: string, filled?: true): number {
		if (this.numbersKnown === true && byteSize > 0 && byteSize <= 0x7fffffff) {
			let address: unknown
			try {
				address = this.allocatorCaller(this.allocator as NumberAllocator, byteSize, alignment)
			} catch (error) {
				const failure = allocatorError(error, method, byteSize)
				throw failure
			}
			const views = this.access.fast
			if (typeof address === 'number' && address > 0 && address % alignment === 0 && address + byteSize <= views.uint8Array.length) {
				if (this.clearAllocatedRegions === true && filled !== true) zeroAllocated(views, address, byteSize)
				return address
			}
			return this.checkAllocated(address, byteSize, byteSize, alignment, method)
		}
		return this.allocateRegionChecked(byteSize, alignment, method)
	}

	/** `allocate(0)`: a region of the 1 byte {@link allocateRegion} asks for, remembered for `deallocate`. */
	allocateEmptyRegion(alignment: number): number {
		const address = this.allocateRegion(0, alignment, 'allocate')
		;(this.emptyRegions ??= new Set()).add(address)
		return address
	}

	/**
	 * The `byteSize` that `deallocate(address, byteSize)` passes on for a `byteSize` of 0 or
	 * none, and `address` is no longer one of `allocate(0)`'s: 1 for such an address given a
	 * 0 (what its allocator was asked for); 0 for any other (a zero-sized region made
	 * elsewhere, such as Rust's dangling pointer of an empty `Box` or `Vec`, which was never
	 * allocated: a 0-byte layout is what Rust's `dealloc` needs to free nothing).
	 */
	takeEmptyRegion(address: number, byteSize: 0 | undefined): number | undefined {
		const emptyRegion = this.emptyRegions !== undefined && this.emptyRegions.delete(address)
		return byteSize === undefined ? undefined : emptyRegion ? 1 : 0
	}

	/**
	 * {@link allocateRegion} with every check spelled out: the first call (which learns
	 * whether the allocator takes numbers or bigints), bigint allocators, zero-length and
	 * huge sizes.
	 */
	private allocateRegionChecked(byteSize: number, alignment: number, method: string): number {
		// A size computed from a large count ((capacity + 1) * 4, count * 8) may pass 2^53: no heap
		// holds it, and an allocator must never be asked for a size that is not exact.
		if (!Number.isSafeInteger(byteSize)) throw raise(allocationTooLarge, method, byteSize)
		// Ask for at least one byte, so a zero-length array still gets a unique, non-null address.
		const size = byteSize === 0 ? 1 : byteSize
		// A 32-bit size_t holds no size of 4 GiB or more: a wasm32 export would take it modulo
		// 2^32 and hand out a region too small (given back, but allocated first). Only an
		// allocator known to take bigints (a memory64 export), or the wasm64 ABI, takes it.
		if (size > 0xffffffff && this.sizeKind !== 'bigint' && this.access.abi !== 'wasm64') {
			throw raise(allocationSizeBeyondAbi, method, byteSize, this.access.abi)
		}
		const allocator = this.allocator as (byteSize: number | bigint, alignment: number | bigint) => unknown
		let result: unknown
		try {
			result =
				this.sizeKind === 'number'
					? allocator(size, alignment)
					: this.sizeKind === 'bigint'
						? allocator(BigInt(size), BigInt(alignment))
						: callProbingKind(allocator, [size, alignment], (kind) => (this.sizeKind = kind))
		} catch (error) {
			const failure = allocatorError(error, method, byteSize)
			throw failure
		}
		const address = this.checkAllocated(result, byteSize, size, alignment, method)
		this.numbersKnown = this.sizeKind === 'number' && this.addressKind === 'number'
		this.plainFrees = this.numbersKnown && this.debug === undefined
		return address
	}

	/**
	 * Checks what the allocator returned for a request of `byteSize` bytes (`size`: what
	 * it was asked for, at least 1) and zeroes the region if configured; gives back an
	 * address it cannot use and throws.
	 */
	private checkAllocated(result: unknown, byteSize: number, size: number, alignment: number, method: string, realigned = false): number {
		let address: number
		if (typeof result === 'number') {
			address = result
			if (this.addressKind === 'unknown') this.addressKind = 'number'
		} else if (typeof result === 'bigint') {
			address = Number(result)
			if (this.addressKind === 'unknown') this.addressKind = 'bigint'
			// Above 2^53 - 1 (where Number() rounds) or negative: refused saying so, and not
			// given back, since no heap reaches it (see allocatorReturnedUnsafeAddress). 0n is
			// a failed allocation, as 0 is (below).
			if (!(Number.isSafeInteger(address) && address >= 0)) throw raise(allocatorReturnedUnsafeAddress, method, byteSize, result)
		} else {
			throw raise(allocatorReturnedNonAddress, method, byteSize, result)
		}

		if (!(Number.isSafeInteger(address) && address > 0)) {
			// A wasm32 malloc returns an address of 2 GiB or more as a negative i32: read unsigned
			if (address < 0 && (address | 0) === address) address = this.unsignedAllocation(address, size, method, byteSize)
			// The built-in allocator's 0 comes with the reason it keeps.
			else throw raise(allocatorReturnedInvalidAddress, method, byteSize, result, address === 0 ? allocFailureOf(this.allocator) : undefined)
		}

		if (address % alignment !== 0) {
			const aligned = this.alignedAllocator
			if (typeof aligned === 'function' && !realigned) return this.allocateAligned(aligned, address, byteSize, size, alignment, method)
			this.giveBack(address, size, alignment, raise(allocatorReturnedMisaligned, method, byteSize, address, alignment, aligned === null))
		}

		// The full check, which polls for a heap the allocation grew. The region is the `size`
		// bytes asked for: a zero-length allocation's 1 byte must lie in the heap too, or an
		// address at the heap's end would be accepted, and handed out again.
		const access = this.access
		if (!(address + size <= access.fast.uint8Array.length)) {
			try {
				// In 'never' mode too: the allocator may have grown the memory (the built-in one does).
				access.pollAfterAllocation(method)
				access.checkRegion(address, size, method)
			} catch (error) {
				// a getLatestHeap() that returned no buffer is thrown as it is, the block given back
				this.giveBack(
					address,
					size,
					alignment,
					latestHeapErrors.has(error as object) ? (error as HeapError) : raiseWithCause(error, allocatorReturnedOutsideHeap, method, byteSize, address, access.views.buffer.byteLength),
				)
			}
		}
		if (this.clearAllocatedRegions) zeroBytes(access.views, address, byteSize)
		return address
	}

	/**
	 * A negative i32 from the allocator, as a wasm32 `malloc` returns an address of 2 GiB or
	 * more: that address read unsigned (`signed >>> 0`) when its `size` bytes lie in the heap
	 * (polled first: the allocation may have grown it) and the heap is one a wasm32 module
	 * addresses (at most 4 GiB); otherwise refused, and not given back, since it is no block
	 * of this heap.
	 */
	private unsignedAllocation(signed: number, size: number, method: string, byteSize: number): number {
		const unsigned = signed >>> 0
		const access = this.access
		let inHeap = unsigned + size <= access.fast.uint8Array.length
		if (!inHeap) {
			try {
				access.pollAfterAllocation(method)
				access.checkRegion(unsigned, size, method)
				inHeap = true
			} catch {
				// refused below
			}
		}
		if (!inHeap || access.views.buffer.byteLength > 2 ** 32) throw raise(allocatorReturnedNegative, method, byteSize, signed, unsigned, access.views.buffer.byteLength)
		return unsigned
	}

	/**
	 * An Emscripten `malloc` returned `misaligned` for an alignment above its own: asks the
	 * module's `memalign` for the region instead (while the misaligned block is still held,
	 * so it cannot be handed out again), then gives that block back. The module's `free`
	 * takes either. Whatever fails leaves nothing allocated.
	 */
	private allocateAligned(
		aligned: (alignment: number | bigint, byteSize: number | bigint) => unknown,
		misaligned: number,
		byteSize: number,
		size: number,
		alignment: number,
		method: string,
	): number {
		let result: unknown
		try {
			result = this.sizeKind === 'bigint' ? aligned(BigInt(alignment), BigInt(size)) : aligned(alignment, size)
		} catch (error) {
			this.giveBack(misaligned, size, alignment, allocatorError(error, method, byteSize))
		}
		let address = 0
		try {
			address = this.checkAllocated(result, byteSize, size, alignment, method, true)
		} catch (failure) {
			this.giveBack(misaligned, size, alignment, failure as HeapError)
		}
		try {
			this.deallocate(misaligned, size, alignment)
		} catch (error) {
			this.giveBack(address, size, alignment, raiseWithCause(error, giveBackFailed, raise(allocatorReturnedMisaligned, method, byteSize, misaligned, alignment, false).message))
		}
		return address
	}

	/**
	 * Gives an unusable allocation back and throws the `Error` saying why. When the
	 * deallocator throws too, neither error is lost: the thrown error's `cause` holds the
	 * deallocator's (an `AggregateError` of both when the failure had a cause already).
	 */
	private giveBack(address: number, byteSize: number, alignment: number, failure: HeapError): never {
		try {
			this.deallocate(address, byteSize === 0 ? 1 : byteSize, alignment)
		} catch (cleanupError) {
			const cause = failure.cause
			throw raiseWithCause(cause === undefined ? cleanupError : raiseAggregate([cause, cleanupError], giveBackFailedCauses), giveBackFailed, failure.message)
		}
		throw failure
	}

	/**
	 * Records a freshly allocated ref: the size and alignment its deallocator gets back,
	 * the allocation table (if tracking is on) and the innermost open scope (if any).
	 */
	track<R extends HeapRef>(ref: R, alignment: number): R {
		const byteSize = ref.allocatedByteSize
		if (byteSize === 0) ref.allocationByteSize = 1
		ref.allocationAlignment = alignment
		// A live ref at the same address is stale: the table calls replaced() with it.
		const table = this.trackedRefs
		if (table !== undefined) ref.tableSlot = table.add(ref.address, ref)
		// (Scopes and debug records: one check for both, off the hot path.)
		if (this.scopesOrDebug === true) this.adopt(ref)
		return ref
	}

	/**
	 * A live entry was at a new ref's address: C code freed that region behind the
	 * manager's back and the allocator handed it out again, so the old ref is stale. Its
	 * entry is replaced already (and with it its size); its scope and debug mode's leak watch
	 * forget it (its region was freed, not leaked), and it is marked freed, so that its
	 * free() cannot free the new ref's region.
	 */
	private replaced(previous: HeapRef): void {
		previous.scope = undefined
		if (this.debug !== undefined) this.debug.forget(previous)
		previous.markFreedElsewhere()
	}

	/** The innermost open scope adopts `ref`, and debug mode records where it was allocated. */
	private adopt(ref: HeapRef): void {
		const scope = this.innermostScope
		if (scope !== undefined) scope.adopt(ref)
		if (this.debug !== undefined) this.debug.recordAllocation(ref, (ref as unknown as { refName: string }).refName)
	}

	/**
	 * Finishes a `wrap*` ref: the region it covers is what its deallocator gets back, and
	 * `options.deallocator` (checked here) replaces the manager's. Wrapped refs are not tracked.
	 */
	wrapped<R extends HeapRef>(ref: R, alignment: number, options: WrapOptions | undefined, method: string, optionNames: readonly string[] = wrapOptionNames): R {
		ref.allocationAlignment = alignment
		if (options !== undefined) {
			if (typeof options !== 'object' || options === null) {
				throw raise(wrapOptionsNotAnObject, method, options, optionNames)
			}
			// A misspelt `deallocator: null` would make a borrowed region's free() free it.
			for (const key in options) if (!optionNames.includes(key)) throw raise(unknownOption, method, key, optionNames)
			const deallocator: unknown = options.deallocator
			if (deallocator !== undefined && deallocator !== null && typeof deallocator !== 'function') {
				throw raise(wrapDeallocatorInvalid, method, deallocator)
			}
			ref.ownDeallocator = deallocator as Deallocator | null | undefined
		}
		// A region of 4 GiB or more, which a 32-bit size_t cannot hold, freed through the
		// manager's deallocator: its free() goes the slow way, which checks the size then (the
		// rule depends on what the allocator has returned by then: see checkDeallocationSize).
		// Marked here so that free(), inlined into callers' loops, stays as it is (a check in it
		// made the tracked alloc + free loop 0.73-0.82x: V8's inlining budget).
		if (ref.allocationByteSize > 0xffffffff && ref.ownDeallocator === undefined) ref.ownDeallocator = managersDeallocator
		return ref
	}

	/**
	 * Refuses `deallocate`'s `byteSize` of 4 GiB or more (`byteSize > 0xffffffff`) where a
	 * 32-bit size_t is what the deallocator takes, as {@link allocateRegionChecked} refuses
	 * to allocate one: a wasm32 `free` would take it modulo 2^32. A deallocator given
	 * bigints (once the allocator returned them: a memory64 export), or the wasm64 ABI, takes it.
	 */
	checkDeallocationSize(byteSize: number, method: string): void {
		if (this.addressKind !== 'bigint' && this.access.abi !== 'wasm64') throw raise(deallocationSizeBeyondAbi, method, byteSize, this.access.abi)
	}

	/**
	 * Calls a deallocator (the manager's unless given) with the kind of integers the
	 * allocator uses: `(address, byteSize, alignment)`, as numbers or as bigints.
	 */
	deallocate(address: number, byteSize: number | undefined, alignment: number | undefined, deallocator: Deallocator | Memory64Deallocator = this.deallocator): void {
		const free = deallocator as (address: number | bigint, byteSize?: number | bigint, alignment?: number | bigint) => unknown
		if (this.addressKind === 'bigint') {
			free(BigInt(address), toBigInt(byteSize), toBigInt(alignment))
		} else if (this.addressKind === 'number') {
			free(address, byteSize, alignment)
		} else {
			// Nothing was allocated yet (a wrapped ref freed first): probe as the allocator does.
			callProbingKind(free, [address, byteSize, alignment], (kind) => (this.addressKind = kind))
		}
	}

	/**
	 * Called by `HeapRef.free()` once the ref is invalidated: forgets it, then gives its
	 * region back through its own deallocator, the manager's, or (borrowed) none. A
	 * deallocator that throws leaves the ref freed; its error becomes the `cause`.
	 * The ref's class name in that error is read only then: a free() that passed it read a
	 * getter that V8 calls polymorphically when one call site frees refs of several
	 * classes (a scope's close does).
	 */
	freeRef(ref: HeapRef): void {
		// A ref made untracked (wrapped, or with tracking off) has the slot -1. One made
		// directly (its constructor is public) may say it is tracked and not be the value at
		// its address, or be made for a manager that does not track: deleteAt checks the first.
		const table = this.trackedRefs
		const slot = ref.tableSlot
		if (table !== undefined && (slot === -1 || !table.deleteAt(slot, ref.address, ref))) this.freeTrackedAlias(ref)
		ref.scope = undefined
		// The usual case: no debug records, the manager's deallocator, numbers.
		if (this.plainFrees !== true || ref.ownDeallocator !== undefined) {
			this.freeRefSlowly(ref)
			return
		}
		try {
			this.deallocatorCaller(this.deallocator as NumberDeallocator, ref.address, ref.allocationByteSize, ref.allocationAlignment)
		} catch (error) {
			const failure = deallocatorError(error, ref)
			throw failure
		}
	}

	/**
	 * {@link freeRef} of a ref the table does not hold (a wrapped one): if its region is
	 * really freed (it is not borrowed) and a live tracked ref starts at its address (C
	 * handed back a pointer the manager allocated, and it was wrapped), that ref is freed
	 * with it, as when the allocator hands the address out again: its own `free()`, or
	 * `freeAll()`, would free the region a second time.
	 */
	private freeTrackedAlias(ref: HeapRef): void {
		if (ref.ownDeallocator === null) return
		const tracked = this.trackedRefs!.get(ref.address)
		if (tracked === undefined) return
		this.trackedRefs!.deleteIfValue(ref.address, tracked)
		this.replaced(tracked)
	}

	/** {@link freeRef} past the allocation table and the scope: debug records, and whichever deallocator the ref has. */
	private freeRefSlowly(ref: HeapRef): void {
		if (this.debug !== undefined) this.debug.forget(ref)
		let own = ref.ownDeallocator
		if (own === null) return
		if (own === managersDeallocator) {
			// a wrapped region of 4 GiB or more (see wrapped): refused as deallocate refuses it
			// under a 32-bit ABI; the ref is freed all the same, as when a deallocator throws
			this.checkDeallocationSize(ref.allocationByteSize, `${refNameOf(ref)}.free`)
			own = undefined
		}
		try {
			this.deallocate(ref.address, ref.allocationByteSize, ref.allocationAlignment, own ?? this.deallocator)
		} catch (error) {
			const failure = deallocatorError(error, ref)
			throw failure
		}
	}

	/** Removes a ref from the allocation table and from its scope (freed, released or stale). */
	forget(ref: HeapRef): void {
		const table = this.trackedRefs
		const slot = ref.tableSlot
		if (slot !== -1 && table !== undefined) table.deleteAt(slot, ref.address, ref)
		ref.scope = undefined
		if (this.debug !== undefined) this.debug.forget(ref)
	}

	// ---- pointer arrays: free({ freeElements: true }) ----------------------------

	/**
	 * Checks a pointer array's `free(options)` argument and says whether the elements are
	 * to be freed too.
	 */
	freeElementsRequested(options: unknown, member: string): boolean {
		if (options === undefined) return false
		if (typeof options !== 'object' || options === null) {
			throw raise(freeOptionsNotAnObject, member, options)
		}
		const freeElements: unknown = (options as { freeElements?: unknown }).freeElements
		if (freeElements !== undefined && typeof freeElements !== 'boolean') {
			throw raise(freeElementsNotABoolean, member, freeElements)
		}
		return freeElements === true
	}

	/**
	 * `free({ freeElements: true })` of a live pointer array: every element is read and
	 * checked first (a value that is not an address within the heap throws `RangeError`
	 * and nothing is freed); then each distinct non-null address is freed once, in index
	 * order (as the live tracked ref starting there, if there is one, else through the
	 * deallocator with unknown size and alignment), and the array last. A deallocator that
	 * throws does not stop the rest; its error is thrown at the end, so that nothing is
	 * left half-owned and a second `free()` is a no-op rather than a double free.
	 */
	freeWithElements(array: HeapRef, elements: ArrayLike<number | bigint>, member: string): void {
		const heapByteLength = this.access.currentByteLength(member)
		const elementRegions: { readonly index: number; readonly address: number }[] = []
		const seen = new Set<number>([array.address])
		for (let index = 0; index < elements.length; index++) {
			const value = elements[index]!
			if (value === 0 || value === 0n) continue
			const address = Number(value)
			if (!(Number.isSafeInteger(address) && address < heapByteLength && (typeof value === 'number' || BigInt(address) === value))) {
				throw raise(freeElementNotAnAddress, member, index, value, heapByteLength)
			}
			if (seen.has(address)) continue
			seen.add(address)
			elementRegions.push({ index, address })
		}
		const errors: unknown[] = []
		const failed: FailedRegion[] = []
		for (const { index, address } of elementRegions) {
			try {
				const tracked = this.trackedRefs?.get(address)
				if (tracked !== undefined && tracked !== null) tracked.free()
				else this.deallocate(address, undefined, undefined)
			} catch (error) {
				errors.push(error)
				failed.push({ index, address })
			}
		}
		try {
			array.free()
		} catch (error) {
			errors.push(error)
			failed.push({ index: undefined, address: array.address })
		}
		if (errors.length === 0) return
		if (errors.length === 1) throw raiseWithCause(errors[0], freeElementsDeallocatorThrew, member, failed, errors[0])
		throw raiseAggregate(errors, freeElementsDeallocatorsThrew, member, failed)
	}

	// ---- scopes ----------------------------------------------------------------

	/**
	 * The innermost open scope; each scope links to the one it was opened in (a list
	 * instead of an array: no push and pop per scope).
	 */
	private innermostScope: HeapScope | undefined = undefined

	/** Opens a scope that adopts every ref allocated until it closes. */
	openScope(): HeapScope {
		const scope = new HeapScope(this, this.innermostScope)
		this.innermostScope = scope
		this.scopesOrDebug = true
		return scope
	}

	/** @internal Whether `scope` is the innermost open scope (withScope's check that fn closed what it opened). */
	isInnermostScope(scope: HeapScope): boolean {
		return this.innermostScope === scope
	}

	/**
	 * @internal For `withScope`, once `fn` has returned or thrown: closes the scopes `fn`
	 * opened inside `scope` and left open, innermost first (as an exception unwinding
	 * through `using` blocks would have). Returns how many there were and what their
	 * closes threw (deallocators that threw); nothing if `scope` is not open.
	 */
	closeScopesInside(scope: HeapScope): { readonly count: number; readonly errors: unknown[] } {
		const errors: unknown[] = []
		let count = 0
		let open = this.innermostScope
		while (open !== undefined && open !== scope) open = open.outer
		if (open === undefined) return { count, errors }
		while (this.innermostScope !== scope) {
			count++
			try {
				this.innermostScope!.close()
			} catch (error) {
				errors.push(error)
			}
		}
		return { count, errors }
	}

	/** @internal Called by `HeapScope.close()`: checks it is the innermost open scope and closes it. */
	closeScope(scope: HeapScope, member: string): void {
		// The innermost (the usual case) is one comparison; the error, out of line, keeps
		// this small enough for V8 to inline into close().
		if (this.innermostScope !== scope) throwScopeNotInnermost(scope, member)
		const outer = scope.outer
		this.innermostScope = outer
		this.scopesOrDebug = outer !== undefined || this.debug !== undefined
	}

	// ---- tracking --------------------------------------------------------------

	private requireTracking(member: string): AddressTable<HeapRef> {
		if (this.trackedRefs === undefined) {
			throw raise(trackingOff, member)
		}
		return this.trackedRefs
	}

	/** The live tracked refs (a new array). */
	allocatedRefs(member: string): HeapRef[] {
		return this.requireTracking(member).valueList()
	}

	/** The live tracked refs by allocation site (debug mode). */
	report(member: string): HeapReport {
		if (this.debug === undefined) {
			throw raise(debugOff, member)
		}
		return this.debug.report(this.allocatedRefs(member))
	}

	/**
	 * The sum of the live tracked refs' sizes, added up when asked (O(live refs), as
	 * {@link allocatedRefs}): a running total cost the hot paths of every alloc and free
	 * a load, an add and a store, and bytecode that V8 counts against what it inlines (issue 11).
	 */
	totalByteSize(member: string): number {
		let total = 0
		for (const ref of this.requireTracking(member).valueList()) total += ref.allocatedByteSize
		return total
	}

	/** Whether a live tracked ref starts at `address` (false with tracking off). */
	isTracked(address: number): boolean {
		return this.trackedRefs?.get(address) !== undefined
	}

	/** Frees the live tracked ref at `address`, or throws `RangeError` and frees nothing. */
	freeAddress(address: number, member: string): void {
		const ref = this.requireTracking(member).get(address)
		if (ref === undefined) {
			throw raise(noLiveRefAtAddress, member, address)
		}
		ref.free()
	}
}
