/**
 * `wrapEmscriptenModuleHeap` for modules that expose `_malloc`/`_free` but neither
 * `HEAPU8` nor `wasmMemory` (sql.js ships so; Emscripten after 3.1.6 puts no heap views on
 * `Module` unless asked to): the real Emscripten fixture's functions and memory, handed
 * over as such a module exposes them — through its raw exports' memory
 * (`Module.asm.memory`) and through the `{ memory }` option — and the error that says how.
 */
import { expect } from 'chai'
import { wrapEmscriptenModuleHeap } from '../src/index.js'
import { expectThrow } from './support/dynamic.js'
import { loadEmscriptenFixture, type HeaplibEmscriptenModule } from './support/fixtures.js'

/** What a module built without runtime methods exposes: the C functions and the raw exports. */
interface BareModule {
	readonly asm: { readonly memory: WebAssembly.Memory }
	_malloc(size: number): number
	_free(address: number): void
	_make_greeting(name: number): number
	_utf8_length(address: number): number
	_grow_heap(bytes: number): number
	[name: string]: unknown
}

function bare(full: HeaplibEmscriptenModule): BareModule {
	return {
		asm: full.asm,
		_malloc: full._malloc,
		_free: full._free,
		_make_greeting: full._make_greeting,
		_utf8_length: full['_utf8_length'] as (address: number) => number,
		_grow_heap: full._grow_heap,
	}
}

const factory = async (): Promise<BareModule> => bare(await loadEmscriptenFixture())

describe('wrapEmscriptenModuleHeap over a module with neither HEAPU8 nor wasmMemory', () => {
	let module: BareModule
	before(async () => {
		module = await factory()
	})

	it('the fixture is such a module', () => {
		expect(module.HEAPU8).to.equal(undefined)
		expect(module.wasmMemory).to.equal(undefined)
		expect(typeof module._malloc).to.equal('function')
		expect(module.asm.memory).to.be.instanceOf(WebAssembly.Memory)
	})

	it('works through the memory of its raw exports (Module.asm.memory), following growth that C causes', () => {
		const heap = wrapEmscriptenModuleHeap(module)
		expect(heap.heap).to.equal(module.asm.memory.buffer)
		const name = heap.allocNullTerminatedUtf8String('Grace')
		const greeting = heap.wrapNullTerminatedUtf8String(module._make_greeting(name.address))
		expect(greeting.value).to.match(/Grace/)
		expect(heap.lengthOfNullTerminatedUtf8String(greeting.address)).to.equal(module._utf8_length(greeting.address))
		greeting.free()
		const before = module.asm.memory.buffer.byteLength
		const big = module._grow_heap(4 * before)
		expect(module.asm.memory.buffer.byteLength).to.be.greaterThan(before)
		expect(heap.readUint8(big)).to.equal(0xa0)
		expect(heap.heapUint8.length).to.equal(module.asm.memory.buffer.byteLength)
		module._free(big)
		name.free()
	})

	it('a module object with only _malloc and _free (no raw exports either) works with { memory }', () => {
		const sqlJsLike = { _malloc: module._malloc, _free: module._free }
		const heap = wrapEmscriptenModuleHeap(sqlJsLike, { memory: module.asm.memory, trackAllocations: false })
		const ref = heap.allocUtf8StringSlice('with\0nul')
		expect(ref.value).to.equal('with\0nul')
		expect(heap.heapDataView.buffer).to.equal(module.asm.memory.buffer)
		// The manager's options still apply, and the memory is followed when C grows it.
		expectThrow(() => heap.allocatedRefs, Error, 'allocatedRefs needs allocation tracking, which this manager was created without (trackAllocations: false)')
		const before = module.asm.memory.buffer.byteLength
		const big = module._grow_heap(4 * before)
		expect(heap.readUint8(big)).to.equal(0xa0)
		module._free(big)
		ref.free()
	})

	it('{ memory } wins over what the module exposes', () => {
		const other = new WebAssembly.Memory({ initial: 1 })
		const heap = wrapEmscriptenModuleHeap(module, { memory: other })
		expect(heap.heap).to.equal(other.buffer)
	})

	it('without any heap, the error says how to add one (the flag, or { memory })', () => {
		expectThrow(
			() => wrapEmscriptenModuleHeap({ _malloc: module._malloc, _free: module._free }),
			Error,
			'wrapEmscriptenModuleHeap: the module has no heap (neither HEAPU8 nor wasmMemory); build it with ' +
				'-sEXPORTED_RUNTIME_METHODS=HEAPU8 (or wasmMemory), or pass its WebAssembly.Memory: wrapEmscriptenModuleHeap(module, { memory }) ' +
				'(for sql.js and other prebuilt modules: the export that is instanceof WebAssembly.Memory of the instance your ' +
				'Module.instantiateWasm hook creates, whatever its name: minified builds do not call it memory)',
		)
	})

	// `{ memory: instance.exports.memory }` of a minified build (sql.js calls its memory O)
	// is `{ memory: undefined }`: the error says that, and how to find the memory, rather
	// than advising the very instance.exports.memory that gave undefined.
	it('{ memory: undefined } on a module without a heap says the option is undefined and how to find a minified memory', () => {
		expectThrow(
			() => wrapEmscriptenModuleHeap({ _malloc: module._malloc, _free: module._free }, { memory: undefined }),
			Error,
			'wrapEmscriptenModuleHeap: options.memory is undefined and the module has no heap of its own (neither HEAPU8 nor wasmMemory); ' +
				'a minified build such as sql.js has no instance.exports.memory: pass the export that is instanceof WebAssembly.Memory ' +
				'of the instance your Module.instantiateWasm hook creates ' +
				'(Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory)), and check that the hook ran ' +
				"(sql.js's initSqlJs runs only its first call's), or build the module with -sEXPORTED_RUNTIME_METHODS=HEAPU8 (or wasmMemory)",
		)
		// On a module with a heap of its own, an undefined memory is no memory: that heap is used.
		const heap = wrapEmscriptenModuleHeap(module, { memory: undefined })
		expect(heap.heap).to.equal(module.asm.memory.buffer)
	})

	it('finds the memory among raw exports whose names are minified (Module.asm or wasmExports without a `memory` key)', () => {
		const memory = module.asm.memory
		for (const key of ['asm', 'wasmExports'] as const) {
			// As an optimized Emscripten build has them: the memory under a one-letter name among functions.
			const minified = { _malloc: module._malloc, _free: module._free, [key]: { O: memory, P: module._malloc, Q: new WebAssembly.Table({ initial: 1, element: 'anyfunc' }) } }
			const heap = wrapEmscriptenModuleHeap(minified)
			expect(heap.heap, key).to.equal(memory.buffer)
			const name = heap.allocNullTerminatedUtf8String('Grace')
			const greeting = heap.wrapNullTerminatedUtf8String(module._make_greeting(name.address))
			expect(greeting.value).to.equal('Hello, Grace!')
			greeting.free()
			name.free()
		}
		// Two memories: which one is the heap cannot be told, so neither is guessed.
		const ambiguous = { _malloc: module._malloc, _free: module._free, asm: { a: memory, b: new WebAssembly.Memory({ initial: 1 }) } }
		expectThrow(() => wrapEmscriptenModuleHeap(ambiguous), Error, /^wrapEmscriptenModuleHeap: the module has no heap/)
	})

	it('an unknown option (a misspelt memory) is named with every option this function takes, before the search for a heap', () => {
		const memory = module.asm.memory
		expectThrow(
			() => wrapEmscriptenModuleHeap({ _malloc: module._malloc, _free: module._free }, { memry: memory } as never),
			TypeError,
			"wrapEmscriptenModuleHeap: unknown option 'memry': the options are clearAllocatedRegions, pollingMode, trackAllocations, debug, abi, memory",
		)
		expectThrow(
			() => wrapEmscriptenModuleHeap({ ...module, HEAPU8: new Uint8Array(memory.buffer) }, { tracking: false } as never),
			TypeError,
			"wrapEmscriptenModuleHeap: unknown option 'tracking': the options are clearAllocatedRegions, pollingMode, trackAllocations, debug, abi, memory",
		)
		// the manager's option errors name the function called too (they named none)
		const withHeap = { ...module, HEAPU8: new Uint8Array(memory.buffer) }
		expectThrow(() => wrapEmscriptenModuleHeap(withHeap, 5 as never), TypeError, 'wrapEmscriptenModuleHeap: options must be an object, received 5')
		expectThrow(() => wrapEmscriptenModuleHeap(withHeap, { debug: 1 } as never), TypeError, 'wrapEmscriptenModuleHeap: option debug must be a boolean, received 1')
		expectThrow(() => wrapEmscriptenModuleHeap(withHeap, { pollingMode: 'Never' } as never), TypeError, /^wrapEmscriptenModuleHeap: option pollingMode must be one of /)
		expectThrow(() => wrapEmscriptenModuleHeap(withHeap, { abi: 'wasm16' } as never), TypeError, /^wrapEmscriptenModuleHeap: option abi: unknown ABI "wasm16"/)
	})

	it('a memory option that is not a WebAssembly.Memory is a TypeError', () => {
		for (const [memory, shown] of [
			[module.asm.memory.buffer, 'an object (ArrayBuffer)'],
			[null, 'null'],
			[42, '42'],
		] as const) {
			expectThrow(
				() => wrapEmscriptenModuleHeap(module, { memory: memory as never }),
				TypeError,
				`wrapEmscriptenModuleHeap: options.memory must be a WebAssembly.Memory, received ${shown}`,
			)
		}
	})
})
