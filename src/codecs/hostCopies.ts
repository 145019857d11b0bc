/**
 * The host's own copies between strings and memory: Node's and Bun's
 * `Buffer.prototype.ucs2Write` and `ucs2Slice` (UTF-16LE), and `latin1Slice` (a byte per
 * character, Deno's too). They copy code units as they are, lone surrogates included and
 * no byte order mark dropped, or bytes as the characters of the same value: exactly
 * what this library's UTF-16 strings and ASCII reads are, as one native copy. 512 Ki
 * UTF-16 code units are written in about 40 µs, where a `charCodeAt` loop takes 1-2.4 ms,
 * and read in a third to a half of `TextDecoder('utf-16le')`'s time (Node 20 and 24;
 * `npx tsx bench/crossover.bench.ts`, the "host" rows, for the short lengths).
 *
 * They take any `ArrayBufferView` as `this` (offsets in bytes from the view's start), so
 * the codecs call them on the heap's own `Uint16Array` or `Uint8Array`: no `Buffer` is
 * made per call, and nothing is imported (`Buffer` is looked up on `globalThis`). Neither
 * the methods nor `Buffer` are a standard: whether the host has them, and that they behave
 * as Node's do, is probed once when the library loads, by a write and a read of a few
 * units that need exact copying. Browsers have no `Buffer`; a bundler's `Buffer` polyfill
 * has none of these on its prototype; Deno's `node:buffer` port has them, but its
 * `ucs2Write` writes at the wrong place in a `Uint16Array` (and is slower than a loop
 * there): each fails the probe of what it gets wrong, and the codecs keep their loops
 * and `TextDecoder` for it.
 *
 * One more host function is a test, not a copy: `isAscii` of `node:buffer`, with which a
 * UTF-8 read of a long run of ASCII bytes becomes one `latin1Slice` (textCoders.ts).
 */

/** `Buffer.prototype.ucs2Write`: writes `value`'s code units at `byteOffset`, at most `byteLength` bytes; returns the bytes written. */
export type HostUtf16Write = (this: ArrayBufferView, value: string, byteOffset: number, byteLength: number) => number

/** `Buffer.prototype.ucs2Slice`: the string whose code units are the bytes `[byteStart, byteEnd)` of the view. */
export type HostUtf16Slice = (this: ArrayBufferView, byteStart: number, byteEnd: number) => string

/** The host's UTF-16 copies, both or neither. */
export interface HostUtf16 {
	readonly write: HostUtf16Write
	readonly slice: HostUtf16Slice
}

/**
 * A lone low surrogate, a surrogate pair, a lone high surrogate and a Latin-1 letter:
 * a copy that decodes, encodes or swaps bytes changes at least one of them.
 */
const PROBE_TEXT = '\udc00\ud83d\ude00\ud800\u00e9'

/**
 * `Buffer.prototype.ucs2Write` and `ucs2Slice` of `global`, if it has both and they copy
 * code units exactly: written into a `Uint16Array` that does not start at its buffer's
 * start, at a byte offset within it, the units land where this codec's loop would put
 * them, in the host's byte order, and nothing around them changes; and read back, they
 * give the same string. Anything else, a throw included, is `undefined`.
 */
export function findHostUtf16(global: object): HostUtf16 | undefined {
	let write: unknown
	let slice: unknown
	const count = PROBE_TEXT.length
	try {
		const prototype = (global as { Buffer?: { prototype?: { ucs2Write?: unknown; ucs2Slice?: unknown } } }).Buffer?.prototype
		write = prototype?.ucs2Write
		slice = prototype?.ucs2Slice
		if (typeof write !== 'function' || typeof slice !== 'function') return undefined
		const all = new Uint16Array(count + 4)
		const units = new Uint16Array(all.buffer, 2, count + 2)
		if ((write as HostUtf16Write).call(units, PROBE_TEXT, 2, count * 2) !== count * 2) return undefined
		for (let i = 0; i < all.length; i++) {
			const expected = i >= 2 && i < 2 + count ? PROBE_TEXT.charCodeAt(i - 2) : 0
			if (all[i] !== expected) return undefined
		}
		if ((slice as HostUtf16Slice).call(units, 2, 2 + count * 2) !== PROBE_TEXT) return undefined
	} catch {
		return undefined
	}
	return { write: write as HostUtf16Write, slice: slice as HostUtf16Slice }
}

/** `Buffer.prototype.latin1Slice`: the string whose characters are the bytes `[byteStart, byteEnd)` of the view, each of the same value. */
export type HostLatin1Slice = (this: ArrayBufferView, byteStart: number, byteEnd: number) => string

/** Bytes that a copy through any decoding (UTF-8, windows-1252, ASCII with the high bit cleared) changes: U+0080, U+009F, U+00FF, U+0000, U+00E9. */
const PROBE_BYTES = [0x41, 0x80, 0x9f, 0xff, 0x00, 0xe9]

/**
 * `Buffer.prototype.latin1Slice` of `global`, if it has it and it reads each byte as the
 * character of the same value, from a `Uint8Array` that does not start at its buffer's
 * start, at a byte offset within it; anything else, a throw included, is `undefined`.
 */
export function findHostLatin1Slice(global: object): HostLatin1Slice | undefined {
	let slice: unknown
	try {
		slice = (global as { Buffer?: { prototype?: { latin1Slice?: unknown } } }).Buffer?.prototype?.latin1Slice
		if (typeof slice !== 'function') return undefined
		const bytes = new Uint8Array(new ArrayBuffer(PROBE_BYTES.length + 5), 3, PROBE_BYTES.length + 2)
		bytes.set(PROBE_BYTES, 2)
		if ((slice as HostLatin1Slice).call(bytes, 2, 2 + PROBE_BYTES.length) !== String.fromCharCode(...PROBE_BYTES)) return undefined
	} catch {
		return undefined
	}
	return slice as HostLatin1Slice
}

/** `isAscii` of the `node:buffer` module: whether every byte of the view is below 0x80. */
export type HostAsciiTest = (view: ArrayBufferView) => boolean

/**
 * Bytes around and inside the probe's view: the view is the middle four (ASCII, 0x7F
 * among them), with a byte above 0x7F just before and just after it, so a test that
 * reads outside its view, or that only looks at the high bit of some bytes, is caught.
 */
const ASCII_PROBE_BYTES = [0xff, 0x41, 0x7f, 0x00, 0x20, 0x80]

/**
 * `isAscii` of the host's `node:buffer` module, reached through
 * `process.getBuiltinModule` (Node 20.16 and 22.3 on, Bun, Deno), if it answers a view
 * within its bounds: true for a view of ASCII bytes between two bytes above 0x7F, false
 * once the view takes in either of them. Anything else, a throw included, is `undefined`.
 * Nothing is imported: a browser or a bundle without the module gets `undefined`.
 */
export function findHostAsciiTest(global: object): HostAsciiTest | undefined {
	try {
		const process = (global as { process?: { getBuiltinModule?: unknown } }).process
		if (typeof process?.getBuiltinModule !== 'function') return undefined
		const module = (process as { getBuiltinModule(name: string): unknown }).getBuiltinModule('node:buffer')
		const test = (module as { isAscii?: unknown } | undefined)?.isAscii
		if (typeof test !== 'function') return undefined
		const buffer = new ArrayBuffer(ASCII_PROBE_BYTES.length + 2)
		new Uint8Array(buffer, 2).set(ASCII_PROBE_BYTES)
		const isAscii = test as HostAsciiTest
		if (isAscii(new Uint8Array(buffer, 3, 4)) !== true) return undefined
		if (isAscii(new Uint8Array(buffer, 2, 5)) !== false || isAscii(new Uint8Array(buffer, 3, 5)) !== false) return undefined
		return isAscii
	} catch {
		return undefined
	}
}

/**
 * Longest run, in bytes, handed to a host slice at once: Node refuses a run of more bytes
 * than the engine's longest string has code units (2^29 - 24), whatever the encoding.
 * Even, so that UTF-16 pieces end between code units.
 */
export const HOST_SLICE_PIECE_BYTES = 2 ** 25

/**
 * `slice` of the bytes `[byteStart, byteEnd)` of `view`, for a run longer than
 * `HOST_SLICE_PIECE_BYTES`: in pieces, joined. Copied code units and bytes join back
 * exactly, even between the halves of a surrogate pair. (A result longer than the
 * engine's longest string fails in the join, with the engine's `RangeError`.)
 */
export function sliceInPieces(slice: HostUtf16Slice | HostLatin1Slice, view: ArrayBufferView, byteStart: number, byteEnd: number): string {
	let result = ''
	for (let from = byteStart; from < byteEnd; from += HOST_SLICE_PIECE_BYTES) {
		result += slice.call(view, from, Math.min(byteEnd, from + HOST_SLICE_PIECE_BYTES))
	}
	return result
}
