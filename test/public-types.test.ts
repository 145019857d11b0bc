/**
 * The public types as a strict TypeScript user meets them, where they once refused valid
 * code or lost what the declaration says: `npm run typecheck` compiles this file, so each
 * `assertType` line fails to compile when the inferred type drifts, and each
 * `@ts-expect-error` line fails as an unused directive when wrong code starts to compile.
 * The runtime checks beside them show that the types describe what the library does.
 *
 * Using the corpus's generated classes registers them for their declarations (refs of those
 * then are their instances), which generate.test.ts's differential test must not find done
 * before it: mocha runs the files in name order, and that one comes first (as it does before
 * inspect.test.ts, which uses AbiSizedRef).
 */
import { expect } from 'chai'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { createHeapAllocator, createWasmHeapManager, defineEnum, defineStruct, wrapEmscriptenModuleHeap, type AbiName, type EnumType, type Float16ArrayView, type LooseStructRef, type StructArrayRef, type StructInit, type StructRef, type StructRefOf, type StructType, type StructValue } from '../src/index.js'
import { Node, Vec2 } from './support/structCorpus.js'
import { strictCompilerOptions } from './support/typescript.js'
import { ArraysRef, NodeArrayRef, NodeRef, ParticleRef, PointersArrayRef, PointersRef, Vec2ArrayRef, Vec2Ref } from './generated-structs/structCorpus.wasm32.js'

/** Type equality, as assignability both ways of the two function types (exact for unions and `any`). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `T` is `true`. */
function assertType<T extends true>(): T | undefined {
	return undefined
}

describe('public types for a strict TypeScript user', () => {
	it("iterating a generated array class gives its ref class, as at() does (its pointer setters take an address)", () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const pointers = heap.allocStructArray(PointersRef, 2)
		assertType<Equal<typeof pointers, PointersArrayRef>>()
		const target = heap.allocStruct(Vec2Ref, { x: 1 })
		for (const element of pointers) {
			assertType<Equal<typeof element, PointersRef>>()
			element.node = 0 // a generated setter takes an address: the library's StructRefOf types it as what it reads
			element.vec = target.address
			expect(element).to.be.instanceOf(PointersRef)
		}
		const spread = [...pointers]
		assertType<Equal<typeof spread, PointersRef[]>>()
		assertType<Equal<ReturnType<typeof pointers.at>, PointersRef>>()
		for (const vector of heap.allocStructArray(Vec2Ref, 2)) assertType<Equal<typeof vector, Vec2Ref>>()
		expect(pointers.readAt(1).vec).to.equal(target.address)
		// a struct type's own array still iterates as StructRefOf, in a generic function too
		const plain = heap.allocStructArray(Vec2, 1)
		for (const element of plain) assertType<Equal<typeof element, StructRefOf<typeof Vec2>>>()
		const refsOf = <T extends StructType>(array: StructArrayRef<T>): StructRefOf<T>[] => [...array]
		expect(refsOf(plain)).to.have.length(1)
	})

	it('a fixed-array field takes any array-like in a partial write (a typed array), and still refuses wrong elements', () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const Mesh = defineStruct('Mesh', {
			matrix: { array: 'Float32', length: 4 },
			ids: { array: 'BigInt64', length: 2 },
			rows: { array: { array: 'Int8', length: 2 }, length: 2 },
			labels: { array: { string: 'Utf8', capacity: 4 }, length: 2 },
			points: { array: Vec2, length: 2 },
		})
		const mesh = heap.allocStruct(Mesh, { matrix: new Float32Array([1, 2, 3, 4]), ids: new BigInt64Array([5n]), rows: [new Int8Array([6, 7])] })
		mesh.write({ rows: [[8], new Int8Array([9, 10])] })
		heap.writeStruct(Mesh, mesh.address, { matrix: new Float32Array([0.5]) })
		const meshes = heap.allocStructArray(Mesh, [{ ids: new BigInt64Array([11n, 12n]) }])
		meshes.writeAt(0, { matrix: new Float32Array(4).fill(2) })
		const init: StructInit<typeof Mesh> = { matrix: new Float32Array(4), labels: ['a', 'b'] }
		mesh.points.write([{ x: 1 }])
		mesh.labels.write(['c'])
		mesh.matrix.write(new Float32Array([0.5]))
		mesh.rows.at(1).write(new Int8Array([9, 10]))
		expect(mesh.read()).to.deep.include({ matrix: [0.5, 2, 3, 4], ids: [5n, 0n], rows: [[8, 7], [9, 10]] })
		expect(meshes.readAt(0)).to.deep.include({ matrix: [2, 2, 2, 2], ids: [11n, 12n] })
		void init
		// compiled, never called: each would throw at run time
		const wrong = (): unknown => [
			// @ts-expect-error a BigInt64 array takes bigints
			mesh.write({ ids: new Float64Array(2) }),
			// @ts-expect-error a Float32 array takes numbers
			mesh.write({ matrix: new BigInt64Array(2) }),
			// @ts-expect-error an array of inline strings takes an array, not one string (refused at run time too)
			mesh.write({ labels: 'ab' }),
			// @ts-expect-error and so does the field's own write
			mesh.labels.write('ab'),
			// @ts-expect-error the elements of an array of structs are partials of that struct, with no other field
			mesh.write({ points: [{ z: 1 }] }),
			// @ts-expect-error a number is no array
			mesh.write({ matrix: 1 }),
		]
		void wrong
	})

	it('allocStruct, wrapStruct, allocStructArray and wrapStructArray in a function generic over the struct type give StructRefOf<T> and StructArrayRef<T>', () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const alloc = <T extends StructType>(type: T, init?: StructInit<T>): StructRefOf<T> => heap.allocStruct(type, init)
		const wrap = <T extends StructType>(type: T, address: number): StructRefOf<T> => heap.wrapStruct(type, address, { deallocator: null })
		const allocArray = <T extends StructType>(type: T, values: readonly StructInit<T>[]): StructArrayRef<T> => heap.allocStructArray(type, values)
		const wrapArray = <T extends StructType>(type: T, address: number, count: number): StructArrayRef<T> => heap.wrapStructArray(type, address, count, { deallocator: null })
		const readAll = <T extends StructType>(type: T, address: number, count: number): StructValue<T>[] => heap.wrapStructArray(type, address, count, { deallocator: null }).read()
		const vector = alloc(Vec2, { x: 1 })
		assertType<Equal<typeof vector.x, number>>()
		const vectors = allocArray(Vec2, [{ y: 2 }, { y: 3 }])
		expect(wrap(Vec2, vector.address).x).to.equal(1)
		expect(wrapArray(Vec2, vectors.address, 2).readAt(1).y).to.equal(3)
		const values = readAll(Vec2, vectors.address, 2)
		assertType<Equal<typeof values, { x: number; y: number }[]>>()
		expect(values).to.deep.equal([{ x: 0, y: 2 }, { x: 0, y: 3 }])
		// a generated class still gives its own classes, and its declaration's checks
		assertType<Equal<ReturnType<typeof heap.allocStruct<typeof Vec2>>, StructRefOf<typeof Vec2>>>()
		const explicit = heap.allocStruct<typeof Vec2Ref>(Vec2Ref)
		assertType<Equal<typeof explicit, Vec2Ref>>()
		const generated = heap.allocStruct(Vec2Ref, { y: 1 })
		assertType<Equal<typeof generated, Vec2Ref>>()
		const generatedArray = heap.wrapStructArray(Vec2Ref, vectors.address, 2, { deallocator: null })
		assertType<Equal<typeof generatedArray, Vec2ArrayRef>>()
		expect(generatedArray.at(1)).to.be.instanceOf(Vec2Ref)
		const wrong = (): unknown => [
			// @ts-expect-error a generated class takes its declaration's fields only
			heap.allocStruct(Vec2Ref, { z: 1 }),
			// @ts-expect-error and its declaration's value types
			heap.allocStructArray(Vec2Ref, [{ x: 1n }]),
			// @ts-expect-error a struct type too
			heap.allocStruct(Vec2, { z: 1 }),
		]
		void wrong
	})

	it("a generated array class is a StructArrayRef of any struct: a self-referential pointer field and a function taking StructArrayRef take it", () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const nodes = heap.allocStructArray(NodeRef, 3)
		assertType<Equal<typeof nodes, NodeArrayRef>>()
		// Node.next is { pointer: (): StructType => Node }: it takes a ref or an array of any struct, checked at run time
		nodes.at(0).next = nodes
		nodes.at(1).write({ next: nodes, prev: nodes.at(0) })
		const count = (array: StructArrayRef): number => array.elementCount
		const any: StructArrayRef = nodes
		const element: StructRef = nodes.at(2)
		expect(count(nodes)).to.equal(3)
		expect(nodes.readAt(0).next).to.equal(nodes.address)
		expect(nodes.readAt(1)).to.deep.include({ next: nodes.address, prev: nodes.address })
		// the wide type's refs are LooseStructRef, fields TypeScript cannot know
		assertType<Equal<StructRefOf<StructType>, LooseStructRef>>()
		assertType<Equal<ReturnType<typeof any.at>, LooseStructRef>>()
		void element
	})

	it("a generated pointer to a struct with a generated class gives that class (NodeRef | null, Vec2Ref | null), fields typed without a cast; its setter refuses another struct's ref", () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const first = heap.allocStruct(NodeRef, { value: 1 })
		const second = heap.allocStruct(NodeRef, { value: 2 })
		first.next = second
		// Node.next is declared { pointer: (): StructType => Node }, which the library's types can only read as a LooseStructRef
		const next: NodeRef | null = first.next
		assertType<Equal<typeof second.next, NodeRef | null>>()
		const value: number | undefined = next?.value
		// @ts-expect-error a field Node does not have (a LooseStructRef took any name)
		expect(next?.nope).to.equal(undefined)
		expect(next).to.be.instanceOf(NodeRef)
		expect([value, next?.address]).to.deep.equal([2, second.address])
		const pointers = heap.allocStruct(PointersRef)
		assertType<Equal<typeof pointers.vec, Vec2Ref | null>>()
		assertType<Equal<typeof pointers.node, NodeRef | null>>()
		pointers.node = first // a ref of the target
		pointers.node = first.address // an address
		pointers.node = heap.allocStruct(Node) // a ref made from the declaration
		pointers.node = null
		const vector = heap.allocStruct(Vec2Ref, { x: 1.5 })
		// @ts-expect-error a ref of another struct: C's type checker refuses it too (its address is the cast)
		expect(() => (first.next = vector)).to.throw(TypeError, /a pointer to Node takes a ref of Node, received a ref of Vec2/)
		// @ts-expect-error the same for a pointer declared with the struct itself
		expect(() => (pointers.vec = first)).to.throw(TypeError, /a pointer to Vec2 takes a ref of Vec2, received a ref of Node/)
		expect(first.next?.address).to.equal(second.address)
		first.free()
		second.free()
	})

	it('a generated nested struct or fixed-array field takes what write() takes for it, as a defineStruct ref does at run time', () => {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const arrays = heap.allocStruct(ArraysRef)
		arrays.points = [{ x: 1 }, { y: 2 }]
		arrays.ints = new Int32Array([4, 5])
		arrays.matrix = [[1], [2, 3]]
		arrays.names = ['a', 'b']
		const particle = heap.allocStruct(ParticleRef)
		particle.position = { y: 3 }
		// @ts-expect-error a field the nested struct does not have
		expect(() => (particle.position = { z: 1 })).to.throw(TypeError, 'Particle.position: struct Vec2 has no field "z"; its fields are x, y')
		// @ts-expect-error a string for an array of numbers
		expect(() => (arrays.ints = 'abc')).to.throw(TypeError, 'Arrays.ints: an array of 3 elements takes an array, received "abc"')
		expect([arrays.points.readAt(1), arrays.ints.read(), arrays.matrix.read(), arrays.names.read(), particle.position.read()]).to.deep.equal([
			{ x: 0, y: 2 },
			[4, 5, 0],
			[
				[1, 0, 0],
				[2, 3, 0],
			],
			['a', 'b', ''],
			{ x: 0, y: 3 },
		])
	})

	it("a Float16 view is typed as a typed array's common members (set, subarray, slice, fill, iteration), as the real Float16Array it is", function () {
		const heap = createWasmHeapManager(new ArrayBuffer(65536))
		const halves = heap.allocFloat16Array([1, 2, 3, 4])
		const use = (view: Float16ArrayView): number[] => {
			view.set([0.5], 1)
			const copy: Float16ArrayView = view.slice(1)
			view.subarray(0, 1).fill(8)
			return [...view, ...copy]
		}
		// a view needs the engine's Float16Array (Node 24, current browsers); readAt works everywhere
		if (typeof (globalThis as { Float16Array?: unknown }).Float16Array !== 'function') this.skip()
		expect(use(halves.view)).to.deep.equal([8, 0.5, 3, 4, 0.5, 3, 4])
		expect(use(heap.viewFloat16Array(halves.address, 2))).to.deep.equal([8, 0.5, 0.5])
		expect(halves.readAt(1)).to.equal(0.5)
	})

	it("an enum's nameOf gives one of its declared member names", () => {
		const Color = defineEnum('Color', 'Uint8', { RED: 1, GREEN: 2 })
		const name = Color.nameOf(2)
		assertType<Equal<typeof name, 'RED' | 'GREEN' | undefined>>()
		const some: EnumType = Color
		assertType<Equal<ReturnType<typeof some.nameOf>, string | undefined>>()
		expect([name, Color.nameOf(3)]).to.deep.equal(['GREEN', undefined])
	})

	it('every options object takes undefined for an option, as absent (as the run time does), under exactOptionalPropertyTypes too', function () {
		this.timeout(120_000)
		// What a user writes from a config whose fields are optional: compiled below as a consumer
		// with exactOptionalPropertyTypes, where { debug: undefined } is no { debug?: boolean }, and
		// run here.
		const body = `
			const memory = new WebAssembly.Memory({ initial: 1 })
			const heap = createWasmHeapManager(memory, { abi: config.abi, debug: config.debug, start: config.start, end: undefined, maximumByteSize: undefined, pollingMode: undefined, trackAllocations: undefined, clearAllocatedRegions: undefined })
			const allocator = createHeapAllocator(new ArrayBuffer(65536), { start: config.start, end: undefined, maximumByteSize: undefined })
			const emscripten = wrapEmscriptenModuleHeap({ HEAPU8: new Uint8Array(memory.buffer), _malloc: heap.allocate, _free: () => {} }, { memory: config.memory, debug: config.debug })
			const Pair = defineStruct('Pair', { a: 'Int32', b: 'Int8' }, { packed: config.packed, align: undefined })
			const address = heap.allocate(64)
			const pairs = heap.wrapStructArray(Pair, address, 2, { stride: config.stride, deallocator: undefined })
			const slice = heap.wrapUtf8StringSlice(address, 3, { capacity: config.capacity, deallocator: null })
			heap.wrapInt32(address, { deallocator: undefined }).release()
			heap.allocPointer32Array(1).free({ freeElements: undefined })
			return [heap.sizeOf(Pair), pairs.stride, slice.capacity, allocator.usedByteSize, emscripten.abi === 'wasm32' ? 1 : 0]`
		// The same lines run here, so that what compiles is also what works.
		type Config = { abi?: AbiName; debug?: boolean; start?: number; stride?: number; capacity?: number; memory?: WebAssembly.Memory; packed?: true }
		const run = new Function('createWasmHeapManager', 'createHeapAllocator', 'wrapEmscriptenModuleHeap', 'defineStruct', 'config', body) as (...args: unknown[]) => number[]
		const useConfig = (config: Config): number[] => run(createWasmHeapManager, createHeapAllocator, wrapEmscriptenModuleHeap, defineStruct, config)
		expect(useConfig({})).to.deep.equal([8, 8, 3, 0, 1])
		const folder = join(resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..'), '.tmp', 'public-types')
		mkdirSync(folder, { recursive: true })
		try {
			const file = join(folder, 'exact-optional.ts')
			const library = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../src/index.js')
			writeFileSync(
				file,
				`import { createHeapAllocator, createWasmHeapManager, defineStruct, wrapEmscriptenModuleHeap, type AbiName } from '${library}'\n` +
					`export function useConfig(config: { abi?: AbiName; debug?: boolean; start?: number; stride?: number; capacity?: number; memory?: WebAssembly.Memory; packed?: true }): number[] {${body}\n}\n`,
			)
			const program = ts.createProgram([file], { ...strictCompilerOptions, exactOptionalPropertyTypes: true, skipLibCheck: true })
			const diagnostics = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.file?.fileName === file)
			expect(diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))).to.deep.equal([])
		} finally {
			rmSync(folder, { recursive: true, force: true })
		}
	})
})
