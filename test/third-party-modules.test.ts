/**
 * Two real third-party Emscripten builds from npm, driven through their C APIs on the
 * heap, each checked against the module's OWN high-level API (never against values this
 * library computed):
 *
 * - sql.js 1.17.0 (SQLite). It exposes `_malloc`/`_free` but no heap (no `HEAPU8`, no
 *   `wasmMemory`), and its wasm exports are minified (the memory is named `O`), so the
 *   memory is found with an `instantiateWasm` hook, by `instanceof`, and handed to
 *   `wrapEmscriptenModuleHeap(module, { memory })`. Oracles: the same module's
 *   `Database` class running the same statements, and SQLite's own `hex()`, `length()`
 *   and `sqlite3_memory_used()`.
 * - draco3d 1.5.9 (Google's Draco mesh decoder), which exposes `HEAPU8`. `bunny.drc` is
 *   decoded from bytes the manager allocated, positions and triangles are read into
 *   arrays it allocated, and compared with Draco's own `DracoFloat32Array` and
 *   `GetFaceFromMesh`.
 *
 * Both force the memory to grow from C while refs are held.
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { wrapEmscriptenModuleHeap, type WasmHeapManager } from '../src/index.js'
import type { SqlJsModule as ReadmeSqlJsModule } from 'sql.js'

const require = createRequire(import.meta.url)

/** A module whose `_free` counts its calls (its other members the module's own, through the prototype). */
function countingFree<M extends { _free(address: number): void }>(module: M): { module: M; calls: () => number } {
	let calls = 0
	const counting = Object.create(module) as M
	counting._free = (address: number) => {
		calls++
		module._free(address)
	}
	return { module: counting, calls: () => calls }
}

// ---- sql.js ---------------------------------------------------------------------------

/**
 * The part of sql.js's module (its own `Module` object, which `initSqlJs` resolves to) this
 * file uses: what the README's example calls (test/support/sql.js.d.ts), and more.
 */
interface SqlJsModule extends ReadmeSqlJsModule {
	_sqlite3_bind_text(statement: number, index: number, text: number, byteCount: number, destructor: number): number
	_sqlite3_bind_blob(statement: number, index: number, bytes: number, byteCount: number, destructor: number): number
	_sqlite3_bind_double(statement: number, index: number, value: number): number
	_sqlite3_bind_int64(statement: number, index: number, value: bigint): number
	_sqlite3_reset(statement: number): number
	_sqlite3_column_blob(statement: number, column: number): number
	_sqlite3_column_bytes(statement: number, column: number): number
	_sqlite3_column_double(statement: number, column: number): number
	_sqlite3_errmsg(database: number): number
	_sqlite3_memory_used(): bigint
	UTF8ToString(address: number): string
	Database: new () => SqlJsDatabase
}

interface SqlJsDatabase {
	run(sql: string, parameters?: unknown[]): SqlJsDatabase
	exec(sql: string): { columns: string[]; values: unknown[][] }[]
	prepare(sql: string): SqlJsStatement
	close(): void
}

interface SqlJsStatement {
	step(): boolean
	get(parameters?: null, config?: { useBigInt: boolean }): unknown[]
	free(): boolean
}

const SQLITE_OK = 0
const SQLITE_ERROR = 1
const SQLITE_ROW = 100
const SQLITE_DONE = 101
/** `SQLITE_STATIC`: SQLite reads the bound bytes where they are, until the statement is reset: our heap allocation itself. */
const SQLITE_STATIC = 0

/**
 * A fresh sql.js module and its memory. `initSqlJs` caches its first promise (a second
 * call returns the same module, ignoring its config, hook included), so the package is
 * loaded anew.
 * The hook instantiates the wasm itself and finds the memory by what it is: its export
 * name is minified.
 */
async function loadSqlJs(): Promise<{
	module: SqlJsModule
	memory: WebAssembly.Memory
	exportNames: string[]
	/** The `instance.exports.memory` a README once advised: undefined in this minified build. */
	namedMemory: unknown
	initSqlJs: (config: object) => Promise<SqlJsModule>
}> {
	const path = require.resolve('sql.js')
	delete require.cache[path]
	const initSqlJs = require(path) as (config: object) => Promise<SqlJsModule>
	// Nor is this copy left for the next importer (a README example), whose hook it would ignore.
	delete require.cache[path]
	let memory: WebAssembly.Memory | undefined
	let exportNames: string[] = []
	let namedMemory: unknown
	const module = await initSqlJs({
		instantiateWasm(imports: WebAssembly.Imports, receiveInstance: (instance: WebAssembly.Instance) => void) {
			void WebAssembly.instantiate(readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')), imports).then(({ instance }) => {
				exportNames = Object.keys(instance.exports)
				namedMemory = instance.exports['memory']
				memory = Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory)
				receiveInstance(instance)
			})
			return {}
		},
	})
	return { module, memory: memory!, exportNames, namedMemory, initSqlJs }
}

/** Lowercase hex of bytes, as SQLite's `hex()` prints them but lowercase. */
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')

describe('third-party module: sql.js (SQLite), through wrapEmscriptenModuleHeap(module, { memory })', function () {
	this.timeout(60_000)
	let module: SqlJsModule
	let memory: WebAssembly.Memory
	let heap: WasmHeapManager
	let database: number
	let freeCalls: () => number

	/** A statement prepared from SQL the manager allocated (freed at once: SQLite copies what it needs). */
	function prepare(sql: string): number {
		const text = heap.allocNullTerminatedUtf8String(sql)
		const out = heap.allocPointer32()
		const code = module._sqlite3_prepare_v2(database, text.address, -1, out.address, 0)
		expect(code, heap.readNullTerminatedUtf8String(module._sqlite3_errmsg(database) >>> 0)).to.equal(SQLITE_OK)
		const statement = out.value
		text.free()
		out.free()
		return statement
	}

	/** `sqlite3_exec` of SQL the manager allocated; the error message (sqlite3_malloc'd) freed through a ref wrapped with sqlite3_free. */
	function exec(sql: string): void {
		const text = heap.allocNullTerminatedUtf8String(sql)
		const errorOut = heap.allocPointer32()
		const code = module._sqlite3_exec(database, text.address, 0, 0, errorOut.address)
		if (errorOut.value !== 0) heap.wrapNullTerminatedUtf8String(errorOut.value, undefined, { deallocator: module._sqlite3_free }).free()
		expect(code, sql).to.equal(SQLITE_OK)
		text.free()
		errorOut.free()
	}

	/** Every row of `sql` as text columns, read through the heap as UTF-8. */
	function textRows(sql: string, columns: number): string[][] {
		const statement = prepare(sql)
		const rows: string[][] = []
		while (module._sqlite3_step(statement) === SQLITE_ROW) {
			rows.push(Array.from({ length: columns }, (_, column) => heap.readNullTerminatedUtf8String(module._sqlite3_column_text(statement, column) >>> 0)))
		}
		expect(module._sqlite3_finalize(statement)).to.equal(SQLITE_OK)
		return rows
	}

	before(async () => {
		;({ module, memory } = await loadSqlJs())
	})

	beforeEach(() => {
		// Counted free: the manager must free what it allocated through the module's own _free.
		const counting = countingFree(module)
		freeCalls = counting.calls
		heap = wrapEmscriptenModuleHeap(counting.module, { memory })
		const filename = heap.allocNullTerminatedUtf8String(':memory:')
		const out = heap.allocPointer32() // sqlite3 **ppDb: a pointer-sized out-value
		expect(module._sqlite3_open(filename.address, out.address)).to.equal(SQLITE_OK)
		database = out.value
		expect(database).to.be.greaterThan(0)
		filename.free()
		out.free()
	})

	afterEach(() => {
		if (database !== 0) expect(module._sqlite3_close_v2(database)).to.equal(SQLITE_OK)
		database = 0
		heap.freeAll()
	})

	it('is the module the README describes: no heap of its own, minified exports, its memory found by instanceof', async () => {
		const fresh = await loadSqlJs()
		const exposed = fresh.module as unknown as Record<string, unknown>
		expect(exposed['HEAPU8']).to.equal(undefined)
		expect(exposed['wasmMemory']).to.equal(undefined)
		expect(fresh.exportNames).to.not.include('memory')
		expect(fresh.memory).to.be.instanceOf(WebAssembly.Memory)
		// Without the memory, the error says how to give it (and not by an export name that sql.js does not have).
		expect(() => wrapEmscriptenModuleHeap(fresh.module)).to.throw(Error, /has no heap.*\{ memory \}.*instanceof WebAssembly\.Memory/)
		// The two ways to end up with { memory: undefined }: instance.exports.memory, and a
		// hook that never ran (initSqlJs hands a second call the first call's module).
		expect(fresh.namedMemory).to.equal(undefined)
		let hookRan = false
		const again = await fresh.initSqlJs({ instantiateWasm: () => (hookRan = true) })
		expect(again).to.equal(fresh.module)
		expect(hookRan).to.equal(false)
		expect(() => wrapEmscriptenModuleHeap(again, { memory: fresh.namedMemory as undefined })).to.throw(
			Error,
			/options\.memory is undefined.*find\(\(value\) => value instanceof WebAssembly\.Memory\).*check that the hook ran \(sql\.js's initSqlJs runs only its first call's\)/,
		)
		// The manager's heap is that memory's buffer, and C sees what the manager writes.
		const manager = wrapEmscriptenModuleHeap(fresh.module, { memory: fresh.memory })
		expect(manager.heap).to.equal(fresh.memory.buffer)
		const text = manager.allocNullTerminatedUtf8String('Grüße 😀')
		expect(fresh.module.UTF8ToString(text.address)).to.equal('Grüße 😀')
		manager.freeAll()
	})

	// Fails if the UTF-8 writer (allocNullTerminatedUtf8String) or reader
	// (readNullTerminatedUtf8String) mis-encodes multibyte text: SQLite's hex() of what it
	// stored, and sql.js's Database running the same SQL, are the references.
	it('SQL with non-ASCII text through sqlite3_exec; rows read through the heap agree with sql.js Database and SQLite hex()', () => {
		const sql =
			"CREATE TABLE words(id INTEGER PRIMARY KEY, word TEXT); INSERT INTO words(word) VALUES ('café'), ('日本'), ('emoji 😀'), ('Grüße, 世界! 🎉🎉');"
		exec(sql)
		const ours = textRows('SELECT word, hex(word), length(word) FROM words ORDER BY id', 3)

		const oracle = new module.Database()
		oracle.run(sql)
		const theirs = oracle.exec('SELECT word, hex(word), length(word) FROM words ORDER BY id')[0]!.values
		oracle.close()
		expect(ours).to.deep.equal(theirs.map((row) => row.map(String)))
		// SQLite counts characters: é, 日 and 😀 are one each, so the bytes were valid UTF-8.
		expect(ours.map((row) => Number(row[2]))).to.deep.equal(['café', '日本', 'emoji 😀', 'Grüße, 世界! 🎉🎉'].map((word) => [...word].length))
		// And the bytes SQLite stored are UTF-8's.
		expect(ours.map((row) => row[1]!.toLowerCase())).to.deep.equal(ours.map((row) => hexOf(new TextEncoder().encode(row[0]!))))
	})

	// Fails if a slice's elementCount is not its byte length (bind_text's byte count), if
	// allocUint8Array/allocFloat64Array/allocBigInt64Array copy values in wrongly, or if
	// viewUint8Array views the wrong bytes or copies them (the view is checked to be the
	// heap itself). sql.js's Database, binding the same JS values, is the reference.
	it('prepare_v2 + bind text/blob/double/int64 from heap allocations + step, and column_text/column_blob/column_double back', () => {
		const rows: [string, number[], number, bigint][] = [
			['café au lait', [0, 1, 2, 127, 128, 255], 0.1 + 0.2, 2n ** 62n + 1n],
			['日本語のテキスト', [0xde, 0xad, 0xbe, 0xef], -1.5e300, -(2n ** 63n)],
			['😀 and \u{1F468}\u200D\u{1F469}\u200D\u{1F467}', Array.from({ length: 300 }, (_, index) => (index * 7) & 0xff), Number.MIN_VALUE, 9007199254740993n],
			['', [], -2.5, 0n],
		]
		const create = 'CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, data BLOB, score REAL, big INTEGER)'
		exec(create)
		const insert = prepare('INSERT INTO items(name, data, score, big) VALUES (?, ?, ?, ?)')
		for (const [name, data, score, big] of rows) {
			// Bound SQLITE_STATIC: SQLite reads these allocations in place during step().
			const text = heap.allocUtf8StringSlice(name)
			const blob = heap.allocUint8Array(data)
			const doubles = heap.allocFloat64Array([score])
			const integers = heap.allocBigInt64Array([big])
			expect(module._sqlite3_bind_text(insert, 1, text.address, text.encodedByteLength, SQLITE_STATIC)).to.equal(SQLITE_OK)
			expect(module._sqlite3_bind_blob(insert, 2, blob.address, blob.elementCount, SQLITE_STATIC)).to.equal(SQLITE_OK)
			expect(module._sqlite3_bind_double(insert, 3, doubles.readAt(0))).to.equal(SQLITE_OK)
			expect(module._sqlite3_bind_int64(insert, 4, integers.readAt(0))).to.equal(SQLITE_OK)
			expect(module._sqlite3_step(insert)).to.equal(SQLITE_DONE)
			expect(module._sqlite3_reset(insert)).to.equal(SQLITE_OK)
			for (const ref of [text, blob, doubles, integers]) ref.free()
		}
		expect(module._sqlite3_finalize(insert)).to.equal(SQLITE_OK)

		const query = 'SELECT name, data, score, big, hex(name), hex(data), typeof(data) FROM items ORDER BY id'
		const select = prepare(query)
		const ours: unknown[][] = []
		while (module._sqlite3_step(select) === SQLITE_ROW) {
			const name = heap.readNullTerminatedUtf8String(module._sqlite3_column_text(select, 0) >>> 0)
			const blobAddress = module._sqlite3_column_blob(select, 1) >>> 0
			const blobLength = module._sqlite3_column_bytes(select, 1)
			const data = heap.viewUint8Array(blobAddress, blobLength) // SQLite's own bytes, not a copy
			if (blobLength > 0) {
				expect(data.buffer).to.equal(memory.buffer)
				expect(data.byteOffset).to.equal(blobAddress)
			}
			const score = module._sqlite3_column_double(select, 2)
			// sql.js exports no sqlite3_column_int64: SQLite prints the integer as text, exactly.
			const big = BigInt(heap.readNullTerminatedUtf8String(module._sqlite3_column_text(select, 3) >>> 0))
			const hexName = heap.readNullTerminatedUtf8String(module._sqlite3_column_text(select, 4) >>> 0)
			const hexData = heap.readNullTerminatedUtf8String(module._sqlite3_column_text(select, 5) >>> 0)
			const type = heap.readNullTerminatedAsciiString(module._sqlite3_column_text(select, 6) >>> 0)
			ours.push([name, [...data], score, big, hexName, hexData, type])
		}
		expect(module._sqlite3_finalize(select)).to.equal(SQLITE_OK)

		const oracle = new module.Database()
		oracle.run(create)
		for (const [name, data, score, big] of rows) oracle.run('INSERT INTO items(name, data, score, big) VALUES (?, ?, ?, ?)', [name, new Uint8Array(data), score, big])
		const statement = oracle.prepare(query)
		const theirs: unknown[][] = []
		while (statement.step()) {
			const row = statement.get(null, { useBigInt: true })
			theirs.push([row[0], [...(row[1] as Uint8Array)], row[2], row[3], row[4], row[5], row[6]])
		}
		statement.free()
		oracle.close()
		expect(ours).to.deep.equal(theirs)
		// The values went in as given: the independent check of both sides.
		expect(ours.map((row) => [row[0], row[1], row[2], row[3]])).to.deep.equal(rows)
	})

	// Fails if wrap options' deallocator is ignored (the manager's _free on a block
	// sqlite3_malloc'd: SQLite's accounting would not go back, and _free would be called),
	// or if the wrapped string's length scan is wrong (the message is compared with what
	// sql.js's Database reports for the same failing SQL).
	it("a failing sqlite3_exec: its char **errmsg (sqlite3_malloc'd) wrapped with { deallocator: sqlite3_free } and freed through the ref", () => {
		exec('CREATE TABLE t(x)')
		const bad = 'SELECT * FROM "tablé_日本_😀"'
		const sql = heap.allocNullTerminatedUtf8String(bad)
		const errorOut = heap.allocPointer32()
		// Once, so that what SQLite caches on a first error (the schema) is not counted below.
		expect(module._sqlite3_exec(database, sql.address, 0, 0, errorOut.address)).to.equal(SQLITE_ERROR)
		module._sqlite3_free(errorOut.value)

		const usedBefore = module._sqlite3_memory_used()
		expect(module._sqlite3_exec(database, sql.address, 0, 0, errorOut.address)).to.equal(SQLITE_ERROR)
		const usedWithMessage = module._sqlite3_memory_used()
		expect(usedWithMessage > usedBefore, "the message is counted by SQLite").to.equal(true)
		const message = heap.wrapNullTerminatedUtf8String(errorOut.value, undefined, { deallocator: module._sqlite3_free })
		expect(message.encodedByteLength).to.equal(new TextEncoder().encode(message.value).length)

		const oracle = new module.Database()
		oracle.run('CREATE TABLE t(x)')
		expect(() => oracle.exec(bad)).to.throw(Error)
		let expected = ''
		try {
			oracle.exec(bad)
		} catch (error) {
			expected = (error as Error).message
		}
		oracle.close()
		expect(message.value).to.equal(expected)
		expect(message.value).to.equal('no such table: tablé_日本_😀')

		const frees = freeCalls()
		message.free()
		expect(message.isFreed).to.equal(true)
		expect(module._sqlite3_memory_used()).to.equal(usedBefore)
		expect(freeCalls(), "the manager's _free is not what freed it").to.equal(frees)
		expect(heap.allocatedRefs.map((ref) => ref.address).sort()).to.deep.equal([sql.address, errorOut.address].sort())
	})

	// Fails if the manager keeps the detached buffer after C grew the memory (reads would
	// throw or see zeros), if array and string refs re-derive their views from a stale
	// heap, or if viewUint8Array is bounded by the heap size it saw before the growth.
	// SQLite's hex() and length() of the blobs are the reference.
	it('the memory grows inside SQLite (a zeroblob larger than the memory, a bound 16 MiB blob) while refs and views are held', () => {
		const marker = heap.allocUint8Array(Array.from({ length: 64 }, (_, index) => 255 - index))
		const markerView = marker.view
		const label = heap.allocNullTerminatedUtf8String('日本 😀 before the growth')
		const doubles = heap.allocFloat64Array([Math.PI, -Math.E])
		const bufferBefore = memory.buffer
		const byteLengthBefore = bufferBefore.byteLength
		expect(heap.heap).to.equal(bufferBefore)

		// More zeros than the whole memory holds now (about 21 MiB on a fresh sql.js), so that SQLite must grow it.
		const zeros = byteLengthBefore + 2 ** 20
		exec(`CREATE TABLE big(id INTEGER PRIMARY KEY, b BLOB); INSERT INTO big(b) VALUES (zeroblob(${zeros}))`)
		expect(memory.buffer.byteLength, 'SQLite grew the memory').to.be.greaterThan(byteLengthBefore)
		expect(bufferBefore.byteLength, 'the old buffer is detached').to.equal(0)
		expect(markerView.length, 'a view taken before the growth is detached').to.equal(0)

		// The refs read the right bytes from the new heap, and the manager has it.
		expect([...marker.view]).to.deep.equal(Array.from({ length: 64 }, (_, index) => 255 - index))
		expect(marker.view.buffer).to.equal(memory.buffer)
		expect(label.value).to.equal('日本 😀 before the growth')
		expect([...doubles.view]).to.deep.equal([Math.PI, -Math.E])
		expect(heap.heap).to.equal(memory.buffer)
		expect(heap.heapUint8.length).to.equal(memory.buffer.byteLength)

		// Bound from the heap: 16 MiB of a pattern, which SQLite copies into its pages.
		const size = 16 * 1024 * 1024
		const pattern = new Uint8Array(size)
		for (let offset = 0; offset < size; offset++) pattern[offset] = (offset * 31 + (offset >>> 16)) & 0xff
		const bound = heap.allocUint8Array(size)
		bound.view.set(pattern)
		const insert = prepare('INSERT INTO big(b) VALUES (?)')
		expect(module._sqlite3_bind_blob(insert, 1, bound.address, size, SQLITE_STATIC)).to.equal(SQLITE_OK)
		expect(module._sqlite3_step(insert)).to.equal(SQLITE_DONE)
		expect(module._sqlite3_finalize(insert)).to.equal(SQLITE_OK)
		bound.free()

		const select = prepare('SELECT b, length(b), hex(substr(b, 1, 32)), hex(substr(b, -32)) FROM big ORDER BY id')
		const lengths: number[] = []
		while (module._sqlite3_step(select) === SQLITE_ROW) {
			const address = module._sqlite3_column_blob(select, 0) >>> 0
			const length = module._sqlite3_column_bytes(select, 0)
			const texts = [1, 2, 3].map((column) => heap.readNullTerminatedAsciiString(module._sqlite3_column_text(select, column) >>> 0))
			// A view of SQLite's own bytes on the current heap, however far it has grown.
			const view = heap.viewUint8Array(address, length)
			expect(view.buffer).to.equal(memory.buffer)
			expect(length).to.equal(Number(texts[0]))
			expect(texts.slice(1).map((text) => text.toLowerCase())).to.deep.equal([hexOf(view.subarray(0, 32)), hexOf(view.subarray(length - 32))])
			const expected = lengths.length === 0 ? new Uint8Array(zeros) : pattern
			expect(Buffer.from(view.buffer, view.byteOffset, view.length).equals(expected), `blob ${lengths.length + 1}`).to.equal(true)
			lengths.push(length)
		}
		expect(module._sqlite3_finalize(select)).to.equal(SQLITE_OK)
		expect(lengths).to.deep.equal([zeros, size])
		expect(label.value).to.equal('日本 😀 before the growth')
		expect([...doubles.view]).to.deep.equal([Math.PI, -Math.E])
	})

	// Fails if tracking misses a ref or freeAll leaves one (or frees through anything but the module's _free).
	it('freeAll leaves nothing live, each allocation freed once through the module\'s own _free', () => {
		const refs = [
			heap.allocNullTerminatedUtf8String('SELECT 1'),
			heap.allocPointer32(),
			heap.allocUint8Array(1000),
			heap.allocBigInt64Array([1n, 2n]),
			heap.allocUtf8StringSlice('日本'),
		]
		expect(heap.allocatedRefs.length).to.equal(refs.length)
		expect(heap.totalAllocatedByteSize).to.equal(refs.reduce((sum, ref) => sum + ref.allocatedByteSize, 0))
		const frees = freeCalls()
		heap.freeAll()
		expect(freeCalls() - frees).to.equal(refs.length)
		expect(heap.allocatedRefs).to.deep.equal([])
		expect(heap.totalAllocatedByteSize).to.equal(0)
		expect(refs.every((ref) => ref.isFreed)).to.equal(true)
	})
})

// ---- draco3d --------------------------------------------------------------------------

/** The part of draco3d's decoder module (WebIDL bindings over Draco's C++ API) this file uses. */
interface DracoDecoderModule {
	HEAPU8: Uint8Array
	_malloc(size: number): number
	_free(address: number): void
	Decoder: new () => DracoDecoder
	DecoderBuffer: new () => { Init(data: number | Int8Array, byteLength: number): void }
	Mesh: new () => DracoMesh
	DracoFloat32Array: new () => { size(): number; GetValue(index: number): number }
	DracoInt32Array: new () => { size(): number; GetValue(index: number): number }
	destroy(object: object): void
	POSITION: number
	DT_FLOAT32: number
	TRIANGULAR_MESH: number
}

interface DracoMesh {
	num_points(): number
	num_faces(): number
}

interface DracoStatus {
	ok(): boolean
	error_msg(): string
}

interface DracoDecoder {
	GetEncodedGeometryType(buffer: object): number
	DecodeBufferToMesh(buffer: object, mesh: DracoMesh): DracoStatus
	DecodeArrayToMesh(data: number | Int8Array, byteLength: number, mesh: DracoMesh): DracoStatus
	GetAttributeId(mesh: DracoMesh, type: number): number
	GetAttribute(mesh: DracoMesh, id: number): { num_components(): number }
	GetAttributeDataArrayForAllPoints(mesh: DracoMesh, attribute: object, dataType: number, byteLength: number, out: number): boolean
	GetAttributeFloatForAllPoints(mesh: DracoMesh, attribute: object, out: object): boolean
	GetTrianglesUInt32Array(mesh: DracoMesh, byteLength: number, out: number): boolean
	GetFaceFromMesh(mesh: DracoMesh, face: number, out: object): boolean
}

describe('third-party module: draco3d (Draco mesh decoder), through wrapEmscriptenModuleHeap(module)', function () {
	this.timeout(60_000)
	const compressed = readFileSync(require.resolve('draco3d/bunny.drc'))
	let module: DracoDecoderModule
	let heap: WasmHeapManager
	let decoder: DracoDecoder
	let freeCalls: () => number
	/** Draco's own reading of the bunny: positions through DracoFloat32Array, triangles through GetFaceFromMesh. */
	let oracle: { points: number; faces: number; positions: number[]; triangles: number[] }

	/** Decodes `mesh` from Draco's own copy of the bytes (DecodeArrayToMesh copies a typed array into its heap). */
	function decodeWithDracoCopy(mesh: DracoMesh): void {
		const status = decoder.DecodeArrayToMesh(new Int8Array(compressed.buffer, compressed.byteOffset, compressed.byteLength), compressed.byteLength, mesh)
		expect(status.ok(), status.error_msg()).to.equal(true)
	}

	before(async () => {
		const createDecoderModule = (require('draco3d') as { createDecoderModule(overrides: object): Promise<DracoDecoderModule> }).createDecoderModule
		module = await createDecoderModule({})
		decoder = new module.Decoder()
		const mesh = new module.Mesh()
		decodeWithDracoCopy(mesh)
		const attribute = decoder.GetAttribute(mesh, decoder.GetAttributeId(mesh, module.POSITION))
		const floats = new module.DracoFloat32Array()
		expect(decoder.GetAttributeFloatForAllPoints(mesh, attribute, floats)).to.equal(true)
		const face = new module.DracoInt32Array()
		const triangles: number[] = []
		for (let index = 0; index < mesh.num_faces(); index++) {
			expect(decoder.GetFaceFromMesh(mesh, index, face)).to.equal(true)
			triangles.push(face.GetValue(0), face.GetValue(1), face.GetValue(2))
		}
		oracle = {
			points: mesh.num_points(),
			faces: mesh.num_faces(),
			positions: Array.from({ length: floats.size() }, (_, index) => floats.GetValue(index)),
			triangles,
		}
		expect(oracle.positions.length).to.equal(oracle.points * attribute.num_components())
		for (const object of [mesh, floats, face]) module.destroy(object)
	})

	beforeEach(() => {
		const counting = countingFree(module)
		freeCalls = counting.calls
		heap = wrapEmscriptenModuleHeap(counting.module)
	})

	afterEach(() => heap.freeAll())

	/** Decodes the bunny from bytes in `source` (a heap allocation) through a DecoderBuffer, and reads it into arrays the manager allocates. */
	function decodeThroughHeap(source: { address: number; elementCount: number }) {
		const buffer = new module.DecoderBuffer()
		buffer.Init(source.address, source.elementCount) // a number: Draco reads our allocation, no copy
		expect(decoder.GetEncodedGeometryType(buffer)).to.equal(module.TRIANGULAR_MESH)
		const mesh = new module.Mesh()
		const status = decoder.DecodeBufferToMesh(buffer, mesh)
		expect(status.ok(), status.error_msg()).to.equal(true)
		expect([mesh.num_points(), mesh.num_faces()]).to.deep.equal([oracle.points, oracle.faces])
		const attribute = decoder.GetAttribute(mesh, decoder.GetAttributeId(mesh, module.POSITION))
		const positions = heap.allocFloat32Array(oracle.positions.length)
		expect(decoder.GetAttributeDataArrayForAllPoints(mesh, attribute, module.DT_FLOAT32, positions.allocatedByteSize, positions.address)).to.equal(true)
		const triangles = heap.allocUint32Array(oracle.faces * 3)
		expect(decoder.GetTrianglesUInt32Array(mesh, triangles.allocatedByteSize, triangles.address)).to.equal(true)
		return { buffer, mesh, positions, triangles }
	}

	/** Element by element against Draco's own reading (Object.is: -0 and NaN count). */
	function expectOracle(positions: { readAt(index: number): number; elementCount: number }, triangles: { readAt(index: number): number; elementCount: number }): void {
		expect(positions.elementCount).to.equal(oracle.positions.length)
		expect(triangles.elementCount).to.equal(oracle.triangles.length)
		const positionMismatch = oracle.positions.findIndex((value, index) => !Object.is(positions.readAt(index), value))
		expect(positionMismatch, 'first position that differs from DracoFloat32Array').to.equal(-1)
		const triangleMismatch = oracle.triangles.findIndex((value, index) => triangles.readAt(index) !== value)
		expect(triangleMismatch, 'first index that differs from GetFaceFromMesh').to.equal(-1)
	}

	// Fails if allocUint8Array copies the bytes in wrongly (Draco would fail to decode or
	// decode another mesh), if allocFloat32Array/allocUint32Array size or align their
	// regions wrongly (Draco checks the byte length it is given against the mesh), or if
	// readAt/view read other bytes than Draco wrote.
	it('decodes bunny.drc from bytes the manager allocated; positions and triangles read into manager arrays equal DracoFloat32Array and GetFaceFromMesh', () => {
		expect(heap.heap).to.equal(module.HEAPU8.buffer)
		const source = heap.allocUint8Array(compressed)
		const { buffer, mesh, positions, triangles } = decodeThroughHeap(source)
		expectOracle(positions, triangles)
		// The views are the heap itself, where Draco wrote.
		expect(positions.view.buffer).to.equal(module.HEAPU8.buffer)
		expect(Array.from(positions.view.subarray(0, 6))).to.deep.equal(oracle.positions.slice(0, 6))
		expect(triangles.view[triangles.elementCount - 1]).to.equal(oracle.triangles.at(-1))

		module.destroy(mesh)
		module.destroy(buffer)
		const frees = freeCalls()
		for (const ref of [source, positions, triangles]) ref.free()
		expect(freeCalls() - frees).to.equal(3)
		expect(heap.allocatedRefs).to.deep.equal([])
		expect(heap.totalAllocatedByteSize).to.equal(0)
	})

	// Fails if the manager goes on using the buffer Draco's growth detached (HEAPU8 is
	// replaced by Emscripten), or if a ref caches its view across the growth.
	it('Draco grows the memory while decoding; refs allocated before still read what Draco wrote, and the manager has the new heap', () => {
		const source = heap.allocUint8Array(compressed)
		const first = decodeThroughHeap(source)
		const viewBefore = first.positions.view
		const bufferBefore = module.HEAPU8.buffer
		const meshes: DracoMesh[] = []
		// Each decoded mesh stays alive (about 1.5 MB of Draco's heap) until the memory grows.
		for (let count = 0; count < 40 && module.HEAPU8.buffer === bufferBefore; count++) {
			const mesh = new module.Mesh()
			decodeWithDracoCopy(mesh)
			meshes.push(mesh)
		}
		expect(module.HEAPU8.buffer, 'Draco grew the memory').to.not.equal(bufferBefore)
		expect(bufferBefore.byteLength).to.equal(0)
		expect(viewBefore.length, 'a view taken before the growth is detached').to.equal(0)
		expect(heap.heap).to.equal(module.HEAPU8.buffer)
		expectOracle(first.positions, first.triangles)
		expect(first.positions.view.buffer).to.equal(module.HEAPU8.buffer)
		expect([...source.view].every((byte, index) => byte === compressed[index])).to.equal(true)

		// Decoding again, into new arrays, on the grown heap.
		const second = decodeThroughHeap(source)
		expectOracle(second.positions, second.triangles)
		for (const object of [...meshes, first.mesh, first.buffer, second.mesh, second.buffer]) module.destroy(object)
		expect(heap.allocatedRefs.length).to.equal(5)
		heap.freeAll()
		expect(heap.allocatedRefs).to.deep.equal([])
		expect([source, first.positions, second.triangles].every((ref) => ref.isFreed)).to.equal(true)
	})
})
