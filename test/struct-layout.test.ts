/**
 * The layout engine against clang-14: every record and enum of
 * test/fixtures/structs/corpus.h, declared again in test/support/structCorpus.ts, must
 * have the size, alignment, field offsets, bit offsets, field sizes and field alignments
 * that clang-14 reports for wasm32, wasm64 and emscripten (layouts.json, written by
 * test/fixtures/structs/build.sh; no clang is needed here).
 */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { StructType, type AbiName } from '../src/index.js'
import { abiTable, cEnumStorage, integerRange, isIntegerElement } from '../src/structs/abi.js'
import { locateField } from '../src/structs/layout.js'
import { elementTable, type ElementTypeName } from '../generated/elementTable.generated.js'
import { corpusLayoutsFromDump, type CorpusLayouts } from './support/clangLayouts.js'
import { abiProbeRecords, corpusEnums, corpusRecords, packedEnums } from './support/structCorpus.js'

const fixtures = join(import.meta.dirname, 'fixtures/structs')
const layouts = JSON.parse(readFileSync(join(fixtures, 'layouts.json'), 'utf8')) as CorpusLayouts
const abis: readonly AbiName[] = ['wasm32', 'wasm64', 'emscripten']

describe('struct layout: StructType.layout against clang-14 on corpus.h', () => {
	it('the fixture is what the committed dumps say (layouts.json is derived from layouts-<abi>.txt)', () => {
		for (const abi of abis) {
			const dump = readFileSync(join(fixtures, `layouts-${abi}.txt`), 'utf8')
			const fromDump = JSON.parse(JSON.stringify(corpusLayoutsFromDump(abiTable[abi].clangTarget, dump)))
			expect(fromDump, abi).to.deep.equal(layouts.abis[abi])
		}
	})

	it('declares every record and enum of the corpus, and the corpus has at least 30 records', () => {
		for (const abi of abis) {
			const records = Object.keys(layouts.abis[abi]!.records).filter((name) => !abiProbeRecords.has(name))
			expect(records.sort(), abi).to.deep.equal(Object.keys(corpusRecords).sort())
			expect(Object.keys(layouts.abis[abi]!.enums).sort(), abi).to.deep.equal(Object.keys(corpusEnums).sort())
		}
		expect(Object.keys(corpusRecords).length).to.be.at.least(30)
	})

	for (const abi of abis) {
		describe(`${abi} (clang --target=${abiTable[abi].clangTarget})`, () => {
			for (const [name, type] of Object.entries(corpusRecords) as [string, StructType][]) {
				it(`${type}: size, alignment, every field's offset, bit offset, size and alignment (layout)`, () => {
					const clang = layouts.abis[abi]!.records[name]!
					const layout = type.layout(abi)
					expect(type.kind, 'kind').to.equal(clang.kind)
					expect({ size: layout.size, align: layout.align }, 'record').to.deep.equal({ size: clang.size, align: clang.align })

					// The direct named fields, in order, match the layout's fields.
					const direct = clang.fields.filter((field) => field.path !== '' && !field.path.includes('.'))
					expect(layout.fields.map((field) => field.name), 'field names').to.deep.equal(direct.map((field) => field.path))
					for (const field of layout.fields) {
						const dumped = direct.find((entry) => entry.path === field.name)!
						expect(field.offset, `${field.name}.offset`).to.equal(dumped.offset)
						if (dumped.bitWidth === undefined) {
							expect(field.bitOffset, `${field.name}.bitOffset`).to.equal(undefined)
							expect({ size: field.size, align: field.align }, `${field.name} size and align`).to.deep.equal(clang.fieldFacts[field.name])
						} else {
							expect({ bitOffset: field.bitOffset, bitWidth: field.bitWidth }, `${field.name} bits`).to.deep.equal({
								bitOffset: dumped.bitOffset,
								bitWidth: dumped.bitWidth,
							})
							expect(field.size, `${field.name}.size`).to.equal(Math.ceil((dumped.bitOffset! + dumped.bitWidth) / 8))
						}
					}

					// Every nested field line: reached by its dotted path, at the same place.
					for (const dumped of clang.fields) {
						if (dumped.path.split('.').includes('')) continue // a :0 bitfield has no name to reach it by
						const located = locateField(type, dumped.path, abi, 'test')
						expect(located.offset, `${dumped.path} offset`).to.equal(dumped.offset)
						expect(located.bitOffset, `${dumped.path} bitOffset`).to.equal(dumped.bitOffset)
						expect(located.bitWidth, `${dumped.path} bitWidth`).to.equal(dumped.bitWidth)
					}
				})
			}

			it('every enum has the size and alignment of its storage row', () => {
				for (const [name, type] of Object.entries(corpusEnums)) {
					const row = elementTable[type.storage]
					expect({ size: row.byteSize, align: row.alignment }, name).to.deep.equal(layouts.abis[abi]!.enums[name])
				}
			})

			it('long double, which no field type offers, is as the ABI table says (the only difference of emscripten)', () => {
				const clang = layouts.abis[abi]!.records.LongDoubleAfterChar!
				const facts = abiTable[abi].longDouble
				expect(clang.fieldFacts.x).to.deep.equal({ size: facts.byteSize, align: facts.alignment })
				expect(clang.fields.find((field) => field.path === 'x')!.offset).to.equal(facts.alignment)
			})
		})
	}

	it('emscripten lays out every corpus record exactly as wasm32 does', () => {
		for (const type of Object.values(corpusRecords) as StructType[]) {
			expect(type.layout('emscripten'), String(type)).to.deep.equal(type.layout('wasm32'))
		}
	})

	it("cEnumStorage picks clang's type for every corpus enum (packed or not)", () => {
		for (const [name, type] of Object.entries(corpusEnums)) {
			const values = Object.values(type.values)
			expect(cEnumStorage(values, { packed: packedEnums.has(name) }), name).to.equal(type.storage)
		}
		expect(cEnumStorage([0, 1])).to.equal('Uint32')
		expect(cEnumStorage([-1, 1])).to.equal('Int32')
		expect(cEnumStorage([-1, 1], { packed: true })).to.equal('Int8')
		expect(cEnumStorage([-(2 ** 31), 2 ** 31 - 1])).to.equal('Int32')
		expect(cEnumStorage([-1, 2 ** 31])).to.equal('BigInt64')
		expect(() => cEnumStorage([-1, 2n ** 64n])).to.throw(RangeError, 'cEnumStorage: values from -1 to 18446744073709551616 fit no 64-bit integer')
	})

	it('integer rows: isIntegerElement and integerRange agree with the element table', () => {
		for (const [name, row] of Object.entries(elementTable)) {
			const integer = isIntegerElement(name as ElementTypeName)
			expect(integer, name).to.equal(/^(Big)?U?[Ii]nt\d+$/.test(name))
			if (!integer) continue
			const bits = BigInt(row.byteSize * 8)
			const signed = !name.includes('Uint')
			const range = integerRange(name as Parameters<typeof integerRange>[0])
			expect(range, name).to.deep.equal(signed ? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n } : { min: 0n, max: (1n << bits) - 1n })
		}
	})
})
