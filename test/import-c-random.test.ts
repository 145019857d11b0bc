/**
 * import-c and generate against clang-14 on random headers (test/support/randomCHeader.ts:
 * every scalar C type, bitfields of every base type, nested anonymous records, packed and
 * aligned written before and after the braces, aligned members, `#pragma pack`), many
 * seeds. For each header, import-c (for wasm32 or wasm64) must accept it with no note, and
 * clang itself must agree, for wasm32 and for wasm64, with the sizeof, _Alignof and every
 * member offset the imported declarations give (`_Static_assert`s compiled after the
 * header: an oracle independent of the layout dump import-c reads); generate's structs.h
 * must compile for both with its own asserts holding; the generated classes (type-checked
 * under --strict) and the library's defineStruct refs must read the same values from random
 * bytes and write the same bytes. `IMPORT_C_SEEDS=n` runs more seeds. Skipped, saying why,
 * without clang.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createWasmHeapManager, HeapRef, StructRef, type AbiName, type StructType } from '../src/index.js'
import { generateFiles } from '../src/generator/generate.js'
import { importC } from '../src/generator/importC.js'
import { clangOrSkip } from './support/clang.js'
import { SeededRandom } from './support/heaps.js'
import { randomCHeader } from './support/randomCHeader.js'

const library = resolve(import.meta.dirname, '../src/index.ts')
const seeds = Number(process.env.IMPORT_C_SEEDS ?? 16)

/** `_Static_assert`s of sizeof, _Alignof and every member offset C can name (through anonymous members, not bitfields) of `type` under `abi`. */
function assertions(type: StructType, spelling: string, abi: AbiName): string[] {
	const layout = type.layout(abi)
	const lines = [`_Static_assert(sizeof(${spelling}) == ${layout.size}, "sizeof ${spelling}");`, `_Static_assert(_Alignof(${spelling}) == ${layout.align}, "_Alignof ${spelling}");`]
	const members = (record: StructType, base: number): void => {
		for (const field of record.layout(abi).fields) {
			if (field.bitWidth !== undefined) continue
			const kind = record.field(field.name)!.type
			if (/^anon\d+$/.test(field.name) && kind.kind === 'record') members(kind.type, base + field.offset)
			else {
				lines.push(`_Static_assert(__builtin_offsetof(${spelling}, ${field.name}) == ${base + field.offset}, "offsetof(${spelling}, ${field.name})");`)
				// the shape, which the offsets do not show: each dimension's element size, a string's capacity
				let member = `((${spelling} *)0)->${field.name}`
				for (let inner = kind; inner.kind === 'array' || inner.kind === 'string'; inner = inner.kind === 'array' ? inner.element : ({ kind: 'bool' } as const)) {
					const size = inner.kind === 'string' ? inner.capacity : inner.length
					lines.push(`_Static_assert(sizeof(${member}) / sizeof(${member}[0]) == ${size}, "dimension of ${member}");`)
					member += '[0]'
				}
			}
		}
	}
	members(type, 0)
	return lines
}

function outcome(read: () => unknown): unknown {
	try {
		const value = read()
		return value instanceof HeapRef ? { ref: value.toJSON() } : { value }
	} catch (error) {
		return { error: (error as Error).constructor.name, message: (error as Error).message }
	}
}

describe('import-c and generate on random C headers, checked by clang-14 for wasm32 and wasm64', () => {
	let clang: string
	let scratch: string
	before(function () {
		clang = clangOrSkip(this)
		scratch = mkdtempSync(join(tmpdir(), 'import-c-random-'))
	})
	after(() => {
		if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
	})

	it(`${seeds} seeds: the declarations lay out as clang does on both ABIs, structs.h holds, the generated classes agree with the library's refs`, async function () {
		this.timeout(600_000)
		const typeChecked: string[] = []
		let compared = 0
		for (let seed = 1; seed <= seeds; seed++) {
			const abi: AbiName = seed % 2 === 0 ? 'wasm64' : 'wasm32'
			const { text, records } = randomCHeader(seed)
			const header = join(scratch, `random${seed}.h`)
			writeFileSync(header, text)
			const context = `seed ${seed} (${abi}):\n${text}`
			let module: Record<string, unknown>
			try {
				const imported = importC(header, { abi, clang, moduleSpecifier: library })
				expect(imported, context).to.not.include('// Note:')
				writeFileSync(join(scratch, `random${seed}.ts`), imported)
				module = (await import(pathToFileURL(join(scratch, `random${seed}.ts`)).href)) as Record<string, unknown>
			} catch (error) {
				throw new Error(`${context}\n${(error as Error).message}`)
			}
			// clang, on what the declarations say
			for (const target of ['wasm32', 'wasm64'] as const) {
				const lines = [`#include "${header}"`]
				for (const name of records) {
					const type = module[name] as StructType
					expect(type, `${context} ${name}`).to.not.equal(undefined)
					lines.push(...assertions(type, `${type.kind} ${name}`, target))
				}
				const check = join(scratch, `check${seed}.c`)
				writeFileSync(check, lines.join('\n') + '\n')
				const result = spawnSync(clang, [`--target=${target}`, '-std=c11', '-fsyntax-only', check], { encoding: 'utf8' })
				expect(result.status, `${context}\n${target}: ${result.stderr}`).to.equal(0)
			}
			// generate: structs.h for both targets, the classes against the library's refs
			const files = await generateFiles(module, { abi, declarationsSpecifier: `./random${seed}.js`, inputName: `random${seed}.ts`, moduleSpecifier: library })
			writeFileSync(join(scratch, `random${seed}.h.generated.h`), files['structs.h'])
			for (const target of ['wasm32', 'wasm64']) {
				const result = spawnSync(clang, [`--target=${target}`, '-ffreestanding', '-std=c11', '-fsyntax-only', '-xc', join(scratch, `random${seed}.h.generated.h`)], { encoding: 'utf8' })
				expect(result.status, `${context}\nstructs.h, ${target}: ${result.stderr}`).to.equal(0)
			}
			const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 4 }), { abi })
			// the library's refs, made before the generated classes are loaded (a used class takes over its declaration's refs)
			const plain = records.map((name) => heap.allocStruct(module[name] as StructType) as StructRef)
			const scratchRefs = records.map((name) => heap.allocStruct(module[name] as StructType) as StructRef)
			const generatedFile = join(scratch, `random${seed}.generated.ts`)
			writeFileSync(generatedFile, files['structs.ts'])
			if (seed <= 4) typeChecked.push(generatedFile)
			const generated = (await import(pathToFileURL(generatedFile).href)) as Record<string, new () => StructRef>
			const random = new SeededRandom(seed)
			for (const [index, name] of records.entries()) {
				const Class = generated[`${name}Ref`]!
				const ref = plain[index]!
				expect(ref, name).to.not.be.instanceOf(Class)
				for (let round = 0; round < 4; round++) {
					const bytes = ref.allocatedBytesView
					for (let at = 0; at < bytes.length; at++) bytes[at] = random.int(0, 256)
					const mine = heap.wrapStruct(Class as never, ref.address) as unknown as Record<string, unknown> & StructRef
					expect(mine, name).to.be.instanceOf(Class)
					expect(outcome(() => mine.read()), `${context} ${name}.read()`).to.deep.equal(outcome(() => ref.read()))
					for (const field of (module[name] as StructType).layout(abi).fields) {
						if (Object.getOwnPropertyDescriptor(Class.prototype, field.name)?.get === undefined) continue
						const kind = (module[name] as StructType).field(field.name)!.type.kind
						const read = outcome(() => (ref as unknown as Record<string, unknown>)[field.name])
						if (kind === 'record' || kind === 'array') {
							expect(outcome(() => mine[field.name]), `${context} ${name}.${field.name}`).to.deep.equal(read)
							continue
						}
						expect(outcome(() => mine[field.name]), `${context} ${name}.${field.name}`).to.deep.equal(read)
						if (!(read as { value?: unknown }).hasOwnProperty('value')) continue
						// the value written back into zeroed structs through each: the same bytes or the same error
						const value = (read as { value: unknown }).value
						const a = scratchRefs[index] as unknown as Record<string, unknown> & StructRef
						a.clear()
						const b = heap.allocStruct(Class as never) as unknown as Record<string, unknown> & StructRef
						expect(outcome(() => (b[field.name] = value)), `${context} ${name}.${field.name} = ${String(value)}`).to.deep.equal(outcome(() => (a[field.name] = value)))
						expect([...b.allocatedBytesView], `${context} ${name}.${field.name} bytes`).to.deep.equal([...a.allocatedBytesView])
						b.free()
						compared++
					}
				}
			}
		}
		expect(compared).to.be.greaterThan(seeds * 20)
		// the generated classes type-check under --strict
		const result = spawnSync(
			process.execPath,
			[resolve(import.meta.dirname, '../node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--noImplicitOverride', '--target', 'es2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--allowImportingTsExtensions', '--skipLibCheck', '--types', 'node', ...typeChecked],
			{ encoding: 'utf8' },
		)
		expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0)
	})
})
