/** The descriptor table: its classification of every row, and validation that names bad rows. */
import { expect } from 'chai'
import { elementRows, type ElementRow, type ElementTypeRow } from '../descriptors/elements.js'
import { DescriptorError, normalizeElements, normalizeWideIntegers } from '../codegen/normalize.js'

describe('descriptor table', () => {
	it('classifies every element type (table-driven)', () => {
		// name: [byteSize, alignment, kind, valueType, view, atomic strategy, atomic view, alias of]
		const expected: Record<string, [number, number, string, string, string, string, string, string | undefined]> = {
			Int8: [1, 1, 'int', 'number', 'Int8Array', 'native', 'Int8Array', undefined],
			Uint8: [1, 1, 'int', 'number', 'Uint8Array', 'native', 'Uint8Array', undefined],
			ClampedUint8: [1, 1, 'clampedInt', 'number', 'Uint8ClampedArray', 'clampThenUint8', 'Uint8Array', undefined],
			Int16: [2, 2, 'int', 'number', 'Int16Array', 'native', 'Int16Array', undefined],
			Uint16: [2, 2, 'int', 'number', 'Uint16Array', 'native', 'Uint16Array', undefined],
			Int32: [4, 4, 'int', 'number', 'Int32Array', 'native', 'Int32Array', undefined],
			Uint32: [4, 4, 'int', 'number', 'Uint32Array', 'native', 'Uint32Array', undefined],
			BigInt64: [8, 8, 'bigint', 'bigint', 'BigInt64Array', 'native', 'BigInt64Array', undefined],
			BigUint64: [8, 8, 'bigint', 'bigint', 'BigUint64Array', 'native', 'BigUint64Array', undefined],
			Float16: [2, 2, 'float', 'number', 'Float16Array', 'viaBits', 'Uint16Array', undefined],
			Float32: [4, 4, 'float', 'number', 'Float32Array', 'viaBits', 'Int32Array', undefined],
			Float64: [8, 8, 'float', 'number', 'Float64Array', 'viaBits', 'BigInt64Array', undefined],
			Pointer32: [4, 4, 'int', 'number', 'Uint32Array', 'native', 'Uint32Array', 'Uint32'],
			Pointer53: [8, 8, 'pointer53', 'number', 'BigUint64Array', 'viaBigUint64', 'BigUint64Array', undefined],
			Pointer64: [8, 8, 'bigint', 'bigint', 'BigUint64Array', 'native', 'BigUint64Array', 'BigUint64'],
		}
		const normalized = normalizeElements(elementRows)
		expect(normalized.map((element) => element.name)).to.deep.equal(Object.keys(expected))
		for (const element of normalized) {
			expect(
				[
					element.byteSize,
					element.alignment,
					element.kind,
					element.valueType,
					element.viewConstructor,
					element.atomicStrategy,
					element.atomicViewConstructor,
					element.aliasOf,
				],
				element.name,
			).to.deep.equal(expected[element.name])
			expect(element.stagingConstructor, `${element.name} staging`).to.equal(
				element.name === 'Float16' ? 'Uint16Array' : element.viewConstructor,
			)
			expect(element.methods.view).to.equal(`view${element.name}Array`)
		}
	})

	it('derives which rows have a whole-heap view and which hold pointers', () => {
		const normalized = normalizeElements(elementRows)
		expect(Object.fromEntries(normalized.map((element) => [element.name, [element.heapView ?? null, element.pointer]]))).to.deep.equal({
			Int8: ['heapInt8', false],
			Uint8: ['heapUint8', false],
			ClampedUint8: ['heapClampedUint8', false],
			Int16: ['heapInt16', false],
			Uint16: ['heapUint16', false],
			Int32: ['heapInt32', false],
			Uint32: ['heapUint32', false],
			BigInt64: ['heapBigInt64', false],
			BigUint64: ['heapBigUint64', false],
			// Float16Array is missing from some engines; an alias would repeat its row's view;
			// a pointer53's BigUint64Array holds bigints, not its values.
			Float16: [null, false],
			Float32: ['heapFloat32', false],
			Float64: ['heapFloat64', false],
			Pointer32: [null, true],
			Pointer53: [null, true],
			Pointer64: [null, true],
		})
	})

	it('derives the seed’s exact method names', () => {
		const clamped = normalizeElements(elementRows).find((element) => element.name === 'ClampedUint8')!
		expect(clamped.methods).to.deep.equal({
			read: 'readClampedUint8',
			write: 'writeClampedUint8',
			readAtomic: 'readClampedUint8Atomic',
			writeAtomic: 'writeClampedUint8Atomic',
			view: 'viewClampedUint8Array',
			alloc: 'allocClampedUint8',
			allocArray: 'allocClampedUint8Array',
			wrap: 'wrapClampedUint8',
			wrapArray: 'wrapClampedUint8Array',
		})
		expect(clamped.refClass).to.equal('ClampedUint8Ref')
		expect(clamped.arrayRefClass).to.equal('ClampedUint8ArrayRef')
	})

	describe('validation fails naming the bad row', () => {
		const int32 = elementRows.find((row) => row.name === 'Int32') as ElementTypeRow
		const cases: [string, ElementRow[], string][] = [
			['a duplicate name', [int32, { ...int32 }], `'Int32': the name is used by more than one row`],
			['an unknown kind', [{ ...int32, name: 'Odd', kind: 'complex' as never }], `'Odd': unknown kind 'complex'`],
			['bigint on a 4-byte type', [{ ...int32, name: 'Big4', kind: 'bigint', valueType: 'bigint' }], `'Big4': kind 'bigint' is only for 8-byte types`],
			['a view of the wrong width', [{ ...int32, name: 'Wide', viewConstructor: 'Float64Array' }], `'Wide': viewConstructor Float64Array has 8-byte elements`],
			['native atomics on a float', [{ ...int32, name: 'F', kind: 'float', viewConstructor: 'Float32Array', dataViewAccessor: 'Float32', atomicStrategy: 'native' }], `'F': Atomics cannot operate on floats`],
			['an alias of a missing row', [{ name: 'Ptr', description: 'x', aliasOf: 'Nope' }], `'Ptr': aliasOf names unknown row 'Nope'`],
			['an alias of an alias', [int32, { name: 'A', description: 'x', aliasOf: 'Int32' }, { name: 'B', description: 'x', aliasOf: 'A' }], `'B': aliasOf 'A' is itself an alias`],
			['a non-PascalCase name', [{ ...int32, name: 'int32' }], `'int32': name must be a PascalCase identifier`],
			['an empty description', [{ ...int32, description: '' }], `'Int32': description must be a non-empty string`],
			['pointer53 viewed as another type', [{ ...(elementRows.find((row) => row.name === 'Pointer53') as ElementTypeRow), viewConstructor: 'BigInt64Array' }], `'Pointer53': kind 'pointer53' is viewed as the BigUint64Array it is stored as`],
			['an alignment above the size', [{ ...int32, name: 'Over', alignment: 8 }], `'Over': alignment must be 1, 2, 4 or 8 and at most byteSize, got 8`],
			['a missing C type', [{ ...int32, name: 'NoC', cType: '' }], `'NoC': cType must name the C type`],
			['viaBits without conversions', [{ ...int32, name: 'Fb', kind: 'float', viewConstructor: 'Float32Array', dataViewAccessor: 'Float32', atomicStrategy: 'viaBits' }], `'Fb': atomic strategy 'viaBits' needs atomicBits or bits`],
			['an unknown bit conversion', [{ ...int32, name: 'Fc', kind: 'float', viewConstructor: 'Float32Array', dataViewAccessor: 'Float32', atomicStrategy: 'viaBits', atomicBits: { toBits: 'nope' as never, fromBits: 'bitsToFloat32' } }], `'Fc': unknown bit conversion 'nope'`],
			['bits through an accessor of another width', [{ ...(elementRows.find((row) => row.name === 'Float16') as ElementTypeRow), name: 'H', bits: { accessor: 'Uint32', toBits: 'float16ToBits', fromBits: 'bitsToFloat16' } }], `'H': bits.accessor must be an integer accessor of 2 bytes, got 'Uint32'`],
			['bits with a native accessor of another width', [{ ...(elementRows.find((row) => row.name === 'Float16') as ElementTypeRow), name: 'H', byteSize: 4, alignment: 4, dataViewAccessor: 'Uint32', bits: { accessor: 'Uint32', toBits: 'float32ToBits', fromBits: 'bitsToFloat32', native: 'Float16' }, atomicViewConstructor: 'Uint32Array', viewConstructor: 'Float32Array', viewNeedsGlobal: undefined }], `'H': bits.native must be a DataView accessor of 4 bytes that some engines lack (Float16), got 'Float16'`],
			['a pointer stored as a signed integer', [{ ...int32, name: 'SignedPtr', pointer: true }], `'SignedPtr': a pointer row is stored as an unsigned integer of 4 or 8 bytes (or as pointer53)`],
			['a pointer alias of a signed row', [int32, { name: 'IntPtr', description: 'x', aliasOf: 'Int32', pointer: true }], `'IntPtr': a pointer row is stored as an unsigned integer`],
			['atomicBits on a native row', [{ ...int32, name: 'Nb', atomicBits: { toBits: 'float32ToBits', fromBits: 'bitsToFloat32' } }], `'Nb': atomicBits is only read by the 'viaBits' atomic strategy`],
		]
		for (const [what, rows, message] of cases) {
			it(what, () => {
				expect(() => normalizeElements(rows)).to.throw(DescriptorError, `descriptor row ${message}`)
			})
		}

		it('a wide integer with too few words', () => {
			expect(() => normalizeWideIntegers([{ name: 'BigUint64LE', description: 'x', wordCount: 1 as never }])).to.throw(
				DescriptorError,
				`'BigUint64LE': wordCount must be an integer of at least 2`,
			)
		})
	})
})
