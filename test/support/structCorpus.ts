/**
 * `test/fixtures/structs/corpus.h` declared again with defineStruct, defineUnion and
 * defineEnum, each under its C name. `test/struct-layout.test.ts` compares their layouts
 * with clang-14's (`test/fixtures/structs/layouts.json`).
 *
 * C `char` is signed on every wasm target: `'Int8'`. `__fp16` is `'Float16'`.
 */
import { defineEnum, defineStruct, defineUnion, type StructType } from '../../src/index.js'

// ---- enums -------------------------------------------------------------------------

export const Color = defineEnum('Color', 'Uint32', { RED: 0, GREEN: 1, BLUE: 2 })
export const Sign = defineEnum('Sign', 'Int32', { NEGATIVE: -1, ZERO: 0, POSITIVE: 1 })
export const Small = defineEnum('Small', 'Uint8', { SMALL_A: 0, SMALL_B: 1, SMALL_C: 255 })
export const SmallSigned = defineEnum('SmallSigned', 'Int8', { SMALL_SIGNED_MIN: -128, SMALL_SIGNED_MAX: 127 })
export const Medium = defineEnum('Medium', 'Uint16', { MEDIUM_A: 0, MEDIUM_B: 300 })
export const MediumSigned = defineEnum('MediumSigned', 'Int16', { MEDIUM_SIGNED_A: -300, MEDIUM_SIGNED_B: 1 })
export const PackedWord = defineEnum('PackedWord', 'Uint32', { PACKED_WORD: 70000 })
export const Wide = defineEnum('Wide', 'BigUint64', { WIDE_SMALL: 1, WIDE_BIG: 0x100000000 })
export const WideSigned = defineEnum('WideSigned', 'BigInt64', { WIDE_SIGNED_LOW: -0x100000000, WIDE_SIGNED_HIGH: 5 })
export const Full32 = defineEnum('Full32', 'Uint32', { FULL32_MAX: 0xffffffff })
export const Kind = defineEnum('Kind', 'Uint32', { KIND_INT: 0, KIND_FLOAT: 1, KIND_TEXT: 2, KIND_POINT: 3 })

/** Whether each enum is `__attribute__((packed))` in C (what `cEnumStorage` needs to know). */
export const packedEnums: ReadonlySet<string> = new Set(['Small', 'SmallSigned', 'Medium', 'MediumSigned', 'PackedWord'])

// ---- plain records -------------------------------------------------------------------

export const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
export const Vec3 = defineStruct('Vec3', { x: 'Float64', y: 'Float64', z: 'Float64' })

export const AllElements = defineStruct('AllElements', {
	i8: 'Int8',
	u8: 'Uint8',
	clamped: 'ClampedUint8',
	i16: 'Int16',
	pad1: 'Uint8',
	u16: 'Uint16',
	pad2: 'Uint8',
	i32: 'Int32',
	pad3: 'Uint8',
	u32: 'Uint32',
	pad4: 'Uint8',
	i64: 'BigInt64',
	pad5: 'Uint8',
	u64: 'BigUint64',
	pad6: 'Uint8',
	f16: 'Float16',
	pad7: 'Uint8',
	f32: 'Float32',
	pad8: 'Uint8',
	f64: 'Float64',
	pad9: 'Uint8',
	p32: 'Pointer32',
	pad10: 'Uint8',
	p53: 'Pointer53',
	pad11: 'Uint8',
	p64: 'Pointer64',
})

export const TailPadding = defineStruct('TailPadding', { value: 'Float64', tag: 'Int8' })
export const TailPaddingShort = defineStruct('TailPaddingShort', { a: 'Int16', b: 'Int8' })
export const CharThenInt64 = defineStruct('CharThenInt64', { c: 'Int8', wide: 'BigInt64', d: 'Int8' })

export const AbiSized = defineStruct('AbiSized', {
	c: 'Int8',
	l: 'Long',
	d: 'Int8',
	s: 'Size',
	e: 'Int8',
	p: 'Pointer',
	f: 'Int8',
})

export const Bools = defineStruct('Bools', { a: 'Bool', b: 'Bool', c: 'Int32', d: 'Bool' })

export const Strings = defineStruct('Strings', {
	utf8: { string: 'Utf8', capacity: 7 },
	utf16: { string: 'Utf16', capacity: 5 },
	ascii: { string: 'Ascii', capacity: 3 },
	utf32: { string: 'Utf32', capacity: 3 },
	last: { string: 'Utf8', capacity: 1 },
})

export const Arrays = defineStruct('Arrays', {
	c: 'Int8',
	ints: { array: 'Int32', length: 3 },
	matrix: { array: { array: 'Float64', length: 3 }, length: 2 },
	points: { array: Vec2, length: 3 },
	bytes: { array: 'Uint8', length: 5 },
	names: { array: { string: 'Utf8', capacity: 8 }, length: 3 },
	flags: { array: 'Bool', length: 3 },
	sizes: { array: 'Size', length: 2 },
	pointers: { array: 'Pointer', length: 2 },
	colors: { array: Color, length: 2 },
})

export const Node = defineStruct('Node', {
	value: 'Int32',
	next: { pointer: (): StructType => Node },
	prev: { pointer: (): StructType => Node },
})

export const Pointers = defineStruct('Pointers', {
	raw: 'Pointer',
	tag: 'Int8',
	vec: { pointer: Vec2 },
	utf8: { pointer: 'Utf8' },
	utf16: { pointer: 'Utf16' },
	utf32: { pointer: 'Utf32' },
	ascii: { pointer: 'Ascii' },
	node: { pointer: Node },
	indirect: { pointer: { pointer: 'Int32' } },
	color: { pointer: Color },
	wide: { pointer: 'BigInt64' },
})

export const Particle = defineStruct('Particle', {
	position: Vec2,
	velocity: Vec2,
	mass: 'Float32',
	birth: 'BigInt64',
	alive: 'Bool',
	name: { string: 'Utf8', capacity: 12 },
	history: { array: 'Uint16', length: 4 },
	next: { pointer: (): StructType => Particle },
	color: Color,
})

export const Enums = defineStruct('Enums', {
	c: 'Int8',
	color: Color,
	small: Small,
	medium: Medium,
	smallSigned: SmallSigned,
	wide: Wide,
	sign: Sign,
	mediumSigned: MediumSigned,
	packedWord: PackedWord,
	wideSigned: WideSigned,
	full: Full32,
})

// ---- unions --------------------------------------------------------------------------

export const Scalar = defineUnion('Scalar', { i: 'Int32', f: 'Float32', d: 'Float64', bytes: { array: 'Uint8', length: 3 } })
export const OddUnion = defineUnion('OddUnion', { text: { string: 'Utf8', capacity: 5 }, s: 'Int16' })
export const Value = defineUnion('Value', { i: 'BigInt64', f: 'Float64', text: { string: 'Utf8', capacity: 12 }, point: Vec2 })
export const Tagged = defineStruct('Tagged', { kind: Kind, value: Value, after: 'Int8' })

// ---- bitfields -----------------------------------------------------------------------

export const Flags = defineStruct('Flags', {
	a: { bits: 1, type: 'Uint32' },
	b: { bits: 3, type: 'Uint32' },
	c: { bits: 28, type: 'Uint32' },
})

export const SignedBits = defineStruct('SignedBits', {
	x: { bits: 5, type: 'Int32' },
	y: { bits: 11, type: 'Int32' },
	z: { bits: 7, type: 'Int16' },
	w: { bits: 3, type: 'Int8' },
	v: { bits: 5, type: 'Int8' },
})

export const Straddle = defineStruct('Straddle', {
	a: { bits: 30, type: 'Uint32' },
	b: { bits: 4, type: 'Uint32' },
	c: { bits: 7, type: 'Uint8' },
	d: { bits: 2, type: 'Uint8' },
	e: { bits: 9, type: 'Uint16' },
	f: { bits: 9, type: 'Uint16' },
})

export const ZeroWidth = defineStruct('ZeroWidth', {
	a: 'Int8',
	_0: { bits: 0, type: 'Int32' },
	b: 'Int8',
	c: { bits: 3, type: 'Uint8' },
	_1: { bits: 0, type: 'Uint16' },
	d: { bits: 2, type: 'Uint8' },
	_2: { bits: 0, type: 'BigInt64' },
	e: 'Int8',
})

export const MixedBits = defineStruct('MixedBits', {
	c: 'Int8',
	x: { bits: 4, type: 'Int32' },
	d: 'Int8',
	big: { bits: 40, type: 'BigUint64' },
	s: { bits: 9, type: 'Uint16' },
	after: 'Int32',
})

export const Bits64 = defineStruct('Bits64', {
	lo: { bits: 33, type: 'BigUint64' },
	mid: { bits: 31, type: 'BigInt64' },
	hi: { bits: 1, type: 'BigUint64' },
	full: { bits: 64, type: 'BigUint64' },
})

export const OddBits = defineStruct('OddBits', {
	flag: { bits: 1, type: 'Bool' },
	color: { bits: 2, type: Color },
	l: { bits: 20, type: 'Long' },
	s: { bits: 7, type: 'Size' },
	more: { bits: 20, type: 'Long' },
	small: { bits: 3, type: Small },
})

export const BitUnion = defineUnion('BitUnion', {
	a: { bits: 3, type: 'Uint32' },
	b: { bits: 12, type: 'Uint16' },
	c: 'Uint8',
})

export const FullUnits = defineStruct('FullUnits', {
	a: { bits: 8, type: 'Uint8' },
	b: { bits: 8, type: 'Uint8' },
	c: { bits: 16, type: 'Uint16' },
	d: { bits: 32, type: 'Uint32' },
})

// ---- packing and alignment -----------------------------------------------------------

export const Packed = defineStruct('Packed', { c: 'Int8', i: 'Int32', d: 'Float64', s: 'Uint16' }, { packed: true })

export const PackedBits = defineStruct(
	'PackedBits',
	{
		a: { bits: 3, type: 'Uint8' },
		b: { bits: 30, type: 'Uint32' },
		c: { bits: 5, type: 'Uint16' },
		_0: { bits: 0, type: 'Int32' },
		d: 'Int8',
		e: { bits: 60, type: 'BigInt64' },
	},
	{ packed: true },
)

export const PackedAligned = defineStruct('PackedAligned', { c: 'Int8', i: { type: 'Int32', align: 4 }, d: 'Int8' }, { packed: true })
export const PackedAligned4 = defineStruct('PackedAligned4', { c: 'Int8', i: 'Int32' }, { packed: true, align: 4 })
export const PackedNested = defineStruct('PackedNested', { c: 'Int8', v: Vec2, t: TailPadding, color: Color }, { packed: true })
export const PackedUnion = defineUnion('PackedUnion', { c: 'Int8', i: 'Int32', d: 'Float64' }, { packed: true })

export const Pack2 = defineStruct('Pack2', { c: 'Int8', i: 'Int32', d: 'Float64', e: 'Int8' }, { packed: 2 })
export const Pack2Bits = defineStruct(
	'Pack2Bits',
	{
		a: 'Int8',
		b: { bits: 30, type: 'Uint32' },
		c: { bits: 4, type: 'Uint32' },
		_0: { bits: 0, type: 'Int32' },
		d: 'Int8',
	},
	{ packed: 2 },
)
export const Pack2Aligned8 = defineStruct('Pack2Aligned8', { c: 'Int8', d: 'Float64' }, { packed: 2, align: 8 })
export const Pack1Aligned = defineStruct('Pack1Aligned', { c: 'Int8', i: { type: 'Int32', align: 8 }, s: 'Int16' }, { packed: 1 })
export const Pack4 = defineStruct('Pack4', { c: 'Int8', d: 'Float64', e: 'BigInt64', f: 'Int8', v: Vec3 }, { packed: 4 })
export const Pack8 = defineStruct('Pack8', { c: 'Int8', x: { type: 'Int8', align: 16 }, d: 'Float64' }, { packed: 8 })

export const Aligned16 = defineStruct('Aligned16', { x: 'Float32', y: 'Float32', z: 'Float32' }, { align: 16 })
export const AlignasMember = defineStruct('AlignasMember', {
	c: 'Int8',
	v: { type: { array: 'Float32', length: 4 }, align: 16 },
	tail: 'Int8',
	eight: { type: 'Int8', align: 8 },
})
export const AlignedUnion = defineUnion('AlignedUnion', { c: 'Int8', i: { type: 'Int32', align: 8 } })

// ---- nesting -------------------------------------------------------------------------

export const HoldsAligned = defineStruct('HoldsAligned', { c: 'Int8', a: Aligned16, d: 'Int8' })
export const ArrayOfPacked = defineStruct('ArrayOfPacked', {
	c: 'Int8',
	items: { array: Packed, length: 2 },
	padded: { array: TailPadding, length: 2 },
})
export const ListHead = defineStruct('ListHead', {
	first: { pointer: Node },
	count: 'Size',
	delta: 'Long',
	sentinel: Node,
})
export const Deep = defineStruct('Deep', {
	c: 'Int8',
	tagged: Tagged,
	particles: { array: Particle, length: 2 },
	scalar: Scalar,
	holds: HoldsAligned,
	bits: SignedBits,
	packed: Pack2,
})

/** Every record of the corpus by its C name (the `long double` probes have no declaration). */
export const corpusRecords = {
	Vec2,
	Vec3,
	AllElements,
	TailPadding,
	TailPaddingShort,
	CharThenInt64,
	AbiSized,
	Bools,
	Strings,
	Arrays,
	Node,
	Pointers,
	Particle,
	Enums,
	Scalar,
	OddUnion,
	Value,
	Tagged,
	Flags,
	SignedBits,
	Straddle,
	ZeroWidth,
	MixedBits,
	Bits64,
	OddBits,
	BitUnion,
	FullUnits,
	Packed,
	PackedBits,
	PackedAligned,
	PackedAligned4,
	PackedNested,
	PackedUnion,
	Pack2,
	Pack2Bits,
	Pack2Aligned8,
	Pack1Aligned,
	Pack4,
	Pack8,
	Aligned16,
	AlignasMember,
	AlignedUnion,
	HoldsAligned,
	ArrayOfPacked,
	ListHead,
	Deep,
} as const

/** Every enum of the corpus by its C name. */
export const corpusEnums = {
	Color,
	Sign,
	Small,
	SmallSigned,
	Medium,
	MediumSigned,
	PackedWord,
	Wide,
	WideSigned,
	Full32,
	Kind,
} as const

/** Records of corpus.h that only probe the ABI table (`long double` has no field type). */
export const abiProbeRecords: ReadonlySet<string> = new Set(['LongDoubleAfterChar', 'LongDoubleArray'])
