/**
 * Numeric hot paths against the same loops written directly on typed arrays / DataView.
 * Goals (issue 2): manager methods at least 0.5x the raw loop, refs at least 0.4x.
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
import type * as Library from '../src/index.js'

/** What the numeric cases need of a build of the library. */
export type NumericLibrary = Pick<typeof Library, 'createWasmHeapManager'>

/** The cases: the issue-2 hot paths. Names stay those of earlier runs (`readInt32`, `Int32Ref value += 1`). */
const numericRows: readonly { readonly shape: 'read' | 'write' | 'refUpdate' | 'arrayReadAt'; readonly type: string; readonly offset?: string }[] = [
	{ shape: 'read', type: 'Int32' },
	{ shape: 'write', type: 'Float64' },
	// Single bytes at any offset from the aligned addresses.
	{ shape: 'read', type: 'Uint8', offset: '(i & 7)' },
	{ shape: 'refUpdate', type: 'Int32' },
	{ shape: 'arrayReadAt', type: 'Float64' },
]

const operations = 1 << 16
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

export interface NumericOptions {
	/** Managers alive while the cases run: the measured one and `managers - 1` others (default 1). */
	readonly managers?: number
	/** Every manager's heap has grown once, while in use, before the cases run (default false). */
	readonly grown?: boolean
	/** The suite name in the results (default `numeric`). */
	readonly suite?: string
}

/** The numeric cases against `library` (see {@link NumericOptions}). */
export function createNumericCases(library: NumericLibrary, options: NumericOptions = {}): BenchCase[] {
	const { managers = 1, grown = false, suite = 'numeric' } = options
	if (!Number.isInteger(managers) || managers < 1) throw new RangeError(`bench: managers must be a positive integer, got ${managers}`)
	const memory = new WebAssembly.Memory({ initial: 16 })
	const heap = library.createWasmHeapManager(() => memory.buffer, bumpAllocator(1024), () => {})
	if (grown) {
		exercise(heap, runnableElements())
		grow(memory, heap)
	}
	// Pseudo-random 8-byte-aligned addresses, shared by library and raw loops.
	const addresses = new Float64Array(addressCount).map((_, i) => ((i * 2654435761) % 60000) - (((i * 2654435761) % 60000) % 8))
	const scope: Record<string, unknown> = {
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
		let name: string
		let libraryBody: string
		let rawBody: string
		switch (row.shape) {
			case 'read': {
				name = element.methods.read
				const address = `addresses[i & mask]${row.offset === undefined ? '' : ` + ${row.offset}`}`
				const loop = (expression: string): string =>
					element.valueType === 'bigint'
						? `let sum = 0\nfor (let i = 0; i < operations; i++) if (${expression} === 7n) sum++\nreturn sum`
						: `let sum = 0\nfor (let i = 0; i < operations; i++) sum += ${expression}\nreturn sum`
				libraryBody = loop(libraryRead(element, address))
				rawBody = loop(rawRead(element, address))
				break
			}
			case 'write': {
				name = element.methods.write
				const loop = (statement: string): string => `for (let i = 0; i < operations; i++) ${statement}\nreturn 0`
				const value = `${samplesOf(element)}[i & mask]`
				libraryBody = loop(libraryWrite(element, 'addresses[i & mask]', value))
				rawBody = loop(rawWrite(element, 'addresses[i & mask]', value))
				break
			}
			case 'refUpdate': {
				name = `${element.refClass} value += 1`
				const ref = (heap as unknown as Dynamic)[element.methods.alloc]!() as { address: number }
				scope[`ref${element.name}`] = ref
				scope[`ref${element.name}Index`] = ref.address / element.byteSize
				libraryBody = `for (let i = 0; i < operations; i++) ref${element.name}.value += ${oneOf(element)}\nreturn 0`
				rawBody = `for (let i = 0; i < operations; i++) ${view}[ref${element.name}Index] += ${oneOf(element)}\nreturn 0`
				break
			}
			case 'arrayReadAt': {
				name = `${element.arrayRefClass} readAt`
				const arrayRef = (heap as unknown as Dynamic)[element.methods.allocArray]!(addressCount) as { address: number }
				const View = (globalThis as unknown as Record<string, new (buffer: ArrayBufferLike, offset: number, length: number) => unknown>)[
					element.viewConstructor
				]!
				scope[`arrayRef${element.name}`] = arrayRef
				scope[`raw${element.name}Array`] = new View(memory.buffer, arrayRef.address, addressCount)
				const loop = (expression: string): string => `let sum = 0\nfor (let i = 0; i < operations; i++) sum += ${expression}\nreturn sum`
				libraryBody = loop(`arrayRef${element.name}.readAt(i & mask)`)
				rawBody = loop(`raw${element.name}Array[i & mask]`)
				break
			}
		}
		return { name, libraryBody, rawBody, goal: row.shape === 'read' || row.shape === 'write' ? 0.5 : 0.4 }
	})
	// Compiled once every ref above exists, so that each batch sees the whole scope.
	return bodies.map(
		({ name, libraryBody, rawBody, goal }): BenchCase => ({
			suite,
			name,
			operations,
			goals: { raw: goal },
			library: compileBatch(name, libraryBody, scope),
			baselines: { raw: compileBatch(`${name}_raw`, rawBody, scope) },
		}),
	)
}

/** `BENCH_MANAGERS` (default 1) and `BENCH_GROWN` (`1`: every heap has grown once). */
export function numericOptionsFromEnvironment(): NumericOptions {
	const managers = Number(process.env.BENCH_MANAGERS ?? 1)
	if (!Number.isInteger(managers) || managers < 1) throw new RangeError(`BENCH_MANAGERS must be a positive integer, got ${process.env.BENCH_MANAGERS}`)
	return { managers, grown: process.env.BENCH_GROWN === '1' }
}
