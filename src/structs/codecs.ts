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
import { throwPointer53ValueError, throwStringDecodeError } from '../errors.js'
import {
	abiIntegerNotANumber,
	abiIntegerOutOfRange,
	arrayFieldNotAnArray,
	arrayFieldTooMany,
	bitfieldValueOfWrongType,
	bitfieldValueOutOfRange,
	boolNotABoolean,
	inlineStringDoesNotFit,
	pointerFieldRefFreed,
	pointerFieldRefReleased,
	pointerFieldValueInvalid,
	pointerFieldRefOfAnotherManager,
	pointerFieldRefOfAnotherType,
	raise,
	raiseLikeCause,
	raiseRenamed,
	recordValueNotAnObject,
	recordValueIsARef,
	recordValueIsAType,
	recordValueUnknownField,
	storedNotASafeInteger,
	valueNotAString,
	wideEnumValueOutOfRange,
} from '../messages.js'
import { HeapRef } from '../HeapRef.js'
import { abiFacts, integerRange, type AbiFacts, type AbiName } from './abi.js'
import { resolvePointerTarget, StructType, type EnumType } from './declare.js'
import { stringCodeUnits, type PointerTarget, type BitfieldKind, type BitfieldStorageKind, type FieldKind, type StringEncodingName, type ValueKind } from './fieldKinds.js'
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
	/** Reads the value at `address` as plain data; a value the field cannot hold names `where` (the field) when given. */
	read(manager: WasmHeapManager, address: number, where?: string): unknown
	/**
	 * Checks `value` for a write through `manager` and returns what `write` takes; throws
	 * naming `where` and writes nothing.
	 */
	check(value: unknown, where: string, manager: WasmHeapManager): unknown
	/** Writes a value `check` returned. */
	write(manager: WasmHeapManager, address: number, staged: unknown): void
	/**
	 * Reads the value at `address` straight from `view`, which the caller checked covers
	 * it (the live whole-heap view): numbers, records and arrays of them have one; other
	 * kinds go through `read`.
	 */
	readIn?(view: DataView, address: number, manager: WasmHeapManager): unknown
	/**
	 * The `typeof` of the values `check` returns as they are given (a number row's numbers, a
	 * bigint row's bigints): a record or an array stages such a value without the call, and
	 * without building the field's name, which only an error or a conversion needs.
	 */
	readonly plain?: 'number' | 'bigint'
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
	const facts = elementTable[row]
	return {
		size: facts.byteSize,
		// (not Pointer53's: the one row whose check refuses numbers, see rowCheck)
		plain: row === 'Pointer53' ? undefined : facts.valueType,
		read: (m, address) => read.call(m, address),
		check: rowCheck(row),
		write: (m, address, staged) => write.call(m, address, staged),
		readIn: structFieldAccessors[row]!(0, row, `read${row}`).read,
	}
}

/**
 * An enum: a `number`, whatever its storage. Up to 32 bits that is its row's codec; an
 * enum stored as a 64-bit row (values past 32 bits, as clang gives `long long` ones) is
 * read as a number (a stored value past the safe integers is an error naming the field)
 * and takes a safe integer in the row's range, as its declared values are.
 */
export function enumCodec(type: EnumType, manager: WasmHeapManager): ValueCodec {
	const row = type.storage
	if (elementTable[row].valueType !== 'bigint') return elementCodec(row, manager)
	const { read, write } = rowMethods(manager, row)
	const range = integerRange(row)
	const safe = BigInt(Number.MAX_SAFE_INTEGER)
	const min = range.min < -safe ? -safe : range.min
	const max = range.max > safe ? safe : range.max
	return {
		size: elementTable[row].byteSize,
		read(m, address, where) {
			const value = read.call(m, address) as bigint
			const number = Number(value)
			if (!Number.isSafeInteger(number)) throw raise(storedNotASafeInteger, where ?? `read${row}`, `enum ${type.name}`, address, value)
			return number
		},
		check(value, where) {
			if (typeof value !== 'number') throw raise(abiIntegerNotANumber, where, `enum ${type.name}`, value)
			if (!(Number.isSafeInteger(value) && BigInt(value) >= min && BigInt(value) <= max)) {
				throw raise(wideEnumValueOutOfRange, where, value, type.name, row, min, max)
			}
			return BigInt(value)
		},
		write: (m, address, staged) => write.call(m, address, staged),
	}
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
	/** An 8-byte value as a number: a value past the safe integers is an error naming the field (`where`), not the row's reader the caller never called. */
	function readWide(m: WasmHeapManager, address: number, where: string | undefined): unknown {
		let value
		try {
			value = read.call(m, address)
		} catch (error) {
			// the Pointer53 row's refusal of a value past 2^53 - 1
			if (where === undefined || (error as { code?: unknown }).code !== 'ERR_HEAP_INVALID_VALUE') throw error
			throw raiseLikeCause(error as Error, storedNotASafeInteger, where, name, address, m.readBigUint64(address))
		}
		if (typeof value !== 'bigint') return value
		const number = Number(value)
		if (!Number.isSafeInteger(number)) throw raise(storedNotASafeInteger, where ?? `read${row}`, name, address, value)
		return number
	}
	return {
		size: elementTable[row].byteSize,
		// A 4-byte row holds only numbers a number holds; an 8-byte one (wasm64) may not.
		read: bits < 64 ? (m, address) => read.call(m, address) : (m, address, where) => readWide(m, address, where),
		check(value, where) {
			if (typeof value !== 'number') throw raise(abiIntegerNotANumber, where, name, value)
			if (!(Number.isInteger(value) && value >= min && value <= max)) {
				throw raise(abiIntegerOutOfRange, where, value, name, abi.name, min, max)
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
			if (typeof value !== 'boolean') throw raise(boolNotABoolean, where, value)
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
	// a bitfield of an enum stored as a 64-bit row reads as a number: past 53 bits it may hold one a number cannot
	// (the check is chosen here, once: narrower bitfields' reads do not pay for it)
	const read: ValueCodec['read'] =
		!asBigint && !asBoolean && width > 53
			? (m, address, where) => {
					const value = readBits(m, address)
					if (!Number.isSafeInteger(Number(value))) throw raise(storedNotASafeInteger, where ?? 'read', `${width}-bit bitfield of type ${typeName}`, address, value)
					return Number(value)
				}
			: (m, address) => {
					const value = readBits(m, address)
					return asBigint ? value : asBoolean ? value !== 0n : Number(value)
				}
	return {
		size: byteCount,
		read,
		check(value, where) {
			let big: bigint
			if (asBoolean) {
				if (typeof value !== 'boolean') throw raise(bitfieldValueOfWrongType, where, width, kind.signed, typeName, 'boolean', value)
				big = value ? 1n : 0n
			} else if (asBigint) {
				if (typeof value !== 'bigint') throw raise(bitfieldValueOfWrongType, where, width, kind.signed, typeName, 'bigint', value)
				big = value
			} else {
				if (typeof value !== 'number') throw raise(bitfieldValueOfWrongType, where, width, kind.signed, typeName, 'number', value)
				if (!Number.isSafeInteger(value)) throw raise(bitfieldValueOutOfRange, where, value, width, kind.signed, typeName, min, max)
				big = BigInt(value)
			}
			if (big < min || big > max) throw raise(bitfieldValueOutOfRange, where, value, width, kind.signed, typeName, min, max)
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
	/**
	 * The units copied to an aligned scratch array and decoded there: the read of an
	 * unaligned string, whose decoding error names `where` (the field, or the call and the
	 * field's path), else the string reader.
	 */
	const readCopied = (m: WasmHeapManager, address: number, where: string | undefined): string => {
		const elements = new units!.View(capacity)
		new Uint8Array(elements.buffer).set(m.bytesView(address, capacity * unit, readMethod))
		const length = elements.indexOf(0)
		try {
			return units!.decode(elements, 0, length < 0 ? capacity : length)
		} catch (error) {
			throwStringDecodeError(where ?? readMethod, address, error)
		}
	}
	// Only UTF-32 refuses units on read (one above 0x10FFFF): its aligned read, through the
	// manager's reader, whose error names that reader, is decoded again to name `where`, on
	// the error path only. The other encodings' reads are the manager's, as they were.
	const read: ValueCodec['read'] =
		encoding === 'Utf32'
			? (m, address, where) => {
					if (address % unit !== 0) return readCopied(m, address, where)
					try {
						return readString.call(m, address, capacity)
					} catch (error) {
						// the copy's decoding throws again, naming `where`; anything else is the reader's error as it was
						if (where !== undefined) readCopied(m, address, where)
						throw error
					}
				}
			: (m, address, where) => (units === undefined || address % unit === 0 ? readString.call(m, address, capacity) : readCopied(m, address, where))
	return {
		size: unit * capacity,
		read,
		check(value, where) {
			if (typeof value !== 'string') throw raise(valueNotAString, where, value)
			const count = measure(value, where)
			if (count + 1 > capacity) {
				throw raise(inlineStringDoesNotFit, where, count + 1, encoding, capacity)
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

/**
 * An address field: read as a number (0 for null); takes a ref, an address or `null`. A
 * pointer to a struct takes only a ref of that struct (its `StructRef`, an element, its
 * array): a ref of another type is the mistake C's type checker would catch, and its
 * address, given as a number, is the cast.
 */
function pointerCodec(target: PointerTarget, abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	const inner = abiSizedCodec('Pointer', abi, manager)
	return {
		size: inner.size,
		read: inner.read,
		check(value, where, m) {
			if (value === null) return inner.check(0, where, m)
			if (value instanceof HeapRef) {
				if (value.isFreed) {
					// a sub-ref's scope, and whether it was released, are its root's (the struct or
					// array it belongs to)
					const owner = ((value as unknown as { root?: HeapRef }).root ?? value) as unknown as { scope: unknown; isReleased(): boolean }
					if (owner.isReleased()) throw raise(pointerFieldRefReleased, where, value.address)
					throw raise(pointerFieldRefFreed, where, value.address, owner.scope !== undefined)
				}
				// a ref's address means something only in its own manager's heap
				if ((value as unknown as { manager: unknown }).manager !== m) throw raise(pointerFieldRefOfAnotherManager, where, value.address)
				const type = pointedStruct(target, where)
				const given = (value as unknown as { type?: unknown }).type
				if (type !== undefined && given !== type) {
					throw raise(pointerFieldRefOfAnotherType, where, type.name, given instanceof StructType ? given.name : undefined, value)
				}
				return inner.check(value.address, where, m)
			}
			if (typeof value !== 'number') {
				throw raise(pointerFieldValueInvalid, where, value)
			}
			return inner.check(value, where, m)
		},
		write: inner.write,
	}
}

/** The struct a pointer's target is made of (`T *`, `T (*)[n]`), or `undefined` for any other target. */
function pointedStruct(target: PointerTarget, where: string): StructType | undefined {
	const resolved = resolvePointerTarget(target, where)
	if (resolved.kind === 'record') return resolved.type
	if (resolved.kind === 'array' && resolved.element.kind === 'record') return resolved.element.type
	return undefined
}

function arrayCodec(element: ValueKind, length: number, abi: AbiFacts, manager: WasmHeapManager, where?: string): ValueCodec {
	const codec = where === undefined ? codecOf(element, abi.name, manager) : namedCodec(element, abi, manager, where)
	const stride = valueLayout(element, abi).size
	const readIn = codec.readIn
	const plain = codec.plain
	const paths = new PathMemo((index) => `[${index}]`)
	return {
		size: stride * length,
		read(m, address, where) {
			const values = new Array<unknown>(length)
			for (let index = 0; index < length; index++) values[index] = codec.read(m, address + index * stride, where)
			return values
		},
		...(readIn === undefined
			? {}
			: {
					readIn(view: DataView, address: number, m: WasmHeapManager): unknown[] {
						const values = new Array<unknown>(length)
						for (let index = 0; index < length; index++) values[index] = readIn(view, address + index * stride, m)
						return values
					},
				}),
		check(value, where, m) {
			if (typeof value !== 'object' || value === null || typeof (value as ArrayLike<unknown>).length !== 'number') {
				throw raise(arrayFieldNotAnArray, where, length, value)
			}
			const given = (value as ArrayLike<unknown>).length
			if (given > length) throw raise(arrayFieldTooMany, where, given, length)
			// (pushed, not stored into `new Array(given)`: a holey array changing element kinds as it fills was slower)
			const staged: unknown[] = []
			for (let index = 0; index < given; index++) {
				const element = (value as ArrayLike<unknown>)[index]
				if (typeof element === plain) {
					staged.push(element)
					continue
				}
				staged.push(codec.check(element, paths.of(where, index), m))
			}
			return staged
		},
		write(m, address, staged) {
			const values = staged as unknown[]
			for (let index = 0; index < values.length; index++) codec.write(m, address + index * stride, values[index])
		},
	}
}

/**
 * @internal Reads one field of the struct at `address` straight from `view`, which covers
 * the whole struct (checked once by the caller); `manager` for fields read through their
 * codec (strings, bitfields, pointers, nested records and arrays).
 */
type FieldReader = (view: DataView, address: number, manager: WasmHeapManager) => unknown

/**
 * @internal The constructor of a record type's values: a plain object (its prototype is
 * `Object.prototype`), one constructor per type so that V8 sizes its objects for the
 * type's fields (in-object slack tracking) instead of `{}`'s four in-object slots, past
 * which every value would need a second allocation.
 */
type RecordValue = new () => Record<string, unknown>

/**
 * A record value as plain data: a fresh object given its fields in declaration order.
 * The stores are written out one per position, not in a loop: each store site then sees
 * one field name (per struct type), so V8 compiles it to a plain store with a known
 * shape transition; a loop's one site would see every name and go megamorphic, about 15
 * ns per field. Fields past the sixth go through the loop. Six, not more: this function is
 * inlined with its readers into the caller's loop, and V8's inlining budget is cumulative
 * (--max-inlined-bytecode-size-cumulative); with eight positions written out, whether a
 * loop of readStruct calls got everything inlined (18 ns for 6 fields) or not (80 ns)
 * depended on the order in which functions tiered up, varying from process to process.
 */
function buildRecord(Value: RecordValue, names: readonly string[], readers: readonly FieldReader[], view: DataView, address: number, manager: WasmHeapManager): Record<string, unknown> {
	const value = new Value()
	const count = names.length
	if (count > 0) value[names[0]!] = readers[0]!(view, address, manager)
	if (count > 1) value[names[1]!] = readers[1]!(view, address, manager)
	if (count > 2) value[names[2]!] = readers[2]!(view, address, manager)
	if (count > 3) value[names[3]!] = readers[3]!(view, address, manager)
	if (count > 4) value[names[4]!] = readers[4]!(view, address, manager)
	if (count > 5) value[names[5]!] = readers[5]!(view, address, manager)
	for (let index = 6; index < count; index++) value[names[index]!] = readers[index]!(view, address, manager)
	return value
}

type RecordBuilder = typeof buildRecord

/**
 * The constructor of a record type's values (see {@link RecordValue}). It gives the first
 * six fields `undefined`, in declaration order, before the builder stores their values: V8
 * then allocates each value with its final shape (no shape change per field stored), and
 * the fields, having held `undefined`, stay tagged as an object literal's do: a whole-number
 * double is stored as a small integer, where a field V8 made a double field (its first value
 * a fraction or -0) boxes every value in a heap number of its own (bench/notes.ts, the
 * `readStruct` entries). Written out per field like the builders: one store site per name.
 */
function recordValue(names: readonly string[]): RecordValue {
	const [n0, n1, n2, n3, n4, n5] = names as readonly (string | undefined)[]
	const count = names.length
	const Value = function (this: Record<string, unknown>): void {
		if (count > 0) this[n0!] = undefined
		if (count > 1) this[n1!] = undefined
		if (count > 2) this[n2!] = undefined
		if (count > 3) this[n3!] = undefined
		if (count > 4) this[n4!] = undefined
		if (count > 5) this[n5!] = undefined
	} as unknown as RecordValue
	Value.prototype = Object.prototype
	return Value
}

/** The constructor of each record type's values, one per type: readStruct's codec and a ref's `read()` give values of one shape. */
const recordValues = new WeakMap<StructType, RecordValue>()

function recordValueOf(type: StructType, names: readonly string[]): RecordValue {
	let Value = recordValues.get(type)
	if (Value === undefined) recordValues.set(type, (Value = recordValue(names)))
	return Value
}

/**
 * Records of up to six fields are built by a function for their field count, which writes
 * exactly that many fields with no count tests: the smallest code to inline into a loop of
 * readStruct calls (a 6-field struct: 15 ns against 19 ns through buildRecord, Node 20).
 */
const recordBuilders: readonly RecordBuilder[] = [
	(Value) => new Value(),
	(Value, n, r, v, a, m) => {
		const value = new Value()
		value[n[0]!] = r[0]!(v, a, m)
		return value
	},
	(Value, n, r, v, a, m) => {
		const value = new Value()
		value[n[0]!] = r[0]!(v, a, m)
		value[n[1]!] = r[1]!(v, a, m)
		return value
	},
	(Value, n, r, v, a, m) => {
		const value = new Value()
		value[n[0]!] = r[0]!(v, a, m)
		value[n[1]!] = r[1]!(v, a, m)
		value[n[2]!] = r[2]!(v, a, m)
		return value
	},
	(Value, n, r, v, a, m) => {
		const value = new Value()
		value[n[0]!] = r[0]!(v, a, m)
		value[n[1]!] = r[1]!(v, a, m)
		value[n[2]!] = r[2]!(v, a, m)
		value[n[3]!] = r[3]!(v, a, m)
		return value
	},
	(Value, n, r, v, a, m) => {
		const value = new Value()
		value[n[0]!] = r[0]!(v, a, m)
		value[n[1]!] = r[1]!(v, a, m)
		value[n[2]!] = r[2]!(v, a, m)
		value[n[3]!] = r[3]!(v, a, m)
		value[n[4]!] = r[4]!(v, a, m)
		return value
	},
	(Value, n, r, v, a, m) => {
		const value = new Value()
		value[n[0]!] = r[0]!(v, a, m)
		value[n[1]!] = r[1]!(v, a, m)
		value[n[2]!] = r[2]!(v, a, m)
		value[n[3]!] = r[3]!(v, a, m)
		value[n[4]!] = r[4]!(v, a, m)
		value[n[5]!] = r[5]!(v, a, m)
		return value
	},
]

/** Struct codecs made so far, per type and ABI. */
const structCodecCache = new WeakMap<StructType, Map<AbiName, ValueCodec>>()

/** Struct codecs whose read errors name a caller (`readStruct(Node)`), per type, ABI and name. */
const namedCodecCache = new WeakMap<StructType, Map<string, ValueCodec>>()

/**
 * @internal The codec of a struct or union type under `abi`, made once. Its reads' errors
 * name a field as `Node.next`; given `where` (`readStruct(Node)`), a codec of its own, made
 * once too, whose reads' errors name the field from there: `readStruct(Node).next`,
 * `readStruct(Node).inner.x`. The same readers either way, with another name in each.
 */
export function structCodec(type: StructType, abi: AbiName, manager: WasmHeapManager, where?: string): ValueCodec {
	if (where !== undefined) {
		let named = namedCodecCache.get(type)
		const key = `${abi} ${where}`
		let codec = named?.get(key)
		if (codec !== undefined) return codec
		codec = recordCodec(type, abi, manager, where)
		if (named === undefined) namedCodecCache.set(type, (named = new Map()))
		named.set(key, codec)
		return codec
	}
	let perAbi = structCodecCache.get(type)
	let codec = perAbi?.get(abi)
	if (codec !== undefined) return codec
	codec = recordCodec(type, abi, manager)
	if (perAbi === undefined) structCodecCache.set(type, (perAbi = new Map()))
	perAbi.set(abi, codec)
	return codec
}

/**
 * @internal The codec of a struct or union: a plain object of its fields (nested), and
 * partial writes. `where` names the record in its reads' errors (see {@link structCodec}).
 */
export function recordCodec(type: StructType, abiName: AbiName, manager: WasmHeapManager, where?: string): ValueCodec {
	const layout = resolveLayout(type, abiName)
	const abi = abiFacts(abiName, 'codec')
	const prefix = where ?? type.name
	// named: the nested records and arrays too, so that their fields' errors name the path from the caller
	const fields = layout.placed.map((field) => ({
		field,
		codec: where === undefined || field.declaration.type.kind === 'bits' ? fieldCodec(field, abiName, manager) : namedCodec(field.declaration.type, abi, manager, `${where}.${field.name}`),
	}))
	// each field's index by name, in an object with no prototype (a key of the value's that is no field's finds nothing)
	const indexOf: Record<string, number> = Object.create(null) as Record<string, number>
	fields.forEach(({ field }, index) => (indexOf[field.name] = index))
	const size = layout.size
	const names = Object.freeze(fields.map(({ field }) => field.name))
	// One reader per field, made here once: numbers through their row's generated reader
	// (the DataView call of the row, inlined), the rest through their codec.
	const readers: readonly FieldReader[] = Object.freeze(
		fields.map(({ field, codec }): FieldReader => {
			const kind = field.declaration.type
			if (kind.kind === 'element' || (kind.kind === 'enum' && elementTable[kind.type.storage].valueType !== 'bigint')) {
				return structFieldAccessors[scalarRow(kind, abi)]!(field.offset, field.name, `${prefix}.${field.name}`).read
			}
			const offset = field.offset
			const readIn = codec.readIn
			if (readIn !== undefined) return (view, address, m) => readIn(view, address + offset, m)
			const fieldWhere = `${prefix}.${field.name}`
			return (_view, address, m) => codec.read(m, address + offset, fieldWhere)
		}),
	)
	const Value = recordValueOf(type, names)
	const build = names.length < recordBuilders.length ? recordBuilders[names.length]! : buildRecord
	const count = names.length
	const codecs = fields.map(({ codec }) => codec)
	const offsets = fields.map(({ field }) => field.offset)
	// A number given to a field whose codec takes numbers as they are (its `plain`) is staged without the call, and without the field's name
	const numbers = codecs.map((codec) => codec.plain === 'number')
	// A field named like a property every object inherits (`constructor`, `toString`,
	// `valueOf`...) is given only as the value's own property: read by name, `{ x: 1 }` has
	// Object.prototype's function there, which a write took as the field's value (0 or NaN
	// stored, where a field not given must stay as it is). Other names are read as before
	// (an inherited property, a class's getter, counts).
	const inheritedByEveryObject = names.map((name) => name in Object.prototype)
	const paths = new PathMemo((index) => `.${names[index]!}`)
	return {
		size,
		read(m, address) {
			// One comparison for the whole struct; past the live view (a replaced heap, a
			// struct running past the end), field by field through the checked reads.
			const fast = m.fast
			if (!(address + size <= fast.uint8Array.length)) return readFieldByField(prefix, fields, m, address)
			return build(Value, names, readers, fast.dataView, address, m)
		},
		readIn: (view, address, m) => build(Value, names, readers, view, address, m),
		check(value, where, m) {
			if (typeof value !== 'object' || value === null || Array.isArray(value)) {
				throw raise(recordValueNotAnObject, where, type, value)
			}
			// Staged by field index: the value given, or `undefined` for a field not given. The
			// value's keys are walked with `for...in`, which reads each one through V8's enum
			// cache (where `Object.keys` made an array and a keyed load by field name went
			// megamorphic across struct types), and most values list their fields in
			// declaration order, which `next` guesses before the lookup by name.
			const staged = new Array<unknown>(count)
			let seen = 0
			let next = 0
			for (const key in value) {
				const index = names[next] === key ? next : indexOf[key]
				if (index === undefined) {
					// an inherited key that is no field's is not the value's (Object.keys's rule)
					if (!Object.prototype.hasOwnProperty.call(value, key)) continue
					// (a ref's own fields are not the struct's: TypeScript takes a ref of the struct for its value, which holds its fields)
					if (value instanceof HeapRef) throw raise(recordValueIsARef, where, type, refDescription(value))
					if (value instanceof StructType) throw raise(recordValueIsAType, where, type, value)
					throw raise(recordValueUnknownField, where, type, key, names)
				}
				const given = (value as Record<string, unknown>)[key]
				// (`notGiven`: a key given as undefined, so that the loop below does not read it again)
				staged[index] = given === undefined ? notGiven : given
				seen++
				next = index + 1
			}
			// then each field in declaration order: one no key named (a getter on a prototype, a
			// property that is not enumerable) is read by name, as before; then checked
			for (let index = 0; index < count; index++) {
				let given = staged[index]
				if (given === undefined && seen !== count) staged[index] = given = (value as Record<string, unknown>)[names[index]!]
				if (given === undefined || given === notGiven || (inheritedByEveryObject[index] && !Object.prototype.hasOwnProperty.call(value, names[index]!))) {
					staged[index] = undefined
				} else if (typeof given !== 'number' || !numbers[index]) {
					staged[index] = codecs[index]!.check(given, paths.of(where, index), m)
				}
			}
			return staged
		},
		write(m, address, staged) {
			const values = staged as unknown[]
			for (let index = 0; index < count; index++) {
				const value = values[index]
				if (value !== undefined) codecs[index]!.write(m, address + offsets[index]!, value)
			}
		},
	}
}

/**
 * The paths a record's or an array's check gives the checks of its fields or elements
 * (`writeStruct(S).pos`, `S.write.hist[3]`), made when first needed and kept while the check is
 * given the same `where`: most calls give the same name each time (writeStruct's is its memo's,
 * a nested field's its parent's kept path), so a path is a comparison and a load, not a new
 * string for every nested value. Another `where` (another call, or one a getter makes inside
 * this one) starts the paths again, so each is always `where` and its segment.
 */
class PathMemo {
	private where: string | undefined = undefined
	private paths: (string | undefined)[] = []

	constructor(private readonly segment: (index: number) => string) {}

	of(where: string, index: number): string {
		if (where !== this.where) {
			this.where = where
			this.paths = []
		}
		return (this.paths[index] ??= where + this.segment(index))
	}
}

/** A record's staged entry for a key the value gave as `undefined` (not given, and not to be read again by name). */
const notGiven: unique symbol = Symbol('not given')

/** A ref as an error names it: `a ref of struct Vec`, `a Uint8ArrayRef`. */
function refDescription(ref: HeapRef): string {
	const refType = (ref as { type?: unknown }).type
	return refType instanceof StructType ? `a ref of ${String(refType)}` : `a ${(ref as unknown as { refName: string }).refName}`
}

/** A record read through each field's codec (which checks, polls and throws as the manager's `read*` do): the cold path of a record's `read`. */
function readFieldByField(prefix: string, fields: readonly { readonly field: PlacedField; readonly codec: ValueCodec }[], m: WasmHeapManager, address: number): Record<string, unknown> {
	const value: Record<string, unknown> = {}
	for (const { field, codec } of fields) {
		const where = `${prefix}.${field.name}`
		try {
			value[field.name] = codec.read(m, address + field.offset, where)
		} catch (error) {
			// a number row's read names the manager's reader (`readPointer53: ...`), as the fast
			// path's does not: the field's path instead; a nested record's error names its own path
			if (error instanceof Error && error.message.startsWith(where)) throw error
			throw raiseRenamed(error, where)
		}
	}
	return value
}

/** @internal The codec of a placed field (a bitfield's depends on where its bits start). */
export function fieldCodec(field: PlacedField, abi: AbiName, manager: WasmHeapManager): ValueCodec {
	const kind = field.declaration.type
	if (kind.kind === 'bits') return bitfieldCodec(kind, abiFacts(abi, 'codec'), manager, field.bitOffset ?? 0)
	return codecOf(kind, abi, manager)
}

/**
 * A value kind's codec whose reads' errors name `where`: a record's or an array's of its
 * own (their fields' and elements' readers made with the name), a number row's with a
 * reader naming it (a Pointer53 past 2^53 - 1); any other kind's is the shared one, which
 * names the `where` each read is given.
 */
function namedCodec(kind: ValueKind, abi: AbiFacts, manager: WasmHeapManager, where: string): ValueCodec {
	switch (kind.kind) {
		case 'record':
			return structCodec(kind.type, abi.name, manager, where)
		case 'array':
			return arrayCodec(kind.element, kind.length, abi, manager, where)
		case 'element':
			return { ...codecOf(kind, abi.name, manager), readIn: structFieldAccessors[kind.element]!(0, kind.element, where).read }
		default:
			return codecOf(kind, abi.name, manager)
	}
}

function makeCodec(kind: FieldKind, abi: AbiFacts, manager: WasmHeapManager): ValueCodec {
	switch (kind.kind) {
		case 'element':
			return elementCodec(kind.element, manager)
		case 'enum':
			return enumCodec(kind.type, manager)
		case 'abiSized':
			return abiSizedCodec(kind.name, abi, manager)
		case 'bool':
			return boolCodec(abi, manager)
		case 'record':
			return structCodec(kind.type, abi.name, manager)
		case 'array':
			return arrayCodec(kind.element, kind.length, abi, manager)
		case 'pointer':
			return pointerCodec(kind.target, abi, manager)
		case 'string':
			return inlineStringCodec(kind.encoding, kind.capacity, manager)
		case 'bits':
			return bitfieldCodec(kind, abi, manager, 0)
	}
}

/** @internal The target of a pointer field, resolved (see `resolvePointerTarget`). */
export { resolvePointerTarget }
