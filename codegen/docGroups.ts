/**
 * The task groups of the API reference: the `@group` tag every generated public member
 * carries (TypeDoc lists a class's members under these headings, in typedoc.json's
 * `groupOrder`). This file is the one place that decides which group an emitter's members
 * go in; each emitter passes what it made through `grouped` / `groupedMembers` /
 * `groupedClass`, which append the `@group` line to the members' TSDoc. Hand-written
 * members in src/ carry the same names by hand (test/api-docs.test.ts checks that every
 * group used anywhere is one of `memberGroups` or `exportGroups`, and in `groupOrder`).
 */
import type { ClassDeclarationStructure, OptionalKind } from 'ts-morph'
import type { FacetParts, Getter, Method, Part, Property } from './emitted.js'

/** The groups of the manager's and the refs' members, in the order the pages list them, with what each is for. */
export const memberGroups = {
	Heap: 'The heap itself: its buffer, ABI and the whole-buffer `DataView`.',
	Numbers: 'Read and write one number at an address (`readInt32`, `writeFloat64`, ...): bounds-checked, little-endian.',
	Views: 'Typed-array views over part of the heap or all of it (`viewInt32Array`, `heapUint8`); use them at once, growth makes them stale.',
	'Allocation & ownership': 'Allocate numbers and arrays as refs (`allocInt32`, `allocFloat64Array`), and free them, alone or all at once.',
	Refs: 'Refs to memory that is already there (C’s, or another ref’s): `wrapInt32`, `wrapUint8Array`, ...',
	Strings: 'Null-terminated strings in ASCII, UTF-8, UTF-16 and UTF-32: read, write, allocate, wrap, measure.',
	'String slices': 'Length-delimited strings (a pointer and a length, as Rust’s `&str`): read, write, allocate, wrap, measure.',
	Structs: 'C structs and arrays of them, declared with `defineStruct`: allocate, wrap, read, write, and their layout.',
	Atomics: 'Atomic reads, writes and read-modify-write operations (`addInt32Atomic`, ...) on a shared heap.',
	Waits: 'Sleep until another thread notifies an address (`waitInt32`, `waitInt32Async`, `notify`).',
	Scopes: 'Free every ref made inside a block when it ends (`withScope`, `openScope`).',
	Debugging: 'Find leaks and look inside: `report()` of live refs by allocation site, `toJSON`.',
	Value: 'The referenced value: `value`, `read()`, `write(value)`.',
	Elements: 'The array’s elements: `readAt`, `writeAt`, `view` and the element count.',
	'Encoded string': 'The string as encoded in memory: its length in elements and bytes, and views of it.',
	Region: 'The heap region the ref covers: its address, size, a byte view of it.',
} as const

/** A member group name. */
export type MemberGroup = keyof typeof memberGroups

/**
 * The groups of the package's exports on the module page (classes, functions, types), in
 * order; ungrouped exports follow under TypeDoc's kind headings. What each is for is said
 * by the `@groupDescription` lines of src/index.ts.
 */
export const exportGroups = [
	'Entry points',
	'Manager',
	'Number refs',
	'Array refs',
	'String refs',
	'String slice refs',
	'Structs',
	'Allocator',
	'Options',
	'Errors',
	'Ref base classes',
	'Debugging',
] as const

/** An export group name. */
export type ExportGroup = (typeof exportGroups)[number]

/** Where a member goes: the manager, a value ref, an array ref, or a whole class an emitter made. */
export type Target = 'manager' | 'ref' | 'arrayRef' | 'class'

/** A group for every member, or one chosen by the member's name. */
type Rule = MemberGroup | ((name: string) => MemberGroup)

const stringValue = (name: string): MemberGroup => (name === 'value' || name === 'read' || name === 'write' ? 'Value' : 'Encoded string')

/** THE table: each emitter's group per target. */
export const emitterGroups = {
	emitAccess: { manager: 'Numbers', ref: 'Value', arrayRef: 'Elements' },
	emitWideIntegers: { manager: 'Numbers' },
	emitAtomics: { manager: 'Atomics', ref: 'Atomics', arrayRef: 'Atomics' },
	/** `emitAtomics`' `wait<T>` / `wait<T>Async`. */
	emitAtomicsWaits: { manager: 'Waits' },
	emitViews: { manager: 'Views', arrayRef: 'Elements' },
	emitWholeHeapViews: { manager: 'Views' },
	emitAlloc: { manager: 'Allocation & ownership' },
	emitWrap: { manager: 'Refs' },
	emitStrings: { manager: 'Strings' },
	emitStringSlices: {
		// lengthOfNullTerminated<Enc>String is the null-terminated kind's `strlen`.
		manager: (name: string) => (name.startsWith('lengthOfNullTerminated') ? 'Strings' : 'String slices'),
		class: stringValue,
	},
	emitStringRefClasses: { class: stringValue },
	emitRefClasses: { class: 'Elements' },
	emitFreeElements: { class: 'Allocation & ownership' },
} as const satisfies Record<string, Partial<Record<Target, Rule>>>

/** An emitter that has groups. */
export type GroupedEmitter = keyof typeof emitterGroups

type Member = Method | Getter | Property

/** The group a member's TSDoc names, if any. */
export function groupOf(member: { readonly docs?: Member['docs'] }): string | undefined {
	for (const doc of member.docs ?? []) {
		const text = typeof doc === 'string' ? doc : typeof doc.description === 'string' ? doc.description : ''
		const match = /^@group (.+)$/m.exec(text)
		if (match !== null) return match[1]
	}
	return undefined
}

/** Whether a member is in the reference: public, documented and not `@internal`. */
function documented(member: Member): boolean {
	if ('scope' in member && member.scope !== undefined && member.scope !== 'public') return false
	const docs = member.docs ?? []
	if (docs.length === 0) return false
	return !docs.some((doc) => (typeof doc === 'string' ? doc : String(doc.description ?? '')).includes('@internal'))
}

/** `members` with a `@group` line appended to the TSDoc of each documented, not yet grouped one (in place). */
export function groupedMembers<M extends Member>(emitter: GroupedEmitter, target: Target, members: M[]): M[] {
	const rule = (emitterGroups[emitter] as Partial<Record<Target, Rule>>)[target]
	if (rule === undefined) throw new Error(`codegen/docGroups.ts: emitter '${emitter}' has no group for '${target}' members`)
	for (const member of members) {
		if (!documented(member) || groupOf(member) !== undefined) continue
		const group = typeof rule === 'function' ? rule(member.name) : rule
		const docs = [...member.docs!]
		const last = docs[docs.length - 1]!
		docs[docs.length - 1] =
			typeof last === 'string' ? `${last}\n@group ${group}` : { ...last, description: `${String(last.description ?? '')}\n@group ${group}` }
		member.docs = docs
	}
	return members
}

function groupPart(emitter: GroupedEmitter, target: Target, part: Part): void {
	groupedMembers(emitter, target, part.methods)
	groupedMembers(emitter, target, part.getAccessors)
	groupedMembers(emitter, target, part.properties)
}

/** An emitter's parts with every documented member grouped (in place); `Part` alone is the manager's. */
export function grouped<T extends Part | FacetParts>(emitter: GroupedEmitter, emitted: T): T {
	if ('manager' in emitted) {
		for (const target of ['manager', 'ref', 'arrayRef'] as const) {
			const part = emitted[target]
			if (part.methods.length + part.getAccessors.length + part.properties.length > 0) groupPart(emitter, target, part)
		}
	} else {
		groupPart(emitter, 'manager', emitted)
	}
	return emitted
}

/** A class an emitter made, with its documented members grouped (in place). */
export function groupedClass(emitter: GroupedEmitter, structure: OptionalKind<ClassDeclarationStructure>): OptionalKind<ClassDeclarationStructure> {
	groupedMembers(emitter, 'class', (structure.methods ?? []) as Method[])
	groupedMembers(emitter, 'class', (structure.getAccessors ?? []) as Getter[])
	groupedMembers(emitter, 'class', (structure.properties ?? []) as Property[])
	return structure
}

/** `@groupDescription` lines for a class's TSDoc, one per group, in `memberGroups` order. */
export function groupDescriptions(groups: readonly MemberGroup[]): string {
	return groups.map((group) => `@groupDescription ${group}\n${memberGroups[group]}`).join('\n')
}

/** The `@group` line of an exported class's TSDoc (prefixed with a newline, to append). */
export function exportGroupLine(group: ExportGroup): string {
	return `\n@group ${group}`
}
