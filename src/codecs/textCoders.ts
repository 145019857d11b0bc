/**
 * The engine's `TextDecoder` and `TextEncoder`, made safe for any heap buffer.
 *
 * - One UTF-8 decoder, one UTF-16LE decoder and one encoder per process, created on
 *   first use: creating one per call costs far more than a JS loop saves.
 * - Chromium refuses views of a `SharedArrayBuffer` and of resizable buffers in
 *   `TextDecoder.decode` and `TextEncoder.encodeInto` ("must not be shared"); Node,
 *   Deno and Bun accept them. Whether this engine accepts each kind of buffer is
 *   probed once, on first need; views it refuses go through a copy in a non-shared
 *   buffer (`slice()` for short runs, a reused scratch buffer for long ones).
 * - Safari 16 to 18.4 throws after one `TextDecoder` has decoded ~2 GiB in total, so a
 *   decoder is replaced after it has decoded 1 GiB.
 * - On Node up to 22 a long UTF-8 run that `isAscii` of `node:buffer` finds all ASCII is
 *   read by `latin1Slice` (hostCopies.ts): that `TextDecoder` builds long ASCII strings slowly.
 * - `measureUtf8ByEncoding` encodes into the scratch buffer and remembers the result,
 *   so that `copyRememberedUtf8` writes those bytes instead of encoding again: an
 *   allocation measures and then writes, and a long string is encoded only once.
 *
 * The `SharedArrayBuffer` global is never named unguarded: it does not exist on pages
 * that are not cross-origin isolated. Buffers are told apart with `instanceof ArrayBuffer`.
 */
import { byHost, slowNonAsciiDecoder } from './host.js'
import { findHostAsciiTest, findHostLatin1Slice } from './hostCopies.js'

/**
 * Longest run (bytes or UTF-16 units) handed to a `TextDecoder` at once. Node's aborts the
 * whole process when it cannot allocate its output (`readUtf16StringSlice(address, 2 ** 31)`
 * on a 5 GiB heap: "Assertion failed" in `node::Realloc`), and refuses 2^30 bytes with its own
 * Error. Longer runs are decoded in pieces split between characters and joined: a result
 * longer than the engine's longest string then fails with the engine's `RangeError`, which
 * the methods report as theirs.
 */
const DECODE_PIECE_UNITS = 2 ** 24

/** Bytes one decoder may decode before it is replaced (Safari fails after ~2 GiB). */
const DECODER_RENEWAL_BYTES = 2 ** 30

/**
 * Largest scratch buffer kept between calls. Longer strings go through it in chunks
 * (and a UTF-8 measure of such a string is not remembered).
 */
const SCRATCH_RETAINED_BYTES = 4 * 1024 * 1024

/** Copies of refused views up to this many bytes are made with `slice()`, longer ones in the scratch buffer. */
const SLICE_COPY_MAX_BYTES = 4096

// ---------------------------------------------------------------------------------
// Which buffers the engine's coders accept

/** The four kinds of buffer a heap can be, which engines treat differently. */
type BufferKind = 0 | 1 | 2 | 3
const Plain = 0
const Resizable = 1
const Shared = 2
const GrowableShared = 3

function bufferKindOf(buffer: ArrayBufferLike): BufferKind {
	if (buffer instanceof ArrayBuffer) {
		return (buffer as { readonly resizable?: boolean }).resizable === true ? Resizable : Plain
	}
	return (buffer as { readonly growable?: boolean }).growable === true ? GrowableShared : Shared
}

/** A 1-byte buffer of the given kind, or `undefined` if this engine cannot make one (then no such heap exists either). */
function createProbeBuffer(kind: BufferKind): ArrayBufferLike | undefined {
	const SharedBuffer = (globalThis as { SharedArrayBuffer?: SharedArrayBufferConstructor }).SharedArrayBuffer
	const growOptions = { maxByteLength: 2 }
	try {
		switch (kind) {
			case Plain:
				return new ArrayBuffer(1)
			case Resizable: {
				// Engines without resizable buffers ignore the options: the buffer is then plain.
				const buffer = new (ArrayBuffer as new (length: number, options: object) => ArrayBuffer)(1, growOptions)
				return bufferKindOf(buffer) === kind ? buffer : undefined
			}
			case Shared:
				return SharedBuffer === undefined ? undefined : new SharedBuffer(1)
			case GrowableShared: {
				if (SharedBuffer === undefined) return undefined
				const buffer = new (SharedBuffer as new (length: number, options: object) => SharedArrayBuffer)(1, growOptions)
				return bufferKindOf(buffer) === kind ? buffer : undefined
			}
		}
	} catch {
		return undefined
	}
}

/** Per buffer kind: `true`/`false` once probed, `undefined` before. */
type Acceptance = [boolean | undefined, boolean | undefined, boolean | undefined, boolean | undefined]

let decoderAcceptance: Acceptance = [true, undefined, undefined, undefined]
let encoderAcceptance: Acceptance = [true, undefined, undefined, undefined]

function probe(acceptance: Acceptance, kind: BufferKind, use: (view: Uint8Array) => void): boolean {
	let accepted = acceptance[kind]
	if (accepted === undefined) {
		const buffer = createProbeBuffer(kind)
		accepted = false
		if (buffer !== undefined) {
			try {
				use(new Uint8Array(buffer))
				accepted = true
			} catch {
				// Refused: views of this kind are copied first.
			}
		}
		acceptance[kind] = accepted
	}
	return accepted
}

/** Whether `TextDecoder.decode` accepts views of `buffer` on this engine. */
function decoderAccepts(buffer: ArrayBufferLike): boolean {
	const kind = bufferKindOf(buffer)
	return kind === Plain || probe(decoderAcceptance, kind, (view) => new TextDecoder().decode(view))
}

// The last view `encodeInto` was found to accept views of. A view's buffer never changes,
// and the codecs are handed the same whole-heap view again and again, so one identity
// check answers most calls: reading `.buffer` alone costs ~20 ns on Node 20. Held strongly:
// it keeps the last heap written to alive until a write to another heap replaces it (a
// `WeakRef`'s `deref()` made 64-byte ASCII writes 0.77-0.80x); test/defects.test.ts pins that
// no more than one is kept.
let encoderAcceptedView: Uint8Array | undefined

/** Whether `TextEncoder.encodeInto` accepts views of the buffer under `bytes` on this engine. */
export function encoderAccepts(bytes: Uint8Array): boolean {
	if (bytes === encoderAcceptedView) return true
	const kind = bufferKindOf(bytes.buffer)
	const accepted = kind === Plain || probe(encoderAcceptance, kind, (view) => new TextEncoder().encodeInto('a', view))
	if (accepted) encoderAcceptedView = bytes
	return accepted
}

// ---------------------------------------------------------------------------------
// Scratch buffer

let scratch = new Uint8Array(0)

// What the scratch holds: the UTF-8 encoding of `rememberedValue`, `rememberedByteCount`
// bytes long, or nothing useful when `rememberedValue` is undefined.
let rememberedValue: string | undefined
let rememberedByteCount = 0

/**
 * The non-shared scratch buffer, at least `byteCount` bytes long (callers ask for at
 * most `SCRATCH_RETAINED_BYTES`). Forgets the remembered encoding: the caller overwrites it.
 */
function claimScratch(byteCount: number): Uint8Array {
	rememberedValue = undefined
	if (scratch.length < byteCount) {
		let length = Math.max(1024, scratch.length * 2)
		while (length < byteCount) length *= 2
		scratch = new Uint8Array(Math.min(length, SCRATCH_RETAINED_BYTES))
		prefixViews = []
	}
	return scratch
}

/**
 * Scratch prefixes up to this many bytes are views made once and kept (`scratchPrefix`).
 * At most this many views plus one are kept, a few kilobytes.
 */
export const PREFIX_VIEWS_MAX_BYTES = 256

/** `scratch.subarray(0, n)` by `n`, for the current scratch buffer, made on first use. */
let prefixViews: (Uint8Array | undefined)[] = []

/**
 * The first `byteCount` bytes of the scratch buffer as a view, to copy from with `set`.
 * Short ones are kept and reused: `subarray` costs about 90 ns on Node 20 (Node's
 * `Buffer` changes `constructor` on a `Uint8Array` prototype, which sends `subarray`
 * down V8's slow species path), more than encoding 60 bytes of mixed text.
 */
function scratchPrefix(byteCount: number): Uint8Array {
	if (byteCount > PREFIX_VIEWS_MAX_BYTES) return scratch.subarray(0, byteCount)
	let view = prefixViews[byteCount]
	if (view === undefined) prefixViews[byteCount] = view = scratch.subarray(0, byteCount)
	return view
}

/**
 * The view `byteRange` last made a range of, with its buffer and byte offset (read once per
 * view). Held strongly, as `encoderAcceptedView` and the decoders' `acceptedView` are: every
 * caller has just checked its view against one of those, so this keeps no heap that they do
 * not (test/defects.test.ts, README "The last heap written to or read from is remembered").
 */
let rangeOf: ArrayBufferView | undefined
let rangeBuffer: ArrayBufferLike = new ArrayBuffer(0)
let rangeOffset = 0

/**
 * The bytes `[byteStart, byteStart + byteLength)` of `view` as a new `Uint8Array` made
 * on the view's buffer: what `subarray` gives, without its cost. `subarray` looks up the
 * species constructor, which Node's `Buffer` sends down V8's slow path, and the
 * `buffer` getter is a call as well: made from the buffer this remembers for the last
 * view, a range costs about half as much (bench/notes.ts, the string reads). The caller
 * has checked the range against the view's live length.
 */
export function byteRange(view: ArrayBufferView, byteStart: number, byteLength: number): Uint8Array {
	if (view !== rangeOf) {
		rangeBuffer = view.buffer
		rangeOffset = view.byteOffset
		rangeOf = view
	}
	return new Uint8Array(rangeBuffer, rangeOffset + byteStart, byteLength)
}

// ---------------------------------------------------------------------------------
// Decoding

/**
 * The host's `isAscii` and `latin1Slice` (hostCopies.ts: Node 20.16 and 22.3 on), both or
 * neither, where `TextDecoder` is Node's older one (host.ts, `slowNonAsciiDecoder`: Node up
 * to 22). With them a long UTF-8 run of plain memory that is all ASCII is read as one
 * `latin1Slice`, which gives the same string (an ASCII byte is the character of its value
 * in both). Node 24, Bun and Deno decode such a run as fast as the copy (below), so they
 * keep `TextDecoder`.
 */
const hostAsciiTest = slowNonAsciiDecoder ? findHostAsciiTest(globalThis) : undefined
const hostAsciiSlice = hostAsciiTest === undefined ? undefined : findHostLatin1Slice(globalThis)

/**
 * UTF-8 runs at least this long go through `hostAsciiTest` first. Node 20.20's one-shot
 * `TextDecoder` builds a long ASCII string slowly: `npx tsx bench/crossover.bench.ts`, the
 * last table (`TextDecoder` / `isAscii` + `latin1Slice` ns): 132 / 123 at 1 KiB, 261 / 197
 * at 2 KiB, 5132 / 2394 at 64 KiB, 3.5 ms / 75 µs at 1 MiB. Node 24.22 in the same bench:
 * 135 / 124, 164 / 181, 2475 / 2532, 61 / 61 µs; Deno and Bun level or faster, measured
 * in a plain loop. The test costs about 9 µs a MiB, so a long run with a byte above 0x7F
 * that `anyNotAscii`'s samples missed pays about 1% of its decoding.
 */
const ASCII_SLICE_FROM_BYTES = 2048

/** The options of a streaming decode, made once. */
const STREAM = { stream: true }

/**
 * A decoder of one encoding that is replaced after it has decoded
 * `DECODER_RENEWAL_BYTES`, and that copies views of buffers the engine refuses.
 *
 * It holds two engine decoders: one only ever called in one shot, and one only ever
 * called in streaming mode (each run followed by a flush). Node 20 takes a fast UTF-8
 * path for one-shot calls (validate, then build the string in V8), and turns it off for
 * good on a decoder once it has been called with `{ stream: true }`; that path is 3-15x
 * faster than the streaming one on ASCII, and 1.3-3x slower on text with any multi-byte
 * characters (see `decode` in utf8.ts).
 */
class RenewingDecoder<E extends Uint8Array | Uint16Array> {
	private oneShot: TextDecoder | undefined
	private streaming: TextDecoder | undefined
	private decodedBytes = 0
	/** The last view whose buffer the engine accepts (see `encoderAcceptedView`). */
	private acceptedView: E | undefined

	constructor(
		private readonly label: string,
		private readonly bytesPerElement: number,
	) {}

	/**
	 * Decodes `elements[start .. start + length)`, in one call or, with `stream`, as one
	 * streamed chunk and a flush (what a truncated sequence at the end decodes to is the
	 * same either way: one U+FFFD).
	 */
	decode(elements: E, start: number, length: number, stream: boolean): string {
		const byteLength = length * this.bytesPerElement
		this.decodedBytes += byteLength
		if (this.decodedBytes > DECODER_RENEWAL_BYTES) {
			this.oneShot = undefined
			this.streaming = undefined
			this.decodedBytes = byteLength
		}
		if (elements !== this.acceptedView) {
			if (!decoderAccepts(elements.buffer)) {
				const view = elements.subarray(start, start + length)
				// A copy in a non-shared, non-resizable buffer.
				if (byteLength <= SLICE_COPY_MAX_BYTES) return this.decodeAccepted(view.slice(), stream)
				return this.decodeThroughScratch(new Uint8Array(view.buffer, view.byteOffset, byteLength))
			}
			this.acceptedView = elements
		}
		return this.decodeAccepted(byteRange(elements, start * this.bytesPerElement, byteLength), stream)
	}

	/** Forgets the decoders (tests only). */
	reset(): void {
		this.oneShot = undefined
		this.streaming = undefined
		this.decodedBytes = 0
		this.acceptedView = undefined
	}

	// ignoreBOM: a leading U+FEFF is part of the string, as in the JS loops; the default
	// would drop it, so a written string would not read back the same.
	private create(): TextDecoder {
		return new TextDecoder(this.label, { ignoreBOM: true })
	}

	private decodeAccepted(view: ArrayBufferView, stream: boolean): string {
		if (!stream) return (this.oneShot ??= this.create()).decode(view)
		const decoder = (this.streaming ??= this.create())
		let text: string
		try {
			text = decoder.decode(view, STREAM)
		} catch (error) {
			// Whatever it kept of an unfinished sequence must not start the next string.
			this.streaming = undefined
			throw error
		}
		// After an ASCII byte the decoder holds nothing (it ends any unfinished sequence as
		// U+FFFD first), so the flush, a call with a fixed cost of its own, is needed only
		// when the run ends in a byte above 0x7F.
		if (this.bytesPerElement === 1 && (view as Uint8Array)[view.byteLength - 1]! < 0x80) return text
		return text + decoder.decode()
	}

	private decodeThroughScratch(bytes: Uint8Array): string {
		const decoder = (this.streaming ??= this.create())
		const length = bytes.length
		const buffer = claimScratch(Math.min(length, SCRATCH_RETAINED_BYTES))
		const chunkLength = buffer.length
		// Streaming mode carries a sequence split between two chunks over to the next.
		let result = ''
		try {
			for (let offset = 0; offset < length; offset += chunkLength) {
				const end = Math.min(length, offset + chunkLength)
				buffer.set(bytes.subarray(offset, end))
				result += decoder.decode(buffer.subarray(0, end - offset), STREAM)
			}
		} catch (error) {
			this.streaming = undefined
			throw error
		}
		return result + decoder.decode()
	}
}

const utf8Decoder = new RenewingDecoder<Uint8Array>('utf-8', 1)
const utf16leDecoder = new RenewingDecoder<Uint16Array>('utf-16le', 2)

/**
 * In a browser, runs of text that is not ASCII from this many bytes are decoded in
 * pieces of `TEXT_PIECE_BYTES` and joined. Chromium 156, `npx tsx
 * bench/crossover-browser.ts` (the "one call or pieces" table, each string read once, so
 * that the joined one is flattened as any use does): mixed text 3.55 against 2.21 ms at
 * 512 KiB, 10.1-10.9 against 4.5-4.8 ms at 1 MiB, but 1.07 against 1.73-1.82 ms at 256 KiB;
 * CJK text 1.5 against 0.6 ms at 512 KiB. Not taken for ASCII (pieces 0.34 against 2.9 ms
 * at 1 MiB, but 1.66 against 0.10 ms at 512 KiB) nor for UTF-16 (`TextDecoder('utf-16le')`:
 * pieces slower at every length of mixed text, 2.1 against 0.6 ms at 512 KiB).
 * Node takes as long a byte for a string that long, but pieces do not help it once the
 * string is used: the cost is allocating the long string, which its flattening pays
 * (`npx tsx bench/crossover.bench.ts`: 15.7 against 16.1 ms at 1 MiB on Node 20, 3.3
 * against 3.5 on Node 24). Bun and Deno have no such cost.
 */
const TEXT_PIECES_FROM_BYTES = byHost(Infinity, 512 * 1024)

/** The pieces of `TEXT_PIECES_FROM_BYTES`. */
const TEXT_PIECE_BYTES = 16 * 1024

/**
 * The string `TextDecoder('utf-8')` decodes from `bytes[start .. start + length)`
 * (malformed sequences become U+FFFD; a leading BOM is kept). `stream`: through the
 * streaming decoder (a chunk and a flush), faster on Node 20 for text that is not ASCII
 * (its callers set it for such text only).
 */
export function decodeUtf8Native(bytes: Uint8Array, start: number, length: number, stream = false): string {
	if (length <= DECODE_PIECE_UNITS) {
		if (length < TEXT_PIECES_FROM_BYTES || !stream) return utf8Decoder.decode(bytes, start, length, stream)
		return decodeUtf8InPieces(bytes, start, length, TEXT_PIECE_BYTES, false)
	}
	return decodeUtf8InPieces(bytes, start, length, DECODE_PIECE_UNITS, stream)
}

/**
 * `decodeUtf8Native` of a run of 1 KiB or more whose sampled bytes were all ASCII (utf8.ts):
 * where the host has `isAscii` (`hostAsciiTest`), a run of `ASCII_SLICE_FROM_BYTES` or
 * more of a plain buffer that it finds all ASCII is one `latin1Slice`. Only on a plain
 * buffer: in a shared memory another thread could store a byte above 0x7F between the
 * test and the copy, which `latin1Slice` would read as a Latin-1 character where any UTF-8
 * decoding of the bytes has U+FFFD. (Reached only for long runs, so that the short ones'
 * path is as it was: the test inside the decoder's one-shot call made 64-byte reads
 * 0.92-0.95x, bench/compare-builds.ts --suite strings.)
 */
export function decodeUtf8MostlyAscii(bytes: Uint8Array, start: number, length: number): string {
	if (hostAsciiSlice !== undefined && length >= ASCII_SLICE_FROM_BYTES && length <= DECODE_PIECE_UNITS) {
		const buffer = bytes.buffer
		if (bufferKindOf(buffer) === Plain) {
			// Made from the buffer just read, not by `byteRange`: its cache may hold only a view
			// that a decoder's or the encoder's one-view cache holds too, and nothing here
			// checks the view against those (a heap read this way and dropped stayed reachable
			// beside the one the decoder keeps: test/defects.test.ts).
			const view = new Uint8Array(buffer, bytes.byteOffset + start, length)
			if (hostAsciiTest!(view)) return hostAsciiSlice.call(view, 0, length)
		}
	}
	return decodeUtf8Native(bytes, start, length, false)
}

/**
 * `decodeUtf8Native` of `bytes[start .. start + length)` in pieces of at most
 * `pieceBytes` (4 or more), each ending between characters, joined: the same string.
 */
export function decodeUtf8InPieces(bytes: Uint8Array, start: number, length: number, pieceBytes: number, stream: boolean): string {
	const end = start + length
	let result = ''
	for (let from = start; from < end; ) {
		let to = Math.min(end, from + pieceBytes)
		// Never inside a character. A piece may end before any byte that is not a
		// continuation byte (it starts a new sequence in any decoding). Before a continuation
		// byte, end it at the lead byte among the 3 before, if there is one; if all 3 are
		// continuation bytes too, no sequence is still open there (one holds at most 3), and
		// the byte is a stray one whichever piece it starts: backing over it to a
		// continuation byte would split a valid 4-byte character off its lead byte.
		if (to < end && (bytes[to]! & 0xc0) === 0x80) {
			for (let back = 1; back <= 3; back++) {
				if ((bytes[to - back]! & 0xc0) !== 0x80) {
					to -= back
					break
				}
			}
		}
		result += utf8Decoder.decode(bytes, from, to - from, stream)
		from = to
	}
	return result
}

/**
 * The string `TextDecoder('utf-16le')` decodes from `units[start .. start + length)`.
 * Lone surrogates become U+FFFD: callers that need them exactly must check.
 */
export function decodeUtf16leNative(units: Uint16Array, start: number, length: number): string {
	if (length <= DECODE_PIECE_UNITS) return utf16leDecoder.decode(units, start, length, false)
	const end = start + length
	let result = ''
	for (let from = start; from < end; ) {
		let to = Math.min(end, from + DECODE_PIECE_UNITS)
		// Never between the halves of a surrogate pair.
		if (to < end && (units[to - 1]! & 0xfc00) === 0xd800) to--
		result += utf16leDecoder.decode(units, from, to - from, false)
		from = to
	}
	return result
}

// ---------------------------------------------------------------------------------
// Encoding

let encoder: TextEncoder | undefined

function getEncoder(): TextEncoder {
	return (encoder ??= new TextEncoder())
}

/**
 * `encodeInto` straight into `bytes[start .. start + maxByteCount)`; returns the bytes
 * written. Only for views `encoderAccepts`, and only when everything fits (nothing
 * else tells the caller how far the encoding got).
 */
export function encodeUtf8IntoView(value: string, bytes: Uint8Array, start: number, maxByteCount: number): number {
	return getEncoder().encodeInto(value, byteRange(bytes, start, maxByteCount)).written
}

/** Rooms up to this many bytes (terminator included) may go through `encodeUtf8ThroughScratch`. */
export const SCRATCH_ENCODE_MAX_BYTES = SCRATCH_RETAINED_BYTES

/**
 * Encodes `value` into the scratch buffer and, if it takes at most `maxByteCount` bytes
 * (at most `SCRATCH_RETAINED_BYTES`), copies them to `bytes[start]` and returns their
 * count; otherwise writes nothing and returns -1. One encoding and one copy: cheaper
 * than saving the room first to restore it, and the heap only ever sees the final bytes.
 */
export function encodeUtf8ThroughScratch(value: string, bytes: Uint8Array, start: number, maxByteCount: number): number {
	// Room for any encoding of `value` if the buffer may grow that far: see `whole`.
	const buffer = claimScratch(Math.max(16, maxByteCount, Math.min(value.length * 3, SCRATCH_RETAINED_BYTES)))
	// The whole buffer when it holds any encoding of `value`: no view to create, and V8
	// then encodes without checking the room as it goes (1.2-2.4x faster on Node 20). The
	// count says whether it fits. Otherwise exactly the room: then whether all was read does.
	const whole = buffer.length >= value.length * 3
	const { read, written } = getEncoder().encodeInto(value, whole ? buffer : buffer.subarray(0, maxByteCount))
	if (read !== value.length || written > maxByteCount) return -1
	// `set` beat a loop even at 64 bytes (88 vs 128 ns a write, Node 20).
	bytes.set(scratchPrefix(written), start)
	return written
}

let backup = new Uint8Array(0)

/**
 * Encodes `value` straight into `bytes[start .. start + maxByteCount)` if it fits there
 * whole, returning the byte count; if it does not, puts back every byte it overwrote and
 * returns -1. The bytes are saved first (a memcpy, far cheaper than encoding twice to
 * learn the length). Needs an engine that accepts the view (`encoderAccepts`).
 */
export function encodeUtf8InPlaceOrRestore(value: string, bytes: Uint8Array, start: number, maxByteCount: number): number {
	if (backup.length < maxByteCount) {
		const retained = maxByteCount <= SCRATCH_RETAINED_BYTES
		const created = new Uint8Array(retained ? Math.max(maxByteCount, 2 * backup.length) : maxByteCount)
		if (retained) backup = created
		return encodeWithBackup(value, bytes, start, maxByteCount, created)
	}
	return encodeWithBackup(value, bytes, start, maxByteCount, backup)
}

function encodeWithBackup(value: string, bytes: Uint8Array, start: number, maxByteCount: number, saved: Uint8Array): number {
	const target = byteRange(bytes, start, maxByteCount)
	saved.set(target)
	const { read, written } = getEncoder().encodeInto(value, target)
	if (read === value.length) return written
	bytes.set(saved.subarray(0, maxByteCount), start)
	return -1
}

/**
 * Writes the UTF-8 encoding of `value`, exactly `byteCount` bytes long (lone surrogates
 * as U+FFFD), at `bytes[start]`: straight into the view when the engine accepts it,
 * through the scratch buffer otherwise.
 */
export function encodeUtf8Native(value: string, bytes: Uint8Array, start: number, byteCount: number): void {
	const textEncoder = getEncoder()
	if (encoderAccepts(bytes)) {
		textEncoder.encodeInto(value, byteRange(bytes, start, byteCount))
		return
	}

	// 16 bytes at least, so that any one code point (at most 4 bytes) fits in a chunk.
	const buffer = claimScratch(Math.max(16, Math.min(byteCount, SCRATCH_RETAINED_BYTES)))
	let rest = value
	let at = start
	for (;;) {
		// encodeInto stops before a code point that does not fit and never splits a
		// surrogate pair, so the rest always starts at a code point.
		const { read, written } = textEncoder.encodeInto(rest, buffer)
		bytes.set(buffer.subarray(0, written), at)
		at += written
		if (read === rest.length) return
		rest = rest.slice(read)
	}
}

/**
 * The UTF-8 byte length of `value` (lone surrogates counting 3, as U+FFFD), found by
 * encoding it into the scratch buffer. If the whole encoding fit there, it is
 * remembered for `copyRememberedUtf8`.
 */
export function measureUtf8ByEncoding(value: string): number {
	const textEncoder = getEncoder()
	const buffer = claimScratch(Math.max(16, Math.min(value.length * 3, SCRATCH_RETAINED_BYTES)))
	let { read, written: byteCount } = textEncoder.encodeInto(value, buffer)
	if (read === value.length) {
		rememberedValue = value
		rememberedByteCount = byteCount
		return byteCount
	}

	// Longer than the scratch buffer: count chunk by chunk, remember nothing.
	let rest = value
	while (read < rest.length) {
		rest = rest.slice(read)
		const result = textEncoder.encodeInto(rest, buffer)
		read = result.read
		byteCount += result.written
	}
	return byteCount
}

/**
 * If `value` (compared with `===`) is the string `measureUtf8ByEncoding` measured last
 * and its `byteCount` bytes are still in the scratch buffer, copies them to
 * `bytes[start]` and returns `true`; otherwise writes nothing and returns `false`.
 */
export function copyRememberedUtf8(value: string, bytes: Uint8Array, start: number, byteCount: number): boolean {
	if (rememberedValue !== value || rememberedByteCount !== byteCount) return false
	bytes.set(scratchPrefix(byteCount), start)
	// Drop the reference: a long string should not live on in module state.
	rememberedValue = undefined
	return true
}

/**
 * For tests only: forgets the coders, the probe results and the scratch buffer, so
 * that a test can make the engine refuse some views and then see the probes run again.
 */
export function resetTextCodersForTesting(): void {
	decoderAcceptance = [true, undefined, undefined, undefined]
	encoderAcceptance = [true, undefined, undefined, undefined]
	encoderAcceptedView = undefined
	encoder = undefined
	utf8Decoder.reset()
	utf16leDecoder.reset()
	scratch = new Uint8Array(0)
	prefixViews = []
	rangeOf = undefined
	rangeBuffer = new ArrayBuffer(0)
	rememberedValue = undefined
	rememberedByteCount = 0
}
