/**
 * The built-in allocator: a two-level segregated-fit allocator (TLSF) with boundary tags,
 * whose whole state lives in the heap it manages, so that every thread holding the same
 * shared memory allocates from one pool.
 *
 * Layout of the managed range `[start, end)`:
 *
 * ```
 * base = start rounded up to 8
 * [base, base + 3600)    header: magic, version, lock word, base, end, growth limit,
 *                        used bytes, tag salt, designated victim, quick-block count,
 *                        first-level bitmap, 25 second-level bitmaps, 25 x 32 free-list
 *                        heads, 64 quick-list heads
 * [first, end - 8)       blocks, back to back; every block starts at a multiple of 8
 * [end - 8, end)         sentinel: a zero-size block marked in use
 * ```
 *
 * A block of `size` bytes (a multiple of 8, at least 16) at address `H`:
 *
 * ```
 * in use: H+0 size | USED | PREV_FREE?   H+4 tag   H+8 .. H+size  the caller's bytes
 * quick:  H+0 size | USED | QUICK | PREV_FREE?   H+4 tag   H+8 next on its quick list
 * free:   H+0 size                       H+4 next  H+8 previous  ...  H+size-4 size (footer)
 * ```
 *
 * - `alloc(n)` hands out `H + 8`, 8-aligned, in a block of `max(16, roundUp8(n + 8))` bytes;
 *   larger alignments split the leading gap off as a free block of its own.
 * - The tag of a block in use mixes its address, its size and a per-heap salt: `free`
 *   accepts an address only if the word before it holds the matching tag, so a pointer
 *   into the middle of a block, a freed block and a header overwritten by a buffer
 *   overflow are all refused in O(1) (a forgery needs the right 32-bit value).
 * - A free block never touches another free block (they merge on `free`), so a free
 *   block's header holds its bare size, and `PREV_FREE` on a block in use tells that the
 *   word before it is the free neighbour's footer.
 * - Free blocks sit in doubly linked lists by size class: sizes below 256 bytes get one
 *   exact class per multiple of 8; above, each power of two is cut into 32 classes. A
 *   bitmap per level finds the first non-empty class in O(1) with `Math.clz32`.
 *   `alloc` rounds the request up to the next class boundary (good fit: any block of
 *   the class found fits), so both `alloc` and `free` are O(1); only an `alloc` that
 *   neither that search nor the top serves walks its own class's list (see
 *   `allocFallback`), before the memory grows for it.
 * - The free block that ends at the end marker, the top, sits on no list (as dlmalloc's
 *   top chunk): `alloc` carves from it when no listed block fits, a `free` next to it
 *   merges into it, and growth extends it, all without list operations.
 * - One more free block sits on no list, the designated victim (dlmalloc's `dv`): the
 *   rest of the last block split for a small request. A small request that its own
 *   class (or the next, whose blocks are 8 bytes larger) cannot serve is cut from the
 *   victim, whose rest stays the victim; a `free` next to it merges into it. So a run of
 *   small requests costs no list operations. Only when the victim is too small does a
 *   small request split a listed block, whose rest becomes the new victim (the old one
 *   goes on its list). Larger requests use it only when no listed block fits; aligned
 *   ones put it back on its list first.
 * - Quick lists (dlmalloc's fastbins, bounded): a freed block below 512 bytes whose
 *   neighbours are both in use stays marked in use, with the QUICK flag, and goes on a
 *   singly linked list of its exact size (QUICK_CAPACITY blocks at most on all the lists
 *   together); `alloc` of that size takes it back first. Neither touches a neighbour or
 *   a bitmap of the free lists. Its bytes count as free (`usedByteSize` drops on
 *   `free`), and before the memory grows or a request fails, every quick block is freed
 *   for real (merged and listed), so they never cost the heap memory it needs; they can
 *   hold up to QUICK_CAPACITY x 504 bytes away from other sizes until then (in a churn of
 *   1,000 live blocks of 16-256 bytes the heap spans ~1.25x what dlmalloc's does).
 *
 * On a `SharedArrayBuffer` every operation holds a futex-style lock on the header's lock
 * word (spin, then `Atomics.wait` where the thread may block). A non-shared buffer has
 * one thread and takes no lock.
 *
 * The allocator manages addresses below 2^32 (a wasm32 address space): every word it
 * stores is a uint32, and block sizes and addresses stay below 2^32.
 */

import { formatInspected, inspectCustom } from './inspect.js'
import {
	allocFailedNeverFits,
	allocFailedNoBlock,
	allocFailedPast4GiB,
	allocGrowthFixed,
	allocGrowthPastLimit,
	allocGrowthRefused,
	allocatorBufferResizedUnderHeap,
	allocatorBufferShrank,
	allocatorEndPast4GiB,
	allocatorEndPastBuffer,
	allocatorFreeNotANumber,
	allocatorFreeNotLive,
	allocatorHeaderVersion,
	allocatorHeapPastBuffer,
	allocatorNoRoomForHeader,
	allocatorOptionInvalid,
	allocatorOptionNotANumber,
	allocatorOptionsNotAnObject,
	allocatorOverlapsState,
	allocatorRangesOverlap,
	allocatorRangeTooSmall,
	allocatorSizeInvalid,
	allocatorSizeNotANumber,
	allocatorTargetInvalid,
	alignmentInvalid,
	alignmentNotANumber,
	corruptAdjacentFree,
	corruptBackLink,
	corruptBlockSize,
	corruptBlocksEnd,
	corruptEnd,
	corruptEndMarker,
	corruptFirstLevelBitmap,
	corruptQuickFree,
	corruptQuickList,
	corruptQuickCount,
	corruptVictim,
	corruptFooter,
	corruptFreeFlagsPreviousFree,
	corruptHeader,
	corruptHeaderBase,
	corruptHeaderMagic,
	corruptHeaderRange,
	corruptListedNotFree,
	corruptListHead,
	corruptOrphan,
	corruptPreviousFreeFlag,
	corruptSecondLevelBitmap,
	corruptTag,
	corruptUsedCount,
	corruptWrongClass,
	raise,
	type FreeRefusal,
	unknownOption,
} from './messages.js'

/** Header magic: "HEAP" in ASCII, read as a little-endian uint32. */
const MAGIC = 0x50414548
/** Written to the magic word while one thread initialises the header. */
const INITIALISING = 0x54494e49
/** Layout version: a header with another version is refused rather than misread. */
const VERSION = 2

// Header word offsets (from the header's first word).
const H_MAGIC = 0
const H_VERSION = 1
const H_LOCK = 2
const H_BASE = 3
const H_END = 4
const H_LIMIT = 5
const H_USED = 6
const H_SALT = 7
/** Word index of the designated victim (0: none). */
const H_DV = 8
/** Number of blocks on the quick lists. */
const H_QUICK_TOTAL = 9
const H_FL_MAP = 10
const H_SL_MAPS = 11
/** First-level classes: class 0 holds the sizes below 256, class k the sizes in [2^(k+7), 2^(k+8)). */
const FL_COUNT = 25
/** Second-level classes per first-level class (log2). */
const SL_SHIFT = 5
const H_HEADS = H_SL_MAPS + FL_COUNT
/** Blocks below this size go on a quick list when freed between two blocks in use. */
const QUICK_LIMIT = 512
const QUICK_CLASSES = QUICK_LIMIT >>> 3
/** Heads of the quick lists, one per multiple of 8 below QUICK_LIMIT. */
const H_QUICK_HEADS = H_HEADS + (FL_COUNT << SL_SHIFT)
const HEADER_WORDS = H_QUICK_HEADS + QUICK_CLASSES
/** The header rounded up to 8 bytes: the first block starts this far after the base. */
const HEADER_BYTES = (HEADER_WORDS * 4 + 7) & ~7

/** Sizes below this get one exact class per multiple of 8 (in first-level class 0). */
const SMALL_LIMIT = 256
const MIN_BLOCK = 16
const BLOCK_HEADER = 8
const SENTINEL = 8

// Flags in the low bits of a block's size word.
const USED = 1
const PREV_FREE = 2
/** On a block in use: it is free, held on a quick list (see the top of the file). */
const QUICK = 4
/** Blocks the quick lists hold at most, together; a free past it takes the ordinary path. */
const QUICK_CAPACITY = 512

/** Multiplier of the tag hash (2^32 / golden ratio). */
const TAG_MULTIPLIER = 0x9e3779b1 | 0
const MAX_ALIGNMENT = 4096
/** Addresses and sizes are stored as uint32. */
const ADDRESS_LIMIT = 2 ** 32
/** Above this size rounding up to a class boundary could pass 2^32: such requests skip the good-fit search. */
const GOOD_FIT_MAX = ADDRESS_LIMIT - 2 ** 27
const PAGE_SIZE = 65536
/** Busy-wait rounds before a contended lock sleeps in `Atomics.wait`. */
const SPIN_ROUNDS = 100
/** Entries of its own size class `alloc` scans before it tries the top (all of them before it grows the memory). */
const PRE_GROWTH_SCAN = 16
/**
 * How far below its start, and above, a new allocator looks for another one's header before
 * writing its own. Less above: reading memory never touched since it was mapped costs a page
 * fault per 4 KiB (a 1 MiB scan made creating an allocator over a fresh memory 5-10x slower).
 */
const STATE_SCAN_BELOW = 1 << 20
const STATE_SCAN_ABOVE = 1 << 16

/**
 * A `WebAssembly.Memory`, typed by the members the allocator uses so that these
 * declarations compile without the DOM lib (it is a real `WebAssembly.Memory` at run time).
 * @group Allocator
 */
export interface WebAssemblyMemoryLike {
	/** The memory's current buffer. */
	readonly buffer: ArrayBuffer | SharedArrayBuffer
	/** Grows the memory by `delta` 64 KiB pages; returns the old page count. */
	grow(delta: number): number
}

/**
 * A `WebAssembly.Global` (such as a module's `__heap_base` export), typed by its `value`.
 * @group Allocator
 */
export interface WebAssemblyGlobalLike {
	/** The global's value. */
	readonly value: unknown
}

/**
 * What {@link createHeapAllocator} and `createWasmHeapManager(target)` manage.
 * @group Allocator
 */
export type HeapTarget = WebAssemblyMemoryLike | ArrayBuffer | SharedArrayBuffer

/**
 * Options of {@link createHeapAllocator}.
 * @group Allocator
 */
export interface HeapAllocatorOptions {
	/**
	 * First byte the allocator may use: its header goes here (rounded up to 8), its blocks
	 * after it. A number, or a module's `__heap_base` export (a `WebAssembly.Global`).
	 * Default 16, so that no allocation can be near address 0.
	 */
	start?: number | WebAssemblyGlobalLike | undefined
	/**
	 * End of the managed range (exclusive, rounded down to 8). Given, the range is fixed:
	 * the allocator never grows a memory. Default: the target's current byte length, and
	 * a `WebAssembly.Memory` target (memory64 too) grows on demand.
	 */
	end?: number | undefined
	/**
	 * Largest byte length the allocator grows a `WebAssembly.Memory` to (default and upper
	 * bound: 4 GiB, the wasm32 address space, also over a memory64 memory: more is a
	 * `RangeError`; the memory's own `maximum` applies too).
	 */
	maximumByteSize?: number | undefined
}

/**
 * A general-purpose allocator over a WebAssembly memory or an `ArrayBuffer`, used like a
 * C `malloc`/`free`. Its state lives in the heap: allocators created over the same range
 * (for example one per thread over a shared memory) share one pool.
 *
 * The byte counts count whole blocks, each with its 8-byte header and any rounding:
 * `usedByteSize + freeByteSize` is the size of the managed range minus the allocator's
 * header and end marker, and a `free` subtracts exactly what its `alloc` added.
 * @group Allocator
 */
export interface HeapAllocator {
	/**
	 * Allocates `byteSize` bytes aligned to `alignment` (a power of two from 1 to 4096,
	 * default 8) and returns the address, or 0 when neither the free blocks nor growing
	 * the memory can serve it ({@link lastAllocFailure} then says why; the blocks in use
	 * and the byte counts are as they were). `alloc(0)` returns a unique address like any other.
	 * The bytes are not cleared.
	 * @throws TypeError when an argument is not a number; RangeError when `byteSize` is
	 * not a non-negative safe integer or `alignment` is not a power of two up to 4096.
	 */
	alloc(byteSize: number, alignment?: number): number
	/**
	 * Frees the block that `alloc` returned at `address`; `free(0)` does nothing, like C.
	 * The other arguments (the manager passes the allocation's `byteSize` and
	 * `alignment`) are accepted and ignored.
	 * @throws TypeError when `address` is not a number; RangeError when it is not the
	 * address of a live block (never allocated, freed already, inside a block, or a
	 * block whose header was overwritten), saying what is wrong with it where it can:
	 * not a non-negative integer, outside this heap's blocks, not a multiple of 8, or a
	 * free block. The heap is left as it was.
	 */
	free(address: number, byteSize?: number, alignment?: number): void
	/**
	 * Why the last `alloc` that returned 0 (through this object) did, or undefined if none
	 * has: the request past 4 GiB, a block larger than the heap could ever hold, or no free
	 * block large enough (with the largest free block's size) and the heap could not grow:
	 * a fixed range, the growth limit (`maximumByteSize`, or `end`), or `memory.grow` refused
	 * (past the memory's own maximum: the engine's `RangeError`). Like C's `errno`, a later
	 * success leaves it as it was: read it when `alloc` returns 0. A manager over this
	 * allocator ends its allocation-failed `Error` with it.
	 */
	readonly lastAllocFailure: string | undefined
	/** Bytes of the blocks in use, headers and rounding included; 0 when nothing is live. */
	readonly usedByteSize: number
	/** Bytes of the free blocks, headers included (not counting room the memory may still grow by). */
	readonly freeByteSize: number
	/**
	 * Byte size of the largest free block, header included: `alloc` serves any request up
	 * to this minus 8 bytes (default alignment) without growing. 0 when no block is free.
	 * Costs a walk of one size class's list, after merging the blocks that recent frees
	 * left on the quick lists.
	 */
	readonly largestFreeBlock: number
	/**
	 * Walks every block and every free list and throws an `Error` naming the first
	 * inconsistency: a size out of range, a bad tag, a stale flag, two free neighbours,
	 * a wrong footer, a list link or bitmap bit that disagrees, or counters that do not
	 * add up. O(number of blocks).
	 */
	check(): void
	/**
	 * A short summary for `JSON.stringify` and loggers: `{ type: 'HeapAllocator', start: 16,
	 * end: 65536, usedByteSize, freeByteSize }`, the range managed (`start` is its header)
	 * and the two byte counts; `console.log(allocator)` prints the same on one line
	 * (`HeapAllocator { start: 16, end: 65536, usedByteSize: 0, freeByteSize: 64480 }`).
	 */
	toJSON(): Record<string, unknown>
	/** `String(allocator)` and `${allocator}`: what `console.log(allocator)` prints. */
	toString(): string
	/**
	 * `'HeapAllocator'`, as `Object.prototype.toString` gives it (`[object HeapAllocator]`),
	 * so that an error about an allocator given where something else goes names it.
	 */
	readonly [Symbol.toStringTag]: string
}

/**
 * The bases of the allocators created or joined in this realm, per object they were given
 * (a `WebAssembly.Memory`, its buffer at the time, or a buffer): a new range that overlaps
 * one of them whose header is still in place is refused, as writing a header there would
 * corrupt both heaps (or the other's growth would). Other threads' allocators are not seen.
 */
const basesByTarget = new WeakMap<object, number[]>()

/** The allocator behind each `alloc` function handed out, so a manager given one can say why it returned 0. */
const allocatorsByAlloc = new WeakMap<object, TlsfHeapAllocator>()

/**
 * @internal Why `alloc` last returned 0, if it is a built-in allocator's `alloc` (see
 * {@link HeapAllocator.lastAllocFailure}); undefined for any other function.
 */
export function allocFailureOf(alloc: unknown): string | undefined {
	return typeof alloc === 'function' ? allocatorsByAlloc.get(alloc)?.lastAllocFailure : undefined
}

function isMemory(target: unknown): target is WebAssembly.Memory {
	return typeof WebAssembly !== 'undefined' && target instanceof WebAssembly.Memory
}

function isBuffer(target: unknown): target is ArrayBuffer | SharedArrayBuffer {
	if (target instanceof ArrayBuffer) return true
	// Named through globalThis: the global does not exist on pages that are not cross-origin isolated.
	const shared = (globalThis as { SharedArrayBuffer?: typeof SharedArrayBuffer }).SharedArrayBuffer
	return shared !== undefined && target instanceof shared
}

// The methods the errors name (each written once: they recur in many raise calls).
const ALLOC = 'HeapAllocator.alloc'
const FREE = 'HeapAllocator.free'
const CHECK = 'HeapAllocator.check'

function throwSizeError(byteSize: unknown): never {
	if (typeof byteSize !== 'number') throw raise(allocatorSizeNotANumber, ALLOC, byteSize)
	throw raise(allocatorSizeInvalid, ALLOC, byteSize)
}

function throwAlignmentError(alignment: unknown): never {
	if (typeof alignment !== 'number') throw raise(alignmentNotANumber, ALLOC, alignment)
	throw raise(alignmentInvalid, ALLOC, alignment, MAX_ALIGNMENT)
}

/**
 * The free-list class of a block of `size` bytes, as `fl << SL_SHIFT | sl`: below
 * SMALL_LIMIT one class per 8 bytes (fl 0), above it 32 classes per power of two.
 */
function classOf(size: number): number {
	if (size < SMALL_LIMIT) return size >>> 3
	const log2 = 31 - Math.clz32(size)
	return ((log2 - 7) << SL_SHIFT) | ((size >>> (log2 - SL_SHIFT)) & 31)
}

/** Number of trailing zero bits of a non-zero 32-bit value. */
function ctz(bits: number): number {
	return 31 - Math.clz32(bits & -bits)
}

/** The allocator. One class, shared prototype; every hot method stays monomorphic. */
class TlsfHeapAllocator implements HeapAllocator {
	/** The memory target (followed when it grows; grown when the header's limit allows), or null for a buffer. */
	private readonly memory: WebAssembly.Memory | null
	private readonly shared: boolean
	/** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
	private readonly canWait: boolean
	private buffer: ArrayBuffer | SharedArrayBuffer
	/** Every word of the heap below 2^32, as uint32. */
	private u32: Uint32Array
	/** The header words, for atomics (over a shared buffer it never goes stale). */
	private readonly lockView: Int32Array
	/** Word index of the header. */
	private readonly hb: number
	/** Word index of the first block. */
	private readonly first: number
	/** Word index of the end of the range, as this thread last saw it in the header. */
	private endWords: number
	private readonly salt: number
	/** What {@link lastAllocFailure} returns: set on every path where `alloc` returns 0, never on a success. */
	private failure: string | undefined
	/** What the last refused `memory.grow` threw (for `failure`). */
	private growRefusal: unknown
	readonly alloc: (byteSize: number, alignment?: number) => number
	readonly free: (address: number, byteSize?: number, alignment?: number) => void

	constructor(target: HeapTarget, base: number, fixedEnd: number | undefined, maximumByteSize: number | undefined, method: string) {
		const memory = isMemory(target) ? target : null
		const buffer = memory === null ? (target as ArrayBuffer | SharedArrayBuffer) : memory.buffer
		this.shared = !(buffer instanceof ArrayBuffer)
		this.buffer = buffer
		this.u32 = TlsfHeapAllocator.wordView(buffer)
		this.hb = base / 4
		this.first = (base + HEADER_BYTES) / 4
		this.lockView = new Int32Array(buffer, base, HEADER_WORDS)
		this.canWait = this.shared && TlsfHeapAllocator.threadMayWait(this.lockView)

		const bufferEnd = Math.min(buffer.byteLength, ADDRESS_LIMIT)
		const cap = Math.min(maximumByteSize ?? ADDRESS_LIMIT, ADDRESS_LIMIT)
		let end: number
		let limit: number
		if (fixedEnd !== undefined) {
			end = fixedEnd - (fixedEnd % 8)
			limit = end
		} else {
			end = Math.min(bufferEnd, cap)
			end -= end % 8
			limit = memory === null ? end : cap - (cap % 8)
		}
		this.memory = memory
		const keys: object[] = memory === null ? [buffer] : [memory, buffer]

		const lock = this.lockView
		for (;;) {
			const word = Atomics.load(lock, H_MAGIC)
			if (word === MAGIC) {
				this.salt = this.attach(base, method)
				break
			}
			if (word === INITIALISING && this.shared) {
				// Another thread is writing the header: wait for its MAGIC.
				if (this.canWait) Atomics.wait(lock, H_MAGIC, INITIALISING, 10)
				continue
			}
			if (end - base < HEADER_BYTES + MIN_BLOCK + SENTINEL) {
				throw raise(allocatorRangeTooSmall, method, base, end, HEADER_BYTES, HEADER_BYTES + MIN_BLOCK + SENTINEL)
			}
			this.refuseOverlap(keys, base, limit, method)
			this.refuseLiveState(base, end, word, method)
			if (Atomics.compareExchange(lock, H_MAGIC, word, INITIALISING) !== word) continue
			this.salt = this.initialise(base, end, limit)
			Atomics.store(lock, H_MAGIC, MAGIC)
			if (this.shared) Atomics.notify(lock, H_MAGIC)
			break
		}
		for (const key of keys) {
			const bases = basesByTarget.get(key)
			if (bases === undefined) basesByTarget.set(key, [base])
			else if (!bases.includes(base)) bases.push(base)
		}
		this.endWords = this.u32[this.hb + H_END]!
		this.failure = undefined
		this.growRefusal = undefined
		// Callable detached from the object, like a C allocator's functions. Closures rather than
		// bound methods: alloc+free pairs measured about 10% faster (V8 inlines through them).
		const self = this
		this.alloc = (byteSize: number, alignment?: number) => self.allocate(byteSize, alignment)
		this.free = (address: number) => self.release(address)
		allocatorsByAlloc.set(this.alloc, this)
	}

	private static wordView(buffer: ArrayBuffer | SharedArrayBuffer): Uint32Array {
		return new Uint32Array(buffer, 0, Math.floor(Math.min(buffer.byteLength, ADDRESS_LIMIT) / 4))
	}

	private static threadMayWait(lock: Int32Array): boolean {
		try {
			// The value differs from any lock state, so this returns 'not-equal' at once where
			// waiting is allowed, and throws on a thread that may not block.
			Atomics.wait(lock, H_LOCK, -1, 0)
			return true
		} catch {
			return false
		}
	}

	/**
	 * Throws if `[base, limit)` overlaps the range (to its growth limit) of an allocator
	 * created over one of `keys` whose header is still in place.
	 */
	private refuseOverlap(keys: object[], base: number, limit: number, method: string): void {
		for (const key of keys) {
			for (const other of basesByTarget.get(key) ?? []) {
				const otherLimit = other === base ? undefined : this.headerLimitAt(other / 4)
				if (otherLimit !== undefined && base < otherLimit && other < limit) throw raise(allocatorRangesOverlap, method, base, limit, other, otherLimit)
			}
		}
	}

	/**
	 * The growth limit (in bytes) of the allocator whose header is in place at word `w` (its
	 * magic number, version and own base), or undefined: what both overlap checks compare.
	 */
	private headerLimitAt(w: number): number | undefined {
		const u32 = this.u32
		if (u32[w + H_MAGIC] !== MAGIC || u32[w + H_VERSION] !== VERSION || u32[w + H_BASE] !== w * 4) return undefined
		return u32[w + H_LIMIT]! * 4
	}

	/** Writes a fresh header and one free block spanning the range; returns the salt. */
	private initialise(base: number, end: number, limit: number): number {
		const u32 = this.u32
		const hb = this.hb
		u32.fill(0, hb + 1, hb + HEADER_WORDS)
		const salt = (Math.random() * ADDRESS_LIMIT) >>> 0
		// Stored atomically, after the magic word became INITIALISING: see refuseLiveState.
		Atomics.store(this.lockView, H_VERSION, VERSION)
		u32[hb + H_BASE] = base
		u32[hb + H_END] = end / 4
		u32[hb + H_LIMIT] = limit / 4
		u32[hb + H_SALT] = salt
		const sentinel = end / 4 - 2
		const size = (sentinel - this.first) * 4
		u32[sentinel] = USED + PREV_FREE
		u32[sentinel + 1] = 0
		// The one free block ends at the end marker: it is the top, on no list.
		u32[this.first] = size
		u32[sentinel - 1] = size
		return salt
	}

	/**
	 * Before a header is written at `base` over a range that holds none (its first word
	 * `magic`): refuses to overwrite the state of a heap in use, which would hand its live
	 * blocks out again. That is a header here that lost its magic number, or another
	 * allocator's header close by (STATE_SCAN_ABOVE, STATE_SCAN_BELOW) that lies in `[base, end)`, or
	 * below `base` with a range that may grow past it: a thread joining with another
	 * `start` than the creator's.
	 */
	private refuseLiveState(base: number, end: number, magic: number, method: string): void {
		const u32 = this.u32
		const hb = this.hb
		const lock = this.lockView
		// In this order, atomically: a version that another thread's `initialise` stored after
		// taking the magic word means that word has changed, and the caller tries again.
		if (Atomics.load(lock, H_VERSION) === VERSION && u32[hb + H_BASE] === base && Atomics.load(lock, H_MAGIC) === magic) {
			throw raise(corruptHeaderMagic, method, base, magic)
		}
		const from = Math.max(0, base - STATE_SCAN_BELOW) >>> 2
		const window = u32.subarray(from, Math.min(end, base + STATE_SCAN_ABOVE, u32.length * 4 - HEADER_BYTES) >>> 2)
		// indexOf: the engine's own loop, many times faster than one in JavaScript run once.
		for (let i = window.indexOf(MAGIC); i !== -1; i = window.indexOf(MAGIC, i + 1)) {
			const w = from + i
			// Headers start at multiples of 8.
			const otherLimit = (w & 1) !== 0 || w === hb ? undefined : this.headerLimitAt(w)
			// The window ends below `end`, so a header above `base` is inside the range; one below
			// counts when its range may grow up to here (its growth would run into this one).
			if (otherLimit !== undefined && base < otherLimit) throw raise(allocatorOverlapsState, method, base, w * 4, otherLimit)
		}
	}

	/** Validates an existing header; returns its salt. */
	private attach(base: number, method: string): number {
		const u32 = this.u32
		const hb = this.hb
		const version = u32[hb + H_VERSION]
		if (version !== VERSION) {
			throw raise(allocatorHeaderVersion, method, base, version, VERSION)
		}
		if (u32[hb + H_BASE] !== base) {
			throw raise(corruptHeaderBase, method, base, u32[hb + H_BASE])
		}
		const endWords = u32[hb + H_END]!
		const endBytes = endWords * 4
		// What never changes, or only grows, while other threads use the heap: no lock needed.
		if ((endWords & 1) !== 0 || endBytes < base + HEADER_BYTES + MIN_BLOCK + SENTINEL) {
			throw raise(corruptHeaderRange, method, base, `end ${endBytes}`)
		}
		if (u32[hb + H_LIMIT]! < endWords) {
			throw raise(corruptHeaderRange, method, base, `growth limit ${u32[hb + H_LIMIT]! * 4}, below its end ${endBytes}`)
		}
		if (u32[hb + H_LOCK]! > 2 || u32[hb + H_QUICK_TOTAL]! > QUICK_CAPACITY) {
			throw raise(corruptHeaderRange, method, base, `lock word ${u32[hb + H_LOCK]} and ${u32[hb + H_QUICK_TOTAL]} quick blocks`)
		}
		if (endBytes > this.buffer.byteLength) {
			throw raise(allocatorHeapPastBuffer, method, base, endBytes, this.buffer.byteLength)
		}
		return u32[hb + H_SALT]!
	}

	/**
	 * Re-reads the buffer after growth (here or in another thread) or a detach, and after a
	 * resizable `ArrayBuffer` shrank under the fixed-length view (which then reads nothing):
	 * still holding the heap, it gets a view of its new length; shorter than the heap, every
	 * call throws until it is resized back (the old view then covers the heap again).
	 */
	private refresh(): void {
		const target = this.memory
		const latest = target === null ? this.buffer : target.buffer
		const hb = this.hb
		const heapEnd = this.endWords * 4
		if (latest !== this.buffer || (this.u32.length === 0 && latest.byteLength >= heapEnd)) {
			this.buffer = latest
			this.u32 = TlsfHeapAllocator.wordView(latest)
		}
		if (this.u32.length === 0 && latest.byteLength !== 0) {
			throw raise(allocatorBufferResizedUnderHeap, 'HeapAllocator', latest.byteLength, heapEnd)
		}
		const end = this.u32[hb + H_END]
		if (end === undefined || end * 4 > latest.byteLength) {
			throw raise(allocatorBufferShrank, 'HeapAllocator', latest.byteLength)
		}
		this.endWords = end
	}

	// ---------------------------------------------------------------------------------
	// Lock

	private lock(): void {
		const lock = this.lockView
		if (Atomics.compareExchange(lock, H_LOCK, 0, 1) === 0) return
		this.lockContended()
	}

	private lockContended(): void {
		const lock = this.lockView
		for (let round = 0; round < SPIN_ROUNDS; round++) {
			if (Atomics.load(lock, H_LOCK) === 0 && Atomics.compareExchange(lock, H_LOCK, 0, 1) === 0) return
		}
		if (!this.canWait) {
			while (Atomics.compareExchange(lock, H_LOCK, 0, 1) !== 0) {
				// A thread that may not block spins; the holders are other threads' short critical sections.
			}
			return
		}
		// 2 = locked with (possible) waiters: the holder then wakes one on unlock.
		while (Atomics.exchange(lock, H_LOCK, 2) !== 0) Atomics.wait(lock, H_LOCK, 2)
	}

	private unlock(): void {
		if (Atomics.exchange(this.lockView, H_LOCK, 0) === 2) Atomics.notify(this.lockView, H_LOCK, 1)
	}

	// ---------------------------------------------------------------------------------
	// Public API

	private allocate(byteSize: number, alignment?: number): number {
		if (
			typeof byteSize !== 'number' ||
			(byteSize >>> 0) !== byteSize ||
			(alignment !== undefined && alignment !== 8 && alignment !== 1 && alignment !== 4 && alignment !== 2)
		) {
			return this.allocChecked(byteSize, alignment)
		}
		// A block holds the 8-byte header and the bytes, rounded up to 8, and at least 16.
		const size = byteSize <= 8 ? MIN_BLOCK : byteSize + 15 - ((byteSize + 15) & 7)
		if (!this.shared) return this.allocSized(size)
		this.lock()
		try {
			return this.allocSized(size)
		} finally {
			this.unlock()
		}
	}

	/** The cold path of `alloc`: validates, then serves large sizes and large alignments. */
	private allocChecked(byteSize: unknown, alignment: unknown): number {
		if (typeof byteSize !== 'number' || !Number.isSafeInteger(byteSize) || byteSize < 0) throwSizeError(byteSize)
		let align = 8
		if (alignment !== undefined) {
			if (typeof alignment !== 'number' || !Number.isInteger(alignment) || alignment < 1 || alignment > MAX_ALIGNMENT || (alignment & (alignment - 1)) !== 0) {
				throwAlignmentError(alignment)
			}
			align = alignment
		}
		if (byteSize > ADDRESS_LIMIT - 2 * MAX_ALIGNMENT) return this.fail(allocFailedPast4GiB(byteSize, align))
		const size = byteSize <= 8 ? MIN_BLOCK : byteSize + 15 - ((byteSize + 15) & 7)
		if (this.shared) this.lock()
		try {
			return align <= 8 ? this.allocSized(size) : this.allocAligned(size, align)
		} finally {
			if (this.shared) this.unlock()
		}
	}

	private release(address: number): void {
		if (typeof address !== 'number') return this.freeRejected(address)
		const b = (address - BLOCK_HEADER) / 4
		if ((b & 1) !== 0 || (b | 0) !== b) return this.freeRejected(address)
		// `b | 0`: an address read from a Float64Array arrives as a double, and V8 would carry
		// every index derived from it as a double, converted back at each access.
		if (!this.shared) return this.freeBlock(b | 0, address)
		this.lock()
		try {
			this.freeBlock(b | 0, address)
		} finally {
			this.unlock()
		}
	}

	get usedByteSize(): number {
		this.sync()
		return this.u32[this.hb + H_USED]!
	}

	get freeByteSize(): number {
		this.sync()
		return (this.endWords - 2 - this.first) * 4 - this.u32[this.hb + H_USED]!
	}

	get largestFreeBlock(): number {
		if (this.shared) this.lock()
		try {
			this.sync()
			// The quick blocks merge with their neighbours into the blocks they really make.
			this.flushQuick()
			return this.largestFree()
		} finally {
			if (this.shared) this.unlock()
		}
	}

	get lastAllocFailure(): string | undefined {
		return this.failure
	}

	/** The largest of the top, the victim and the blocks of the highest listed class (the quick blocks not counted). */
	private largestFree(): number {
		const u32 = this.u32
		const hb = this.hb
		const sentinel = this.endWords - 2
		let largest = (u32[sentinel]! & PREV_FREE) !== 0 ? u32[sentinel - 1]! : 0
		const victim = u32[hb + H_DV]!
		if (victim !== 0 && u32[victim]! > largest) largest = u32[victim]!
		const flMap = u32[hb + H_FL_MAP]!
		if (flMap === 0) return largest
		const fl = 31 - Math.clz32(flMap)
		const sl = 31 - Math.clz32(u32[hb + H_SL_MAPS + fl]!)
		for (let b = u32[hb + H_HEADS + (fl << SL_SHIFT) + sl]!; b !== 0; b = u32[b + 1]!) {
			if (u32[b]! > largest) largest = u32[b]!
		}
		return largest
	}

	/** Cold: records why `alloc` returns 0 and returns it. */
	private fail(reason: string): 0 {
		this.failure = reason
		return 0
	}

	/**
	 * Cold: `alloc` fails for want of a free block of `size` bytes, the heap unable to grow
	 * (`growth` says why). Returns false, for `grow`. The quick blocks were merged already.
	 */
	private noBlock(size: number, growth: string): false {
		this.failure = allocFailedNoBlock(size, this.largestFree(), (this.endWords - 2 - this.first) * 4 - this.u32[this.hb + H_USED]!, growth)
		return false
	}

	toJSON(): Record<string, unknown> {
		// (The counts first: they bring endWords up to date with another thread's growth.)
		const usedByteSize = this.usedByteSize
		const freeByteSize = this.freeByteSize
		return { type: 'HeapAllocator', start: this.hb * 4, end: this.endWords * 4, usedByteSize, freeByteSize }
	}

	/** What `console.log(allocator)` prints: `HeapAllocator { start: 16, end: 65536, usedByteSize: 0, freeByteSize: 64480 }`, not the views over the heap. */
	[inspectCustom](): string {
		const { type, ...counts } = this.toJSON()
		return formatInspected(type as string, Object.entries(counts).map(([name, value]) => [name, String(value)]))
	}

	toString(): string {
		return this[inspectCustom]()
	}

	get [Symbol.toStringTag](): string {
		return 'HeapAllocator'
	}

	check(): void {
		if (this.shared) this.lock()
		try {
			this.sync()
			this.walk()
		} finally {
			if (this.shared) this.unlock()
		}
	}

	// ---------------------------------------------------------------------------------
	// Core (callers hold the lock)

	/** Follows growth by another thread and a detached non-shared buffer: one read when nothing changed. */
	private sync(): void {
		if (this.u32[this.hb + H_END] !== this.endWords) this.refresh()
	}

	private allocSized(size: number): number {
		this.sync()
		if (size < QUICK_LIMIT) {
			const u32 = this.u32
			const hb = this.hb
			const quick = hb + H_QUICK_HEADS + (size >>> 3)
			const q = u32[quick]!
			if (q !== 0) {
				// The block is still marked in use, with its tag: only QUICK goes.
				u32[quick] = u32[q + 2]!
				u32[hb + H_QUICK_TOTAL] = u32[hb + H_QUICK_TOTAL]! - 1
				u32[q] = u32[q]! - QUICK
				u32[hb + H_USED] = u32[hb + H_USED]! + size
				return q * 4 + BLOCK_HEADER
			}
		}
		return size < SMALL_LIMIT ? this.allocSmall(size) : this.allocLarge(size)
	}

	/**
	 * A block of `size` < SMALL_LIMIT bytes (8-byte alignment) when its quick list is empty:
	 * a whole listed block of the exact class or the next (8 bytes more, which the block
	 * keeps), else a cut of the designated victim, else a larger listed block split (its
	 * rest becomes the victim, the old victim goes on its list), else the top.
	 */
	private allocSmall(size: number): number {
		const u32 = this.u32
		const hb = this.hb
		const victim = u32[hb + H_DV]!
		if (victim === 0 && u32[hb + H_FL_MAP] === 0) {
			// Nothing listed and no victim (a heap that frees back into the top, as alloc + free
			// pairs do): the top, carved here with the words read once.
			const sentinel = this.endWords - 2
			const sentinelWord = u32[sentinel]!
			const topSize = (sentinelWord & PREV_FREE) !== 0 ? u32[sentinel - 1]! : 0
			if (topSize >= size) return this.carveTop(sentinel - (topSize >>> 2), topSize, size, sentinel, sentinelWord)
			// allocFallback may grow the memory, which detaches the buffer `u32` views: read through this.u32.
			const fallback = this.allocFallback(size, 8)
			return fallback === 0 ? 0 : this.useBlock(fallback, this.u32[fallback]!, size, 0, false)
		}
		const near = (u32[hb + H_SL_MAPS]! >>> (size >>> 3)) & 3
		if (near === 0 && victim !== 0 && u32[victim]! >= size) return this.useBlock(victim, u32[victim]!, size, 0, true)
		// No listed block at all (a heap that frees back into the top): straight to the top.
		const b = u32[hb + H_FL_MAP] === 0 ? 0 : this.takeFit(size)
		if (b !== 0) {
			if (near !== 0) return this.useBlock(b, u32[b]!, size, 0, false)
			if (victim !== 0) this.insert(victim, u32[victim]!)
			return this.useBlock(b, u32[b]!, size, 0, true)
		}
		const top = this.takeTop(size, 8)
		const fallback = top !== 0 ? top : this.allocFallback(size, 8)
		return fallback === 0 ? 0 : this.useBlock(fallback, this.u32[fallback]!, size, 0, false)
	}

	/** A block of `size` >= SMALL_LIMIT bytes (8-byte alignment): a good fit from the lists, else the victim, else the top or growth. */
	private allocLarge(size: number): number {
		let b = size <= GOOD_FIT_MAX ? this.takeFit(size) : 0
		if (b === 0) {
			b = this.u32[this.hb + H_DV]!
			if (b !== 0 && this.u32[b]! >= size) return this.useBlock(b, this.u32[b]!, size, 0, true)
			b = this.allocFallback(size, 8)
			if (b === 0) return 0
		}
		return this.useBlock(b, this.u32[b]!, size, 0, false)
	}
	/**
	 * Uses the first `size` bytes of the top (block `b` of `topSize` >= `size` bytes, before
	 * the end marker at `sentinel`, whose header word is `sentinelWord`): `useBlock` for the
	 * top, without reading again what the caller read. The rest stays the top; a rest too
	 * small for a block goes with the block.
	 */
	private carveTop(b: number, topSize: number, size: number, sentinel: number, sentinelWord: number): number {
		const u32 = this.u32
		const rest = topSize - size
		if (rest >= MIN_BLOCK) {
			u32[b + (size >>> 2)] = rest
			u32[sentinel - 1] = rest
		} else {
			size = topSize
			u32[sentinel] = sentinelWord - PREV_FREE
		}
		// The block before the top is in use (free blocks never touch), so no PREV_FREE.
		return this.markUsed(b, size + USED, size)
	}

	/** Writes block `b`'s header word and tag, counts its `size` bytes as used, and returns its payload address. */
	private markUsed(b: number, word: number, size: number): number {
		const u32 = this.u32
		u32[b] = word
		u32[b + 1] = Math.imul(b ^ this.salt, TAG_MULTIPLIER) ^ size
		const hb = this.hb
		u32[hb + H_USED] = u32[hb + H_USED]! + size
		return b * 4 + BLOCK_HEADER
	}

	private allocAligned(size: number, align: number): number {
		this.sync()
		if (this.neverFits(size)) return 0
		// The victim goes back on its list: an aligned request searches only the lists and the top.
		const victim = this.u32[this.hb + H_DV]!
		if (victim !== 0) {
			this.u32[this.hb + H_DV] = 0
			this.insert(victim, this.u32[victim]!)
		}
		// The gap before an aligned address is 0, or 16 to align + 8 bytes (a gap of 8 cannot
		// be a block of its own, so it becomes 8 + align).
		const search = size + align + 8
		let b = search <= GOOD_FIT_MAX ? this.takeFit(search) : 0
		if (b === 0) {
			b = this.allocFallback(size, align)
			if (b === 0) return 0
		}
		return this.useAligned(b, size, align)
	}

	/** Splits the block taken from the lists at `b` so that its payload is aligned, and uses it. */
	private useAligned(b: number, size: number, align: number): number {
		const u32 = this.u32
		const blockSize = u32[b]!
		const gap = this.alignmentGap(b, align)
		if (gap === 0) return this.useBlock(b, blockSize, size, 0, false)
		// The gap becomes a free block; its left neighbour is in use (b was free).
		const gapWords = gap >>> 2
		u32[b] = gap
		u32[b + gapWords - 1] = gap
		this.insert(b, gap)
		return this.useBlock(b + gapWords, blockSize - gap, size, PREV_FREE, false)
	}

	/** Bytes between block `b`'s payload and the next `align`-aligned payload that leaves a free block before it. */
	private alignmentGap(b: number, align: number): number {
		const payload = b * 4 + BLOCK_HEADER
		const gap = (align - (payload & (align - 1))) & (align - 1)
		return gap === 0 || gap >= MIN_BLOCK ? gap : gap + align
	}

	/**
	 * Marks `size` bytes of the free block `b` (of `blockSize` bytes, off the lists: a listed
	 * block taken off, the top or the victim) as in use and returns the payload address. The
	 * rest becomes a free block when it can hold one (otherwise the block keeps it): the
	 * victim if `victim` (`b` was the victim or is to replace it), the top if it ends at the
	 * end marker, else a listed block.
	 */
	private useBlock(b: number, blockSize: number, size: number, prevFree: number, victim: boolean): number {
		const u32 = this.u32
		const rest = blockSize - size
		if (rest >= MIN_BLOCK) {
			const r = b + (size >>> 2)
			const end = r + (rest >>> 2)
			u32[r] = rest
			u32[end - 1] = rest
			// The block after r keeps PREV_FREE: it followed the free block b before.
			if (victim) u32[this.hb + H_DV] = r
			else if (end !== this.endWords - 2) this.insert(r, rest)
		} else {
			size = blockSize
			const next = b + (blockSize >>> 2)
			u32[next] = u32[next]! - PREV_FREE
			if (victim) u32[this.hb + H_DV] = 0
		}
		return this.markUsed(b, size + USED + prevFree, size)
	}

	private freeBlock(b: number, address: number): void {
		this.sync()
		const u32 = this.u32
		if (b < this.first || b >= this.endWords - 2) return this.freeRejected(address)
		const word = u32[b]!
		const size = word - (word & 7)
		if ((word & (USED | QUICK)) !== USED || (u32[b + 1]! ^ Math.imul(b ^ this.salt, TAG_MULTIPLIER) ^ size) !== 0) {
			return this.freeRejected(address)
		}
		const hb = this.hb
		u32[hb + H_USED] = u32[hb + H_USED]! - size
		if ((word & PREV_FREE) === 0) {
			const next = b + (size >>> 2)
			const nextWord = u32[next]!
			if ((nextWord & USED) === 0) {
				const sentinel = this.endWords - 2
				if (next + (nextWord >>> 2) === sentinel) {
					// The block before the top (and after a block in use): the top grows down over it
					// (as in makeFree, without reading the neighbour again).
					u32[b] = size + nextWord
					u32[sentinel - 1] = size + nextWord
					return
				}
			} else if (size < QUICK_LIMIT) {
				// Both neighbours in use: onto the quick list of its class, unless the lists are full.
				const count = u32[hb + H_QUICK_TOTAL]!
				if (count < QUICK_CAPACITY) {
					const quick = hb + H_QUICK_HEADS + (size >>> 3)
					u32[b + 2] = u32[quick]!
					u32[quick] = b
					u32[hb + H_QUICK_TOTAL] = count + 1
					u32[b] = word + QUICK
					return
				}
			}
		}
		this.makeFree(b, size, word)
	}

	/** Makes block `b` (`size` bytes, header word `word`, no longer counted as used) a free block: merged with free neighbours, listed. */
	private makeFree(b: number, size: number, word: number): void {
		const u32 = this.u32
		const next = b + (size >>> 2)
		const nextWord = u32[next]!
		const sentinel = this.endWords - 2
		if ((word & PREV_FREE) === 0 && (nextWord & USED) === 0 && next + (nextWord >>> 2) === sentinel) {
			// The block before the top (and after a block in use): the top grows down over it.
			u32[b] = size + nextWord
			u32[sentinel - 1] = size + nextWord
			return
		}
		if ((word & PREV_FREE) !== 0 || (nextWord & USED) === 0) return this.coalesce(b, size, word, next, nextWord)
		// Both neighbours in use (the end marker counts as one): the block becomes free as it is.
		u32[b] = size
		u32[next - 1] = size
		u32[next] = nextWord | PREV_FREE
		// Ending at the end marker, it is the new top, on no list.
		if (next !== sentinel) this.insert(b, size)
	}

	/** Frees every block of the quick lists for real (`makeFree`); returns whether there was any. */
	private flushQuick(): boolean {
		const u32 = this.u32
		const hb = this.hb
		if (u32[hb + H_QUICK_TOTAL] === 0) return false
		u32[hb + H_QUICK_TOTAL] = 0
		for (let sizeClass = 0; sizeClass < QUICK_CLASSES; sizeClass++) {
			let b = u32[hb + H_QUICK_HEADS + sizeClass]!
			u32[hb + H_QUICK_HEADS + sizeClass] = 0
			while (b !== 0) {
				const next = u32[b + 2]!
				// Its header word may have gained PREV_FREE since (a neighbour freed before it).
				this.makeFree(b, sizeClass << 3, u32[b]! - QUICK)
				b = next
			}
		}
		return true
	}

	/**
	 * Frees block `b` of `size` bytes (header word `word`), merged with its free neighbours
	 * (`next` is the block after it, whose header word is `nextWord`). The top and the
	 * designated victim are on no list: a block merged with the victim is the victim, one
	 * that reaches the end marker is the top.
	 */
	private coalesce(b: number, size: number, word: number, next: number, nextWord: number): void {
		const u32 = this.u32
		const hb = this.hb
		const victim = u32[hb + H_DV]!
		const sentinel = this.endWords - 2
		let intoVictim = false
		let start = b
		let total = size
		if ((nextWord & USED) === 0) {
			// A free block's header word is its bare size.
			if (next === victim) intoVictim = true
			else if (next + (nextWord >>> 2) !== sentinel) this.remove(next, nextWord)
			total += nextWord
		}
		if ((word & PREV_FREE) !== 0) {
			const previousSize = u32[b - 1]!
			start = b - (previousSize >>> 2)
			if (start === victim) intoVictim = true
			else this.remove(start, previousSize)
			total += previousSize
		}
		// Clear the freed block's USED bit even when it merges into its left neighbour, so a
		// second free of the same address is refused.
		u32[b] = size
		u32[start] = total
		const end = start + (total >>> 2)
		u32[end - 1] = total
		u32[end] = u32[end]! | PREV_FREE
		if (end === sentinel) {
			// Merged into the top (with the victim, if it was the left neighbour).
			if (intoVictim) u32[hb + H_DV] = 0
		} else if (intoVictim) {
			u32[hb + H_DV] = start
		} else {
			this.insert(start, total)
		}
	}

	/** Cold: the address is not a live block (or is 0, which is ignored like C's free(NULL)). */
	private freeRejected(address: unknown): void {
		if (address === 0) return
		if (typeof address !== 'number') {
			throw raise(allocatorFreeNotANumber, FREE, address)
		}
		// The addresses of blocks run from the first block's payload to the last possible one's.
		const firstAddress = this.first * 4 + BLOCK_HEADER
		const lastAddress = (this.endWords - 2) * 4 - MIN_BLOCK + BLOCK_HEADER
		let why: FreeRefusal = 'noBlock'
		if (!Number.isInteger(address) || address < 0) why = 'notAnInteger'
		else if (address < firstAddress || address > lastAddress) why = 'outside'
		else if (address % 8 !== 0) why = 'misaligned'
		else {
			// An address whose header word reads as a free block's size (or a quick block's) was most likely freed already.
			const word = address < this.u32.length * 4 ? this.u32[(address - BLOCK_HEADER) / 4]! : 0
			if ((word !== 0 && (word & USED) === 0 && word >= MIN_BLOCK && word % 8 === 0) || (word & (USED | QUICK)) === USED + QUICK) why = 'free'
		}
		throw raise(allocatorFreeNotLive, FREE, address, why, firstAddress, lastAddress)
	}

	// ---------------------------------------------------------------------------------
	// Free lists

	/** Takes the head of the first non-empty class whose every block holds `size` bytes; 0 if none. */
	private takeFit(size: number): number {
		const u32 = this.u32
		const hb = this.hb
		// Large sizes round up to the next class boundary, so that any block of the class found fits.
		const sizeClass = classOf(size < SMALL_LIMIT ? size : size + (1 << (26 - Math.clz32(size))) - 1)
		let fl = sizeClass >>> SL_SHIFT
		let sl = sizeClass & 31
		let slMap = u32[hb + H_SL_MAPS + fl]! & (-1 << sl)
		if (slMap === 0) {
			const flMap = u32[hb + H_FL_MAP]! & (-1 << (fl + 1))
			if (flMap === 0) return 0
			fl = ctz(flMap)
			slMap = u32[hb + H_SL_MAPS + fl]!
		}
		sl = ctz(slMap)
		const head = hb + H_HEADS + (fl << SL_SHIFT) + sl
		const b = u32[head]!
		const next = u32[b + 1]!
		u32[head] = next
		if (next !== 0) {
			u32[next + 2] = 0
		} else {
			const remaining = u32[hb + H_SL_MAPS + fl]! & ~(1 << sl)
			u32[hb + H_SL_MAPS + fl] = remaining
			if (remaining === 0) u32[hb + H_FL_MAP] = u32[hb + H_FL_MAP]! & ~(1 << fl)
		}
		return b
	}

	private insert(b: number, size: number): void {
		const u32 = this.u32
		const hb = this.hb
		const sizeClass = classOf(size)
		const fl = sizeClass >>> SL_SHIFT
		const sl = sizeClass & 31
		const head = hb + H_HEADS + (fl << SL_SHIFT) + sl
		const first = u32[head]!
		u32[b + 1] = first
		u32[b + 2] = 0
		if (first !== 0) {
			u32[first + 2] = b
		} else {
			u32[hb + H_SL_MAPS + fl] = u32[hb + H_SL_MAPS + fl]! | (1 << sl)
			u32[hb + H_FL_MAP] = u32[hb + H_FL_MAP]! | (1 << fl)
		}
		u32[head] = b
	}

	private remove(b: number, size: number): void {
		const u32 = this.u32
		const next = u32[b + 1]!
		const previous = u32[b + 2]!
		if (next !== 0) u32[next + 2] = previous
		if (previous !== 0) {
			u32[previous + 1] = next
			return
		}
		const hb = this.hb
		const sizeClass = classOf(size)
		const fl = sizeClass >>> SL_SHIFT
		const sl = sizeClass & 31
		u32[hb + H_HEADS + (fl << SL_SHIFT) + sl] = next
		if (next === 0) {
			const remaining = u32[hb + H_SL_MAPS + fl]! & ~(1 << sl)
			u32[hb + H_SL_MAPS + fl] = remaining
			if (remaining === 0) u32[hb + H_FL_MAP] = u32[hb + H_FL_MAP]! & ~(1 << fl)
		}
	}

	// ---------------------------------------------------------------------------------
	// When the good-fit search finds nothing

	/**
	 * Scans the request's own size class (where blocks may or may not fit), tries the top,
	 * then every listed block that can hold the request (the request's class to its end;
	 * with an alignment above 8, every class from its own up), and only then grows the
	 * memory so that the top can hold it: a free block that serves the request is used
	 * before the memory grows (or fails to, at its limit). Returns a block off the lists
	 * that can hold `size` bytes at `align`, or 0.
	 */
	private allocFallback(size: number, align: number): number {
		if (this.neverFits(size)) return 0
		let b = this.scanClass(size, align, PRE_GROWTH_SCAN)
		if (b !== 0) return b
		b = this.takeTop(size, align)
		if (b !== 0) return b
		// Before growing: the quick blocks, freed for real, may merge into a block that fits.
		if (this.flushQuick()) {
			// The good-fit search and the victim once more, then this fallback (with no quick blocks left).
			const search = align <= 8 ? size : size + align + 8
			b = search <= GOOD_FIT_MAX ? this.takeFit(search) : 0
			const victim = this.u32[this.hb + H_DV]!
			if (b === 0 && align <= 8 && victim !== 0 && this.u32[victim]! >= size) {
				b = victim
				this.u32[this.hb + H_DV] = 0
			}
			return b !== 0 ? b : this.allocFallback(size, align)
		}
		b = align <= 8 ? this.scanClass(size, align, Infinity) : this.scanAligned(size, align)
		if (b !== 0) return b
		// Enough for the worst alignment gap: the top's start moves when it grows from nothing.
		return this.grow(align <= 8 ? size : size + align + 8, size) ? this.takeTop(size, align) : 0
	}

	/**
	 * Whether no block could hold `size` bytes even with the range grown to its limit: such
	 * a request fails at once (the reason recorded), leaving the heap as it was (the quick
	 * lists and the victim where they are).
	 */
	private neverFits(size: number): boolean {
		return size > this.u32[this.hb + H_LIMIT]! * 4 - SENTINEL - this.first * 4 && this.neverFitsFailure(size)
	}

	/** Cold: records why a block of `size` bytes never fits; returns true. */
	private neverFitsFailure(size: number): true {
		const limit = this.u32[this.hb + H_LIMIT]! * 4
		const growth = this.memory === null ? allocGrowthFixed(this.hb * 4, limit) : allocGrowthPastLimit(this.first * 4 + size + SENTINEL, limit)
		this.failure = allocFailedNeverFits(size, limit - SENTINEL - this.first * 4, growth)
		return true
	}

	/** The top (the free block just before the end marker, on no list) if it holds `size` bytes at `align`; else 0. */
	private takeTop(size: number, align: number): number {
		const u32 = this.u32
		const sentinel = this.endWords - 2
		if ((u32[sentinel]! & PREV_FREE) === 0) return 0
		const blockSize = u32[sentinel - 1]!
		const b = sentinel - (blockSize >>> 2)
		const gap = align <= 8 ? 0 : this.alignmentGap(b, align)
		if (blockSize < size + gap) return 0
		return b
	}

	/** First block of `size`'s own class (checked up to `limit` entries) that fits; taken off its list. */
	private scanClass(size: number, align: number, limit: number): number {
		if (size >= ADDRESS_LIMIT) return 0
		const u32 = this.u32
		const hb = this.hb
		const sizeClass = classOf(size)
		const fl = sizeClass >>> SL_SHIFT
		const sl = sizeClass & 31
		let seen = 0
		for (let b = u32[hb + H_HEADS + (fl << SL_SHIFT) + sl]!; b !== 0 && seen < limit; b = u32[b + 1]!, seen++) {
			const blockSize = u32[b]!
			const gap = align <= 8 ? 0 : this.alignmentGap(b, align)
			if (blockSize >= size + gap) {
				this.remove(b, blockSize)
				return b
			}
		}
		return 0
	}

	/**
	 * The last resort of an aligned request: the first listed block of `size`'s class or any
	 * larger one that holds `size` bytes at `align`, taken off its list; 0 if none. The
	 * good-fit search asked for `size + align + 8` bytes, the worst case, and so misses a
	 * smaller block whose aligned address happens to leave room (a 3 KiB hole around a
	 * 4 KiB boundary serves a page-aligned 2 KiB request). O(free blocks + classes), on a
	 * path that would otherwise grow the memory or fail.
	 */
	private scanAligned(size: number, align: number): number {
		const u32 = this.u32
		const heads = this.hb + H_HEADS
		for (let sizeClass = classOf(size); sizeClass < FL_COUNT << SL_SHIFT; sizeClass++) {
			for (let b = u32[heads + sizeClass]!; b !== 0; b = u32[b + 1]!) {
				if (u32[b]! >= size + this.alignmentGap(b, align)) {
					this.remove(b, u32[b]!)
					return b
				}
			}
		}
		return 0
	}

	/**
	 * Extends the range so that the top holds at least `search` bytes: takes in memory that
	 * has grown already, or grows the memory, by at least an eighth of its size so that
	 * growth stays rare. Returns whether the range grew; if not, records why `alloc` of a
	 * block of `size` bytes fails.
	 */
	private grow(search: number, size: number): boolean {
		const memory = this.memory
		if (memory === null) return this.noBlock(size, allocGrowthFixed(this.hb * 4, this.endWords * 4))
		const u32 = this.u32
		const hb = this.hb
		const limit = u32[hb + H_LIMIT]! * 4
		const end = this.endWords * 4
		const sentinel = this.endWords - 2
		const tail = (u32[sentinel]! & PREV_FREE) !== 0 ? u32[sentinel - 1]! : 0
		const least = end + Math.max(MIN_BLOCK, search - tail)
		if (end >= limit || search >= limit || least > limit) return this.noBlock(size, allocGrowthPastLimit(least, limit))
		let length = memory.buffer.byteLength
		const from = length
		let pages = 0
		this.growRefusal = undefined
		let refused = false
		if (length < least) {
			pages = Math.ceil((least - length) / PAGE_SIZE)
			const maxPages = Math.floor((limit - length) / PAGE_SIZE)
			const generous = Math.min(maxPages, Math.max(pages, Math.ceil(length / 8 / PAGE_SIZE)))
			// The generous growth, else the least that serves the request.
			let tried = Infinity
			for (const attempt of [generous, pages]) {
				if (attempt <= 0 || attempt > maxPages || attempt >= tried) continue
				tried = attempt
				refused = !this.growMemory(memory, attempt)
				if (!refused) break
			}
			length = memory.buffer.byteLength
		}
		let newEnd = Math.min(length, limit)
		newEnd -= newEnd % 8
		if (newEnd < least) {
			// The memory grows by whole pages: the least growth may pass a limit that is not a multiple of 64 KiB.
			const to = from + pages * PAGE_SIZE
			return this.noBlock(size, refused ? allocGrowthRefused(from, to, this.growRefusal) : allocGrowthPastLimit(to, limit))
		}
		this.extend(newEnd)
		return true
	}

	/** Grows `memory` by `pages`; if it refuses, keeps what it threw in `growRefusal` and returns false. */
	private growMemory(memory: WebAssembly.Memory, pages: number): boolean {
		// A memory64 memory (`address: 'i64'`) takes its delta as a bigint and refuses a number
		// with a TypeError before growing (and an i32 memory refuses a bigint so).
		for (const delta of [pages, BigInt(pages)]) {
			try {
				;(memory.grow as (delta: number | bigint) => unknown)(delta)
				return true
			} catch (error) {
				// Past the memory's maximum or the engine could not reserve it (a RangeError, kept
				// over the other kind of delta's TypeError), or the wrong kind of delta.
				if (!(this.growRefusal instanceof RangeError)) this.growRefusal = error
			}
		}
		return false
	}

	/** Turns `[end - 8, newEnd - 8)` into the top, merged with the old top, and moves the sentinel. */
	private extend(newEnd: number): void {
		this.buffer = (this.memory as WebAssembly.Memory).buffer
		const u32 = (this.u32 = TlsfHeapAllocator.wordView(this.buffer))
		const oldSentinel = this.endWords - 2
		let start = oldSentinel
		let total = newEnd - this.endWords * 4
		if ((u32[oldSentinel]! & PREV_FREE) !== 0) {
			const tail = u32[oldSentinel - 1]!
			start = oldSentinel - tail / 4
			total += tail
		}
		const newEndWords = newEnd / 4
		u32[start] = total
		u32[newEndWords - 3] = total
		u32[newEndWords - 2] = USED + PREV_FREE
		u32[newEndWords - 1] = 0
		u32[this.hb + H_END] = newEndWords
		this.endWords = newEndWords
	}

	// ---------------------------------------------------------------------------------
	// Consistency check

	private walk(): void {
		const u32 = this.u32
		const hb = this.hb
		for (const [word, expected, field] of [[H_MAGIC, MAGIC, 'magic number'], [H_VERSION, VERSION, 'version'], [H_BASE, hb * 4, 'base']] as const) {
			if (u32[hb + word] !== expected) throw raise(corruptHeader, CHECK, hb * 4, field, u32[hb + word], expected)
		}
		const sentinel = this.endWords - 2
		if (this.endWords * 4 > u32[hb + H_LIMIT]! * 4 || sentinel <= this.first) {
			throw raise(corruptEnd, CHECK, this.endWords * 4)
		}
		const freeBlocks = new Set<number>()
		const quickBlocks = new Set<number>()
		let quickBytes = 0
		let used = 0
		let previousFree = false
		let b = this.first
		while (b < sentinel) {
			const word = u32[b]!
			const size = word - (word & 7)
			if ((word & (USED | QUICK)) === QUICK) throw raise(corruptQuickFree, CHECK, b * 4)
			if (size < MIN_BLOCK || b + size / 4 > sentinel) {
				throw raise(corruptBlockSize, CHECK, b * 4, size, MIN_BLOCK, sentinel * 4)
			}
			if (((word & PREV_FREE) !== 0) !== previousFree) {
				throw raise(corruptPreviousFreeFlag, CHECK, b * 4, (word & PREV_FREE) !== 0, previousFree)
			}
			if ((word & USED) !== 0) {
				if ((u32[b + 1]! ^ Math.imul(b ^ this.salt, TAG_MULTIPLIER) ^ size) !== 0) {
					throw raise(corruptTag, CHECK, b * 4, size)
				}
				used += size
				if ((word & QUICK) !== 0) {
					quickBlocks.add(b)
					quickBytes += size
				}
				previousFree = false
			} else {
				if (previousFree) throw raise(corruptAdjacentFree, CHECK, b * 4)
				if ((word & PREV_FREE) !== 0) throw raise(corruptFreeFlagsPreviousFree, CHECK, b * 4)
				if (u32[b + size / 4 - 1] !== size) {
					throw raise(corruptFooter, CHECK, b * 4, size, u32[b + size / 4 - 1])
				}
				// The top, the free block that ends at the end marker, sits on no list.
				if (b + size / 4 !== sentinel) freeBlocks.add(b)
				previousFree = true
			}
			b += size / 4
		}
		if (b !== sentinel) throw raise(corruptBlocksEnd, CHECK, b * 4, sentinel * 4)
		if (u32[sentinel] !== USED + (previousFree ? PREV_FREE : 0)) {
			throw raise(corruptEndMarker, CHECK, sentinel * 4, u32[sentinel], USED + (previousFree ? PREV_FREE : 0))
		}
		if (used - quickBytes !== u32[hb + H_USED]) {
			throw raise(corruptUsedCount, CHECK, used - quickBytes, quickBytes, u32[hb + H_USED])
		}
		const quickCount = quickBlocks.size
		for (let sizeClass = 0; sizeClass < QUICK_CLASSES; sizeClass++) {
			for (let x = u32[hb + H_QUICK_HEADS + sizeClass]!; x !== 0; x = u32[x + 2]!) {
				if (!quickBlocks.delete(x) || u32[x]! - (u32[x]! & 7) !== sizeClass << 3) {
					throw raise(corruptQuickList, CHECK, sizeClass, x * 4, sizeClass << 3)
				}
			}
		}
		if (quickCount !== u32[hb + H_QUICK_TOTAL] || quickCount > QUICK_CAPACITY || quickBlocks.size !== 0) {
			throw raise(corruptQuickCount, CHECK, quickCount, quickBlocks.size, u32[hb + H_QUICK_TOTAL], QUICK_CAPACITY)
		}

		const victim = u32[hb + H_DV]!
		if (victim !== 0 && !freeBlocks.delete(victim)) {
			throw raise(corruptVictim, CHECK, victim * 4)
		}
		const flMap = u32[hb + H_FL_MAP]!
		if (flMap >>> FL_COUNT !== 0) throw raise(corruptFirstLevelBitmap, CHECK, flMap, FL_COUNT - 1)
		for (let fl = 0; fl < FL_COUNT; fl++) {
			const slMap = u32[hb + H_SL_MAPS + fl]!
			if ((slMap !== 0) !== ((flMap & (1 << fl)) !== 0)) {
				throw raise(corruptSecondLevelBitmap, CHECK, fl, (flMap & (1 << fl)) !== 0, slMap)
			}
			for (let sl = 0; sl < 32; sl++) {
				const head = u32[hb + H_HEADS + (fl << SL_SHIFT) + sl]!
				if ((head !== 0) !== ((slMap & (1 << sl)) !== 0)) {
					throw raise(corruptListHead, CHECK, fl, sl, head * 4, (slMap & (1 << sl)) !== 0)
				}
				let previous = 0
				for (let x = head; x !== 0; x = u32[x + 1]!) {
					if (!freeBlocks.delete(x)) {
						throw raise(corruptListedNotFree, CHECK, fl, sl, x * 4)
					}
					const size = u32[x]!
					const log2 = 31 - Math.clz32(size)
					const expectedFl = size < SMALL_LIMIT ? 0 : log2 - 7
					const expectedSl = size < SMALL_LIMIT ? size >>> 3 : (size >>> (log2 - SL_SHIFT)) & 31
					if (expectedFl !== fl || expectedSl !== sl) {
						throw raise(corruptWrongClass, CHECK, x * 4, size, fl, sl, expectedFl, expectedSl)
					}
					if (u32[x + 2] !== previous) {
						throw raise(corruptBackLink, CHECK, x * 4, u32[x + 2]! * 4, previous * 4)
					}
					previous = x
				}
			}
		}
		for (const orphan of freeBlocks) throw raise(corruptOrphan, CHECK, orphan * 4)
	}
}

/** The option names of {@link HeapAllocatorOptions}, to refuse typos. */
export const allocatorOptionNames: readonly string[] = ['start', 'end', 'maximumByteSize']

/** A `__heap_base` global's value as an address: an i32 global reads as a signed number, so 2 GiB or more arrives negative; an i64 one as a bigint. */
function globalAddress(value: unknown): unknown {
	if (typeof value === 'bigint') return value >= 0n && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
	if (typeof value === 'number' && value < 0 && (value | 0) === value) return value >>> 0
	return value
}

function rangeOption(name: string, value: unknown, method: string): number | undefined {
	if (value === undefined) return undefined
	if (typeof value !== 'number') {
		throw raise(allocatorOptionNotANumber, method, name, value)
	}
	if (!Number.isSafeInteger(value) || value < 0) {
		throw raise(allocatorOptionInvalid, method, name, value)
	}
	return value
}

/**
 * Creates the built-in allocator over `target`, or joins the one already there: when the
 * range at `start` holds an allocator header (its magic number), the new object attaches
 * to that state instead of initialising it. This is how the threads sharing one
 * `WebAssembly.Memory` (or `SharedArrayBuffer`) use one pool; an attaching allocator
 * takes the range's end and growth limit from the header, not from its options.
 *
 * - `WebAssembly.Memory` without `end`: the range grows with the memory, on demand, up
 *   to `maximumByteSize` (and the memory's own maximum).
 * - `ArrayBuffer` / `SharedArrayBuffer` (resizable or growable ones too), or an explicit
 *   `end`: a fixed range.
 * - A range that overlaps, up to either's growth limit, the range of another allocator
 *   created in this realm over the same memory or buffer (its header still in place) is
 *   refused: two heaps in one memory need ranges apart, or the same `start` to share one.
 *
 * @param target the memory or buffer whose bytes from `start` on the allocator owns.
 * @param options `start`, `end`, `maximumByteSize` (see {@link HeapAllocatorOptions}).
 * Every thread must pass the same `start`. Before it writes a header, `createHeapAllocator`
 * refuses to overwrite a heap in use: a header at `start` that lost its magic number but
 * keeps its version and base, or another allocator's header up to 64 KiB above `start`
 * (in this range) or up to 1 MiB below it (whose range may grow past `start`).
 *
 * @throws TypeError for a target or option of the wrong kind; RangeError for a range
 * that is too small, overlaps another allocator's (one this thread created, or a header
 * near `start`: a thread joining with another start), ends past the buffer or past 4 GiB
 * (`end` or `maximumByteSize`);
 * Error for a header of another layout version or a corrupted header.
 * @group Entry points
 */
export function createHeapAllocator(target: HeapTarget, options: HeapAllocatorOptions = {}): HeapAllocator {
	return createHeapAllocatorFor('createHeapAllocator', target, options)
}

/**
 * @internal {@link createHeapAllocator}, whose errors name `method`: the function the user
 * called (`createWasmHeapManager` over a bare memory creates its allocator here).
 */
export function createHeapAllocatorFor(method: string, target: HeapTarget, options: HeapAllocatorOptions): HeapAllocator {
	if (!isMemory(target) && !isBuffer(target)) {
		throw raise(allocatorTargetInvalid, method, target)
	}
	if (typeof options !== 'object' || options === null) {
		throw raise(allocatorOptionsNotAnObject, method, options)
	}
	for (const key of Object.keys(options)) {
		if (!allocatorOptionNames.includes(key)) {
			throw raise(unknownOption, method, key, allocatorOptionNames)
		}
	}
	const byteLength = isMemory(target) ? target.buffer.byteLength : target.byteLength
	let start: unknown = options.start === undefined ? 16 : options.start
	if (typeof WebAssembly !== 'undefined' && start instanceof WebAssembly.Global) {
		start = globalAddress(start.value)
	}
	const startValue = rangeOption('start', start, method) as number
	const end = rangeOption('end', options.end, method)
	const maximumByteSize = rangeOption('maximumByteSize', options.maximumByteSize, method)
	const base = startValue + ((8 - (startValue % 8)) % 8)
	if (end !== undefined && end > byteLength) {
		throw raise(allocatorEndPastBuffer, method, end, byteLength)
	}
	if (end !== undefined && end > ADDRESS_LIMIT) {
		throw raise(allocatorEndPast4GiB, method, end)
	}
	// Not taken as 4 GiB in silence: over a memory64 memory, 8 GiB would read as possible.
	if (maximumByteSize !== undefined && maximumByteSize > ADDRESS_LIMIT) {
		throw raise(allocatorEndPast4GiB, method, maximumByteSize, 'maximumByteSize')
	}
	if (base + HEADER_BYTES > Math.min(byteLength, ADDRESS_LIMIT)) {
		throw raise(allocatorNoRoomForHeader, method, startValue, HEADER_BYTES, byteLength)
	}
	return new TlsfHeapAllocator(target, base, end, maximumByteSize, method)
}
