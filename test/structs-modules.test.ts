/**
 * Structs exchanged with real C: test/fixtures/structs/structs.c built by Emscripten and
 * by clang-14 for wasm32-wasi (build-modules.sh). Every value crosses through
 * `StructRef` / `StructArrayRef` only: no offsets computed by hand.
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import {
	createWasmHeapManager,
	defineEnum,
	defineStruct,
	wrapEmscriptenModuleHeap,
	type LooseStructRef,
	type StructRefOf,
	type StructType,
	type WasmHeapManager,
} from '../src/index.js'
import { expectThrow } from './support/dynamic.js'

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
	const module = await WebAssembly.compile(readFileSync(new URL('structs.wasi.wasm', fixtures)))
	const imports: Record<string, Record<string, () => never>> = {}
	for (const { module: from, name } of WebAssembly.Module.imports(module)) {
		;(imports[from] ??= {})[name] = () => {
			throw new Error(`structs.wasi.wasm: unexpected call to ${from}.${name}`)
		}
	}
	const instance = await WebAssembly.instantiate(module, imports)
	const exports = instance.exports as unknown as StructsExports & {
		memory: WebAssembly.Memory
		malloc(size: number): number
		free(address: number): void
		_initialize(): void
	}
	exports._initialize()
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
