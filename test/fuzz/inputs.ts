/**
 * Arguments as data. Every argument of a fuzzed call is a `Spec`: plain data that the
 * reproducer can print and the shrinker can replay. `materialize` turns it into the
 * value passed (objects whose `valueOf` counts its calls, grows the heap or throws;
 * views over the heap's current buffer), and the `classify*` functions say what the
 * README promises for it: the value it converts to, or the errors it must (or may) give.
 */
import type { ElementType } from './catalog.js'
import type { FuzzEnv } from './environments.js'
import type { Random } from './random.js'

export type Primitive =
	| { readonly k: 'num'; readonly v: number }
	| { readonly k: 'big'; readonly v: bigint }
	| { readonly k: 'str'; readonly v: string }
	| { readonly k: 'bool'; readonly v: boolean }
	| { readonly k: 'null' }
	| { readonly k: 'undef' }
	| { readonly k: 'sym' }

export type Spec =
	| Primitive
	/** `{}` */
	| { readonly k: 'plain' }
	/** `() => 8` */
	| { readonly k: 'fn' }
	/** `[inner]` (a one-element plain array) */
	| { readonly k: 'box'; readonly inner: Primitive }
	/** An object whose `valueOf` (optionally growing the heap first, or throwing) returns `inner`. */
	| { readonly k: 'obj'; readonly inner: Primitive; readonly growPages?: number; readonly throws?: boolean }
	/** A plain array of values. */
	| { readonly k: 'arr'; readonly items: readonly Spec[] }
	/** A typed array not on the heap. */
	| { readonly k: 'typed'; readonly ctor: string; readonly values: readonly (number | bigint)[] }
	/** A typed array over the heap's current buffer (which the manager may not have seen yet). */
	| { readonly k: 'heapView'; readonly ctor: string; readonly address: number; readonly count: number }
	/** `{ length, 0: ..., 1: ... }`, its `length` optionally a getter that grows the heap. */
	| { readonly k: 'arrayLike'; readonly length: Spec; readonly items: readonly Spec[]; readonly growOnLength?: boolean }

/** Thrown by a fuzzed value's `valueOf`: user code's own error. */
export class UserValueError extends Error {}

/** Calls of user code made while one operation ran. */
export class CallLog {
	/** One counter per materialized object, by the argument path (e.g. `1` or `0[3]`). */
	readonly calls = new Map<string, number>()

	count(path: string): void {
		this.calls.set(path, (this.calls.get(path) ?? 0) + 1)
	}

	of(path: string): number {
		return this.calls.get(path) ?? 0
	}

	/** Calls at `path` or below it. */
	under(path: string): number {
		let total = 0
		for (const [key, count] of this.calls) if (key === path || key.startsWith(`${path}[`) || key.startsWith(`${path}.`)) total += count
		return total
	}
}

export function primitiveValue(spec: Primitive): unknown {
	switch (spec.k) {
		case 'num':
		case 'big':
		case 'str':
		case 'bool':
			return spec.v
		case 'null':
			return null
		case 'undef':
			return undefined
		case 'sym':
			return Symbol('fuzz')
	}
}

const typedArrayConstructors: Record<string, new (...args: never[]) => ArrayLike<number | bigint>> = {
	Int8Array,
	Uint8Array,
	Uint8ClampedArray,
	Int16Array,
	Uint16Array,
	Int32Array,
	Uint32Array,
	BigInt64Array,
	BigUint64Array,
	Float32Array,
	Float64Array,
}

export function typedArrayConstructor(name: string): (new (...args: never[]) => ArrayLike<number | bigint>) & { BYTES_PER_ELEMENT: number } {
	const found = typedArrayConstructors[name] ?? (globalThis as Record<string, unknown>)[name]
	if (typeof found !== 'function') throw new Error(`fuzz: no typed array ${name} on this engine`)
	return found as never
}

export const sourceConstructorNames = Object.keys(typedArrayConstructors)

/** The argument a spec stands for, built now (a heap view over the buffer of this moment). */
export function materialize(spec: Spec, env: FuzzEnv, log: CallLog, path: string): unknown {
	switch (spec.k) {
		case 'plain':
			return {}
		case 'fn':
			return () => 8
		case 'box':
			return [primitiveValue(spec.inner)]
		case 'obj': {
			const inner = spec.inner
			return {
				valueOf(): unknown {
					log.count(path)
					if (spec.growPages !== undefined) env.grow(spec.growPages * 65536, 'value')
					if (spec.throws === true) throw new UserValueError('fuzz: a valueOf that throws')
					return primitiveValue(inner)
				},
				toString(): string {
					log.count(`${path}.toString`)
					return 'fuzz'
				},
			}
		}
		case 'arr':
			return spec.items.map((item, i) => materialize(item, env, log, `${path}[${i}]`))
		case 'typed': {
			const Ctor = typedArrayConstructor(spec.ctor) as unknown as new (values: readonly (number | bigint)[]) => unknown
			return new Ctor(spec.values)
		}
		case 'heapView': {
			const Ctor = typedArrayConstructor(spec.ctor) as unknown as new (buffer: ArrayBufferLike, offset: number, length: number) => unknown
			return new Ctor(env.buffer(), spec.address, spec.count)
		}
		case 'arrayLike': {
			const target: Record<string, unknown> = {}
			spec.items.forEach((item, i) => (target[i] = materialize(item, env, log, `${path}[${i}]`)))
			const length = materialize(spec.length, env, log, `${path}.length`)
			if (spec.growOnLength === true) {
				Object.defineProperty(target, 'length', {
					get(): unknown {
						log.count(`${path}.lengthGetter`)
						env.grow(65536, 'value')
						return length
					},
				})
			} else {
				target['length'] = length
			}
			return target
		}
		default:
			return primitiveValue(spec)
	}
}

// ---- what the README promises -------------------------------------------------------

export type ErrorKind = 'TypeError' | 'RangeError' | 'Error' | 'user'

/** The outcomes a call may have: it must throw one of `must` (or `maybe`), or succeed unless `maybe` allows a throw. */
export class Expectation {
	readonly must = new Set<ErrorKind>()
	readonly maybe = new Set<ErrorKind>()
	readonly reasons: string[] = []
	/** Argument paths whose objects must not be called at all (addresses, counts, indices, strings). */
	readonly untouchable: string[] = []
	/** Argument paths whose objects may convert once at most. */
	readonly convertOnce: string[] = []
	/** The throw is due to an argument (not an allocator fault): for `alloc*Array`, before the allocator runs. */
	badArgument = false

	fail(kind: ErrorKind, why: string): void {
		this.must.add(kind)
		this.reasons.push(why)
	}

	allow(kind: ErrorKind, why: string): void {
		this.maybe.add(kind)
		this.reasons.push(`may: ${why}`)
	}

	get mustThrow(): boolean {
		return this.must.size > 0
	}
}

/** The primitive an argument spec converts to with `ToPrimitive`, or `undefined` for a symbol (never convertible). */
function toPrimitive(spec: Spec): Primitive | { k: 'throws' } | undefined {
	switch (spec.k) {
		case 'obj':
			return spec.throws === true ? { k: 'throws' } : spec.inner
		case 'plain':
			return { k: 'str', v: '[object Object]' }
		case 'fn':
			return { k: 'str', v: '() => 8' }
		case 'box': {
			const inner = spec.inner
			if (inner.k === 'sym') return undefined
			const value = primitiveValue(inner)
			return { k: 'str', v: value === null || value === undefined ? '' : String(value) }
		}
		case 'arr':
		case 'typed':
		case 'heapView':
		case 'arrayLike':
			return { k: 'str', v: 'fuzz' }
		default:
			return spec
	}
}

function parseBigInt(text: string): bigint | undefined {
	try {
		return BigInt(text)
	} catch {
		return undefined
	}
}

/**
 * What a value written to `type` converts to, as a TypedArray element assignment
 * converts it, adding to `exp` what must or may go wrong. `undefined` when it cannot
 * succeed.
 */
export function classifyValue(exp: Expectation, spec: Spec, type: ElementType, what: string): number | bigint | undefined {
	const isObject = spec.k !== 'num' && spec.k !== 'big' && spec.k !== 'str' && spec.k !== 'bool' && spec.k !== 'null' && spec.k !== 'undef' && spec.k !== 'sym'
	const prim = toPrimitive(spec)
	if (prim?.k === 'throws') {
		exp.fail('user', `${what}: its valueOf throws`)
		exp.allow('TypeError', `${what}: its valueOf throws`)
		return undefined
	}
	if (prim === undefined || prim.k === 'sym') {
		exp.fail('TypeError', `${what} is a symbol`)
		return undefined
	}
	switch (type.kind) {
		case 'int':
		case 'clampedInt':
		case 'float': {
			if (prim.k === 'big') {
				exp.fail('TypeError', `${what} is (or converts to) a bigint for a number type`)
				return undefined
			}
			// A number, or an object whose valueOf gives a number, converts as a TypedArray would.
			if (!(prim.k === 'num' && (spec.k === 'num' || spec.k === 'obj'))) exp.allow('TypeError', `${what} is ${spec.k}, not a number`)
			return Number(primitiveValue(prim))
		}
		case 'bigint': {
			if (prim.k === 'num' || prim.k === 'null' || prim.k === 'undef') {
				exp.fail('TypeError', `${what} is (or converts to) ${prim.k} for a bigint type`)
				return undefined
			}
			if (prim.k === 'big') {
				if (isObject) exp.allow('TypeError', `${what} is an object, not a bigint`)
				return prim.v
			}
			const converted = prim.k === 'bool' ? BigInt(prim.v) : parseBigInt(prim.v)
			if (converted === undefined) {
				exp.fail('TypeError', `${what} does not convert to a bigint`)
				return undefined
			}
			exp.allow('TypeError', `${what} is ${spec.k}, not a bigint`)
			return converted
		}
		case 'pointer53': {
			if (spec.k !== 'num') {
				const value = prim.k === 'num' ? prim.v : undefined
				if (spec.k === 'obj' && value !== undefined && Number.isSafeInteger(value) && value >= 0) {
					exp.allow('TypeError', `${what} is an object, not a number`)
					return value
				}
				exp.fail('TypeError', `${what} is ${spec.k}, not a number`)
				exp.allow('RangeError', `${what} is not a pointer53`)
				return undefined
			}
			if (!(Number.isSafeInteger(spec.v) && spec.v >= 0)) {
				exp.fail('RangeError', `${what} ${spec.v} is not a safe non-negative integer`)
				return undefined
			}
			return spec.v === 0 ? 0 : spec.v
		}
	}
}

/** A wide unsigned integer value: a bigint in `[0, 2^bits)`. */
export function classifyWide(exp: Expectation, spec: Spec, bits: number, what: string): bigint | undefined {
	if (spec.k === 'big') {
		if (spec.v < 0n || spec.v >= 1n << BigInt(bits)) {
			exp.fail('RangeError', `${what} is outside [0, 2^${bits})`)
			return undefined
		}
		return spec.v
	}
	if (spec.k === 'obj' && spec.inner.k === 'big' && spec.throws !== true && spec.inner.v >= 0n && spec.inner.v < 1n << BigInt(bits)) {
		exp.allow('TypeError', `${what} is an object`)
		return spec.inner.v
	}
	exp.fail('TypeError', `${what} is not a bigint`)
	if (spec.k === 'obj' && spec.throws === true) exp.allow('user', `${what}: its valueOf throws`)
	return undefined
}

/** Objects of a spec, by argument path (for the "user code called" checks). */
export function objectPaths(spec: Spec, path: string): string[] {
	switch (spec.k) {
		case 'obj':
			return [path]
		case 'arr':
			return spec.items.flatMap((item, i) => objectPaths(item, `${path}[${i}]`))
		case 'arrayLike':
			return [...spec.items.flatMap((item, i) => objectPaths(item, `${path}[${i}]`)), ...objectPaths(spec.length, `${path}.length`)]
		default:
			return []
	}
}

/**
 * An address argument: a `number` that is a non-negative integer, aligned, with its
 * access ending within the heap; `TypeError` for a non-number (without calling
 * anything on it), `RangeError` otherwise. `preLength`/`postLength` are the heap's
 * length before and after the call (growth inside the call may make an access valid).
 */
export function classifyAddress(
	exp: Expectation,
	spec: Spec,
	path: string,
	byteSize: number | undefined,
	alignment: number,
	preLength: number,
	postLength: number,
	nullIsError = false,
): number | undefined {
	if (spec.k !== 'num') {
		exp.fail('TypeError', `address is ${spec.k}, not a number`)
		exp.untouchable.push(path)
		return undefined
	}
	const address = spec.v
	if (!(Number.isInteger(address) && address >= 0)) {
		exp.fail('RangeError', `address ${address} is not a non-negative integer`)
		return undefined
	}
	if (nullIsError && address === 0) exp.fail('RangeError', 'address 0 is a null pointer')
	if (address % alignment !== 0) exp.fail('RangeError', `address ${address} is not aligned to ${alignment}`)
	if (byteSize !== undefined) {
		if (address + byteSize > postLength) exp.fail('RangeError', `address ${address} + ${byteSize} bytes runs past the heap of ${postLength} bytes`)
		else if (address + byteSize > preLength) exp.allow('RangeError', `address ${address} is in range only after the heap grew inside the call`)
	}
	return address === 0 ? 0 : address
}

/** An element count (or capacity): a non-negative safe integer `number`. */
export function classifyCount(exp: Expectation, spec: Spec, path: string, what: string): number | undefined {
	if (spec.k !== 'num') {
		exp.fail('TypeError', `${what} is ${spec.k}, not a number`)
		exp.untouchable.push(path)
		return undefined
	}
	if (!(Number.isSafeInteger(spec.v) && spec.v >= 0)) {
		exp.fail('RangeError', `${what} ${spec.v} is not a non-negative safe integer`)
		return undefined
	}
	return spec.v === 0 ? 0 : spec.v
}

/** An array index: an integer `number` in `[0, elementCount)`. */
export function classifyIndex(exp: Expectation, spec: Spec, path: string, elementCount: number): number | undefined {
	if (spec.k !== 'num') {
		exp.fail('TypeError', `index is ${spec.k}, not a number`)
		exp.untouchable.push(path)
		return undefined
	}
	if (!(Number.isInteger(spec.v) && spec.v >= 0 && spec.v < elementCount)) {
		exp.fail('RangeError', `index ${spec.v} is outside [0, ${elementCount})`)
		return undefined
	}
	return spec.v === 0 ? 0 : spec.v
}

/** Whether a spec is an ill-formed argument of a kind (for the statistics). */
export function isOddSpec(spec: Spec): boolean {
	return spec.k !== 'num' && spec.k !== 'big' && spec.k !== 'str'
}

// ---- generation -----------------------------------------------------------------------

/** Addresses, counts and indices that are not usable numbers, objects included. */
export function badNumberSpec(rng: Random, valid: number, allowObjects: boolean): Spec {
	const numbers = [-1, -8, 1.5, 0.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e300, -(2 ** 31), valid + 0.25]
	if (!allowObjects || rng.chance(0.5)) return { k: 'num', v: rng.pick(numbers) }
	return rng.pick<Spec>([
		{ k: 'obj', inner: { k: 'num', v: valid } },
		{ k: 'obj', inner: { k: 'num', v: valid }, throws: true },
		{ k: 'obj', inner: { k: 'num', v: valid }, growPages: 1 },
		{ k: 'sym' },
		{ k: 'big', v: BigInt(Math.max(0, Math.floor(valid))) },
		{ k: 'str', v: String(valid) },
		{ k: 'null' },
		{ k: 'undef' },
		{ k: 'bool', v: true },
		{ k: 'box', inner: { k: 'num', v: valid } },
		{ k: 'plain' },
		{ k: 'fn' },
	])
}

const specialNumbers = [0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 127.5, 128, 255.5, 256, -129, 32767, 32768, 65535, 65536, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 32 - 1, 2 ** 53, 2 ** 53 - 1, 2 ** 64, 1e300, 5e-324, 6e-8, 65504, 65520, 65519.99, 3.4028235677973366e38, 1.401298464324817e-45, Number.NaN, Infinity, -Infinity]

export function randomNumber(rng: Random): number {
	switch (rng.int(0, 5)) {
		case 0:
			return rng.pick(specialNumbers)
		case 1:
			return rng.int(-200, 300)
		case 2:
			return (rng.next() - 0.5) * 2 ** rng.int(0, 70)
		case 3:
			return rng.u32() - 2 ** 31
		default: {
			const view = new DataView(new ArrayBuffer(8))
			view.setUint32(0, rng.u32())
			view.setUint32(4, rng.u32())
			const value = view.getFloat64(0)
			return Number.isNaN(value) ? Number.NaN : value
		}
	}
}

const specialBigInts = [0n, 1n, -1n, 2n ** 63n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 64n, 2n ** 70n, -(2n ** 64n), 2n ** 128n - 1n, 2n ** 128n, 2n ** 256n - 1n, 2n ** 256n]

export function randomBigInt(rng: Random, bits = 64): bigint {
	switch (rng.int(0, 4)) {
		case 0:
			return rng.pick(specialBigInts)
		case 1:
			return BigInt(rng.int(-100, 100))
		default: {
			let value = 0n
			for (let i = 0; i < bits; i += 32) value = (value << 32n) | BigInt(rng.u32())
			return rng.chance(0.3) ? -value : value
		}
	}
}

export function randomPointer53(rng: Random): number {
	return rng.pick([0, 1, 16, 2 ** 32, 2 ** 32 - 1, 2 ** 53 - 1, rng.u32(), rng.u32() * 2 ** 21 + rng.u32() % 2 ** 21, 2 ** 40 + 8])
}

export interface ValueOptions {
	readonly growInValueOf: boolean
}

/** A value for `type`: mostly of its own kind, sometimes odd, sometimes an object (which may grow the heap or throw). */
export function randomValue(rng: Random, type: ElementType, options: ValueOptions): Spec {
	const own = (): Primitive => {
		if (type.valueType === 'bigint') return { k: 'big', v: randomBigInt(rng) }
		if (type.kind === 'pointer53') return { k: 'num', v: rng.chance(0.9) ? randomPointer53(rng) : randomNumber(rng) }
		return { k: 'num', v: randomNumber(rng) }
	}
	const roll = rng.next()
	if (roll < 0.72) return own()
	if (roll < 0.84) {
		const inner = rng.chance(0.85) ? own() : rng.pick<Primitive>([{ k: 'big', v: 5n }, { k: 'num', v: 5 }, { k: 'str', v: '7' }])
		if (rng.chance(0.12)) return { k: 'obj', inner, throws: true }
		if (options.growInValueOf && rng.chance(0.35)) return { k: 'obj', inner, growPages: 1 }
		return { k: 'obj', inner }
	}
	if (roll < 0.92) {
		return rng.pick<Spec>([
			{ k: 'str', v: '12' },
			{ k: 'str', v: 'abc' },
			{ k: 'str', v: '' },
			{ k: 'str', v: '0x10' },
			{ k: 'bool', v: true },
			{ k: 'bool', v: false },
			{ k: 'null' },
			{ k: 'undef' },
			{ k: 'plain' },
			{ k: 'fn' },
			{ k: 'box', inner: { k: 'num', v: 3 } },
		])
	}
	return rng.pick<Spec>([{ k: 'sym' }, type.valueType === 'bigint' ? { k: 'num', v: rng.int(-5, 50) } : { k: 'big', v: BigInt(rng.int(-5, 50)) }])
}

const alphabet = [
	'a', 'Z', '0', ' ', '~', '\x7f', '\x01', '\0', 'é', 'ß', 'ÿ', '\u0100', 'Ω', 'я', '中', '\u20ac', '\ufeff', '\uffff', '\ufffd',
	'😀', '𝄞', '\ud800', '\udc00', '\udbff', '\udfff',
]

/** A string mixing ASCII, Latin-1, BMP, astral characters, lone surrogates and U+0000. */
export function randomString(rng: Random, asciiMostly: boolean): string {
	const length = rng.chance(0.05) ? rng.int(200, 3000) : rng.int(0, 40)
	let out = ''
	if (asciiMostly && rng.chance(0.7)) {
		for (let i = 0; i < length; i++) out += String.fromCharCode(rng.int(1, 128))
		return out
	}
	for (let i = 0; i < length; i++) out += rng.chance(0.6) ? String.fromCharCode(rng.int(32, 127)) : rng.pick(alphabet)
	return out
}

// ---- printing ---------------------------------------------------------------------------

function numberCode(value: number): string {
	if (Object.is(value, -0)) return '-0'
	if (Number.isNaN(value)) return 'NaN'
	if (value === Infinity) return 'Infinity'
	if (value === -Infinity) return '-Infinity'
	for (const power of [31, 32, 53, 64]) {
		if (value === 2 ** power) return `2 ** ${power}`
		if (value === 2 ** power + 2) return `2 ** ${power} + 2`
		if (value === 2 ** power - 1) return `2 ** ${power} - 1`
	}
	return String(value)
}

/** A spec as JavaScript source. */
export function specCode(spec: Spec): string {
	switch (spec.k) {
		case 'num':
			return numberCode(spec.v)
		case 'big':
			return `${spec.v}n`
		case 'str':
			return spec.v.length > 60 ? `${JSON.stringify(spec.v.slice(0, 40))} /* …${spec.v.length} chars */` : JSON.stringify(spec.v)
		case 'bool':
			return String(spec.v)
		case 'null':
			return 'null'
		case 'undef':
			return 'undefined'
		case 'sym':
			return 'Symbol()'
		case 'plain':
			return '{}'
		case 'fn':
			return '() => 8'
		case 'box':
			return `[${specCode(spec.inner)}]`
		case 'obj': {
			const body = [spec.growPages === undefined ? '' : `memory.grow(${spec.growPages}); `, spec.throws === true ? "throw new Error('x')" : `return ${specCode(spec.inner)}`].join('')
			return `{ valueOf() { ${body} } }`
		}
		case 'arr':
			return spec.items.length > 12 ? `[${spec.items.slice(0, 12).map(specCode).join(', ')}, /* …${spec.items.length} items */]` : `[${spec.items.map(specCode).join(', ')}]`
		case 'typed':
			return `new ${spec.ctor}([${spec.values.slice(0, 12).map((v) => (typeof v === 'bigint' ? `${v}n` : numberCode(v))).join(', ')}${spec.values.length > 12 ? ', …' : ''}])`
		case 'heapView':
			return `new ${spec.ctor}(memory.buffer /* the current buffer */, ${spec.address}, ${spec.count})`
		case 'arrayLike':
			return `{ ${spec.growOnLength === true ? `get length() { memory.grow(1); return ${specCode(spec.length)} }` : `length: ${specCode(spec.length)}`}${spec.items.map((item, i) => `, ${i}: ${specCode(item)}`).join('')} }`
	}
}
