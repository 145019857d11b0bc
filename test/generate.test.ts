/**
 * `generate`: the struct corpus (test/support/structCorpus.ts) → one ref class and one
 * array class per record, for wasm32 and wasm64 (committed in test/generated-structs/ and
 * regenerated here), and structs.h, compiled by clang-14 for every ABI with each
 * `static_assert` holding. The generated classes and the library's defineStruct refs
 * read and write the same values and bytes on random data (a differential test), and the
 * classes are accepted wherever a struct type is.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { createWasmHeapManager, defineEnum, defineStruct, defineUnion, HeapRef, StructArrayRef, StructRef, type AbiName, type FieldArrayRef, type StructType, type WasmHeapManager } from '../src/index.js'
import { generateFiles, GenerateError, declarationsOf } from '../src/generator/generate.js'
import { emitCHeader } from '../src/generator/cHeader.js'
import { parseArguments, run, UsageError } from '../src/generator/cli.js'
import { importFromDumps, type ClangNode } from '../src/generator/importC.js'
import { clangOrSkip } from './support/clang.js'
import { pathToFileURL } from 'node:url'
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'
import { expectThrow } from './support/dynamic.js'
import { instantiateReactor } from './support/fixtures.js'
import { SeededRandom } from './support/heaps.js'
import * as corpus from './support/structCorpus.js'
import * as generated32 from './generated-structs/structCorpus.wasm32.js'
import * as generated64 from './generated-structs/structCorpus.wasm64.js'

const outputs = join(import.meta.dirname, 'generated-structs')
const abis = ['wasm32', 'wasm64'] as const
const generatedModules = { wasm32: generated32, wasm64: generated64 } as const
type GeneratedClass = (new (...args: never[]) => StructRef) & { structType: StructType; abi: AbiName; arrayClass: typeof StructArrayRef }

function classOf(abi: (typeof abis)[number], name: string): GeneratedClass {
	return (generatedModules[abi] as unknown as Record<string, GeneratedClass>)[`${name}Ref`]!
}

function newHeap(abi: AbiName): WasmHeapManager {
	return createWasmHeapManager(new WebAssembly.Memory({ initial: 8 }), { abi })
}

const records = Object.entries(corpus.corpusRecords) as [string, StructType][]

/** A row of numbers of a multi-dimensional array field. */
type FieldArrayRefOf<V> = FieldArrayRef<V, V, V>

/** What running `read` gives: its value, or its error's class and message. */
function outcome(read: () => unknown): { value: unknown } | { error: string; message: string } {
	try {
		return { value: read() }
	} catch (error) {
		return { error: (error as Error).constructor.name, message: (error as Error).message }
	}
}

describe('generate: ref classes and structs.h from defineStruct declarations', () => {
	// refs of the library's own classes, made before any generated class is registered
	const plain = new Map<string, { heap: WasmHeapManager; refs: StructRef[]; scratch: StructRef }>()
	const count = 8

	before(() => {
		for (const abi of abis) {
			const heap = newHeap(abi)
			for (const [name, type] of records) {
				plain.set(`${abi} ${name}`, { heap, refs: Array.from({ length: count }, () => heap.allocStruct(type) as StructRef), scratch: heap.allocStruct(type) as StructRef })
			}
		}
	})

	for (const abi of abis) {
		it(`${abi}: generated classes and defineStruct refs read the same values from random bytes and write the same bytes (differential)`, () => {
			const random = new SeededRandom(abi === 'wasm32' ? 32 : 64)
			let compared = 0
			for (const [name, type] of records) {
				const { heap, refs, scratch } = plain.get(`${abi} ${name}`)!
				const Class = classOf(abi, name)
				expect(refs[0], name).to.not.be.instanceOf(Class)
				const layout = type.layout(abi)
				for (const ref of refs) {
					const bytes = ref.allocatedBytesView
					for (let index = 0; index < bytes.length; index++) bytes[index] = random.int(0, 256)
					const mine = heap.wrapStruct(Class as never, ref.address) as unknown as Record<string, unknown> & StructRef
					expect(mine, name).to.be.instanceOf(Class)
					expect(outcome(() => mine.read()), `${name}.read()`).to.deep.equal(outcome(() => ref.read()))
					for (const field of layout.fields) {
						const own = Object.getOwnPropertyDescriptor(Class.prototype, field.name)
						if (own?.get === undefined) continue
						// random bytes may hold what a row refuses to read (a Pointer53 above 2^53 - 1): then both throw alike
						const read = outcome(() => (ref as unknown as Record<string, unknown>)[field.name])
						const kind = type.field(field.name)!.type.kind
						if (kind === 'record' || kind === 'array') {
							// a sub-ref: the same type, address and contents (its root differs: each belongs to its own ref)
							const summary = (value: unknown): string => JSON.stringify((value as HeapRef).toJSON(), (_key, item: unknown) => (typeof item === 'bigint' ? `${item}n` : item))
							expect(summary(mine[field.name]), `${abi} ${name}.${field.name}`).to.equal(summary((read as { value: unknown }).value))
							// assigning plain data (the values read, random) writes the same bytes through both
							// classes, or throws the same error; a bad value the same error naming the field, writing nothing
							const plainValue = outcome(() => ((read as { value: unknown }).value as { read(): unknown }).read())
							const a = scratch as unknown as Record<string, unknown> & StructRef
							a.clear()
							const b = heap.allocStruct(Class as never) as unknown as Record<string, unknown> & StructRef
							if ('value' in plainValue) {
								const written = outcome(() => (a[field.name] = plainValue.value))
								expect(outcome(() => (b[field.name] = plainValue.value)), `${name}.${field.name} = plain data`).to.deep.equal(written)
								expect([...b.allocatedBytesView], `${name}.${field.name} bytes`).to.deep.equal([...a.allocatedBytesView])
							}
							const declared = type.field(field.name)!.type as { kind: string; length?: number }
							const bads: unknown[] = ['text', 10n, Symbol('bad'), null, 7]
							bads.push(declared.kind === 'array' ? Array.from({ length: declared.length! + 1 }, () => 0) : { notAField: 1 })
							for (const bad of bads) {
								const before = [...b.allocatedBytesView]
								const refused = outcome(() => (a[field.name] = bad))
								expect(refused, `${name}.${field.name} = ${String(bad)}`).to.have.property('message').that.satisfies((message: string) => message.startsWith(`${type.name}.${field.name}`))
								expect(outcome(() => (b[field.name] = bad)), `${name}.${field.name} = ${String(bad)}`).to.deep.equal(refused)
								expect([...b.allocatedBytesView], `${name}.${field.name} = ${String(bad)} writes nothing`).to.deep.equal(before)
								expect([...a.allocatedBytesView]).to.deep.equal(before)
							}
							b.free()
							compared++
							continue
						}
						// a pointer's target ref: the same type, address and contents
						const plainData = (result: ReturnType<typeof outcome>): unknown => ('value' in result && result.value instanceof HeapRef ? { ref: result.value.toJSON() } : result)
						expect(plainData(outcome(() => mine[field.name])), `${abi} ${name}.${field.name}`).to.deep.equal(plainData(read))
						if (!('value' in read)) {
							compared++
							continue
						}
						const value = read.value
						// write the value read into two zeroed structs, one through each class (the library's
						// a ref made before the class was registered): the same bytes, or the same error (a
						// string decoded from random bytes may need more room than it had)
						const a = scratch as unknown as Record<string, unknown> & StructRef
						a.clear()
						const b = heap.allocStruct(Class as never) as unknown as Record<string, unknown> & StructRef
						expect(a, name).to.not.be.instanceOf(Class)
						const written = outcome(() => (a[field.name] = value))
						expect(outcome(() => (b[field.name] = value)), `${name}.${field.name} = ${String(value)}`).to.deep.equal(written)
						expect([...b.allocatedBytesView], `${name}.${field.name} bytes`).to.deep.equal([...a.allocatedBytesView])
						// a value of the wrong kind is refused by both with the same error, naming the field
						// (a Float16 or ClampedUint8 setter once named the manager's writer), writing nothing
						const errorOf = (target: Record<string, unknown>, bad: unknown): unknown => {
							try {
								target[field.name] = bad
							} catch (error) {
								return { error: (error as Error).constructor.name, message: (error as Error).message }
							}
							return undefined
						}
						for (const bad of typeof value === 'bigint' ? [1.5, 'text'] : ['text', 10n, Symbol('bad')]) {
							const refused = errorOf(a, bad)
							expect(errorOf(b, bad), `${name}.${field.name} = ${String(bad)}`).to.deep.equal(refused)
							if (typeof bad !== 'string' && typeof value === 'number') {
								expect(refused, `${name}.${field.name} = ${String(bad)}`).to.have.property('message').that.satisfies((message: string) => message.startsWith(`${type.name}.`))
							}
							expect([...b.allocatedBytesView]).to.deep.equal([...a.allocatedBytesView])
						}
						b.free()
						compared++
					}
				}
			}
			expect(compared).to.be.greaterThan(100 * count)
		})
	}

	it('regenerates exactly the committed outputs, twice the same (test/generated-structs/, generateFiles)', async () => {
		for (const abi of abis) {
			const options = { abi, declarationsSpecifier: '../support/structCorpus.js', inputName: 'structCorpus.ts', moduleSpecifier: '../../src/index.js' } as const
			const files = await generateFiles(corpus, options)
			expect(await generateFiles(corpus, options)).to.deep.equal(files)
			for (const [file, text] of [[`structCorpus.${abi}.ts`, files['structs.ts']], [`structCorpus.${abi}.h`, files['structs.h']]] as const) {
				if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(outputs, file), text)
				expect(text, `${file} is stale: UPDATE_GOLDEN=1 npx mocha --no-config --node-option import=tsx test/generate.test.ts`).to.equal(readFileSync(join(outputs, file), 'utf8'))
			}
			expect(files['structs.ts'].split('\n')[0]).to.equal(
				`// Generated by wasm-heap-manager generate from structCorpus.ts (--abi ${abi}) — do not edit; run npx wasm-heap-manager generate structCorpus.ts --out <dir> --abi ${abi}`,
			)
			// one ref class and one array class per record, each field documented with its C type, offset and size
			for (const [name] of records) {
				expect(files['structs.ts']).to.include(`export class ${name}Ref extends StructRef<typeof declarations.${name}>`)
				expect(files['structs.ts']).to.include(`export class ${name}ArrayRef extends StructArrayRef<typeof declarations.${name}>`)
			}
			const massOffset = corpus.Particle.layout(abi).fields.find((field) => field.name === 'mass')!.offset
			expect(files['structs.ts']).to.include(`\t/** C \`float\`: offset ${massOffset}, 4 bytes (${abi}). */\n\tget mass()`)
			// one comparison, then the row's DataView accessor at the baked offset; the library's accessor otherwise
			expect(files['structs.ts']).to.include(`if (!(ref.root.liveEnd <= views.uint8Array.length)) return this.readField('mass')`)
			expect(files['structs.ts']).to.include(`return views.dataView.getFloat32(this.address + ${massOffset}, true)`)
		}
	})

	it('structs.h compiles with clang for wasm32, wasm64 and emscripten, every static_assert holding; a wrong offset fails (emitCHeader)', function () {
		const clang = clangOrSkip(this)
		const scratch = mkdtempSync(join(tmpdir(), 'generate-h-'))
		try {
			const header = readFileSync(join(outputs, 'structCorpus.wasm32.h'), 'utf8')
			expect(readFileSync(join(outputs, 'structCorpus.wasm64.h'), 'utf8').replace('--abi wasm64', '--abi wasm32').replaceAll('--abi wasm64', '--abi wasm32')).to.equal(header)
			const assertions = header.match(/^static_assert\(/gm)!.length
			expect(assertions).to.be.greaterThan(500)
			// as C and as C++ (C++ users share the header too): C++ has no _Bool, and -pedantic-errors refuses _Static_assert, _Alignof
			// and _Alignas there (C's -pedantic refuses the corpus's enumerators beyond int, which C23 allows: C is compiled without it)
			const languages = [
				['-xc', '-std=c11'],
				['-xc', '-std=c17'],
				['-xc++', '-std=c++11', '-pedantic-errors'],
				['-xc++', '-std=c++17', '-pedantic-errors'],
			]
			const compile = (text: string, target: string, language = languages[0]!): ReturnType<typeof spawnSync> => {
				const file = join(scratch, 'structs.h')
				writeFileSync(file, text)
				return spawnSync(clang, [`--target=${target}`, '-ffreestanding', ...language, '-Wall', '-Werror', '-fsyntax-only', file], { encoding: 'utf8' })
			}
			for (const target of ['wasm32', 'wasm64', 'wasm32-unknown-emscripten']) {
				for (const language of languages) {
					const result = compile(header, target, language)
					expect(result.status, `${target} ${language.join(' ')}: ${String(result.stderr)}`).to.equal(0)
				}
			}
			const offset = corpus.Particle.layout('wasm64').fields.find((field) => field.name === 'mass')!.offset
			const wrong = header.replace(`offsetof(struct Particle, mass) == ${offset}, "offsetof(struct Particle, mass) on wasm64"`, `offsetof(struct Particle, mass) == ${offset + 4}, "offsetof(struct Particle, mass) on wasm64"`)
			expect(wrong).to.not.equal(header)
			const failed = compile(wrong, 'wasm64')
			expect(failed.status).to.equal(1)
			expect(String(failed.stderr)).to.include('static_assert failed due to requirement')
			expect(String(failed.stderr)).to.include('offsetof(struct Particle, mass) on wasm64')
			expect(compile(wrong, 'wasm32').status, 'the wasm64 lines are not compiled for wasm32').to.equal(0)
			const wrongInCxx = compile(wrong, 'wasm64', languages[3])
			expect(wrongInCxx.status).to.equal(1)
			expect(String(wrongInCxx.stderr)).to.include('offsetof(struct Particle, mass) on wasm64')
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
	})

	it('structs.h spells a member align below its type\'s own alignment as aligned(n), which C accepts (alignas refuses it) and which lays it out as declared', function () {
		const clang = clangOrSkip(this)
		const scratch = mkdtempSync(join(tmpdir(), 'generate-h-'))
		try {
			// `align` below the type's alignment changes nothing, or sets it in a packed record;
			// 4 is the pointer's own alignment on wasm32 and below it on wasm64.
			const Low = defineStruct('Low', { c: 'Int8', d: { type: 'Float64', align: 2 }, p: { type: 'Pointer', align: 4 }, big: { type: 'Int32', align: 8 } })
			const LowPacked = defineStruct('LowPacked', { c: 'Int8', i: { type: 'Int32', align: 2 }, b: { type: 'Int8', align: 1 } }, { packed: true })
			const header = emitCHeader([Low, LowPacked], 'low.h')
			expect(header).to.include('struct Low {\n\tint8_t c;\n\t__attribute__((aligned(2))) double d;\n\t__attribute__((aligned(4))) void *p;\n\talignas(8) int32_t big;\n};')
			expect(header).to.include('struct __attribute__((packed)) LowPacked {\n\tint8_t c;\n\t__attribute__((aligned(2))) int32_t i;\n\talignas(1) int8_t b;\n};')
			expect(LowPacked.layout('wasm32').fields.map((field) => field.offset)).to.deep.equal([0, 2, 6])
			const file = join(scratch, 'low.h')
			writeFileSync(file, header)
			for (const target of ['wasm32', 'wasm64']) {
				const result = spawnSync(clang, [`--target=${target}`, '-ffreestanding', '-std=c11', '-fsyntax-only', '-xc', file], { encoding: 'utf8' })
				expect(result.status, `${target}: ${String(result.stderr)}`).to.equal(0)
			}
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
	})

	/** What the tests below call in structs.c (both builds). */
	interface StructsC {
		fill_particles(particles: number, count: number): void
		sum_mass(particles: number, count: number): number
		sum_linked_ids(head: number): number
		count_linked(head: number): number
		sum_small_fields(particles: number, count: number): number
		name_length(particle: number): number
		particle_size(): number
		particle_offset(field: number): number
	}

	/** The wasi build: a manager over its memory, malloc and free. */
	async function loadWasi(lib: typeof import('../src/index.js'), fixtures: string): Promise<{ heap: WasmHeapManager; c: StructsC }> {
		const c = await instantiateReactor<StructsC>(join(fixtures, 'structs.wasi.wasm'))
		return { heap: lib.createWasmHeapManager(() => c.memory.buffer, c.malloc, c.free), c }
	}

	/** The Emscripten build: its module's heap wrapped, its exports without their underscore. */
	async function loadEmscripten(lib: typeof import('../src/index.js'), fixtures: string): Promise<{ heap: WasmHeapManager; c: StructsC }> {
		const factory = createRequire(import.meta.url)(join(fixtures, 'structs.emscripten.cjs')) as () => Promise<Record<string, unknown>>
		const module = await factory()
		const heap = lib.wrapEmscriptenModuleHeap(module as Parameters<typeof lib.wrapEmscriptenModuleHeap>[0], { abi: 'emscripten' })
		const c = Object.fromEntries(
			Object.entries(module)
				.filter(([name, value]) => name.startsWith('_') && typeof value === 'function')
				.map(([name, value]) => [name.slice(1), value]),
		) as unknown as StructsC
		return { heap, c }
	}

	for (const [build, abi, load] of [
		['wasi', 'wasm32', loadWasi],
		['Emscripten', 'emscripten', loadEmscripten],
	] as const) {
		it(`C header → import-c → generate --abi ${abi} → the ${build} build of structs.c: generated classes read every field kind C wrote, and C reads what they wrote`, async () => {
			const fixtures = join(import.meta.dirname, 'fixtures/structs')
			const ast = JSON.parse(readFileSync(join(fixtures, 'structs-ast-wasm32.json'), 'utf8')) as ClangNode
			const dump = readFileSync(join(fixtures, 'structs-layouts-complete-wasm32.txt'), 'utf8')
			// mocha loads this file's static imports through tsx's CommonJS hook and import() through
			// its ESM loader: the scratch modules and this test use one ESM instance of the library
			const library = join(import.meta.dirname, '../src/index.ts')
			const lib = (await import(pathToFileURL(library).href)) as typeof import('../src/index.js')
			const scratch = mkdtempSync(join(import.meta.dirname, '.scratch-'))
			try {
				writeFileSync(join(scratch, 'structs.ts'), importFromDumps(ast, dump, { header: 'structs.h', abi: 'wasm32', moduleSpecifier: library }))
				const declarations = (await import(pathToFileURL(join(scratch, 'structs.ts')).href)) as Record<string, unknown>
				const files = await generateFiles(declarations, { abi, declarationsSpecifier: '../structs.js', inputName: 'structs.ts', moduleSpecifier: library })
				mkdirSync(join(scratch, 'gen'))
				writeFileSync(join(scratch, 'gen/structs.ts'), files['structs.ts'])
				const { ParticleRef } = (await import(pathToFileURL(join(scratch, 'gen/structs.ts')).href)) as { ParticleRef: GeneratedClass }
				const { heap, c } = await load(lib, fixtures)
				expect(ParticleRef.abi).to.equal(abi)
				expect(ParticleRef.structType.layout(abi).size).to.equal(c.particle_size())
				const fields = ['position', 'mass', 'id', 'kind', 'name', 'history', 'next', 'alive', 'tag']
				fields.forEach((field, index) => expect(heap.offsetOf(ParticleRef.structType, field), field).to.equal(c.particle_offset(index)))
				// every field is the generated class's own accessor
				for (const field of [...fields, 'flags', 'delta']) expect(Object.getOwnPropertyDescriptor(ParticleRef.prototype, field)?.get, field).to.be.a('function')
				const particles = heap.allocStructArray(ParticleRef as never, 5) as unknown as StructArrayRef
				c.fill_particles(particles.address, 5)
				type Particle = Record<string, unknown> & StructRef
				const third = particles.at(3) as unknown as Particle
				expect(third).to.be.instanceOf(ParticleRef)
				const history = third.history as { read(): number[] }
				expect([(third.position as { x: number; y: number }).y, third.mass, third.id, third.kind, third.name, history.read(), third.flags, third.delta, third.alive, third.tag]).to.deep.equal([
					6, 1.5, 103, 2, 'p3', [3, 4, 5, 6], 3, -5, false, 3000,
				])
				// the pointer C wrote, followed through the generated class
				const next = third.next as Particle
				expect(next).to.be.instanceOf(ParticleRef)
				expect([next.address, next.id, next.next]).to.deep.equal([particles.address + 4 * c.particle_size(), 104, null])
				// written through the generated class, read by C
				const ids: number[] = []
				for (let index = 0; index < 5; index++) {
					const particle = particles.at(index) as unknown as Particle
					particle.mass = index * 2
					particle.flags = 7 - index
					particle.delta = -index
					particle.alive = index === 1
					ids.push(particle.id as number)
				}
				expect(c.sum_mass(particles.address, 5)).to.equal(20)
				expect(c.sum_linked_ids(particles.address)).to.equal(ids.reduce((sum, id) => sum + id, 0))
				;(particles.at(1) as unknown as Particle).next = null
				expect(c.count_linked(particles.address)).to.equal(2)
				;(particles.at(1) as unknown as Particle).next = particles.at(4)
				expect(c.count_linked(particles.address)).to.equal(3)
				third.name = 'renamed'
				expect(c.name_length(third.address)).to.equal(7)
				// the bitfields and _Bool as C reads them back (sum_small_fields)
				const expected = heap.readStruct(ParticleRef.structType, particles.address)
				expect([expected.flags, expected.delta, expected.alive]).to.deep.equal([7, 0, false])
				let small = 0
				for (let index = 0; index < 5; index++) {
					const particle = particles.at(index) as unknown as Particle
					small += (particle.flags as number) + (particle.delta as number) + (particle.alive ? 1 : 0) + (particle.kind as number)
					small += (particle.history as { read(): number[] }).read().reduce((sum, value) => sum + value, 0)
				}
				expect(c.sum_small_fields(particles.address, 5)).to.equal(small)
				particles.free()
			} finally {
				rmSync(scratch, { recursive: true, force: true })
			}
		})
	}

	it('fields named like a ref\'s members or internal fields get no generated accessor, as the library\'s refs get none: the refs work, read() and write() reach the fields', async () => {
		const library = join(import.meta.dirname, '../src/index.ts')
		const lib = (await import(pathToFileURL(library).href)) as typeof import('../src/index.js')
		const scratch = mkdtempSync(join(import.meta.dirname, '.scratch-'))
		try {
			const names = ['freed', 'liveEnd', 'tracked', 'scope', 'allocatedByteSize', 'toString', 'x']
			writeFileSync(join(scratch, 'clash.ts'), `import { defineStruct } from '${library}'\nexport const Clash = defineStruct('Clash', { ${names.map((name) => `${name}: 'Int32'`).join(', ')} })\n`)
			const declarations = (await import(pathToFileURL(join(scratch, 'clash.ts')).href)) as Record<string, unknown>
			const files = await generateFiles(declarations, { abi: 'wasm32', declarationsSpecifier: '../clash.js', inputName: 'clash.ts', moduleSpecifier: library })
			mkdirSync(join(scratch, 'gen'))
			writeFileSync(join(scratch, 'gen/clash.ts'), files['structs.ts'])
			const { ClashRef } = (await import(pathToFileURL(join(scratch, 'gen/clash.ts')).href)) as { ClashRef: GeneratedClass }
			expect(names.filter((name) => Object.hasOwn(ClashRef.prototype, name))).to.deep.equal(['x'])
			const heap = lib.createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
			const ref = heap.allocStruct(ClashRef as never, { freed: 1, x: 2 } as never) as unknown as StructRef & Record<string, unknown>
			expect(ref).to.be.instanceOf(ClashRef)
			expect([ref.x, ref.isFreed, ref.allocatedByteSize, typeof ref.toString]).to.deep.equal([2, false, 28, 'function'])
			ref.write({ liveEnd: 3, tracked: 4 } as never)
			expect(ref.read()).to.deep.equal({ freed: 1, liveEnd: 3, tracked: 4, scope: 0, allocatedByteSize: 0, toString: 0, x: 2 })
			ref.free()
			expectThrow(() => ref.x, Error, /^Clash\.x: the reference to address \d+ has been freed$/)
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
	})

	it("a record named like the library's classes (Struct: StructRef, StructArrayRef) gets them, the library's imported under another name; two records giving one class name are a GenerateError", async () => {
		const library = join(import.meta.dirname, '../src/index.ts')
		const lib = (await import(pathToFileURL(library).href)) as typeof import('../src/index.js')
		const scratch = mkdtempSync(join(import.meta.dirname, '.scratch-'))
		try {
			writeFileSync(
				join(scratch, 'names.ts'),
				`import { defineStruct } from '${library}'\nexport const Struct = defineStruct('Struct', { c: 'Int32' })\nexport const Holder = defineStruct('Holder', { s: Struct, p: { pointer: Struct } })\n`,
			)
			const declarations = (await import(pathToFileURL(join(scratch, 'names.ts')).href)) as Record<string, unknown>
			const files = await generateFiles(declarations, { abi: 'wasm32', declarationsSpecifier: '../names.js', inputName: 'names.ts', moduleSpecifier: library })
			expect(files['structs.ts']).to.include(`import { StructArrayRef as StructArrayRefBase, StructRef as StructRefBase, type FieldRefValue, type FieldInit } from '${library}';`)
			mkdirSync(join(scratch, 'gen'))
			writeFileSync(join(scratch, 'gen/names.ts'), files['structs.ts'])
			const tsc = spawnSync(
				process.execPath,
				[join(import.meta.dirname, '../node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--noImplicitOverride', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', join(scratch, 'gen/names.ts')],
				{ encoding: 'utf8' },
			)
			expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).to.equal(0)
			const generated = (await import(pathToFileURL(join(scratch, 'gen/names.ts')).href)) as { StructRef: GeneratedClass; HolderRef: GeneratedClass }
			expect(generated.StructRef).to.not.equal(lib.StructRef)
			expect(generated.StructRef.prototype).to.be.instanceOf(lib.StructRef)
			const heap = lib.createWasmHeapManager(new WebAssembly.Memory({ initial: 1 }))
			const own = heap.allocStruct(generated.StructRef as never, { c: 3 } as never) as unknown as Record<string, unknown>
			expect([own instanceof generated.StructRef, own.c]).to.deep.equal([true, 3])
			const holder = heap.allocStruct(generated.HolderRef as never, { s: { c: 7 } } as never) as unknown as Record<string, Record<string, unknown>>
			expect(holder.s).to.be.instanceOf(generated.StructRef)
			expect(holder.s!.c).to.equal(7)
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
		const Foo = defineStruct('Foo', { a: 'Int32' })
		const FooArray = defineStruct('FooArray', { b: 'Int32' })
		const refused = await generateFiles({ Foo, FooArray }, { abi: 'wasm32', declarationsSpecifier: './foo.js', inputName: 'foo.ts' }).then(
			() => undefined,
			(error: unknown) => error,
		)
		expect(refused).to.be.instanceOf(GenerateError)
		expect((refused as Error).message).to.equal('generate: foo.ts: the ref class of struct FooArray would be named FooArrayRef, as the array class of struct Foo is; generate them from two modules')
	})

	it("once a generated class is registered, a defineStruct ref of its declaration (an instance of it) still takes assigned nested structs and fixed arrays; a pointer to a struct reads as the target's generated class, typed so, on the library's path too", async () => {
		const library = join(import.meta.dirname, '../src/index.ts')
		const lib = (await import(pathToFileURL(library).href)) as typeof import('../src/index.js')
		const scratch = mkdtempSync(join(import.meta.dirname, '.scratch-'))
		try {
			writeFileSync(
				join(scratch, 'holder.ts'),
				`import { defineStruct } from '${library}'\nexport const Target = defineStruct('Target', { v: 'Int32' })\n` +
					`export const Holder = defineStruct('Holder', { t: Target, h: { array: 'Int16', length: 3 }, ts: { array: Target, length: 2 }, p: { pointer: Target }, arr: { pointer: { array: Target, length: 2 } } })\n`,
			)
			const declarations = (await import(pathToFileURL(join(scratch, 'holder.ts')).href)) as Record<string, StructType>
			const files = await generateFiles(declarations, { abi: 'wasm32', declarationsSpecifier: '../holder.js', inputName: 'holder.ts', moduleSpecifier: library })
			mkdirSync(join(scratch, 'gen'))
			writeFileSync(join(scratch, 'gen/holder.ts'), files['structs.ts'])
			// the types: a pointer to Target reads as TargetRef | null, to Target[2] as TargetArrayRef | null; nested fields take plain values
			writeFileSync(
				join(scratch, 'gen/use.ts'),
				[
					`import { HolderRef, TargetRef, TargetArrayRef } from './holder.js'`,
					'export function use(holder: HolderRef, target: TargetRef): number {',
					'	const one: TargetRef | null = holder.p',
					'	const two: TargetArrayRef | null = holder.arr',
					'	holder.p = target',
					'	holder.arr = null',
					'	holder.t = { v: 1 }',
					'	holder.h = [1, 2]',
					'	holder.ts = [{ v: 3 }]',
					'	// @ts-expect-error a ref of another struct',
					'	holder.p = holder',
					'	return (one?.v ?? 0) + (two?.at(0).v ?? 0)',
					'}',
					'',
				].join('\n'),
			)
			const tsc = spawnSync(
				process.execPath,
				[join(import.meta.dirname, '../node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--noImplicitOverride', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', join(scratch, 'gen/use.ts')],
				{ encoding: 'utf8' },
			)
			expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).to.equal(0)
			const { HolderRef, TargetRef, TargetArrayRef } = (await import(pathToFileURL(join(scratch, 'gen/holder.ts')).href)) as Record<string, GeneratedClass>
			const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 })
			const heap = lib.createWasmHeapManager(memory)
			// TargetRef is not registered yet: the library wraps Target with its own class
			const target = heap.allocStruct(declarations.Target!, { v: 7 } as never) as unknown as StructRef
			const targets = heap.allocStructArray(declarations.Target!, [{ v: 8 }, { v: 9 }] as never)
			expect(target).to.not.be.instanceOf(TargetRef!)
			const registered = heap.allocStruct(HolderRef as never) as unknown as StructRef
			registered.free()
			// a ref made from the declaration after the class was registered is an instance of it: its nested fields take assigned values
			const holder = heap.allocStruct(declarations.Holder!) as unknown as Record<string, unknown> & StructRef
			expect(holder).to.be.instanceOf(HolderRef!)
			const expected = heap.allocStruct(declarations.Holder!) as unknown as StructRef
			holder.t = { v: -5 }
			holder.h = [1, 2, 3]
			holder.ts = [{ v: 4 }]
			expected.write({ t: { v: -5 }, h: [1, 2, 3], ts: [{ v: 4 }] } as never)
			expect([...holder.allocatedBytesView]).to.deep.equal([...expected.allocatedBytesView])
			const before = [...holder.allocatedBytesView]
			expectThrow(() => (holder.h = [1, 2, 3, 4]), RangeError, 'Holder.h: 4 values given for an array of 3 elements')
			expectThrow(() => (holder.t = { w: 1 }), TypeError, 'Holder.t: struct Target has no field "w"; its fields are v')
			expect([...holder.allocatedBytesView]).to.deep.equal(before)
			// the heap grows under the manager: the getters take the library's path, which wraps with the generated classes all the same
			holder.p = target
			holder.arr = targets
			memory.grow(1)
			const one = holder.p as StructRef & { v: number }
			expect([one instanceof TargetRef!, one.v]).to.deep.equal([true, 7])
			memory.grow(1)
			const two = holder.arr as StructArrayRef
			expect([two instanceof TargetArrayRef!, (two.at(1) as unknown as { v: number }).v, two.at(1) instanceof TargetRef!]).to.deep.equal([true, 9, true])
			holder.p = null
			memory.grow(1)
			expect(holder.p).to.equal(null)
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
	})

	it('an enum stored as a 64-bit row reads and writes numbers through a generated class, as its type says (Enums.wide, Enums.wideSigned)', () => {
		for (const abi of abis) {
			const heap = newHeap(abi)
			const enums = heap.allocStruct(generatedModules[abi].EnumsRef, { wide: corpus.Wide.values.WIDE_BIG })
			const wide: number = enums.wide
			expect([wide, corpus.Wide.nameOf(enums.wide)], abi).to.deep.equal([0x100000000, 'WIDE_BIG'])
			enums.wideSigned = corpus.WideSigned.values.WIDE_SIGNED_LOW
			const at = heap.offsetOf(corpus.Enums, 'wideSigned')
			expect([enums.wideSigned, heap.readBigInt64(enums.address + at)], abi).to.deep.equal([-0x100000000, -0x100000000n])
			expect(heap.readStruct(generatedModules[abi].EnumsRef, enums.address).wideSigned, abi).to.equal(-0x100000000)
			expectThrow(() => (enums.wide = -1), RangeError, /^Enums\.wide: -1 is not a value of enum Wide \(stored as BigUint64, read as a number\): it must be an integer from 0 to 9007199254740991$/)
			expect(enums.wide, abi).to.equal(0x100000000)
			enums.free()
		}
	})

	it('generated classes are accepted by allocStruct, wrapStruct, allocStructArray and wrapStructArray, which return their instances, and by readStruct, writeStruct, sizeOf, alignOf and offsetOf', () => {
		const { ParticleRef, ParticleArrayRef, Vec2Ref } = generated32
		const heap = newHeap('wasm32')
		const particle = heap.allocStruct(ParticleRef, { mass: 2.5, color: 2, name: 'dust', position: { x: 1, y: 2 } })
		expect(particle).to.be.instanceOf(ParticleRef)
		expect([particle.mass, particle.color, particle.name, particle.position.x]).to.deep.equal([2.5, 2, 'dust', 1])
		particle.mass = 4
		expect(heap.readStruct(corpus.Particle, particle.address).mass).to.equal(4)
		expect(heap.wrapStruct(ParticleRef, particle.address).mass).to.equal(4)
		const array = heap.allocStructArray(ParticleRef, 3)
		expect(array).to.be.instanceOf(ParticleArrayRef)
		expect(array.at(2)).to.be.instanceOf(ParticleRef)
		array.at(1).mass = 9
		const wrapped = heap.wrapStructArray(ParticleRef, array.address, 3)
		expect(wrapped).to.be.instanceOf(ParticleArrayRef)
		expect(wrapped.at(1).mass).to.equal(9)
		const cursor = wrapped.at(0)
		expect(wrapped.at(1, cursor)).to.equal(cursor)
		expect(cursor.mass).to.equal(9)
		// readStruct, writeStruct, sizeOf, alignOf and offsetOf take the class as its declaration
		heap.writeStruct(ParticleRef, particle.address, { mass: 5, name: 'gas' })
		expect(heap.readStruct(ParticleRef, particle.address)).to.deep.equal(heap.readStruct(corpus.Particle, particle.address))
		expect([heap.readStruct(ParticleRef, particle.address).mass, particle.name]).to.deep.equal([5, 'gas'])
		expect([heap.sizeOf(ParticleRef), heap.alignOf(ParticleRef), heap.offsetOf(ParticleRef, 'position.y')]).to.deep.equal([
			heap.sizeOf(corpus.Particle),
			heap.alignOf(corpus.Particle),
			heap.offsetOf(corpus.Particle, 'position.y'),
		])
		const heap64 = newHeap('wasm64')
		for (const call of [() => heap64.readStruct(ParticleRef, 64), () => heap64.writeStruct(ParticleRef, 64, {}), () => heap64.sizeOf(ParticleRef), () => heap64.offsetOf(ParticleRef, 'mass')]) {
			expectThrow(call, TypeError, /: ParticleRef was generated for the wasm32 ABI and this manager lays structs out for wasm64; generate again with --abi wasm64$/)
		}
		particle.mass = 4
		// once registered, refs made from the declaration are instances too
		expect(heap.allocStruct(corpus.Particle)).to.be.instanceOf(ParticleRef)
		expect(heap.allocStruct(Vec2Ref, { x: 3 }).x).to.equal(3)
		// a freed ref throws from a generated accessor as from the library's
		particle.free()
		expectThrow(() => particle.mass, Error, `Particle.mass: the reference to address ${particle.address} has been freed`)
		expectThrow(() => (particle.mass = 1), Error, `Particle.mass: the reference to address ${particle.address} has been freed`)
		expectThrow(() => particle.checkLive('anything'), Error, `Particle.anything: the reference to address ${particle.address} has been freed`)
		// the library's accessors behind the generated ones: by field name, which must be one of the type's
		const other = heap.allocStruct(ParticleRef, { mass: 1.25 }) as unknown as { readField(name: string): unknown; writeField(name: string, value: unknown): void }
		expect(other.readField('mass')).to.equal(1.25)
		other.writeField('mass', 3)
		expect(other.readField('mass')).to.equal(3)
		expectThrow(() => other.readField('nope'), TypeError, 'Particle.nope: Particle has no field "nope" (a generated class that does not match its declaration: generate it again)')
		expectThrow(() => other.writeField('mass', 1n), TypeError, /^Particle\.mass: /)
	})

	for (const abi of abis) {
		it(`${abi}: a committed class's multi-dimensional array fields give rows in place, typed (Arrays.matrix double[2][3], Arrays.names char[3][8]; type-checked by npm run typecheck)`, () => {
			const { ArraysRef } = generatedModules[abi]
			const heap = newHeap(abi)
			const arrays = heap.allocStruct(ArraysRef, { matrix: [[1, 2, 3], [4, 5, 6]], names: ['a', 'bc'] })
			const row: FieldArrayRefOf<number> = arrays.matrix.at(1)
			row.writeAt(2, 0.5)
			const value: number = arrays.matrix.at(1).at(2)
			const name: string = arrays.names.at(1)
			expect([value, name, arrays.matrix.at(0).readAt(1), row.address]).to.deep.equal([0.5, 'bc', 2, arrays.address + heap.offsetOf(ArraysRef, 'matrix.1.0')])
			expect(heap.readStruct(ArraysRef, arrays.address).matrix).to.deep.equal([[1, 2, 3], [4, 5, 0.5]])
			expect([...arrays.matrix].map((line) => line.read())).to.deep.equal([[1, 2, 3], [4, 5, 0.5]])
			arrays.free()
			expectThrow(() => row.readAt(0), Error, /^Arrays\.matrix\[1\]\.readAt: the reference to address \d+ has been freed$/)
		})
	}

	it("a generated pointer field's setter takes what its write takes: an address, null, a ref of the target, or for a non-struct target any ref (type-checked by npm run typecheck)", () => {
		const { PointersRef, Vec2Ref } = generated32
		const heap = newHeap('wasm32')
		const pointers = heap.allocStruct(PointersRef)
		const vector = heap.allocStruct(Vec2Ref, { x: 1.5 })
		pointers.vec = vector.address // an address: the generated fast path
		expect(pointers.vec?.x).to.equal(1.5)
		pointers.vec = heap.allocStructArray(Vec2Ref, [{ x: 2.5 }]) // an array of the target struct, as write() takes it
		expect(pointers.vec?.x).to.equal(2.5)
		pointers.vec = null
		expect(pointers.vec).to.equal(null)
		const bytes = heap.allocUint8Array([104, 105, 0])
		pointers.utf8 = bytes // a char * takes a byte array
		expect(pointers.utf8?.value).to.equal('hi')
		pointers.wide = heap.allocBigInt64Array([-3n]) // an int64_t * takes an array
		expect(pointers.wide?.value).to.equal(-3n)
		pointers.node = 0
		expect(pointers.node).to.equal(null)
		// @ts-expect-error a pointer to a struct still refuses a ref of another struct (its address is the cast)
		expectThrow(() => (pointers.vec = pointers), TypeError, /a pointer to Vec2 takes a ref of Vec2, received a ref of Pointers/)
		// @ts-expect-error nor does it take a string
		expectThrow(() => (pointers.utf8 = 'hi'), TypeError, /utf8/)
	})

	it("a generated array's own at() gives what the library's StructArrayRef.at gives, refusals included, on every kind of input", () => {
		const { ParticleRef, Vec2Ref } = generated32
		const heap = newHeap('wasm32')
		const array = heap.allocStructArray(ParticleRef, 4)
		const strided = heap.wrapStructArray(ParticleRef, array.address, 2, { stride: 2 * heap.sizeOf(corpus.Particle) })
		const other = heap.allocStructArray(ParticleRef, 2)
		const vectors = heap.allocStructArray(Vec2Ref, 2)
		const freed = heap.allocStructArray(ParticleRef, 2)
		const freedCursor = freed.at(0)
		freed.free()
		const generatedAt = Object.getPrototypeOf(array).at as (this: unknown, index: unknown, reuse?: unknown) => unknown
		expect(generatedAt).to.not.equal(StructArrayRef.prototype.at)
		const outcome = (at: (this: unknown, index: unknown, reuse?: unknown) => unknown, target: unknown, index: unknown, reuse: unknown): unknown => {
			try {
				const ref = at.call(target, index, reuse) as { address: number }
				return { address: ref.address, prototype: Object.getPrototypeOf(ref), same: ref === reuse }
			} catch (error) {
				return { error: (error as Error).constructor.name, message: (error as Error).message }
			}
		}
		const indexes = [0, 1, 3, 4, -1, 1.5, Number.NaN, '1', undefined, 2 ** 53]
		let compared = 0
		for (const target of [array, strided, freed]) {
			const reuses = [undefined, target === freed ? freedCursor : target.at(0), other.at(0), vectors.at(0), {}, null, 5, array.at(1)]
			for (const index of indexes) {
				for (const reuse of reuses) {
					const mine = outcome(generatedAt, target, index, reuse)
					// the library's at on the same array, reached past the override
					const library = outcome(StructArrayRef.prototype.at as never, target, index, reuse)
					expect(mine, `${String(index)} / ${String(reuse)}`).to.deep.equal(library)
					compared++
				}
			}
		}
		expect(compared).to.equal(3 * indexes.length * 8)
		// a fixed array of structs inside a struct: its root is the struct, whose freed flag
		// at() must read (the array's own element count stays as it was when the struct is freed)
		const { ArraysRef } = generated32
		const owner = heap.allocStruct(ArraysRef)
		const points = owner.points as unknown as StructArrayRef
		const pointCursor = points.at(0)
		const vec2At = Object.getPrototypeOf(vectors).at as (this: unknown, index: unknown, reuse?: unknown) => unknown
		const live = outcome(vec2At, points, 2, undefined) as { address: number }
		expect(live).to.deep.equal(outcome(StructArrayRef.prototype.at as never, points, 2, undefined))
		expect(live.address).to.equal(owner.address + heap.offsetOf(corpus.Arrays, 'points') + 2 * heap.sizeOf(corpus.Vec2))
		owner.free()
		for (const index of [0, 2, 3, -1]) {
			for (const reuse of [undefined, pointCursor]) {
				const mine = outcome(vec2At, points, index, reuse)
				expect(mine, `points after free: ${index} / ${String(reuse)}`).to.deep.equal(outcome(StructArrayRef.prototype.at as never, points, index, reuse))
				if (index === 0) expect(mine).to.have.property('message').that.matches(/has been freed/)
			}
		}
		// and it answers as documented: an element of the array, a moved cursor, the strided address
		expect(array.at(3).address).to.equal(array.address + 3 * heap.sizeOf(corpus.Particle))
		expect(strided.at(1).address).to.equal(array.address + 2 * heap.sizeOf(corpus.Particle))
		const cursor = array.at(0)
		expect(array.at(2, cursor)).to.equal(cursor)
		expect(cursor.address).to.equal(array.address + 2 * heap.sizeOf(corpus.Particle))
		expectThrow(() => array.at(0, other.at(0)), TypeError, /^ParticleArrayRef\.at: /)
		expectThrow(() => array.at(4), RangeError, /^ParticleArrayRef\.at: /)
		expectThrow(() => freed.at(0), Error, /has been freed/)
	})

	it("generated accessors and at() take their fast paths: the library fields they read (LibraryRefFields, LibraryArrayFields) exist under those names", () => {
		// A renamed field would not fail: the fast path's comparison would just fail, and
		// every access would go through the library's slower path. Count those.
		const { Vec3Ref } = generated32
		const heap = newHeap('wasm32')
		const array = heap.allocStructArray(Vec3Ref, 4)
		const slow: string[] = []
		const prototype = StructRef.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
		const arrayPrototype = StructArrayRef.prototype as unknown as Record<string, (...args: unknown[]) => unknown>
		const readField = prototype.readField!
		const writeField = prototype.writeField!
		const libraryAt = arrayPrototype.at!
		prototype.readField = function (this: unknown, ...args: unknown[]) {
			slow.push(`readField ${String(args[0])}`)
			return readField.apply(this, args)
		}
		prototype.writeField = function (this: unknown, ...args: unknown[]) {
			slow.push(`writeField ${String(args[0])}`)
			return writeField.apply(this, args)
		}
		arrayPrototype.at = function (this: unknown, ...args: unknown[]) {
			slow.push(`at ${String(args[0])}`)
			return libraryAt.apply(this, args)
		}
		try {
			const cursor = array.at(0)
			for (let index = 0; index < 4; index++) {
				const element = array.at(index)
				element.x = index
				element.z = element.x + 0.5
				expect(array.at(index, cursor).z).to.equal(index + 0.5)
			}
			const single = heap.allocStruct(Vec3Ref, { y: 2 })
			single.y = single.y * 3
			expect(single.y).to.equal(6)
			expect(slow).to.deep.equal([])
			// and the slow paths are still there for what needs them
			single.free()
			expect(() => single.y).to.throw(Error, /has been freed/)
			expect(() => array.at(4)).to.throw(RangeError)
			expect(slow).to.deep.equal(['readField y', 'at 4'])
		} finally {
			prototype.readField = readField
			prototype.writeField = writeField
			arrayPrototype.at = libraryAt
		}
	})

	it('a class generated for another ABI, or a second class for one declaration, is a TypeError', () => {
		const heap = newHeap('wasm32')
		expectThrow(
			() => heap.allocStruct(generated64.Vec3Ref),
			TypeError,
			'allocStruct: Vec3Ref was generated for the wasm64 ABI and this manager lays structs out for wasm32; generate again with --abi wasm32',
		)
		// a module generated against other internal fields of the library: refused before anything is registered
		class Outdated extends generated32.TailPaddingRef {
			static override get libraryFieldsVersion(): 1 {
				return 0 as 1
			}
		}
		expectThrow(
			() => heap.allocStructArray(Outdated, 2),
			TypeError,
			"allocStructArray: Outdated was generated for another version of wasm-heap-manager (its accessors read the library's fields of version 0, this library has version 1); run wasm-heap-manager generate again",
		)
		expect(heap.allocStruct(generated32.TailPaddingRef, { value: 1.5 }).value).to.equal(1.5)
		heap.allocStruct(generated32.Vec3Ref)
		class Impostor extends generated32.Vec3Ref {}
		expectThrow(() => heap.wrapStruct(Impostor, 64), TypeError, 'wrapStruct: Impostor is a second generated class for struct Vec3 under wasm32; use one generated module per declaration')
		expectThrow(() => heap.allocStructArray(class {} as never, 1), TypeError, /^allocStructArray: expected a StructType \(from defineStruct or defineUnion\), received/)
	})

	it('a name structs.h cannot declare (bool, true, false, alignas, alignof, static_assert: macros in C11, keywords in C++) is a GenerateError naming it (generateFiles)', async () => {
		const options = { abi: 'wasm32' as const, declarationsSpecifier: './flags.js', inputName: 'flags.ts' }
		const Flags = defineStruct('Flags', { bool: 'Int32', on: 'Bool' })
		const error = await generateFiles({ Flags }, options).then(() => undefined, (thrown: unknown) => thrown)
		expect(error).to.be.instanceOf(GenerateError)
		expect((error as Error).message).to.equal(
			'generate: flags.ts: struct Flags uses the name bool, which structs.h cannot declare: C takes it from <stdbool.h>, <stdalign.h> or <assert.h> as a macro, C++ as a keyword',
		)
		const Mode = defineEnum('Mode', 'Uint8', { off: 0, static_assert: 1 })
		const Holder = defineStruct('Holder', { mode: Mode })
		const enumError = await generateFiles({ Mode, Holder }, options).then(() => undefined, (thrown: unknown) => thrown)
		expect((enumError as Error).message).to.include('enum Mode uses the name static_assert, which structs.h cannot declare')
		const alignof = defineStruct('alignof', { x: 'Int32' })
		expect(((await generateFiles({ alignof }, options).then(() => undefined, (thrown: unknown) => thrown)) as Error).message).to.include('struct alignof uses the name alignof')
	})

	it('a record, member or enumerator named as a C++ keyword C allows (class, new...) makes structs.h stop a C++ compiler at its top with an #error naming it; C compiles it', async function () {
		const clang = clangOrSkip(this)
		const options = { abi: 'wasm32' as const, declarationsSpecifier: './shapes.js', inputName: 'shapes.ts' }
		const plain = defineStruct('Plain', { x: 'Int32' })
		expect((await generateFiles({ plain }, options))['structs.h']).to.not.include('#error')
		const Mode = defineEnum('Mode', 'Uint8', { off: 0, not: 1 })
		const cases: [Record<string, unknown>, string][] = [
			[{ Holder: defineStruct('Holder', { class: 'Int32', y: 'Float32' }) }, 'struct Holder has a member named class'],
			[{ new: defineUnion('new', { a: 'Int32' }) }, 'union new is named new'],
			[{ Mode, Uses: defineStruct('Uses', { mode: Mode }) }, 'enum Mode has an enumerator named not'],
		]
		const scratch = mkdtempSync(join(tmpdir(), 'generate-cxx-keyword-'))
		try {
			for (const [module, what] of cases) {
				const header = (await generateFiles(module, options))['structs.h']
				expect(header).to.include(`#ifdef __cplusplus\n#error "shapes.h is C only: ${what}, a C++ keyword"\n#else /* C */\n`)
				expect(header).to.match(/\n#endif \/\* __cplusplus \*\/\n\n#endif \/\* WASM_HEAP_MANAGER_SHAPES_H \*\/\n$/)
				const file = join(scratch, 'shapes.h')
				writeFileSync(file, header)
				const compile = (...language: string[]): ReturnType<typeof spawnSync> =>
					spawnSync(clang, ['--target=wasm32', '-ffreestanding', ...language, '-fsyntax-only', file], { encoding: 'utf8' })
				expect(compile('-xc', '-std=c11').status, what).to.equal(0)
				const cxx = compile('-xc++', '-std=c++11')
				expect(cxx.status, what).to.equal(1)
				// the #error is the only error, not the parse errors the keyword gives further down
				expect(String(cxx.stderr).match(/error:/g), String(cxx.stderr)).to.have.length(1)
				expect(String(cxx.stderr)).to.include(`shapes.h is C only: ${what}, a C++ keyword`)
			}
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
	})

	it('declarationsOf and emitCHeader: each declaration once, packed enums and #pragma pack spelled for C', () => {
		const found = declarationsOf({ A: corpus.Vec2, B: corpus.Vec2, C: corpus.Small, D: 3 })
		expect(found.map((entry) => entry.name)).to.deep.equal(['A', 'C'])
		const header = emitCHeader([corpus.Pack2, corpus.Small, corpus.Node], 'x.h')
		expect(header).to.include('#pragma pack(push, 2)\nstruct Pack2 {\n\tint8_t c;\n\tint32_t i;\n\tdouble d;\n\tint8_t e;\n};\n#pragma pack(pop)')
		expect(header).to.include('enum __attribute__((packed)) Small {\n\tSMALL_A = 0,')
		expect(header).to.include('struct Node {\n\tint32_t value;\n\tstruct Node *next;')
	})

	it('--help lists every option the parser accepts, each in its command\'s usage line and in the option list with the commands that take it (cli.ts)', async () => {
		const help = await run(['--help'])
		const [usageBlock, , options] = help.split('\n\n') as [string, string, string]
		// the header spells its checks static_assert (C11 through <assert.h>'s macro, which it defines), as C++ does
		expect(help).to.include('static_assert checks').and.not.include('_Static_assert')
		// each command's usage line, its continuation lines with it
		const usageOf = (command: string): string => usageBlock.split(/\n(?=  wasm-heap-manager )/).find((line) => line.startsWith(`  wasm-heap-manager ${command} `)) ?? ''
		const optionLine = (flag: string): string | undefined =>
			options.split('\n').find((line) => /^  \S/.test(line) && line.slice(2).split('  ')[0]!.split(/,? /).includes(flag))
		// every option-like string cli.ts names, and some it does not take
		const source = readFileSync(join(import.meta.dirname, '../src/generator/cli.ts'), 'utf8')
		const candidates = new Set([...source.matchAll(/'(--?[A-Za-z][\w-]*|--)'/g)].map((match) => match[1]!))
		for (const extra of ['--output', '-o', '--target', '--verbose']) candidates.add(extra)
		const accepted = new Map<string, string[]>()
		for (const candidate of candidates) {
			for (const command of ['import-c', 'generate']) {
				try {
					parseArguments([command, 'in.h', candidate, 'wasm32'])
				} catch (error) {
					if (!(error instanceof UsageError)) throw error
					if (error.message.includes(`unexpected argument '${candidate}'`)) continue
				}
				accepted.set(candidate, [...(accepted.get(candidate) ?? []), command])
				expect(usageOf(command), `${command} ${candidate}`).to.match(new RegExp(`[[ ]${candidate.replace(/[-[\]]/g, '\\$&')}[ \\]]`))
			}
			// --help and --version (and -h, -v) are no command's: run answers them before parsing
			const answer = await run([candidate]).catch(() => undefined)
			if (answer !== undefined && !accepted.has(candidate)) accepted.set(candidate, [])
		}
		expect([...accepted.keys()].sort()).to.include.members(['--', '--abi', '--all', '--clang', '--help', '--out', '--version', '-D', '-I', '-h', '-v'])
		for (const [flag, commands] of accepted) {
			const line = optionLine(flag)
			expect(line, `${flag} in the option list`).to.not.equal(undefined)
			if (commands.length === 1) expect(line, flag).to.include(`(${commands[0]}`)
		}
	})

	it('the command line: usage errors, a module without structs, a missing input, a module that throws or a file that is no module, an --out that would overwrite the input, and generate writing dir/<name>.ts and dir/<name>.h (parseArguments, run)', async () => {
		expectThrow(() => parseArguments([]), UsageError, /^no command given \(wasm-heap-manager --help says more\)\nusage:/)
		expectThrow(() => parseArguments(['generate', 'a.ts']), UsageError, /^generate: --out dir is required/)
		expectThrow(() => parseArguments(['import-c', 'a.h', '--abi', 'wasm16']), UsageError, 'import-c: --abi wasm16 is not one of wasm32, wasm64, emscripten')
		expectThrow(() => parseArguments(['import-c', 'a.h', '--out']), UsageError, /^import-c: unexpected argument '--out'/)
		expectThrow(() => parseArguments(['generate', 'a.ts', '--out']), UsageError, /^generate: --out needs a value/)
		expectThrow(() => parseArguments(['generate', 'a.ts', '--out', 'x', '--abi', 'wasm32', '--abi', 'wasm64']), UsageError, /^generate: --abi is given twice \(wasm32 and wasm64\)/)
		expectThrow(() => parseArguments(['generate', 'a.ts', '--out', 'x', '--out', 'y']), UsageError, /^generate: --out is given twice \(x and y\)/)
		expectThrow(() => parseArguments(['import-c', 'a.h', '--clang', '/a', '--clang', '/b']), UsageError, /^import-c: --clang is given twice \(\/a and \/b\)/)
		expect(parseArguments(['generate', 'a.ts', '--out', 'x']).abi).to.equal('wasm32')
		expect(parseArguments(['import-c', 'a.h', '--abi', 'wasm64', '--clang', '/x'])).to.deep.equal({ command: 'import-c', input: 'a.h', abi: 'wasm64', out: undefined, clang: '/x', clangArgs: [], all: false, language: 'c' })
		// --name=value, as most commands take it, for every option with a value
		expect(parseArguments(['import-c', 'a.h', '--abi=wasm64', '--clang=/x=y'])).to.deep.equal({ command: 'import-c', input: 'a.h', abi: 'wasm64', out: undefined, clang: '/x=y', clangArgs: [], all: false, language: 'c' })
		expect(parseArguments(['generate', 'x.ts', '--out=d', '--abi=emscripten'])).to.include({ input: 'x.ts', out: 'd', abi: 'emscripten' })
		expectThrow(() => parseArguments(['generate', 'x.ts', '--out=d', '--out', 'e']), UsageError, /^generate: --out is given twice \(d and e\)/)
		expectThrow(() => parseArguments(['generate', 'x.ts', '--out', 'd', '--abi=wasm32', '--abi=wasm64']), UsageError, /^generate: --abi is given twice \(wasm32 and wasm64\)/)
		expectThrow(() => parseArguments(['generate', 'x.ts', '--out=']), UsageError, /^generate: --out needs a value\n/)
		expectThrow(() => parseArguments(['import-c', 'a.h', '--abi=wasm16']), UsageError, 'import-c: --abi wasm16 is not one of wasm32, wasm64, emscripten')
		expectThrow(() => parseArguments(['import-c', 'a.h', '--all=yes']), UsageError, /^import-c: --all takes no value \(given --all=yes\)\n/)
		expectThrow(() => parseArguments(['import-c', 'a.h', '--bogus=1']), UsageError, /^import-c: unexpected argument '--bogus=1'\n/)
		expectThrow(() => parseArguments(['generate', 'x.ts', '--out=d', '--clang=/x']), UsageError, /^generate: unexpected argument '--clang=\/x'\n/)
		expect(await run(['--help'])).to.include("\nAn option's value may also follow it after = (--abi=wasm64, --out=dir, --clang=path).\n")
		const scratch = mkdtempSync(join(import.meta.dirname, '.scratch-'))
		try {
			writeFileSync(join(scratch, 'empty.ts'), 'export const nothing = 1\n')
			let error: unknown
			await run(['generate', join(scratch, 'empty.ts'), '--out', join(scratch, 'out')]).catch((caught: unknown) => (error = caught))
			expect(error).to.be.instanceOf(GenerateError)
			expect((error as Error).message).to.equal('generate: empty.ts exports no struct or union declared with defineStruct or defineUnion')
			writeFileSync(join(scratch, 'shapes.ts'), `import { defineStruct } from '../../src/index.js'\nexport const Point = defineStruct('Point', { x: 'Int32', y: 'Int32' })\n`)
			const printed = await run(['generate', join(scratch, 'shapes.ts'), '--out', join(scratch, 'out'), '--abi', 'wasm64'])
			expect(printed).to.match(/^wrote .*out\/shapes\.ts and .*out\/shapes\.h\n$/)
			const ts = readFileSync(join(scratch, 'out/shapes.ts'), 'utf8')
			// the first line's command, run beside shapes.ts, writes the same files: it said --out <dir>, which a shell reads as a redirection
			const command = '// Generated by wasm-heap-manager generate from shapes.ts (--abi wasm64) — do not edit; run npx wasm-heap-manager generate shapes.ts --out out --abi wasm64'
			expect(ts.split('\n')[0]).to.equal(command)
			expect(readFileSync(join(scratch, 'out/shapes.h'), 'utf8')).to.include('run npx wasm-heap-manager generate shapes.ts --out out --abi wasm64')
			await run(['generate', join(scratch, 'shapes.ts'), '--out', join(scratch, 'gen dir', 'o\'k'), '--abi', 'wasm64'])
			const quoted = readFileSync(join(scratch, 'gen dir', "o'k", 'shapes.ts'), 'utf8').split('\n')[0]!
			expect(quoted).to.match(/ generate shapes\.ts --out 'gen dir\/o'\\''k' --abi wasm64$/)
			const words = spawnSync('sh', ['-c', `printf '%s\\n' ${quoted.slice(quoted.indexOf('npx '))}`], { encoding: 'utf8' }).stdout
			expect(words).to.equal(['npx', 'wasm-heap-manager', 'generate', 'shapes.ts', '--out', "gen dir/o'k", '--abi', 'wasm64', ''].join('\n'))
			await run(['generate', join(scratch, 'shapes.ts'), '--out', join(scratch, '..', `${basename(scratch)}-sibling`)])
			const sibling = join(scratch, '..', `${basename(scratch)}-sibling`)
			try {
				expect(readFileSync(join(sibling, 'shapes.ts'), 'utf8').split('\n')[0]).to.match(new RegExp(` generate shapes\\.ts --out \\.\\./${basename(scratch)}-sibling --abi wasm32$`))
			} finally {
				rmSync(sibling, { recursive: true, force: true })
			}
			expect(ts).to.include(`import * as declarations from '../shapes.js'`)
			expect(ts).to.include(`import { StructArrayRef, StructRef, type FieldRefValue } from 'wasm-heap-manager'`)
			expect(ts).to.include(`static get abi(): 'wasm64' {\n\t\treturn 'wasm64'\n\t}`)
			expect(readFileSync(join(scratch, 'out/shapes.h'), 'utf8')).to.include('static_assert(sizeof(struct Point) == 8, "sizeof(struct Point) on wasm64");')
			expect(existsSync(join(scratch, 'out/shapes.h'))).to.equal(true)
			// each header's include guard is its own, so that a C file can include the headers of two modules
			writeFileSync(join(scratch, 'bodies.ts'), `import { defineStruct } from '../../src/index.js'\nexport const Body = defineStruct('Body', { mass: 'Float64' })\n`)
			await run(['generate', join(scratch, 'bodies.ts'), '--out', join(scratch, 'out'), '--abi', 'wasm64'])
			const guards = ['shapes', 'bodies'].map((name) => /^#ifndef (\w+)$/m.exec(readFileSync(join(scratch, `out/${name}.h`), 'utf8'))?.[1])
			expect(guards).to.deep.equal(['WASM_HEAP_MANAGER_SHAPES_H', 'WASM_HEAP_MANAGER_BODIES_H'])
			// an output that would replace the input is refused before anything is written
			const declarations = readFileSync(join(scratch, 'shapes.ts'), 'utf8')
			for (const out of [scratch, `${scratch}/.`]) {
				error = undefined
				await run(['generate', join(scratch, 'shapes.ts'), '--out', out]).catch((caught: unknown) => (error = caught))
				expect(error).to.be.instanceOf(GenerateError)
				expect((error as Error).message).to.equal(`generate: --out ${out} would write the generated module over its input shapes.ts; choose another directory`)
			}
			expect(readFileSync(join(scratch, 'shapes.ts'), 'utf8')).to.equal(declarations)
			// an --out that is a file, or under one, is the command's error, not mkdir's stack trace
			writeFileSync(join(scratch, 'a file'), 'kept\n')
			for (const [out, message] of [
				[join(scratch, 'a file'), `generate: --out ${join(scratch, 'a file')} is a file, not a directory (a directory that does not exist is made)`],
				[join(scratch, 'a file', 'under'), `generate: cannot write to --out ${join(scratch, 'a file', 'under')}: ENOTDIR: not a directory, mkdir '${join(scratch, 'a file', 'under')}'`],
			]) {
				error = undefined
				await run(['generate', join(scratch, 'shapes.ts'), '--out', out!]).catch((caught: unknown) => (error = caught))
				expect(error, out).to.be.instanceOf(GenerateError)
				expect((error as Error).message).to.equal(message)
			}
			expect(readFileSync(join(scratch, 'a file'), 'utf8')).to.equal('kept\n')
			// so is one over the .ts beside a .js input: its source, and what the import of the .js resolves to
			writeFileSync(join(scratch, 'shapes.js'), declarations)
			error = undefined
			await run(['generate', join(scratch, 'shapes.js'), '--out', scratch]).catch((caught: unknown) => (error = caught))
			expect(error).to.be.instanceOf(GenerateError)
			expect((error as Error).message).to.equal(
				`generate: --out ${scratch} would write the generated module over shapes.ts, which TypeScript takes its import of shapes.js for (the module would import itself); choose another directory`,
			)
			expect(readFileSync(join(scratch, 'shapes.ts'), 'utf8')).to.equal(declarations)
			expect(existsSync(join(scratch, 'shapes.h'))).to.equal(false)
			// a module that throws as it loads, or a file that is no module, is a GenerateError saying so
			writeFileSync(join(scratch, 'throws.ts'), `import { defineStruct } from '../../src/index.js'\nexport const Bad = defineStruct('Bad', { x: 'Int33' as never })\n`)
			writeFileSync(join(scratch, 'data.json'), '{}\n')
			for (const [file, message] of [
				['throws.ts', /^generate: cannot load throws\.ts: defineStruct\('Bad'\): field 'x' /],
				['data.json', 'generate: data.json is not a declarations module; give a .ts, .mts, .cts, .js, .mjs or .cjs file'],
			] as const) {
				error = undefined
				await run(['generate', join(scratch, file), '--out', join(scratch, 'out')]).catch((caught: unknown) => (error = caught))
				expect(error).to.be.instanceOf(GenerateError)
				if (typeof message === 'string') expect((error as Error).message).to.equal(message)
				else expect((error as Error).message).to.match(message)
			}
			error = undefined
			await run(['generate', join(scratch, 'missing.ts'), '--out', join(scratch, 'out')]).catch((caught: unknown) => (error = caught))
			expect(error).to.be.instanceOf(GenerateError)
			expect((error as Error).message).to.equal(`generate: ${join(scratch, 'missing.ts')} does not exist`)
		} finally {
			rmSync(scratch, { recursive: true, force: true })
		}
	})
})
