/**
 * The element table as the benchmarks see it. Every per-type fact a benchmark loop
 * needs (method names, the `DataView` accessor, the view constructor, the byte size,
 * the atomic view and strategy, which value samples to write) comes from
 * `normalizeElements(elementRows)`; this file only turns those facts into loop text.
 * A new row of `descriptors/elements.ts` is benchmarked without being restated here.
 *
 * Alias rows (`Pointer32`, `Pointer64`) share their target's implementation, so they
 * are not benchmarked twice. A row whose view constructor (or the `DataView` accessor
 * a raw loop of it needs) is missing on the running engine — `Float16Array` before
 * Node 24 — is skipped, and the reason is printed with the suite's table.
 */
import { elementRows, type TypedArrayName } from '../descriptors/elements.js'
import { fieldNameOf, normalizeElements, type NormalizedElement } from '../codegen/normalize.js'
import { engineDescription } from './runtime.js'

export type { NormalizedElement }

/** The full rows of the table (aliases left out: they are their target's code). */
export const benchElements: readonly NormalizedElement[] = normalizeElements(elementRows).filter((element) => element.aliasOf === undefined)

/** The row named `name`; throws if the table has none (a benchmark naming a removed type). */
export function elementNamed(name: string): NormalizedElement {
	const element = benchElements.find((candidate) => candidate.name === name)
	if (element === undefined) throw new Error(`bench: the element table has no full row '${name}' (rows: ${benchElements.map((row) => row.name).join(', ')})`)
	return element
}

function globalConstructor(name: string): unknown {
	return (globalThis as Record<string, unknown>)[name]
}

/** `Float16Array` -> `Float16`: the `DataView` accessor suffix a view constructor's elements have natively. */
function nativeAccessorOf(view: TypedArrayName): string {
	return view.replace(/Array$/, '').replace('Uint8Clamped', 'Uint8')
}

/** Why `element` cannot be benchmarked on this engine, or `undefined` when it can. */
export function missingOnThisEngine(element: NormalizedElement): string | undefined {
	for (const view of [element.viewConstructor, element.atomicViewConstructor]) {
		if (typeof globalConstructor(view) !== 'function') return `no global ${view} on this engine (${engineDescription()})`
	}
	// Rows stored through bit conversions: the raw loop uses the engine's own accessor.
	if (element.bits !== undefined) {
		const accessor = `get${nativeAccessorOf(element.viewConstructor)}`
		if (typeof (DataView.prototype as unknown as Record<string, unknown>)[accessor] !== 'function') {
			return `no DataView.prototype.${accessor} on this engine (${engineDescription()})`
		}
	}
	return undefined
}

const skippedLines: string[] = []

/** The rows of `elements` that this engine can run; each other row is recorded as skipped for `what`. */
export function runnable(elements: readonly NormalizedElement[], what: string): NormalizedElement[] {
	return elements.filter((element) => {
		const reason = missingOnThisEngine(element)
		if (reason !== undefined) skippedLines.push(`${what} ${element.name}: ${reason}`)
		return reason === undefined
	})
}

/** What the suites loaded so far have skipped, one line each. */
export function skippedCases(): readonly string[] {
	return skippedLines
}

// ---------------------------------------------------------------------------------
// Names in a loop's scope

/** Scope name of the whole-heap view of a TypedArray, e.g. `int32Array`. */
export const viewName = fieldNameOf

/** `log2(byteSize)`: the shift from an address to an element index. */
export function shiftOf(element: NormalizedElement): number {
	return Math.log2(element.byteSize)
}

/** `a >> 2` for a 4-byte element (just `a` for bytes). */
function indexOf(address: string, shift: number): string {
	return shift === 0 ? address : `${address} >> ${shift}`
}

/** Which value sample array a write of `element` takes its values from (see {@link valueSamples}). */
export function samplesOf(element: NormalizedElement): 'values' | 'bigValues' | 'pointerValues' {
	if (element.kind === 'pointer53') return 'pointerValues'
	return element.valueType === 'bigint' ? 'bigValues' : 'values'
}

/** The value samples writes use: mixed signs and fractions (each write converts them as its type does), 64-bit bigints, 53-bit addresses. */
export function valueSamples(count: number): { values: Float64Array; bigValues: bigint[]; pointerValues: Float64Array } {
	return {
		values: new Float64Array(count).map((_, i) => (i % 2 === 0 ? 1 : -1) * i * 1234.5678),
		bigValues: Array.from({ length: count }, (_, i) => BigInt(i) * 0x1_0000_0001n - 0x7fff_ffffn),
		pointerValues: new Float64Array(count).map((_, i) => i * 0x2_0000_0001),
	}
}

/** One of `element`'s values, as loop text (`1` or `1n`). */
export function oneOf(element: NormalizedElement): string {
	return element.valueType === 'bigint' ? '1n' : '1'
}

/** The view whose elements are the halves a pointer53 is read as (`Uint32Array` for a `Uint32` accessor). */
function halvesViewOf(element: NormalizedElement): TypedArrayName {
	return `${element.dataViewAccessor}Array` as TypedArrayName
}

/**
 * Whole-heap views over `buffer` for every TypedArray the table's rows use (views,
 * atomic views, pointer halves) that this engine has, by {@link viewName}.
 */
export function heapViews(buffer: ArrayBufferLike): Record<string, unknown> {
	const names = new Set<TypedArrayName>(['Uint8Array'])
	for (const element of benchElements) {
		names.add(element.viewConstructor)
		names.add(element.atomicViewConstructor)
		if (element.kind === 'pointer53') names.add(halvesViewOf(element))
	}
	const views: Record<string, unknown> = { dataView: new DataView(buffer) }
	for (const name of [...names].sort()) {
		const View = globalConstructor(name)
		if (typeof View === 'function') views[viewName(name)] = new (View as new (buffer: ArrayBufferLike) => unknown)(buffer)
	}
	return views
}

/**
 * Scratch pairs for atomics that move values as bits: `scratch<Name>` (the value view)
 * and `scratch<Name>Bits` (the atomic view over the same 8 bytes), for each row that
 * converts (`viaBits`, `clampThenUint8`) and runs on this engine.
 */
export function scratchViews(elements: readonly NormalizedElement[]): Record<string, unknown> {
	const scope: Record<string, unknown> = {}
	for (const element of elements) {
		if (element.atomicStrategy !== 'viaBits' && element.atomicStrategy !== 'clampThenUint8') continue
		const View = globalConstructor(element.viewConstructor) as new (length: number) => { buffer: ArrayBufferLike }
		const BitsView = globalConstructor(element.atomicViewConstructor) as new (buffer: ArrayBufferLike) => unknown
		const scratch = new View(8 / element.byteSize)
		scope[`scratch${element.name}`] = scratch
		scope[`scratch${element.name}Bits`] = new BitsView(scratch.buffer)
	}
	return scope
}

// ---------------------------------------------------------------------------------
// Loop text. `a` is an address expression, `v` a value expression; the names used are
// those of `heapViews` and `scratchViews`.

/** The library's plain read and write. */
export function libraryRead(element: NormalizedElement, a: string, heap = 'heap'): string {
	return `${heap}.${element.methods.read}(${a})`
}
export function libraryWrite(element: NormalizedElement, a: string, v: string, heap = 'heap'): string {
	return `${heap}.${element.methods.write}(${a}, ${v})`
}
export function libraryReadAtomic(element: NormalizedElement, a: string, heap = 'heap'): string {
	return `${heap}.${element.methods.readAtomic}(${a})`
}
export function libraryWriteAtomic(element: NormalizedElement, a: string, v: string, heap = 'heap'): string {
	return `${heap}.${element.methods.writeAtomic}(${a}, ${v})`
}

/**
 * The raw read with the library's semantics (any alignment, little-endian): the typed
 * array for single bytes, `DataView` for wider types (for values stored as bits, the
 * engine's own accessor, e.g. `getFloat16`; a pointer53 as two halves).
 */
export function rawRead(element: NormalizedElement, a: string): string {
	if (element.byteSize === 1) return `${viewName(element.viewConstructor)}[${a}]`
	if (element.kind === 'pointer53') {
		const half = element.byteSize / 2
		return `(dataView.get${element.dataViewAccessor}(${a}, true) + dataView.get${element.dataViewAccessor}(${a} + ${half}, true) * ${2 ** (8 * half)})`
	}
	const accessor = element.bits === undefined ? element.dataViewAccessor : nativeAccessorOf(element.viewConstructor)
	return `dataView.get${accessor}(${a}, true)`
}

export function rawWrite(element: NormalizedElement, a: string, v: string): string {
	if (element.byteSize === 1) return `${viewName(element.viewConstructor)}[${a}] = ${v}`
	if (element.kind === 'pointer53') {
		const half = element.byteSize / 2
		const base = 2 ** (8 * half)
		return `dataView.set${element.dataViewAccessor}(${a}, ${v} % ${base}, true); dataView.set${element.dataViewAccessor}(${a} + ${half}, Math.floor(${v} / ${base}), true)`
	}
	const accessor = element.bits === undefined ? element.dataViewAccessor : nativeAccessorOf(element.viewConstructor)
	return `dataView.set${accessor}(${a}, ${v}, true)`
}

/**
 * The aligned typed-array read (`int32Array[a >> 2]`), faster than `DataView` on V8 but
 * only right for aligned addresses; `undefined` for single bytes, whose raw read already is one.
 */
export function typedRead(element: NormalizedElement, a: string): string | undefined {
	if (element.byteSize === 1) return undefined
	if (element.kind === 'pointer53') {
		const halves = viewName(halvesViewOf(element))
		const shift = shiftOf(element) - 1
		return `(${halves}[${indexOf(a, shift)}] + ${halves}[(${indexOf(a, shift)}) + 1] * ${2 ** (4 * element.byteSize)})`
	}
	return `${viewName(element.viewConstructor)}[${indexOf(a, shiftOf(element))}]`
}

export function typedWrite(element: NormalizedElement, a: string, v: string): string | undefined {
	if (element.byteSize === 1) return undefined
	if (element.kind === 'pointer53') {
		const halves = viewName(halvesViewOf(element))
		const shift = shiftOf(element) - 1
		const base = 2 ** (4 * element.byteSize)
		return `${halves}[${indexOf(a, shift)}] = ${v} % ${base}; ${halves}[(${indexOf(a, shift)}) + 1] = Math.floor(${v} / ${base})`
	}
	return `${viewName(element.viewConstructor)}[${indexOf(a, shiftOf(element))}] = ${v}`
}

/** `Atomics.load` as hand-written code does it for the row's atomic strategy. */
export function rawReadAtomic(element: NormalizedElement, a: string): string {
	const load = `Atomics.load(${viewName(element.atomicViewConstructor)}, ${indexOf(a, shiftOf(element))})`
	switch (element.atomicStrategy) {
		case 'native':
		case 'clampThenUint8':
			return load
		case 'viaBits':
			return `((scratch${element.name}Bits[0] = ${load}), scratch${element.name}[0])`
		case 'viaBigUint64':
			return `Number(${load})`
	}
}

/** `Atomics.store` as hand-written code does it for the row's atomic strategy. */
export function rawWriteAtomic(element: NormalizedElement, a: string, v: string): string {
	const store = (value: string): string => `Atomics.store(${viewName(element.atomicViewConstructor)}, ${indexOf(a, shiftOf(element))}, ${value})`
	switch (element.atomicStrategy) {
		case 'native':
			return store(v)
		case 'viaBits':
		case 'clampThenUint8':
			// Converted (or clamped) through the scratch value view, stored as its bits.
			return `scratch${element.name}[0] = ${v}; ${store(`scratch${element.name}Bits[0]`)}`
		case 'viaBigUint64':
			return store(`BigInt(${v})`)
	}
}

// ---------------------------------------------------------------------------------
// Emscripten's side: these are facts about Emscripten's runtime, not about the rows.

/**
 * The `getValue`/`setValue` type of `element`, or `undefined` where Emscripten 3.1.6 has
 * no equivalent: 64-bit types (`'i64'` reads only the low 32 bits), half floats, and
 * clamped writes (`setValue(p, v, 'i8')` wraps instead of clamping).
 */
function emscriptenType(element: NormalizedElement): string | undefined {
	if (element.kind === 'int' || element.kind === 'clampedInt') return `i${8 * element.byteSize}`
	if (element.kind === 'float' && element.bits === undefined) return element.byteSize === 4 ? 'float' : 'double'
	return undefined
}

/** Unsigned rows read through Emscripten's signed accessor, then masked as Emscripten code does. */
function unsignedFix(element: NormalizedElement): string {
	if (!element.viewConstructor.startsWith('Uint')) return ''
	return element.byteSize === 4 ? ' >>> 0' : ` & 0x${'ff'.repeat(element.byteSize)}`
}

export function emscriptenRead(element: NormalizedElement, a: string): string | undefined {
	const type = emscriptenType(element)
	if (type === undefined) return undefined
	return `getValue(${a}, '${type}')${unsignedFix(element)}`
}

export function emscriptenWrite(element: NormalizedElement, a: string, v: string): string | undefined {
	const type = emscriptenType(element)
	if (type === undefined || element.kind === 'clampedInt') return undefined
	return `setValue(${a}, ${v}, '${type}')`
}

const emscriptenHeaps: Partial<Record<TypedArrayName, string>> = {
	Int8Array: 'HEAP8',
	Uint8Array: 'HEAPU8',
	Int16Array: 'HEAP16',
	Uint16Array: 'HEAPU16',
	Int32Array: 'HEAP32',
	Uint32Array: 'HEAPU32',
	Float32Array: 'HEAPF32',
	Float64Array: 'HEAPF64',
}

/** The Emscripten module's whole-heap view of `element`'s elements (`HEAPF64`), if it exports one. */
export function emscriptenHeapOf(element: NormalizedElement): string | undefined {
	return emscriptenHeaps[element.viewConstructor]
}
