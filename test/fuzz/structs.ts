/**
 * Structs in the fuzzer: each episode declares a few random struct and union types
 * (element rows, `'Bool'`, `'Long'`/`'Size'`/`'Pointer'`, enums, bitfields, inline
 * strings, fixed arrays, pointers to an `Int32` or to the struct itself, and nested
 * records) from a seed in its configuration,
 * and runs `allocStruct`, `allocStructArray`, `wrapStruct`, `readStruct`, `writeStruct`,
 * `sizeOf`, `alignOf`, `offsetOf` and the refs' field accessors (nested records and fixed
 * arrays assigned too), `read`, `write`, `at` (and `at(i, reuse)`), `readAt` and
 * `writeAt` against the model.
 *
 * The expected bytes come from an encoder of its own: the fields' offsets (and a
 * bitfield's bit offset) from `type.layout(abi)` (proven against clang by
 * test/structs*), and each value encoded with the model's element encoder, bit
 * arithmetic on the model's bytes, and `TextEncoder`-based string encoding; never
 * through the library's codecs. Values are data (`ValueNode`) so that an operation can
 * be printed and replayed.
 */
import { defineEnum, defineStruct, defineUnion, StructArrayRef, StructRef, type StructType } from '../../src/index.js'
import { elementTypes, encodings, type ElementType, type Encoding } from './catalog.js'
import { Expectation, classifyAddress, classifyCount, classifyIndex, materialize, primitiveValue, randomString, randomValue, specCode, CallLog, type Spec } from './inputs.js'
import { decodeElement, decodeString, encodeElement, encodeString, sameValue } from './model.js'
import { Random } from './random.js'
import { Runner, type Names, type Op, type Outcome, type Slot } from './runner.js'

/** What a field is, as the fuzzer declared it. */
type FieldGen =
	| { readonly k: 'element'; readonly type: ElementType }
	| { readonly k: 'enum'; readonly type: ElementType }
	| { readonly k: 'bool' }
	| { readonly k: 'bits'; readonly type: ElementType; readonly bits: number }
	| { readonly k: 'string'; readonly encoding: Encoding; readonly capacity: number }
	| { readonly k: 'array'; readonly type: ElementType; readonly length: number }
	/** To an `Int32`, or (`self`) to the struct itself, declared `{ pointer: () => S }`; `self.size` is set once laid out, `self.index` is the struct's in the catalogue. */
	| { readonly k: 'pointer'; readonly self?: { size: number; readonly index: number } }
	| { readonly k: 'abiInt'; readonly name: AbiIntName }
	| { readonly k: 'record'; readonly def: TypeDef }

interface FieldDef {
	readonly name: string
	readonly gen: FieldGen
	/** From `layout(abi)`. */
	readonly offset: number
	readonly size: number
	readonly bitOffset?: number
	readonly bitWidth?: number
}

interface TypeDef {
	readonly index: number
	readonly name: string
	readonly union: boolean
	readonly type: StructType
	readonly size: number
	readonly align: number
	readonly fields: readonly FieldDef[]
}

/** A value to write, as data: a primitive (spec), an object of fields, an array, a live ref (by its slot), or a non-object. */
export type ValueNode =
	| { readonly spec: Spec }
	| { readonly fields: { readonly [name: string]: ValueNode } }
	| { readonly items: readonly ValueNode[] }
	| { readonly ref: number }

export interface StructOpData {
	/** Index of the type in the episode's catalogue. */
	readonly type: number
	readonly value?: ValueNode
	readonly values?: readonly ValueNode[]
	readonly field?: string
	/**
	 * `at(index, reuse)`: `'cursor'` passes a ref an earlier `at(0)` of the same array
	 * returned (moved, not made); `'plain'` a plain object and a slot id another struct
	 * ref, both refused.
	 */
	readonly reuse?: 'cursor' | 'plain' | number
}

const structRows = elementTypes
const bitRows = elementTypes.filter((type) => type.kind === 'int' && type.byteSize <= 4 && type.aliasOf === undefined)
const enumRows = elementTypes.filter((type) => type.kind === 'int' && type.byteSize <= 4 && type.aliasOf === undefined)

function bitRange(gen: { type: ElementType; bits: number }): { min: number; max: number; signed: boolean } {
	const signed = /^Int/.test(gen.type.name)
	return signed ? { min: -(2 ** (gen.bits - 1)), max: 2 ** (gen.bits - 1) - 1, signed } : { min: 0, max: 2 ** gen.bits - 1, signed }
}

/** The ABIs the fuzzer's managers follow (the `abi` option; absent: `'wasm32'`), and a field kind whose size each decides. */
export type FuzzAbi = 'wasm32' | 'emscripten' | 'wasm64'
type AbiIntName = 'Long' | 'Size' | 'Pointer'

/**
 * The fuzzer's own facts about `'Long'`, `'Size'` and `'Pointer'` fields (clang's
 * `sizeof(long)`, `sizeof(size_t)`, `sizeof(void *)` on each target), not taken from
 * the library: byte size and whether the value is signed. A field reads and takes a
 * `number`, so an 8-byte one holds safe integers only.
 */
const abiInts: { readonly [A in FuzzAbi]: { readonly [N in AbiIntName]: { readonly byteSize: number; readonly signed: boolean } } } = {
	wasm32: { Long: { byteSize: 4, signed: true }, Size: { byteSize: 4, signed: false }, Pointer: { byteSize: 4, signed: false } },
	emscripten: { Long: { byteSize: 4, signed: true }, Size: { byteSize: 4, signed: false }, Pointer: { byteSize: 4, signed: false } },
	wasm64: { Long: { byteSize: 8, signed: true }, Size: { byteSize: 8, signed: false }, Pointer: { byteSize: 8, signed: false } },
}

function abiIntRange(abi: FuzzAbi, name: AbiIntName): { min: number; max: number; byteSize: number; signed: boolean } {
	const { byteSize, signed } = abiInts[abi][name]
	const bits = byteSize * 8
	const max = Math.min(Number.MAX_SAFE_INTEGER, signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1)
	return signed ? { min: bits < 53 ? -max - 1 : -max, max, byteSize, signed } : { min: 0, max, byteSize, signed }
}

/** A little-endian integer of `byteSize` bytes, as a bigint. */
function readInteger(bytes: Uint8Array, signed: boolean): bigint {
	let bits = 0n
	for (let i = bytes.length - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(bytes[i]!)
	return signed ? BigInt.asIntN(bytes.length * 8, bits) : bits
}

function writeInteger(value: number, byteSize: number): Uint8Array {
	const bytes = new Uint8Array(byteSize)
	let bits = BigInt.asUintN(byteSize * 8, BigInt(value))
	for (let i = 0; i < byteSize; i++, bits >>= 8n) bytes[i] = Number(bits & 0xffn)
	return bytes
}

/** The bytes at `address` as the model holds them (through `read`), with writes staged on top. */
type Read = (address: number, length: number) => Uint8Array

/** One staged write: bytes at an address, or bits of the bytes there. */
type StagedWrite = { readonly address: number; readonly bytes: Uint8Array } | { readonly address: number; readonly bitOffset: number; readonly bitWidth: number; readonly value: number }

function concat(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
	let at = 0
	for (const part of parts) {
		out.set(part, at)
		at += part.length
	}
	return out
}

/** The episode's struct types, and how to fuzz them. */
export class StructCatalog {
	readonly defs: TypeDef[] = []

	constructor(
		seed: number,
		readonly abi: FuzzAbi = 'wasm32',
	) {
		const rng = new Random(seed)
		const count = rng.int(1, 4)
		for (let i = 0; i < count; i++) this.defs.push(this.declare(rng, i))
	}

	private declare(rng: Random, index: number): TypeDef {
		const name = `S${index}`
		const union = index > 0 && rng.chance(0.2)
		const specs: Record<string, unknown> = {}
		// The type itself, for self-referencing pointers (resolved when first needed, after it is defined).
		const self: { type?: StructType; size: number; readonly index: number } = { size: 0, index }
		const gens: { name: string; gen: FieldGen }[] = []
		const fieldCount = rng.int(1, union ? 4 : 7)
		for (let f = 0; f < fieldCount; f++) {
			const fieldName = `f${f}`
			const roll = rng.next()
			let gen: FieldGen
			let spec: unknown
			if (roll < 0.35) {
				const type = rng.pick(structRows)
				gen = { k: 'element', type }
				spec = type.name
				if (rng.chance(0.2)) {
					const abiName = rng.pick<AbiIntName>(['Long', 'Size', 'Pointer'])
					gen = { k: 'abiInt', name: abiName }
					spec = abiName
				}
			} else if (roll < 0.42) {
				gen = { k: 'bool' }
				spec = 'Bool'
			} else if (roll < 0.47) {
				const type = rng.pick(enumRows)
				gen = { k: 'enum', type }
				spec = defineEnum(`E${index}_${f}`, type.name as never, { A: 0, B: 1, C: 7 })
			} else if (roll < 0.65 && !union) {
				const type = rng.pick(bitRows)
				const bits = rng.int(1, type.byteSize * 8 + 1)
				gen = { k: 'bits', type, bits }
				spec = { bits, type: type.name }
			} else if (roll < 0.75) {
				const encoding = rng.pick(encodings)
				const capacity = rng.int(1, 12)
				gen = { k: 'string', encoding, capacity }
				spec = { string: encoding.name, capacity }
			} else if (roll < 0.85) {
				const type = rng.pick(structRows)
				const length = rng.int(1, 5)
				gen = { k: 'array', type, length }
				spec = { array: type.name, length }
			} else if (roll < 0.89 || this.defs.length === 0) {
				// (Chosen by the field's position, not the random stream, so that the rest of the episode stays as it was.)
				if (f % 2 === 1) {
					gen = { k: 'pointer', self }
					spec = { pointer: () => self.type! }
				} else {
					gen = { k: 'pointer' }
					spec = { pointer: 'Int32' }
				}
			} else {
				const def = rng.pick(this.defs)
				gen = { k: 'record', def }
				spec = def.type
			}
			specs[fieldName] = spec
			gens.push({ name: fieldName, gen })
		}
		const type = (union ? defineUnion(name, specs as never) : defineStruct(name, specs as never)) as StructType
		self.type = type
		const layout = type.layout(this.abi) as { size: number; align: number; fields: readonly { name: string; offset: number; size: number; bitOffset?: number; bitWidth?: number }[] }
		const fields = gens.map(({ name: fieldName, gen }) => {
			const placed = layout.fields.find((field) => field.name === fieldName)
			if (placed === undefined) throw new Error(`fuzz: ${name}.layout('${this.abi}') has no field ${fieldName}`)
			return { name: fieldName, gen, offset: placed.offset, size: placed.size, ...(placed.bitWidth === undefined ? {} : { bitOffset: placed.bitOffset ?? 0, bitWidth: placed.bitWidth }) }
		})
		self.size = layout.size
		return { index, name, union, type, size: layout.size, align: layout.align, fields }
	}

	/** The declarations, for reproducers. */
	describe(): string {
		const show = (gen: FieldGen): string => {
			switch (gen.k) {
				case 'element':
					return `'${gen.type.name}'`
				case 'enum':
					return `defineEnum(..., '${gen.type.name}', { A: 0, B: 1, C: 7 })`
				case 'bool':
					return `'Bool'`
				case 'bits':
					return `{ bits: ${gen.bits}, type: '${gen.type.name}' }`
				case 'string':
					return `{ string: '${gen.encoding.name}', capacity: ${gen.capacity} }`
				case 'array':
					return `{ array: '${gen.type.name}', length: ${gen.length} }`
				case 'pointer':
					return gen.self === undefined ? `{ pointer: 'Int32' }` : '{ pointer: () => <this struct> }'
				case 'abiInt':
					return `'${gen.name}'`
				case 'record':
					return gen.def.name
			}
		}
		return this.defs.map((def) => `const ${def.name} = ${def.union ? 'defineUnion' : 'defineStruct'}('${def.name}', { ${def.fields.map((field) => `${field.name}: ${show(field.gen)}`).join(', ')} }) // size ${def.size}, align ${def.align}`).join('\n')
	}

	// ---- values -------------------------------------------------------------------------

	private randomFieldValue(runner: Runner, rng: Random, gen: FieldGen): ValueNode {
		const odd = rng.chance(0.06)
		switch (gen.k) {
			case 'element':
			case 'enum':
				return { spec: randomValue(rng, gen.type, { growInValueOf: false }) }
			case 'bool':
				return { spec: odd ? rng.pick<Spec>([{ k: 'num', v: 1 }, { k: 'null' }, { k: 'str', v: 'true' }]) : { k: 'bool', v: rng.chance(0.5) } }
			case 'bits': {
				const { min, max } = bitRange(gen)
				if (odd) return { spec: rng.pick<Spec>([{ k: 'num', v: max + 1 }, { k: 'num', v: min - 1 }, { k: 'num', v: 0.5 }, { k: 'str', v: '1' }, { k: 'big', v: 1n }, { k: 'num', v: Number.NaN }]) }
				return { spec: { k: 'num', v: rng.int(min, max + 1) } }
			}
			case 'string': {
				if (odd) return { spec: rng.pick<Spec>([{ k: 'num', v: 3 }, { k: 'null' }]) }
				let value = randomString(rng, gen.encoding.codec === 'ascii')
				if (rng.chance(0.6)) value = value.slice(0, rng.int(0, gen.capacity + 1))
				return { spec: { k: 'str', v: value } }
			}
			case 'array': {
				if (odd) return rng.chance(0.5) ? { spec: { k: 'num', v: 1 } } : { items: Array.from({ length: gen.length + 1 }, () => ({ spec: { k: 'num', v: 0 } })) }
				return { items: Array.from({ length: rng.int(0, gen.length + 1) }, () => ({ spec: randomValue(rng, gen.type, { growInValueOf: false }) })) }
			}
			case 'abiInt': {
				const { min, max } = abiIntRange(this.abi, gen.name)
				if (odd) return { spec: rng.pick<Spec>([{ k: 'num', v: max + 1 }, { k: 'num', v: min - 1 }, { k: 'num', v: 0.5 }, { k: 'str', v: '1' }, { k: 'big', v: 1n }, { k: 'null' }, { k: 'num', v: Number.NaN }]) }
				return { spec: { k: 'num', v: rng.chance(0.2) ? rng.pick([min, max, 0]) : rng.int(min, max + 1) } }
			}
			case 'pointer': {
				const live = runner.liveSlots()
				if (rng.chance(0.15)) {
					const slots = [...live, ...runner.allSlots()]
					if (slots.length > 0) return { ref: rng.pick(slots).id }
				}
				if (odd) return { spec: rng.pick<Spec>([{ k: 'num', v: -1 }, { k: 'num', v: 2 ** 32 }, { k: 'num', v: 1.5 }, { k: 'str', v: '16' }, { k: 'big', v: 16n }]) }
				return { spec: rng.chance(0.1) ? { k: 'null' } : { k: 'num', v: rng.chance(0.3) ? 0 : rng.int(0, 2 ** 32) } }
			}
			case 'record':
				return this.randomValue(runner, rng, gen.def, false)
		}
	}

	/** A partial value of `def` (each field given with probability ½), sometimes with a field it lacks or not an object at all. */
	randomValue(runner: Runner, rng: Random, def: TypeDef, top = true): ValueNode {
		if (rng.chance(0.03)) return { spec: rng.pick<Spec>([{ k: 'num', v: 1 }, { k: 'null' }, { k: 'str', v: 'x' }]) }
		if (rng.chance(0.02)) return { items: [] }
		const fields: Record<string, ValueNode> = {}
		const all = top && rng.chance(0.3)
		for (const field of def.fields) if (all || rng.chance(0.5)) fields[field.name] = this.randomFieldValue(runner, rng, field.gen)
		if (rng.chance(0.03)) fields['zz'] = { spec: { k: 'num', v: 1 } }
		return { fields }
	}

	/** The JavaScript value of a node (objects' valueOf never grows the heap here: see randomValue's options). */
	materialize(runner: Runner, node: ValueNode): unknown {
		if ('spec' in node) return materialize(node.spec, runner.env, new CallLog(), 'struct')
		if ('items' in node) return node.items.map((item) => this.materialize(runner, item))
		if ('ref' in node) return runner.slotById(node.ref)?.ref ?? null
		const out: Record<string, unknown> = {}
		for (const [name, value] of Object.entries(node.fields)) out[name] = this.materialize(runner, value)
		return out
	}

	static nodeCode(node: ValueNode): string {
		if ('spec' in node) return specCode(node.spec)
		if ('items' in node) return `[${node.items.map(StructCatalog.nodeCode).join(', ')}]`
		if ('ref' in node) return `r${node.ref}`
		return `{ ${Object.entries(node.fields).map(([name, value]) => `${name}: ${StructCatalog.nodeCode(value)}`).join(', ')} }`
	}

	// ---- the independent encoder ------------------------------------------------------------

	/**
	 * What writing `node` to a `def` at `address` stores: the staged writes in field
	 * order, or (in `exp`) why it must be refused before anything is written.
	 */
	stage(runner: Runner, exp: Expectation, def: TypeDef, node: ValueNode, address: number, path: string, writes: StagedWrite[]): void {
		if (!('fields' in node)) {
			exp.fail('TypeError', `${path} is not an object of field values`)
			return
		}
		for (const key of Object.keys(node.fields)) {
			if (!def.fields.some((field) => field.name === key)) exp.fail('TypeError', `${def.name} has no field ${key}`)
		}
		for (const field of def.fields) {
			const given = node.fields[field.name]
			if (given === undefined || ('spec' in given && given.spec.k === 'undef')) continue
			this.stageField(runner, exp, field.gen, given, address + field.offset, `${path}.${field.name}`, writes, field)
		}
	}

	private stageField(runner: Runner, exp: Expectation, gen: FieldGen, node: ValueNode, address: number, path: string, writes: StagedWrite[], field?: FieldDef): void {
		switch (gen.k) {
			case 'element':
			case 'enum': {
				if (!('spec' in node)) {
					exp.fail('TypeError', `${path}: not a number`)
					return
				}
				const value = classifyStructValue(exp, node.spec, gen.type, path)
				if (value !== undefined) writes.push({ address, bytes: encodeElement(gen.type, value) })
				return
			}
			case 'bool':
				if (!('spec' in node) || node.spec.k !== 'bool') exp.fail('TypeError', `${path}: a Bool takes a boolean`)
				else writes.push({ address, bytes: new Uint8Array([node.spec.v ? 1 : 0]) })
				return
			case 'bits': {
				if (!('spec' in node) || node.spec.k !== 'num') {
					exp.fail('TypeError', `${path}: a bitfield takes a number`)
					return
				}
				const { min, max } = bitRange(gen)
				const value = node.spec.v
				if (!Number.isSafeInteger(value) || value < min || value > max) {
					exp.fail('RangeError', `${path}: ${value} does not fit ${gen.bits} bits`)
					return
				}
				writes.push({ address, bitOffset: field!.bitOffset!, bitWidth: field!.bitWidth!, value })
				return
			}
			case 'string': {
				if (!('spec' in node) || node.spec.k !== 'str') {
					exp.fail('TypeError', `${path}: not a string`)
					return
				}
				const encoded = encodeString(gen.encoding.codec, node.spec.v)
				if ('notAsciiAt' in encoded) {
					exp.fail('RangeError', `${path}: character ${encoded.notAsciiAt} is not ASCII`)
					return
				}
				if (encoded.elementCount + 1 > gen.capacity) {
					exp.fail('RangeError', `${path}: ${encoded.elementCount + 1} elements do not fit in ${gen.capacity}`)
					return
				}
				// The string, its terminator, and zeros to the end of the array (as strncpy pads).
				const bpe = gen.encoding.bytesPerElement
				writes.push({ address, bytes: concat([encoded.bytes, new Uint8Array((gen.capacity - encoded.elementCount) * bpe)]) })
				return
			}
			case 'array': {
				if (!('items' in node)) {
					exp.fail('TypeError', `${path}: an array takes an array`)
					return
				}
				if (node.items.length > gen.length) {
					exp.fail('RangeError', `${path}: ${node.items.length} values for ${gen.length} elements`)
					return
				}
				node.items.forEach((item, i) => this.stageField(runner, exp, { k: 'element', type: gen.type }, item, address + i * gen.type.byteSize, `${path}[${i}]`, writes))
				return
			}
			case 'pointer': {
				let value: number | undefined
				if ('ref' in node) {
					const slot = runner.slotById(node.ref)
					if (slot === undefined) value = 0
					else if (slot.freed) exp.fail('Error', `${path}: the ref is freed`)
					// a pointer to the struct itself takes only a ref of that struct (or an array of it)
					else if (gen.self !== undefined && !((slot.family === 'struct' || slot.family === 'structArray') && slot.structIndex === gen.self.index)) {
						exp.fail('TypeError', `${path}: a pointer to S${gen.self.index} takes a ref of it`)
					}
					// (A ref above 4 GiB, on the 5 GiB heap, does not fit a 32-bit pointer.)
					else if (slot.address > abiIntRange(this.abi, 'Pointer').max) exp.fail('RangeError', `${path}: the ref's address ${slot.address} is not a ${this.abi} address`)
					else value = slot.address
				} else if ('spec' in node && node.spec.k === 'null') value = 0
				else if (!('spec' in node) || node.spec.k !== 'num') exp.fail('TypeError', `${path}: a pointer takes a ref, an address or null`)
				else if (!(Number.isSafeInteger(node.spec.v) && node.spec.v >= 0 && node.spec.v <= abiIntRange(this.abi, 'Pointer').max)) exp.fail('RangeError', `${path}: ${node.spec.v} is not a ${this.abi} address`)
				else value = node.spec.v
				if (value !== undefined) writes.push({ address, bytes: writeInteger(value, abiIntRange(this.abi, 'Pointer').byteSize) })
				return
			}
			case 'abiInt': {
				if (!('spec' in node) || node.spec.k !== 'num') {
					exp.fail('TypeError', `${path}: a ${gen.name} takes a number`)
					return
				}
				const { min, max, byteSize } = abiIntRange(this.abi, gen.name)
				const value = node.spec.v
				if (!Number.isInteger(value) || value < min || value > max) {
					exp.fail('RangeError', `${path}: ${value} is out of the ${gen.name} range of ${this.abi}`)
					return
				}
				writes.push({ address, bytes: writeInteger(value, byteSize) })
				return
			}
			case 'record':
				this.stage(runner, exp, gen.def, node, address, path, writes)
				return
		}
	}

	/** Applies staged writes to the model. */
	static apply(runner: Runner, writes: readonly StagedWrite[]): void {
		const model = runner.env.model
		for (const write of writes) {
			if ('bytes' in write) {
				model.write(write.address, write.bytes)
				continue
			}
			const first = write.bitOffset
			const byteCount = Math.ceil((first + write.bitWidth) / 8)
			const bytes = model.read(write.address, byteCount)
			let bits = 0n
			for (let i = byteCount - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(bytes[i]!)
			const mask = ((1n << BigInt(write.bitWidth)) - 1n) << BigInt(first)
			bits = (bits & ~mask) | ((BigInt.asUintN(write.bitWidth, BigInt(write.value)) << BigInt(first)) & mask)
			for (let i = 0; i < byteCount; i++) {
				bytes[i] = Number(bits & 0xffn)
				bits >>= 8n
			}
			model.write(write.address, bytes)
		}
	}

	/** What `readStruct(def, address)` returns, from the model; `undefined` with the reason in `exp` when it must throw. */
	decode(exp: Expectation, def: TypeDef, read: Read, address: number): Record<string, unknown> | undefined {
		const out: Record<string, unknown> = {}
		for (const field of def.fields) {
			const value = this.decodeField(exp, field.gen, read, address + field.offset, field)
			if (exp.mustThrow) return undefined
			out[field.name] = value
		}
		return out
	}

	decodeField(exp: Expectation, gen: FieldGen, read: Read, address: number, field?: FieldDef): unknown {
		switch (gen.k) {
			case 'element':
			case 'enum': {
				const decoded = decodeElement(gen.type, read(address, gen.type.byteSize))
				if ('pointer53TooLarge' in decoded) {
					exp.fail('RangeError', `the uint64 at ${address} is above 2^53 - 1`)
					return undefined
				}
				return decoded.value
			}
			case 'bool':
				return read(address, 1)[0] !== 0
			case 'bits': {
				const first = field!.bitOffset!
				const byteCount = Math.ceil((first + field!.bitWidth!) / 8)
				const bytes = read(address, byteCount)
				let bits = 0n
				for (let i = byteCount - 1; i >= 0; i--) bits = (bits << 8n) | BigInt(bytes[i]!)
				const raw = (bits >> BigInt(first)) & ((1n << BigInt(field!.bitWidth!)) - 1n)
				return Number(bitRange(gen).signed ? BigInt.asIntN(field!.bitWidth!, raw) : raw)
			}
			case 'string': {
				const bpe = gen.encoding.bytesPerElement
				const bytes = read(address, gen.capacity * bpe)
				let count = gen.capacity
				for (let i = 0; i < gen.capacity; i++) {
					if (bytes.subarray(i * bpe, (i + 1) * bpe).every((byte) => byte === 0)) {
						count = i
						break
					}
				}
				const decoded = decodeString(gen.encoding.codec, bytes.subarray(0, count * bpe))
				if ('tooLargeAt' in decoded) {
					exp.fail('RangeError', `element ${decoded.tooLargeAt} is above 0x10FFFF`)
					return undefined
				}
				return decoded.value
			}
			case 'array':
				return Array.from({ length: gen.length }, (_, i) => this.decodeField(exp, { k: 'element', type: gen.type }, read, address + i * gen.type.byteSize))
			case 'abiInt':
			case 'pointer': {
				const { byteSize, signed, min, max } = abiIntRange(this.abi, gen.k === 'pointer' ? 'Pointer' : gen.name)
				const value = readInteger(read(address, byteSize), signed)
				if (value < BigInt(min) || value > BigInt(max)) {
					exp.fail('RangeError', `the stored ${value} at ${address} is not a safe integer`)
					return undefined
				}
				return Number(value)
			}
			case 'record':
				return this.decode(exp, gen.def, read, address)
		}
	}

	// ---- generation -----------------------------------------------------------------------

	generate(runner: Runner, rng: Random, index: number): Op {
		const def = rng.pick(this.defs)
		const op = (member: string, args: Spec[], data: Omit<StructOpData, 'type'> = {}, extra: Partial<Op> = {}): Op => ({ index, kind: 'struct', member, args, faults: [], struct: { type: def.index, ...data }, ...extra })
		const structs = runner.liveSlots().filter((slot) => slot.family === 'struct' || slot.family === 'structArray')
		const noWraps = runner.env.builtin !== undefined
		const category = rng.weighted<string>([
			[4, 'allocStruct'],
			[2, 'allocStructArray'],
			[noWraps ? 0 : 1.5, 'wrapStruct'],
			[noWraps ? 0 : 1, 'wrapStructArray'],
			[3, 'readStruct'],
			[3, 'writeStruct'],
			[1, 'layout'],
			[structs.length > 0 ? 12 : 0, 'ref'],
		])
		switch (category) {
			case 'allocStruct':
				return op('allocStruct', [], rng.chance(0.6) ? { value: this.randomValue(runner, rng, def) } : {}, { faults: runner.faults(rng, true) })
			case 'allocStructArray': {
				if (rng.chance(0.5)) return op('allocStructArray', [runner.count(rng, rng.int(0, 6))], {}, { faults: runner.faults(rng, true) })
				return op('allocStructArray', [], { values: Array.from({ length: rng.int(0, 4) }, () => this.randomValue(runner, rng, def)) }, { faults: runner.faults(rng, true) })
			}
			case 'wrapStruct':
				return op('wrapStruct', [runner.address(rng, def.size, 1)])
			case 'wrapStructArray': {
				const count = rng.int(0, 5)
				return op('wrapStructArray', [runner.address(rng, count * def.size, def.align), runner.count(rng, count)])
			}
			case 'readStruct':
				return op('readStruct', [this.structAddress(runner, rng, def)])
			case 'writeStruct':
				return op('writeStruct', [this.structAddress(runner, rng, def)], { value: this.randomValue(runner, rng, def) })
			case 'layout': {
				const member = rng.pick(['sizeOf', 'alignOf', 'offsetOf'])
				return op(member, [], member === 'offsetOf' ? { field: rng.chance(0.9) ? rng.pick(def.fields).name : 'nope' } : {})
			}
			default: {
				const slot = rng.pick(structs)
				const own = this.defs[slot.structIndex!]!
				const ref = (member: string, args: Spec[], data: Omit<StructOpData, 'type'> = {}): Op => ({ index, kind: 'struct', member, args, faults: [], slot: slot.id, struct: { type: own.index, ...data } })
				if (slot.family === 'structArray') {
					const indexSpec = (): Spec => (rng.chance(0.88) ? { k: 'num', v: rng.int(0, Math.max(1, slot.elementCount)) } : rng.pick<Spec>([{ k: 'num', v: -1 }, { k: 'num', v: slot.elementCount }, { k: 'num', v: 0.5 }, { k: 'str', v: '0' }]))
					const member = rng.pick(['at', 'readAt', 'writeAt', 'read', 'write', 'stride', 'type', 'iterate'])
					if (member === 'writeAt') return ref('writeAt', [indexSpec()], { value: this.randomValue(runner, rng, own) })
					// write(values): up to one value more than the array has elements (refused)
					if (member === 'write') return ref('write', [], { values: Array.from({ length: rng.int(0, slot.elementCount + 2) }, () => this.randomValue(runner, rng, own)) })
					if (member === 'at' && rng.chance(0.4)) {
						// The cursor form: usually a ref at(0) of this array gave, sometimes one it refuses.
						const others = structs.filter((other) => other !== slot)
						const roll = rng.next()
						const reuse = roll < 0.8 || (others.length === 0 && roll < 0.9) ? 'cursor' : roll < 0.9 ? rng.pick(others).id : 'plain'
						return ref('at', [indexSpec()], { reuse, ...(rng.chance(0.5) ? { field: rng.pick(own.fields).name } : {}) })
					}
					if (member === 'at' || member === 'readAt') return ref(member, [indexSpec()], rng.chance(0.5) && member === 'at' ? { field: rng.pick(own.fields).name } : {})
					return ref(member, [])
				}
				const member = rng.pick(['read', 'write', 'get field', 'get field', 'set field', 'set field', 'type'])
				const field = rng.pick(own.fields)
				if (member === 'write') return ref('write', [], { value: this.randomValue(runner, rng, own) })
				if (member === 'get field') return ref('get field', [], { field: field.name })
				if (member === 'set field') {
					// Any field set through its accessor: numbers, booleans, bitfields, strings, pointers, and
					// nested records and fixed arrays (an object or array of the values to write).
					const composite = own.fields.filter((candidate) => candidate.gen.k === 'record' || candidate.gen.k === 'array')
					const target = composite.length > 0 && rng.chance(0.6) ? rng.pick(composite) : rng.pick(own.fields)
					return ref('set field', [], { field: target.name, value: this.randomFieldValue(runner, rng, target.gen) })
				}
				return ref(member, [])
			}
		}
	}

	/** An address for readStruct/writeStruct: a live struct of the type (or an element of an array of it), or any. */
	private structAddress(runner: Runner, rng: Random, def: TypeDef): Spec {
		const same = runner.liveSlots().filter((slot) => (slot.family === 'struct' || slot.family === 'structArray') && slot.structIndex === def.index && slot.byteSize >= def.size)
		if (same.length > 0 && rng.chance(0.5)) {
			const slot = rng.pick(same)
			return { k: 'num', v: slot.address + def.size * rng.int(0, Math.max(1, Math.floor(slot.byteSize / def.size))) }
		}
		return runner.address(rng, def.size, 1)
	}

	// ---- running ---------------------------------------------------------------------------

	memberName(runner: Runner, op: Op): string {
		if (op.slot === undefined) return op.member
		const slot = runner.slotById(op.slot)
		const className = slot?.family === 'structArray' ? 'StructArrayRef' : 'StructRef'
		if (op.member === 'at' && op.struct?.reuse !== undefined) return `${className}.at(reuse)`
		if (op.member === 'set field') {
			// Assigning to a nested record or a fixed array is named apart (it writes through a codec of its own).
			const kind = this.defs[op.struct!.type]?.fields.find((field) => field.name === op.struct!.field)?.gen.k
			if (kind === 'record' || kind === 'array') return `${className}.<${kind} field>`
		}
		if (op.member === 'get field' || op.member === 'set field') {
			const gen = this.defs[op.struct!.type]?.fields.find((field) => field.name === op.struct!.field)?.gen
			// 'Long', 'Size' and 'Pointer' fields, whose size the ABI decides, and pointers to the struct itself are named apart too.
			if (gen?.k === 'abiInt') return `${className}.<abi-sized field>`
			if (gen?.k === 'pointer' && gen.self !== undefined) return `${className}.<self pointer field>`
		}
		return op.member === 'get field' || op.member === 'set field' ? `${className}.<field>` : `${className}.${op.member}`
	}

	where(runner: Runner, op: Op): string {
		return this.memberName(runner, op)
	}

	/** Names a struct error may start with: the method, or `S0.f1` style paths of the type's fields. */
	private static names(): Names {
		return { exact: [], pattern: /^(allocStruct|allocStructArray|wrapStruct|wrapStructArray|readStruct|writeStruct|sizeOf|alignOf|offsetOf|StructRef|StructArrayRef|S\d+|S\d+ArrayRef|S\d+\.f\d+|read\w+|write\w+)\b/ }
	}

	/**
	 * Checks what `toJSON()` of a live struct ref (`value`) or struct array (`values`) gave
	 * against the model's bytes, 64-bit integers as decimal strings at any depth.
	 */
	checkSummary(runner: Runner, op: Op, exp: Expectation, slot: Slot, result: Record<string, unknown>): void {
		const def = this.defs[slot.structIndex!]!
		const read: Read = (at, n) => runner.env.model.read(at, n)
		const json = (value: unknown): unknown =>
			typeof value === 'bigint'
				? value.toString()
				: Array.isArray(value)
					? value.map(json)
					: typeof value === 'object' && value !== null
						? Object.fromEntries(Object.entries(value).map(([key, field]) => [key, json(field)]))
						: value
		if (slot.family === 'struct') {
			this.checkDeep(runner, op, result.value, json(this.decode(exp, def, read, slot.address)), 'toJSON().value')
			return
		}
		const values = Array.from({ length: slot.elementCount }, (_, i) => json(this.decode(exp, def, read, slot.address + i * def.size)))
		this.checkDeep(runner, op, result.values, values, 'toJSON().values')
	}

	run(runner: Runner, op: Op): boolean {
		const def = this.defs[op.struct!.type]!
		if (op.slot !== undefined) return this.runRef(runner, op, def)
		const data = op.struct!
		const names = StructCatalog.names()
		switch (op.member) {
			case 'sizeOf':
			case 'alignOf':
			case 'offsetOf': {
				const o = runner.call(op, () => (op.member === 'offsetOf' ? runner.manager.offsetOf(def.type, data.field) : runner.manager[op.member](def.type)))
				if (o === undefined) return false
				const exp = new Expectation()
				const field = def.fields.find((candidate) => candidate.name === data.field)
				if (op.member === 'offsetOf' && field === undefined) exp.fail('RangeError', `no field ${data.field}`), exp.allow('TypeError', 'no such field')
				const expected = op.member === 'sizeOf' ? def.size : op.member === 'alignOf' ? def.align : field?.offset
				runner.settle(op, o, exp, names, (result) => runner.checkResult(op, result, expected))
				return true
			}
			case 'allocStruct':
			case 'allocStructArray':
				return this.runAlloc(runner, op, def)
			case 'wrapStruct': {
				const o = runner.call(op, (a) => runner.manager.wrapStruct(def.type, ...a))
				if (o === undefined) return false
				const exp = new Expectation()
				const address = classifyAddress(exp, op.args[0]!, '0', def.size, 1, o.preLength, o.postLength, true)
				runner.settle(op, o, exp, names, (ref) => {
					this.checkRef(runner, op, ref, StructRef, address!, def.size)
					runner.adopt(op, { ref, family: 'struct', element: undefined, encoding: undefined, className: 'StructRef', address: address!, byteSize: def.size, elementCount: 1, tracked: false, allocated: false, structIndex: def.index })
				})
				return true
			}
			case 'wrapStructArray': {
				const o = runner.call(op, (a) => runner.manager.wrapStructArray(def.type, ...a))
				if (o === undefined) return false
				const exp = new Expectation()
				const count = classifyCount(exp, op.args[1]!, '1', 'element count')
				const address = classifyAddress(exp, op.args[0]!, '0', count === undefined ? undefined : count * def.size, def.align, o.preLength, o.postLength, true)
				runner.settle(op, o, exp, names, (ref) => {
					this.checkRef(runner, op, ref, StructArrayRef, address!, count! * def.size)
					if (ref.elementCount !== count) runner.violation(op, 'wrong-ref', `elementCount ${ref.elementCount}, expected ${count}`)
					runner.adopt(op, { ref, family: 'structArray', element: undefined, encoding: undefined, className: 'StructArrayRef', address: address!, byteSize: count! * def.size, elementCount: count!, tracked: false, allocated: false, structIndex: def.index })
				})
				return true
			}
			case 'readStruct': {
				const o = runner.call(op, (a) => runner.manager.readStruct(def.type, ...a))
				if (o === undefined) return false
				const exp = new Expectation()
				const address = classifyAddress(exp, op.args[0]!, '0', def.size, 1, o.preLength, o.postLength)
				const expected = address === undefined || exp.mustThrow ? undefined : this.decode(exp, def, (at, n) => runner.env.model.read(at, n), address)
				runner.settle(op, o, exp, names, (result) => this.checkDeep(runner, op, result, expected))
				return true
			}
			case 'writeStruct': {
				const value = this.materialize(runner, data.value!)
				const o = runner.call(op, (a) => runner.manager.writeStruct(def.type, a[0], value))
				if (o === undefined) return false
				const exp = new Expectation()
				const address = classifyAddress(exp, op.args[0]!, '0', def.size, 1, o.preLength, o.postLength)
				const writes: StagedWrite[] = []
				this.stage(runner, exp, def, data.value!, address ?? 0, `writeStruct(${def.name})`, writes)
				runner.settle(op, o, exp, names, () => StructCatalog.apply(runner, writes))
				return true
			}
			default:
				throw new Error(`fuzz: unknown struct operation ${op.member}`)
		}
	}

	private runAlloc(runner: Runner, op: Op, def: TypeDef): boolean {
		const data = op.struct!
		const array = op.member === 'allocStructArray'
		const init = data.value === undefined ? undefined : this.materialize(runner, data.value)
		const values = data.values?.map((node) => this.materialize(runner, node))
		const o = runner.call(op, (a) => (array ? runner.manager.allocStructArray(def.type, values ?? a[0]) : init === undefined ? runner.manager.allocStruct(def.type) : runner.manager.allocStruct(def.type, init)))
		if (o === undefined) return false
		const exp = new Expectation()
		let count = 1
		const writes: StagedWrite[][] = []
		const stageAt = (address: number): void => {
			if (array && data.values !== undefined) data.values.forEach((node, i) => this.stage(runner, exp, def, node, address + i * def.size, `allocStructArray(${def.name})[${i}]`, (writes[i] = [])))
			else if (data.value !== undefined) this.stage(runner, exp, def, data.value, address, `allocStruct(${def.name})`, (writes[0] = []))
		}
		if (array) {
			if (data.values !== undefined) count = data.values.length
			else {
				const given = classifyCount(exp, op.args[0]!, '0', 'element count')
				if (given !== undefined) count = given
				if (given !== undefined && given * def.size > runner.env.maxByteLength) exp.allow('Error', 'more than the heap can hold'), exp.allow('RangeError', 'too large')
			}
		}
		// Values are checked before the allocator runs: stage at 0 to learn whether they are valid.
		stageAt(0)
		if (exp.mustThrow && o.allocCalls.some((call) => call.probe !== true)) {
			runner.violation(op, 'allocator-called-for-invalid-arguments', `the allocator ran although ${exp.reasons.join('; ')}`)
		}
		const byteSize = count * def.size
		const address = exp.mustThrow ? undefined : runner.allocationVerdict(op, exp, o, byteSize, def.align)
		runner.settle(
			op,
			o,
			exp,
			StructCatalog.names(),
			(ref) => {
				if (address === undefined) runner.violation(op, 'allocator-not-called', 'a ref came back without an allocation')
				this.checkRef(runner, op, ref, array ? StructArrayRef : StructRef, address, byteSize)
				if (array && ref.elementCount !== count) runner.violation(op, 'wrong-ref', `elementCount ${ref.elementCount}, expected ${count}`)
				runner.applyZero(address, byteSize)
				writes.length = 0
				stageAt(address)
				for (const list of writes) if (list !== undefined) StructCatalog.apply(runner, list)
				runner.adopt(op, { ref, family: array ? 'structArray' : 'struct', element: undefined, encoding: undefined, className: array ? 'StructArrayRef' : 'StructRef', address, byteSize, elementCount: count, tracked: runner.config.trackAllocations, allocated: true, structIndex: def.index })
			},
			(error) => runner.afterFailedAllocation(op, o, error),
		)
		return true
	}

	private checkRef(runner: Runner, op: Op, result: unknown, Class: Function, address: number, byteSize: number): void {
		const ref = result as any
		if (!(result instanceof Class)) runner.violation(op, 'wrong-ref', `returned ${ref?.constructor?.name}, expected a ${Class.name}`)
		if (ref.address !== address || ref.allocatedByteSize !== byteSize) runner.violation(op, 'wrong-ref', `the ref covers ${ref.allocatedByteSize} bytes at ${ref.address}, expected ${byteSize} at ${address}`)
		if (ref.isFreed !== false) runner.violation(op, 'wrong-ref', 'a new ref is already freed')
	}

	private checkDeep(runner: Runner, op: Op, actual: unknown, expected: unknown, path = 'result'): void {
		if (typeof expected === 'object' && expected !== null) {
			if (typeof actual !== 'object' || actual === null) runner.violation(op, 'wrong-result', `${path} is ${String(actual)}, the model says an ${Array.isArray(expected) ? 'array' : 'object'}`)
			const keys = Object.keys(expected)
			if (Object.keys(actual as object).length !== keys.length) runner.violation(op, 'wrong-result', `${path} has keys ${Object.keys(actual as object).join(',')}, the model ${keys.join(',')}`)
			for (const key of keys) this.checkDeep(runner, op, (actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`)
			return
		}
		if (!sameValue(actual, expected)) runner.violation(op, 'wrong-result', `${path} is ${typeof actual === 'bigint' ? `${actual}n` : JSON.stringify(actual) ?? String(actual)}, the model says ${typeof expected === 'bigint' ? `${expected}n` : JSON.stringify(expected) ?? String(expected)}`)
	}

	private runRef(runner: Runner, op: Op, def: TypeDef): boolean {
		const slot = runner.slotById(op.slot!)!
		const data = op.struct!
		const ref = slot.ref
		const value = data.value === undefined ? undefined : this.materialize(runner, data.value)
		const field = def.fields.find((candidate) => candidate.name === data.field)
		// A cursor for at(index, reuse), made before the call (at(0) of a freed or empty array gives none).
		let cursor: unknown
		if (data.reuse === 'cursor') {
			try {
				cursor = ref.at(0)
			} catch {
				cursor = undefined
			}
		} else if (data.reuse === 'plain') cursor = { address: slot.address }
		else if (typeof data.reuse === 'number') cursor = runner.slotById(data.reuse)?.ref ?? {}
		const o = runner.call(op, (a) => {
			switch (op.member) {
				case 'read':
					return ref.read()
				case 'write':
					return ref.write(slot.family === 'structArray' ? data.values!.map((node) => this.materialize(runner, node)) : value)
				case 'type':
					return ref.type
				case 'get field':
					return ref[data.field!]
				case 'set field':
					ref[data.field!] = value
					return undefined
				case 'stride':
					return ref.stride
				case 'iterate':
					return [...ref].map((element: { address: number }) => element.address)
				case 'at': {
					const element = data.reuse === undefined ? ref.at(a[0]) : ref.at(a[0], cursor)
					return data.field === undefined ? element : { element, value: element[data.field] }
				}
				case 'readAt':
					return ref.readAt(a[0])
				case 'writeAt':
					return ref.writeAt(a[0], value)
				default:
					throw new Error(`fuzz: unknown struct ref member ${op.member}`)
			}
		})
		if (o === undefined) return false
		const exp = new Expectation()
		const names = StructCatalog.names()
		const read: Read = (at, n) => runner.env.model.read(at, n)
		if (slot.freed && op.member !== 'type' && op.member !== 'stride') {
			exp.fail('Error', 'the ref is freed')
			// A bad index or value may be reported first.
			exp.allow('RangeError', 'a bad argument to a freed ref')
			exp.allow('TypeError', 'a bad argument to a freed ref')
			runner.settle(op, o, exp, names, () => undefined)
			return true
		}
		let address = slot.address
		if (slot.family === 'structArray' && (op.member === 'at' || op.member === 'readAt' || op.member === 'writeAt')) {
			const index = classifyIndex(exp, op.args[0]!, '0', slot.elementCount)
			address = slot.address + (index ?? 0) * def.size
		}
		switch (op.member) {
			case 'type':
				runner.settle(op, o, exp, names, (result) => runner.checkResult(op, result, def.type))
				return true
			case 'stride':
				runner.settle(op, o, exp, names, (result) => runner.checkResult(op, result, def.size))
				return true
			case 'iterate':
				// Every element, in order, each a StructRef at its place.
				runner.settle(op, o, exp, names, (addresses: number[]) => {
					const expected = Array.from({ length: slot.elementCount }, (_, i) => slot.address + i * def.size)
					if (addresses.join() !== expected.join()) runner.violation(op, 'wrong-result', `iteration gave elements at [${addresses.join()}], expected [${expected.join()}]`)
				})
				return true
			case 'read':
			case 'readAt': {
				// an array's read() is every element's value, in order
				const decodeAll = (): unknown => Array.from({ length: slot.elementCount }, (_, i) => this.decode(exp, def, read, slot.address + i * def.size))
				const expected = exp.mustThrow ? undefined : slot.family === 'structArray' && op.member === 'read' ? decodeAll() : this.decode(exp, def, read, address)
				runner.settle(op, o, exp, names, (result) => this.checkDeep(runner, op, result, expected))
				return true
			}
			case 'at': {
				// A reuse that is not a ref at() of this array returned is refused (after the index is
				// checked), before any field of the element is read.
				if (data.reuse !== undefined && cursor !== undefined && data.reuse !== 'cursor' && !exp.mustThrow) exp.fail('TypeError', 'reuse is not a ref at() of this array returned')
				const lazy = field !== undefined && (field.gen.k === 'record' || field.gen.k === 'array')
				const fieldExp = lazy ? new Expectation() : exp
				const expected = exp.mustThrow || data.field === undefined ? undefined : this.fieldValue(fieldExp, field!, read, address)
				if (data.field !== undefined && !exp.mustThrow) this.pointeeFits(runner, exp, field!, expected, o)
				runner.settle(op, o, exp, names, (result) => {
					const element = data.field === undefined ? result : result.element
					if (!(element instanceof StructRef) || element.address !== address) runner.violation(op, 'wrong-ref', `at() gave ${element?.constructor?.name} at ${element?.address}, expected a StructRef at ${address}`)
					if (data.reuse === 'cursor' && cursor !== undefined && element !== cursor) runner.violation(op, 'wrong-ref', 'at(index, reuse) made a new ref instead of moving reuse')
					if (data.field !== undefined && !fieldExp.mustThrow) this.checkFieldValue(runner, op, field!, result.value, expected)
				})
				return true
			}
			case 'get field': {
				// A nested record or array gives a sub-ref without reading: what its read() gives is checked after.
				const lazy = field!.gen.k === 'record' || field!.gen.k === 'array'
				const inner = lazy ? new Expectation() : exp
				const expected = this.fieldValue(inner, field!, read, address)
				this.pointeeFits(runner, exp, field!, expected, o)
				runner.settle(op, o, exp, names, (result) => {
					if (!lazy || !inner.mustThrow) return this.checkFieldValue(runner, op, field!, result, expected)
					let threw: unknown
					try {
						result.read()
					} catch (error) {
						threw = error
					}
					if (!(threw instanceof RangeError)) runner.violation(op, 'missing-throw', `the sub-ref's read() gave no RangeError although: ${inner.reasons.join('; ')}`)
				})
				return true
			}
			case 'write':
			case 'writeAt':
			case 'set field': {
				const writes: StagedWrite[] = []
				if (slot.family === 'structArray' && op.member === 'write') {
					// every element's value is checked before any is written
					const values = data.values!
					if (values.length > slot.elementCount) exp.fail('RangeError', `${values.length} values for ${slot.elementCount} elements`)
					else values.forEach((node, i) => this.stage(runner, exp, def, node, slot.address + i * def.size, `${def.name}ArrayRef[${i}]`, writes))
					runner.settle(op, o, exp, names, () => StructCatalog.apply(runner, writes))
					return true
				}
				if (!exp.mustThrow) {
					if (op.member === 'set field') this.stageField(runner, exp, field!.gen, data.value!, address + field!.offset, `${def.name}.${field!.name}`, writes, field)
					else this.stage(runner, exp, def, data.value!, address, `${def.name}`, writes)
				}
				runner.settle(op, o, exp, names, () => StructCatalog.apply(runner, writes))
				return true
			}
			default:
				throw new Error(`fuzz: unknown struct ref member ${op.member}`)
		}
	}

	/** A pointer field's ref is made on demand: its target (a 4-byte `Int32`, or the struct itself) must lie in the heap (as `wrapInt32` and `wrapStruct` require). */
	private pointeeFits(runner: Runner, exp: Expectation, field: FieldDef, value: unknown, o: Outcome): void {
		void runner
		if (field.gen.k !== 'pointer' || typeof value !== 'number' || value === 0) return
		const size = field.gen.self === undefined ? 4 : field.gen.self.size
		if (value + size > o.postLength) exp.fail('RangeError', `the pointee at ${value} does not lie in the heap`)
		else if (value + size > o.preLength) exp.allow('RangeError', 'in range only after growth')
	}

	/** What a field accessor reads: plain values, and for a pointer the address (its ref, or null for 0). */
	private fieldValue(exp: Expectation, field: FieldDef, read: Read, address: number): unknown {
		return this.decodeField(exp, field.gen, read, address + field.offset, field)
	}

	private checkFieldValue(runner: Runner, op: Op, field: FieldDef, actual: any, expected: unknown): void {
		switch (field.gen.k) {
			case 'pointer':
				// A ref (of the pointee's type) at the address, or null for 0.
				if (field.gen.self !== undefined && expected !== 0 && !(actual instanceof StructRef)) runner.violation(op, 'wrong-ref', `a pointer to the struct itself gave ${actual?.constructor?.name}, not a StructRef`)
				if (expected === 0 ? actual !== null : actual?.address !== expected) runner.violation(op, 'wrong-result', `the pointer field gave ${actual === null ? 'null' : `a ref at ${actual?.address}`}, the model says ${expected}`)
				return
			case 'array':
			case 'record':
				// Sub-refs: their content is checked through read().
				if (typeof actual?.read !== 'function') runner.violation(op, 'wrong-result', `the ${field.gen.k} field gave ${String(actual)}, not a sub-ref`)
				this.checkDeep(runner, op, actual.read(), expected)
				return
			default:
				this.checkDeep(runner, op, actual, expected)
		}
	}
}

/** `classifyValue` for a struct's number fields: the same conversions as the row's write method. */
function classifyStructValue(exp: Expectation, spec: Spec, type: ElementType, path: string): number | bigint | undefined {
	return classifyValueForStruct(exp, spec, type, path)
}

import { classifyValue as classifyValueForStruct } from './inputs.js'

/** Prints struct operations for reproducers. */
Runner.structCode = (op: Op): string => {
	const data = op.struct!
	const type = `S${data.type}`
	const args = op.args.map(specCode)
	const value = data.value === undefined ? undefined : StructCatalog.nodeCode(data.value)
	if (op.slot !== undefined) {
		const target = `r${op.slot}`
		switch (op.member) {
			case 'get field':
				return `${target}.${data.field}`
			case 'set field':
				return `${target}.${data.field} = ${value}`
			case 'type':
			case 'stride':
				return `${target}.${op.member}`
			case 'iterate':
				return `[...${target}].map((element) => element.address)`
			case 'at': {
				const reuse = data.reuse === undefined ? '' : data.reuse === 'cursor' ? `, ${target}.at(0)` : data.reuse === 'plain' ? ', {}' : `, r${data.reuse}`
				return `${target}.at(${args[0]}${reuse})${data.field === undefined ? '' : `.${data.field}`}`
			}
			case 'writeAt':
				return `${target}.writeAt(${args[0]}, ${value})`
			case 'write':
				return `${target}.write(${data.values === undefined ? value : `[${data.values.map(StructCatalog.nodeCode).join(', ')}]`})`
			default:
				return `${target}.${op.member}(${args.join(', ')})`
		}
	}
	switch (op.member) {
		case 'allocStruct':
			return `const r${op.index} = heap.allocStruct(${type}${value === undefined ? '' : `, ${value}`})`
		case 'allocStructArray':
			return `const r${op.index} = heap.allocStructArray(${type}, ${data.values === undefined ? args[0] : `[${data.values.map(StructCatalog.nodeCode).join(', ')}]`})`
		case 'wrapStruct':
			return `const r${op.index} = heap.wrapStruct(${type}, ${args[0]})`
		case 'wrapStructArray':
			return `const r${op.index} = heap.wrapStructArray(${type}, ${args.join(', ')})`
		case 'writeStruct':
			return `heap.writeStruct(${type}, ${args[0]}, ${value})`
		case 'offsetOf':
			return `heap.offsetOf(${type}, '${data.field}')`
		default:
			return `heap.${op.member}(${type}${args.length > 0 ? `, ${args.join(', ')}` : ''})`
	}
}

void primitiveValue
export type { Slot, Outcome }
