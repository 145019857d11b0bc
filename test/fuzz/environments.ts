/**
 * The heaps the fuzzer runs on, and the allocator it gives the manager.
 *
 * An environment is described by plain data (`EnvConfig`), so that a reproducer can
 * rebuild it exactly; `createEnv` makes the buffer, the allocator and the manager. Every
 * change of the heap that does not go through the manager (growth behind its back, a
 * replaced buffer, growth inside the allocator or inside a value's `valueOf`) goes
 * through `FuzzEnv.grow`/`replace`, which also grows the model, so that the model is
 * always the heap as it should be.
 */
import { createHeapAllocator, createWasmHeapManager, wrapEmscriptenModuleHeap, type HeapAllocator, type PollingMode, type WasmHeapManager } from '../../src/index.js'
import { HeapModel, PAGE_SIZE } from './model.js'

export const heapKinds = [
	'memory',
	'sharedMemory',
	'replaced',
	'detachedCopy',
	'emscripten',
	'resizable',
	'growableShared',
	'fixed',
	'memory2GiB',
	'arrayBuffer5GiB',
	'builtin',
	'builtinBare',
] as const
export type HeapKind = (typeof heapKinds)[number]

export interface EnvConfig {
	readonly kind: HeapKind
	/** `undefined`: the option is left out (the default, `'whenEmpty'`). */
	readonly pollingMode: PollingMode | undefined
	readonly clearAllocatedRegions: boolean
	readonly trackAllocations: boolean
	/** A memory64 module: the allocator takes its size as a bigint (rejecting a number as an i64 export does) and returns bigints. */
	readonly memory64Allocator: boolean
	readonly emscriptenHeap: 'wasmMemory' | 'HEAPU8'
	readonly initialPages: number
	/** `builtin` and `builtinBare`: the memory is shared (the allocator then takes its lock). */
	readonly sharedBuiltin?: boolean
	/** The manager's `abi` option (absent: left out, `'wasm32'`); struct layouts follow it. */
	readonly abi?: 'emscripten' | 'wasm64'
	/** `debug: true` (records allocation sites; `report()` works). */
	readonly debug?: boolean
	/** The seed of the episode's struct types (test/fuzz/structs.ts); none: no struct operations. */
	readonly structSeed?: number
}

/**
 * The built-in allocator's range starts here on the `builtin*` heaps: the bytes below
 * are scratch room the fuzzer may write anywhere, as it writes anywhere on the other
 * heaps; above it only inside regions it holds (the allocator's own state lives there).
 */
export const BUILTIN_START = 4096

/** What the allocator or deallocator does wrong on its next call within one operation. */
export type Fault =
	| { readonly on: 'alloc'; readonly kind: 'zero' | 'negative' | 'fraction' | 'nan' | 'string' | 'null' | 'object' | 'hugeBigint' }
	| { readonly on: 'alloc'; readonly kind: 'pastEnd'; readonly beyond: number }
	| { readonly on: 'alloc'; readonly kind: 'misaligned'; readonly offset: number }
	| { readonly on: 'alloc'; readonly kind: 'throws' | 'grows' | 'growsThenZero' }
	/** Returns the address of a live region, as if C had freed it behind the manager's back. */
	| { readonly on: 'alloc'; readonly kind: 'reuseLive'; readonly address: number }
	/** Returns an address 16 bytes into a live region. */
	| { readonly on: 'alloc'; readonly kind: 'insideLive'; readonly address: number }
	| { readonly on: 'dealloc'; readonly kind: 'throws' | 'grows' }

/** The error a faulty allocator or deallocator throws (the shape of a wasm trap). */
export class InjectedFault extends WebAssembly.RuntimeError {}

export interface AllocCall {
	readonly size: unknown
	readonly fault: Fault | undefined
	/** What it returned (as a number; `undefined` when it threw or returned a non-address). */
	address?: number
	/** Exactly what it returned. */
	returned?: unknown
	threw?: unknown
	/** A probe the manager makes to learn the argument kind (rejected as an i64 export rejects a number). */
	probe?: boolean
}

export interface DeallocCall {
	readonly argument: unknown
	readonly address: number
	readonly fault: Fault | undefined
	wasLive?: boolean
	threw?: unknown
	probe?: boolean
}

interface Arena {
	next: number
	end: number
	readonly growable: boolean
}

interface Block {
	/** Start of the block in the allocator's arena, or -1 for a region the allocator made up (a fault). */
	readonly block: number
	readonly size: number
}

/**
 * A size-class allocator with its bookkeeping outside the heap (so that it never
 * changes a byte the model does not know about), deterministic, with faults armed per
 * operation. Regions are 16-byte aligned, as `malloc`'s are.
 */
export class FuzzAllocator {
	/** Live regions by the address handed out. */
	readonly live = new Map<number, Block>()
	private readonly freeLists = new Map<number, number[]>()
	private readonly arenas: Arena[]
	private allocationIndex = 0
	/** Faults for the current operation. */
	faults: Fault[] = []
	allocCalls: AllocCall[] = []
	deallocCalls: DeallocCall[] = []
	/** Requests the manager should never make (a bad size, an address of the wrong kind). */
	readonly protocolErrors: string[] = []

	constructor(
		private readonly env: FuzzEnv,
		arenas: readonly (readonly [number, number])[],
	) {
		this.arenas = arenas.map(([start, end], i) => ({ next: start, end, growable: i === arenas.length - 1 && end === Infinity }))
	}

	/** Starts an operation: arms its faults and clears the call logs. */
	begin(faults: readonly Fault[]): void {
		this.faults = [...faults]
		this.allocCalls = []
		this.deallocCalls = []
	}

	private takeFault(on: 'alloc' | 'dealloc'): Fault | undefined {
		const index = this.faults.findIndex((fault) => fault.on === on)
		return index < 0 ? undefined : this.faults.splice(index, 1)[0]
	}

	private blockOf(size: number): number {
		const rounded = Math.max(16, Math.ceil(size / 16) * 16)
		const builtin = this.env.builtin
		if (builtin !== undefined) {
			// The real allocator serves it (and grows the memory itself when it must).
			const before = this.env.byteLength
			const address = builtin.alloc(rounded, 16)
			if (this.env.byteLength !== before) this.env.noteGrowth()
			return address
		}
		const reused = this.freeLists.get(rounded)?.pop()
		if (reused !== undefined) return reused
		if (rounded > this.env.maxByteLength) return 0
		const arena = this.arenas[this.allocationIndex++ % this.arenas.length]!
		const start = arena.next
		const end = start + rounded
		if (end > Math.min(arena.end, this.env.byteLength)) {
			if (!arena.growable || !this.env.grow(end - this.env.byteLength, 'allocator')) return 0
		}
		arena.next = end
		return start
	}

	private hand(address: number, block: Block): number | bigint {
		this.live.set(address, block)
		return this.env.config.memory64Allocator ? BigInt(address) : address
	}

	readonly alloc = (sizeArgument: unknown): unknown => {
		if (this.env.config.memory64Allocator && typeof sizeArgument !== 'bigint') {
			// What an i64 export does with a number, before running.
			this.allocCalls.push({ size: sizeArgument, fault: undefined, probe: true })
			throw new TypeError(`Cannot convert ${String(sizeArgument)} to a BigInt`)
		}
		const size = Number(sizeArgument)
		const fault = this.takeFault('alloc')
		const call: AllocCall = { size: sizeArgument, fault }
		this.allocCalls.push(call)
		if (!(Number.isSafeInteger(size) && size >= 1)) {
			this.protocolErrors.push(`the allocator was asked for ${String(sizeArgument)} bytes`)
			call.returned = 0
			return 0
		}
		let result = this.allocate(size, fault)
		// An i64 export returns a bigint whatever it computed (a failed malloc's 0 is 0n): a number
		// would teach the manager that addresses are numbers, and it would free with numbers.
		if (this.env.config.memory64Allocator && typeof result === 'number') result = Number.isInteger(result) ? BigInt(result) : -1n
		call.returned = result
		if (typeof result === 'number' || typeof result === 'bigint') call.address = Number(result)
		return result
	}

	private allocate(size: number, fault: Fault | undefined): unknown {
		const length = this.env.byteLength
		switch (fault?.kind) {
			case undefined:
				break
			case 'zero':
				return 0
			case 'negative':
				return -16
			case 'fraction':
				return 16.5
			case 'nan':
				return Number.NaN
			case 'string':
				return '64'
			case 'null':
				return null
			case 'object':
				return { address: 64 }
			case 'hugeBigint':
				return 2n ** 60n
			case 'pastEnd':
				return this.hand(length + fault.beyond, { block: -1, size })
			case 'misaligned': {
				const block = this.blockOf(size + 16)
				if (block === 0) return 0
				return this.hand(block + fault.offset, { block, size: size + 16 })
			}
			case 'throws':
				this.allocCalls[this.allocCalls.length - 1]!.threw = true
				throw new InjectedFault('unreachable (fuzz: the allocator trapped)')
			case 'grows':
				this.env.grow(PAGE_SIZE, 'allocator')
				break
			case 'growsThenZero':
				this.env.grow(PAGE_SIZE, 'allocator')
				return 0
			case 'reuseLive': {
				const block = this.live.get(fault.address)
				if (block !== undefined && block.block >= 0 && block.size >= Math.max(16, Math.ceil(size / 16) * 16)) {
					// C freed the region behind the manager's back and malloc hands it out again.
					return this.hand(fault.address, block)
				}
				break
			}
			case 'insideLive': {
				const block = this.live.get(fault.address)
				if (block !== undefined && block.block >= 0 && block.size >= 16 + Math.max(16, Math.ceil(size / 16) * 16)) {
					return this.hand(fault.address + 16, { block: -1, size })
				}
				break
			}
			default:
				throw new Error(`FuzzAllocator: fault ${(fault as Fault).kind} is not an allocation fault`)
		}
		const block = this.blockOf(size)
		if (block === 0) return 0
		return this.hand(block, { block, size: Math.max(16, Math.ceil(size / 16) * 16) })
	}

	readonly free = (argument: unknown): void => {
		if (this.env.config.memory64Allocator && typeof argument !== 'bigint') {
			this.deallocCalls.push({ argument, address: Number(argument), fault: undefined, probe: true })
			throw new TypeError(`Cannot convert ${String(argument)} to a BigInt`)
		}
		if (!this.env.config.memory64Allocator && typeof argument !== 'number') {
			this.protocolErrors.push(`the deallocator was called with ${typeof argument} ${String(argument)}`)
		}
		const address = Number(argument)
		const fault = this.takeFault('dealloc')
		const call: DeallocCall = { argument, address, fault }
		this.deallocCalls.push(call)
		if (fault?.kind === 'throws') {
			call.threw = true
			throw new InjectedFault('unreachable (fuzz: the deallocator trapped)')
		}
		if (fault?.kind === 'grows') this.env.grow(PAGE_SIZE, 'deallocator')
		const block = this.live.get(address)
		call.wasLive = block !== undefined
		if (block === undefined) return // a foreign pointer (a wrapped region): C's business
		this.live.delete(address)
		if (block.block >= 0) this.release(block)
	}

	private release(block: Block): void {
		if (this.env.builtin !== undefined) {
			this.env.builtin.free(block.block)
			return
		}
		let list = this.freeLists.get(block.size)
		if (list === undefined) this.freeLists.set(block.size, (list = []))
		list.push(block.block)
	}

	/** Whether a region of the real allocator was forgotten (so its use count cannot fall to 0). */
	leaked = false

	/** Forgets a region (its deallocation trapped, so it leaked). */
	forget(address: number): void {
		if ((this.live.get(address)?.block ?? -1) >= 0) this.leaked = true
		this.live.delete(address)
	}
}

type ResizableBuffer = ArrayBuffer & { resize(byteLength: number): void }
type GrowableShared = SharedArrayBuffer & { grow(byteLength: number): void }

/** Who grew the heap: the fuzzer behind the manager's back, or code the manager called. */
export type GrowthSource = 'outside' | 'allocator' | 'deallocator' | 'value'

export interface EmscriptenModule {
	HEAPU8: Uint8Array
	wasmMemory?: WebAssembly.Memory
	wasmExports?: { memory: WebAssembly.Memory }
	_malloc: (size: unknown) => unknown
	_free: (address: unknown) => void
}

/** One heap, its model, allocator and manager. */
export class FuzzEnv {
	readonly model: HeapModel
	readonly allocator: FuzzAllocator
	readonly manager: WasmHeapManager
	/** The largest the heap may grow to. */
	readonly maxByteLength: number
	/** Compare only the pages the model touched (heaps too large to compare whole after each call). */
	readonly large: boolean
	/** Growth events since the counter was last read. */
	growthCount = 0
	private memory: WebAssembly.Memory | undefined
	private holder: { buffer: ArrayBuffer } | undefined
	private resizable: ResizableBuffer | GrowableShared | undefined
	private fixedBuffer: ArrayBuffer | undefined
	private module: EmscriptenModule | undefined
	/** The built-in allocator the `builtin*` heaps allocate from (its own state in the heap). */
	readonly builtin: HeapAllocator | undefined
	/** A second handle on that allocator's state, attached as another thread would: for `check()`. */
	readonly builtinObserver: HeapAllocator | undefined

	constructor(readonly config: EnvConfig) {
		const pages = config.initialPages
		let arenas: [number, number][] = [[16, Infinity]]
		this.large = false
		switch (config.kind) {
			case 'memory':
			case 'sharedMemory':
			case 'emscripten':
				this.memory = new WebAssembly.Memory({ initial: pages, maximum: 64, shared: config.kind === 'sharedMemory' })
				this.maxByteLength = 64 * PAGE_SIZE
				break
			case 'replaced':
			case 'detachedCopy':
				this.holder = { buffer: new ArrayBuffer(pages * PAGE_SIZE) }
				this.maxByteLength = 64 * PAGE_SIZE
				break
			case 'resizable':
				this.resizable = new (ArrayBuffer as unknown as new (n: number, o: object) => ResizableBuffer)(pages * PAGE_SIZE, {
					maxByteLength: 64 * PAGE_SIZE,
				})
				this.maxByteLength = 64 * PAGE_SIZE
				break
			case 'growableShared':
				this.resizable = new (SharedArrayBuffer as unknown as new (n: number, o: object) => GrowableShared)(pages * PAGE_SIZE, {
					maxByteLength: 64 * PAGE_SIZE,
				})
				this.maxByteLength = 64 * PAGE_SIZE
				break
			case 'fixed':
				this.fixedBuffer = new ArrayBuffer(pages * PAGE_SIZE)
				this.maxByteLength = pages * PAGE_SIZE
				break
			case 'memory2GiB': {
				// 2 GiB + 64 KiB: more than 2^31 bytes from a low address to the heap's end.
				const initial = 32768 + pages
				this.memory = new WebAssembly.Memory({ initial, maximum: initial + 8 })
				this.maxByteLength = (initial + 8) * PAGE_SIZE
				arenas = [
					[16, 1 << 20],
					[2 ** 31 - 2 * PAGE_SIZE, Infinity],
				]
				this.large = true
				break
			}
			case 'builtin':
			case 'builtinBare':
				this.memory = new WebAssembly.Memory({ initial: pages, maximum: 64, shared: config.sharedBuiltin === true })
				this.maxByteLength = 64 * PAGE_SIZE
				break
			case 'arrayBuffer5GiB':
				this.fixedBuffer = new ArrayBuffer(5 * 2 ** 30)
				this.maxByteLength = 5 * 2 ** 30
				arenas = [
					[16, 1 << 20],
					[2 ** 32 - 4 * PAGE_SIZE, 2 ** 32 + (1 << 20)],
					[5 * 2 ** 30 - (1 << 20), 5 * 2 ** 30],
				]
				this.large = true
				break
		}
		this.model = new HeapModel(this.buffer().byteLength)
		this.allocator = new FuzzAllocator(this, arenas)
		const options = {
			clearAllocatedRegions: config.clearAllocatedRegions,
			trackAllocations: config.trackAllocations,
			...(config.debug === true ? { debug: true } : {}),
			...(config.abi === undefined ? {} : { abi: config.abi }),
			...(config.pollingMode === undefined ? {} : { pollingMode: config.pollingMode }),
		}
		if (config.kind === 'builtinBare') {
			// A bare memory, the built-in allocator made by the manager itself; the fuzzer then puts its
			// logging (and fault-injecting) allocator between the manager and that one.
			const manager = createWasmHeapManager(this.memory!, { ...options, start: BUILTIN_START })
			const core = (manager as unknown as { core: { allocator: (size: number, alignment: number) => number; deallocator: (address: number) => void } }).core
			const alloc = core.allocator
			const free = core.deallocator
			this.builtin = { alloc: (size: number, alignment?: number) => alloc(size, alignment ?? 8), free: (address: number) => free(address) } as HeapAllocator
			core.allocator = this.allocator.alloc as never
			core.deallocator = this.allocator.free as never
			this.builtinObserver = createHeapAllocator(this.memory!, { start: BUILTIN_START })
			this.manager = manager
			this.syncAllocatorState()
			return
		}
		if (config.kind === 'builtin') {
			this.builtin = createHeapAllocator(this.memory!, { start: BUILTIN_START })
			this.builtinObserver = this.builtin
			this.syncAllocatorState()
		}
		if (config.kind === 'emscripten') {
			const memory = this.memory!
			const module: EmscriptenModule = { HEAPU8: new Uint8Array(memory.buffer), _malloc: this.allocator.alloc, _free: this.allocator.free }
			if (config.emscriptenHeap === 'wasmMemory') module.wasmMemory = memory
			else module.wasmExports = { memory }
			this.module = module
			this.manager = wrapEmscriptenModuleHeap(module as never, options)
		} else {
			this.manager = createWasmHeapManager(() => this.latest(), this.allocator.alloc as never, this.allocator.free as never, options)
		}
	}

	/** What `getLatestHeap` returns. */
	private latest(): ArrayBuffer | SharedArrayBuffer {
		return this.buffer()
	}

	/** The heap grew inside the built-in allocator: the model grows with it. */
	noteGrowth(): void {
		this.model.resize(this.byteLength)
		this.growthCount++
	}

	/**
	 * The built-in allocator keeps its state in the heap, which the model does not
	 * predict: after a call that allocated or freed, the model takes the heap's bytes from
	 * `BUILTIN_START` on, except inside `kept` (regions live before and after the call,
	 * whose bytes the library must not have changed), as `[start, end)` pairs.
	 */
	syncAllocatorState(kept: readonly (readonly [number, number])[] = []): void {
		const heap = new Uint8Array(this.buffer())
		const sorted = [...kept].sort((a, b) => a[0] - b[0])
		let at = BUILTIN_START
		for (const [start, end] of [...sorted, [heap.length, heap.length] as const]) {
			if (start > at) this.model.write(at, heap.subarray(at, Math.min(start, heap.length)))
			at = Math.max(at, end)
		}
	}

	/** The heap's current buffer: the truth the model is compared with. */
	buffer(): ArrayBuffer | SharedArrayBuffer {
		if (this.memory !== undefined) return this.memory.buffer
		if (this.holder !== undefined) return this.holder.buffer
		if (this.resizable !== undefined) return this.resizable
		return this.fixedBuffer!
	}

	get byteLength(): number {
		return this.buffer().byteLength
	}

	/** Whether the heap can grow at all. */
	get growable(): boolean {
		return this.maxByteLength > this.byteLength
	}

	/** Whether `replace` makes sense: a buffer replaced by a same-size copy. */
	get replaceable(): boolean {
		return this.holder !== undefined
	}

	/**
	 * Grows the heap by at least `byteCount` bytes (whole pages), as the environment's
	 * memory grows. Returns false when it cannot.
	 */
	grow(byteCount: number, source: GrowthSource, updateEmscriptenViews = true): boolean {
		const pages = Math.max(1, Math.ceil(byteCount / PAGE_SIZE))
		const newLength = this.byteLength + pages * PAGE_SIZE
		if (newLength > this.maxByteLength) return false
		if (this.memory !== undefined) {
			this.memory.grow(pages)
			// Emscripten updates its views after growth it performs (malloc's sbrk); not after growth from JS.
			if (this.module !== undefined && (source !== 'outside' || updateEmscriptenViews)) this.module.HEAPU8 = new Uint8Array(this.memory.buffer)
		} else if (this.holder !== undefined) {
			this.replaceWith(newLength)
		} else if (this.resizable !== undefined) {
			if ('resize' in this.resizable) this.resizable.resize(newLength)
			else this.resizable.grow(newLength)
		} else {
			return false
		}
		this.model.resize(newLength)
		this.growthCount++
		return true
	}

	/** Replaces the buffer by a copy of the same size (the old one detached in `detachedCopy`). */
	replace(): boolean {
		if (this.holder === undefined) return false
		this.replaceWith(this.byteLength)
		this.growthCount++
		return true
	}

	private replaceWith(newLength: number): void {
		const old = this.holder!.buffer
		const fresh = new ArrayBuffer(newLength)
		new Uint8Array(fresh).set(new Uint8Array(old))
		this.holder!.buffer = fresh
		if (this.config.kind === 'detachedCopy') structuredClone(old, { transfer: [old] })
	}

	/** A one-line description for reproducers. */
	describe(): string {
		return describeEnv(this.config)
	}
}

/** A heap configuration in one line, for reproducers. */
export function describeEnv(c: EnvConfig): string {
	{
		const options = [
			c.pollingMode === undefined ? undefined : `pollingMode: '${c.pollingMode}'`,
			c.clearAllocatedRegions ? undefined : 'clearAllocatedRegions: false',
			c.trackAllocations ? undefined : 'trackAllocations: false',
			c.debug === true ? 'debug: true' : undefined,
			c.abi === undefined ? undefined : `abi: '${c.abi}'`,
		].filter((x) => x !== undefined)
		const heap = {
			memory: `new WebAssembly.Memory({ initial: ${c.initialPages}, maximum: 64 })`,
			sharedMemory: `new WebAssembly.Memory({ initial: ${c.initialPages}, maximum: 64, shared: true })`,
			replaced: `an ArrayBuffer of ${c.initialPages} pages, replaced by a larger copy to grow (the old one left intact)`,
			detachedCopy: `an ArrayBuffer of ${c.initialPages} pages, replaced by a larger copy to grow (the old one detached)`,
			emscripten: `an Emscripten-style module over new WebAssembly.Memory({ initial: ${c.initialPages} }) with ${c.emscriptenHeap === 'wasmMemory' ? 'wasmMemory' : 'HEAPU8 and wasmExports.memory'}`,
			resizable: `new ArrayBuffer(${c.initialPages * PAGE_SIZE}, { maxByteLength: ${64 * PAGE_SIZE} }), grown by resize()`,
			growableShared: `new SharedArrayBuffer(${c.initialPages * PAGE_SIZE}, { maxByteLength: ${64 * PAGE_SIZE} }), grown by grow()`,
			fixed: `new ArrayBuffer(${c.initialPages * PAGE_SIZE})`,
			memory2GiB: `new WebAssembly.Memory({ initial: ${32768 + c.initialPages} }) (2 GiB + ${c.initialPages * 64} KiB)`,
			arrayBuffer5GiB: 'new ArrayBuffer(5 * 2 ** 30)',
			builtin: `new WebAssembly.Memory({ initial: ${c.initialPages}, maximum: 64${c.sharedBuiltin === true ? ', shared: true' : ''} }) with createHeapAllocator(memory, { start: ${BUILTIN_START} }) as the allocator`,
			builtinBare: `createWasmHeapManager(new WebAssembly.Memory({ initial: ${c.initialPages}, maximum: 64${c.sharedBuiltin === true ? ', shared: true' : ''} }), { start: ${BUILTIN_START} }) (the built-in allocator)`,
		}[c.kind]
		if (c.kind === 'builtin' || c.kind === 'builtinBare') return `${heap}; options { ${options.join(', ')} }`
		return `${heap}; allocator: 16-byte-aligned size classes${c.memory64Allocator ? ', memory64-style (bigint sizes and addresses)' : ''}; options { ${options.join(', ')} }`
	}
}

/** Why a heap kind cannot run on this engine, or `undefined` when it can. */
export function unsupportedReason(kind: HeapKind): string | undefined {
	try {
		switch (kind) {
			case 'resizable':
				new (ArrayBuffer as unknown as new (n: number, o: object) => ResizableBuffer)(8, { maxByteLength: 16 }).resize(16)
				return undefined
			case 'growableShared':
				new (SharedArrayBuffer as unknown as new (n: number, o: object) => GrowableShared)(8, { maxByteLength: 16 }).grow(16)
				return undefined
			case 'memory2GiB':
				new WebAssembly.Memory({ initial: 32769, maximum: 32777 })
				return undefined
			case 'arrayBuffer5GiB':
				new ArrayBuffer(5 * 2 ** 30)
				return undefined
			default:
				return undefined
		}
	} catch (error) {
		return `${kind}: this engine refuses it (${(error as Error).message})`
	}
}
