/**
 * Numeric access on the Emscripten fixture's heap, every element width: the manager's
 * read/write methods, atomics, value refs, array refs and view creation, each beside
 *
 * - `raw`: the same loop written by hand. For plain reads and writes of 2 bytes and
 *   more that is `DataView` little-endian access, which has the library's semantics
 *   (any alignment, little-endian on every host); for single bytes, atomics, refs and
 *   array refs (always aligned) it is the typed array.
 * - `typed`: for plain multi-byte reads and writes only, the aligned typed-array loop
 *   (`HEAP32[address >> 2]`), which is faster than `DataView` on V8 but only serves
 *   aligned addresses. No goal: it shows what aligned-only code could reach.
 * - `emscripten`: the fixture's own `getValue`/`setValue` (and `HEAPF32.subarray` for
 *   views), where Emscripten has an equivalent. `getValue(p, 'i64')` in Emscripten 3.1.6
 *   returns only the low 32 bits, so the 64-bit types have no Emscripten baseline;
 *   unsigned types use the signed accessor and a mask, as Emscripten code does.
 *
 * Goals (issue 2, restated by the benchmark issue): plain reads, writes, atomics and
 * views at least 0.5x raw; refs and array refs at least 0.4x raw.
 *
 * Every per-type fact (method names, `DataView` accessor, views, byte size, atomic
 * strategy, value samples) comes from the element table through `bench/elements.ts`:
 * read/write and atomic cases cover every full row of the table; a row whose view
 * constructor this engine lacks (`Float16Array` before Node 24) is skipped with the reason.
 *
 * One manager exists in this process (see run.ts). Batches are compiled one by one
 * (see `compileBatch`) so that no two cases share call-site feedback.
 */
import { compileBatch } from './compile.js'
import {
	benchElements,
	elementNamed,
	emscriptenHeapOf,
	emscriptenRead,
	emscriptenWrite,
	heapViews,
	libraryRead,
	libraryReadAtomic,
	libraryWrite,
	libraryWriteAtomic,
	rawRead,
	rawReadAtomic,
	rawWrite,
	rawWriteAtomic,
	runnable,
	samplesOf,
	scratchViews,
	typedRead,
	typedWrite,
	valueSamples,
	viewName,
	type NormalizedElement,
} from './elements.js'
import type { BenchCase } from './harness.js'
import type { BenchHeapSource } from './heapSource.js'
import { operationScale } from './runtime.js'

/**
 * The cases on `source`'s heap: the Emscripten fixture's (Node, and Chromium's plain
 * run), or a shared memory (Chromium's shared run), where the `emscripten` baselines
 * are left out.
 */
export function createAccessCases(source: BenchHeapSource): BenchCase[] {
	const { module, heap } = source
	/** `emscripten` baseline text where Emscripten has one and the heap is Emscripten's. */
	const onEmscripten = (text: string | undefined): string | undefined => (source.emscripten ? text : undefined)
	const elements = runnable(benchElements, 'access suite:')

	const operations = Math.max(1, Math.round((1 << 16) * operationScale()))
	const addressCount = 4096
	const mask = addressCount - 1
	const regionBytes = 128 * 1024
	const region = module._malloc(regionBytes)
	if (region % 8 !== 0) throw new Error(`malloc returned a misaligned region ${region}`)

	/** Pseudo-random 8-byte-aligned addresses in the region, shared by every variant. */
	const addresses = new Float64Array(addressCount).map((_, i) => {
		const offset = (i * 2654435761) % 60000
		return region + offset - (offset % 8)
	})
	/**
	 * The same pattern 64 KiB further on, for pointer53 cases only: what they read must be a
	 * valid pointer53 (at most 2^53 - 1) whatever the other types wrote, so nothing else
	 * writes there, and it starts filled with the pointer samples.
	 */
	const pointerAddresses = addresses.map((address) => address + 65536)
	const samples = valueSamples(addressCount)
	{
		const view = new DataView(module.HEAPU8.buffer)
		for (const [i, address] of pointerAddresses.entries()) view.setBigUint64(address, BigInt(samples.pointerValues[i]!), true)
	}
	/** The addresses array a type's loops use. */
	const addressesOf = (element: NormalizedElement): string => (element.kind === 'pointer53' ? 'pointerAddresses' : 'addresses')

	// ---------------------------------------------------------------------------------
	// Value refs and array refs (allocated before the views below are taken: no growth after)

	const refCount = 1024
	/** Types whose value refs are measured, 1,024 refs visited in turn. */
	const valueRefElements = ['Int32', 'Float64'].map(elementNamed)
	/** The type of the one ref updated in a tight loop. */
	const oneRefElement = elementNamed('Int32')
	/** Types whose array refs of 4,096 elements are walked in order. */
	const arrayRefElements = ['Int32', 'Float64', 'Uint8'].map(elementNamed)

	/** `Int32` -> `int32`: the prefix of the scope names of a type's refs. */
	const lower = (element: NormalizedElement): string => viewName(element.name)
	type Allocating = Record<string, (...args: unknown[]) => { address: number }>

	const refScope: Record<string, unknown> = {}
	for (const element of valueRefElements) {
		const refs = Array.from({ length: refCount }, () => (heap as unknown as Allocating)[element.methods.alloc]!())
		refScope[`${lower(element)}Refs`] = refs
		refScope[`${lower(element)}RefAddresses`] = new Float64Array(refs.map((ref) => ref.address))
		refScope[`${lower(element)}RefIndices`] = new Float64Array(refs.map((ref) => ref.address / element.byteSize))
	}
	const oneRef = (heap as unknown as Allocating)[oneRefElement.methods.alloc]!()
	refScope[`one${oneRefElement.refClass}`] = oneRef
	refScope[`one${oneRefElement.refClass}Address`] = oneRef.address
	refScope[`one${oneRefElement.refClass}Index`] = oneRef.address / oneRefElement.byteSize
	const arrayRefs = arrayRefElements.map((element) => (heap as unknown as Allocating)[element.methods.allocArray]!(addressCount))
	for (const [i, element] of arrayRefElements.entries()) {
		refScope[`${lower(element)}ArrayRef`] = arrayRefs[i]
		refScope[`${lower(element)}ArrayAddress`] = arrayRefs[i]!.address
	}

	const buffer = module.HEAPU8.buffer
	for (const [i, element] of arrayRefElements.entries()) {
		const View = (globalThis as unknown as Record<string, new (buffer: ArrayBufferLike, offset: number, length: number) => unknown>)[element.viewConstructor]!
		refScope[`raw${element.name}Array`] = new View(buffer, arrayRefs[i]!.address, addressCount)
	}

	const scope = {
		heap,
		operations,
		mask,
		addresses,
		pointerAddresses,
		...samples,
		...heapViews(buffer),
		...scratchViews(elements),
		getValue: module.getValue,
		setValue: module.setValue,
		module,
		refMask: refCount - 1,
		...refScope,
	}

	// ---------------------------------------------------------------------------------
	// Loop shapes. In every expression `a` is the address and `v` the value to write.

	/** Sums (or, for bigints, counts matches of) the values read, so no read can be dropped. */
	function readLoop(expression: string, bigint: boolean, addressArray = 'addresses'): string {
		const use = bigint ? `if (${expression} === 7n) sum++` : `sum += ${expression}`
		return `let sum = 0\nfor (let i = 0; i < operations; i++) {\n\tconst a = ${addressArray}[i & mask]\n\t${use}\n}\nreturn sum`
	}

	function writeLoop(statement: string, valueArray: string, addressArray = 'addresses'): string {
		return `for (let i = 0; i < operations; i++) {\n\tconst a = ${addressArray}[i & mask]\n\tconst v = ${valueArray}[i & mask]\n\t${statement}\n}\nreturn 0`
	}

	function variants(
		rows: { raw: string; typed?: string | undefined; emscripten?: string | undefined },
		loop: (code: string) => string,
		name: string,
	): Record<string, () => unknown> {
		const baselines: Record<string, () => unknown> = { raw: compileBatch(`${name}_raw`, loop(rows.raw), scope) }
		if (rows.typed !== undefined) baselines.typed = compileBatch(`${name}_typed`, loop(rows.typed), scope)
		if (rows.emscripten !== undefined) baselines.emscripten = compileBatch(`${name}_emscripten`, loop(rows.emscripten), scope)
		return baselines
	}

	const accessCases: BenchCase[] = []

	// ---------------------------------------------------------------------------------
	// Plain reads and writes of every type.

	for (const element of elements) {
		const bigint = element.valueType === 'bigint'
		const readLoopOf = (expression: string): string => readLoop(expression, bigint, addressesOf(element))
		const writeLoopOf = (statement: string): string => writeLoop(statement, samplesOf(element), addressesOf(element))
		const { read, write } = element.methods
		accessCases.push({
			suite: 'access',
			name: read,
			operations,
			goals: { raw: 0.5 },
			library: compileBatch(read, readLoopOf(libraryRead(element, 'a')), scope),
			baselines: variants(
				{ raw: rawRead(element, 'a'), typed: typedRead(element, 'a'), emscripten: onEmscripten(emscriptenRead(element, 'a')) },
				readLoopOf,
				read,
			),
		})
		accessCases.push({
			suite: 'access',
			name: write,
			operations,
			goals: { raw: 0.5 },
			library: compileBatch(write, writeLoopOf(libraryWrite(element, 'a', 'v')), scope),
			baselines: variants(
				{ raw: rawWrite(element, 'a', 'v'), typed: typedWrite(element, 'a', 'v'), emscripten: onEmscripten(emscriptenWrite(element, 'a', 'v')) },
				writeLoopOf,
				write,
			),
		})
	}

	// ---------------------------------------------------------------------------------
	// Atomics of every type: Atomics.load/store on the row's atomic view (values stored as
	// bits through scratch views, as the library does). Emscripten has no non-threaded equivalent.

	for (const element of elements) {
		const bigint = element.valueType === 'bigint'
		const { readAtomic, writeAtomic } = element.methods
		accessCases.push({
			suite: 'access',
			name: readAtomic,
			operations,
			goals: { raw: 0.5 },
			library: compileBatch(readAtomic, readLoop(libraryReadAtomic(element, 'a'), bigint, addressesOf(element)), scope),
			baselines: { raw: compileBatch(`${readAtomic}_raw`, readLoop(rawReadAtomic(element, 'a'), bigint, addressesOf(element)), scope) },
		})
		accessCases.push({
			suite: 'access',
			name: writeAtomic,
			operations,
			goals: { raw: 0.5 },
			library: compileBatch(writeAtomic, writeLoop(libraryWriteAtomic(element, 'a', 'v'), samplesOf(element), addressesOf(element)), scope),
			baselines: {
				raw: compileBatch(`${writeAtomic}_raw`, writeLoop(rawWriteAtomic(element, 'a', 'v'), samplesOf(element), addressesOf(element)), scope),
			},
		})
	}

	// ---------------------------------------------------------------------------------
	// Refs: 1,024 value refs visited in turn (and one ref in a tight loop), array refs of
	// 4,096 elements walked in order.

	interface RefRow {
		readonly name: string
		/** Loop body: `k` is `i & refMask`, `j` is `i & mask`, `v` the value to write. */
		readonly library: string
		readonly raw: string
		readonly emscripten?: string | undefined
		readonly kind: 'read' | 'write' | 'update'
	}

	const refRows: RefRow[] = []
	for (const element of valueRefElements) {
		const refs = `${lower(element)}Refs[k]`
		const index = `${lower(element)}RefIndices[k]`
		const address = `${lower(element)}RefAddresses[k]`
		const view = viewName(element.viewConstructor)
		refRows.push(
			{
				name: `${element.refClass}.value read (1,024 refs)`,
				kind: 'read',
				library: `${refs}.value`,
				raw: `${view}[${index}]`,
				emscripten: onEmscripten(emscriptenRead(element, address)),
			},
			{
				name: `${element.refClass}.value write (1,024 refs)`,
				kind: 'write',
				library: `${refs}.value = v`,
				raw: `${view}[${index}] = v`,
				emscripten: onEmscripten(emscriptenWrite(element, address, 'v')),
			},
		)
	}
	{
		const element = oneRefElement
		const ref = `one${element.refClass}`
		const read = emscriptenRead(element, `${ref}Address`)
		refRows.push({
			name: `${element.refClass}.value += 1 (one ref)`,
			kind: 'update',
			library: `${ref}.value += 1`,
			raw: `${viewName(element.viewConstructor)}[${ref}Index] += 1`,
			emscripten: read === undefined ? undefined : onEmscripten(emscriptenWrite(element, `${ref}Address`, `(${read}) + 1`)),
		})
		const atomic = valueRefElements[0]!
		refRows.push({
			name: `${atomic.refClass}.readAtomic (1,024 refs)`,
			kind: 'read',
			library: `${lower(atomic)}Refs[k].readAtomic()`,
			raw: rawReadAtomic(atomic, `${lower(atomic)}RefAddresses[k]`),
		})
	}
	for (const element of arrayRefElements) {
		const ref = `${lower(element)}ArrayRef`
		const raw = `raw${element.name}Array[j]`
		const address = `${lower(element)}ArrayAddress + j${element.byteSize === 1 ? '' : ` * ${element.byteSize}`}`
		refRows.push(
			{
				name: `${element.arrayRefClass}.readAt`,
				kind: 'read',
				library: `${ref}.readAt(j)`,
				raw,
				emscripten: onEmscripten(emscriptenRead(element, address)),
			},
			{
				name: `${element.arrayRefClass}.writeAt`,
				kind: 'write',
				library: `${ref}.writeAt(j, v)`,
				raw: `${raw} = v`,
				emscripten: onEmscripten(emscriptenWrite(element, address, 'v')),
			},
		)
	}

	function refLoop(kind: RefRow['kind'], code: string): string {
		const head = 'for (let i = 0; i < operations; i++) {\n\tconst k = i & refMask\n\tconst j = i & mask\n'
		if (kind === 'read') return `let sum = 0\n${head}\tsum += ${code}\n}\nreturn sum`
		if (kind === 'write') return `${head}\tconst v = values[j]\n\t${code}\n}\nreturn 0`
		return `${head}\t${code}\n}\nreturn 0`
	}

	for (const row of refRows) {
		const baselines: Record<string, () => unknown> = { raw: compileBatch(`${row.name}_raw`, refLoop(row.kind, row.raw), scope) }
		if (row.emscripten !== undefined) baselines.emscripten = compileBatch(`${row.name}_emscripten`, refLoop(row.kind, row.emscripten), scope)
		accessCases.push({
			suite: 'access',
			name: row.name,
			operations,
			goals: { raw: 0.4 },
			library: compileBatch(row.name, refLoop(row.kind, row.library), scope),
			baselines,
		})
	}

	// ---------------------------------------------------------------------------------
	// View creation: raw is `new T(buffer, address, length)` on the buffer of Emscripten's
	// current HEAPU8 (what hand-written code does, growth-safe); emscripten is its own
	// idiom, `HEAPF64.subarray(...)`.

	const viewOperations = Math.max(1, Math.round((1 << 12) * operationScale()))
	const viewScope = { ...scope, operations: viewOperations }

	interface ViewRow {
		readonly name: string
		readonly library: string
		readonly raw: string
		readonly emscripten: string | undefined
		readonly goal: number
	}

	/** `module.HEAPF64.subarray(...)` of `length` elements from the address expression `from`. */
	function emscriptenSubarray(element: NormalizedElement, from: string, length: number): string {
		const heapName = emscriptenHeapOf(element)
		if (heapName === undefined) throw new Error(`bench: Emscripten exports no whole-heap view of ${element.viewConstructor}`)
		const start = element.byteSize === 1 ? from : `(${from} >> ${Math.log2(element.byteSize)})`
		return `module.${heapName}.subarray(${start}, ${start} + ${length})`
	}

	const viewRows: ViewRow[] = [
		...([
			['Uint8', 16],
			['Float64', 1024],
		] as const).map(([name, length]): ViewRow => {
			const element = elementNamed(name)
			return {
				name: `${element.methods.view}(address, ${length})`,
				library: `heap.${element.methods.view}(a, ${length})`,
				raw: `new ${element.viewConstructor}(module.HEAPU8.buffer, a, ${length})`,
				emscripten: source.emscripten ? emscriptenSubarray(element, 'a', length) : undefined,
				goal: 0.5,
			}
		}),
		...[elementNamed('Float64')].map((element): ViewRow => ({
			name: `${element.arrayRefClass}.view`,
			library: `${lower(element)}ArrayRef.view`,
			raw: `new ${element.viewConstructor}(module.HEAPU8.buffer, ${lower(element)}ArrayAddress, ${addressCount})`,
			emscripten: source.emscripten ? emscriptenSubarray(element, `${lower(element)}ArrayAddress`, addressCount) : undefined,
			goal: 0.4,
		})),
	]

	function viewLoop(expression: string): string {
		return `let sum = 0\nfor (let i = 0; i < operations; i++) {\n\tconst a = addresses[i & mask]\n\tsum += ${expression}.length\n}\nreturn sum`
	}

	for (const row of viewRows) {
		accessCases.push({
			suite: 'access',
			name: row.name,
			operations: viewOperations,
			goals: { raw: row.goal },
			library: compileBatch(row.name, viewLoop(row.library), viewScope),
			baselines: {
				raw: compileBatch(`${row.name}_raw`, viewLoop(row.raw), viewScope),
				...(row.emscripten === undefined ? {} : { emscripten: compileBatch(`${row.name}_emscripten`, viewLoop(row.emscripten), viewScope) }),
			},
		})
	}
	return accessCases
}
