/**
 * Value codecs: one small object per field kind and ABI that reads a value as plain
 * data, checks (and converts) a value to be written without touching memory, and
 * writes a checked value. `readStruct`, `writeStruct`, the fields' accessors and the
 * array refs are all built from them, once per type and ABI.
 *
 * Numbers go through the manager's own generated `read<Row>` / `write<Row>` methods,
 * so every element fact (width, DataView accessor, conversion, range) stays in the
 * element table and the code generated from it. Checking and writing are apart so that
 * `writeStruct` can check every given field before it writes any.
 */
import { elementTable, type ElementTypeName } from '../../generated/elementTable.generated.js'
import type { WasmHeapManager } from '../../generated/WasmHeapManager.generated.js'
import { measure as measureAscii } from '../codecs/ascii.js'
import { decode as decodeUtf16, encodeMeasured as encodeUtf16, measure as measureUtf16 } from '../codecs/utf16.js'
import { decode as decodeUtf32, encodeMeasured as encodeUtf32, measure as measureUtf32 } from '../codecs/utf32.js'
import { measure as measureUtf8 } from '../codecs/utf8.js'
import { bigintValue, numberValue } from '../conversions.js'
import { describeValue, throwPointer53ValueError, throwStringDecodeError, heapError } from '../errors.js'
import { HeapRef } from '../HeapRef.js'
import { abiFacts, type AbiFacts, type AbiName } from './abi.js'
import type { StructType } from './declare.js'
import { resolvePointerTarget } from './declare.js'
import { stringCodeUnits, type BitfieldKind, type BitfieldStorageKind, type FieldKind, type StringEncodingName, type ValueKind } from './fieldKinds.js'
import { resolveLayout, valueLayout, type PlacedField } from './layout.js'
import { structFieldAccessors } from '../../generated/structFields.generated.js'

/** @internal A manager method that reads one element row at an address. */
export type RowReader = (this: WasmHeapManager, address: number) => unknown
/** @internal A manager method that writes one element row at an address. */
export type RowWriter = (this: WasmHeapManager, address: number, value: unknown) => void

/** @internal How one kind of value is read, checked and written (see the module comment). */
export interface ValueCodec {
	/** Bytes the value occupies (for a bitfield, the bytes its bits touch). */
	readonly size: number
	/** Reads the value at `address` as plain data. */
	read(manager: WasmHeapManager, address: number): unknown
	/** Checks `value` and returns what `write` takes; throws naming `where` and writes nothing. */
	check(value: unknown, where: string): unknown
	/** Writes a value `check` returned. */
	write(manager: WasmHeapManager, address: number, staged: unknown): void
}

/** The manager's `read<Row>` and `write<Row>` for `row` (the generated methods, shared by every manager). */
export function rowMethods(manager: WasmHeapManager, row: ElementTypeName): { read: RowReader; write: RowWriter } {
	const methods = manager as unknown as Record<string, unknown>
	return { read: methods[`read${row}`] as RowReader, write: methods[`write${row}`] as RowWriter }
}

/**
 * The check of a value for an element row, from its facts: a `bigint` row takes
 * bigints; a number row converts as its TypedArray would (refusing bigints and
 * symbols); a number row stored as a 64-bit C integer (a pointer53: its `cType` is
 * an integer type) takes only safe non-negative integers, which it stores exactly.
 */
export function rowCheck(row: ElementTypeName): (value: unknown, where: string) => unknown {
	const facts = elementTable[row]
	if (facts.valueType === 'bigint') return (value, where) => (typeof value === 'bigint' ? value : bigintValue(value, where))
	if (facts.byteSize === 8 && /int/.test(facts.cType)) {
		return (value, where) => {
			if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) throwPointer53ValueError(where, value)
			return value
		}
	}
	return (value, where) => (typeof value === 'number' ? value : numberValue(value, where))
}

/** The row an ABI stores a scalar kind as. */
export function scalarRow(kind: BitfieldStorageKind, abi: AbiFacts): ElementTypeName {
	switch (kind.kind) {
		case 'element':
			return kind.element
		case 'abiSized':
			return kind.name === 'Pointer' ? abi.pointer : kind.name === 'Size' ? abi.size : abi.long
		case 'bool':
			return abi.bool
		case 'enum':
			return kind.type.storage
	}
}

/** The codecs of string encodings: how many code units a value needs (throwing for a character the encoding cannot hold). */
const measures: { readonly [Encoding in StringEncodingName]: (value: string, method: string) => number } = {
	Ascii: measureAscii,
	Utf8: measureUtf8,
	Utf16: measureUtf16,
	Utf32: measureUtf32,
}

/**
 * The code units of the 2- and 4-byte encodings, for an inline string at an address
 * that is not a multiple of its unit size: a struct may lie at any address (`wrapStruct`,
 * `readStruct` and `writeStruct` take any alignment, as `wrap<T>` does), and the
 * null-terminated string methods need aligned elements.
 */
const unalignedUnits = {
	Utf16: { View: Uint16Array, decode: decodeUtf16 as (elements: Uint16Array | Uint32Array, start: number, length: number) => string, encode: encodeUtf16 as (value: string, elements: Uint16Array | Uint32Array, start: number, count: number) => void },
	Utf32: { View: Uint32Array, decode: decodeUtf32 as (elements: Uint16Array | Uint32Array, start: number, length: number) => string, encode: encodeUtf32 as (value: string, elements: Uint16Array | Uint32Array, start: number, count: number) => void },
} as const

/** Codecs made so far, per kind object and ABI (kinds are frozen and shared by their type). */
const codecCache = new WeakMap<object, Map<AbiName, ValueCodec>>()

/** @internal The codec of a value kind (or bitfield) under `abi`, made once. */
export function codecOf(kind: FieldKind, abi: AbiName, manager: WasmHeapManager): ValueCodec {
	let perAbi = codecCache.get(kind)
	let codec = perAbi?.get(abi)
	if (codec !== undefined) return codec
	codec = makeCodec(kind, abiFacts(abi, 'codec'), manager)
	if (perAbi === undefined) codecCache.set(kind, (perAbi = new Map()))
	perAbi.set(abi, codec)
	return codec
}

function elementCodec(row: ElementTypeName, manager: WasmHeapManager): ValueCodec {
	const { read, write } = rowMethods(manager, row)
	return { size: elementTable[row].byteSize, read: (m, address) => read.call(m, address), check: rowCheck(row), write: (m, address, staged) => write.call(m, address, staged) }
}

/**
 * `'Pointer'`, `'Size'` and `'Long'`: a safe integer in the range of the ABI's row,
 * read as a `number` (a wasm64 `long`, stored as a `BigInt64`, is converted and must be
 * a safe integer).
 */
function abiSizedCodec(name: 'Pointer' | 'Size' | 'Long', abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	const row = name === 'Pointer' ? abi.pointer : name === 'Size' ? abi.size : abi.long
	const { read, write } = rowMethods(manager, row)
	const bits = elementTable[row].byteSize * 8
	const signed = name === 'Long'
	const max = Math.min(Number.MAX_SAFE_INTEGER, signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1)
	const min = signed ? -max - (bits < 53 ? 1 : 0) : 0
	const bigint = elementTable[row].valueType === 'bigint'
	return {
		size: elementTable[row].byteSize,
		read(m, address) {
			const value = read.call(m, address)
			if (typeof value === 'bigint') {
				const number = Number(value)
				if (!Number.isSafeInteger(number)) {
					throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `read${row}: the ${name} at address ${address} holds ${value}, which is not a safe integer`)
				}
				return number
			}
			return value
		},
		check(value, where) {
			if (typeof value !== 'number') throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: a ${name} value must be a number, received ${describeValue(value)}`)
			if (!(Number.isInteger(value) && value >= min && value <= max)) {
				throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${describeValue(value)} is not a valid ${name} value on ${abi.name}: it must be an integer from ${min} to ${max}`)
			}
			return bigint ? BigInt(value) : value
		},
		write: (m, address, staged) => write.call(m, address, staged),
	}
}

function boolCodec(abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	const { read, write } = rowMethods(manager, abi.bool)
	return {
		size: elementTable[abi.bool].byteSize,
		read: (m, address) => read.call(m, address) !== 0,
		check(value, where) {
			if (typeof value !== 'boolean') throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: a Bool value must be a boolean, received ${describeValue(value)}`)
			return value ? 1 : 0
		},
		write: (m, address, staged) => write.call(m, address, staged),
	}
}

/** Bits `firstBit .. firstBit + width` of the bytes at `address`, as C reads a bitfield (low bits first). */
function bitfieldCodec(kind: BitfieldKind, abi: AbiFacts, manager: WasmHeapManager, firstBit: number): ValueCodec {
	const { read: readByte, write: writeByte } = rowMethods(manager, 'Uint8')
	const width = kind.bits
	const byteCount = Math.ceil((firstBit + width) / 8)
	const storage = kind.storage
	const asBigint = storage.kind === 'element' && elementTable[storage.element].valueType === 'bigint'
	const asBoolean = storage.kind === 'bool'
	const bigWidth = BigInt(width)
	const bigFirst = BigInt(firstBit)
	const mask = (1n << bigWidth) - 1n
	const min = kind.signed ? -(1n << (bigWidth - 1n)) : 0n
	const max = kind.signed ? (1n << (bigWidth - 1n)) - 1n : mask
	const typeName = storage.kind === 'element' ? storage.element : storage.kind === 'abiSized' ? storage.name : storage.kind === 'bool' ? 'Bool' : storage.type.name
	const readBits = (m: WasmHeapManager, address: number): bigint => {
		let bits = 0n
		for (let index = byteCount - 1; index >= 0; index--) bits = (bits << 8n) | BigInt(readByte.call(m, address + index) as number)
		let value = (bits >> bigFirst) & mask
		if (kind.signed && value > max) value -= 1n << bigWidth
		return value
	}
	return {
		size: byteCount,
		read(m, address) {
			const value = readBits(m, address)
			return asBigint ? value : asBoolean ? value !== 0n : Number(value)
		},
		check(value, where) {
			const what = `a ${width}-bit ${kind.signed ? 'signed' : 'unsigned'} bitfield of type ${typeName}`
			let big: bigint
			if (asBoolean) {
				if (typeof value !== 'boolean') throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${what} takes a boolean, received ${describeValue(value)}`)
				big = value ? 1n : 0n
			} else if (asBigint) {
				if (typeof value !== 'bigint') throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${what} takes a bigint, received ${describeValue(value)}`)
				big = value
			} else {
				if (typeof value !== 'number') throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${what} takes a number, received ${describeValue(value)}`)
				if (!Number.isSafeInteger(value)) throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${describeValue(value)} does not fit ${what} (${min} to ${max})`)
				big = BigInt(value)
			}
			if (big < min || big > max) throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${describeValue(value)} does not fit ${what} (${min} to ${max})`)
			return big
		},
		write(m, address, staged) {
			let bits = 0n
			for (let index = byteCount - 1; index >= 0; index--) bits = (bits << 8n) | BigInt(readByte.call(m, address + index) as number)
			bits = (bits & ~(mask << bigFirst)) | (((staged as bigint) & mask) << bigFirst)
			for (let index = 0; index < byteCount; index++) {
				writeByte.call(m, address + index, Number(bits & 0xffn))
				bits >>= 8n
			}
		},
	}
}

/** Zeroes `byteSize` bytes at `address` through the checked path. */
function zero(m: WasmHeapManager, address: number, byteSize: number, where: string): void {
	if (byteSize > 0) m.zeroRegion(address, byteSize, where)
}

/** An inline `char[capacity]`: read up to its first 0 (or its end), written with a terminator and zeros to its end. */
function inlineStringCodec(encoding: StringEncodingName, capacity: number, manager: WasmHeapManager): ValueCodec {
	const methods = manager as unknown as Record<string, unknown>
	const readString = methods[`readNullTerminated${encoding}String`] as (this: WasmHeapManager, address: number, max: number) => string
	const writeString = methods[`writeNullTerminated${encoding}String`] as (this: WasmHeapManager, address: number, value: string, max: number) => number
	const unit = elementTable[stringCodeUnits[encoding]].byteSize
	const measure = measures[encoding]
	const units = encoding === 'Utf16' || encoding === 'Utf32' ? unalignedUnits[encoding] : undefined
	const readMethod = `readNullTerminated${encoding}String`
	return {
		size: unit * capacity,
		read(m, address) {
			if (units === undefined || address % unit === 0) return readString.call(m, address, capacity)
			// Unaligned: the units are copied to an aligned scratch array and decoded there.
			const elements = new units.View(capacity)
			new Uint8Array(elements.buffer).set(m.bytesView(address, capacity * unit, readMethod))
			const length = elements.indexOf(0)
			try {
				return units.decode(elements, 0, length < 0 ? capacity : length)
			} catch (error) {
				throwStringDecodeError(readMethod, address, error)
			}
		},
		check(value, where) {
			if (typeof value !== 'string') throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: value must be a string, received ${describeValue(value)}`)
			const count = measure(value, where)
			if (count + 1 > capacity) {
				throw heapError(RangeError, 'ERR_HEAP_STRING_DOES_NOT_FIT',
					`${where}: the string does not fit: it needs ${count + 1} ${encoding} elements with its terminator, ` +
						`and the inline string holds ${capacity}`,
				)
			}
			return value
		},
		write(m, address, staged) {
			if (units !== undefined && address % unit !== 0) {
				// Unaligned: encoded into an aligned scratch array (terminator and padding zeros included), then copied.
				const elements = new units.View(capacity)
				units.encode(staged as string, elements, 0, measure(staged as string, 'writeStruct'))
				m.bytesView(address, capacity * unit, 'writeStruct').set(new Uint8Array(elements.buffer))
				return
			}
			const count = writeString.call(m, address, staged as string, capacity)
			zero(m, address + (count + 1) * unit, (capacity - count - 1) * unit, 'writeStruct')
		},
	}
}

/** An address field: read as a number (0 for null); takes a ref, an address or `null`. */
function pointerCodec(abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	const inner = abiSizedCodec('Pointer', abi, manager)
	return {
		size: inner.size,
		read: inner.read,
		check(value, where) {
			if (value === null) return inner.check(0, where)
			if (value instanceof HeapRef) {
				if (value.isFreed) throw heapError(Error, 'ERR_HEAP_REF_FREED', `${where}: the ref to address ${value.address} has been freed`)
				return inner.check(value.address, where)
			}
			if (typeof value !== 'number') {
				throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: a pointer takes a ref, an address or null, received ${describeValue(value)}`)
			}
			return inner.check(value, where)
		},
		write: inner.write,
	}
}

function arrayCodec(element: ValueKind, length: number, abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	const codec = codecOf(element, abi.name, manager)
	const stride = valueLayout(element, abi).size
	return {
		size: stride * length,
		read(m, address) {
			const values = new Array<unknown>(length)
			for (let index = 0; index < length; index++) values[index] = codec.read(m, address + index * stride)
			return values
		},
		check(value, where) {
			if (typeof value !== 'object' || value === null || typeof (value as ArrayLike<unknown>).length !== 'number') {
				throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: an array of ${length} elements takes an array, received ${describeValue(value)}`)
			}
			const given = (value as ArrayLike<unknown>).length
			if (given > length) throw heapError(RangeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${given} values given for an array of ${length} elements`)
			const staged = new Array<unknown>(given)
			for (let index = 0; index < given; index++) staged[index] = codec.check((value as ArrayLike<unknown>)[index], `${where}[${index}]`)
			return staged
		},
		write(m, address, staged) {
			const values = staged as unknown[]
			for (let index = 0; index < values.length; index++) codec.write(m, address + index * stride, values[index])
		},
	}
}

/**
 * What a generated field accessor reads when `readStruct` calls it directly: the struct's
 * address and a `liveEnd` (its end: the accessor's hot path runs when the struct lies in
 * the live whole-heap view, else the manager's checked method). One object, set before
 * each call.
 */
interface ReadHost {
	manager: WasmHeapManager
	address: number
	liveEnd: number
	root: ReadHost
	checkLive(member: string): void
}

const readHost: ReadHost = {
	manager: undefined as unknown as WasmHeapManager,
	address: 0,
	liveEnd: 0,
	root: undefined as unknown as ReadHost,
	checkLive() {},
}
readHost.root = readHost

/** Struct codecs made so far, per type and ABI. */
const structCodecCache = new WeakMap<StructType, Map<AbiName, ValueCodec>>()

/** @internal The codec of a struct or union type under `abi`, made once. */
export function structCodec(type: StructType, abi: AbiName, manager: WasmHeapManager): ValueCodec {
	let perAbi = structCodecCache.get(type)
	let codec = perAbi?.get(abi)
	if (codec !== undefined) return codec
	codec = recordCodec(type, abi, manager)
	if (perAbi === undefined) structCodecCache.set(type, (perAbi = new Map()))
	perAbi.set(abi, codec)
	return codec
}

/** @internal A record's staged write: the fields given, in declaration order, with their checked values. */
type StagedRecord = readonly (readonly [ValueCodec, number, unknown])[]

/** @internal The codec of a struct or union: a plain object of its fields (nested), and partial writes. */
export function recordCodec(type: StructType, abiName: AbiName, manager: WasmHeapManager): ValueCodec {
	const layout = resolveLayout(type, abiName)
	const abi = abiFacts(abiName, 'codec')
	const fields: { readonly field: PlacedField; readonly codec: ValueCodec; readonly get: ((this: ReadHost) => unknown) | undefined }[] =
		layout.placed.map((field) => {
			const kind = field.declaration.type
			// Numbers stored as a row read through the row's generated accessor, called directly.
			const get =
				kind.kind === 'element' || kind.kind === 'enum'
					? (structFieldAccessors[scalarRow(kind, abi)]!(field.offset, field.name, `${type.name}.${field.name}`).get as (this: ReadHost) => unknown)
					: undefined
			return { field, codec: fieldCodec(field, abiName, manager), get }
		})
	const byName = new Map(fields.map((entry) => [entry.field.name, entry]))
	const size = layout.size
	// Every value starts as a copy of this object, so all get the same shape at once and the
	// stores below replace properties rather than add them (adding by a computed key is slow).
	const template: Record<string, unknown> = {}
	for (const { field } of fields) template[field.name] = undefined
	return {
		size,
		read(m, address) {
			const value: Record<string, unknown> = { ...template }
			for (const { field, codec, get } of fields) {
				if (get === undefined) {
					value[field.name] = codec.read(m, address + field.offset)
				} else {
					readHost.manager = m
					readHost.address = address
					readHost.liveEnd = address + size
					value[field.name] = get.call(readHost)
				}
			}
			return value
		},
		check(value, where) {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE', `${where}: ${type} takes an object of field values, received ${describeValue(value)}`)
			}
			for (const key of Object.keys(value)) {
				if (!byName.has(key)) {
					throw heapError(TypeError, 'ERR_HEAP_INVALID_VALUE',
						`${where}: ${type} has no field ${JSON.stringify(key)}; its fields are ${fields.map(({ field }) => field.name).join(', ')}`,
					)
				}
			}
			const staged: [ValueCodec, number, unknown][] = []
			for (const { field, codec } of fields) {
				const given = (value as Record<string, unknown>)[field.name]
				if (given === undefined) continue
				staged.push([codec, field.offset, codec.check(given, `${where}.${field.name}`)])
			}
			return staged satisfies StagedRecord
		},
		write(m, address, staged) {
			for (const [codec, offset, value] of staged as StagedRecord) codec.write(m, address + offset, value)
		},
	}
}

/** @internal The codec of a placed field (a bitfield's depends on where its bits start). */
export function fieldCodec(field: PlacedField, abi: AbiName, manager: WasmHeapManager): ValueCodec {
	const kind = field.declaration.type
	if (kind.kind === 'bits') return bitfieldCodec(kind, abiFacts(abi, 'codec'), manager, field.bitOffset ?? 0)
	return codecOf(kind, abi, manager)
}

function makeCodec(kind: FieldKind, abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	switch (kind.kind) {
		case 'element':
			return elementCodec(kind.element, manager)
		case 'enum':
			return elementCodec(kind.type.storage, manager)
		case 'abiSized':
			return abiSizedCodec(kind.name, abi, manager)
		case 'bool':
			return boolCodec(abi, manager)
		case 'record':
			return structCodec(kind.type, abi.name, manager)
		case 'array':
			return arrayCodec(kind.element, kind.length, abi, manager)
		case 'pointer':
			return pointerCodec(abi, manager)
		case 'string':
			return inlineStringCodec(kind.encoding, kind.capacity, manager)
		case 'bits':
			return bitfieldCodec(kind, abi, manager, 0)
	}
}

/** @internal The target of a pointer field, resolved (see `resolvePointerTarget`). */
export { resolvePointerTarget }
