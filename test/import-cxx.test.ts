/**
 * `import-c` on C++ headers (`--lang c++`, inferred from `.hpp`): test/fixtures/cxx/shapes.hpp
 * holds what Emscripten users share with JavaScript (extern "C", namespaces, enum class,
 * bool, alignas, static members, member functions, base classes, template aliases,
 * std::uint32_t, anonymous unions, private members). Every record import-c prints must lay
 * out as clang++ lays out the header itself, for wasm32 and wasm64: sizeof, alignof and each
 * member's offsetof, compiled as static_asserts after the header. What has no C layout
 * (virtual functions, virtual bases, references, an empty class, a POD base with tail
 * padding) is left out, saying why. Skips, saying why, when there is no clang.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { StructType } from '../src/index.js'
import { parseArguments, run, UsageError } from '../src/generator/cli.js'
import { generateFiles } from '../src/generator/generate.js'
import { clangDumps, importC, importFromDumps, languageOf } from '../src/generator/importC.js'
import { clangOrSkip } from './support/clang.js'
import { expectThrow } from './support/dynamic.js'

const fixture = join(import.meta.dirname, 'fixtures/cxx/shapes.hpp')
const library = resolve(import.meta.dirname, '../src/index.ts')

/** Each record import-c prints, by its name in the module, as C++ names it. */
const spellings: Readonly<Record<string, string>> = {
	CPoint: 'CPoint',
	Vec4: 'geo::Vec4',
	Base: 'geo::Base',
	Derived: 'geo::Derived',
	Stats: 'geo::Stats',
	Vec3f: 'geo::Vec3f',
	Vec3d: 'geo::Vec3d',
	Body: 'geo::Body',
	Tagged_anon0: 'decltype(geo::Tagged::i)', // (not a type: only its fields' offsets are asserted, through Tagged)
	Tagged: 'geo::Tagged',
	Access: 'geo::Access',
	FromEmpty: 'geo::FromEmpty',
	PodPadded: 'geo::PodPadded',
	Inner: 'geo::Outer::Inner',
	Outer: 'geo::Outer',
	Plain: 'Plain',
	Hidden: 'Hidden',
	Buf_8: 'Buf<8>',
	a_Same: 'a::Same',
	b_Same: 'b::Same',
	Mixed: 'Mixed',
}

const leftOut = [
	'// Empty: left out, it uses an empty class: C++ gives it sizeof 1, and a declaration needs a field',
	'// Shape: left out, it uses virtual functions: C++ puts a vtable pointer at offset 0 (and in each polymorphic base), which no field type offers',
	'// Square: left out, it uses virtual functions: C++ puts a vtable pointer at offset 0 (and in each polymorphic base), which no field type offers',
	'// Ref: left out, it uses a reference member (int & target), which C++ stores as an address no field type can follow',
	'// Virtual: left out, it uses a virtual base class (geo::Base), which C++ reaches through a vtable pointer',
	'// HoldsShape: left out, it uses struct Ref, which is left out',
	"// Child: left out, clang lays it out as sizeof 24, align 8, offsets 0, 8, 16, and its declaration as sizeof 16, align 8, offsets 0, 8, 12 (its base class geo::PodPadded's members are declared first; C++ starts the class's own members after the base's sizeof, tail padding included, unless the base is not a POD (a constructor, private members...), which a declaration cannot say)",
]

describe('import-c --lang c++: C++ headers through clang++ into declarations laid out as C++ lays them out', () => {
	let scratch: string
	let counter = 0
	before(() => {
		scratch = mkdtempSync(join(tmpdir(), 'import-cxx-'))
	})
	after(() => rmSync(scratch, { recursive: true, force: true }))
	async function importModule(text: string): Promise<Record<string, unknown>> {
		const file = join(scratch, `declarations${counter++}.ts`)
		writeFileSync(file, text)
		return (await import(pathToFileURL(file).href)) as Record<string, unknown>
	}

	for (const abi of ['wasm32', 'wasm64'] as const) {
		it(`live clang, ${abi}: every record printed lays out as clang++ lays out the header (static_asserts of sizeof, alignof and each offsetof after it); what has no C layout is left out, saying why`, async function () {
			this.timeout(120000)
			const clang = clangOrSkip(this)
			const warned: string[] = []
			const text = importC(fixture, { abi, clang, moduleSpecifier: library, warn: (line) => warned.push(line) })
			for (const line of leftOut) expect(text).to.include(`${line}\n`)
			expect(warned).to.deep.equal(leftOut.map((line) => `import-c: ${line.slice(3)}`))
			expect(text).to.not.include('// Note:')
			const module = await importModule(text)
			const records = Object.entries(module).filter((entry): entry is [string, StructType] => (entry[1] as StructType).kind === 'struct' || (entry[1] as StructType).kind === 'union')
			expect(records.map(([name]) => name).sort()).to.deep.equal(Object.keys(spellings).sort())
			// what C++ users write: members of the base first, static members and methods not members, the template instantiated under its alias
			expect((module.Derived as StructType).fields.map((field) => field.name)).to.deep.equal(['x', 'y', 'z', 'visible', 'color'])
			expect((module.Stats as StructType).fields.map((field) => field.name)).to.deep.equal(['values', 'flags', 'scoped'])
			expect(text).to.include("export const Color = defineEnum('Color', 'Uint8', { Red: 0, Green: 5, Blue: 6 })")
			expect(text).to.include("export const Scoped = defineEnum('Scoped', 'Int32', { A: -1, B: 3 })")
			expect(text).to.include('\t\tnext: { pointer: (): StructType => Body },\n\t\tinitial: \'Uint16\',')
			expect(text).to.include("\t\tbuffer: Buf_8,\n\t\tfirst: a_Same,\n\t\tsecond: b_Same,\n\t\ton: { bits: 1, type: 'Bool' },\n\t\tmode: { bits: 3, type: 'Uint32' },\n")
			const asserts = [`#include "${fixture}"`, '#include <stddef.h>']
			for (const [name, type] of records) {
				const layout = type.layout(abi)
				const spelling = spellings[name]!
				if (!spelling.startsWith('decltype')) {
					asserts.push(`static_assert(sizeof(${spelling}) == ${layout.size}, "sizeof ${name}");`, `static_assert(alignof(${spelling}) == ${layout.align}, "alignof ${name}");`)
				}
				for (const field of layout.fields) {
					// an anonymous member has no name in C++ (its members are asserted through the record), a private one no offsetof outside it
					if (/^anon\d+$/.test(field.name) || spelling.startsWith('decltype') || (name === 'Access' && field.name === 'hidden') || field.bitWidth !== undefined) continue
					asserts.push(`static_assert(offsetof(${spelling}, ${field.name}) == ${field.offset}, "offsetof ${name}.${field.name}");`)
				}
			}
			const tagged = (module.Tagged as StructType).layout(abi).fields.find((field) => field.name === 'anon0')!.offset
			asserts.push(`static_assert(offsetof(geo::Tagged, i) == ${tagged} && offsetof(geo::Tagged, f) == ${tagged}, "Tagged's anonymous union");`)
			const check = join(scratch, `check-${abi}.cpp`)
			writeFileSync(check, `${asserts.join('\n')}\n`)
			expect(asserts.length).to.be.greaterThan(60)
			const result = spawnSync(clang, [`--target=${abi}`, '-std=c++17', '-ffreestanding', '-fsyntax-only', '-Wno-invalid-offsetof', '-xc++', check], { encoding: 'utf8' })
			expect(result.status, result.stderr).to.equal(0)
			// and the asserts can fail: one offset off by 4
			writeFileSync(check, `${asserts.join('\n').replace(/(offsetof\(geo::Derived, z\) == )(\d+)/, (_, head: string, offset: string) => `${head}${Number(offset) + 4}`)}\n`)
			expect(spawnSync(clang, [`--target=${abi}`, '-std=c++17', '-ffreestanding', '-fsyntax-only', '-Wno-invalid-offsetof', '-xc++', check], { encoding: 'utf8' }).status).to.equal(1)

			// generate's structs.h of these declarations compiles as C++ and as C
			const files = await generateFiles(module, { abi, declarationsSpecifier: './shapes.js', inputName: 'shapes.ts' })
			const header = join(scratch, `shapes-${abi}.h`)
			writeFileSync(header, files['structs.h'])
			for (const language of [['-xc++', '-std=c++11', '-pedantic-errors'], ['-xc', '-std=c11']]) {
				const compiled = spawnSync(clang, [`--target=${abi}`, '-ffreestanding', '-fsyntax-only', ...language, header], { encoding: 'utf8' })
				expect(compiled.status, `${language.join(' ')}: ${compiled.stderr}`).to.equal(0)
			}
		})
	}

	it("live clang: a record clang's layout dump does not name as import-c expects is left out, not printed unchecked, with what holds it (importFromDumps)", function () {
		this.timeout(120000)
		const clang = clangOrSkip(this)
		const dumps = clangDumps(fixture, 'wasm32', clang, [], 'c++')
		const blocks = dumps.layouts.split('*** Dumping AST Record Layout')
		const without = blocks.filter((block) => !/\| struct \(anonymous namespace\)::Hidden\n/.test(block)).join('*** Dumping AST Record Layout')
		expect(without.length).to.be.lessThan(dumps.layouts.length)
		const options = { header: 'shapes.hpp', abi: 'wasm32' as const, userFiles: dumps.userFiles, dumpNames: dumps.dumpNames! }
		expect(importFromDumps(dumps.ast, dumps.layouts, options)).to.include('export const Hidden = defineStruct(')
		const text = importFromDumps(dumps.ast, without, options)
		expect(text).to.include("// Hidden: left out, clang's layout dump has no record import-c knows as it, so its layout cannot be checked\n// Mixed: left out, it holds struct Hidden, which is left out\n")
		expect(text).to.not.include('export const Hidden')
	})

	it("live clang: <cstdint> through Emscripten's libc++ (the arguments README gives), its system headers' declarations left out", async function () {
		this.timeout(120000)
		const clang = clangOrSkip(this)
		const sysroot = '/usr/share/emscripten/cache/sysroot/include'
		if (!existsSync(join(sysroot, 'c++/v1/cstdint'))) {
			console.log(`      skipped: no Emscripten libc++ at ${sysroot}/c++/v1 (Debian's emscripten package)`)
			this.skip()
		}
		const header = join(scratch, 'ids.hpp')
		writeFileSync(header, '#include <cstdint>\nnamespace ids { struct Id { std::uint32_t value; std::int8_t kind; std::uint64_t stamp; }; }\n')
		for (const abi of ['wasm32', 'wasm64', 'emscripten'] as const) {
			const text = importC(header, { abi, clang, clangArgs: ['-nostdinc++', '-isystem', `${sysroot}/c++/v1`, '-isystem', sysroot, '-D_LIBCPP_HAS_NO_THREADS'] })
			expect(text.slice(text.indexOf('/**')), abi).to.equal("/** C `struct Id`. */\nexport const Id = defineStruct(\n\t'Id',\n\t{\n\t\tvalue: 'Uint32',\n\t\tkind: 'Int8',\n\t\tstamp: 'BigUint64',\n\t},\n)\n")
		}
	})

	it('the language: C++ for .hpp, .hh, .hxx, .h++, .cpp, .cc, .cxx, C otherwise; --lang c|c++ says it for a .h (parseArguments, languageOf)', () => {
		for (const name of ['a.hpp', 'dir/a.HH', 'a.hxx', 'a.h++', 'a.cpp', 'a.cc', 'a.cxx']) expect(languageOf(name), name).to.equal('c++')
		for (const name of ['a.h', 'a.c', 'hpp', 'a.hpp.h']) expect(languageOf(name), name).to.equal('c')
		expect(parseArguments(['import-c', 'a.hpp']).language).to.equal('c++')
		expect(parseArguments(['import-c', 'a.h']).language).to.equal('c')
		expect(parseArguments(['import-c', 'a.h', '--lang', 'c++']).language).to.equal('c++')
		expect(parseArguments(['import-c', 'a.hpp', '--lang=c']).language).to.equal('c')
		expectThrow(() => parseArguments(['import-c', 'a.h', '--lang', 'objc']), UsageError, 'import-c: --lang objc is not c or c++')
		expectThrow(() => parseArguments(['import-c', 'a.h', '--lang', 'c', '--lang', 'c++']), UsageError, /^import-c: --lang is given twice \(c and c\+\+\)/)
		expectThrow(() => parseArguments(['generate', 'a.ts', '--out', 'o', '--lang', 'c++']), UsageError, /^generate: unexpected argument '--lang'/)
		expectThrow(() => parseArguments(['import-c', 'a.h', '--', '-xc++']), UsageError, /^import-c: '-xc\+\+' after -- is refused: import-c reads the header as C or C\+\+ \(--lang\)/)
	})

	it('live clang: a C++ header named .h is read as C unless --lang c++ says otherwise, which the printed module repeats (run)', async function () {
		this.timeout(120000)
		const clang = clangOrSkip(this)
		const header = join(scratch, 'shapes.h')
		copyFileSync(fixture, header)
		let failure: unknown
		await run(['import-c', header, '--clang', clang], () => {}).catch((error: unknown) => (failure = error))
		expect(String(failure)).to.match(/could not compile the header[\s\S]*error: unknown type name 'namespace'|could not compile the header[\s\S]*error: /)
		const text = await run(['import-c', header, '--clang', clang, '--lang', 'c++'], () => {})
		expect(text.split('\n')[0]).to.equal(`// Generated by wasm-heap-manager import-c from shapes.h (--abi wasm32) — do not edit; run npx wasm-heap-manager import-c shapes.h --abi wasm32 --lang c++`)
		expect(text).to.include("export const Derived = defineStruct(")
		const viaHpp = await run(['import-c', fixture, '--clang', clang], () => {})
		expect(viaHpp.split('\n')[0]).to.equal(`// Generated by wasm-heap-manager import-c from shapes.hpp (--abi wasm32) — do not edit; run npx wasm-heap-manager import-c shapes.hpp --abi wasm32`)
		expect(viaHpp.split('\n').slice(1)).to.deep.equal(text.split('\n').slice(1))
	})
})
