// The portable cross-runtime suite of wasm-heap-manager.
//
// Plain modern JavaScript (ESM), no test framework and no runtime-specific API, so the
// very same file runs on Node (ESM and CommonJS entries), Bun, Deno, a Chromium page
// and a Chromium Web Worker. `runSuite(api, report)` takes the imported library
// module (whatever way the runtime loaded it) and a report made by `createReport`.
// Every check runs on a plain and on a shared WebAssembly.Memory where that applies;
// a feature the runtime lacks is reported as a named skip, never silently.

// ---------------------------------------------------------------------------------
// Report and assertions

/** Thrown by a check to report a named skip instead of a pass or a failure. */
export class Skip extends Error {
	constructor(reason) {
		super(reason)
		this.name = 'Skip'
	}
}

/** Thrown by the assertion helpers. */
export class AssertionError extends Error {
	constructor(message) {
		super(message)
		this.name = 'AssertionError'
	}
}

function describeError(error) {
	if (error instanceof Error) return `${error.name}: ${error.message}`
	return String(error)
}

/**
 * Collects pass/fail/skip results. `print` gets one line at a time: a failure as it
 * happens, a skip as it happens, then the summary lines from `finish()`.
 */
export function createReport(runtime, print = (line) => console.log(line)) {
	const report = {
		runtime,
		passed: [],
		failed: [],
		skipped: [],
		print,
		pass(name) {
			report.passed.push(name)
		},
		fail(name, error) {
			const message = describeError(error)
			report.failed.push({ name, message })
			print(`FAIL ${name}: ${message}`)
			if (error instanceof Error && error.stack && !(error instanceof AssertionError)) {
				const frames = String(error.stack).split('\n').slice(1, 4).join('\n')
				if (frames) print(frames)
			}
		},
		skip(name, reason) {
			report.skipped.push({ name, reason })
			print(`skip: ${name} (${reason})`)
		},
		/** Runs one named check: a pass, a failure (with the error) or a skip. */
		async check(name, fn) {
			try {
				await fn()
				report.pass(name)
			} catch (error) {
				if (error instanceof Skip) report.skip(name, error.message)
				else report.fail(name, error)
			}
		},
		summary() {
			return `${runtime}: ${report.passed.length} passed, ${report.failed.length} failed, ${report.skipped.length} skipped`
		},
		/** Prints the summary line, then the names of the skipped and failed checks. */
		finish() {
			print(report.summary())
			if (report.skipped.length > 0) {
				print(`${runtime} skipped: ${report.skipped.map((entry) => `${entry.name} (${entry.reason})`).join('; ')}`)
			}
			if (report.failed.length > 0) print(`${runtime} failed: ${report.failed.map((entry) => entry.name).join('; ')}`)
			return { passed: report.passed.length, failed: report.failed.length, skipped: report.skipped.length }
		},
	}
	return report
}

/** Formats a value for an assertion message. */
export function show(value) {
	if (typeof value === 'bigint') return `${value}n`
	if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
	if (typeof value === 'number' && Object.is(value, -0)) return '-0'
	if (ArrayBuffer.isView(value)) return `${value.constructor.name}[${Array.from(value, show).join(', ')}]`
	if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`
	return String(value)
}

export function assert(condition, what) {
	if (!condition) throw new AssertionError(what)
}

/** `Object.is` equality, so that -0 and NaN are told apart and matched exactly. */
export function equal(actual, expected, what) {
	if (!Object.is(actual, expected)) throw new AssertionError(`${what}: expected ${show(expected)}, got ${show(actual)}`)
}

export function equalArrays(actual, expected, what) {
	const a = Array.from(actual)
	const e = Array.from(expected)
	if (a.length !== e.length || a.some((value, index) => !Object.is(value, e[index]))) {
		throw new AssertionError(`${what}: expected ${show(e)}, got ${show(a)}`)
	}
}

/**
 * Asserts that `fn` throws an instance of `ErrorClass` (for `Error`: exactly `Error`,
 * not a subclass) whose message contains every string in `includes`. Returns the error.
 */
export function throws(fn, ErrorClass, includes, what) {
	let result
	try {
		result = fn()
	} catch (error) {
		const classOk =
			ErrorClass === Error ? error instanceof Error && error.constructor === Error : error instanceof ErrorClass
		if (!classOk) {
			throw new AssertionError(`${what}: expected ${ErrorClass.name}, got ${describeError(error)}`)
		}
		for (const part of [].concat(includes ?? [])) {
			if (!String(error.message).includes(part)) {
				throw new AssertionError(`${what}: expected the message to contain ${show(part)}, got ${show(error.message)}`)
			}
		}
		return error
	}
	throw new AssertionError(`${what}: expected ${ErrorClass.name}, but it returned ${show(result)}`)
}

// ---------------------------------------------------------------------------------
// Heaps and allocators

const pageSize = 65536

/**
 * The library's built-in allocator over `memory` (it grows the memory on demand), with
 * its calls counted. A free of an address it did not hand out (a double free) throws.
 */
export function createAllocator(api, memory) {
	const builtIn = api.createHeapAllocator(memory)
	const allocator = {
		allocCalls: 0,
		freeCalls: 0,
		get usedByteSize() {
			return builtIn.usedByteSize
		},
		check: () => builtIn.check(),
		alloc(size, alignment) {
			allocator.allocCalls++
			return builtIn.alloc(size, alignment)
		},
		free(address) {
			allocator.freeCalls++
			builtIn.free(address)
		},
	}
	return allocator
}

function newHeap(api, shared, { pages = 2, maximum = 256, options } = {}) {
	const memory = new WebAssembly.Memory({ initial: pages, maximum, shared })
	const allocator = createAllocator(api, memory)
	const heap = api.createWasmHeapManager(() => memory.buffer, allocator.alloc, allocator.free, options)
	return { heap, memory, allocator }
}

/** Why this runtime cannot make a shared WebAssembly.Memory, or undefined if it can. */
function sharedMemoryUnavailable() {
	if (typeof SharedArrayBuffer === 'undefined') {
		return 'SharedArrayBuffer is not defined' + (globalThis.crossOriginIsolated === false ? ' (not cross-origin isolated)' : '')
	}
	try {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true })
		if (!(memory.buffer instanceof SharedArrayBuffer)) return 'a shared WebAssembly.Memory has no SharedArrayBuffer'
	} catch (error) {
		return `shared WebAssembly.Memory refused: ${describeError(error)}`
	}
	return undefined
}

// ---------------------------------------------------------------------------------
// The element types

const numericTypes = [
	{ name: 'Int8', size: 1, View: Int8Array, raw: 'Int8', samples: [0, 1, -1, 127, -128, 200, -129, 3.7, -3.7, NaN, Infinity] },
	{ name: 'Uint8', size: 1, View: Uint8Array, raw: 'Uint8', samples: [0, 255, 256, -1, 3.7, NaN] },
	{ name: 'ClampedUint8', size: 1, View: Uint8ClampedArray, raw: 'Uint8', samples: [0, 255, 300, -5, 0.5, 1.5, 2.5, 254.5, NaN, Infinity] },
	{ name: 'Int16', size: 2, View: Int16Array, raw: 'Int16', samples: [0, 32767, -32768, 40000, -1, 1.9] },
	{ name: 'Uint16', size: 2, View: Uint16Array, raw: 'Uint16', samples: [0, 65535, 65536, -1, 12345] },
	{ name: 'Int32', size: 4, View: Int32Array, raw: 'Int32', samples: [0, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 32 + 5, -1.5] },
	{ name: 'Uint32', size: 4, View: Uint32Array, raw: 'Uint32', samples: [0, 2 ** 32 - 1, -1, 2 ** 32, 123456789.9] },
	{ name: 'BigInt64', size: 8, View: BigInt64Array, raw: 'BigInt64', big: true, samples: [0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n + 5n] },
	{ name: 'BigUint64', size: 8, View: BigUint64Array, raw: 'BigUint64', big: true, samples: [0n, 2n ** 64n - 1n, -1n, 2n ** 64n + 7n] },
	{ name: 'Float32', size: 4, View: Float32Array, raw: 'Float32', samples: [0, -0, 1.1, 3.4e38, 1e39, 1.401298464324817e-45, -1e-46, NaN, -Infinity] },
	{ name: 'Float64', size: 8, View: Float64Array, raw: 'Float64', samples: [0, -0, Math.PI, 5e-324, Number.MAX_VALUE, NaN, -Infinity] },
	{ name: 'Pointer32', size: 4, View: Uint32Array, raw: 'Uint32', errors: 'Uint32', samples: [0, 16, 2 ** 32 - 1, 2 ** 31 + 8] },
	{ name: 'Pointer53', size: 8, View: BigUint64Array, raw: 'BigUint64', pointer53: true, samples: [0, 1, 2 ** 32, 2 ** 40 + 3, 2 ** 53 - 1] },
	{ name: 'Pointer64', size: 8, View: BigUint64Array, raw: 'BigUint64', errors: 'BigUint64', big: true, samples: [0n, 2n ** 53n + 1n, 2n ** 64n - 1n] },
]

// `errors`: an alias row shares its row's functions, so its errors name that row
// (`readUint32: ...` for readPointer32).

/** The 14 type names the suite loops over; checked against the library's exports too. */
export const typeNames = numericTypes.map((type) => type.name)

/** What reading back a written value gives: the value converted as a typed-array element assignment converts it. */
function expected(type, value) {
	if (type.pointer53) return value
	const cell = new type.View(1)
	cell[0] = value
	return cell[0]
}

/** The same value as an element of the type's view (Pointer53 views are BigUint64Array). */
function asViewElement(type, value) {
	return type.pointer53 ? BigInt(value) : value
}

/** Reads the bytes at `address` directly, little-endian, to check the layout the manager wrote. */
function rawRead(buffer, type, address) {
	const value = new DataView(buffer)[`get${type.raw}`](address, true)
	return type.pointer53 ? Number(value) : value
}

const zeroOf = (type) => (type.big ? 0n : 0)

// ---------------------------------------------------------------------------------
// The string encodings

const encodings = [
	{ name: 'Ascii', bytesPerElement: 1, View: Uint8Array },
	{ name: 'Utf8', bytesPerElement: 1, View: Uint8Array },
	{ name: 'Utf16', bytesPerElement: 2, View: Uint16Array },
	{ name: 'Utf32', bytesPerElement: 4, View: Uint32Array },
]

const asciiSamples = ['', 'a', 'hello, world', '~!@#$%^&*()_+{}|:"<>?', 'x'.repeat(300), 'ascii '.repeat(1000)]
const unicodeSamples = [
	'héllo',
	'Grüße, 日本語, Ελληνικά',
	'emoji 😀👍🏽 and a flag 🇫🇷',
	'😀',
	'héllo wörld 日本 😀 '.repeat(40),
	'é'.repeat(3000),
]
const loneSurrogateSamples = [
	'\uD800',
	'a\uDC00b',
	'end \uD83D',
	'\uDE00 start',
	'\uDC00\uD800',
	// Long enough for the engines' TextEncoder/TextDecoder paths rather than the short loops.
	`${'long '.repeat(50)}\uD800${'é'.repeat(2500)}\uDC00 end`,
]

/** `value` with each lone surrogate replaced by U+FFFD, as TextEncoder encodes it. */
function replaceLoneSurrogates(value) {
	return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

/** Samples that must read back exactly, and what they read back as, per encoding. */
function stringCases(encoding) {
	const cases = asciiSamples.map((value) => ({ value, readsAs: value }))
	if (encoding.name === 'Ascii') return cases
	for (const value of unicodeSamples) cases.push({ value, readsAs: value })
	for (const value of loneSurrogateSamples) {
		// UTF-8 writes a lone surrogate as U+FFFD, as TextEncoder does; UTF-16/32 keep it.
		cases.push({ value, readsAs: encoding.name === 'Utf8' ? replaceLoneSurrogates(value) : value })
	}
	return cases
}

const utf8Encoder = new TextEncoder()

/** The element count of `value` encoded, without the terminator. */
function elementCount(encoding, value) {
	switch (encoding.name) {
		case 'Ascii':
			return value.length
		case 'Utf8':
			return utf8Encoder.encode(value).length
		case 'Utf16':
			return value.length
		default:
			return Array.from(value).length // code points; a lone surrogate is one
	}
}

/** The expected encoded elements of `value`. */
function encodedElements(encoding, value) {
	switch (encoding.name) {
		case 'Ascii':
			return Array.from(value, (character) => character.charCodeAt(0))
		case 'Utf8':
			return Array.from(utf8Encoder.encode(value))
		case 'Utf16':
			return Array.from({ length: value.length }, (_, index) => value.charCodeAt(index))
		default:
			return Array.from(value, (character) => character.codePointAt(0))
	}
}

// ---------------------------------------------------------------------------------
// The suite

/**
 * Runs every check against `api` (the imported library module), reporting into
 * `report` (from `createReport`). Resolves when done; never throws for a failed check.
 */
export async function runSuite(api, report) {
	const check = (name, fn) => report.check(name, fn)

	await check('exports', () => {
		for (const name of ['createWasmHeapManager', 'createHeapAllocator', 'wrapEmscriptenModuleHeap', 'WasmHeapManager', 'HeapRef', 'ArrayHeapRef', 'defineStruct', 'defineUnion', 'defineEnum', 'StructRef', 'StructArrayRef']) {
			assert(typeof api[name] === 'function', `the module exports ${name}`)
		}
		for (const type of typeNames) {
			assert(typeof api[`${type}Ref`] === 'function', `the module exports ${type}Ref`)
			assert(typeof api[`${type}ArrayRef`] === 'function', `the module exports ${type}ArrayRef`)
		}
		for (const encoding of encodings) {
			assert(typeof api[`${encoding.name}StringRef`] === 'function', `the module exports ${encoding.name}StringRef`)
		}
		equal(typeNames.length, 14, 'number of element types')
	})

	await checkConstruction(api, check)

	const sharedUnavailable = sharedMemoryUnavailable()
	const variants = [{ label: 'plain', shared: false }]
	if (sharedUnavailable === undefined) variants.push({ label: 'shared', shared: true })
	else report.skip('shared memory', sharedUnavailable)

	// A group whose setup throws (outside its checks) is reported as one failure, and the
	// suite goes on.
	const group = async (name, run) => {
		try {
			await run()
		} catch (error) {
			report.fail(`${name}: setup`, error)
		}
	}
	const groups = [
		['numbers', checkNumbers],
		['bounds', checkBounds],
		['strings', checkStrings],
		['value refs', checkValueRefs],
		['array refs', checkArrayRefs],
		['string refs', checkStringRefs],
		['freed refs', checkFreedRefs],
		['tracking', checkTracking],
		['wrapEmscriptenModuleHeap', checkEmscriptenModule],
		['read-modify-write', checkReadModifyWrite],
		['wait and notify', checkWaits],
		['built-in allocator', checkBuiltInAllocator],
		['structs', checkStructs],
	]
	for (const variant of variants) {
		for (const [name, run] of groups) await group(`${variant.label}: ${name}`, () => run(api, check, variant))
	}

	await group('plain: growth', () => checkPlainGrowth(api, check))
	if (sharedUnavailable === undefined) await group('shared: growth', () => checkSharedGrowth(api, check))
	else report.skip('shared memory growth', sharedUnavailable)

	await group('resizable buffers', () => checkResizableBuffers(api, check))
	await group('5 GiB ArrayBuffer', () => checkFiveGiB(api, check, report))
}

// ---- structs -------------------------------------------------------------------------

/**
 * C structs at run time: a declaration's layout on the default wasm32 ABI (the offsets,
 * size and alignment clang-14 gives the same C struct: `-fdump-record-layouts
 * --target=wasm32-wasi`), fields of every kind read and written in place (checked against
 * the heap's bytes), struct arrays, and bad input writing nothing.
 */
async function checkStructs(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared)
	const Color = api.defineEnum('Color', 'Uint8', { Red: 1, Green: 2, Blue: 3 })
	const Vec2 = api.defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
	const Particle = api.defineStruct('Particle', {
		x: 'Float64',
		y: 'Float32',
		id: 'Int32',
		color: Color,
		alive: 'Bool',
		name: { string: 'Utf8', capacity: 6 },
		next: { pointer: () => Particle },
		velocity: Vec2,
		history: { array: 'Uint16', length: 3 },
	})
	const bytes = () => new DataView(memory.buffer)

	await check(`${label}: structs: the C layout (offsetOf, sizeOf, alignOf on wasm32)`, () => {
		const offsets = Object.fromEntries(['x', 'y', 'id', 'color', 'alive', 'name', 'next', 'velocity', 'history'].map((field) => [field, heap.offsetOf(Particle, field)]))
		equal(JSON.stringify(offsets), JSON.stringify({ x: 0, y: 8, id: 12, color: 16, alive: 17, name: 18, next: 24, velocity: 28, history: 36 }), 'offsets')
		equal(heap.sizeOf(Particle), 48, 'sizeof')
		equal(heap.alignOf(Particle), 8, 'alignof')
	})

	await check(`${label}: structs: allocStruct, fields read and written in place at C's offsets`, () => {
		const p = heap.allocStruct(Particle, { x: 1.5, id: -7, color: Color.values.Blue, name: 'héll', history: [1, 2] })
		equal(p.address % 8, 0, 'aligned to 8')
		equal(bytes().getFloat64(p.address, true), 1.5, 'x in the heap')
		equal(bytes().getInt32(p.address + 12, true), -7, 'id in the heap')
		equal(p.color, 3, 'an enum reads as its number')
		equal(Color.nameOf(p.color), 'Blue', 'and names it')
		equal(p.name, 'héll', 'an inline UTF-8 string (5 bytes and its terminator)')
		equalArrays(p.history.read(), [1, 2, 0], 'a fixed array field')
		p.y = 0.1
		equal(bytes().getFloat32(p.address + 8, true), Math.fround(0.1), 'y written as a float')
		p.velocity.y = 2.5
		equal(bytes().getFloat32(p.address + 32, true), 2.5, 'a nested struct written in place')
		p.alive = true
		equal(bytes().getUint8(p.address + 17), 1, 'a bool is one byte')
		p.history.writeAt(2, 65535)
		equal(bytes().getUint16(p.address + 40, true), 65535, 'an array element in place')
		const q = heap.allocStruct(Particle, { id: 2 })
		p.next = q
		equal(bytes().getUint32(p.address + 24, true), q.address, 'a pointer field holds the address')
		equal(p.next.id, 2, 'a pointer field reads as a ref of its target')
		const plain = heap.readStruct(Particle, p.address)
		equal(JSON.stringify(plain), JSON.stringify({ x: 1.5, y: Math.fround(0.1), id: -7, color: 3, alive: true, name: 'héll', next: q.address, velocity: { x: 0, y: 2.5 }, history: [1, 2, 65535] }), 'readStruct')
		throws(() => (p.id = 5n), TypeError, ['Particle.id'], 'a bigint for an Int32 field')
		throws(() => (p.name = 'too long'), RangeError, ['Particle.name'], 'a string that does not fit')
		equal(p.name, 'héll', 'nothing written')
		p.free()
		throws(() => p.x, Error, ['freed'], 'a freed struct ref')
		throws(() => p.velocity, Error, ['freed'], 'a nested field of a freed struct ref')
		q.free()
	})

	await check(`${label}: structs: arrays (at, readAt, writeAt, write, read, iteration), and bad input writing nothing`, () => {
		const array = heap.allocStructArray(Vec2, [{ x: 1 }, { y: 2 }, { x: 3, y: 4 }])
		equal(array.elementCount, 3, 'elementCount')
		equal(array.stride, 8, 'stride')
		equal(array.at(2).y, 4, 'at(i) reads in place')
		array.at(0).y = -1
		equal(bytes().getFloat32(array.address + 4, true), -1, 'at(i) writes in place')
		equal(JSON.stringify(array.readAt(1)), JSON.stringify({ x: 0, y: 2 }), 'readAt')
		array.writeAt(1, { x: 9 })
		array.write([{ y: 7 }, {}, { x: 5 }])
		equal(JSON.stringify(array.read()), JSON.stringify([{ x: 1, y: 7 }, { x: 9, y: 2 }, { x: 5, y: 4 }]), 'write(values) and read()')
		equalArrays([...array].map((element) => element.x), [1, 9, 5], 'iteration')
		const before = new Uint8Array(memory.buffer, array.address, 24).slice()
		throws(() => array.readAt(3), RangeError, ['Vec2ArrayRef.readAt', 'index 3'], 'readAt past the end')
		throws(() => array.write([{}, {}, {}, {}]), RangeError, ['4 values'], 'write of too many values')
		throws(() => array.write([{ x: 1 }, { y: 2n }]), TypeError, ['Vec2ArrayRef[1].y'], 'write of a bad value')
		throws(() => heap.writeStruct(Vec2, array.address, { x: 1, z: 2 }), TypeError, ['z'], 'writeStruct of an unknown field')
		equalArrays(new Uint8Array(memory.buffer, array.address, 24), before, 'nothing written by the refused calls')
		array.free()
		throws(() => array.at(0), Error, ['freed'], 'a freed struct array')
	})
}

// ---- atomic read-modify-write, wait and notify -------------------------------------

/** The rows with every read-modify-write operation (the integers and pointers). */
const integerTypes = numericTypes.filter((type) => !['ClampedUint8', 'Float32', 'Float64'].includes(type.name))

async function checkReadModifyWrite(api, check, { label, shared }) {
	const { heap } = newHeap(api, shared)
	const address = 64

	for (const type of integerTypes) {
		const T = type.name
		const v = (n) => (type.big ? BigInt(n) : n)
		const model = (value) => expected(type, value)
		await check(`${label}: add/sub/and/or/xor/exchange/compareExchange${T}Atomic`, () => {
			heap[`write${T}`](address, v(12))
			let held = model(v(12))
			for (const [op, operand] of [['add', 10], ['sub', 5], ['and', 6], ['or', 5], ['xor', 3]]) {
				const o = v(operand)
				const next = model({ add: held + o, sub: held - o, and: held & o, or: held | o, xor: held ^ o }[op])
				equal(heap[`${op}${T}Atomic`](address, o), held, `${op}${T}Atomic returns the old value`)
				equal(heap[`read${T}`](address), next, `after ${op}${T}Atomic(${show(o)})`)
				held = next
			}
			equal(heap[`exchange${T}Atomic`](address, v(9)), held, `exchange${T}Atomic returns the old value`)
			equal(heap[`compareExchange${T}Atomic`](address, v(9), v(4)), v(9), `compareExchange${T}Atomic that matches`)
			equal(heap[`read${T}`](address), v(4), `after a compareExchange${T}Atomic that matched`)
			equal(heap[`compareExchange${T}Atomic`](address, v(9), v(1)), v(4), `compareExchange${T}Atomic that does not match`)
			equal(heap[`read${T}`](address), v(4), 'a compareExchange that did not match writes nothing')
			if (!type.pointer53) {
				heap[`write${T}`](address, v(-1))
				const all = model(v(-1))
				equal(heap[`add${T}Atomic`](address, v(2)), all, `add${T}Atomic at the top of the range`)
				equal(heap[`read${T}`](address), model(all + v(2)), `add${T}Atomic wraps around as in C`)
			}
			if (type.size > 1) throws(() => heap[`add${T}Atomic`](address + 1, v(1)), RangeError, 'is not aligned', `misaligned add${T}Atomic`)
			throws(() => heap[`add${T}Atomic`](address, type.big ? 1 : 1n), TypeError, undefined, `add${T}Atomic of the wrong kind of value`)
		})
		await check(`${label}: ${T}Ref.addAtomic/compareExchangeAtomic and ${T}ArrayRef.addAtomicAt/xorAtomicAt`, () => {
			const ref = heap[`alloc${T}`]()
			ref.write(v(1))
			equal(ref.addAtomic(v(2)), v(1), 'addAtomic returns the old value')
			equal(ref.compareExchangeAtomic(v(3), v(7)), v(3), 'compareExchangeAtomic that matches')
			equal(ref.exchangeAtomic(v(8)), v(7), 'exchangeAtomic')
			equal(ref.read(), v(8), 'the value after')
			ref.free()
			const array = heap[`alloc${T}Array`](3)
			equal(array.addAtomicAt(2, v(5)), v(0), 'addAtomicAt returns the old value')
			equal(array.xorAtomicAt(2, v(1)), v(5), 'xorAtomicAt returns the old value')
			equalArrays([0, 1, 2].map((index) => array.readAt(index)), [v(0), v(0), v(4)].map(model), 'the array after')
			throws(() => array.subAtomicAt(3, v(1)), RangeError, 'subAtomicAt', 'subAtomicAt past the end')
			array.free()
		})
	}

	for (const T of ['Float32', 'Float64']) {
		await check(`${label}: add/exchange/compareExchange${T}Atomic compare bit patterns`, () => {
			heap[`write${T}`](address, 1.5)
			equal(heap[`add${T}Atomic`](address, 0.25), 1.5, `add${T}Atomic returns the old value`)
			equal(heap[`exchange${T}Atomic`](address, -0), 1.75, `exchange${T}Atomic returns the old value`)
			equal(heap[`compareExchange${T}Atomic`](address, 0, 5), -0, `compareExchange${T}Atomic(0, …) on -0 returns -0`)
			equal(heap[`read${T}`](address), -0, '0 does not match -0: nothing written')
			equal(heap[`compareExchange${T}Atomic`](address, -0, NaN), -0, `compareExchange${T}Atomic(-0, NaN)`)
			equal(heap[`compareExchange${T}Atomic`](address, NaN, 2), NaN, 'NaN matches the same NaN')
			equal(heap[`read${T}`](address), 2, 'the value after')
			equal(typeof heap[`and${T}Atomic`], 'undefined', `no and${T}Atomic`)
			const ref = heap[`alloc${T}`]()
			equal(ref.addAtomic(0.5), 0, 'ref.addAtomic')
			equal(ref.read(), 0.5, 'ref value after')
			ref.free()
		})
	}

	await check(`${label}: exchange/compareExchangeClampedUint8Atomic clamp, and ClampedUint8 has no add`, () => {
		heap.writeClampedUint8(address, 7)
		equal(heap.exchangeClampedUint8Atomic(address, 300), 7, 'exchange returns the old value')
		equal(heap.readClampedUint8(address), 255, 'exchange clamps')
		equal(heap.compareExchangeClampedUint8Atomic(address, 999, -5), 255, 'expected is clamped too')
		equal(heap.readClampedUint8(address), 0, 'compareExchange clamps')
		equal(typeof heap.addClampedUint8Atomic, 'undefined', 'no addClampedUint8Atomic')
	})
}

/** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
export function threadMayBlock() {
	try {
		Atomics.wait(new Int32Array(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer), 0, 1, 0)
		return true
	} catch (error) {
		if (error instanceof TypeError) return false
		throw error
	}
}

async function checkWaits(api, check, { label, shared }) {
	const { heap } = newHeap(api, shared)
	const address = 64
	if (!shared) {
		await check(`${label}: waitInt32, waitBigInt64Async on a heap that is not shared are a TypeError naming the reason`, () => {
			throws(() => heap.waitInt32(address, 0, 0), TypeError, ['waitInt32', 'not a SharedArrayBuffer'], 'waitInt32')
			throws(() => heap.waitBigInt64Async(address, 0n, 0), TypeError, ['waitBigInt64Async', 'not a SharedArrayBuffer'], 'waitBigInt64Async')
			equal(heap.notify(address), 0, 'notify on a heap that is not shared wakes nobody')
		})
		return
	}
	heap.writeInt32Atomic(address, 5)
	if (threadMayBlock()) {
		await check(`${label}: waitInt32/waitBigInt64 answer 'not-equal' and 'timed-out' (this thread may block)`, () => {
			equal(heap.waitInt32(address, 4, 0), 'not-equal', 'waitInt32 on another value')
			equal(heap.waitInt32(address, 5, 0), 'timed-out', 'waitInt32 with timeout 0')
			equal(heap.waitBigInt64(address, 5n, 5), 'timed-out', 'waitBigInt64 with timeout 5')
			equal(heap.waitUint32(address, 4), 'not-equal', 'waitUint32 on another value')
		})
	} else {
		await check(`${label}: waitInt32/waitBigInt64 on a thread that may not block (a browser's main thread) are a TypeError naming the reason`, () => {
			throws(() => heap.waitInt32(address, 5, 0), TypeError, ['waitInt32: this thread may not block', 'waitInt32Async'], 'waitInt32')
			throws(() => heap.waitBigInt64(address, 5n, 0), TypeError, ['waitBigInt64: this thread may not block'], 'waitBigInt64')
		})
	}
	await check(`${label}: waitInt32Async answers 'not-equal', 'timed-out', and 'ok' when notify wakes it`, async () => {
		if (typeof Atomics.waitAsync !== 'function') {
			throws(() => heap.waitInt32Async(address, 5), Error, 'no Atomics.waitAsync', 'waitInt32Async without Atomics.waitAsync')
			throw new Skip('no Atomics.waitAsync: the Error naming it was checked')
		}
		// A pending Atomics.waitAsync keeps neither Node's nor Deno's event loop alive (a
		// timeout, or the task that resolves a notified waiter): without a timer the process
		// would end with the promise pending.
		const keepAlive = setInterval(() => {}, 1000)
		try {
			equal(await heap.waitInt32Async(address, 4), 'not-equal', 'on another value')
			equal(await heap.waitInt32Async(address, 5, 5), 'timed-out', 'with timeout 5')
			const woken = heap.waitInt32Async(address, 5)
			const wide = heap.waitBigInt64Async(address, 5n)
			equal(heap.notify(address, 1), 1, 'notify(address, 1) wakes one')
			equal(heap.notify(address), 1, 'notify(address) wakes the rest')
			equal(await woken, 'ok', 'the first waiter')
			equal(await wide, 'ok', 'the 64-bit waiter')
		} finally {
			clearInterval(keepAlive)
		}
	})
}

// ---- construction ----------------------------------------------------------------

async function checkConstruction(api, check) {
	await check('construction: createWasmHeapManager, new WasmHeapManager and option checks', () => {
		const buffer = new ArrayBuffer(1024)
		const alloc = () => 64
		const free = () => {}
		const heap = api.createWasmHeapManager(() => buffer, alloc, free)
		assert(heap instanceof api.WasmHeapManager, 'createWasmHeapManager returns a WasmHeapManager')
		equal(heap.heap, buffer, 'heap.heap')
		const direct = new api.WasmHeapManager(() => buffer, alloc, free, { pollingMode: 'always' })
		direct.writeInt32(8, 42)
		equal(heap.readInt32(8), 42, 'two managers over one buffer')
		throws(() => api.createWasmHeapManager(() => buffer, alloc, free, { trackAllocation: false }), TypeError, 'trackAllocation', 'an unknown option')
		throws(() => api.createWasmHeapManager(() => buffer, alloc, free, { pollingMode: 'sometimes' }), TypeError, 'pollingMode', 'a bad pollingMode')
		throws(() => api.createWasmHeapManager(() => 'no', alloc, free), TypeError, 'getLatestHeap', 'a getLatestHeap that returns no buffer')
		const memory = new WebAssembly.Memory({ initial: 1 })
		throws(() => api.createWasmHeapManager(() => memory, alloc, free), TypeError, 'memory.buffer', 'a getLatestHeap that returns the Memory')
		throws(() => api.createWasmHeapManager(() => buffer, 'malloc', free), TypeError, 'alloc', 'an alloc that is no function')
	})

	// Where the SharedArrayBuffer global is hidden (a page without cross-origin
	// isolation) an engine may still create shared memories: their buffers are heaps too.
	await check('construction: a shared WebAssembly.Memory, even where the SharedArrayBuffer global is missing', () => {
		let memory
		try {
			memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true })
		} catch (error) {
			throw new Skip(`shared WebAssembly.Memory (${error})`)
		}
		const heap = api.createWasmHeapManager(() => memory.buffer, () => 64, () => {})
		heap.writeNullTerminatedUtf8String(64, 'shared héllo')
		equal(heap.readNullTerminatedUtf8String(64), 'shared héllo', 'a string on the shared memory')
		heap.writeInt32Atomic(8, -3)
		equal(heap.readInt32Atomic(8), -3, 'an atomic on the shared memory')
	})
}

// ---- numbers and atomics ---------------------------------------------------------

async function checkNumbers(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared)

	for (const type of numericTypes) {
		const T = type.name
		await check(`${label}: read/write ${T}`, () => {
			// An odd address: plain reads and writes take any alignment.
			const address = 1001
			for (const value of type.samples) {
				const want = expected(type, value)
				heap[`write${T}`](address, value)
				equal(heap[`read${T}`](address), want, `read${T} after write${T}(${show(value)})`)
				equal(rawRead(memory.buffer, type, address), want, `the little-endian bytes of write${T}(${show(value)})`)
			}
			// The view agrees with the writes (views need natural alignment).
			const aligned = 2048
			const view = heap[`view${T}Array`](aligned, type.samples.length)
			assert(view instanceof type.View, `view${T}Array gives a ${type.View.name}`)
			type.samples.forEach((value, index) => heap[`write${T}`](aligned + index * type.size, value))
			equalArrays(view, type.samples.map((value) => asViewElement(type, expected(type, value))), `view${T}Array`)
		})

		await check(`${label}: atomics ${T}`, () => {
			const address = 4096 + type.size * 3 // naturally aligned
			for (const value of type.samples) {
				const want = expected(type, value)
				heap[`write${T}Atomic`](address, value)
				equal(heap[`read${T}Atomic`](address), want, `read${T}Atomic after write${T}Atomic(${show(value)})`)
				equal(heap[`read${T}`](address), want, `read${T} after write${T}Atomic(${show(value)})`)
				heap[`write${T}`](address, value)
				equal(heap[`read${T}Atomic`](address), want, `read${T}Atomic after write${T}(${show(value)})`)
			}
			if (type.size > 1) {
				const E = type.errors ?? T
				throws(() => heap[`read${T}Atomic`](address + 1), RangeError, `read${E}Atomic`, `misaligned read${T}Atomic`)
				throws(() => heap[`write${T}Atomic`](address + 1, zeroOf(type)), RangeError, `write${E}Atomic`, `misaligned write${T}Atomic`)
			}
		})

		await check(`${label}: value types ${T}`, () => {
			if (type.big) {
				throws(() => heap[`write${T}`](16, 1), TypeError, undefined, `write${T} of a number`)
				throws(() => heap[`write${T}Atomic`](16, 1), TypeError, undefined, `write${T}Atomic of a number`)
			} else {
				throws(() => heap[`write${T}`](16, 1n), TypeError, undefined, `write${T} of a bigint`)
				throws(() => heap[`write${T}Atomic`](16, 1n), TypeError, undefined, `write${T}Atomic of a bigint`)
			}
		})
	}

	await check(`${label}: float atomics keep bit patterns`, () => {
		const address = 8192
		const raw = new DataView(memory.buffer)
		heap.writeFloat64Atomic(address, -0)
		equal(raw.getBigUint64(address, true), 0x8000000000000000n, 'bits of -0 (Float64)')
		heap.writeFloat64Atomic(address, 5e-324)
		equal(raw.getBigUint64(address, true), 1n, 'bits of the smallest subnormal (Float64)')
		raw.setBigUint64(address, 0x7ff8000000000001n, true) // a NaN with a payload
		assert(Number.isNaN(heap.readFloat64Atomic(address)), 'readFloat64Atomic of a NaN')
		heap.writeFloat32Atomic(address, -0)
		equal(raw.getUint32(address, true), 0x80000000, 'bits of -0 (Float32)')
		heap.writeFloat32Atomic(address, 1.401298464324817e-45)
		equal(raw.getUint32(address, true), 1, 'bits of the smallest subnormal (Float32)')
	})

	await check(`${label}: Float16 rounds as this runtime's own Float16Array (where it has one) on every path`, () => {
		// Plain reads and writes call DataView's getFloat16/setFloat16 where the runtime has
		// them and convert the Uint16 bits elsewhere; atomics always convert. Both must give
		// the runtime's own rounding (ties to even), and the known bits where it has none.
		const address = 12288
		const raw = new DataView(memory.buffer)
		const known = [[1 / 3, 0x3555], [65504, 0x7bff], [65520, 0x7c00], [-65519.99, 0xfbff], [2 ** -25, 0], [2 ** -25 + 2 ** -40, 1], [5.960464477539063e-8 * 1.5, 2], [-0, 0x8000], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [-Infinity, 0xfc00]]
		const Half = globalThis.Float16Array
		const cell = Half === undefined ? undefined : new Half(1)
		const bitsOfCell = cell === undefined ? undefined : new Uint16Array(cell.buffer)
		let seed = 16
		const values = known.map(([value]) => value)
		for (let i = 0; i < 2000; i++) {
			seed = (seed * 1103515245 + 12345) >>> 0
			values.push(((seed / 2 ** 32) * 2 - 1) * 2 ** ((seed % 44) - 26))
		}
		values.forEach((value, i) => {
			// The known values: the runtime's own Float16Array must give their bits too. The
			// others: what the runtime's Float16Array gives (none to compare with where it has none).
			const want = i < known.length ? known[i][1] : bitsOfCell === undefined ? undefined : ((cell[0] = value), bitsOfCell[0])
			if (bitsOfCell !== undefined && i < known.length) {
				cell[0] = value
				equal(bitsOfCell[0], want, `this runtime's Float16Array rounds ${value}`)
			}
			if (want === undefined) return
			heap.writeFloat16(address + 1, value)
			equal(raw.getUint16(address + 1, true), want, `writeFloat16(${value}) at an odd address`)
			heap.writeFloat16Atomic(address + 4, value)
			equal(raw.getUint16(address + 4, true), want, `writeFloat16Atomic(${value})`)
			raw.setUint16(address + 8, want, true)
			const read = heap.readFloat16(address + 8)
			equal(heap.readFloat16Atomic(address + 8), read, `readFloat16Atomic and readFloat16 of 0x${want.toString(16)}`)
			heap.writeFloat16(address + 10, read)
			equal(raw.getUint16(address + 10, true), want, `readFloat16 then writeFloat16 of 0x${want.toString(16)}`)
		})
		raw.setUint16(address, 0x7e00, true)
		assert(Number.isNaN(heap.readFloat16(address)) && Number.isNaN(heap.readFloat16Atomic(address)), 'a half NaN reads as NaN')
	})

	await check(`${label}: Pointer53 range`, () => {
		const address = 8200
		for (const bad of [-1, 1.5, 2 ** 53, NaN]) {
			throws(() => heap.writePointer53(address, bad), RangeError, 'writePointer53', `writePointer53(${show(bad)})`)
			throws(() => heap.writePointer53Atomic(address, bad), RangeError, 'writePointer53Atomic', `writePointer53Atomic(${show(bad)})`)
		}
		heap.writeBigUint64(address, 2n ** 53n)
		throws(() => heap.readPointer53(address), RangeError, ['readPointer53', String(address), '9007199254740992'], 'readPointer53 of 2^53')
		throws(() => heap.readPointer53Atomic(address), RangeError, 'readPointer53Atomic', 'readPointer53Atomic of 2^53')
	})

	await check(`${label}: BigUint128LE and BigUint256LE`, () => {
		const address = 8257
		const big128 = 2n ** 128n - 2n ** 64n + 12345n
		heap.writeBigUint128LE(address, big128)
		equal(heap.readBigUint128LE(address), big128, 'readBigUint128LE')
		equal(heap.readBigUint64(address), 12345n, 'least significant word first')
		const big256 = 2n ** 255n + 7n
		heap.writeBigUint256LE(address, big256)
		equal(heap.readBigUint256LE(address), big256, 'readBigUint256LE')
		equal(heap.readBigUint64(address + 24), 2n ** 63n, 'most significant word last')
		throws(() => heap.writeBigUint128LE(address, 2n ** 128n), RangeError, 'writeBigUint128LE', '2^128')
		throws(() => heap.writeBigUint256LE(address, -1n), RangeError, 'writeBigUint256LE', '-1n')
		throws(() => heap.writeBigUint128LE(address, 1), TypeError, 'writeBigUint128LE', 'a number')
	})
}

// ---- bounds ----------------------------------------------------------------------

async function checkBounds(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared)
	const heapSize = memory.buffer.byteLength
	const badAddresses = [-1, 1.5, NaN, heapSize, 2 ** 32 + 8, 2 ** 53]

	const expectRangeErrors = (method, call, size) => {
		for (const address of badAddresses) {
			throws(() => call(address), RangeError, method, `${method}(${show(address)}) on a heap of ${heapSize} bytes`)
		}
		if (size > 1) {
			const straddling = heapSize - size + 1
			throws(() => call(straddling), RangeError, [method, 'out of range'], `${method}(${straddling}), running past the end`)
		}
		throws(() => call('16'), TypeError, method, `${method}('16')`)
	}

	for (const type of numericTypes) {
		const T = type.name
		await check(`${label}: bounds ${T}`, () => {
			const value = zeroOf(type)
			const E = type.errors ?? T
			const before = new Uint8Array(memory.buffer).slice(heapSize - 16)
			expectRangeErrors(`read${E}`, (address) => heap[`read${T}`](address), type.size)
			expectRangeErrors(`write${E}`, (address) => heap[`write${T}`](address, type.big ? 5n : 5), type.size)
			expectRangeErrors(`read${E}Atomic`, (address) => heap[`read${T}Atomic`](address), type.size)
			expectRangeErrors(`write${E}Atomic`, (address) => heap[`write${T}Atomic`](address, value), type.size)
			expectRangeErrors(`view${E}Array`, (address) => heap[`view${T}Array`](address, 1), type.size)
			equalArrays(new Uint8Array(memory.buffer).slice(heapSize - 16), before, 'the heap end after failed writes')
			// The last element of the heap is still in range.
			heap[`write${T}`](heapSize - type.size, type.big ? 9n : 9)
			equal(heap[`read${T}`](heapSize - type.size), expected(type, type.big ? 9n : 9), `read${T} of the heap's last element`)
		})
	}

	await check(`${label}: bounds message format`, () => {
		throws(
			() => heap.readInt32(heapSize - 2),
			RangeError,
			`readInt32: address ${heapSize - 2} is out of range: a 4-byte access must end within the heap of ${heapSize} bytes`,
			'readInt32 past the end',
		)
	})

	await check(`${label}: bounds strings`, () => {
		for (const encoding of encodings) {
			const E = encoding.name
			const size = encoding.bytesPerElement
			for (const address of [-1, 1.5, NaN, heapSize, 2 ** 53]) {
				throws(() => heap[`readNullTerminated${E}String`](address), RangeError, `readNullTerminated${E}String`, `readNullTerminated${E}String(${show(address)})`)
				throws(() => heap[`writeNullTerminated${E}String`](address, 'a'), RangeError, `writeNullTerminated${E}String`, `writeNullTerminated${E}String(${show(address)})`)
			}
			// A room that runs past the heap's end.
			throws(() => heap[`writeNullTerminated${E}String`](heapSize - 4 * size, 'a', 8), RangeError, `writeNullTerminated${E}String`, `writeNullTerminated${E}String with room past the end`)
		}
		// No terminator before the heap's end.
		new Uint8Array(memory.buffer).fill(0x41, heapSize - 32)
		throws(() => heap.readNullTerminatedAsciiString(heapSize - 32), RangeError, ['readNullTerminatedAsciiString', 'terminator'], 'a string without terminator')
		throws(() => heap.readNullTerminatedUtf8String(heapSize - 32), RangeError, ['readNullTerminatedUtf8String', 'terminator'], 'a UTF-8 string without terminator')
		equal(heap.readNullTerminatedUtf8String(heapSize - 32, 32), 'A'.repeat(32), 'a bounded read needs no terminator')
	})
}

// ---- strings ---------------------------------------------------------------------

async function checkStrings(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared, { pages: 4 })
	const address = 1024 // aligned for every encoding

	for (const encoding of encodings) {
		const E = encoding.name
		const read = (at, max) => heap[`readNullTerminated${E}String`](at, max)
		const write = (at, value, max) => heap[`writeNullTerminated${E}String`](at, value, max)

		await check(`${label}: strings ${E} round trip`, () => {
			for (const { value, readsAs } of stringCases(encoding)) {
				const count = elementCount(encoding, value)
				equal(write(address, value), count, `writeNullTerminated${E}String(${show(value)}) returns the element count`)
				equal(read(address), readsAs, `readNullTerminated${E}String after writing ${show(value)}`)
				const elements = new encoding.View(memory.buffer, address, count + 1)
				equalArrays(elements.subarray(0, count), encodedElements(encoding, readsAs), `encoded elements of ${show(value)}`)
				equal(elements[count], 0, `terminator after ${show(value)}`)
			}
		})

		await check(`${label}: strings ${E} rooms and limits`, () => {
			const value = E === 'Ascii' ? 'hello' : 'héllo 😀'
			const count = elementCount(encoding, value)
			equal(write(address, value, count + 1), count, 'a room of exactly the size needed')
			equal(read(address), value, 'read after a write into an exact room')
			const before = new Uint8Array(memory.buffer, address, 64).slice()
			throws(() => write(address, `${value}!`, count + 1), RangeError, `writeNullTerminated${E}String`, 'a string one element too long for its room')
			equalArrays(new Uint8Array(memory.buffer, address, 64), before, 'nothing was written by a failed write')
			throws(() => write(address, 42), TypeError, `writeNullTerminated${E}String`, 'a value that is not a string')
			equal(read(address, 2), E === 'Ascii' ? 'he' : E === 'Utf32' ? 'hé' : E === 'Utf16' ? 'hé' : 'h\uFFFD', 'read with maxElementCount 2')
			equal(read(address, 0), '', 'read with maxElementCount 0')
			if (encoding.bytesPerElement > 1) {
				throws(() => read(address + 1), RangeError, `readNullTerminated${E}String`, 'a misaligned read')
				throws(() => write(address + 1, 'a'), RangeError, `writeNullTerminated${E}String`, 'a misaligned write')
			}
		})
	}

	await check(`${label}: strings Ascii rejects non-ASCII and reads Latin-1`, () => {
		const before = new Uint8Array(memory.buffer, address, 16).slice()
		throws(() => heap.writeNullTerminatedAsciiString(address, 'café'), RangeError, ['writeNullTerminatedAsciiString', 'é', 'index 3'], "ASCII writing 'é'")
		equalArrays(new Uint8Array(memory.buffer, address, 16), before, 'nothing was written')
		throws(() => heap.allocNullTerminatedAsciiString('é'), RangeError, 'é', "allocNullTerminatedAsciiString('é')")
		new Uint8Array(memory.buffer).set([0x41, 0xe9, 0xff, 0x80, 0], address)
		equal(heap.readNullTerminatedAsciiString(address), 'A\u00e9\u00ff\u0080', 'bytes 0x80-0xFF read as Latin-1')
	})

	await check(`${label}: strings Utf8 malformed bytes read as TextDecoder reads them`, () => {
		const malformed = [0x61, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98, 0x80, 0xff, 0xed, 0xa0, 0x80, 0x62]
		new Uint8Array(memory.buffer).set([...malformed, 0], address)
		equal(heap.readNullTerminatedUtf8String(address), new TextDecoder().decode(new Uint8Array(malformed)), 'malformed UTF-8')
		const long = []
		for (let index = 0; index < 500; index++) long.push(0x41 + (index % 26), 0xc3, 0xa9, 0xe2, 0x82)
		new Uint8Array(memory.buffer).set([...long, 0], address)
		equal(heap.readNullTerminatedUtf8String(address), new TextDecoder().decode(new Uint8Array(long)), 'long malformed UTF-8')
	})

	await check(`${label}: strings Utf32 rejects elements above 0x10FFFF`, () => {
		new Uint32Array(memory.buffer, address, 3).set([0x41, 0x110000, 0])
		throws(() => heap.readNullTerminatedUtf32String(address), RangeError, ['readNullTerminatedUtf32String', String(address), '0x110000'], 'UTF-32 element 0x110000')
	})
}

// ---- refs ------------------------------------------------------------------------

async function checkValueRefs(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared)

	for (const type of numericTypes) {
		const T = type.name
		await check(`${label}: value ref ${T}`, () => {
			const ref = heap[`alloc${T}`]()
			assert(ref instanceof api[`${T}Ref`], `alloc${T} gives a ${T}Ref`)
			assert(ref instanceof api.HeapRef, `${T}Ref is a HeapRef`)
			equal(ref.address % type.size, 0, 'alignment of the address')
			equal(ref.allocatedByteSize, type.size, 'allocatedByteSize')
			equal(ref.value, zeroOf(type), 'a new ref holds 0')
			for (const value of type.samples) {
				const want = expected(type, value)
				ref.value = value
				equal(ref.value, want, `value after value = ${show(value)}`)
				equal(heap[`read${T}`](ref.address), want, `read${T} of the ref's address`)
				equal(rawRead(memory.buffer, type, ref.address), want, 'the bytes at the address')
				ref.write(value)
				equal(ref.read(), want, `read() after write(${show(value)})`)
				ref.writeAtomic(value)
				equal(ref.readAtomic(), want, `readAtomic() after writeAtomic(${show(value)})`)
			}
			const last = expected(type, type.samples[type.samples.length - 1])
			const wrapped = heap[`wrap${T}`](ref.address)
			assert(wrapped instanceof api[`${T}Ref`], `wrap${T} gives a ${T}Ref`)
			equal(wrapped.value, last, 'a wrapped ref reads the same value')
			equal(ref.allocatedBytesView.length, type.size, 'allocatedBytesView')
			ref.clear()
			equal(wrapped.value, zeroOf(type), 'clear() zeroes the region')
			throws(() => heap[`wrap${T}`](0), RangeError, `wrap${T}`, `wrap${T}(0)`)
			throws(() => heap[`wrap${T}`](memory.buffer.byteLength), RangeError, `wrap${T}`, `wrap${T} past the end`)
			ref.free()
		})
	}
}

async function checkArrayRefs(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared)

	for (const type of numericTypes) {
		const T = type.name
		await check(`${label}: array ref ${T}`, () => {
			const values = type.samples
			const wants = values.map((value) => expected(type, value))
			const array = heap[`alloc${T}Array`](values)
			assert(array instanceof api[`${T}ArrayRef`], `alloc${T}Array gives a ${T}ArrayRef`)
			assert(array instanceof api.ArrayHeapRef, `${T}ArrayRef is an ArrayHeapRef`)
			equal(array.elementCount, values.length, 'elementCount')
			equal(array.bytesPerElement, type.size, 'bytesPerElement')
			equal(array.allocatedByteSize, values.length * type.size, 'allocatedByteSize')
			equal(array.address % type.size, 0, 'alignment of the address')
			assert(array.view instanceof type.View, `view is a ${type.View.name}`)
			equalArrays(array.view, wants.map((value) => asViewElement(type, value)), 'view after alloc from values')
			wants.forEach((want, index) => equal(array.readAt(index), want, `readAt(${index})`))
			const reversed = [...values].reverse()
			reversed.forEach((value, index) => array.writeAt(index, value))
			equalArrays(
				Array.from({ length: values.length }, (_, index) => array.readAtomicAt(index)),
				reversed.map((value) => expected(type, value)),
				'readAtomicAt after writeAt',
			)
			values.forEach((value, index) => array.writeAtomicAt(index, value))
			equalArrays(
				Array.from({ length: values.length }, (_, index) => array.readAt(index)),
				wants,
				'readAt after writeAtomicAt',
			)
			equalArrays(
				Array.from({ length: values.length }, (_, index) => rawRead(memory.buffer, type, array.address + index * type.size)),
				wants,
				'the bytes of the array',
			)
			for (const index of [-1, values.length, 1.5, NaN]) {
				throws(() => array.readAt(index), RangeError, 'readAt', `readAt(${show(index)})`)
				throws(() => array.writeAt(index, zeroOf(type)), RangeError, 'writeAt', `writeAt(${show(index)})`)
				throws(() => array.readAtomicAt(index), RangeError, 'readAtomicAt', `readAtomicAt(${show(index)})`)
			}
			const wrapped = heap[`wrap${T}Array`](array.address, values.length)
			equalArrays(Array.from({ length: values.length }, (_, index) => wrapped.readAt(index)), wants, 'a wrapped array')
			if (type.size > 1) {
				throws(() => heap[`wrap${T}Array`](array.address + 1, 1), RangeError, `wrap${T}Array`, 'a misaligned wrap')
			}

			const zeros = heap[`alloc${T}Array`](7)
			equal(zeros.elementCount, 7, 'elementCount of alloc by count')
			equalArrays(zeros.view, new Array(7).fill(type.big || type.pointer53 ? 0n : 0), 'alloc by count gives zeros')
			const empty = heap[`alloc${T}Array`](0)
			equal(empty.allocatedByteSize, 0, 'allocatedByteSize of an empty array')
			assert(empty.address > 0 && empty.address !== zeros.address && empty.address !== array.address, 'an empty array has a unique non-null address')
			equal(empty.view.length, 0, 'view of an empty array')

			const live = heap.allocatedRefs.length
			throws(() => heap[`alloc${T}Array`](-1), RangeError, `alloc${T}Array`, `alloc${T}Array(-1)`)
			throws(() => heap[`alloc${T}Array`](1.5), RangeError, `alloc${T}Array`, `alloc${T}Array(1.5)`)
			throws(() => heap[`alloc${T}Array`]('3'), TypeError, `alloc${T}Array`, `alloc${T}Array('3')`)
			throws(() => heap[`alloc${T}Array`]([type.big ? 1 : 1n]), TypeError, undefined, `alloc${T}Array of a value of the wrong type`)
			equal(heap.allocatedRefs.length, live, 'nothing stays allocated after a failed alloc')
			heap.freeAll()
		})
	}
}

async function checkStringRefs(api, check, { label, shared }) {
	const { heap, memory } = newHeap(api, shared, { pages: 4 })

	for (const encoding of encodings) {
		const E = encoding.name
		const size = encoding.bytesPerElement
		await check(`${label}: string ref ${E}`, () => {
			for (const { value, readsAs } of stringCases(encoding)) {
				const count = elementCount(encoding, value)
				const ref = heap[`allocNullTerminated${E}String`](value)
				assert(ref instanceof api[`${E}StringRef`], `allocNullTerminated${E}String gives a ${E}StringRef`)
				equal(ref.address % size, 0, 'alignment')
				equal(ref.allocatedByteSize, (count + 1) * size, `allocatedByteSize of ${show(value)}`)
				equal(ref.value, readsAs, `value of ${show(value)}`)
				equal(ref.read(), readsAs, `read() of ${show(value)}`)
				equal(ref.bytesPerElement, size, 'bytesPerElement')
				equal(ref.encodedElementCount, count, `encodedElementCount of ${show(value)}`)
				equal(ref.encodedByteLength, count * size, `encodedByteLength of ${show(value)}`)
				assert(ref.encodedElementsView instanceof encoding.View, `encodedElementsView is a ${encoding.View.name}`)
				equalArrays(ref.encodedElementsView, encodedElements(encoding, readsAs), `encodedElementsView of ${show(value)}`)
				equal(ref.encodedBytesView.length, count * size, 'encodedBytesView')
				const wrapped = heap[`wrapNullTerminated${E}String`](ref.address)
				equal(wrapped.value, readsAs, `a wrapped string ${show(value)}`)
				equal(wrapped.allocatedByteSize, (count + 1) * size, 'capacity of a wrapped string')
				ref.free()
			}

			const room = heap[`allocNullTerminated${E}String`](10)
			equal(room.allocatedByteSize, 11 * size, 'alloc by capacity: (capacity + 1) elements')
			equal(room.value, '', 'alloc by capacity holds an empty string')
			const fits = E === 'Ascii' ? 'ten chars!' : E === 'Utf8' ? 'héllo wö' : 'héllo 😀ö'
			room.value = fits
			equal(room.value, fits, 'a value that fits the capacity')
			room.write('ab')
			equal(room.read(), 'ab', 'write() then read()')
			const before = new Uint8Array(memory.buffer, room.address, room.allocatedByteSize).slice()
			throws(() => (room.value = 'x'.repeat(11)), RangeError, undefined, 'a value longer than the capacity')
			equalArrays(new Uint8Array(memory.buffer, room.address, room.allocatedByteSize), before, 'nothing written by a failed set')
			const bounded = heap[`wrapNullTerminated${E}String`](room.address, 4)
			equal(bounded.allocatedByteSize, 4 * size, 'wrap with a capacity')
			throws(() => heap[`wrapNullTerminated${E}String`](0), RangeError, `wrapNullTerminated${E}String`, 'wrap of address 0')
			room.clear()
			equal(room.value, '', 'clear()')
			room.free()
		})
	}
}

async function checkFreedRefs(api, check, { label, shared }) {
	const { heap, allocator } = newHeap(api, shared)
	await check(`${label}: freed refs throw`, () => {
		const value = heap.allocFloat64()
		const array = heap.allocInt16Array([1, 2, 3])
		const text = heap.allocNullTerminatedUtf8String('freed')
		const freesBefore = allocator.freeCalls
		for (const ref of [value, array, text]) {
			equal(ref.isFreed, false, 'isFreed before free()')
			ref.free()
			equal(ref.isFreed, true, 'isFreed after free()')
			ref.free() // a second free does nothing
		}
		equal(allocator.freeCalls - freesBefore, 3, 'the allocator freed each region once')
		const attempts = [
			['Float64Ref.value', () => value.value],
			['Float64Ref.write', () => value.write(1)],
			['Float64Ref.readAtomic', () => value.readAtomic()],
			['Float64Ref.writeAtomic', () => value.writeAtomic(1)],
			['Float64Ref.clear', () => value.clear()],
			['Float64Ref.allocatedBytesView', () => value.allocatedBytesView],
			['Int16ArrayRef.readAt', () => array.readAt(0)],
			['Int16ArrayRef.writeAt', () => array.writeAt(0, 1)],
			['Int16ArrayRef.readAtomicAt', () => array.readAtomicAt(0)],
			['Int16ArrayRef.view', () => array.view],
			['Utf8StringRef.value', () => text.value],
			['Utf8StringRef.write', () => text.write('x')],
			['Utf8StringRef.encodedElementCount', () => text.encodedElementCount],
		]
		for (const [what, attempt] of attempts) throws(attempt, Error, 'freed', what)
	})

	await check(`${label}: Symbol.dispose frees`, () => {
		if (typeof Symbol.dispose !== 'symbol') throw new Skip('Symbol.dispose is not defined')
		const ref = heap.allocInt32()
		ref[Symbol.dispose]()
		equal(ref.isFreed, true, 'isFreed after [Symbol.dispose]()')
	})
}

// ---- tracking --------------------------------------------------------------------

async function checkTracking(api, check, { label, shared }) {
	await check(`${label}: tracking`, () => {
		const { heap, allocator } = newHeap(api, shared)
		equal(heap.allocatedRefs.length, 0, 'no refs at first')
		const a = heap.allocInt32()
		const b = heap.allocFloat64Array(4)
		const s = heap.allocNullTerminatedUtf16String('hi')
		const wrapped = heap.wrapInt32(a.address)
		const refs = heap.allocatedRefs
		equal(refs.length, 3, 'allocatedRefs counts the allocated refs')
		assert(refs.includes(a) && refs.includes(b) && refs.includes(s), 'allocatedRefs holds the refs')
		assert(!refs.includes(wrapped), 'wrapped refs are not tracked')
		assert(heap.allocatedRefs !== refs, 'allocatedRefs is a new array each time')
		equal(heap.totalAllocatedByteSize, 4 + 32 + 6, 'totalAllocatedByteSize')
		heap.free(a.address)
		equal(a.isFreed, true, 'free(address) frees the ref')
		equal(heap.allocatedRefs.length, 2, 'allocatedRefs after free(address)')
		equal(heap.totalAllocatedByteSize, 38, 'totalAllocatedByteSize after free(address)')
		throws(() => heap.free(a.address), RangeError, 'free', 'free(address) of a freed ref')
		throws(() => heap.free(12345), RangeError, 'free', 'free(address) of an unknown address')
		heap.freeAll()
		equal(b.isFreed && s.isFreed, true, 'freeAll frees every ref')
		equal(heap.allocatedRefs.length, 0, 'allocatedRefs after freeAll')
		equal(heap.totalAllocatedByteSize, 0, 'totalAllocatedByteSize after freeAll')
		equal(allocator.usedByteSize, 0, 'the allocator holds nothing after freeAll')
		allocator.check()
	})

	await check(`${label}: tracking off`, () => {
		const { heap, allocator } = newHeap(api, shared, { options: { trackAllocations: false } })
		const ref = heap.allocInt32()
		throws(() => heap.allocatedRefs, Error, 'tracking', 'allocatedRefs without tracking')
		throws(() => heap.totalAllocatedByteSize, Error, 'tracking', 'totalAllocatedByteSize without tracking')
		throws(() => heap.freeAll(), Error, 'tracking', 'freeAll() without tracking')
		throws(() => heap.free(ref.address), Error, 'tracking', 'free(address) without tracking')
		ref.free()
		equal(allocator.usedByteSize, 0, 'ref.free() still frees')
	})

	await check(`${label}: tracking replaces a stale entry`, () => {
		const { heap, allocator } = newHeap(api, shared)
		const first = heap.allocInt32()
		allocator.free(first.address) // C code frees behind the manager's back
		const second = heap.allocInt32()
		equal(second.address, first.address, 'the allocator handed the address out again')
		equal(first.isFreed, true, 'the stale ref is marked freed')
		equal(heap.allocatedRefs.length, 1, 'one live tracked ref')
		first.free() // must not free the new region
		equal(second.isFreed, false, 'the new ref stays live')
		second.value = 5
		equal(second.value, 5, 'the new ref works')
	})
}

// ---- the built-in allocator ------------------------------------------------------

/** A small seeded PRNG (xorshift32), so every runtime replays the same sequence. */
function seededRandom(seed) {
	let state = seed >>> 0 || 1
	const next = () => {
		state ^= state << 13
		state ^= state >>> 17
		state ^= state << 5
		return (state >>> 0) / 2 ** 32
	}
	return { next, int: (low, high) => low + Math.floor(next() * (high - low)) }
}

/** The block `alloc(byteSize)` takes at least: an 8-byte header plus the bytes, rounded up to 8, and at least 16. */
function minimumBlock(byteSize) {
	return Math.max(16, Math.ceil((byteSize + 8) / 8) * 8)
}

async function checkBuiltInAllocator(api, check, { label, shared }) {
	await check(`${label}: built-in allocator: 6,000 seeded allocations and frees (0-64 KiB, alignments 1-4096) against a model`, () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 1024, shared })
		const allocator = api.createHeapAllocator(memory)
		const overhead = memory.buffer.byteLength - allocator.freeByteSize
		const random = seededRandom(16)
		const live = [] // { address, end, block, serial }, sorted by address
		let used = 0
		const indexOf = (address) => {
			let low = 0
			let high = live.length
			while (low < high) {
				const middle = (low + high) >> 1
				if (live[middle].address < address) low = middle + 1
				else high = middle
			}
			return low
		}
		for (let serial = 1; serial <= 6000; serial++) {
			if (live.length > 0 && random.next() < (live.length > 150 ? 0.7 : 0.3)) {
				const region = live.splice(random.int(0, live.length), 1)[0]
				if (region.end - region.address >= 4) {
					equal(new DataView(memory.buffer).getUint32(region.address, true), region.serial, `the region at ${region.address} kept its bytes`)
				}
				const before = allocator.usedByteSize
				allocator.free(region.address)
				equal(before - allocator.usedByteSize, region.block, `free(${region.address}) gives back what its alloc took`)
				used -= region.block
			} else {
				const bits = random.int(0, 17)
				const byteSize = random.next() < 0.03 ? 0 : Math.min(65536, random.int(1 << Math.max(0, bits - 1), (1 << bits) + 1))
				const alignment = random.next() < 0.7 ? undefined : 1 << random.int(0, 13)
				const before = allocator.usedByteSize
				const address = allocator.alloc(byteSize, alignment)
				assert(address > 0, `alloc(${byteSize}, ${alignment}) succeeded (the memory may grow)`)
				equal(address % (alignment ?? 8), 0, `alloc(${byteSize}, ${alignment}) is aligned`)
				assert(address + byteSize <= memory.buffer.byteLength, `alloc(${byteSize}) lies inside the heap`)
				const block = allocator.usedByteSize - before
				assert(block === minimumBlock(byteSize) || block === minimumBlock(byteSize) + 8, `alloc(${byteSize}) took a ${block}-byte block`)
				const end = address + Math.max(byteSize, 1)
				const at = indexOf(address)
				assert(at === 0 || live[at - 1].end <= address, `[${address}, ${end}) does not overlap the region before it`)
				assert(at === live.length || live[at].address >= end, `[${address}, ${end}) does not overlap the region after it`)
				live.splice(at, 0, { address, end, block, serial })
				if (byteSize >= 4) new DataView(memory.buffer).setUint32(address, serial, true)
				used += block
			}
			if (serial % 250 === 0) {
				equal(allocator.usedByteSize, used, `usedByteSize after ${serial} operations`)
				allocator.check()
			}
		}
		assert(memory.buffer.byteLength > pageSize, 'the memory grew')
		for (const region of live) allocator.free(region.address)
		allocator.check()
		equal(allocator.usedByteSize, 0, 'usedByteSize after freeing everything')
		equal(allocator.freeByteSize, memory.buffer.byteLength - overhead, 'the free blocks span the grown range')
		equal(allocator.largestFreeBlock, allocator.freeByteSize, 'one free block spans the whole range')
	})

	await check(`${label}: built-in allocator: createWasmHeapManager(memory), failures and bad frees`, () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 8, shared })
		const heap = api.createWasmHeapManager(memory)
		const values = heap.allocFloat64Array([1.5, 2.5, 3.5])
		const text = heap.allocNullTerminatedUtf8String('héllo 😀')
		equal(values.readAt(2), 3.5, 'an array on a bare memory')
		equal(text.value, 'héllo 😀', 'a string on a bare memory')
		const large = heap.allocUint8Array(3 * pageSize) // grows the memory
		large.writeAt(3 * pageSize - 1, 7)
		equal(large.readAt(3 * pageSize - 1), 7, 'the end of a region that grew the memory')
		const allocator = api.createHeapAllocator(memory) // joins the manager's pool
		const used = allocator.usedByteSize
		throws(() => heap.allocUint8Array(8 * pageSize), Error, 'allocating 524288 bytes failed', 'past the memory maximum')
		equal(allocator.usedByteSize, used, 'a failed allocation leaves the pool as it was')
		const address = allocator.alloc(100, 64)
		equal(address % 64, 0, 'alloc(100, 64) is 64-byte aligned')
		allocator.free(address)
		throws(() => allocator.free(address), RangeError, 'is not a live block', 'a second free')
		throws(() => allocator.free(values.address + 8), RangeError, 'is not a live block', 'an address inside a block')
		heap.freeAll()
		equal(allocator.usedByteSize, 0, 'freeAll gives every block back')
		allocator.check()
		const fixed = api.createWasmHeapManager(new ArrayBuffer(pageSize))
		throws(() => fixed.allocUint8Array(pageSize), Error, `allocating ${pageSize} bytes failed`, 'a fixed ArrayBuffer does not grow')
		equal(fixed.allocInt32Array([1, 2]).readAt(1), 2, 'a fixed ArrayBuffer still serves what fits')
	})
}

// ---- Emscripten-like modules -----------------------------------------------------

async function checkEmscriptenModule(api, check, { label, shared }) {
	await check(`${label}: wrapEmscriptenModuleHeap`, () => {
		const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared })
		const allocator = createAllocator(api, memory)
		const withMemory = api.wrapEmscriptenModuleHeap({ _malloc: allocator.alloc, _free: allocator.free, wasmMemory: memory })
		const ref = withMemory.allocFloat64Array([1.5, 2.5])
		const module = { _malloc: allocator.alloc, _free: allocator.free, HEAPU8: new Uint8Array(memory.buffer) }
		const withHeapU8 = api.wrapEmscriptenModuleHeap(module)
		equal(withHeapU8.readFloat64(ref.address + 8), 2.5, 'HEAPU8 module reads what the wasmMemory module wrote')
		throws(() => api.wrapEmscriptenModuleHeap({ _malloc: allocator.alloc, wasmMemory: memory }), Error, '-sEXPORTED_FUNCTIONS', 'a module without _free')
		throws(() => api.wrapEmscriptenModuleHeap({ _malloc: allocator.alloc, _free: allocator.free }), Error, 'HEAPU8', 'a module without a heap')
		throws(() => api.wrapEmscriptenModuleHeap(Promise.resolve({})), TypeError, 'await', 'an un-awaited module promise')
		ref.free()
	})
}

// ---- growth ----------------------------------------------------------------------

async function checkPlainGrowth(api, check) {
	await check('plain: growth', () => {
		const { heap, memory } = newHeap(api, false, { pages: 1, maximum: 64 })
		const value = heap.allocFloat64()
		value.value = 1.25
		const array = heap.allocInt32Array([1, 2, 3])
		const text = heap.allocNullTerminatedUtf8String('grow héllo')
		const oldView = heap.viewUint8Array(0, 16)
		const oldBuffer = memory.buffer
		memory.grow(2)
		equal(oldBuffer.byteLength, 0, 'the old buffer is detached')
		equal(oldView.length, 0, 'an old view is empty')
		equal(value.value, 1.25, 'a value ref after growth')
		equal(array.readAt(2), 3, 'an array ref after growth')
		equal(text.value, 'grow héllo', 'a string ref after growth')
		equal(heap.heap.byteLength, 3 * pageSize, 'heap.heap is the grown buffer')
		const grown = 3 * pageSize - 8
		heap.writeFloat64(grown, 2.5)
		equal(heap.readFloat64(grown), 2.5, 'an address in the grown part')
		equal(new DataView(memory.buffer).getFloat64(grown, true), 2.5, 'the bytes in the grown part')
		// The allocator grows the memory inside alloc: the new ref lies in the grown part.
		const big = heap.allocFloat64Array(40000)
		assert(big.address + big.allocatedByteSize > 3 * pageSize, 'the new array lies in the newly grown part')
		big.writeAt(39999, -7.5)
		equal(big.readAt(39999), -7.5, 'the last element of an array allocated by growing')
		equal(value.value, 1.25, 'an old ref after the allocator grew the memory')
		equal(heap.readNullTerminatedUtf8String(text.address), 'grow héllo', 'a string after the allocator grew the memory')
		for (const mode of ['always', 'never']) {
			const other = api.createWasmHeapManager(() => memory.buffer, () => 16, () => {}, { pollingMode: mode })
			memory.grow(1)
			const lastElement = big.address + 39999 * 8
			if (mode === 'always') equal(other.readFloat64(lastElement), -7.5, "pollingMode 'always' after growth")
			else throws(() => other.readFloat64(lastElement), RangeError, 'readFloat64', "pollingMode 'never' keeps the detached buffer")
		}
	})
}

async function checkSharedGrowth(api, check) {
	await check('shared: growth', () => {
		const { heap, memory } = newHeap(api, true, { pages: 1, maximum: 64 })
		const value = heap.allocBigInt64()
		value.value = -42n
		const array = heap.allocFloat32Array([0.5, 1.5])
		const text = heap.allocNullTerminatedUtf16String('shared 😀')
		const oldView = heap.viewInt32Array(0, 4)
		const oldBuffer = memory.buffer
		memory.grow(2)
		equal(oldBuffer.byteLength, pageSize, 'the old SharedArrayBuffer keeps its length')
		equal(oldView.length, 4, 'an old view keeps its length')
		heap.writeInt32(4, 99)
		equal(oldView[1], 99, 'an old view still aliases the memory')
		const grown = 2 * pageSize + 4
		heap.writeInt32(grown, 77) // no explicit poll: the manager notices the growth
		equal(heap.readInt32(grown), 77, 'an address in the grown part')
		equal(new Int32Array(memory.buffer)[grown / 4], 77, 'the bytes in the grown part')
		heap.writeBigInt64Atomic(2 * pageSize + 16, -5n)
		equal(heap.readBigInt64Atomic(2 * pageSize + 16), -5n, 'an atomic in the grown part')
		equal(heap.writeNullTerminatedUtf16String(2 * pageSize + 64, 'grown 😀'), 8, 'a string in the grown part')
		equal(heap.readNullTerminatedUtf16String(2 * pageSize + 64), 'grown 😀', 'reading it back')
		equal(value.value, -42n, 'a value ref after growth')
		equal(array.readAt(1), 1.5, 'an array ref after growth')
		equal(text.value, 'shared 😀', 'a string ref after growth')
		equal(heap.heap.byteLength, 3 * pageSize, 'heap.heap is the grown buffer')
		const big = heap.allocUint8Array(4 * pageSize)
		assert(big.address + big.allocatedByteSize > 3 * pageSize, 'the new array lies in the newly grown part')
		big.writeAt(4 * pageSize - 1, 200)
		equal(big.readAt(4 * pageSize - 1), 200, 'the last element of an array allocated by growing')
		// A string that starts before the old end and runs into the grown part.
		const straddle = memory.buffer.byteLength - 4
		const stale = api.createWasmHeapManager(() => memory.buffer, () => 16, () => {})
		memory.grow(1)
		heap.writeNullTerminatedUtf8String(straddle, 'straddles the old end')
		equal(stale.readNullTerminatedUtf8String(straddle), 'straddles the old end', 'a string read across the old end of the heap')
	})
}

// ---- resizable and growable buffers ------------------------------------------------

async function checkResizableBuffers(api, check) {
	const kinds = [
		{
			name: 'resizable ArrayBuffer heap',
			make: () => new ArrayBuffer(16384, { maxByteLength: 4 * pageSize }),
			works: (buffer) => buffer.resizable === true,
			grow: (buffer, byteLength) => buffer.resize(byteLength),
			canShrink: true,
		},
		{
			name: 'growable SharedArrayBuffer heap',
			make: () => {
				if (typeof SharedArrayBuffer === 'undefined') throw new Skip('SharedArrayBuffer is not defined')
				return new SharedArrayBuffer(16384, { maxByteLength: 4 * pageSize })
			},
			works: (buffer) => buffer.growable === true,
			grow: (buffer, byteLength) => buffer.grow(byteLength),
			canShrink: false,
		},
	]
	for (const kind of kinds) {
		await check(kind.name, () => {
			let buffer
			try {
				buffer = kind.make()
			} catch (error) {
				throw error instanceof Skip ? error : new Skip(describeError(error))
			}
			if (!kind.works(buffer)) throw new Skip('the constructor ignores maxByteLength')
			let next = 64
			const heap = api.createWasmHeapManager(
				() => buffer,
				(byteSize) => {
					const address = next
					next += Math.max(16, Math.ceil(byteSize / 16) * 16)
					return address
				},
				() => {},
			)
			const texts = encodings.map((encoding) => {
				const value = encoding.name === 'Ascii' ? 'ascii '.repeat(200) : `resizable héllo 😀 \uD800 ${'é'.repeat(900)}`
				const ref = heap[`allocNullTerminated${encoding.name}String`](value)
				const readsAs = encoding.name === 'Utf8' ? replaceLoneSurrogates(value) : value
				equal(ref.value, readsAs, `a long ${encoding.name} string`)
				return { encoding, ref, readsAs }
			})
			const number = heap.allocFloat64()
			number.value = -2.5
			heap.writeInt32Atomic(16, 123)
			equal(heap.readInt32Atomic(16), 123, 'an atomic')
			kind.grow(buffer, 3 * pageSize)
			equal(heap.heap.byteLength, 3 * pageSize, 'heap.heap after growing')
			heap.writeFloat64(3 * pageSize - 8, 7.25)
			equal(heap.readFloat64(3 * pageSize - 8), 7.25, 'an address in the grown part')
			equal(heap.writeNullTerminatedUtf16String(2 * pageSize, 'grown 😀'), 8, 'a string in the grown part')
			equal(heap.readNullTerminatedUtf16String(2 * pageSize), 'grown 😀', 'reading it back')
			next = 2 * pageSize + 1024
			const later = heap.allocInt32Array([1, 2, 3])
			equal(later.readAt(2), 3, 'an array allocated in the grown part')
			for (const { encoding, ref, readsAs } of texts) equal(ref.value, readsAs, `the ${encoding.name} string after growing`)
			equal(number.value, -2.5, 'a value ref after growing')
			throws(() => heap.readInt8(3 * pageSize), RangeError, 'readInt8', 'one past the grown end')
			if (kind.canShrink) {
				kind.grow(buffer, 32768)
				throws(() => heap.readInt32(32768), RangeError, 'readInt32', 'past the end after shrinking')
				throws(() => later.readAt(0), RangeError, undefined, 'an array ref whose region was cut off')
				equal(number.value, -2.5, 'a value ref still inside after shrinking')
			}
		})
	}
}

// ---- a heap above 4 GiB ------------------------------------------------------------

async function checkFiveGiB(api, check, report) {
	const name = '5 GiB ArrayBuffer'
	const size = 5 * 2 ** 30
	let buffer
	try {
		buffer = new ArrayBuffer(size)
	} catch (error) {
		report.skip(name, describeError(error))
		return
	}
	try {
		await check(`${name}: accesses above 2^32`, () => {
			equal(buffer.byteLength, size, 'byteLength')
			let next = 2 ** 32 + 4096
			const heap = api.createWasmHeapManager(
				() => buffer,
				(bytes) => {
					const address = next
					next += Math.ceil(bytes / 16) * 16
					return address
				},
				() => {},
			)
			const high = 2 ** 32 + 3
			heap.writeFloat64(high, Math.E)
			equal(heap.readFloat64(high), Math.E, 'readFloat64 above 2^32 (unaligned)')
			equal(new DataView(buffer).getFloat64(high, true), Math.E, 'the bytes above 2^32')
			heap.writeInt32Atomic(2 ** 32 + 8, -9)
			equal(heap.readInt32Atomic(2 ** 32 + 8), -9, 'an atomic above 2^32')
			heap.writeFloat64Atomic(2 ** 32 + 16, -0)
			equal(heap.readFloat64Atomic(2 ** 32 + 16), -0, 'a float atomic above 2^32')
			heap.writeUint8(size - 1, 255)
			equal(heap.readUint8(size - 1), 255, 'the last byte')
			throws(() => heap.readUint8(size), RangeError, 'readUint8', 'one past the last byte')
			throws(() => heap.readInt32(size - 2), RangeError, 'readInt32', 'an access past the last byte')
			equal(heap.writeNullTerminatedUtf8String(2 ** 32 + 100, 'héllo above 4 GiB 😀'), 23, 'a UTF-8 string above 2^32')
			equal(heap.readNullTerminatedUtf8String(2 ** 32 + 100), 'héllo above 4 GiB 😀', 'reading it back')
			equal(heap.writeNullTerminatedUtf16String(2 ** 32 + 200, 'ütf-16 😀'), 9, 'a UTF-16 string above 2^32')
			equal(heap.readNullTerminatedUtf16String(2 ** 32 + 200), 'ütf-16 😀', 'reading it back')
			const view = heap.viewFloat64Array(2 ** 32 + 1024, 2)
			view[1] = 6.5
			equal(heap.readFloat64(2 ** 32 + 1032), 6.5, 'a view above 2^32')
			const array = heap.allocFloat64Array([1, 2, 3])
			assert(array.address > 2 ** 32, 'an array allocated above 2^32')
			array.writeAt(2, 33)
			equal(array.readAt(2), 33, 'an array ref above 2^32')
			equal(array.view[2], 33, 'its view')
			const text = heap.allocNullTerminatedUtf32String('über 😀')
			equal(text.value, 'über 😀', 'a UTF-32 string ref above 2^32')
			heap.freeAll()
		})
	} finally {
		// Release the 5 GiB at once where the engine can (transfer detaches it), else drop it.
		if (typeof buffer.transfer === 'function') buffer.transfer(0)
		buffer = undefined
	}
}
