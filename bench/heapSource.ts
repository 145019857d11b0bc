/**
 * The heap the access and strings suites run on. On Node, and in Chromium's `plain`
 * run, that is the Emscripten fixture's heap (a plain `WebAssembly.Memory`), with its
 * `malloc` and its runtime helpers as the `emscripten` baselines. `npm run
 * bench:browser` also runs those suites on a `shared` memory (a `SharedArrayBuffer`, as
 * a threaded build has): a shared `WebAssembly.Memory` of its own with a bump allocator,
 * the same case names, and no `emscripten` baselines (the fixture is not a threaded
 * build). Its raw baselines do what hand-written code must on an engine that refuses
 * shared views in `TextDecoder.decode` and `TextEncoder.encodeInto` (Chromium): decode
 * a copy, encode into a non-shared scratch array and copy that in (see {@link textCoders}).
 */
import type { EmscriptenHeaplib } from './emscriptenFixture.js'
import type { WasmHeapManager } from './library.js'

export type MemoryKind = 'plain' | 'shared'

export interface BenchHeapSource {
	readonly memory: MemoryKind
	readonly heap: WasmHeapManager
	/**
	 * The Emscripten module, or on a shared memory an object with the same heap views
	 * and `_malloc` (a bump allocator), whose string helpers (used only to put strings
	 * in place before the cases run) are the manager's own writes.
	 */
	readonly module: EmscriptenHeaplib
	/** Whether `module`'s runtime helpers are Emscripten's, i.e. whether the `emscripten` baselines exist. */
	readonly emscripten: boolean
}

/** The Emscripten fixture and a manager of its heap (`wrapEmscriptenModuleHeap`). */
export async function emscriptenHeapSource(): Promise<BenchHeapSource> {
	const { loadEmscriptenHeaplib } = await import('./emscriptenFixture.js')
	const { wrapEmscriptenModuleHeap } = await import('./library.js')
	const module = await loadEmscriptenHeaplib()
	return { memory: 'plain', heap: wrapEmscriptenModuleHeap(module), module, emscripten: true }
}

/** A shared memory of `pages` 64 KiB pages, a manager over it with a bump allocator, and the module-like view of it. */
export async function sharedHeapSource(pages = 512): Promise<BenchHeapSource> {
	const { createWasmHeapManager } = await import('./library.js')
	const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true })
	let bump = 1024
	const malloc = (size: number): number => {
		const address = bump
		bump += Math.ceil(Math.max(size, 1) / 16) * 16
		if (bump > memory.buffer.byteLength) throw new RangeError(`bench: the shared heap of ${pages} pages is full`)
		return address
	}
	const heap = createWasmHeapManager(() => memory.buffer, malloc, () => {})
	const buffer = memory.buffer
	const missing = (name: string) => (): never => {
		throw new Error(`bench: ${name} is Emscripten's, and the shared heap has no Emscripten runtime`)
	}
	const module: EmscriptenHeaplib = {
		HEAP8: new Int8Array(buffer),
		HEAPU8: new Uint8Array(buffer),
		HEAP16: new Int16Array(buffer),
		HEAPU16: new Uint16Array(buffer),
		HEAP32: new Int32Array(buffer),
		HEAPU32: new Uint32Array(buffer),
		HEAPF32: new Float32Array(buffer),
		HEAPF64: new Float64Array(buffer),
		_malloc: malloc,
		_free: () => {},
		getValue: missing('getValue'),
		setValue: missing('setValue'),
		UTF8ToString: missing('UTF8ToString'),
		UTF16ToString: missing('UTF16ToString'),
		UTF32ToString: missing('UTF32ToString'),
		lengthBytesUTF8: missing('lengthBytesUTF8'),
		stringToUTF8: (value, address, maxBytes) => heap.writeNullTerminatedUtf8String(address, value, maxBytes),
		stringToUTF16: (value, address, maxBytes) => heap.writeNullTerminatedUtf16String(address, value, maxBytes / 2),
		stringToUTF32: (value, address, maxBytes) => heap.writeNullTerminatedUtf32String(address, value, maxBytes / 4),
	}
	return { memory: 'shared', heap, module, emscripten: false }
}

/** What the raw baselines call of a `TextDecoder`. */
export interface RawDecoder {
	decode(view: Uint8Array | Uint16Array): string
}

/** What the raw baselines call of a `TextEncoder`. */
export interface RawEncoder {
	encodeInto(value: string, view: Uint8Array): { written: number }
}

/** Whether `action` throws on this engine (a probe of what it accepts). */
function refuses(action: () => unknown): boolean {
	try {
		action()
		return false
	} catch {
		return true
	}
}

/**
 * The coders the raw baselines use on `memory`: the engine's own where it takes views
 * of that memory; on a shared memory of an engine that refuses shared views, the
 * hand-written way around it (decode a copy; encode into a non-shared scratch array
 * that grows as needed, then copy the bytes written).
 */
export function textCoders(memory: MemoryKind, label = 'utf-8'): { decoder: RawDecoder; encoder: RawEncoder } {
	const decoder = new TextDecoder(label)
	const encoder = new TextEncoder()
	if (memory === 'plain') return { decoder, encoder }
	const sharedBytes = new Uint8Array(new SharedArrayBuffer(4))
	const copyDecoder: RawDecoder = refuses(() => decoder.decode(sharedBytes))
		? { decode: (view) => decoder.decode(view.slice()) }
		: decoder
	let scratch = new Uint8Array(256)
	const copyEncoder: RawEncoder = refuses(() => encoder.encodeInto('a', sharedBytes))
		? {
				encodeInto: (value, view) => {
					if (scratch.length < Math.min(view.length, value.length * 3)) scratch = new Uint8Array(Math.min(view.length, value.length * 3))
					const written = encoder.encodeInto(value, scratch.length > view.length ? scratch.subarray(0, view.length) : scratch).written
					view.set(scratch.subarray(0, written))
					return { written }
				},
			}
		: encoder
	return { decoder: copyDecoder, encoder: copyEncoder }
}
