/**
 * Structs exchanged with real C: test/fixtures/structs/structs.c built by Emscripten and
 * by clang-14 for wasm32-wasi, and nested.c (multi-dimensional arrays) by clang-14
 * (build-modules.sh). Every value crosses through `StructRef` / `StructArrayRef` /
 * `FieldArrayRef` only: no offsets computed by hand.
 */
import { expect } from 'chai'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
	createWasmHeapManager,
	defineEnum,
	defineStruct,
	StructArrayRef,
	wrapEmscriptenModuleHeap,
	type LooseStructRef,
	type StructRefOf,
	type StructType,
	type WasmHeapManager,
} from '../src/index.js'
import { generateFiles } from '../src/generator/generate.js'
import { importFromDumps, type ClangNode } from '../src/generator/importC.js'
import { expectThrow } from './support/dynamic.js'
import { instantiateReactor } from './support/fixtures.js'

// The C header test/fixtures/structs/structs.h, declared.
const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
const Kind = defineEnum('Kind', 'Uint32', { KIND_NONE: 0, KIND_SMALL: 1, KIND_LARGE: 2 })
const Particle = defineStruct('Particle', {
	position: Vec2,
	mass: 'Float64',
	id: 'Int32',
	kind: Kind,
	name: { string: 'Utf8', capacity: 12 },
	history: { array: 'Uint16', length: 4 },
	next: { pointer: (): StructType => Particle },
	flags: { bits: 3, type: 'Uint32' },
	delta: { bits: 5, type: 'Int32' },
	alive: 'Bool',
	tag: 'Size',
})

/** The C functions, with pointers as numbers (i32 on both builds). */
interface StructsExports {
	fill_particles(particles: number, count: number): void
	sum_mass(particles: number, count: number): number
	sum_linked_ids(head: number): number
	count_linked(head: number): number
	sum_linked_positions(head: number): number
	set_name(particle: number, name: number): number
	name_length(particle: number): number
	sum_small_fields(particles: number, count: number): number
	make_list(count: number, start: number): number
	free_list(head: number): void
	particle_size(): number
	particle_offset(field: number): number
}

interface Loaded {
	readonly heap: WasmHeapManager
	readonly c: StructsExports
}

const fixtures = new URL('./fixtures/structs/', import.meta.url)

async function loadWasi(): Promise<Loaded> {
	const exports = await instantiateReactor<StructsExports>(new URL('structs.wasi.wasm', fixtures))
	const heap = createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free)
	return { heap, c: exports }
}

async function loadEmscripten(): Promise<Loaded> {
	const require = createRequire(import.meta.url)
	const factory = require('./fixtures/structs/structs.emscripten.cjs') as () => Promise<Record<string, unknown>>
	const module = await factory()
	const heap = wrapEmscriptenModuleHeap(module as Parameters<typeof wrapEmscriptenModuleHeap>[0], { abi: 'emscripten' })
	const c = Object.fromEntries(
		Object.entries(module)
			.filter(([name, value]) => name.startsWith('_') && typeof value === 'function')
			.map(([name, value]) => [name.slice(1), value]),
	) as unknown as StructsExports
	return { heap, c }
}

for (const [build, load] of [
	['wasm32-wasi (clang-14)', loadWasi],
	['Emscripten', loadEmscripten],
] as const) {
	describe(`structs with the ${build} build of structs.c`, () => {
		let loaded: Loaded
		before(async () => {
			loaded = await load()
		})

		it('lays Particle out as the compiler did', () => {
			const { heap, c } = loaded
			expect(heap.sizeOf(Particle)).to.equal(c.particle_size())
			const fields = ['position', 'mass', 'id', 'kind', 'name', 'history', 'next', 'alive', 'tag']
			fields.forEach((field, index) => expect(heap.offsetOf(Particle, field), field).to.equal(c.particle_offset(index)))
		})

		it('reads an array C filled, field by field and as plain data', () => {
			const { heap, c } = loaded
			using particles = heap.allocStructArray(Particle, 5)
			c.fill_particles(particles.address, particles.elementCount)
			const third = particles.at(3)
			expect([third.position.x, third.position.y, third.mass, third.id]).to.deep.equal([3, 6, 1.5, 103])
			expect(third.kind).to.equal(Kind.values.KIND_LARGE)
			expect(third.name).to.equal('p3')
			expect([...third.history]).to.deep.equal([3, 4, 5, 6])
			expect([third.flags, third.delta, third.alive, third.tag]).to.deep.equal([3, -5, false, 3000])
			expect(third.next?.address).to.equal(particles.at(4).address)
			expect(particles.at(4).next).to.equal(null)
			const plain = particles.readAt(2)
			expect(plain).to.deep.equal({
				position: { x: 2, y: 4 },
				mass: 1,
				id: 102,
				kind: 1,
				name: 'p2',
				history: [2, 3, 4, 5],
				next: particles.at(3).address,
				flags: 2,
				delta: -6,
				alive: true,
				tag: 2000,
			})
		})

		it('gives C an array JavaScript wrote, and C sums it', () => {
			const { heap, c } = loaded
			using particles = heap.allocStructArray(
				Particle,
				Array.from({ length: 6 }, (_, index) => ({ mass: index * 1.25, flags: index, delta: -index, alive: index % 3 === 0, kind: 2, history: [index, 1, 1, 1] })),
			)
			expect(c.sum_mass(particles.address, 6)).to.equal(1.25 * 15)
			// flags + delta cancel; alive: 0 and 3; kind 2 each; history: index + 3.
			expect(c.sum_small_fields(particles.address, 6)).to.equal(2 + 6 * 2 + 15 + 18)
			for (const particle of particles) particle.mass *= 2
			expect(c.sum_mass(particles.address, 6)).to.equal(2.5 * 15)
		})

		it('follows next pointers both ways: C builds a list, JavaScript walks it; JavaScript links, C walks', () => {
			const { heap, c } = loaded
			const head = c.make_list(4, 10)
			let node: StructRefOf<typeof Particle> = heap.wrapStruct(Particle, head, { deallocator: null })
			const ids: number[] = []
			// A self-referencing pointer reads as a LooseStructRef: its fields are untyped.
			for (let current: LooseStructRef | null = node; current !== null; current = current.next as LooseStructRef | null) ids.push(current.id as number)
			expect(ids).to.deep.equal([10, 11, 12, 13])
			node.id = 100
			expect(c.sum_linked_ids(head)).to.equal(100 + 11 + 12 + 13)
			c.free_list(head)

			using a = heap.allocStruct(Particle, { id: 1, position: { x: 1, y: 2 } })
			using b = heap.allocStruct(Particle, { id: 2, position: { x: 3, y: 4 } })
			using d = heap.allocStruct(Particle, { id: 3, position: { x: 5, y: 6 }, next: null })
			a.next = b
			b.write({ next: d.address })
			expect(c.count_linked(a.address)).to.equal(3)
			expect(c.sum_linked_ids(a.address)).to.equal(6)
			expect(c.sum_linked_positions(a.address)).to.equal(21)
			node = a
			expect(node.next?.next?.id).to.equal(3)
			expect((node.next as StructRefOf<typeof Particle>).position.read()).to.deep.equal({ x: 3, y: 4 })
		})

		it('writes into an inline char[12] on both sides, padded and terminated', () => {
			const { heap, c } = loaded
			using particle = heap.allocStruct(Particle)
			particle.name = 'hello'
			expect(c.name_length(particle.address)).to.equal(5)
			using source = heap.allocNullTerminatedUtf8String('a much longer name')
			expect(c.set_name(particle.address, source.address)).to.equal(11)
			expect(particle.name).to.equal('a much long')
			particle.name = 'hi'
			expect(c.name_length(particle.address)).to.equal(2)
			expect(Array.from(particle.allocatedBytesView.subarray(heap.offsetOf(Particle, 'name'), heap.offsetOf(Particle, 'name') + 12))).to.deep.equal([
				104, 105, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			])
			expectThrow(() => (particle.name = 'twelve chars'), RangeError, /Particle\.name: the string does not fit: it needs 13 Utf8 elements/)
			expect(particle.name).to.equal('hi')
		})
	})
}

// ---- C's multi-dimensional arrays: test/fixtures/structs/nested.h, built by clang-14 (nested.wasi.wasm) ----

/** nested.c's functions, pointers as numbers. */
interface NestedExports {
	fill_grid(grid: number): void
	grid_m(grid: number, i: number, j: number): number
	grid_cell_id(grid: number, i: number, j: number): number
	grid_cell_weight(grid: number, i: number, j: number): number
	grid_cube(grid: number, i: number, j: number, k: number): number
	grid_name_char(grid: number, i: number, c: number): number
	grid_size(): number
	grid_offset(field: number, i: number, j: number): number
}

// nested.h, declared by hand; the generated classes are made from it by import-c and generate below
const Cell = defineStruct('Cell', { id: 'Int32', weight: 'Float32' })
const Grid = defineStruct('Grid', {
	tag: 'Uint8',
	m: { array: { array: 'Float32', length: 3 }, length: 3 },
	cells: { array: { array: Cell, length: 3 }, length: 2 },
	cube: { array: { array: { array: 'Int16', length: 4 }, length: 3 }, length: 2 },
	names: { array: { string: 'Utf8', capacity: 5 }, length: 2 },
})

/** What the test reads of a `Grid` ref: the declaration's property types, whichever class made it. */
type GridRef = StructRefOf<typeof Grid>

/** nested.wasi.wasm instantiated with `lib` (the library instance the refs come from). */
async function loadNested(lib: { createWasmHeapManager: typeof createWasmHeapManager }): Promise<{ heap: WasmHeapManager; c: NestedExports; memory: WebAssembly.Memory }> {
	const exports = await instantiateReactor<NestedExports>(new URL('nested.wasi.wasm', fixtures))
	return { heap: lib.createWasmHeapManager(() => exports.memory.buffer, exports.malloc, exports.free), c: exports, memory: exports.memory }
}

/** Every index tuple of an array with these dimensions, in C's order. */
function indices(...dimensions: number[]): number[][] {
	return dimensions.reduce<number[][]>((tuples, length) => tuples.flatMap((tuple) => Array.from({ length }, (_, index) => [...tuple, index])), [[]])
}

/** The values fill_grid writes, as `read()` gives them. */
function filledGrid(): Record<string, unknown> {
	const m = [0, 1, 2].map((i) => [0, 1, 2].map((j) => 10 * i + j + 0.5))
	const cells = [0, 1].map((i) => [0, 1, 2].map((j) => ({ id: 10 * i + j, weight: i + j / 4 })))
	const cube = [0, 1].map((i) => [0, 1, 2].map((j) => [0, 1, 2, 3].map((k) => 100 * i + 10 * j + k)))
	return { tag: 7, m, cells, cube, names: ['r0', 'r1'] }
}

describe('multi-dimensional array fields with the wasm32-wasi (clang-14) build of nested.c: rows in place, at every level', () => {
	const cases: [string, () => Promise<{ heap: WasmHeapManager; c: NestedExports; memory: WebAssembly.Memory; type: StructType; Element?: unknown; ArrayClass: unknown; cleanup(): void }>][] = [
		['defineStruct refs', async () => ({ ...(await loadNested({ createWasmHeapManager })), type: Grid, ArrayClass: StructArrayRef, cleanup: () => {} })],
		[
			'classes from import-c nested.h and generate',
			async () => {
				const ast = JSON.parse(readFileSync(new URL('nested-ast-wasm32.json', fixtures), 'utf8')) as ClangNode
				const dump = readFileSync(new URL('nested-layouts-complete-wasm32.txt', fixtures), 'utf8')
				// the scratch modules and this test use one (ESM) instance of the library (see generate.test.ts)
				const library = join(import.meta.dirname, '../src/index.ts')
				const lib = (await import(pathToFileURL(library).href)) as typeof import('../src/index.js')
				const scratch = mkdtempSync(join(import.meta.dirname, '.scratch-'))
				try {
					writeFileSync(join(scratch, 'nested.ts'), importFromDumps(ast, dump, { header: 'nested.h', abi: 'wasm32', moduleSpecifier: library }))
					const declarations = (await import(pathToFileURL(join(scratch, 'nested.ts')).href)) as Record<string, unknown>
					const files = await generateFiles(declarations, { abi: 'wasm32', declarationsSpecifier: '../nested.js', inputName: 'nested.ts', moduleSpecifier: library })
					mkdirSync(join(scratch, 'gen'))
					writeFileSync(join(scratch, 'gen/nested.ts'), files['structs.ts'])
					const { GridRef, CellRef } = (await import(pathToFileURL(join(scratch, 'gen/nested.ts')).href)) as Record<string, StructType>
					return { ...(await loadNested(lib)), type: GridRef!, Element: CellRef, ArrayClass: lib.StructArrayRef, cleanup: () => rmSync(scratch, { recursive: true, force: true }) }
				} catch (error) {
					rmSync(scratch, { recursive: true, force: true })
					throw error
				}
			},
		],
	]
	for (const [made, load] of cases) {
		it(`${made}: m.at(i).at(j), cells.at(i).at(j).id, cube.at(i).at(j).readAt(k) read what C wrote and write what C reads, with C's offsets`, async () => {
			const { heap, c, type, Element, ArrayClass, cleanup } = await load()
			try {
				expect(heap.sizeOf(type)).to.equal(c.grid_size())
				// a generated class, once used, is the class of every ref to its declaration (a row's elements too)
				if (Element !== undefined) expect(heap.sizeOf(Element as StructType)).to.equal(8)
				using grid = heap.allocStruct(type) as unknown as GridRef & Disposable
				for (const [i, j] of indices(3, 3)) {
					expect(heap.offsetOf(type, `m.${i}.${j}`)).to.equal(c.grid_offset(0, i!, j!))
					expect(grid.m.at(i!).address).to.equal(grid.address + c.grid_offset(0, i!, 0))
				}
				for (const [i, j] of indices(2, 3)) {
					expect(grid.cells.at(i!).at(j!).address).to.equal(grid.address + c.grid_offset(1, i!, j!))
					expect(grid.cube.at(i!).at(j!).address).to.equal(grid.address + c.grid_offset(2, i!, j!))
				}
				expect(grid.names.address + 5).to.equal(grid.address + c.grid_offset(3, 1, 0))
				// C fills it; every element read in place, at each level, and as plain data
				c.fill_grid(grid.address)
				const filled = filledGrid()
				expect(grid.read()).to.deep.equal(filled)
				for (const [i, j] of indices(3, 3)) {
					expect(grid.m.at(i!).at(j!)).to.equal(10 * i! + j! + 0.5)
					expect(grid.m.at(i!).readAt(j!)).to.equal(10 * i! + j! + 0.5)
				}
				expect(grid.m.readAt(2)).to.deep.equal([20.5, 21.5, 22.5])
				expect([...grid.m].map((row) => [...row])).to.deep.equal(filled.m)
				expect(grid.m.at(1).read()).to.deep.equal([10.5, 11.5, 12.5])
				for (const [i, j] of indices(2, 3)) {
					const cell = grid.cells.at(i!).at(j!)
					if (Element !== undefined) expect(cell).to.be.instanceOf(Element)
					expect([cell.id, cell.weight]).to.deep.equal([10 * i! + j!, i! + j! / 4])
					expect(grid.cells.at(i!).readAt(j!)).to.deep.equal({ id: 10 * i! + j!, weight: i! + j! / 4 })
				}
				expect(grid.cells.at(1)).to.be.instanceOf(ArrayClass as typeof StructArrayRef)
				expect(grid.cells.at(1).read()).to.deep.equal((filled.cells as unknown[])[1])
				expect([...grid.cells].map((row) => [...row].map((cell) => cell.id))).to.deep.equal([[0, 1, 2], [10, 11, 12]])
				for (const [i, j, k] of indices(2, 3, 4)) expect(grid.cube.at(i!).at(j!).at(k!)).to.equal(100 * i! + 10 * j! + k!)
				expect(grid.cube.at(1).readAt(2)).to.deep.equal([120, 121, 122, 123])
				expect(grid.cube.at(1).read()).to.deep.equal((filled.cube as unknown[])[1])
				expect([grid.names.at(0), grid.names.at(1), ...grid.names]).to.deep.equal(['r0', 'r1', 'r0', 'r1'])
				// iterating an array of arrays gives its rows, in place
				for (const [i, plane] of [...grid.cube].entries()) for (const [j, line] of [...plane].entries()) line.writeAt(3, 1000 + 10 * i + j)
				for (const [i, j] of indices(2, 3)) expect(c.grid_cube(grid.address, i!, j!, 3)).to.equal(1000 + 10 * i! + j!)
				for (const [i, row] of [...grid.cells].entries()) for (const cell of row) cell.weight = -i
				for (const [i, j] of indices(2, 3)) expect(c.grid_cell_weight(grid.address, i!, j!)).to.equal(-i!)
				// written in place at every position, read by C
				for (const [i, j] of indices(3, 3)) grid.m.at(i!).writeAt(j!, -(3 * i! + j!) - 0.25)
				for (const [i, j] of indices(3, 3)) expect(c.grid_m(grid.address, i!, j!)).to.equal(-(3 * i! + j!) - 0.25)
				for (const [i, j] of indices(2, 3)) {
					grid.cells.at(i!).at(j!).id = 1000 + 3 * i! + j!
					grid.cells.at(i!).writeAt(j!, { weight: 0.5 * (3 * i! + j!) })
				}
				for (const [i, j] of indices(2, 3)) {
					expect([c.grid_cell_id(grid.address, i!, j!), c.grid_cell_weight(grid.address, i!, j!)]).to.deep.equal([1000 + 3 * i! + j!, 0.5 * (3 * i! + j!)])
				}
				for (const [i, j, k] of indices(2, 3, 4)) grid.cube.at(i!).at(j!).writeAt(k!, -(12 * i! + 4 * j! + k!))
				for (const [i, j, k] of indices(2, 3, 4)) expect(c.grid_cube(grid.address, i!, j!, k!)).to.equal(-(12 * i! + 4 * j! + k!))
				grid.cube.at(1).writeAt(2, [9, 8])
				grid.m.at(0).write([1, 2, 3])
				grid.names.writeAt(1, 'abcd')
				expect([0, 1, 2, 3].map((k) => c.grid_cube(grid.address, 1, 2, k))).to.deep.equal([9, 8, -22, -23])
				expect([0, 1, 2].map((j) => c.grid_m(grid.address, 0, j))).to.deep.equal([1, 2, 3])
				expect([0, 1, 2, 3, 4].map((index) => c.grid_name_char(grid.address, 1, index))).to.deep.equal([97, 98, 99, 100, 0])
				expect([grid.tag, c.grid_name_char(grid.address, 0, 0)]).to.deep.equal([7, 114])
			} finally {
				cleanup()
			}
		})

		it(`${made}: a row's bad index or value names it (Grid.cube[1][2]) and writes nothing; rows share the struct's lifetime and cannot be freed`, async () => {
			const { heap, memory, type, cleanup } = await load()
			try {
				const grid = heap.allocStruct(type) as unknown as GridRef
				const row = grid.cube.at(1).at(2)
				expectThrow(() => grid.m.at(3), RangeError, 'Grid.m.at: index 3 is out of range: it must be an integer from 0 to 2 (the array has 3 elements)')
				expectThrow(() => grid.cube.at(1).at(-1), RangeError, /^Grid\.cube\[1\]\.at: index -1 is out of range/)
				expectThrow(() => row.readAt(4), RangeError, /^Grid\.cube\[1\]\[2\]\.readAt: index 4 is out of range/)
				expectThrow(() => row.at(1.5), RangeError, /^Grid\.cube\[1\]\[2\]\.at: index 1\.5 is out of range/)
				expectThrow(() => grid.cells.at(1).at(3), RangeError, /^CellArrayRef\.at: index 3 is out of range/)
				const before = new Uint8Array(memory.buffer).slice()
				expectThrow(() => row.writeAt(0, 1n as never), TypeError, 'Grid.cube[1][2][0]: value must be a number, received 1n')
				expectThrow(() => grid.cube.at(0).write([[1, 2], [3, 4, 5, 6, 7]]), RangeError, /^Grid\.cube\[0\]\[1\]: 5 values given for an array of 4 elements/)
				expectThrow(() => grid.cube.at(0).writeAt(1, [1, 'x' as never, 3n as never]), TypeError, /^Grid\.cube\[0\]\[1\]\[2\]: value must be a number/)
				expectThrow(() => grid.m.at(1).write([1, 2, 3, 4]), RangeError, 'Grid.m[1].write: 4 values given for an array of 3 elements')
				expect(new Uint8Array(memory.buffer).slice().every((byte, index) => byte === before[index])).to.equal(true)
				expectThrow(() => row.free(), Error, /^Grid\.cube\[1\]\[2\]\.free: this ref is part of another ref/)
				expectThrow(() => grid.m.at(0).release(), Error, /^Grid\.m\[0\]\.release: this ref is part of another ref/)
				expectThrow(() => grid.cells.at(0).free(), Error, /^CellArrayRef\.free: this ref is part of another ref/)
				const cells = grid.cells.at(1)
				const mRow = grid.m.at(2)
				expect([row.isFreed, cells.isFreed, mRow.isFreed]).to.deep.equal([false, false, false])
				grid.free()
				expect([row.isFreed, cells.isFreed, mRow.isFreed]).to.deep.equal([true, true, true])
				expectThrow(() => row.readAt(0), Error, /^Grid\.cube\[1\]\[2\]\.readAt: the reference to address \d+ has been freed$/)
				expectThrow(() => row.at(0), Error, /^Grid\.cube\[1\]\[2\]\.at: the reference to address \d+ has been freed$/)
				expectThrow(() => mRow.writeAt(0, 1), Error, /^Grid\.m\[2\]\.writeAt: the reference .* has been freed$/)
				expectThrow(() => mRow.read(), Error, /^Grid\.m\[2\]\.read: the reference .* has been freed$/)
				expectThrow(() => [...mRow], Error, /^Grid\.m\[2\]\.at: the reference .* has been freed$/)
				expectThrow(() => cells.at(0), Error, /^CellArrayRef\.at: the reference .* has been freed$/)
				expectThrow(() => cells.read(), Error, /^CellArrayRef\.read: the reference .* has been freed$/)
				expectThrow(() => grid.m, Error, /^Grid\.m: the reference .* has been freed$|^Grid\.m: .*freed/)
			} finally {
				cleanup()
			}
		})
	}
})
