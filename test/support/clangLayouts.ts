/**
 * Reads clang's record layout dumps (`-Xclang -fdump-record-layouts`) of the struct
 * corpus into plain data, and the probes that `test/fixtures/structs/dump-layouts.ts`
 * adds to the corpus to learn what the dump does not show: each enum's size and
 * alignment (a one-member `EnumProbe_<Enum>` struct) and each field's `sizeof` and
 * `__alignof__` (a `FieldProbe__<Record>__<field>` struct of `char size[sizeof(...)]`
 * and `char align[__alignof__(...)]`).
 */

/** One line of a record in a dump: a field (nested ones too) with its place. */
export interface DumpedField {
	/** Dotted path from the record (`position.x`); `''` for an unnamed `:0` bitfield. */
	readonly path: string
	/** The C type as clang prints it (`struct Vec2`, `char[12]`, `int32_t`). */
	readonly cType: string
	/** Byte offset from the start of the outermost record. */
	readonly offset: number
	/** For a bitfield: its first bit in the byte at `offset`. */
	readonly bitOffset?: number
	/** For a bitfield: its width (0 for `:0`). */
	readonly bitWidth?: number
}

/** One record of a dump. */
export interface DumpedRecord {
	readonly kind: 'struct' | 'union'
	readonly name: string
	readonly size: number
	readonly align: number
	/** Every line between the header and the size line, in order. */
	readonly fields: readonly DumpedField[]
}

const linePattern = /^\s*(\d+)(?::(\d+)-(\d+)|:(-))?\s\|\s(\s*)(.*?)\s*$/
const headerPattern = /^(struct|union) ([A-Za-z_][A-Za-z0-9_]*)$/
const sizePattern = /^\s*\|\s+\[sizeof=(\d+), align=(\d+)\]\s*$/

/** Parses every record of a layout dump, by name (a record dumped twice must agree). */
export function parseRecordLayoutDump(text: string): Map<string, DumpedRecord> {
	const records = new Map<string, DumpedRecord>()
	const blocks = text.split('*** Dumping AST Record Layout').slice(1)
	for (const block of blocks) {
		const lines = block.split('\n').filter((line) => line.trim() !== '')
		const header = linePattern.exec(lines[0] ?? '')
		const headerMatch = header && headerPattern.exec(header[6]!)
		if (!header || !headerMatch) throw new Error(`unexpected record header: ${lines[0]}`)
		const fields: DumpedField[] = []
		const stack: string[] = []
		let size: number | undefined
		let align: number | undefined
		for (const line of lines.slice(1)) {
			const sizeMatch = sizePattern.exec(line)
			if (sizeMatch) {
				size = Number(sizeMatch[1])
				align = Number(sizeMatch[2])
				break
			}
			const match = linePattern.exec(line)
			if (!match) throw new Error(`unexpected layout line in ${headerMatch[2]}: ${line}`)
			const depth = match[5]!.length / 2
			const text = match[6]!
			// The name is the last word; a :0 bitfield prints its type and no name.
			const zeroWidth = match[4] === '-'
			const space = text.lastIndexOf(' ')
			const name = zeroWidth ? '' : text.slice(space + 1)
			const cType = zeroWidth ? text : text.slice(0, space)
			stack.length = depth - 1
			const path = [...stack, name].join('.')
			stack.push(name)
			const offset = Number(match[1])
			if (zeroWidth) {
				fields.push({ path, cType, offset, bitOffset: 0, bitWidth: 0 })
			} else if (match[2] !== undefined) {
				const first = Number(match[2])
				fields.push({ path, cType, offset, bitOffset: first, bitWidth: Number(match[3]) - first + 1 })
			} else fields.push({ path, cType, offset })
		}
		if (size === undefined || align === undefined) throw new Error(`no size line for ${headerMatch[2]}`)
		const record: DumpedRecord = { kind: headerMatch[1] as 'struct' | 'union', name: headerMatch[2]!, size, align, fields }
		const previous = records.get(record.name)
		if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(record)) {
			throw new Error(`record ${record.name} was dumped twice with different layouts`)
		}
		records.set(record.name, record)
	}
	return records
}

/** A corpus record's layout as the fixture keeps it. */
export interface CorpusRecordLayout {
	readonly kind: 'struct' | 'union'
	readonly size: number
	readonly align: number
	/** Every field line of the dump, nested ones included (`:0` bitfields with `path` ending in `''`). */
	readonly fields: readonly DumpedField[]
	/** `sizeof` and `__alignof__` of each direct, named, non-bitfield field, by name. */
	readonly fieldFacts: { readonly [field: string]: { readonly size: number; readonly align: number } }
}

/** One ABI's layouts of the corpus. */
export interface CorpusAbiLayouts {
	/** The clang `--target`. */
	readonly target: string
	/** Every record of corpus.h, by name. */
	readonly records: { readonly [name: string]: CorpusRecordLayout }
	/** Every enum of corpus.h, by name. */
	readonly enums: { readonly [name: string]: { readonly size: number; readonly align: number } }
}

/** `test/fixtures/structs/layouts.json`. */
export interface CorpusLayouts {
	/** `clang-14 --version`'s first line. */
	readonly clang: string
	/** By ABI name. */
	readonly abis: { readonly [abi: string]: CorpusAbiLayouts }
}

export const enumProbePrefix = 'EnumProbe_'
export const fieldProbePrefix = 'FieldProbe__'

/** The corpus's layouts under one target, from the dump of the corpus with its probes. */
export function corpusLayoutsFromDump(target: string, dump: string): CorpusAbiLayouts {
	const dumped = parseRecordLayoutDump(dump)
	const records: Record<string, CorpusRecordLayout> = {}
	const enums: Record<string, { size: number; align: number }> = {}
	const facts = new Map<string, Record<string, { size: number; align: number }>>()
	for (const [name, record] of [...dumped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		if (name.startsWith(enumProbePrefix)) {
			enums[name.slice(enumProbePrefix.length)] = { size: record.size, align: record.align }
		} else if (name.startsWith(fieldProbePrefix)) {
			const [recordName, field] = name.slice(fieldProbePrefix.length).split('__') as [string, string]
			const sizeField = record.fields.find((f) => f.path === 'size')
			const alignField = record.fields.find((f) => f.path === 'align')
			const length = (field: DumpedField | undefined) => Number(/^char\[(\d+)\]$/.exec(field?.cType ?? '')?.[1] ?? NaN)
			const entry = facts.get(recordName) ?? {}
			entry[field] = { size: length(sizeField), align: length(alignField) }
			facts.set(recordName, entry)
		}
	}
	for (const [name, record] of [...dumped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		if (name.startsWith(enumProbePrefix) || name.startsWith(fieldProbePrefix)) continue
		records[name] = { kind: record.kind, size: record.size, align: record.align, fields: record.fields, fieldFacts: facts.get(name) ?? {} }
	}
	return { target, records, enums }
}

/**
 * The probes for the records of one dump: for each direct, named, non-bitfield field of
 * each record, a struct whose two arrays are as long as the field's `sizeof` and
 * `__alignof__`.
 */
export function fieldProbes(dump: string): string {
	const lines: string[] = []
	for (const [name, record] of parseRecordLayoutDump(dump)) {
		if (name.startsWith(enumProbePrefix) || name.startsWith(fieldProbePrefix)) continue
		for (const field of record.fields) {
			if (field.path === '' || field.path.includes('.') || field.bitWidth !== undefined) continue
			const member = `((${record.kind} ${name} *)0)->${field.path}`
			const probe = `${fieldProbePrefix}${name}__${field.path}`
			lines.push(`struct ${probe} { char size[sizeof(${member})]; char align[__alignof__(${member})]; };`)
			lines.push(`_Static_assert(sizeof(struct ${probe}) > 0, "${probe}");`)
		}
	}
	return lines.join('\n') + '\n'
}

/** The first probes: make clang lay out every record and enum that `corpus.h` declares. */
export function corpusProbes(header: string): string {
	const lines = ['#include "corpus.h"']
	for (const match of header.matchAll(/^(struct|union)(?: __attribute__\(\((?:[^()]|\([^()]*\))*\)\))? ([A-Za-z_][A-Za-z0-9_]*) \{/gm)) {
		lines.push(`_Static_assert(sizeof(${match[1]} ${match[2]}) > 0, "${match[2]}");`)
	}
	for (const match of header.matchAll(/^enum(?: __attribute__\(\((?:[^()]|\([^()]*\))*\)\))? ([A-Za-z_][A-Za-z0-9_]*) \{/gm)) {
		const probe = `${enumProbePrefix}${match[1]}`
		lines.push(`struct ${probe} { enum ${match[1]} value; };`)
		lines.push(`_Static_assert(sizeof(struct ${probe}) > 0, "${probe}");`)
	}
	return lines.join('\n') + '\n'
}
