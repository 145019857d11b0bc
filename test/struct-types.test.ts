/**
 * The small members of declared types that the layout tests do not reach: looking up a
 * field by name, an enum member by value, and how the types print.
 */
import { expect } from 'chai'
import { defineEnum, defineStruct } from '../src/index.js'

describe('declared struct and enum types', () => {
	const Sign = defineEnum('Sign', 'Int32', { NEGATIVE: -1, ZERO: 0, POSITIVE: 1 })
	const Flags = defineStruct('Flags', { count: 'Uint16', pad: { type: 'Uint32', bits: 0 }, on: { type: 'Uint32', bits: 1 } })

	it('StructType.field finds a field by name, and not a :0 bitfield or a missing name', () => {
		expect(Flags.field('count')?.name).to.equal('count')
		expect(Flags.field('on')?.name).to.equal('on')
		expect(Flags.field('pad')).to.equal(undefined)
		expect(Flags.field('missing')).to.equal(undefined)
	})

	it('EnumType.nameOf names the member holding a value, undefined for none', () => {
		expect(Sign.nameOf(-1)).to.equal('NEGATIVE')
		expect(Sign.nameOf(1)).to.equal('POSITIVE')
		expect(Sign.nameOf(2)).to.equal(undefined)
	})

	it('types print as C names', () => {
		expect(String(Sign)).to.equal('enum Sign')
		expect(`${Flags}`).to.equal('struct Flags')
	})
})
