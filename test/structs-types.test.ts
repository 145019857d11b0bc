/**
 * Struct types for a strict TypeScript consumer: the value types `readStruct` gives and
 * the ref types `allocStruct` returns are inferred from one `defineStruct` declaration
 * (field types, nested values, `null` for pointers), and a wrong field type is an error.
 * The consumer is compiled with test/support/typescript.ts's strict options against this
 * checkout's source; each `@ts-expect-error` line must fail with the error it names once
 * its directive is removed, and no other line may fail.
 */
import { expect } from 'chai'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { strictCompilerOptions } from './support/typescript.js'
import { createWasmHeapManager, defineEnum, defineStruct, type AbiName } from '../src/index.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const folder = join(root, '.tmp', 'structs-types')
const source = join(root, 'src/index.js')

/** Type equality, as assignability both ways of the two function types (exact for unions and `any`). */
const prelude = `
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
function assertType<T extends true>(): T | undefined { return undefined }
void assertType
`

const consumer = `
import {
	createWasmHeapManager,
	defineEnum,
	defineStruct,
	defineUnion,
	type FieldArrayRef,
	type FieldPath,
	type BigInt64Ref,
	type Float32ArrayRef,
	type Float32Ref,
	type HeapRef,
	type Int16ArrayRef,
	type Int16Ref,
	type Int32Ref,
	type Pointer32ArrayRef,
	type Pointer32Ref,
	type Pointer53ArrayRef,
	type Pointer53Ref,
	type Uint32Ref,
	type Uint8ArrayRef,
	type Uint8Ref,
	type LooseStructRef,
	StructArrayRef as StructArrayRefClass,
	StructRef as StructRefClass,
	type StructArrayRef,
	type StructInit,
	type StructRef,
	type StructRefOf,
	type StructType,
	type StructValue,
	type Utf8StringRef,
} from '${source}'
${prelude}
const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })
const Color = defineEnum('Color', 'Uint8', { Red: 1, Green: 2 })
const Particle = defineStruct('Particle', {
	position: Vec2,
	mass: 'Float64',
	id: 'BigInt64',
	alive: 'Bool',
	size: 'Size',
	color: Color,
	name: { string: 'Utf8', capacity: 12 },
	history: { array: 'Uint16', length: 4 },
	path: { array: Vec2, length: 2 },
	flags: { bits: 3, type: 'Uint32' },
	wide: { bits: 40, type: 'BigUint64' },
	gap: { bits: 0, type: 'Uint32' },
	aligned: { type: 'Int32', align: 16 },
	label: { pointer: 'Utf8' },
	target: { pointer: Vec2 },
	weight: { pointer: 'Float32' },
	next: { pointer: (): StructType => Particle },
})
const Either = defineUnion('Either', { i: 'Int32', f: 'Float32' })

type Plain = StructValue<typeof Particle>
assertType<Equal<Plain['mass'], number>>()
assertType<Equal<Plain['id'], bigint>>()
assertType<Equal<Plain['alive'], boolean>>()
assertType<Equal<Plain['size'], number>>()
assertType<Equal<Plain['color'], number>>()
assertType<Equal<Plain['name'], string>>()
assertType<Equal<Plain['history'], number[]>>()
assertType<Equal<Plain['position'], { x: number; y: number }>>()
assertType<Equal<Plain['path'], { x: number; y: number }[]>>()
assertType<Equal<Plain['flags'], number>>()
assertType<Equal<Plain['wide'], bigint>>()
assertType<Equal<Plain['aligned'], number>>()
assertType<Equal<Plain['next'], number>>()
assertType<Equal<'gap' extends keyof Plain ? true : false, false>>()
assertType<Equal<StructValue<typeof Either>, { i: number; f: number }>>()

const memory = new WebAssembly.Memory({ initial: 1 })
const heap = createWasmHeapManager(memory)
const particle = heap.allocStruct(Particle, { mass: 1, position: { x: 2 }, next: null })
assertType<Equal<typeof particle, StructRefOf<typeof Particle>>>()
assertType<Equal<typeof particle.mass, number>>()
assertType<Equal<typeof particle.id, bigint>>()
assertType<Equal<typeof particle.name, string>>()
assertType<Equal<typeof particle.position, StructRefOf<typeof Vec2>>>()
assertType<Equal<typeof particle.position.x, number>>()
assertType<Equal<typeof particle.history, FieldArrayRef<number, number>>>()
assertType<Equal<typeof particle.path, StructArrayRef<typeof Vec2>>>()
assertType<Equal<typeof particle.label, Utf8StringRef | null>>()
assertType<Equal<typeof particle.target, StructRefOf<typeof Vec2> | null>>()
assertType<Equal<typeof particle.weight, Float32Ref | null>>()
assertType<Equal<typeof particle.next, LooseStructRef | null>>()
assertType<Equal<ReturnType<typeof particle.read>, Plain>>()
assertType<Equal<ReturnType<typeof heap.readStruct<typeof Particle>>, Plain>>()
const element = heap.allocStructArray(Particle, 2).at(1)
assertType<Equal<typeof element, StructRefOf<typeof Particle>>>()
const base: StructRef = particle
void base
particle.mass = 2
particle.position.y = 3
particle.write({ position: { y: 1 }, next: particle, label: 0 })
particle.write({ target: particle.position, label: heap.allocUint8Array(2), weight: heap.allocFloat32Array(2) })
particle.write({ target: heap.allocStructArray(Vec2, 2), next: heap.allocStructArray(Particle, 2) })

// A pointer's target ref, as the manager makes it: for 'Pointer', 'Size', 'Long' and pointers, wasm32's row's or wasm64's
const Small = defineEnum('Small', 'Int16', { One: 1 })
const Targets = defineStruct('Targets', {
	pointer: { pointer: 'Pointer' },
	size: { pointer: 'Size' },
	difference: { pointer: 'Long' },
	pointerToPointer: { pointer: { pointer: 'Int32' } },
	flag: { pointer: 'Bool' },
	small: { pointer: Small },
	floats: { pointer: { array: 'Float32', length: 3 } },
	smalls: { pointer: { array: Small, length: 3 } },
	flags: { pointer: { array: 'Bool', length: 3 } },
	pointers: { pointer: { array: 'Pointer', length: 3 } },
	argv: { pointer: { array: { pointer: 'Utf8' }, length: 3 } },
	grid: { pointer: { array: { array: 'Int8', length: 2 }, length: 2 } },
})
const targets = heap.allocStruct(Targets)
assertType<Equal<typeof targets.pointer, Pointer32Ref | Pointer53Ref | null>>()
assertType<Equal<typeof targets.size, Uint32Ref | Pointer53Ref | null>>()
assertType<Equal<typeof targets.difference, Int32Ref | BigInt64Ref | null>>()
assertType<Equal<typeof targets.pointerToPointer, Pointer32Ref | Pointer53Ref | null>>()
assertType<Equal<typeof targets.flag, Uint8Ref | null>>()
assertType<Equal<typeof targets.small, Int16Ref | null>>()
assertType<Equal<typeof targets.floats, Float32ArrayRef | null>>()
assertType<Equal<typeof targets.smalls, Int16ArrayRef | null>>()
assertType<Equal<typeof targets.flags, Uint8ArrayRef | null>>()
assertType<Equal<typeof targets.pointers, Pointer32ArrayRef | Pointer53ArrayRef | null>>()
assertType<Equal<typeof targets.argv, Pointer32ArrayRef | Pointer53ArrayRef | null>>()
assertType<Equal<typeof targets.grid, HeapRef | null>>()
const pointed: number | undefined = targets.pointer?.value
void pointed

// C's multi-dimensional arrays: at(i) gives a row in place (a row of structs as a StructArrayRef), down to the values
const Grid = defineStruct('Grid', {
	m: { array: { array: 'Float32', length: 3 }, length: 3 },
	cube: { array: { array: { array: 'Int8', length: 2 }, length: 2 }, length: 2 },
	cells: { array: { array: Vec2, length: 2 }, length: 2 },
	words: { array: { string: 'Utf8', capacity: 4 }, length: 2 },
})
const grid = heap.allocStruct(Grid)
assertType<Equal<ReturnType<typeof grid.m.at>, FieldArrayRef<number, number>>>()
assertType<Equal<ReturnType<typeof grid.m.readAt>, number[]>>()
assertType<Equal<ReturnType<typeof grid.m.read>, number[][]>>()
assertType<Equal<ReturnType<ReturnType<typeof grid.m.at>['at']>, number>>()
assertType<Equal<ReturnType<ReturnType<typeof grid.cube.at>['at']>, FieldArrayRef<number, number>>>()
assertType<Equal<ReturnType<typeof grid.cells.at>, StructArrayRef<typeof Vec2>>>()
assertType<Equal<ReturnType<ReturnType<typeof grid.cells.at>['at']>, StructRefOf<typeof Vec2>>>()
assertType<Equal<ReturnType<ReturnType<typeof grid.cells.at>['read']>, { x: number; y: number }[]>>()
assertType<Equal<ReturnType<typeof grid.words.at>, string>>()
for (const row of grid.m) assertType<Equal<typeof row, FieldArrayRef<number, number>>>()
for (const word of grid.words) assertType<Equal<typeof word, string>>()
grid.m.at(1).writeAt(2, 0.5)
grid.cube.at(1).writeAt(0, [1, 2])
assertType<Equal<ReturnType<ReturnType<typeof heap.allocStructArray<typeof Particle>>['read']>, Plain[]>>()
// @ts-expect-error a row's element is a number, which has no elements
grid.m.at(1).at(2).at(0)

// @ts-expect-error a Float64 field takes a number
particle.mass = 1n
// @ts-expect-error a BigInt64 field takes a bigint
particle.id = 1
// @ts-expect-error an inline string takes a string
particle.name = 5
// @ts-expect-error a nested struct's field keeps its type
particle.write({ position: { x: 'left' } })
// @ts-expect-error there is no such field
particle.write({ velocity: 1 })
// @ts-expect-error a nested struct is a sub-ref, not assigned as a value
particle.position = { x: 1, y: 2 }
// @ts-expect-error a pointer to a struct takes a ref of that struct
particle.write({ target: particle })
// @ts-expect-error the ABI is one of three
createWasmHeapManager(memory, { abi: 'wasm16' })

// A class as \`wasm-heap-manager generate\` writes it: the value, partial and path types take it as its declaration.
class Vec2ArrayRef extends StructArrayRefClass<typeof Vec2> {}
class Vec2Ref extends StructRefClass<typeof Vec2> {
	static get structType(): typeof Vec2 { return Vec2 }
	static get abi(): 'wasm32' { return 'wasm32' }
	static get arrayClass(): typeof Vec2ArrayRef { return Vec2ArrayRef }
	static get libraryFieldsVersion(): 1 { return 1 }
}
assertType<Equal<StructValue<typeof Vec2Ref>, { x: number; y: number }>>()
assertType<Equal<StructValue<typeof Vec2Ref>, ReturnType<typeof heap.readStruct<typeof Vec2Ref>>>>()
assertType<Equal<StructInit<typeof Vec2Ref>, StructInit<typeof Vec2>>>()
assertType<Equal<FieldPath<typeof Vec2Ref>, 'x' | 'y'>>()
assertType<Equal<StructValue<typeof Vec2 | typeof Either>, { x: number; y: number } | { i: number; f: number }>>()
// @ts-expect-error a generated class's value type keeps its fields
const wrongValue: StructValue<typeof Vec2Ref> = { x: 1, z: 2 }
void wrongValue

// offsetOf's path: field names, nested fields and array indices, checked against the declaration
heap.offsetOf(Particle, 'mass') + heap.offsetOf(Particle, 'position.y') + heap.offsetOf(Particle, 'path.1.x')
heap.offsetOf(Particle, 'history.3') + heap.offsetOf(Particle, 'aligned') + heap.offsetOf(Particle, 'flags') + heap.offsetOf(Either, 'f')
const dynamicPath: string = 'mass'
heap.offsetOf(Particle, dynamicPath)
heap.offsetOf(Particle as StructType, 'anything')
assertType<Equal<FieldPath<typeof Vec2>, 'x' | 'y'>>()
assertType<Equal<FieldPath<StructType>, string>>()
// @ts-expect-error there is no such field
heap.offsetOf(Particle, 'velocity')
// @ts-expect-error a nested struct's fields are checked too
heap.offsetOf(Particle, 'position.z')
// @ts-expect-error a scalar has no fields
heap.offsetOf(Particle, 'mass.x')
// @ts-expect-error an array's elements are named by index
heap.offsetOf(Particle, 'path.first')
// @ts-expect-error a :0 bitfield has no offset of its own
heap.offsetOf(Particle, 'gap')
`

const expectedErrors: readonly (readonly [RegExp, RegExp])[] = [
	[/particle\.mass = 1n/, /Type 'bigint' is not assignable to type 'number'/],
	[/particle\.id = 1/, /Type 'number' is not assignable to type 'bigint'/],
	[/particle\.name = 5/, /Type 'number' is not assignable to type 'string'/],
	[/x: 'left'/, /Type 'string' is not assignable to type 'number'/],
	[/velocity: 1/, /'velocity' does not exist in type/],
	[/particle\.position = /, /Cannot assign to 'position' because it is a read-only property/],
	[/target: particle \}/, /is not assignable to type 'number \| StructRef<StructType<\{ readonly x: "Float32"; readonly y: "Float32"; \}>> \| StructArrayRef<StructType<\{ readonly x: "Float32"; readonly y: "Float32"; \}>> \| null/],
	[/at\(2\)\.at\(0\)/, /Property 'at' does not exist on type 'number'/],
	[/abi: 'wasm16'/, /Type '"wasm16"' is not assignable to type 'AbiName \| undefined'/],
	[/wrongValue: StructValue/, /'z' does not exist in type 'FieldsValue</],
	[/'velocity'\)/, /Argument of type '"velocity"' is not assignable to parameter of type 'FieldsPath</],
	[/'position\.z'/, /Argument of type '"position\.z"' is not assignable/],
	[/'mass\.x'/, /Argument of type '"mass\.x"' is not assignable/],
	[/'path\.first'/, /Argument of type '"path\.first"' is not assignable/],
	[/'gap'/, /Argument of type '"gap"' is not assignable/],
]

function diagnosticsOf(file: string): { line: number; message: string }[] {
	const program = ts.createProgram([file], { ...strictCompilerOptions, skipLibCheck: true })
	return ts
		.getPreEmitDiagnostics(program)
		.filter((diagnostic) => diagnostic.file?.fileName === file)
		.map((diagnostic) => ({
			line: diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1,
			message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
		}))
}

describe('struct types for a strict TypeScript consumer', function () {
	this.timeout(120_000)
	before(() => mkdirSync(folder, { recursive: true }))
	after(() => rmSync(folder, { recursive: true, force: true }))

	it('infers field types, nested values and null for pointers from one declaration', () => {
		const file = join(folder, 'consumer.ts')
		writeFileSync(file, consumer)
		expect(diagnosticsOf(file).map(({ line, message }) => `${line}: ${message}`)).to.deep.equal([])
	})

	it('rejects every wrong field type a @ts-expect-error line marks, with the error that line claims', () => {
		const lines = consumer.split('\n')
		const marked: { line: number; code: string }[] = []
		lines.forEach((line, index) => {
			if (!line.trim().startsWith('// @ts-expect-error')) return
			marked.push({ line: index + 2, code: lines[index + 1]!.trim() })
			lines[index] = ''
		})
		expect(marked).to.have.length(expectedErrors.length)
		const file = join(folder, 'mutant.ts')
		writeFileSync(file, lines.join('\n'))
		const found = diagnosticsOf(file)
		const unexpected = found.filter(({ line }) => !marked.some((mark) => mark.line === line))
		expect(unexpected, 'errors on lines without a directive').to.deep.equal([])
		for (const mark of marked) {
			const expectation = expectedErrors.find(([code]) => code.test(mark.code))!
			expect(expectation, mark.code).to.not.equal(undefined)
			const messages = found.filter(({ line }) => line === mark.line).map(({ message }) => message)
			expect(messages.some((message) => expectation[1].test(message)), `${mark.code}: TypeScript said ${messages.join(' | ') || 'nothing'}`).to.equal(true)
		}
	})

	it("a pointer's target ref is, on each ABI, the class its type names: for 'Pointer', 'Size', 'Long' and pointers, wasm32's row's or wasm64's", () => {
		const Small = defineEnum('Small', 'Int16', { One: 1 })
		const Targets = defineStruct('Targets', {
			pointer: { pointer: 'Pointer' },
			size: { pointer: 'Size' },
			difference: { pointer: 'Long' },
			pointerToPointer: { pointer: { pointer: 'Int32' } },
			flag: { pointer: 'Bool' },
			small: { pointer: Small },
			floats: { pointer: { array: 'Float32', length: 3 } },
			smalls: { pointer: { array: Small, length: 3 } },
			flags: { pointer: { array: 'Bool', length: 3 } },
			pointers: { pointer: { array: 'Pointer', length: 3 } },
			argv: { pointer: { array: { pointer: 'Utf8' }, length: 3 } },
		})
		const expected: Record<AbiName, Record<string, string>> = {
			wasm32: { pointer: 'Pointer32Ref', size: 'Uint32Ref', difference: 'Int32Ref', pointerToPointer: 'Pointer32Ref', pointers: 'Pointer32ArrayRef', argv: 'Pointer32ArrayRef' },
			emscripten: { pointer: 'Pointer32Ref', size: 'Uint32Ref', difference: 'Int32Ref', pointerToPointer: 'Pointer32Ref', pointers: 'Pointer32ArrayRef', argv: 'Pointer32ArrayRef' },
			wasm64: { pointer: 'Pointer53Ref', size: 'Pointer53Ref', difference: 'BigInt64Ref', pointerToPointer: 'Pointer53Ref', pointers: 'Pointer53ArrayRef', argv: 'Pointer53ArrayRef' },
		}
		const sameOnEvery = { flag: 'Uint8Ref', small: 'Int16Ref', floats: 'Float32ArrayRef', smalls: 'Int16ArrayRef', flags: 'Uint8ArrayRef' }
		for (const abi of ['wasm32', 'wasm64', 'emscripten'] as const) {
			const heap = createWasmHeapManager(new ArrayBuffer(65536), { abi })
			const target = heap.allocUint8Array(64).address
			const targets = heap.allocStruct(Targets, Object.fromEntries(Targets.fields.map((field) => [field.name, target])))
			const classes = Object.fromEntries(Targets.fields.map((field) => [field.name, (targets as unknown as Record<string, object>)[field.name]!.constructor.name]))
			expect(classes, abi).to.deep.equal({ ...expected[abi], ...sameOnEvery })
		}
	})
})
