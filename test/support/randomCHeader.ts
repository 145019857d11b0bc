/**
 * Random C headers of the kind a user feeds `import-c`: structs and unions of every
 * scalar C type (`long`, `size_t`, `_Bool`, pointers, function pointers, `<stdint.h>`
 * types, qualifiers, `_Atomic`, typedefs of arrays, of function pointers and of aligned
 * types), enums (negative values, values past 2^31, implicit values after
 * explicit ones, packed), bitfields of every base type (enums and `:0` included), nested
 * anonymous structs and unions, fixed arrays of arrays, records by value and through
 * typedefs, `char[n]`, `__attribute__((packed))` and `aligned(n)` written before or after
 * the braces, `aligned(n)` members, and `#pragma pack(n)`. Left out, as no declaration can
 * say them (known limitations of import-c, which refuses them naming the record): unnamed
 * non-zero bitfields, and `#pragma pack(n > 1)` over a packed record.
 */
import { Random } from '../fuzz/random.js'

const scalars = [
	'char', 'signed char', 'unsigned char', 'short', 'unsigned short', 'int', 'unsigned', 'long', 'unsigned long',
	'long long', 'unsigned long long', 'float', 'double', '_Bool', 'bool', 'void *', 'char *', 'int **', 'size_t',
	'ptrdiff_t', 'intptr_t', 'uintptr_t', 'int8_t', 'uint16_t', 'int32_t', 'uint64_t', 'wchar_t', 'const volatile int',
	'void (*)(int)', 'Vec3', 'Name5', 'Fn', 'Fns2', 'Mat2x3', 'aligned8', 'aligned16x', '_Atomic int', '_Atomic(long long)',
]
/** Typedefs of arrays, function pointers and aligned types, which the scalars above use (a dimension written with one comes before its own). */
const typedefs = [
	'typedef int Vec3[3];',
	'typedef char Name5[5];',
	'typedef void (*Fn)(int);',
	'typedef Fn Fns2[2];',
	'typedef Vec3 Mat2x3[2];',
	'typedef int aligned8 __attribute__((aligned(8)));',
	'typedef aligned8 aligned16x __attribute__((aligned(16)));',
]
const bitBases: readonly (readonly [string, number])[] = [
	['char', 8], ['unsigned char', 8], ['short', 16], ['unsigned short', 16], ['int', 32], ['unsigned', 32],
	['long long', 64], ['unsigned long long', 64], ['_Bool', 1], ['uint8_t', 8], ['int64_t', 64],
]

/** A header of `count` records (and two enums) from `seed`, and the records' names. */
export function randomCHeader(seed: number, count = 6): { readonly text: string; readonly records: readonly string[] } {
	const random = new Random(seed)
	const lines = ['#include <stdint.h>', '#include <stddef.h>', '#include <stdbool.h>', ...typedefs, '']
	const enums: (readonly [string, number])[] = []
	const byValue: string[] = []
	for (let index = 0; index < 2; index++) {
		const name = `E${index}`
		const members: string[] = []
		let value = random.pick([0n, -3n, 5n, -(1n << 31n), 1n << 31n, 1n << 40n, 200n])
		const memberCount = random.int(1, 5)
		for (let member = 0; member < memberCount; member++) {
			// an explicit value, or the previous one plus one
			if (member === 0 || random.chance(0.5)) members.push(`${name}_${member} = ${value}LL`)
			else members.push(`${name}_${member}`)
			value += random.pick([1n, 7n, -100n, 1n << 20n])
		}
		const packed = random.chance(0.3)
		lines.push(`enum ${packed ? '__attribute__((packed)) ' : ''}${name} { ${members.join(', ')} };`)
		// a bitfield of an enum type is narrower than its type
		enums.push([`enum ${name}`, packed ? 8 : 32])
	}
	const fieldsOf = (prefix: string, depth: number): string[] => {
		const out: string[] = []
		const fields = random.int(1, 7)
		let named = 0
		for (let index = 0; index < fields; index++) {
			const name = `${prefix}f${index}`
			const roll = random.next()
			if (roll < 0.12 && depth < 3) {
				out.push(`${random.chance(0.5) ? 'struct' : 'union'} { ${fieldsOf(`${name}_`, depth + 1).join(' ')} };`)
				named++
				continue
			}
			if (roll < 0.32) {
				const [base, bits] = random.chance(0.15) ? random.pick(enums) : random.pick(bitBases)
				const width = random.chance(0.1) ? 0 : random.int(1, bits + 1)
				out.push(width === 0 ? `${base} : 0;` : `${base} ${name} : ${width};`)
				if (width !== 0) named++
				continue
			}
			let type = roll < 0.42 && byValue.length > 0 ? random.pick(byValue) : roll < 0.48 ? random.pick(enums)[0] : random.pick(scalars)
			let dims = ''
			// (an array of an aligned typedef is left out: clang pads it, import-c refuses it)
			if (random.chance(0.15) && !type.startsWith('aligned')) dims += `[${random.int(1, 4)}]`
			if (random.chance(0.08) && dims !== '') dims += `[${random.int(1, 3)}]`
			let declarator = `${name}${dims}`
			if (type === 'void (*)(int)') {
				type = 'void'
				declarator = `(*${name}${dims})(int)`
			}
			if (random.chance(0.08)) {
				type = 'char'
				declarator = `${name}[${random.int(1, 12)}]`
			}
			const aligned = random.chance(0.08) ? ` __attribute__((aligned(${random.pick([1, 2, 4, 8, 16])})))` : ''
			out.push(`${type} ${declarator}${aligned};`)
			named++
		}
		if (named === 0) out.push(`int ${prefix}last;`)
		return out
	}
	const records: string[] = []
	for (let index = 0; index < count; index++) {
		const name = `R${index}`
		const kind = random.chance(0.25) ? 'union' : 'struct'
		const body = fieldsOf('', 0)
		const attributes: string[] = []
		if (random.chance(0.2)) attributes.push('packed')
		if (random.chance(0.15)) attributes.push(`aligned(${random.pick([2, 4, 8, 16, 32])})`)
		const attribute = attributes.length === 0 ? '' : `__attribute__((${attributes.join(', ')}))`
		const after = random.chance(0.5)
		// (`#pragma pack(n)` over a packed record with bitfields gives each bitfield min(n, its type's
		// alignment) for the record's alignment, which no declaration can say: only pack(1) there)
		const pack = random.chance(0.15) ? (attributes.includes('packed') ? 1 : random.pick([1, 2, 4, 8, 16])) : undefined
		if (pack !== undefined) lines.push(`#pragma pack(push, ${pack})`)
		lines.push(`${kind} ${after ? '' : `${attribute} `}${name} {`, ...body.map((line) => `\t${line}`), `}${after ? ` ${attribute}` : ''};`)
		if (pack !== undefined) lines.push('#pragma pack(pop)')
		if (random.chance(0.3)) {
			lines.push(`typedef ${kind} ${name} ${name}_t;`)
			byValue.push(`${name}_t`)
		} else byValue.push(`${kind} ${name}`)
		records.push(name)
	}
	return { text: `${lines.join('\n')}\n`, records }
}
