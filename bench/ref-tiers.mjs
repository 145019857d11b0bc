/**
 * The four ref cases of the numeric suite (`Float64Ref` value, `Int32Ref` value += 1,
 * `Float64ArrayRef` readAt, `Int32ArrayRef` writeAt) in its two loop shapes, plus
 * library-free models of the same paths, small enough to run under V8's tracing flags:
 * how bench/notes.ts's Node 24 findings (`node24RefTiers`) were made. Plain JavaScript on
 * a build of the library (dist/index.js: `npm run build` first, or LIBRARY=<path to an
 * index.js>), without tsx: loading tsx changes what Maglev inlines (see `--spawn`).
 *
 *   $N24 bench/ref-tiers.mjs readAt                  one case, pristine: refRead, refUpdate, readAt, writeAt
 *                                                    (refReadMethod: `ref.read()`, not in the suite)
 *   $N24 bench/ref-tiers.mjs readAt realistic        a memory grown and the refs' error paths taken first
 *   $N24 bench/ref-tiers.mjs readAt --spawn          after a `spawnSync`, as tsx's esbuild does when it loads: on
 *                                                    Node 24 that invalidates V8's TypedArrayLengthLookupChain
 *                                                    protector (`--trace-protector-invalidation`)
 *   $N24 bench/ref-tiers.mjs model [--spawn|--detach]
 *                                                    the value ref's read path as a getter and as a method, and
 *                                                    array-ref index checks, on a class of their own
 *   $N24 --always-osr-from-maglev bench/ref-tiers.mjs writeAt
 *   $N24 --prof bench/ref-tiers.mjs refUpdate        then `$N24 --prof-process isolate*.log`
 *   $N24 --trace-maglev-inlining bench/ref-tiers.mjs model | grep 'get value'
 *
 * ($N24: a Node 24 binary, see bench/node24.mjs; `node` runs the same on Node 20.) Each
 * line gives the median ns per operation over the last half of the timed calls. Every
 * loop is compiled with `new Function` under a name of its own (`lib_long`, `lib_slice`,
 * `lib_short`, `raw_...`, `model_...`): no shared feedback, and `--print-opt-code-filter`
 * and `--prof` can name them.
 */
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const [which = 'refRead', ...rest] = process.argv.slice(2)
const flags = new Set(rest)
if (flags.has('--spawn')) spawnSync(process.execPath, ['--version'])
if (flags.has('--detach')) {
	const buffer = new ArrayBuffer(8)
	structuredClone(buffer, { transfer: [buffer] })
}

const operations = 1 << 18
const chunk = 4096
const mask = chunk - 1

/** A function named `name` running `body`, with the `scope` entries as constants (as bench/compile.ts). */
function compile(name, body, scope) {
	const names = Object.keys(scope)
	return new Function(...names, `'use strict'\nreturn function ${name}() {\n${body}\n}`)(...names.map((key) => scope[key]))
}

/** `statement` in both loop shapes: one call of `operations` iterations; 64 calls of a 4096-iteration function. */
function shapes(name, init, statement, result, scope) {
	const slice = (start, end) => `${init}\nfor (let i = ${start}; i < ${end}; i++) ${statement}\nreturn ${result}`
	const inner = compile(`${name}_make`, `return function ${name}_slice(start, end) {\n${slice('start', 'end')}\n}`, scope)()
	return {
		long: compile(`${name}_long`, slice('0', 'operations'), { ...scope, operations }),
		short: compile(`${name}_short`, `let total = 0\nfor (let start = 0; start < ${operations}; start += ${chunk}) total += slice(start, start + ${chunk})\nreturn total`, { slice: inner }),
	}
}

/** Times every batch in turn, `rounds` times, and prints the medians of the last half. */
function report(label, batches, rounds = 40) {
	const times = Object.fromEntries(Object.keys(batches).map((name) => [name, []]))
	for (let round = 0; round < rounds; round++) {
		for (const [name, batch] of Object.entries(batches)) {
			const start = process.hrtime.bigint()
			batch()
			times[name].push(Number(process.hrtime.bigint() - start) / operations)
		}
	}
	const median = (values) => values.slice(rounds >> 1).sort((a, b) => a - b)[rounds >> 2]
	const state = [...flags].join(' ')
	console.log(`node ${process.version}, ${label}${state === '' ? '' : ` ${state}`}: ${Object.entries(times).map(([name, values]) => `${name} ${median(values).toFixed(2)} ns`).join(', ')}`)
}

const loops = {
	refRead: { init: 'let sum = 0', library: 'sum += ref.value', raw: 'sum += f64[refIndex]', result: 'sum' },
	refUpdate: { init: '', library: 'iref.value += 1', raw: 'i32[irefIndex] += 1', result: '0' },
	// Not in the suite: the value ref's read as a method call, which Maglev can inline (a getter it never does).
	refReadMethod: { init: 'let sum = 0', library: 'sum += ref.read()', raw: 'sum += f64[refIndex]', result: 'sum' },
	readAt: { init: 'let sum = 0', library: 'sum += aref.readAt(i & mask)', raw: 'sum += rawF[i & mask]', result: 'sum' },
	writeAt: { init: '', library: 'iaref.writeAt(i & mask, samples[i & mask])', raw: 'rawI[i & mask] = samples[i & mask]', result: '0' },
}

async function runCase(name, realistic) {
	const entry = process.env.LIBRARY ?? resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../dist/index.js')
	const { createWasmHeapManager } = await import(pathToFileURL(entry).href)
	const memory = new WebAssembly.Memory({ initial: 16 })
	let bump = 1024
	const heap = createWasmHeapManager(
		() => memory.buffer,
		(size) => {
			const address = bump
			bump += Math.ceil(size / 16) * 16
			return address
		},
		() => {},
	)
	if (realistic) {
		// As the suite's realistic regime, for these four classes: use, grow, every error path once.
		const values = [heap.allocFloat64(), heap.allocInt32()]
		const arrays = [heap.allocFloat64Array(16), heap.allocInt32Array(16)]
		for (let i = 0; i < 2000; i++) {
			for (const ref of values) ref.value = ref.value
			for (const array of arrays) array.writeAt(i & 15, array.readAt((i + 1) & 15))
		}
		memory.grow(1)
		const attempt = (action) => {
			try {
				action()
			} catch {
				return
			}
			throw new Error('ref-tiers: an error path did not throw')
		}
		for (const array of arrays) {
			attempt(() => array.readAt(16))
			attempt(() => array.writeAt(-1, 1))
			array.free()
			attempt(() => array.readAt(0))
			attempt(() => array.writeAt(0, 1))
		}
		for (const ref of values) {
			ref.free()
			attempt(() => ref.value)
			attempt(() => (ref.value = 1))
		}
	}
	const ref = heap.allocFloat64()
	const iref = heap.allocInt32()
	const aref = heap.allocFloat64Array(chunk)
	const iaref = heap.allocInt32Array(chunk)
	const scope = {
		ref,
		iref,
		aref,
		iaref,
		mask,
		f64: new Float64Array(memory.buffer),
		i32: new Int32Array(memory.buffer),
		rawF: new Float64Array(memory.buffer, aref.address, chunk),
		rawI: new Int32Array(memory.buffer, iaref.address, chunk),
		samples: new Int32Array(chunk).map((_, i) => i * 7),
		refIndex: ref.address / 8,
		irefIndex: iref.address / 4,
	}
	const loop = loops[name]
	const library = shapes('lib', loop.init, loop.library, loop.result, scope)
	const raw = shapes('raw', loop.init, loop.raw, loop.result, scope)
	report(`${name} ${realistic ? 'realistic' : 'pristine'}`, { 'long library': library.long, 'long raw': raw.long, '64 calls library': library.short, '64 calls raw': raw.short })
}

/** Library-free models, in the 64-call shape: the value ref's read path as a getter and as a method; array-ref index checks. */
function runModels() {
	const heap = new ArrayBuffer(65536)
	new Float64Array(heap)[128] = 1.5
	const fast = { uint8Array: new Uint8Array(heap), dataView: new DataView(heap) }
	const Value = compile(
		'model_value_class',
		`return class ValueModel {
			constructor() { this.manager = { fast }; this.address = 1024; this.liveEnd = 1032 }
			get value() { const views = this.manager.fast; if (!(this.liveEnd <= views.uint8Array.length)) return this.cold(); return views.dataView.getFloat64(this.address, true) }
			read() { const views = this.manager.fast; if (!(this.liveEnd <= views.uint8Array.length)) return this.cold(); return views.dataView.getFloat64(this.address, true) }
			cold() { throw new Error('ref-tiers: the model has no cold path') }
		}`,
		{ fast },
	)()
	const checks = {
		isInteger: 'Number.isInteger(index) && index >= 0 && index < elements.length',
		int32: "typeof index === 'number' && index === (index | 0) && index >= 0 && index < elements.length",
		int32NoLength: "typeof index === 'number' && index === (index | 0) && index >= 0 && index < this.count",
		int32ByteLength: "typeof index === 'number' && index === (index | 0) && index >= 0 && index < elements.byteLength >> 2",
		int32In: "typeof index === 'number' && index === (index | 0) && index >= 0 && index in elements",
	}
	const batches = {
		getter: shapes('model_getter', 'let sum = 0', 'sum += ref.value', 'sum', { ref: new Value() }).short,
		method: shapes('model_method', 'let sum = 0', 'sum += ref.read()', 'sum', { ref: new Value() }).short,
	}
	for (const [name, check] of Object.entries(checks)) {
		const Model = compile(
			`model_${name}_class`,
			`return class WriteAtModel {
				constructor() { this.elements = new Int32Array(heap, 2048, ${chunk}); this.count = ${chunk} }
				writeAt(index, value) { const elements = this.elements; if (!(typeof value === 'number' && ${check})) return this.cold(); elements[index] = value }
				cold() { throw new Error('ref-tiers: the model has no cold path') }
			}`,
			{ heap },
		)()
		batches[`writeAt ${name}`] = shapes(`model_${name}`, '', `ref.writeAt(i & ${mask}, samples[i & ${mask}])`, '0', { ref: new Model(), samples: new Int32Array(chunk) }).short
	}
	report('models, 64 calls', batches, 60)
}

if (which === 'model') runModels()
else if (which in loops) await runCase(which, flags.has('realistic'))
else throw new Error(`ref-tiers: unknown case '${which}': ${Object.keys(loops).join(', ')} or model`)
