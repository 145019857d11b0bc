/** Emits `read<Name>` / `write<Name>` for the wide unsigned integers (128 and 256 bits). */
import { Part, provenance, type Method } from './emitted.js'
import type { NormalizedWideInteger } from './normalize.js'
import { modules, plainAccessCheck, withArticle } from './snippets.js'
import { grouped } from './docGroups.js'

function emitRead(wide: NormalizedWideInteger): Method {
	return {
		leadingTrivia: provenance(wide.name, 'emitWideIntegers'),
		name: wide.read,
		docs: [
			`Reads ${withArticle(wide.description)} at \`address\` (${wide.wordCount} little-endian 64-bit words, least significant first, any alignment).\n` +
				`@throws RangeError if the ${wide.byteSize}-byte access does not lie within the heap`,
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: 'bigint',
		statements: (writer) => {
			plainAccessCheck(wide.byteSize, wide.read)(writer)
			const words = Array.from({ length: wide.wordCount }, (_, word) => {
				const read = `view.getBigUint64(address${word === 0 ? '' : ` + ${word * 8}`}, true)`
				return word === 0 ? read : `(${read} << ${word * 64}n)`
			})
			writer.writeLine(`return ${words.join(' | ')}`)
		},
	}
}

function emitWrite(wide: NormalizedWideInteger): Method {
	const limit = `0x${(1n << BigInt(wide.bits)).toString(16)}n`
	return {
		leadingTrivia: provenance(wide.name, 'emitWideIntegers'),
		name: wide.write,
		docs: [
			`Writes ${withArticle(wide.description)} at \`address\` (${wide.wordCount} little-endian 64-bit words, least significant first, any alignment).\n` +
				`@throws TypeError if \`value\` is not a bigint; RangeError if it is outside \`[0, 2^${wide.bits})\` or the access does not lie within the heap. Nothing is written on error`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: 'bigint' },
		],
		returnType: 'void',
		statements: (writer) => {
			plainAccessCheck(wide.byteSize, wide.write)(writer)
			writer.writeLine(
				`if (!(typeof value === 'bigint' && value >= 0n && value < ${limit})) throwWideIntegerError('${wide.write}', value, ${wide.bits})`,
			)
			for (let word = 0; word < wide.wordCount; word++) {
				const shifted = word === 0 ? 'value' : `value >> ${word * 64}n`
				writer.writeLine(
					`view.setBigUint64(address${word === 0 ? '' : ` + ${word * 8}`}, BigInt.asUintN(64, ${shifted}), true)`,
				)
			}
		},
	}
}

/** The wide integer methods, in table order. */
export function emitWideIntegerMethods(rows: readonly NormalizedWideInteger[]): Part {
	const part = new Part()
	if (rows.length > 0) part.use(modules.errors, 'throwWideIntegerError')
	part.methods.push(...rows.flatMap((wide) => [emitRead(wide), emitWrite(wide)]))
	return grouped('emitWideIntegers', part)
}
