import { bigintValue, numberValue } from './conversions.js'
import { refNameKey, throwFreedError, throwIndexError, throwPointer53ValueError } from './errors.js'
import { formatInspected, formatInspectedElements, formatInspectedValue, inspectCustom, jsonValue, quote } from './inspect.js'
import { raise, raiseRenamed, refIsNotANumber } from './messages.js'
import type { WasmHeapManager } from '../generated/WasmHeapManager.generated.js'

/** A function that frees a region: `(address, byteSize?, alignment?)` (a plain `free(ptr)` ignores the rest). */
export type HeapRefDeallocator = { deallocate(address: number, byteSize?: number, alignment?: number): unknown }['deallocate']

/**
 * @internal The scope that owns a ref (a `HeapScope`). A ref leaves it by setting its
 * `scope` to `undefined` (freed, released, kept or stale); the scope skips such refs when
 * it closes.
 */
export interface HeapScopeLike {
	readonly isClosed: boolean
}

/**
 * @internal The `scope` of a ref its scope's end freed (set by `HeapScope.close` after the
 * free, which sets `undefined`), for the freed error to say so: a ref is freed with a
 * `scope` only then. A constant, not the closed scope: a freed ref kept alive would keep
 * its scope's other refs alive too.
 */
export const scopeEnded: HeapScopeLike = { isClosed: true }

/**
 * How the region a summary of `ref` would read stopped being usable, or `undefined` while
 * it is: through `ref`, or through the struct ref it was reached from (its `root`). A
 * function, not a method: a member of the ref classes would take a name from struct fields.
 */
function endedAs(ref: HeapRef): 'freed' | 'released' | undefined {
	const owner = ((ref as { root?: HeapRef }).root ?? ref) as unknown as { readonly freed: boolean; isReleased(): boolean }
	if (!owner.freed) return undefined
	return owner.isReleased() ? 'released' : 'freed'
}

/**
 * What every reference shares: a region of the heap (the region it covers, the manager it
 * reads through, and whether it may still be used) and its ownership. `free()` gives
 * the region back through the manager (for wrapped refs too: it frees the memory the ref
 * wraps). Generated subclasses add the typed accessors.
 * @group Ref base classes
 */
export abstract class HeapRef {
	/**
	 * Heap byte offset of the referenced region.
	 * @group Region
	 */
	readonly address: number
	/**
	 * Size of the referenced region, in bytes.
	 * @group Region
	 */
	readonly allocatedByteSize: number
	/** The manager whose heap the region lives in (subclasses, such as the classes `wasm-heap-manager generate` writes, read and write through it). */
	protected readonly manager: WasmHeapManager
	/** @internal Set once the region may no longer be used through this ref. */
	protected freed = false
	/**
	 * @internal `address + allocatedByteSize` while live, `Infinity` once freed: the refs'
	 * fast paths compare it with the heap's live length, one comparison for both checks.
	 */
	protected liveEnd: number

	/**
	 * @internal The `byteSize` the deallocator gets back: what the allocator was asked for
	 * (at least 1), or the wrapped region's size. Set by the manager when it makes the ref.
	 */
	allocationByteSize: number
	/** @internal The `alignment` the deallocator gets back, as the allocator got it. */
	allocationAlignment = 1
	/**
	 * @internal This ref's own deallocator (`WrapOptions.deallocator`): `undefined` for the
	 * manager's, `null` for a borrowed region that `free()` only invalidates, and
	 * {@link releasedRegion} once `release()` handed the region over.
	 */
	ownDeallocator: HeapRefDeallocator | null | undefined = undefined
	/** @internal The scope that frees this ref when it closes, if any. */
	scope: HeapScopeLike | undefined = undefined
	/**
	 * @internal Where the manager's allocation table put this ref (0 until it does): a hint
	 * that `free()` checks before it looks the address up; -1 for a ref made untracked.
	 * (Whether a ref is tracked, and whether it was released, are read from this field and
	 * from `ownDeallocator` rather than kept in fields of their own: every field is a store
	 * when a ref is made and 8 bytes more of garbage per temporary, issue 11.)
	 */
	tableSlot: number

	/**
	 * Refs are made by the manager's `alloc*` and `wrap*` methods, which check the
	 * region first; constructing one directly skips those checks.
	 */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean) {
		this.manager = manager
		this.address = address
		this.allocatedByteSize = allocatedByteSize
		this.liveEnd = address + allocatedByteSize
		// (`=== true` first: see HeapCore's flags.)
		this.tableSlot = tracked === true || tracked ? 0 : -1
		this.allocationByteSize = allocatedByteSize
	}

	/** @internal Whether the manager's allocation table holds this ref (made tracked). */
	get tracked(): boolean {
		return this.tableSlot !== -1
	}

	/** @internal Set by `release()`: the region now belongs to other code. */
	protected get released(): boolean {
		return this.ownDeallocator === releasedRegion
	}

	/** @internal The class name used in error messages (kept as data so minifiers cannot rename it). */
	protected abstract get refName(): string

	/**
	 * Whether `free()` was called on this ref (or on the manager for its address).
	 * A region freed by other code (for example by C calling `free`) is not noticed.
	 * @group Allocation & ownership
	 */
	get isFreed(): boolean {
		return this.freed
	}

	/**
	 * A `Uint8Array` over the whole referenced region, valid until the heap is next replaced.
	 * @group Region
	 */
	get allocatedBytesView(): Uint8Array {
		if (this.freed) this.throwFreed('allocatedBytesView')
		return this.manager.bytesView(this.address, this.allocatedByteSize, `${this.refName}.allocatedBytesView`)
	}

	/**
	 * Sets every byte of the referenced region to 0.
	 * @group Region
	 */
	clear(): void {
		if (this.freed) this.throwFreed('clear')
		this.manager.zeroRegion(this.address, this.allocatedByteSize, `${this.refName}.clear`)
	}

	/**
	 * A short summary for `JSON.stringify` and loggers: `{ type: 'Int32Ref', address: 1024,
	 * value: 7 }`. String refs give the string (slice refs after `elementCount` and `capacity`), array refs `elementCount` and every element
	 * as `values`, struct refs their fields as `value` (what `read()` gives); 64-bit
	 * integers become decimal strings. A freed ref gives `{ type, address, freed: true }`
	 * (`released: true` once released), without reading the heap; so does a ref reached
	 * from a struct (a nested struct, an element, an array field) once that one is freed.
	 * @group Debugging
	 */
	toJSON(): Record<string, unknown> {
		const summary: Record<string, unknown> = { type: this.refName, address: this.address }
		const ended = endedAs(this)
		if (ended !== undefined) {
			summary[ended] = true
			return summary
		}
		try {
			for (const [key, value] of this.contents('json')) summary[key] = value
		} catch (error) {
			summary.unreadable = error instanceof Error ? error.message : String(error)
		}
		return summary
	}

	/**
	 * @internal What `console.log(ref)` and `util.inspect(ref)` print in Node, Deno and Bun:
	 * `Int32Ref { address: 1024, value: 7 }`, `Int32Ref { address: 1024, freed: true }`.
	 */
	[inspectCustom](): string {
		const fields: [string, string][] = [['address', String(this.address)]]
		const ended = endedAs(this)
		if (ended !== undefined) {
			fields.push([ended, 'true'])
		} else {
			try {
				for (const [key, value] of this.contents('inspect')) fields.push([key, value as string])
			} catch (error) {
				fields.push(['unreadable', quote(error instanceof Error ? error.message : String(error))])
			}
		}
		return formatInspected(this.refName, fields)
	}

	/** @internal The class name, for the message of a ref given where an address goes (see `throwAddressError`). */
	get [refNameKey](): string {
		return this.refName
	}

	/**
	 * The ref's class name (`Int32ArrayRef`; for a struct ref, its struct's name), as
	 * `Object.prototype.toString` gives it (`[object Int32ArrayRef]`), so that an error
	 * about a ref given where a value, a string or an array goes names it:
	 * `received an object (Int32ArrayRef)`, where it said `an object (Object)`.
	 * @group Debugging
	 */
	get [Symbol.toStringTag](): string {
		return this.refName
	}

	/**
	 * `String(ref)` and `${ref}` give what `console.log` shows (`Int32Ref { address: 1024, value: 7 }`).
	 * A ref does not convert to a number: `exports.c_function(ref)` or `ref + 4` throws a
	 * `TypeError` (`ERR_HEAP_INVALID_ARGUMENT`), where it gave `NaN`, which a wasm function
	 * takes as the address 0.
	 * @throws TypeError for any conversion but to a string
	 * @group Debugging
	 */
	[Symbol.toPrimitive](hint: 'string' | 'number' | 'default'): string {
		if (hint !== 'string') throw raise(refIsNotANumber, this.refName, hint)
		return this.toString()
	}

	/**
	 * What `console.log` shows, as a string: `Int32Ref { address: 1024, value: 7 }` (it gave `[object Object]`).
	 * @group Debugging
	 */
	toString(): string {
		return this[inspectCustom]()
	}

	/**
	 * @internal The contents a summary shows, read from the heap: `value` for refs that
	 * have one (numbers, strings), after a slice ref's `elementCount` and `capacity` (which
	 * its value does not show, as an array ref shows its `elementCount`); array refs
	 * override it. As JSON values, or formatted.
	 */
	protected contents(as: 'json' | 'inspect'): [string, unknown][] {
		if (!('value' in this)) return []
		const keys = 'capacity' in this ? (['elementCount', 'capacity', 'value'] as const) : (['value'] as const)
		return keys.map((key) => {
			const value = (this as unknown as Record<typeof key, unknown>)[key]
			return [key, as === 'json' ? jsonValue(value) : formatInspectedValue(value)]
		})
	}

	/**
	 * @internal Ends the use of the region through this ref, without freeing anything.
	 * `ArrayHeapRef.invalidate` repeats these stores rather than calling this (see there):
	 * a store added here belongs there too.
	 */
	protected invalidate(): void {
		this.freed = true
		this.liveEnd = Infinity
	}

	/** @internal Cold path of the refs' fast paths: the address, or the freed error. */
	protected liveAddress(member: string): number {
		if (this.freed) this.throwFreed(member)
		return this.address
	}

	/**
	 * @internal Cold path of the value refs' and array refs' plain reads and writes: the
	 * manager's `DataView` for the `byteSize` bytes at `address`, polled and checked as the
	 * manager's own read or write would (the same check: out of range, a buffer detached
	 * under pollingMode 'never'), with its error naming the member (`Int32Ref.value: ...`),
	 * where the manager's method would name itself (`readInt32: ...`).
	 */
	protected polledView(address: number, byteSize: number, member: string): DataView {
		return this.manager.checkRegion(address, byteSize, `${this.refName}.${member}`).dataView
	}

	/** @internal {@link polledView} for a value ref's own `byteSize` bytes, after its liveness check (the freed error). */
	protected liveView(byteSize: number, member: string): DataView {
		return this.polledView(this.liveAddress(member), byteSize, member)
	}

	/**
	 * @internal A value given to a member that writes (`writeAt`'s cold path, the atomics),
	 * converted as the manager's write converts it, with an error naming the member, and
	 * then the liveness check: after the conversion, since an object's `valueOf` may free
	 * the ref, and a check made before it would let the store land in the freed region.
	 * An array ref has checked its index (and liveness) before; the check here is again.
	 */
	protected liveNumber(value: number, member: string, name?: string): number {
		if (typeof value !== 'number') value = numberValue(value, `${this.refName}.${member}`, name)
		if (this.freed) this.throwFreed(member)
		return value
	}

	/** @internal {@link liveNumber} for a bigint row: anything but a bigint is refused, nothing is called on it. */
	protected liveBigint(value: bigint, member: string, name?: string): bigint {
		if (typeof value !== 'bigint') bigintValue(value, `${this.refName}.${member}`, name)
		if (this.freed) this.throwFreed(member)
		return value
	}

	/**
	 * @internal {@link liveNumber} for a pointer53 row: nothing is converted (a value that is
	 * not a safe non-negative integer is refused untouched, naming the member), then the ref's check.
	 */
	protected livePointer53(value: number, member: string): number {
		if (!(Number.isSafeInteger(value) && value >= 0)) throwPointer53ValueError(`${this.refName}.${member}`, value)
		if (this.freed) this.throwFreed(member)
		return value
	}

	/**
	 * @internal The `catch` of an atomic member (or a string ref's `read` and `value`) around its
	 * call to the manager's method: that method's error (misaligned, out of range, a stored
	 * pointer53 above 2^53 - 1) names the method (`readInt32Atomic: ...`); it is thrown again
	 * naming the member (`Int32Ref.readAtomic: ...`), with the same class, code, cause and the
	 * rest of the message ({@link raiseRenamed}). Struct, struct array and field array members
	 * rename their heap accesses' errors the same way (`S.write: ...` for `writeInt32: ...`); an
	 * error naming the ref already (a field array's `S.sizes: the Size at ...`) is kept as it is.
	 * Only an error takes this path: the call itself is as before.
	 */
	protected throwAsMember(error: unknown, member: string): never {
		if (error instanceof Error && error.message.startsWith(`${this.refName}: `)) throw error
		throw raiseRenamed(error, `${this.refName}.${member}`)
	}

	/** @internal */
	protected throwFreed(member: string): never {
		throwFreedError(this.refName, member, this.address, this.isReleased(), this.scope)
	}

	/**
	 * Frees the region through the manager's deallocator, called as
	 * `free(address, byteSize, alignment)` with what the allocator was given (for wrapped
	 * refs: through their `WrapOptions.deallocator` if they have one, and not at all if
	 * they are borrowed), and removes the ref from the allocation table and its scope.
	 * A second call does nothing.
	 * @throws Error if the ref was released; Error (with the deallocator's error as
	 * `cause`) if the deallocator throws: the ref is freed all the same
	 * @group Allocation & ownership
	 */
	free(): void {
		if (this.freed) return this.freeAgain()
		this.invalidate()
		this.manager.core.freeRef(this)
	}

	/** @internal A second `free()`: nothing to do, unless the ref was released. */
	private freeAgain(): void {
		if (this.released) this.throwFreed('free')
	}

	/**
	 * Gives up ownership without freeing: the ref leaves the allocation table and any
	 * scope, every further use throws, and the address is returned, for C or Rust code
	 * that takes the region over (and frees it itself).
	 * @throws Error if the ref was already freed or released
	 * @group Allocation & ownership
	 */
	release(): number {
		if (this.freed) this.throwFreed('release')
		this.invalidate()
		this.manager.core.forget(this)
		this.ownDeallocator = releasedRegion
		return this.address
	}

	/**
	 * @internal The region was freed by other code and handed out again (the manager saw
	 * a new allocation at this address): mark the ref freed without calling the deallocator.
	 */
	markFreedElsewhere(): void {
		this.invalidate()
	}

	/** @internal Whether the region was handed over with `release()`. */
	protected isReleased(): boolean {
		return this.released
	}

	/**
	 * Calls `free()`, so that `using ref = heapManager.allocInt32()` frees at the end of the scope.
	 * @group Allocation & ownership
	 */
	[Symbol.dispose](): void {
		this.free()
	}
}

/**
 * @internal The `ownDeallocator` of a released ref (see `HeapRef.release()`): the region
 * belongs to other code, and nothing here frees it.
 */
export const releasedRegion: HeapRefDeallocator = () => undefined

/** @internal Whether this host's typed arrays are little-endian, as every wasm heap is. */
export const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * What every array reference shares: an element count, index checking and iteration.
 * `V` is what iterating it gives: each element's value (`number` or `bigint`), or for a
 * struct array each element's ref.
 * @group Ref base classes
 */
export abstract class ArrayHeapRef<V = unknown> extends HeapRef {
	/**
	 * Number of elements in the array.
	 * @group Elements
	 */
	readonly elementCount: number
	/** @internal `elementCount` while the ref is live, 0 once freed: one comparison checks both. */
	protected liveElementCount: number

	/** Array refs are made by the manager's `alloc*Array` and `wrap*Array` methods; see {@link HeapRef}'s constructor. */
	constructor(manager: WasmHeapManager, address: number, allocatedByteSize: number, tracked: boolean, elementCount: number) {
		super(manager, address, allocatedByteSize, tracked)
		this.elementCount = elementCount
		this.liveElementCount = elementCount
	}

	/**
	 * @internal `HeapRef`'s invalidation, written out rather than called as
	 * `super.invalidate()`: where one `free()` call site frees refs of several classes (a
	 * scope's close), V8 (Node 20) compiled the stores of this method and of the typed
	 * array refs' own `invalidate` behind two levels of `super` calls as generic store ICs
	 * (`--print-opt-code`: two `StoreIC` calls per array ref freed), and as plain stores
	 * once this level made no `super` call (issue 11).
	 */
	protected override invalidate(): void {
		this.freed = true
		this.liveEnd = Infinity
		this.liveElementCount = 0
	}

	/** @internal An array's summary: its element count and elements (the first few when formatted). */
	protected override contents(as: 'json' | 'inspect'): [string, unknown][] {
		const readAt = (index: number): unknown => (this as unknown as { readAt(index: number): unknown }).readAt(index)
		if (as === 'inspect') {
			return [
				['elementCount', String(this.elementCount)],
				['values', formatInspectedElements(this.elementCount, readAt)],
			]
		}
		const values: unknown[] = []
		for (let index = 0; index < this.elementCount; index++) values.push(jsonValue(readAt(index)))
		return [
			['elementCount', this.elementCount],
			['values', values],
		]
	}

	/**
	 * @internal For the generated `readAt`/`writeAt` cold paths, after a checked access: a
	 * typed array over this ref's elements in the heap's current buffer, or `empty` where
	 * the fast paths must not index one: the manager serves every access from its cold
	 * path (`'always'` polling, a resizable buffer: its `fast` views are empty), the
	 * region lies past the cached buffer or an engine's typed-array cap, the ref is
	 * freed, or typed arrays are big-endian here.
	 */
	protected elementView<T>(Constructor: new (buffer: ArrayBufferLike, byteOffset: number, length: number) => T, empty: T): T {
		const fast = this.manager.fast
		if (!littleEndianHost || this.freed || !(this.liveEnd <= fast.uint8Array.length)) return empty
		return new Constructor(fast.buffer, this.address, this.elementCount)
	}

	/**
	 * Iterates over the elements' values, each read as `readAt(index)` reads it when the
	 * iteration reaches it, so `[...ref]`, `Array.from(ref)` and `for (const value of ref)`
	 * copy them out (after the memory grew too); a typed array of them is `ref.view.slice()`.
	 * @throws Error if the ref was freed or released (at the first element)
	 * @group Elements
	 */
	[Symbol.iterator](): IterableIterator<V> {
		return new ElementIterator<V>(this as unknown as ElementSource<V>) as unknown as IterableIterator<V>
	}

	/** @internal Cold path of the index check in `readAt` and its relatives. */
	protected throwIndexOrFreed(member: string, index: unknown): never {
		if (this.freed) this.throwFreed(member)
		throwIndexError(`${this.refName}.${member}`, index, this.elementCount)
	}
}

/** @internal What {@link ElementIterator} reads the elements through: `readAt`, or `at` for struct and field arrays. */
export interface ElementSource<V> {
	readonly elementCount: number
	readAt(index: number): V
	at(index: number): V
}

/**
 * @internal The iterator of an array ref: each element read through the ref's `readAt` as
 * `next()` reaches it, with a generator's closing (a read that threw, or `return()`, ends
 * it). An object, not a generator method: V8 (Node 20 and 24) neither inlines a
 * generator's body into its caller nor elides the step results a resumption yields, which
 * cost 12-22 ns an element against 5-15 ns for this object (bench/iteration-ab.mjs). Its
 * prototype chain reaches the engine's `%IteratorPrototype%`, as a generator's does
 * (through `%GeneratorPrototype%`): the iterator is iterable (`[Symbol.iterator]()` is
 * itself), and iterator helpers (`.map`, `.toArray`) work where the engine has them.
 */
export class ElementIterator<V> {
	/** @internal The next element's index; `elementCount` once done. */
	protected index = 0
	/** @internal */
	protected readonly source: ElementSource<V>

	constructor(source: ElementSource<V>) {
		this.source = source
	}

	next(): IteratorResult<V> {
		const index = this.index
		const source = this.source
		const count = source.elementCount
		if (index >= count) return { value: undefined, done: true }
		// done while the read runs: one that throws ends the iteration, as a generator's would
		this.index = count
		const value = source.readAt(index)
		this.index = index + 1
		return { value, done: false }
	}

	return(value?: unknown): IteratorResult<V> {
		this.index = this.source.elementCount
		return { value: value as V, done: true }
	}
}
Object.setPrototypeOf(ElementIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object)

/**
 * @internal {@link ElementIterator} through `at` (struct arrays and struct fields' arrays:
 * the elements in place). Its own `next`, not a flag or a method `next` calls: with both
 * reads in one `next`, V8 did not inline a struct array's `at` into the loop.
 */
export class ElementInPlaceIterator<V> extends ElementIterator<V> {
	override next(): IteratorResult<V> {
		const index = this.index
		const source = this.source
		const count = source.elementCount
		if (index >= count) return { value: undefined, done: true }
		this.index = count
		const value = source.at(index)
		this.index = index + 1
		return { value, done: false }
	}
}
