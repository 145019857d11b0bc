/**
 * The reference model: a plain copy of the heap's bytes, and the value and string
 * conversions the README promises, written from the standards (`DataView`,
 * `TextEncoder`, `TextDecoder`, IEEE 754 rounding) rather than from the library's code.
 *
 * The copy is kept in 64 KiB pages, created on first write (a missing page reads as
 * zeros), so that a 5 GiB heap costs only the pages the fuzzer touches.
 */
import type { ElementType } from './catalog.js'

export const PAGE_SIZE = 65536
const zeroPage = new Uint8Array(PAGE_SIZE)

/** The first byte where the heap and the model differ. */
export interface Mismatch {
	readonly address: number
	readonly heap: number
	readonly model: number
	readonly heapByteLength: number
	readonly modelByteLength: number
}

export class HeapModel {
	private readonly pages = new Map<number, Uint8Array>()

	constructor(public byteLength: number) {}

	private pageFor(index: number): Uint8Array {
		let page = this.pages.get(index)
		if (page === undefined) {
			page = new Uint8Array(PAGE_SIZE)
			this.pages.set(index, page)
		}
		return page
	}

	/** A copy of `length` bytes at `address`. */
	read(address: number, length: number): Uint8Array {
		const out = new Uint8Array(length)
		let done = 0
		while (done < length) {
			const at = address + done
			const offset = at % PAGE_SIZE
			const count = Math.min(PAGE_SIZE - offset, length - done)
			const page = this.pages.get(Math.floor(at / PAGE_SIZE))
			if (page !== undefined) out.set(page.subarray(offset, offset + count), done)
			done += count
		}
		return out
	}

	write(address: number, bytes: ArrayLike<number>): void {
		const length = bytes.length
		let done = 0
		while (done < length) {
			const at = address + done
			const offset = at % PAGE_SIZE
			const count = Math.min(PAGE_SIZE - offset, length - done)
			const page = this.pageFor(Math.floor(at / PAGE_SIZE))
			for (let i = 0; i < count; i++) page[offset + i] = bytes[done + i]!
			done += count
		}
	}

	fill(address: number, length: number, value: number): void {
		let done = 0
		while (done < length) {
			const at = address + done
			const offset = at % PAGE_SIZE
			const count = Math.min(PAGE_SIZE - offset, length - done)
			const index = Math.floor(at / PAGE_SIZE)
			if (value !== 0 || this.pages.has(index)) this.pageFor(index).fill(value, offset, offset + count)
			done += count
		}
	}

	/** The heap grew: the new bytes are zeros. */
	resize(byteLength: number): void {
		if (byteLength < this.byteLength) throw new Error('HeapModel: heaps do not shrink')
		this.byteLength = byteLength
	}

	/**
	 * The number of `bytesPerElement`-byte elements at `address` before the first zero
	 * element, scanning at most `limit` elements; -1 if there is none.
	 */
	findTerminator(address: number, bytesPerElement: number, limit: number): number {
		for (let i = 0; i < limit; i++) {
			const at = address + i * bytesPerElement
			const page = this.pages.get(Math.floor(at / PAGE_SIZE))
			if (page === undefined) return i
			const offset = at % PAGE_SIZE
			let zero = true
			for (let b = 0; b < bytesPerElement; b++) if (page[offset + b] !== 0) zero = false
			if (zero) return i
		}
		return -1
	}

	/** Indexes of the pages written so far. */
	touchedPages(): number[] {
		return [...this.pages.keys()].sort((a, b) => a - b)
	}

	/**
	 * Compares the heap with the model: every page (`allPages`), or the pages the model
	 * has touched plus the first and the last (for heaps too large to compare whole).
	 */
	compare(buffer: ArrayBufferLike, allPages: boolean): Mismatch | undefined {
		const heapByteLength = buffer.byteLength
		if (heapByteLength !== this.byteLength) {
			return { address: -1, heap: -1, model: -1, heapByteLength, modelByteLength: this.byteLength }
		}
		const pageCount = Math.ceil(heapByteLength / PAGE_SIZE)
		const indexes = allPages
			? Array.from({ length: pageCount }, (_, i) => i)
			: [...new Set([0, pageCount - 1, ...this.touchedPages()])].filter((i) => i >= 0 && i < pageCount)
		for (const index of indexes) {
			const start = index * PAGE_SIZE
			const length = Math.min(PAGE_SIZE, heapByteLength - start)
			const heap = Buffer.from(buffer as ArrayBuffer, start, length)
			const model = (this.pages.get(index) ?? zeroPage).subarray(0, length)
			if (!heap.equals(model)) {
				for (let i = 0; i < length; i++) {
					if (heap[i] !== model[i]) {
						return { address: start + i, heap: heap[i]!, model: model[i]!, heapByteLength, modelByteLength: this.byteLength }
					}
				}
			}
		}
		return undefined
	}
}

// ---- numbers ------------------------------------------------------------------------

const scratch = new DataView(new ArrayBuffer(8))
const maxPointer53 = BigInt(Number.MAX_SAFE_INTEGER)

function roundHalfEven(value: number): number {
	const floor = Math.floor(value)
	const fraction = value - floor
	if (fraction < 0.5) return floor
	if (fraction > 0.5) return floor + 1
	return floor % 2 === 0 ? floor : floor + 1
}

/** Clamps as a `Uint8ClampedArray` element assignment does: NaN to 0, then round half to even. */
export function clampUint8(value: number): number {
	if (!(value > 0)) return 0
	if (value >= 255) return 255
	return roundHalfEven(value)
}

/** IEEE 754 binary16 bits of `value`, rounded to nearest, ties to even, straight from the double. */
export function float16Bits(value: number): number {
	if (Number.isNaN(value)) return 0x7e00
	const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0
	const x = Math.abs(value)
	if (x === Infinity) return sign | 0x7c00
	if (x < 2 ** -14) return sign | roundHalfEven(x / 2 ** -24) // subnormal, or rounding up into the smallest normal
	let exponent = Math.floor(Math.log2(x))
	if (2 ** exponent > x) exponent--
	if (2 ** (exponent + 1) <= x) exponent++
	let mantissa = roundHalfEven((x / 2 ** exponent - 1) * 1024)
	if (mantissa === 1024) {
		mantissa = 0
		exponent++
	}
	if (exponent > 15) return sign | 0x7c00
	return sign | ((exponent + 15) << 10) | mantissa
}

/** The value of binary16 bits. */
export function float16Value(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1
	const exponent = (bits >> 10) & 0x1f
	const mantissa = bits & 0x3ff
	if (exponent === 0) return sign * mantissa * 2 ** -24
	if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : Number.NaN
	return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15)
}

type Setter = (offset: number, value: never, littleEndian: boolean) => void
type Getter = (offset: number, littleEndian: boolean) => number | bigint

function set(accessor: string, value: number | bigint): void {
	;(scratch[`set${accessor}` as keyof DataView] as unknown as Setter).call(scratch, 0, value as never, true)
}

function get(accessor: string): number | bigint {
	return (scratch[`get${accessor}` as keyof DataView] as unknown as Getter).call(scratch, 0, true)
}

/**
 * The bytes a value of `type` is stored as. `value` is the JS value after the
 * conversion a TypedArray element assignment makes (a number for number types, a
 * bigint for bigint types, a valid pointer53 number), stored through the row's
 * `DataView` accessor.
 */
export function encodeElement(type: ElementType, value: number | bigint): Uint8Array {
	switch (type.kind) {
		case 'int':
			set(type.dataViewAccessor, value)
			break
		case 'clampedInt':
			set(type.dataViewAccessor, clampUint8(value as number))
			break
		case 'float':
			if (type.bits !== undefined) {
				if (type.byteSize !== 2) throw new Error(`model: bits conversion of a ${type.byteSize}-byte float: teach test/fuzz/model.ts`)
				set(type.bits.accessor, float16Bits(value as number))
			} else {
				set(type.dataViewAccessor, value)
			}
			break
		case 'bigint':
			set(type.dataViewAccessor, value)
			break
		case 'pointer53':
			scratch.setBigUint64(0, BigInt(value as number), true)
			break
	}
	return new Uint8Array(scratch.buffer.slice(0, type.byteSize))
}

export type Decoded = { readonly value: number | bigint } | { readonly pointer53TooLarge: bigint }

/** The value the bytes of one element of `type` read as. */
export function decodeElement(type: ElementType, bytes: Uint8Array): Decoded {
	new Uint8Array(scratch.buffer).set(bytes.subarray(0, type.byteSize))
	switch (type.kind) {
		case 'int':
		case 'clampedInt':
		case 'bigint':
			return { value: get(type.dataViewAccessor) }
		case 'float':
			if (type.bits !== undefined) return { value: float16Value(get(type.bits.accessor) as number) }
			return { value: get(type.dataViewAccessor) }
		case 'pointer53': {
			const stored = scratch.getBigUint64(0, true)
			return stored > maxPointer53 ? { pointer53TooLarge: stored } : { value: Number(stored) }
		}
	}
}

/** The bytes of an unsigned little-endian integer of `byteSize` bytes (value already in range). */
export function encodeWide(value: bigint, byteSize: number): Uint8Array {
	const out = new Uint8Array(byteSize)
	let rest = value
	for (let i = 0; i < byteSize; i++) {
		out[i] = Number(rest & 0xffn)
		rest >>= 8n
	}
	return out
}

export function decodeWide(bytes: Uint8Array): bigint {
	let value = 0n
	for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!)
	return value
}

/** Two results are the same value: `Object.is`, except that every NaN equals every NaN. */
export function sameValue(a: unknown, b: unknown): boolean {
	if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return true
	return Object.is(a, b)
}

// ---- strings ------------------------------------------------------------------------

export type CodecName = 'ascii' | 'utf8' | 'utf16' | 'utf32'

const encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true })

export type Encoded = { readonly bytes: Uint8Array; readonly elementCount: number } | { readonly notAsciiAt: number }

/** The encoded elements of `value` (no terminator), as bytes. */
export function encodeString(codec: CodecName, value: string): Encoded {
	switch (codec) {
		case 'ascii': {
			const bytes = new Uint8Array(value.length)
			for (let i = 0; i < value.length; i++) {
				const unit = value.charCodeAt(i)
				if (unit > 0x7f) return { notAsciiAt: i }
				bytes[i] = unit
			}
			return { bytes, elementCount: value.length }
		}
		case 'utf8': {
			const bytes = encoder.encode(value)
			return { bytes, elementCount: bytes.length }
		}
		case 'utf16': {
			const bytes = new Uint8Array(value.length * 2)
			const view = new DataView(bytes.buffer)
			for (let i = 0; i < value.length; i++) view.setUint16(i * 2, value.charCodeAt(i), true)
			return { bytes, elementCount: value.length }
		}
		case 'utf32': {
			const points: number[] = []
			for (let i = 0; i < value.length; i++) {
				const point = value.codePointAt(i)!
				points.push(point)
				if (point > 0xffff) i++
			}
			const bytes = new Uint8Array(points.length * 4)
			const view = new DataView(bytes.buffer)
			points.forEach((point, i) => view.setUint32(i * 4, point, true))
			return { bytes, elementCount: points.length }
		}
	}
}

export type DecodedString = { readonly value: string } | { readonly tooLargeAt: number; readonly element: number }

/** The string that encoded elements (given as bytes) read as. */
export function decodeString(codec: CodecName, bytes: Uint8Array): DecodedString {
	switch (codec) {
		case 'ascii': {
			let value = ''
			for (let i = 0; i < bytes.length; i += 4096) value += String.fromCharCode(...bytes.subarray(i, i + 4096))
			return { value }
		}
		case 'utf8':
			return { value: utf8Decoder.decode(bytes) }
		case 'utf16': {
			const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
			const units: number[] = []
			for (let i = 0; i + 1 < bytes.length; i += 2) units.push(view.getUint16(i, true))
			let value = ''
			for (let i = 0; i < units.length; i += 4096) value += String.fromCharCode(...units.slice(i, i + 4096))
			return { value }
		}
		case 'utf32': {
			const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
			let value = ''
			for (let i = 0; i + 3 < bytes.length; i += 4) {
				const point = view.getUint32(i, true)
				if (point > 0x10ffff) return { tooLargeAt: i / 4, element: point }
				value += String.fromCodePoint(point)
			}
			return { value }
		}
	}
}
