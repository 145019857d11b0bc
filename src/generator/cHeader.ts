/**
 * `structs.h` of `generate`: the C declarations of a declarations module's structs,
 * unions and enums, and `static_assert` lines that pin each record's `sizeof`,
 * `alignof` and every (non-bitfield) member's `offsetof` for wasm32 and for wasm64, so
 * the C side and the TypeScript side cannot drift apart. The header is C11 and C++11 at
 * once: it spells `bool`, `alignas`, `alignof` and `static_assert` as C++ and C23 do, which
 * C11 takes from `<stdbool.h>`, `<stdalign.h>` and the header's own `static_assert` macro
 * (the one C11's `<assert.h>` defines); C11's `_Bool`, `_Alignas`, `_Alignof` and
 * `_Static_assert` are extensions in C++ (`-pedantic-errors` refuses them).
 */
import { elementTable } from '../../generated/elementTable.generated.js'
import type { EnumType, StructType } from '../index.js'
import { abiFacts, cEnumStorage } from '../structs/abi.js'
import { valueLayout } from '../structs/layout.js'
import type { FieldKind, PointerTarget, StringEncodingName, ValueKind } from '../structs/fieldKinds.js'

const stringUnits: { readonly [Encoding in StringEncodingName]: string } = { Ascii: 'char', Utf8: 'char', Utf16: 'uint16_t', Utf32: 'uint32_t' }

/** The C spelling of a declaration: the type before the name and what follows it (`float`, `v`, `[4]`). */
interface Declarator {
	readonly before: string
	readonly after: string
}

function tag(type: StructType | EnumType): string {
	return type.kind === 'enum' ? `enum ${type.name}` : `${type.kind} ${type.name}`
}

/** How an enum is spelled as a member's type: `enum Name` when C gives it its storage, else the storage integer. */
export function enumSpelling(type: EnumType): { readonly member: string; readonly packed: boolean } {
	const values = type.members.map((member) => member.value)
	if (cEnumStorage(values) === type.storage) return { member: tag(type), packed: false }
	if (cEnumStorage(values, { packed: true }) === type.storage) return { member: tag(type), packed: true }
	return { member: elementTable[type.storage].cType, packed: false }
}

function valueDeclarator(kind: ValueKind): Declarator {
	switch (kind.kind) {
		case 'element':
			// clang-14 has no arithmetic _Float16 on wasm; __fp16 is the same 2-byte storage type
			return { before: kind.element === 'Float16' ? '__fp16' : elementTable[kind.element].cType, after: '' }
		case 'abiSized':
			return { before: kind.name === 'Pointer' ? 'void *' : kind.name === 'Size' ? 'size_t' : 'long', after: '' }
		case 'bool':
			return { before: 'bool', after: '' }
		case 'record':
			return { before: tag(kind.type), after: '' }
		case 'enum':
			return { before: enumSpelling(kind.type).member, after: '' }
		case 'string':
			return { before: stringUnits[kind.encoding], after: `[${kind.capacity}]` }
		case 'array': {
			const inner = valueDeclarator(kind.element)
			return { before: inner.before, after: `[${kind.length}]${inner.after}` }
		}
		case 'pointer':
			return pointerDeclarator(kind.target)
	}
}

function pointerDeclarator(target: PointerTarget): Declarator {
	if (target.kind === 'cString') return { before: `${stringUnits[target.encoding]} *`, after: '' }
	if (target.kind === 'deferred') return { before: `${tag(target.resolve())} *`, after: '' }
	const inner = valueDeclarator(target)
	// a pointer to an array is `T (*name)[n]`
	if (inner.after !== '') return { before: `${inner.before} (*`, after: `)${inner.after}` }
	return { before: `${inner.before}${inner.before.endsWith('*') ? '' : ' '}*`, after: '' }
}

/**
 * How a member's `align` is spelled: `alignas(n)`, unless `n` is below the member type's
 * own alignment on wasm32 or wasm64, where C refuses `alignas` ("requested alignment is
 * less than minimum alignment") and the declaration means what GNU C's member attribute
 * `aligned(n)` does: no change, or `n` in a packed record.
 */
function alignSpelling(kind: FieldKind, align: number): string {
	const natural = kind.kind === 'bits' ? 1 : Math.max(...(['wasm32', 'wasm64'] as const).map((abi) => valueLayout(kind, abiFacts(abi, 'generate')).align))
	return align >= natural ? `alignas(${align}) ` : `__attribute__((aligned(${align}))) `
}

function member(name: string, kind: FieldKind, align: number | undefined): string {
	const alignas = align === undefined ? '' : alignSpelling(kind, align)
	if (kind.kind === 'bits') {
		const storage = valueDeclarator(kind.storage).before
		return kind.bits === 0 ? `${alignas}${storage} : 0;` : `${alignas}${storage} ${name} : ${kind.bits};`
	}
	const { before, after } = valueDeclarator(kind)
	return `${alignas}${before}${before.endsWith('*') ? '' : ' '}${name}${after};`
}

/** Records and enums in an order C accepts: each after every type it holds by value. */
export function definitionOrder(roots: readonly (StructType | EnumType)[]): (StructType | EnumType)[] {
	const order: (StructType | EnumType)[] = []
	const seen = new Set<StructType | EnumType>()
	const visitKind = (kind: FieldKind): void => {
		if (kind.kind === 'record') visit(kind.type)
		else if (kind.kind === 'enum') visit(kind.type)
		else if (kind.kind === 'array') visitKind(kind.element)
		else if (kind.kind === 'bits' && kind.storage.kind === 'enum') visit(kind.storage.type)
		else if (kind.kind === 'pointer' && kind.target.kind !== 'deferred' && kind.target.kind !== 'cString') {
			// a pointer needs only a forward declaration of a record, but an enum's definition
			if (kind.target.kind === 'enum') visit(kind.target.type)
			else if (kind.target.kind === 'pointer' || kind.target.kind === 'array') visitKind(kind.target)
		}
	}
	const visit = (type: StructType | EnumType): void => {
		if (seen.has(type)) return
		seen.add(type)
		if (type.kind !== 'enum') for (const field of type.fields) visitKind(field.type)
		order.push(type)
	}
	for (const root of roots) visit(root)
	return order
}

/** Every record reachable from `types` through pointers too (each needs a forward declaration). */
function pointedRecords(types: readonly (StructType | EnumType)[]): StructType[] {
	const found = new Set<StructType>()
	const visitKind = (kind: FieldKind | PointerTarget): void => {
		if (kind.kind === 'record') found.add(kind.type)
		else if (kind.kind === 'deferred') found.add(kind.resolve())
		else if (kind.kind === 'array') visitKind(kind.element)
		else if (kind.kind === 'pointer') visitKind(kind.target)
	}
	for (const type of types) if (type.kind !== 'enum') for (const field of type.fields) visitKind(field.type)
	return [...found]
}

function assertions(record: StructType, abi: 'wasm32' | 'wasm64'): string[] {
	const layout = record.layout(abi)
	const name = tag(record)
	const lines = [
		`static_assert(sizeof(${name}) == ${layout.size}, "sizeof(${name}) on ${abi}");`,
		`static_assert(alignof(${name}) == ${layout.align}, "alignof(${name}) on ${abi}");`,
	]
	for (const field of layout.fields) {
		if (field.bitWidth !== undefined) continue
		lines.push(`static_assert(__builtin_offsetof(${name}, ${field.name}) == ${field.offset}, "offsetof(${name}, ${field.name}) on ${abi}");`)
	}
	return lines
}

/**
 * C++11's keywords that C11 lets a program name a record, member or enumerator (`bool`,
 * `true`, `false`, `alignas`, `alignof` and `static_assert`, which the header itself uses,
 * are refused by `generateFiles`). A header that declares one compiles as C only.
 */
const cxxOnlyKeywords: ReadonlySet<string> = new Set([
	'and', 'and_eq', 'asm', 'bitand', 'bitor', 'catch', 'char16_t', 'char32_t', 'class', 'compl', 'const_cast', 'constexpr',
	'decltype', 'delete', 'dynamic_cast', 'explicit', 'export', 'friend', 'mutable', 'namespace', 'new', 'noexcept', 'not',
	'not_eq', 'nullptr', 'operator', 'or', 'or_eq', 'private', 'protected', 'public', 'reinterpret_cast', 'template',
	'this', 'thread_local', 'throw', 'try', 'typeid', 'typename', 'using', 'virtual', 'wchar_t', 'xor', 'xor_eq',
])

/**
 * What makes a C++ compiler give one error at the header's top naming the first C++ keyword
 * it declares, and skip the declarations (clang and GCC go on after `#error`), instead of the
 * parse errors that keyword gives further down: `#ifdef __cplusplus` … `#else` before them,
 * the `#endif` after them. Nothing for a header C++ compiles too.
 */
function cOnlyGuard(types: readonly (StructType | EnumType)[], header: string): { readonly open: string[]; readonly close: string[] } {
	for (const type of types) {
		const what = cxxOnlyKeywords.has(type.name)
			? `${tag(type)} is named ${type.name}`
			: (() => {
					const names = type.kind === 'enum' ? type.members.map((entry) => entry.name) : type.fields.map((field) => field.name)
					const taken = names.find((name) => cxxOnlyKeywords.has(name))
					return taken === undefined ? undefined : `${tag(type)} has ${type.kind === 'enum' ? 'an enumerator' : 'a member'} named ${taken}`
				})()
		if (what === undefined) continue
		return { open: ['#ifdef __cplusplus', `#error "${header} is C only: ${what}, a C++ keyword"`, '#else /* C */', ''], close: ['#endif /* __cplusplus */'] }
	}
	return { open: [], close: [] }
}

/** The text of `structs.h` for the declarations `types` (records and enums, in the module's order). */
export function emitCHeader(types: readonly (StructType | EnumType)[], header: string): string {
	const order = definitionOrder(types)
	const cOnly = cOnlyGuard(order, header)
	const guard = `WASM_HEAP_MANAGER_${header.replace(/\W/g, '_').toUpperCase()}`
	const lines: string[] = [
		`#ifndef ${guard}`,
		`#define ${guard}`,
		'',
		'#include <stdalign.h>',
		'#include <stdbool.h>',
		'#include <stddef.h>',
		'#include <stdint.h>',
		'',
		"/* C11 spells C++'s static_assert _Static_assert; <assert.h> defines this same macro */",
		'#if !defined(__cplusplus) && !defined(static_assert)',
		'#define static_assert _Static_assert',
		'#endif /* static_assert */',
		'',
		...cOnly.open,
	]
	const records = order.filter((type): type is StructType => type.kind !== 'enum')
	const forward = [...new Set([...records, ...pointedRecords(order)])]
	for (const record of forward) lines.push(`${tag(record)};`)
	if (forward.length > 0) lines.push('')
	for (const type of order) {
		if (type.kind === 'enum') {
			const { packed } = enumSpelling(type)
			lines.push(`${packed ? 'enum __attribute__((packed))' : 'enum'} ${type.name} {`)
			for (const entry of type.members) lines.push(`\t${entry.name} = ${entry.value},`)
			lines.push('};', '')
			continue
		}
		const attributes = [...(type.packed === true ? ['packed'] : []), ...(type.align === undefined ? [] : [`aligned(${type.align})`])]
		const pack = typeof type.packed === 'number' ? type.packed : undefined
		if (pack !== undefined) lines.push(`#pragma pack(push, ${pack})`)
		lines.push(`${type.kind}${attributes.length > 0 ? ` __attribute__((${attributes.join(', ')}))` : ''} ${type.name} {`)
		for (const field of type.fields) lines.push(`\t${member(field.name, field.type, field.align)}`)
		lines.push('};')
		if (pack !== undefined) lines.push('#pragma pack(pop)')
		lines.push('')
	}
	lines.push('/* The layouts the TypeScript classes are generated with, checked by the compiler. */', '#if __SIZEOF_POINTER__ == 8')
	for (const record of records) lines.push(...assertions(record, 'wasm64'))
	lines.push('#else')
	for (const record of records) lines.push(...assertions(record, 'wasm32'))
	lines.push('#endif', ...cOnly.close, '', `#endif /* ${guard} */`, '')
	return lines.join('\n')
}
