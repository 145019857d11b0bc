import { optionNotABoolean, optionsNotAnObject, pollingModeInvalid, raise, unknownOption } from './messages.js'
import { abiFacts, type AbiName } from './structs/abi.js'

/**
 * How often the manager asks `getLatestHeap()` for the current heap buffer.
 * @group Options
 */
export type PollingMode = 'never' | 'whenEmpty' | 'always'

/**
 * Options accepted by {@link createWasmHeapManager} and {@link wrapEmscriptenModuleHeap}.
 * @group Options
 */
export interface WasmHeapManagerOptions {
	/**
	 * Zero every region right after it is allocated through the manager.
	 * @defaultValue `true`
	 */
	readonly clearAllocatedRegions?: boolean | undefined
	/**
	 * When to call `getLatestHeap()`:
	 * - `'never'`: once, at construction; the buffer is assumed never to be replaced, except
	 *   by an allocation through the manager that returns a region past it (the allocator
	 *   grew the memory), after which it is polled once more.
	 * - `'whenEmpty'`: when the cached buffer was detached (its length became 0), and
	 *   once more before an access would be reported out of range, which is how the
	 *   growth of a shared memory (never detached) is seen.
	 * - `'always'`: before every access.
	 * @defaultValue `'whenEmpty'`
	 */
	readonly pollingMode?: PollingMode | undefined
	/**
	 * Keep every ref allocated through the manager in a table, so that `allocatedRefs`,
	 * `freeAll()`, `totalAllocatedByteSize` and `free(address)` work.
	 * @defaultValue `true`
	 */
	readonly trackAllocations?: boolean | undefined
	/**
	 * Debug mode, for finding leaks: every ref the manager allocates records the stack it
	 * was allocated from, `heap.report()` lists the live refs by allocation site, and a ref
	 * garbage-collected without `free()` or `release()` (its region leaked) is reported
	 * with `console.warn`, once per site. Costs a stack capture per allocation; off, it
	 * costs nothing measurable.
	 * @defaultValue `false`
	 */
	readonly debug?: boolean | undefined
	/**
	 * The C ABI struct layouts follow (`defineStruct` types in `allocStruct`, `readStruct`,
	 * `sizeOf`...): `'wasm32'`, `'wasm64'` (8-byte pointers, `size_t` and `long`), or
	 * `'emscripten'` (wasm32 with `long double` aligned 8).
	 * @defaultValue `'wasm32'`
	 */
	readonly abi?: AbiName | undefined
}

/** The options with every default applied. */
export interface ResolvedOptions {
	readonly clearAllocatedRegions: boolean
	readonly pollingMode: PollingMode
	readonly trackAllocations: boolean
	readonly debug: boolean
	readonly abi: AbiName
}

const pollingModes: readonly PollingMode[] = ['never', 'whenEmpty', 'always']
/** The manager's option names, in the order its unknown-option message lists them. */
const optionNames: readonly string[] = ['clearAllocatedRegions', 'pollingMode', 'trackAllocations', 'debug', 'abi']

/**
 * Validates user options (unknown keys included, to catch typos) and applies the defaults.
 * `method`: the entry point the user called, which every error names.
 * `alsoTaken`: the keys a caller takes beside the manager's (`memory`, the built-in
 * allocator's range), passed over here and listed with them when a key is unknown.
 */
export function resolveOptions(options: WasmHeapManagerOptions | undefined, method: string, alsoTaken: readonly string[] = []): ResolvedOptions {
	if (options === undefined) {
		return { clearAllocatedRegions: true, pollingMode: 'whenEmpty', trackAllocations: true, debug: false, abi: 'wasm32' }
	}

	if (typeof options !== 'object' || options === null) {
		throw raise(optionsNotAnObject, method, options)
	}

	for (const key of Object.keys(options)) {
		if (!optionNames.includes(key) && !alsoTaken.includes(key)) {
			throw raise(unknownOption, method, key, [...optionNames, ...alsoTaken])
		}
	}

	const { clearAllocatedRegions = true, pollingMode = 'whenEmpty', trackAllocations = true, debug = false, abi = 'wasm32' } = options

	if (typeof clearAllocatedRegions !== 'boolean') {
		throw raise(optionNotABoolean, method, 'clearAllocatedRegions', clearAllocatedRegions)
	}

	if (typeof trackAllocations !== 'boolean') {
		throw raise(optionNotABoolean, method, 'trackAllocations', trackAllocations)
	}

	if (typeof debug !== 'boolean') {
		throw raise(optionNotABoolean, method, 'debug', debug)
	}

	if (!pollingModes.includes(pollingMode)) {
		throw raise(pollingModeInvalid, method, pollingMode, pollingModes)
	}

	abiFacts(abi, `${method}: option abi`)
	return { clearAllocatedRegions, pollingMode, trackAllocations, debug, abi }
}
