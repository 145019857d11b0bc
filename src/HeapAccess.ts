import { HeapViews } from '../generated/HeapViews.generated.js'
import type { TypedArrayConstructorLike } from './cappedView.js'
import { latestHeapErrors, throwAddressError, throwAlignmentError, throwElementCountError } from './errors.js'
import {
	alignmentInvalid,
	alignmentNotANumber,
	allocatorSizeInvalid,
	allocatorSizeNotANumber,
	deallocateAddressInvalid,
	deallocateAddressNotANumber,
	deallocateThrew,
	deallocateTrackedAddress,
	freeAllDeallocatorsThrew,
	freeNotARefOrAddress,
	freeRefOfAnotherManager,
	heapDetachedNeverPolled,
	latestHeapDetached,
	latestHeapNotABuffer,
	managerArgumentNotAFunction,
	raise,
	raiseAggregate,
	raiseWithCause,
	scopeDeallocatorsThrew,
	scopeFunctionAndCloseThrew,
	scopeFunctionAsync,
	scopeFunctionNotAFunction,
	scopeFunctionReturnedPromise,
	scopeLeftOpenByFunction,
	wrapNullPointer,
} from './messages.js'
import type { HeapReport } from './HeapDebug.js'
import { formatByteSize, formatInspected, inspectCustom } from './inspect.js'
import { HeapCore, type Allocator, type Deallocator, type Memory64Allocator, type Memory64Deallocator } from './HeapCore.js'
import { HeapRef } from './HeapRef.js'
import type { HeapScope } from './HeapScope.js'
import { HeapStrings } from './HeapStrings.js'
import { requireGlobalConstructor } from './globalConstructors.js'
import { resolveOptions, type PollingMode, type WasmHeapManagerOptions } from './options.js'
import { notifyAt } from './HeapWaits.js'
import type { AbiName } from './structs/abi.js'
import type { FieldPath, StructInit, StructType, StructValue, ValueTypeSpec } from './structs/declare.js'
import {
	allocStruct,
	allocStructArray,
	offsetOf,
	readStruct,
	typeLayout,
	wrapStruct,
	wrapStructArray,
	writeStruct,
	type StructArrayWrapOptions,
} from './structs/structAccess.js'
import type { ArrayRefOf, DeclarationOf, RefOf, StructTypeOrClass } from './structs/generatedClasses.js'
import type { StructArrayRef, StructRefOf } from './structs/StructRef.js'
import type { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'
import type { WrapOptions } from './HeapCore.js'

/**
 * The constructor of every `async` function (arrow, bound or not), for `withScope`'s
 * check. `instanceof` rather than comparing `Object.getPrototypeOf(fn)` with its
 * prototype: V8 (Node 20) calls into its runtime for `Object.getPrototypeOf` of a closure,
 * about 35 ns a call, and inlines `instanceof`. It also sees subclasses' functions.
 */
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new () => unknown

/** `withScope(fn)` of something that is not a function, or of an async function. */
function throwScopeFunctionError(fn: unknown): never {
	if (typeof fn !== 'function') throw raise(scopeFunctionNotAFunction, 'withScope', fn)
	throw raise(scopeFunctionAsync, 'withScope')
}

/**
 * `withScope(fn)` where `fn` threw: closes the scope and rethrows `error`; if the close
 * throws too (a deallocator), neither error is lost: an `AggregateError` of both, fn's first.
 */
function throwAfterClosing(core: HeapCore, scope: HeapScope, error: unknown): never {
	const errors = closeScopeAndInner(core, scope).errors
	if (errors.length > 0) throw raiseAggregate([error, ...errors], scopeFunctionAndCloseThrew, 'withScope')
	throw error
}

/**
 * Closes the scopes opened inside `scope` and left open (innermost first), then `scope`;
 * returns how many were left open and what every close threw.
 */
function closeScopeAndInner(core: HeapCore, scope: HeapScope): { readonly count: number; readonly errors: unknown[] } {
	const inner = core.closeScopesInside(scope)
	try {
		scope.close()
	} catch (closeError) {
		inner.errors.push(closeError)
	}
	return inner
}

/** Whether `withScope`'s fn returned a promise (anything with a `then` method). */
function isThenable(result: unknown): boolean {
	return typeof (result as { then?: unknown } | null)?.then === 'function'
}

/**
 * `withScope(fn)` where `fn` returned with scopes it opened still open: closes them and
 * the scope, then throws the `Error` saying so (what their closes threw as its `cause`).
 * When `fn` returned a promise, that is the mistake to name (an async task that opened a
 * scope before its first `await`): the promise `TypeError`, after the same closing.
 */
function throwScopesLeftOpen(core: HeapCore, scope: HeapScope, result: unknown): never {
	const { count, errors } = closeScopeAndInner(core, scope)
	const cause = errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : raiseAggregate(errors, scopeDeallocatorsThrew, 'withScope', errors.length)
	if (isThenable(result)) {
		if (cause === undefined) throw raise(scopeFunctionReturnedPromise, 'withScope')
		throw raiseWithCause(cause, scopeFunctionReturnedPromise, 'withScope')
	}
	if (cause === undefined) throw raise(scopeLeftOpenByFunction, 'withScope', count)
	throw raiseWithCause(cause, scopeLeftOpenByFunction, 'withScope', count)
}

/** `withScope(fn)` where `fn` returned a promise (the scope has closed already). */
function throwScopePromiseError(): never {
	throw raise(scopeFunctionReturnedPromise, 'withScope')
}

/** The buffer types a heap may be. */
export type HeapBuffer = ArrayBuffer | SharedArrayBuffer

/** Returns the heap's current buffer; called again whenever the manager polls. */
export type GetLatestHeap = () => HeapBuffer

// A heap of 0 bytes: in 'always' mode the fast path reads its views, fails its one
// comparison and takes the cold path, which polls. No mode check on the hot path.
const emptyViews = new HeapViews(new ArrayBuffer(0), 'WasmHeapManager')

/**
 * Whether a heap buffer can change size in place (a resizable `ArrayBuffer`, a growable
 * `SharedArrayBuffer`). The hot paths never see its views (see `liveLength` in
 * codegen/snippets.ts): on Node 20 they would then misread detached views' lengths.
 */
function isResizable(buffer: HeapBuffer): boolean {
	return (buffer as { resizable?: boolean }).resizable === true || (buffer as { growable?: boolean }).growable === true
}

/**
 * Whether a heap buffer was detached (a non-shared memory grew and replaced it). Only a
 * buffer of 0 bytes can be; where `ArrayBuffer.prototype.detached` is missing (Node 20),
 * a view of a detached buffer cannot be made. Cold paths only.
 */
function isDetached(buffer: HeapBuffer): boolean {
	if (buffer.byteLength !== 0) return false
	const detached = (buffer as { detached?: unknown }).detached
	if (typeof detached === 'boolean') return detached
	try {
		new Uint8Array(buffer)
		return false
	} catch {
		return true
	}
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

/** Throws for a `byteSize` argument of `allocate`/`deallocate` that is not a non-negative safe integer (named as a byte size, not an element count). */
function throwByteSizeError(method: string, byteSize: unknown): never {
	if (typeof byteSize !== 'number') throw raise(allocatorSizeNotANumber, method, byteSize)
	throw raise(allocatorSizeInvalid, method, byteSize)
}

/** Checks an alignment argument: a power of two from 1 to 65536 (a wasm page). */
function checkAlignment(alignment: unknown, method: string): void {
	if (typeof alignment !== 'number') throw raise(alignmentNotANumber, method, alignment)
	if (!(Number.isInteger(alignment) && alignment >= 1 && alignment <= 65536 && (alignment & (alignment - 1)) === 0)) {
		throw raise(alignmentInvalid, method, alignment, 65536)
	}
}

/** @internal Sets `byteSize` bytes at `address`, already checked to lie in the heap, to zeros. */
export function zeroBytes(views: HeapViews, address: number, byteSize: number): void {
	const bytes = views.uint8Array
	if (address + byteSize > bytes.length) {
		// Past an engine's typed-array cap: a window over just the region.
		new Uint8Array(views.buffer, address, byteSize).fill(0)
	} else if (byteSize <= 192 && (address | byteSize) % 8 === 0) {
		// Stores beat a call to fill(), which costs about 15 ns before it stores anything
		// (Node 20 and 24): 8-byte words up to 24 of them, 4-byte words up to 24, bytes up to
		// 16 (bench/zero-fill.mjs). +0 is all zero bits.
		const words = views.float64Array
		for (let index = address / 8, end = (address + byteSize) / 8; index < end; index++) words[index] = 0
	} else if (byteSize <= 96 && (address | byteSize) % 4 === 0) {
		const words = views.int32Array
		for (let index = address / 4, end = (address + byteSize) / 4; index < end; index++) words[index] = 0
	} else if (byteSize <= 16) {
		for (let offset = 0; offset < byteSize; offset++) bytes[address + offset] = 0
	} else {
		bytes.fill(0, address, address + byteSize)
	}
}

/**
 * The entry point constructing a manager (`createWasmHeapManager`, `wrapEmscriptenModuleHeap`),
 * for the constructor's errors to name: set by {@link constructedBy} for the length of one
 * construction, and taken (cleared) by the constructor before it calls any user code.
 */
let constructingAs: string | undefined

/**
 * @internal Runs `construct` (a `new WasmHeapManager(...)`) so that the errors of the
 * constructor's arguments and options name `method`, the function the user called,
 * rather than the class (which is what a direct `new WasmHeapManager` names).
 */
export function constructedBy<T>(method: string, construct: () => T): T {
	constructingAs = method
	try {
		return construct()
	} finally {
		constructingAs = undefined
	}
}

/**
 * The base of the generated manager: what the hot paths need (the heap buffer and its
 * cached views, polling for a replaced buffer, the cold paths of every bounds and
 * alignment check), and the collaborators that do the rest: `core` allocates and tracks,
 * `strings` checks string bounds.
 */
export abstract class HeapAccess {
	/** @internal Views of the current heap buffer. */
	views: HeapViews
	/**
	 * @internal The views the hot paths (the manager's and the refs') check against:
	 * `views`, or empty ones in `'always'` mode. The numeric hot paths read its views
	 * through the manager's own copies (see `cacheFastViews`).
	 */
	fast: HeapViews
	/**
	 * @internal Copies the views of `views`, the new `fast`, onto fields of the manager
	 * (`fastDataView`, `fastUint8Array`, ...; generated per view), so that a hot path loads
	 * a view from the manager in one step. The generated class's field initializers set them
	 * from `fast` once this constructor has run; this is called wherever `fast` is replaced
	 * after that (`pollHeap`), and nowhere else.
	 */
	protected abstract cacheFastViews(views: HeapViews): void
	/** @internal */
	protected readonly getLatestHeap: GetLatestHeap
	/** @internal */
	protected readonly pollingMode: PollingMode
	/** @internal Allocation and tracking. */
	readonly core: HeapCore
	/** @internal The checks and cold paths of string access. */
	readonly strings: HeapStrings
	/**
	 * The C ABI struct layouts follow (the `abi` option): `'wasm32'`, `'wasm64'` or `'emscripten'`.
	 * @group Heap
	 */
	readonly abi: AbiName

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
		// Taken before any user code runs: a manager its getLatestHeap constructs names its own entry.
		const method = constructingAs ?? 'WasmHeapManager'
		constructingAs = undefined
		for (const [name, value] of [['getLatestHeap', getLatestHeap], ['alloc', alloc], ['free', free]] as const) {
			if (typeof value !== 'function') {
				throw raise(managerArgumentNotAFunction, method, name, value)
			}
		}
		const resolved = resolveOptions(options, method)
		this.getLatestHeap = getLatestHeap
		this.pollingMode = resolved.pollingMode
		// fetchHeap's check, naming the entry point (fetchHeap itself is on the polling path)
		const buffer: unknown = this.getLatestHeap()
		if (!isHeapBuffer(buffer)) throw raise(latestHeapNotABuffer, buffer, typeof WebAssembly !== 'undefined' && buffer instanceof WebAssembly.Memory, method)
		if (isDetached(buffer)) throw raise(latestHeapDetached, method)
		this.views = new HeapViews(buffer, method)
		this.fast = this.pollingMode === 'always' || isResizable(this.views.buffer) ? emptyViews : this.views
		this.core = new HeapCore(this, alloc, free, resolved)
		this.strings = new HeapStrings(this)
		this.abi = resolved.abi
	}

	/**
	 * The heap's current buffer (polled first unless `pollingMode` is `'never'`).
	 * @group Heap
	 */
	get heap(): HeapBuffer {
		return this.polledBuffer('heap')
	}

	/** @internal The heap's current buffer, polled as `heap` is, on behalf of `method` (the entry point, named by a poll's error). */
	polledBuffer(method: string): HeapBuffer {
		if (this.pollingMode !== 'never') this.pollHeap(method)
		return this.views.buffer
	}

	/**
	 * A `DataView` over the whole heap (any type, any alignment, explicit byte order), as
	 * the `heap<T>` views: polled first (unless `pollingMode` is `'never'`), so it views the
	 * current buffer. Read it again after anything that may grow the memory.
	 * @group Heap
	 */
	get heapDataView(): DataView {
		return this.currentViews('heapDataView').dataView
	}

	/**
	 * @internal The views of the current buffer for the whole-heap getters: polled as
	 * `heap` is, and rebuilt when a resizable buffer changed size in place (its typed
	 * arrays have a fixed length). `method` is the getter, which a poll's error names.
	 */
	protected currentViews(method: string): HeapViews {
		if (this.pollingMode !== 'never') this.pollHeap(method)
		const views = this.views
		if (isResizable(views.buffer) && views.int8Array.length !== views.buffer.byteLength) {
			this.views = new HeapViews(views.buffer, method)
		}
		return this.views
	}

	// ---- polling ---------------------------------------------------------------

	// ---- tracking (the allocation collaborator's public face) --------------------

	/**
	 * The live refs allocated through this manager (a new array each time). Needs `trackAllocations`.
	 * @group Allocation & ownership
	 */
	get allocatedRefs(): HeapRef[] {
		return this.core.allocatedRefs('allocatedRefs')
	}

	/**
	 * The sum of `allocatedByteSize` over the live allocated refs, added up when read (as
	 * `allocatedRefs`, it visits every live ref). Needs `trackAllocations`.
	 * @group Allocation & ownership
	 */
	get totalAllocatedByteSize(): number {
		return this.core.totalByteSize('totalAllocatedByteSize')
	}

	/**
	 * The live refs allocated through this manager, grouped by where they were allocated
	 * (the first stack frame outside the library), most bytes first, with counts, bytes,
	 * the first one's stack, and the same as a table in `table`
	 * (`console.log(heap.report().table)`). For finding leaks: call it where everything
	 * should have been freed.
	 * @throws Error if the manager was created without `debug: true`, or with `trackAllocations: false`
	 * @group Debugging
	 */
	report(): HeapReport {
		return this.core.report('report')
	}

	/**
	 * A short summary for `JSON.stringify` and loggers: `{ type: 'WasmHeapManager',
	 * heapByteSize, liveRefCount, liveRefByteSize }` (the last two only with `trackAllocations`).
	 * @group Debugging
	 */
	toJSON(): Record<string, unknown> {
		const summary: Record<string, unknown> = { type: 'WasmHeapManager', heapByteSize: this.polledBuffer('toJSON').byteLength }
		if (this.core.tracking) {
			summary.liveRefCount = this.core.allocatedRefs('toJSON').length
			summary.liveRefByteSize = this.core.totalByteSize('toJSON')
		}
		return summary
	}

	/**
	 * `'WasmHeapManager'`, as `Object.prototype.toString` gives it (`[object WasmHeapManager]`,
	 * and `String(heap)`), so that an error about a manager given where something else goes
	 * names it: `received an object (WasmHeapManager)`, where it said `an object (Object)`.
	 * A getter on the prototype: nothing is added to the manager at construction.
	 * @group Debugging
	 */
	get [Symbol.toStringTag](): string {
		return 'WasmHeapManager'
	}

	/**
	 * @internal What `console.log(heap)` prints in Node, Deno and Bun:
	 * `WasmHeapManager { heap: 16 MiB, live refs: 3 (48 B) }`, or `tracking: off`.
	 */
	[inspectCustom](): string {
		const fields: [string, string][] = [['heap', formatByteSize(this.polledBuffer('inspect').byteLength)]]
		if (this.core.tracking) {
			fields.push(['live refs', `${this.core.allocatedRefs('inspect').length} (${formatByteSize(this.core.totalByteSize('inspect'))})`])
		} else {
			fields.push(['tracking', 'off'])
		}
		return formatInspected('WasmHeapManager', fields)
	}

	/**
	 * Frees a ref (as `ref.free()` does), or the live ref allocated through this manager at
	 * `address` (found in O(1); needs `trackAllocations`). An address with no live tracked
	 * ref throws `RangeError` and frees nothing: give raw C pointers to `deallocate`.
	 * @throws RangeError if no live tracked ref starts at `address`, or the ref belongs to
	 * another manager (nothing is freed); TypeError for anything but a ref or a number;
	 * Error if tracking is off (for an address), or as `ref.free()` throws
	 * @group Allocation & ownership
	 */
	free(refOrAddress: HeapRef | number): void {
		if (refOrAddress instanceof HeapRef) {
			if ((refOrAddress as unknown as { manager: unknown }).manager !== this) throw raise(freeRefOfAnotherManager, 'free')
			refOrAddress.free()
			return
		}
		if (typeof refOrAddress !== 'number') {
			throw raise(freeNotARefOrAddress, 'free', refOrAddress)
		}
		this.core.freeAddress(refOrAddress, 'free')
	}

	// ---- the raw allocator --------------------------------------------------------

	/**
	 * Allocates `byteSize` bytes aligned to `alignment` through the manager's allocator and
	 * returns the address: checked (a positive, aligned address inside the heap) and zeroed
	 * if the manager zeroes, but not tracked and not in any scope. This library's `_malloc`;
	 * give the region back with `deallocate(address, byteSize, alignment)`.
	 * @throws RangeError or TypeError for a bad size or alignment, or a size of 4 GiB or more
	 * that a 32-bit ABI's allocator cannot take (the allocator is not called); Error if the
	 * allocation fails
	 * @group Allocation & ownership
	 */
	allocate(byteSize: number, alignment = 8): number {
		if (!(Number.isSafeInteger(byteSize) && byteSize >= 0)) throwByteSizeError('allocate', byteSize)
		checkAlignment(alignment, 'allocate')
		return byteSize === 0 ? this.core.allocateEmptyRegion(alignment) : this.core.allocateRegion(byteSize, alignment, 'allocate')
	}

	/**
	 * Calls the manager's deallocator on a raw address, with the size and alignment it was
	 * allocated with when you know them (Rust's `dealloc` needs them; a C `free` does not).
	 * Given a `byteSize` and no `alignment`, the alignment is 8, as for `allocate`.
	 * Nothing is checked against the allocation table: a tracked ref's address is refused
	 * (use `free`), anything else within the heap goes to the deallocator as it is. A `byteSize` of 0 for
	 * an address `allocate(0)` returned goes to it as 1: `allocate(0)` asked the allocator
	 * for 1 byte (a unique address), and the deallocator gets back what its allocator was
	 * asked for (Rust's `dealloc` of a 0-byte layout frees nothing). Any other address keeps
	 * its 0: a zero-sized region made elsewhere (Rust's dangling pointer of an empty `Box`
	 * or `Vec`) was never allocated, and 1 would free it.
	 * @throws TypeError or RangeError for a bad argument (RangeError for a region that does
	 * not lie in the heap, or a `byteSize` of 4 GiB or more that a 32-bit ABI's deallocator
	 * cannot take, as `allocate` refuses one), without calling the deallocator; Error if the
	 * deallocator throws (its error as `cause`)
	 * @group Allocation & ownership
	 */
	deallocate(address: number, byteSize?: number, alignment?: number): void {
		if (!(Number.isSafeInteger(address) && address > 0)) {
			throw typeof address === 'number' ? raise(deallocateAddressInvalid, 'deallocate', address) : raise(deallocateAddressNotANumber, 'deallocate', address)
		}
		if (byteSize !== undefined && !(Number.isSafeInteger(byteSize) && byteSize >= 0)) throwByteSizeError('deallocate', byteSize)
		// 4 GiB or more: refused where a 32-bit size_t takes it, as allocating it is
		if (byteSize !== undefined && byteSize > 0xffffffff) this.core.checkDeallocationSize(byteSize, 'deallocate')
		if (alignment !== undefined) checkAlignment(alignment, 'deallocate')
		// Only a region of this heap was ever allocated; and a wasm32 deallocator would take an
		// address past 4 GiB modulo 2^32, freeing whatever lives there (a tracked ref too).
		this.checkRegion(address, byteSize || 1, 'deallocate')
		if (this.core.isTracked(address)) {
			throw raise(deallocateTrackedAddress, 'deallocate', address)
		}
		try {
			// With a size, the alignment allocate() defaults to: Rust's dealloc needs one.
			this.core.deallocate(
				address,
				byteSize === undefined || byteSize === 0 ? this.core.takeEmptyRegion(address, byteSize) : byteSize,
				alignment ?? (byteSize === undefined ? undefined : 8),
			)
		} catch (error) {
			throw raiseWithCause(error, deallocateThrew, 'deallocate', error)
		}
	}

	// ---- scopes -------------------------------------------------------------------

	/**
	 * Runs `fn()` and then frees every ref allocated through this manager while it ran
	 * (refs a nested scope took are freed by that scope), also when `fn` throws. Returns
	 * what `fn` returned. For temporaries handed to one call, as C callers use the stack.
	 * When `fn` throws, its error is rethrown once the scope has closed; if closing throws
	 * too (a deallocator that throws), an `AggregateError` holds both, `fn`'s first. Scopes
	 * `fn` opened and left open are closed first, innermost first (as unwinding through
	 * `using` blocks would close them); if `fn` returned normally, that is an `Error` too.
	 * A ref `fn` returns is freed like the rest: allocate what must outlive the call before
	 * it, or use {@link openScope}, whose `scope.keep(ref)` moves a ref out.
	 * @throws Error (`ERR_HEAP_SCOPE`) if `fn` returned with a scope it opened still open
	 * `fn`'s return type may not be a promise: TypeScript refuses an `async` fn, or one that
	 * may return a promise (`T` of a promise makes the parameter `() => never`), as the run
	 * time does.
	 * @throws TypeError if `fn` is not a function, is async, or returns a promise (by then
	 * the scope has freed its refs; await inside the scope instead, with `openScope`)
	 * @group Scopes
	 */
	withScope<T>(fn: () => T extends PromiseLike<unknown> ? never : T): T {
		// (The errors are thrown out of line: V8 inlines by bytecode size, issue 11.)
		if (typeof fn !== 'function' || fn instanceof AsyncFunction) throwScopeFunctionError(fn)
		const scope = this.core.openScope()
		let result: T
		try {
			result = fn()
		} catch (error) {
			throwAfterClosing(this.core, scope, error)
		}
		if (!this.core.isInnermostScope(scope)) throwScopesLeftOpen(this.core, scope, result)
		scope.close()
		// (the test spelled out, as isThenable's: measured so on this hot path, 0.91-0.98x pristine through the call)
		if (typeof (result as { then?: unknown } | null)?.then === 'function') throwScopePromiseError()
		return result
	}

	/**
	 * Opens a scope: every ref allocated through this manager until it closes is freed by
	 * `scope.close()` (or `using scope = heap.openScope()` at the end of the block), except
	 * those `scope.keep(ref)` moved out. Scopes nest; close them innermost first. They work
	 * with tracking off.
	 *
	 * @example
	 * ```ts
	 * import { createWasmHeapManager } from 'wasm-heap-manager'
	 *
	 * const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
	 * function squares(values: number[]) {
	 * 	using scope = heap.openScope()
	 * 	const input = heap.allocFloat64Array(values) // a temporary: freed on return
	 * 	const output = scope.keep(heap.allocFloat64Array(input.elementCount)) // the caller's to free
	 * 	for (let index = 0; index < input.elementCount; index++) output.writeAt(index, input.readAt(index) ** 2)
	 * 	return output
	 * }
	 * const result = squares([1, 2, 3])
	 * console.log(Array.from(result.view), heap.allocatedRefs.length) // [ 1, 4, 9 ] 1
	 * result.free()
	 * ```
	 * @group Scopes
	 */
	openScope(): HeapScope {
		return this.core.openScope()
	}

	/**
	 * Frees every live ref allocated through this manager. Needs `trackAllocations`. A
	 * deallocator that throws does not stop the others, as when a scope closes: every ref
	 * is freed, then the error is thrown (an `AggregateError` when several threw).
	 * @throws Error if tracking is off; Error (with the deallocator's error as `cause`) if a deallocator threw
	 * @group Allocation & ownership
	 */
	freeAll(): void {
		let errors: unknown[] | undefined
		for (const ref of this.core.allocatedRefs('freeAll')) {
			try {
				ref.free()
			} catch (error) {
				;(errors ??= []).push(error)
			}
		}
		if (errors !== undefined) throw errors.length === 1 ? errors[0] : raiseAggregate(errors, freeAllDeallocatorsThrew, 'freeAll', errors.length)
	}

	/**
	 * @internal Calls `getLatestHeap()` and checks what it returned; its error names `method`,
	 * the entry point that polled (see {@link pollHeap}).
	 */
	protected fetchHeap(method: string): HeapBuffer {
		const buffer: unknown = this.getLatestHeap()
		if (!isHeapBuffer(buffer)) {
			const error = raise(latestHeapNotABuffer, buffer, typeof WebAssembly !== 'undefined' && buffer instanceof WebAssembly.Memory, method)
			latestHeapErrors.add(error)
			throw error
		}
		// (a buffer of 0 bytes only: see isDetached)
		if (isDetached(buffer)) {
			const error = raise(latestHeapDetached, method)
			latestHeapErrors.add(error)
			throw error
		}
		return buffer
	}

	/**
	 * @internal The one place that replaces the cached views, when the buffer's identity
	 * changed. `method` is the entry point the user called, which an engine that can make no
	 * view of the new buffer names (the views are left as they were).
	 */
	protected pollHeap(method: string): void {
		const latest = this.fetchHeap(method)
		if (latest !== this.views.buffer) {
			this.views = new HeapViews(latest, method)
			if (this.pollingMode !== 'always') {
				this.fast = isResizable(latest) ? emptyViews : this.views
				this.cacheFastViews(this.fast)
			}
		}
	}

	/**
	 * @internal Polls as the mode says before an access of `byteSize` bytes at `address`:
	 * always in `'always'` mode; in `'whenEmpty'` mode when the access runs past the cached
	 * buffer or that buffer was detached (length 0; checked apart so that a zero-size
	 * access at 0 sees it too): a grown memory may have replaced it. Growth of a shared
	 * memory, never detached, is seen only here. `method`: the entry point (see {@link pollHeap}).
	 */
	pollBefore(address: number, byteSize: number, method: string): void {
		if (this.pollingMode === 'always') {
			this.pollHeap(method)
		} else if (this.pollingMode === 'whenEmpty') {
			const cachedByteLength = this.views.buffer.byteLength
			if (address + byteSize > cachedByteLength || cachedByteLength === 0) this.pollHeap(method)
		}
	}

	/**
	 * @internal For an allocation that returned a region past the cached buffer: in
	 * `'never'` mode polls too, since the allocator may have grown the memory (the built-in
	 * one grows a bare memory on demand); the other modes poll in the check that follows.
	 */
	pollAfterAllocation(method: string): void {
		if (this.pollingMode === 'never') this.pollHeap(method)
	}

	/**
	 * @internal For an access that found the cached heap too short (a string without its
	 * terminator, or without room): in `'whenEmpty'` mode polls once more and says whether
	 * the heap was replaced, so that the caller retries. Always `false` in the other modes.
	 * `method`: the entry point (see {@link pollHeap}).
	 */
	heapWasReplaced(method: string): boolean {
		if (this.pollingMode !== 'whenEmpty') return false
		const before = this.views.buffer
		this.pollHeap(method)
		return this.views.buffer !== before
	}

	/**
	 * @internal The heap's size for an error message, from the `heap` getter (polled):
	 * the cached buffer may be a grown shared memory's old one, or detached. `method`: the
	 * entry point whose error this is (see {@link pollHeap}).
	 */
	currentByteLength(method: string): number {
		return this.polledBuffer(method).byteLength
	}

	/**
	 * @internal Ensures `[address, address + byteSize)` lies in the current heap,
	 * polling as the mode says, or throws. Returns the views to use.
	 */
	checkRegion(address: number, byteSize: number, method: string): HeapViews {
		if (!(typeof address === 'number' && Number.isInteger(address) && address >= 0)) {
			throwAddressError(method, address, byteSize, this.currentByteLength(method))
		}
		this.pollBefore(address, byteSize, method)
		const heapByteLength = this.views.buffer.byteLength
		if (address + byteSize > heapByteLength) this.throwOutOfRange(method, address, byteSize, heapByteLength)
		return this.views
	}

	/**
	 * @internal Throws for an access of `byteSize` bytes at `address` (a non-negative
	 * integer) that runs past the cached heap of `heapByteLength` bytes: the error of
	 * {@link throwIfDetached}, else the address error.
	 */
	throwOutOfRange(method: string, address: number, byteSize: number, heapByteLength: number): never {
		this.throwIfDetached(method, address)
		throwAddressError(method, address, byteSize, heapByteLength)
	}

	/**
	 * @internal Before an access at `address` is reported out of range: in `'never'` mode
	 * over a buffer that was detached (the memory grew, and the mode fetches no new buffer),
	 * throws an error saying so, where the address error would blame a heap of 0 bytes.
	 */
	throwIfDetached(method: string, address: number): void {
		if (this.pollingMode === 'never' && isDetached(this.views.buffer)) throw raise(heapDetachedNeverPolled, method, address)
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
		if (address % byteSize !== 0) throwAlignmentError(method, address, byteSize, this.currentByteLength(method))
		return new Constructor(views.buffer, address, 1)
	}

	/**
	 * @internal Checks a region for a view or a wrapped array (range and natural
	 * alignment) and returns the buffer to view.
	 */
	alignedRegion(address: number, byteSize: number, alignment: number, method: string): HeapBuffer {
		const views = this.checkRegion(address, byteSize, method)
		if (address % alignment !== 0) throwAlignmentError(method, address, alignment, this.currentByteLength(method))
		return views.buffer
	}

	/** @internal Checks the target of a `wrap*` call: not null, in range and (for arrays) aligned. */
	wrapRegion(address: number, byteSize: number, alignment: number, method: string): void {
		if (address === 0) {
			throw raise(wrapNullPointer, method)
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
		zeroBytes(this.checkRegion(address, byteSize, method), address, byteSize)
	}

	/**
	 * @internal The cold body of every `view<T>Array`: checks the count, the range and the
	 * alignment, and returns a view over the heap's current buffer.
	 */
	viewArray<T>(
		Constructor: TypedArrayConstructorLike<T> | string,
		byteSize: number,
		alignment: number,
		method: string,
		address: number,
		elementCount: number,
	): T {
		if (!(Number.isSafeInteger(elementCount) && elementCount >= 0)) throwElementCountError(method, elementCount)
		const buffer = this.alignedRegion(address, elementCount * byteSize, alignment, method)
		// A name stands for a constructor some engines lack, looked up once the arguments are known to be valid.
		const View = typeof Constructor === 'string' ? requireGlobalConstructor<T>(Constructor, method) : Constructor
		return new View(buffer, address, elementCount)
	}

	/** @internal A typed array over a checked, aligned region (string refs' element views). */
	typedView<T>(Constructor: TypedArrayConstructorLike<T>, address: number, elementCount: number, method: string): T {
		const size = Constructor.BYTES_PER_ELEMENT
		return new Constructor(this.alignedRegion(address, elementCount * size, size, method), address, elementCount)
	}

	// ---- structs (see src/structs/) ------------------------------------------------

	/**
	 * Allocates a struct or union of `type` (aligned as the `abi` option's C ABI lays it
	 * out), writes the fields `init` gives, and returns a `StructRef` with one property per field.
	 * @throws TypeError or RangeError for a bad `init` (checked before anything is allocated); Error if the allocation fails
	 * @group Structs
	 */
	allocStruct<T extends StructType>(type: T, init?: StructInit<T>): StructRefOf<T>
	/**
	 * Allocates a struct of a class `wasm-heap-manager generate` wrote (or of a struct type
	 * or such a class, not known which), writes the fields `init` gives, and returns an
	 * instance of the class (a `StructRef` for a struct type).
	 * @throws TypeError or RangeError for a bad `init` (checked before anything is allocated); Error if the allocation fails
	 * @group Structs
	 */
	allocStruct<X extends StructTypeOrClass>(type: X, init?: StructInit<DeclarationOf<X>>): RefOf<X>
	allocStruct<X extends StructTypeOrClass>(type: X, init?: StructInit<DeclarationOf<X>>): RefOf<X> {
		return allocStruct(this as unknown as WasmHeapManager, type, init)
	}

	/**
	 * A `StructRef` over the struct of `type` at `address` (any alignment, as `wrap<T>` takes).
	 * @throws RangeError for address 0 or a struct that does not lie within the heap; TypeError for a bad `type` or options
	 * @group Structs
	 */
	wrapStruct<T extends StructType>(type: T, address: number, options?: WrapOptions): StructRefOf<T>
	/**
	 * An instance of a class `wasm-heap-manager generate` wrote (or of a struct type or such a
	 * class, not known which: a `StructRef` for a struct type) over the struct at `address`.
	 * @throws RangeError for address 0 or a struct that does not lie within the heap; TypeError for a bad `type` or options
	 * @group Structs
	 */
	wrapStruct<X extends StructTypeOrClass>(type: X, address: number, options?: WrapOptions): RefOf<X>
	wrapStruct<X extends StructTypeOrClass>(type: X, address: number, options?: WrapOptions): RefOf<X> {
		return wrapStruct(this as unknown as WasmHeapManager, type, address, options)
	}

	/**
	 * Reads the struct of `type` at `address` as plain data: numbers, bigints (64-bit
	 * types), booleans, strings (inline strings), nested objects, arrays (fixed arrays),
	 * addresses (pointers, 0 for null), numbers (enums); a union as an object with every
	 * member decoded from the same bytes.
	 * @throws RangeError if the struct does not lie within the heap
	 * @group Structs
	 */
	readStruct<X extends StructTypeOrClass>(type: X, address: number): StructValue<DeclarationOf<X>> {
		return readStruct(this as unknown as WasmHeapManager, type, address)
	}

	/**
	 * Writes the fields `value` gives into the struct of `type` at `address`; fields not
	 * given are left as they are, and so are the elements of a fixed array after the
	 * values given for it (`{ history: [9] }` writes `history[0]` only). Every value is checked before any is written; an inline
	 * string is followed by its terminator and zeros to the end of its array.
	 * @throws RangeError if the struct does not lie within the heap or a value is out of range; TypeError for a value of the wrong kind or an unknown field (nothing is written)
	 * @group Structs
	 */
	writeStruct<X extends StructTypeOrClass>(type: X, address: number, value: StructInit<DeclarationOf<X>>): void {
		writeStruct(this as unknown as WasmHeapManager, type, address, value)
	}

	/**
	 * Allocates an array of `countOrValues` structs of `type` (a count, or values written
	 * in, checked before anything is allocated) and returns a `StructArrayRef`.
	 * @throws TypeError or RangeError for a bad count or value; Error if the allocation fails
	 * @group Structs
	 */
	allocStructArray<T extends StructType>(type: T, countOrValues: number | ArrayLike<StructInit<T>>): StructArrayRef<T>
	/**
	 * Allocates an array of structs of a class `wasm-heap-manager generate` wrote (or of a
	 * struct type or such a class, not known which) and returns an instance of its array class
	 * (`ParticleArrayRef`; a `StructArrayRef` for a struct type).
	 * @throws TypeError or RangeError for a bad count or value; Error if the allocation fails
	 * @group Structs
	 */
	allocStructArray<X extends StructTypeOrClass>(type: X, countOrValues: number | ArrayLike<StructInit<DeclarationOf<X>>>): ArrayRefOf<X>
	allocStructArray<X extends StructTypeOrClass>(type: X, countOrValues: number | ArrayLike<StructInit<DeclarationOf<X>>>): ArrayRefOf<X> {
		return allocStructArray(this as unknown as WasmHeapManager, type, countOrValues)
	}

	/**
	 * A `StructArrayRef` over `elementCount` structs of `type` at `address` (aligned to
	 * the struct, as `wrap<T>Array` requires), `options.stride` bytes apart (default: the struct's size).
	 * @throws RangeError for address 0, a misaligned address, a stride below the struct's size, or an array that does not lie within the heap
	 * @group Structs
	 */
	wrapStructArray<T extends StructType>(type: T, address: number, elementCount: number, options?: StructArrayWrapOptions): StructArrayRef<T>
	/**
	 * An instance of the array class of a class `wasm-heap-manager generate` wrote (or of a
	 * struct type or such a class, not known which: a `StructArrayRef` for a struct type) over
	 * `elementCount` structs at `address`, `options.stride` bytes apart.
	 * @throws RangeError for address 0, a misaligned address, a stride below the struct's size, or an array that does not lie within the heap
	 * @group Structs
	 */
	wrapStructArray<X extends StructTypeOrClass>(type: X, address: number, elementCount: number, options?: StructArrayWrapOptions): ArrayRefOf<X>
	wrapStructArray<X extends StructTypeOrClass>(type: X, address: number, elementCount: number, options?: StructArrayWrapOptions): ArrayRefOf<X> {
		return wrapStructArray(this as unknown as WasmHeapManager, type, address, elementCount, options)
	}

	/**
	 * `sizeof` a struct, union or any field type (`'Pointer'`, `{ array: 'Int32', length: 4 }`...) under the manager's `abi`.
	 * @group Structs
	 */
	sizeOf(type: StructTypeOrClass | ValueTypeSpec): number {
		return typeLayout(type, this.abi, 'sizeOf').size
	}

	/**
	 * `_Alignof` a struct, union or any field type under the manager's `abi`.
	 * @group Structs
	 */
	alignOf(type: StructTypeOrClass | ValueTypeSpec): number {
		return typeLayout(type, this.abi, 'alignOf').align
	}

	/**
	 * `offsetof(type, path)` under the manager's `abi`: `path` is a dotted path of field
	 * names (`'position.y'`), with element indices for fixed arrays (`'points.2.x'`). For a
	 * bitfield, the offset of the byte holding its first bit. TypeScript checks a literal
	 * path against the type's declaration ({@link FieldPath}); a path of type `string` is
	 * checked when called.
	 * @throws RangeError for a path that names no field
	 * @group Structs
	 */
	offsetOf<X extends StructTypeOrClass, P extends string>(type: X, fieldPath: string extends P ? P : P extends FieldPath<DeclarationOf<X>> ? P : FieldPath<DeclarationOf<X>>): number {
		return offsetOf(type, fieldPath, this.abi)
	}

	// ---- waking waiters (the waits are generated per type: wait<T>, wait<T>Async) ----

	/**
	 * Wakes up to `count` threads (default: all) sleeping in a wait on `address` (of any
	 * width: `waitInt32`, `waitBigInt64Async`, C's `memory.atomic.wait32`/`wait64`), as
	 * `Atomics.notify` and C's `__builtin_wasm_memory_atomic_notify` do. Returns how many
	 * woke: 0 on a heap that is not shared, where nobody can wait.
	 * @throws RangeError if `address` is not a multiple of 4 or does not lie within the heap, or `count` is not a non-negative integer or Infinity
	 * @throws TypeError if `address` or `count` is not a number
	 * @group Waits
	 */
	notify(address: number, count?: number): number {
		let view = this.fast.int32Array
		let index = typeof address === 'number' ? address / 4 : Number.NaN
		if (!(Number.isInteger(index) && index >= 0 && index < view.byteLength / 4)) {
			view = this.atomicWindow(Int32Array, address, 4, 'notify')
			index = 0
		}
		return notifyAt(view, index, count, 'notify')
	}
}
