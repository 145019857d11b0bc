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
 * One manager exists in this process (see run.ts). Batches are compiled one by one
 * (see `compileBatch`) so that no two cases share call-site feedback.
 */
import { wrapEmscriptenModuleHeap } from './library.js'
import { compileBatch, loadEmscriptenHeaplib } from './emscriptenFixture.js'
import type { BenchCase } from './harness.js'

const module = await loadEmscriptenHeaplib()
const heap = wrapEmscriptenModuleHeap(module)

const operations = 1 << 16
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
/** Values to write: mixed signs and fractions (each write converts them as its type does). */
const values = new Float64Array(addressCount).map((_, i) => (i % 2 === 0 ? 1 : -1) * i * 1234.5678)
const bigValues = Array.from({ length: addressCount }, (_, i) => BigInt(i) * 0x1_0000_0001n - 0x7fff_ffffn)
const pointerValues = new Float64Array(addressCount).map((_, i) => i * 0x2_0000_0001)

const scratchFloat32 = new Float32Array(1)
const scratchFloat32Bits = new Int32Array(scratchFloat32.buffer)
const scratchFloat64 = new Float64Array(1)
const scratchFloat64Bits = new BigInt64Array(scratchFloat64.buffer)

// ---------------------------------------------------------------------------------
// Value refs and array refs (allocated before the views below are taken: no growth after)

const refCount = 1024
const int32Refs = Array.from({ length: refCount }, () => heap.allocInt32())
const float64Refs = Array.from({ length: refCount }, () => heap.allocFloat64())
const int32RefAddresses = new Float64Array(int32Refs.map((ref) => ref.address))
const float64RefAddresses = new Float64Array(float64Refs.map((ref) => ref.address))
const int32RefIndices = new Float64Array(int32Refs.map((ref) => ref.address / 4))
const float64RefIndices = new Float64Array(float64Refs.map((ref) => ref.address / 8))
const oneInt32Ref = heap.allocInt32()
const int32ArrayRef = heap.allocInt32Array(addressCount)
const float64ArrayRef = heap.allocFloat64Array(addressCount)
const uint8ArrayRef = heap.allocUint8Array(addressCount)

const buffer = module.HEAPU8.buffer
const scope = {
	heap,
	operations,
	mask,
	addresses,
	values,
	bigValues,
	pointerValues,
	dataView: new DataView(buffer),
	int8: new Int8Array(buffer),
	uint8: new Uint8Array(buffer),
	int16: new Int16Array(buffer),
	uint16: new Uint16Array(buffer),
	int32: new Int32Array(buffer),
	uint32: new Uint32Array(buffer),
	float32: new Float32Array(buffer),
	float64: new Float64Array(buffer),
	bigInt64: new BigInt64Array(buffer),
	bigUint64: new BigUint64Array(buffer),
	getValue: module.getValue,
	setValue: module.setValue,
	module,
	scratchFloat32,
	scratchFloat32Bits,
	scratchFloat64,
	scratchFloat64Bits,
	refMask: refCount - 1,
	int32Refs,
	float64Refs,
	int32RefAddresses,
	float64RefAddresses,
	int32RefIndices,
	float64RefIndices,
	oneInt32Ref,
	oneInt32RefAddress: oneInt32Ref.address,
	oneInt32RefIndex: oneInt32Ref.address / 4,
	int32ArrayRef,
	float64ArrayRef,
	uint8ArrayRef,
	int32ArrayAddress: int32ArrayRef.address,
	float64ArrayAddress: float64ArrayRef.address,
	uint8ArrayAddress: uint8ArrayRef.address,
	rawInt32Array: new Int32Array(buffer, int32ArrayRef.address, addressCount),
	rawFloat64Array: new Float64Array(buffer, float64ArrayRef.address, addressCount),
	rawUint8Array: new Uint8Array(buffer, uint8ArrayRef.address, addressCount),
}

// ---------------------------------------------------------------------------------
// Loop shapes. In every expression `a` is the address and `v` the value to write.

/** Sums (or, for bigints, counts matches of) the values read, so no read can be dropped. */
function readLoop(expression: string, bigint: boolean): string {
	const use = bigint ? `if (${expression} === 7n) sum++` : `sum += ${expression}`
	return `let sum = 0\nfor (let i = 0; i < operations; i++) {\n\tconst a = addresses[i & mask]\n\t${use}\n}\nreturn sum`
}

function writeLoop(statement: string, valueArray: string): string {
	return `for (let i = 0; i < operations; i++) {\n\tconst a = addresses[i & mask]\n\tconst v = ${valueArray}[i & mask]\n\t${statement}\n}\nreturn 0`
}

interface AccessRow {
	readonly type: string
	/** The value array writes take their values from. */
	readonly values: 'values' | 'bigValues' | 'pointerValues'
	readonly raw: { read: string; write: string }
	readonly typed?: { read: string; write: string }
	readonly emscripten?: { read: string; write: string }
}

const accessRows: AccessRow[] = [
	{
		type: 'Int8',
		values: 'values',
		raw: { read: 'int8[a]', write: 'int8[a] = v' },
		emscripten: { read: "getValue(a, 'i8')", write: "setValue(a, v, 'i8')" },
	},
	{
		type: 'Uint8',
		values: 'values',
		raw: { read: 'uint8[a]', write: 'uint8[a] = v' },
		emscripten: { read: "getValue(a, 'i8') & 0xff", write: "setValue(a, v, 'i8')" },
	},
	{
		type: 'Int16',
		values: 'values',
		raw: { read: 'dataView.getInt16(a, true)', write: 'dataView.setInt16(a, v, true)' },
		typed: { read: 'int16[a >> 1]', write: 'int16[a >> 1] = v' },
		emscripten: { read: "getValue(a, 'i16')", write: "setValue(a, v, 'i16')" },
	},
	{
		type: 'Uint16',
		values: 'values',
		raw: { read: 'dataView.getUint16(a, true)', write: 'dataView.setUint16(a, v, true)' },
		typed: { read: 'uint16[a >> 1]', write: 'uint16[a >> 1] = v' },
		emscripten: { read: "getValue(a, 'i16') & 0xffff", write: "setValue(a, v, 'i16')" },
	},
	{
		type: 'Int32',
		values: 'values',
		raw: { read: 'dataView.getInt32(a, true)', write: 'dataView.setInt32(a, v, true)' },
		typed: { read: 'int32[a >> 2]', write: 'int32[a >> 2] = v' },
		emscripten: { read: "getValue(a, 'i32')", write: "setValue(a, v, 'i32')" },
	},
	{
		type: 'Uint32',
		values: 'values',
		raw: { read: 'dataView.getUint32(a, true)', write: 'dataView.setUint32(a, v, true)' },
		typed: { read: 'uint32[a >> 2]', write: 'uint32[a >> 2] = v' },
		emscripten: { read: "getValue(a, 'i32') >>> 0", write: "setValue(a, v, 'i32')" },
	},
	{
		type: 'Float32',
		values: 'values',
		raw: { read: 'dataView.getFloat32(a, true)', write: 'dataView.setFloat32(a, v, true)' },
		typed: { read: 'float32[a >> 2]', write: 'float32[a >> 2] = v' },
		emscripten: { read: "getValue(a, 'float')", write: "setValue(a, v, 'float')" },
	},
	{
		type: 'Float64',
		values: 'values',
		raw: { read: 'dataView.getFloat64(a, true)', write: 'dataView.setFloat64(a, v, true)' },
		typed: { read: 'float64[a >> 3]', write: 'float64[a >> 3] = v' },
		emscripten: { read: "getValue(a, 'double')", write: "setValue(a, v, 'double')" },
	},
	{
		type: 'BigInt64',
		values: 'bigValues',
		raw: { read: 'dataView.getBigInt64(a, true)', write: 'dataView.setBigInt64(a, v, true)' },
		typed: { read: 'bigInt64[a >> 3]', write: 'bigInt64[a >> 3] = v' },
	},
	{
		type: 'BigUint64',
		values: 'bigValues',
		raw: { read: 'dataView.getBigUint64(a, true)', write: 'dataView.setBigUint64(a, v, true)' },
		typed: { read: 'bigUint64[a >> 3]', write: 'bigUint64[a >> 3] = v' },
	},
	{
		type: 'Pointer53',
		values: 'pointerValues',
		raw: {
			read: '(dataView.getUint32(a, true) + dataView.getUint32(a + 4, true) * 4294967296)',
			write: 'dataView.setUint32(a, v % 4294967296, true); dataView.setUint32(a + 4, Math.floor(v / 4294967296), true)',
		},
		typed: {
			read: '(uint32[a >> 2] + uint32[(a >> 2) + 1] * 4294967296)',
			write: 'uint32[a >> 2] = v % 4294967296; uint32[(a >> 2) + 1] = Math.floor(v / 4294967296)',
		},
	},
]

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

export const accessCases: BenchCase[] = []

for (const row of accessRows) {
	const bigint = row.values === 'bigValues'
	const readLoopOf = (expression: string): string => readLoop(expression, bigint)
	const writeLoopOf = (statement: string): string => writeLoop(statement, row.values)
	accessCases.push({
		suite: 'access',
		name: `read${row.type}`,
		operations,
		goals: { raw: 0.5 },
		library: compileBatch(`read${row.type}`, readLoopOf(`heap.read${row.type}(a)`), scope),
		baselines: variants(
			{ raw: row.raw.read, typed: row.typed?.read, emscripten: row.emscripten?.read },
			readLoopOf,
			`read${row.type}`,
		),
	})
	accessCases.push({
		suite: 'access',
		name: `write${row.type}`,
		operations,
		goals: { raw: 0.5 },
		library: compileBatch(`write${row.type}`, writeLoopOf(`heap.write${row.type}(a, v)`), scope),
		baselines: variants(
			{ raw: row.raw.write, typed: row.typed?.write, emscripten: row.emscripten?.write },
			writeLoopOf,
			`write${row.type}`,
		),
	})
}

// ---------------------------------------------------------------------------------
// Atomics: Atomics.load/store on the typed array (floats through an integer atomic and
// scratch views, as the library does). Emscripten has no non-threaded equivalent.

interface AtomicRow {
	readonly type: string
	readonly values: 'values' | 'bigValues'
	readonly read: string
	readonly write: string
}

const atomicRows: AtomicRow[] = [
	{ type: 'Uint8', values: 'values', read: 'Atomics.load(uint8, a)', write: 'Atomics.store(uint8, a, v)' },
	{ type: 'Int16', values: 'values', read: 'Atomics.load(int16, a >> 1)', write: 'Atomics.store(int16, a >> 1, v)' },
	{ type: 'Int32', values: 'values', read: 'Atomics.load(int32, a >> 2)', write: 'Atomics.store(int32, a >> 2, v)' },
	{ type: 'BigInt64', values: 'bigValues', read: 'Atomics.load(bigInt64, a >> 3)', write: 'Atomics.store(bigInt64, a >> 3, v)' },
	{
		type: 'Float32',
		values: 'values',
		read: '((scratchFloat32Bits[0] = Atomics.load(int32, a >> 2)), scratchFloat32[0])',
		write: 'scratchFloat32[0] = v; Atomics.store(int32, a >> 2, scratchFloat32Bits[0])',
	},
	{
		type: 'Float64',
		values: 'values',
		read: '((scratchFloat64Bits[0] = Atomics.load(bigInt64, a >> 3)), scratchFloat64[0])',
		write: 'scratchFloat64[0] = v; Atomics.store(bigInt64, a >> 3, scratchFloat64Bits[0])',
	},
]

for (const row of atomicRows) {
	const bigint = row.values === 'bigValues'
	accessCases.push({
		suite: 'access',
		name: `read${row.type}Atomic`,
		operations,
		goals: { raw: 0.5 },
		library: compileBatch(`read${row.type}Atomic`, readLoop(`heap.read${row.type}Atomic(a)`, bigint), scope),
		baselines: { raw: compileBatch(`read${row.type}Atomic_raw`, readLoop(row.read, bigint), scope) },
	})
	accessCases.push({
		suite: 'access',
		name: `write${row.type}Atomic`,
		operations,
		goals: { raw: 0.5 },
		library: compileBatch(`write${row.type}Atomic`, writeLoop(`heap.write${row.type}Atomic(a, v)`, row.values), scope),
		baselines: { raw: compileBatch(`write${row.type}Atomic_raw`, writeLoop(row.write, row.values), scope) },
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
	readonly emscripten?: string
	readonly kind: 'read' | 'write' | 'update'
}

const refRows: RefRow[] = [
	{
		name: 'Int32Ref.value read (1,024 refs)',
		kind: 'read',
		library: 'int32Refs[k].value',
		raw: 'int32[int32RefIndices[k]]',
		emscripten: "getValue(int32RefAddresses[k], 'i32')",
	},
	{
		name: 'Int32Ref.value write (1,024 refs)',
		kind: 'write',
		library: 'int32Refs[k].value = v',
		raw: 'int32[int32RefIndices[k]] = v',
		emscripten: "setValue(int32RefAddresses[k], v, 'i32')",
	},
	{
		name: 'Float64Ref.value read (1,024 refs)',
		kind: 'read',
		library: 'float64Refs[k].value',
		raw: 'float64[float64RefIndices[k]]',
		emscripten: "getValue(float64RefAddresses[k], 'double')",
	},
	{
		name: 'Float64Ref.value write (1,024 refs)',
		kind: 'write',
		library: 'float64Refs[k].value = v',
		raw: 'float64[float64RefIndices[k]] = v',
		emscripten: "setValue(float64RefAddresses[k], v, 'double')",
	},
	{
		name: 'Int32Ref.value += 1 (one ref)',
		kind: 'update',
		library: 'oneInt32Ref.value += 1',
		raw: 'int32[oneInt32RefIndex] += 1',
		emscripten: "setValue(oneInt32RefAddress, getValue(oneInt32RefAddress, 'i32') + 1, 'i32')",
	},
	{
		name: 'Int32Ref.readAtomic (1,024 refs)',
		kind: 'read',
		library: 'int32Refs[k].readAtomic()',
		raw: 'Atomics.load(int32, int32RefIndices[k])',
	},
	{
		name: 'Int32ArrayRef.readAt',
		kind: 'read',
		library: 'int32ArrayRef.readAt(j)',
		raw: 'rawInt32Array[j]',
		emscripten: "getValue(int32ArrayAddress + j * 4, 'i32')",
	},
	{
		name: 'Int32ArrayRef.writeAt',
		kind: 'write',
		library: 'int32ArrayRef.writeAt(j, v)',
		raw: 'rawInt32Array[j] = v',
		emscripten: "setValue(int32ArrayAddress + j * 4, v, 'i32')",
	},
	{
		name: 'Float64ArrayRef.readAt',
		kind: 'read',
		library: 'float64ArrayRef.readAt(j)',
		raw: 'rawFloat64Array[j]',
		emscripten: "getValue(float64ArrayAddress + j * 8, 'double')",
	},
	{
		name: 'Float64ArrayRef.writeAt',
		kind: 'write',
		library: 'float64ArrayRef.writeAt(j, v)',
		raw: 'rawFloat64Array[j] = v',
		emscripten: "setValue(float64ArrayAddress + j * 8, v, 'double')",
	},
	{
		name: 'Uint8ArrayRef.readAt',
		kind: 'read',
		library: 'uint8ArrayRef.readAt(j)',
		raw: 'rawUint8Array[j]',
		emscripten: "getValue(uint8ArrayAddress + j, 'i8') & 0xff",
	},
	{
		name: 'Uint8ArrayRef.writeAt',
		kind: 'write',
		library: 'uint8ArrayRef.writeAt(j, v)',
		raw: 'rawUint8Array[j] = v',
		emscripten: "setValue(uint8ArrayAddress + j, v, 'i8')",
	},
]

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

const viewOperations = 1 << 12
const viewScope = { ...scope, operations: viewOperations }

interface ViewRow {
	readonly name: string
	readonly library: string
	readonly raw: string
	readonly emscripten: string
	readonly goal: number
}

const viewRows: ViewRow[] = [
	{
		name: 'viewUint8Array(address, 16)',
		library: 'heap.viewUint8Array(a, 16)',
		raw: 'new Uint8Array(module.HEAPU8.buffer, a, 16)',
		emscripten: 'module.HEAPU8.subarray(a, a + 16)',
		goal: 0.5,
	},
	{
		name: 'viewFloat64Array(address, 1024)',
		library: 'heap.viewFloat64Array(a, 1024)',
		raw: 'new Float64Array(module.HEAPU8.buffer, a, 1024)',
		emscripten: 'module.HEAPF64.subarray(a >> 3, (a >> 3) + 1024)',
		goal: 0.5,
	},
	{
		name: 'Float64ArrayRef.view',
		library: 'float64ArrayRef.view',
		raw: 'new Float64Array(module.HEAPU8.buffer, float64ArrayAddress, 4096)',
		emscripten: 'module.HEAPF64.subarray(float64ArrayAddress >> 3, (float64ArrayAddress >> 3) + 4096)',
		goal: 0.4,
	},
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
			emscripten: compileBatch(`${row.name}_emscripten`, viewLoop(row.emscripten), viewScope),
		},
	})
}
