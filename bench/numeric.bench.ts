/**
 * Numeric hot paths against the same loops written directly on typed arrays / DataView.
 * Goals (issue 11, pristine / realistic, see `goalsByShape`): manager reads 0.65 / 0.55 raw, writes 0.6 / 0.5, value-ref reads 0.55 / 0.45, `value += 1` 0.45 / 0.3, `readAt` 0.7 / 0.45, `writeAt` 0.55 / 0.4.
 *
 * The per-type facts of each case (method, `DataView` accessor, view, byte size, value
 * samples) come from the element table through `bench/elements.ts`; only the choice of
 * cases is written here.
 *
 * `BENCH_MANAGERS=3 npm run bench -- numeric` measures the same cases with two more
 * managers alive, over heaps of their own (one a second `WebAssembly.Memory`, one a
 * shared memory), each used a little through every method of the table before the
 * cases run, so that V8 has seen more than one manager in the library's hot paths.
 * `BENCH_GROWN=1` grows every manager's heap once, while in use, before the cases run,
 * as a program whose heap grows does: each manager replaces its cached views, and the
 * old buffer is detached. Every typed-array and `DataView` access in the process is then
 * slower, the raw loops' too (measured on Node 20: readInt32 2.3 -> 3.9 ns, raw 1.4 ->
 * 1.6 ns, with one manager or three, before and after the reshape alike; detaching an
 * unrelated ArrayBuffer alone: 2.4 -> 3.5 ns, raw 1.4 -> 1.7 ns).
 * `bench/compare-builds.ts` runs these cases against two builds of the library in one process.
 */
import { compileBatch } from './compile.js'
import {
	benchElements,
	elementNamed,
	heapViews,
	libraryRead,
	libraryWrite,
	missingOnThisEngine,
	oneOf,
	rawRead,
	rawWrite,
	samplesOf,
	valueSamples,
	viewName,
	type NormalizedElement,
} from './elements.js'
import type { BenchCase } from './harness.js'
import { environment, operationScale } from './runtime.js'
import type * as Library from '../src/index.js'

/** What the numeric cases need of a build of the library. */
export type NumericLibrary = Pick<typeof Library, 'createWasmHeapManager'>

/** The cases: the issue-2 hot paths. Names stay those of earlier runs (`readInt32`, `Int32Ref value += 1`). */
type RowShape = 'read' | 'write' | 'refRead' | 'refUpdate' | 'arrayReadAt' | 'arrayWriteAt'
const numericRows: readonly { readonly shape: RowShape; readonly type: string; readonly offset?: string }[] = [
	{ shape: 'read', type: 'Int32' },
	{ shape: 'write', type: 'Float64' },
	// Single bytes at any offset from the aligned addresses.
	{ shape: 'read', type: 'Uint8', offset: '(i & 7)' },
	{ shape: 'refRead', type: 'Float64' },
	{ shape: 'refUpdate', type: 'Int32' },
	{ shape: 'arrayReadAt', type: 'Float64' },
	{ shape: 'arrayWriteAt', type: 'Int32' },
]

/**
 * Goals of issue 11 (library speed ÷ raw), pristine and realistic. The realistic
 * regime is the process after one memory growth and one run of every error path.
 */
const goalsByShape: Record<RowShape, { readonly pristine: number; readonly realistic: number }> = {
	read: { pristine: 0.65, realistic: 0.55 },
	write: { pristine: 0.6, realistic: 0.5 },
	refRead: { pristine: 0.55, realistic: 0.45 },
	refUpdate: { pristine: 0.45, realistic: 0.3 },
	arrayReadAt: { pristine: 0.7, realistic: 0.45 },
	arrayWriteAt: { pristine: 0.55, realistic: 0.4 },
}

/**
 * Iterations per timed batch. In the `long` loop shape one call runs all of them (as user
 * code that walks an array does: V8 compiles the loop by on-stack replacement); in the
 * `short` shape the same loop is split into {@link shortCalls} calls of a function.
 */
const fullOperations = 1 << 18
const shortCalls = 64
const addressCount = 4096
const mask = addressCount - 1

type Dynamic = Record<string, (...args: unknown[]) => unknown>

/** A bump allocator from `start`, 16-byte aligned, that never frees. */
function bumpAllocator(start: number): (size: number) => number {
	let bump = start
	return (size) => {
		const address = bump
		bump += Math.ceil(size / 16) * 16
		return address
	}
}

/**
 * Uses `heap` a little through every method of the table the build has: plain and
 * atomic reads and writes, a value ref and an array ref of each type.
 */
function exercise(heap: unknown, elements: readonly NormalizedElement[]): void {
	const methods = heap as Dynamic
	for (const element of elements) {
		const { read, write, readAtomic, writeAtomic, alloc, allocArray } = element.methods
		if (typeof methods[read] !== 'function') continue
		const value = element.valueType === 'bigint' ? 1n : 1
		for (let i = 0; i < 2000; i++) {
			const address = 64 + (i & 63) * 8
			methods[write]!(address, value)
			methods[read]!(address)
			methods[writeAtomic]!(address, value)
			methods[readAtomic]!(address)
		}
		const ref = methods[alloc]!() as { value: unknown }
		const arrayRef = methods[allocArray]!(16) as { readAt(index: number): unknown; writeAt(index: number, value: unknown): void }
		for (let i = 0; i < 2000; i++) {
			ref.value = ref.value
			arrayRef.writeAt(i & 15, arrayRef.readAt((i + 1) & 15))
		}
	}
}

/** The rows of the table this engine runs (an extra manager is used through each). */
const runnableElements = (): NormalizedElement[] => benchElements.filter((element) => missingOnThisEngine(element) === undefined)

/** Grows `memory` by one page and uses `manager` again, so that it replaces its cached views. */
function grow(memory: WebAssembly.Memory, manager: unknown): void {
	memory.grow(1)
	exercise(manager, runnableElements())
}

/**
 * `count` more managers over heaps of their own, used a little (see {@link exercise}):
 * alternately over a `WebAssembly.Memory` and over a shared memory (`SharedArrayBuffer`).
 * With `grown`, each heap grows once while in use. Returned so that they stay alive
 * while the cases run.
 */
function extraManagers(library: NumericLibrary, count: number, grown: boolean): unknown[] {
	const managers: unknown[] = []
	for (let i = 0; i < count; i++) {
		const memory = i % 2 === 0 ? new WebAssembly.Memory({ initial: 2 }) : new WebAssembly.Memory({ initial: 2, maximum: 4, shared: true })
		const manager = library.createWasmHeapManager(() => memory.buffer, bumpAllocator(4096), () => {})
		exercise(manager, runnableElements())
		if (grown) grow(memory, manager)
		managers.push(manager)
	}
	return managers
}

/**
 * Takes every cold path of the numeric hot paths once, on `heap`: range, type and
 * alignment errors of plain and atomic reads and writes, index errors of array refs,
 * and reads and writes through freed value and array refs. After this, V8 compiles
 * those paths as calls rather than deoptimisation exits, as it does in any program
 * that has once hit one.
 */
function takeErrorPaths(heap: unknown, elements: readonly NormalizedElement[]): void {
	const methods = heap as Dynamic
	const attempt = (action: () => unknown): void => {
		try {
			action()
		} catch {
			return
		}
		throw new Error('bench: an error path did not throw')
	}
	for (const element of elements) {
		const { read, write, readAtomic, writeAtomic, alloc, allocArray } = element.methods
		if (typeof methods[read] !== 'function') continue
		const value = element.valueType === 'bigint' ? 1n : 1
		for (const address of [-1, 0.5, 2 ** 40, '8']) {
			attempt(() => methods[read]!(address))
			attempt(() => methods[write]!(address, value))
			attempt(() => methods[readAtomic]!(address))
			attempt(() => methods[writeAtomic]!(address, value))
		}
		if (element.byteSize > 1) attempt(() => methods[readAtomic]!(65))
		const ref = methods[alloc]!() as { value: unknown; free(): void }
		const arrayRef = methods[allocArray]!(4) as { readAt(index: number): unknown; writeAt(index: number, value: unknown): void; free(): void }
		attempt(() => arrayRef.readAt(4))
		attempt(() => arrayRef.writeAt(-1, value))
		ref.free()
		arrayRef.free()
		attempt(() => ref.value)
		attempt(() => (ref.value = value))
		attempt(() => arrayRef.readAt(0))
		attempt(() => arrayRef.writeAt(0, value))
	}
}

/** The two states a process can be in when it runs the numeric cases. */
export type Regime = 'pristine' | 'realistic'

export interface NumericOptions {
	/** Managers alive while the cases run: the measured one and `managers - 1` others (default 1). */
	readonly managers?: number
	/** Every manager's heap has grown once, while in use, before the cases run (default false). */
	readonly grown?: boolean
	/**
	 * `realistic`: the measured heap has grown once and every error path has been taken
	 * once (see {@link takeErrorPaths}) before the cases are compiled and timed; a program
	 * that grows its memory, or has once caught a range error, runs in this state.
	 * `pristine` (default): neither. It is a property of the process: a pristine run needs
	 * a process of its own.
	 */
	readonly regime?: Regime
	/** The suite name in the results (default `numeric`). */
	readonly suite?: string
	/**
	 * The measured heap is a shared `WebAssembly.Memory` (a `SharedArrayBuffer`, as a
	 * threaded build has) instead of a plain one (default false). Growth of a shared
	 * memory detaches nothing: the realistic regime still grows it and takes the error paths.
	 */
	readonly shared?: boolean
}

/** One case's loop: what the loop starts with, its body, and what it returns. */
interface Loop {
	readonly init: string
	readonly body: string
	readonly result: string
}

/**
 * Compiles `loop` in both shapes: `long`, one call running all `operations`
 * iterations; `short`, {@link shortCalls} calls of a function running a slice each.
 */
function compileShapes(name: string, loop: Loop, scope: Readonly<Record<string, unknown>> & { readonly operations: number }): { long: () => unknown; short: () => unknown } {
	const { operations } = scope
	const slice = (start: string, end: string): string => `${loop.init}\nfor (let i = ${start}; i < ${end}; i++) ${loop.body}\nreturn ${loop.result}`
	const long = compileBatch(name, slice('0', 'operations'), scope)
	const chunk = operations / shortCalls
	const inner = compileBatch(`${name}_slice`, `return (start, end) => {\n${slice('start', 'end')}\n}`, scope)() as (start: number, end: number) => unknown
	const short = compileBatch(
		`${name}_short`,
		`let total = 0\nfor (let start = 0; start < operations; start += ${chunk}) total += slice(start, start + ${chunk})\nreturn total`,
		{ ...scope, slice: inner },
	)
	return { long, short }
}

/** The numeric cases against `library` (see {@link NumericOptions}), each in both loop shapes. */
export function createNumericCases(library: NumericLibrary, options: NumericOptions = {}): BenchCase[] {
	const { managers = 1, grown = false, regime = 'pristine', suite = 'numeric', shared = false } = options
	if (!Number.isInteger(managers) || managers < 1) throw new RangeError(`bench: managers must be a positive integer, got ${managers}`)
	// `BENCH_SCALE` below 1 (a quick check): fewer iterations, still a multiple of the short calls.
	const operations = Math.max(shortCalls, Math.round((fullOperations * operationScale()) / shortCalls) * shortCalls)
	const memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: 64, shared: true }) : new WebAssembly.Memory({ initial: 16 })
	const heap = library.createWasmHeapManager(() => memory.buffer, bumpAllocator(1024), () => {})
	if (grown || regime === 'realistic') {
		exercise(heap, runnableElements())
		grow(memory, heap)
	}
	if (regime === 'realistic') takeErrorPaths(heap, runnableElements())
	// Pseudo-random 8-byte-aligned addresses, shared by library and raw loops.
	const addresses = new Float64Array(addressCount).map((_, i) => ((i * 2654435761) % 60000) - (((i * 2654435761) % 60000) % 8))
	const scope: Record<string, unknown> & { operations: number } = {
		heap,
		operations,
		mask,
		addresses,
		...valueSamples(addressCount),
		...heapViews(memory.buffer),
		others: extraManagers(library, managers - 1, grown),
	}

	const bodies = numericRows.map((row) => {
		const element = elementNamed(row.type)
		const reason = missingOnThisEngine(element)
		if (reason !== undefined) throw new Error(`bench: the numeric case of ${element.name} cannot run: ${reason}`)
		const view = viewName(element.viewConstructor)
		const sumOf = (expression: string): Loop =>
			element.valueType === 'bigint'
				? { init: 'let sum = 0', body: `if (${expression} === 7n) sum++`, result: 'sum' }
				: { init: 'let sum = 0', body: `sum += ${expression}`, result: 'sum' }
		const statements = (statement: string): Loop => ({ init: '', body: statement, result: '0' })
		const value = `${samplesOf(element)}[i & mask]`
		let name: string
		let libraryLoop: Loop
		let rawLoop: Loop
		switch (row.shape) {
			case 'read': {
				name = element.methods.read
				const address = `addresses[i & mask]${row.offset === undefined ? '' : ` + ${row.offset}`}`
				libraryLoop = sumOf(libraryRead(element, address))
				rawLoop = sumOf(rawRead(element, address))
				break
			}
			case 'write': {
				name = element.methods.write
				libraryLoop = statements(libraryWrite(element, 'addresses[i & mask]', value))
				rawLoop = statements(rawWrite(element, 'addresses[i & mask]', value))
				break
			}
			case 'refRead':
			case 'refUpdate': {
				const ref = (heap as unknown as Dynamic)[element.methods.alloc]!() as { address: number }
				scope[`ref${element.name}`] = ref
				scope[`ref${element.name}Index`] = ref.address / element.byteSize
				if (row.shape === 'refRead') {
					name = `${element.refClass} value`
					libraryLoop = sumOf(`ref${element.name}.value`)
					rawLoop = sumOf(`${view}[ref${element.name}Index]`)
				} else {
					name = `${element.refClass} value += 1`
					libraryLoop = statements(`ref${element.name}.value += ${oneOf(element)}`)
					rawLoop = statements(`${view}[ref${element.name}Index] += ${oneOf(element)}`)
				}
				break
			}
			case 'arrayReadAt':
			case 'arrayWriteAt': {
				const arrayRef = (heap as unknown as Dynamic)[element.methods.allocArray]!(addressCount) as { address: number }
				const View = (globalThis as unknown as Record<string, new (buffer: ArrayBufferLike, offset: number, length: number) => unknown>)[
					element.viewConstructor
				]!
				scope[`arrayRef${element.name}`] = arrayRef
				scope[`raw${element.name}Array`] = new View(memory.buffer, arrayRef.address, addressCount)
				if (row.shape === 'arrayReadAt') {
					name = `${element.arrayRefClass} readAt`
					libraryLoop = sumOf(`arrayRef${element.name}.readAt(i & mask)`)
					rawLoop = sumOf(`raw${element.name}Array[i & mask]`)
				} else {
					name = `${element.arrayRefClass} writeAt`
					libraryLoop = statements(`arrayRef${element.name}.writeAt(i & mask, ${value})`)
					rawLoop = statements(`raw${element.name}Array[i & mask] = ${value}`)
				}
				break
			}
		}
		return { name, libraryLoop, rawLoop, goal: goalsByShape[row.shape][regime] }
	})
	// Compiled once every ref above exists, so that each batch sees the whole scope.
	return bodies.flatMap(({ name, libraryLoop, rawLoop, goal }): BenchCase[] => {
		const libraryShapes = compileShapes(name, libraryLoop, scope)
		const rawShapes = compileShapes(`${name}_raw`, rawLoop, scope)
		return (['long', 'short'] as const).map((shape) => ({
			suite,
			name: shape === 'long' ? name : `${name} (${shortCalls} calls)`,
			operations,
			goals: { raw: goal },
			library: libraryShapes[shape],
			baselines: { raw: rawShapes[shape] },
		}))
	})
}

/** `BENCH_MANAGERS` (default 1) and `BENCH_GROWN` (`1`: every heap has grown once); `regime` from the suite. */
export function numericOptionsFromEnvironment(regime: Regime = 'pristine'): NumericOptions {
	const managers = Number(environment('BENCH_MANAGERS') ?? 1)
	if (!Number.isInteger(managers) || managers < 1) throw new RangeError(`BENCH_MANAGERS must be a positive integer, got ${environment('BENCH_MANAGERS')}`)
	return { managers, grown: environment('BENCH_GROWN') === '1', regime, suite: regime === 'pristine' ? 'numeric' : 'numeric realistic' }
}
