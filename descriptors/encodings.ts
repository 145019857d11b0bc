/**
 * The string-encoding table: one row per encoding of null-terminated strings. The
 * generator emits `readNullTerminated<Name>String`, `writeNullTerminated<Name>String`,
 * `allocNullTerminated<Name>String`, `wrapNullTerminated<Name>String` and `<Name>StringRef`
 * for each row; the codec named by the row (a module in `src/codecs/`) does the
 * encoding and decoding.
 */

/** The codec modules in `src/codecs/`; each exports the same five functions. */
export type CodecName = 'ascii' | 'utf8' | 'utf16' | 'utf32'

/** One string encoding. */
export interface StringEncodingRow {
	/** Name used in every generated identifier: `readNullTerminated<Name>String`, `<Name>StringRef`. */
	readonly name: string
	/** One line saying what the encoding is, used in generated TSDoc comments. */
	readonly description: string
	/** Bytes per encoded element; also the alignment the string's address needs. */
	readonly bytesPerElement: 1 | 2 | 4
	/** The TypedArray of encoded elements (`encodedElementsView`, and the codec's element array). */
	readonly elementsView: 'Uint8Array' | 'Uint16Array' | 'Uint32Array'
	/** The codec module in `src/codecs/`. */
	readonly codec: CodecName
	/**
	 * The most elements one UTF-16 code unit of a JS string can encode to (UTF-8: 3).
	 * Bounds the room a write hands the codec: never more than the string can need.
	 */
	readonly maxElementsPerCodeUnit: 1 | 3
	/**
	 * Whether the codec also exports `decodeShortTerminated(elements, start, scan)`: the
	 * string when its terminator comes within its first few elements, else `undefined`.
	 * The read tries it first, so that the shortest strings are scanned and decoded in one
	 * pass (UTF-32 reads of 2 code points: bench/notes.ts).
	 */
	readonly decodesShortInOnePass: boolean
}

/** The encodings, in the order the API lists them. */
export const stringEncodingRows: readonly StringEncodingRow[] = [
	{
		name: 'Ascii',
		description: 'ASCII (7-bit; bytes 0x80–0xFF read as Latin-1)',
		bytesPerElement: 1,
		elementsView: 'Uint8Array',
		codec: 'ascii',
		decodesShortInOnePass: false,
		maxElementsPerCodeUnit: 1,
	},
	{
		name: 'Utf8',
		description: 'UTF-8',
		bytesPerElement: 1,
		elementsView: 'Uint8Array',
		codec: 'utf8',
		decodesShortInOnePass: false,
		maxElementsPerCodeUnit: 3,
	},
	{
		name: 'Utf16',
		description: 'UTF-16 (little-endian code units, stored as-is)',
		bytesPerElement: 2,
		elementsView: 'Uint16Array',
		codec: 'utf16',
		decodesShortInOnePass: false,
		maxElementsPerCodeUnit: 1,
	},
	{
		name: 'Utf32',
		description: 'UTF-32 (one little-endian code point per element)',
		bytesPerElement: 4,
		elementsView: 'Uint32Array',
		codec: 'utf32',
		decodesShortInOnePass: true,
		maxElementsPerCodeUnit: 1,
	},
]
