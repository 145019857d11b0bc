/**
 * The host's own copies between a string and UTF-16LE memory: Node's and Bun's
 * `Buffer.prototype.ucs2Write` and `ucs2Slice`. They copy code units as they are (lone
 * surrogates included, no byte order mark dropped), which is exactly what this
 * library's UTF-16 strings are, and they do it as one native copy: 512 Ki code units
 * in about 40 µs, where a `charCodeAt` loop takes 1-2.4 ms and `TextDecoder('utf-16le')`
 * 1.5-1.6 ms (Node 20 and 24; `npx tsx bench/crossover.bench.ts`, "UTF-16 write" and
 * "UTF-16 decode" rows, for the short lengths).
 *
 * Both take any `ArrayBufferView` as `this` (offsets in bytes from the view's start), so
 * the codec calls them on the heap's own `Uint16Array`: no `Buffer` is made per call,
 * and nothing is imported (`Buffer` is looked up on `globalThis`). Neither the methods nor `Buffer` are
 * a standard: whether the host has them, and that they behave as Node's do, is probed
 * once when the library loads, by a write and a read of a few units that need exact
 * copying. Browsers have no `Buffer`; a bundler's `Buffer` polyfill has no `ucs2Write`
 * on its prototype; Deno's `node:buffer` port has both, but writes at the wrong place
 * in a `Uint16Array` (and is slower than a loop there): each fails the probe, and the
 * codec keeps its loops and `TextDecoder`.
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
	const buffer = (global as { Buffer?: { prototype?: { ucs2Write?: unknown; ucs2Slice?: unknown } } }).Buffer
	const write = buffer?.prototype?.ucs2Write
	const slice = buffer?.prototype?.ucs2Slice
	if (typeof write !== 'function' || typeof slice !== 'function') return undefined
	const count = PROBE_TEXT.length
	try {
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
