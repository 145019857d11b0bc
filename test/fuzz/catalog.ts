/**
 * What the fuzzer exercises, derived from the descriptor tables through the generator's
 * own `normalize*` functions: every element type (aliases included), wide integer and
 * string encoding, with the method and ref-class names the generator derives. Nothing
 * here lists a type by hand, so a row added to `descriptors/` joins the fuzzer by
 * itself; a row of a kind or codec the model does not know stops the fuzzer with a
 * message saying what to teach it.
 *
 * It also finds every public member of the manager and of each ref class (the
 * prototype chains at run time, less what the sources mark `private`, `protected` or
 * `@internal`), so that `uncoveredMembers()` can say which ones no operation exercises.
 */
import { readFileSync } from 'node:fs'
import ts from 'typescript'
import { elementRows, wideIntegerRows } from '../../descriptors/elements.js'
import { stringEncodingRows } from '../../descriptors/encodings.js'
import {
	normalizeElements,
	normalizeEncodings,
	normalizeWideIntegers,
	type NormalizedElement,
	type NormalizedEncoding,
	type NormalizedWideInteger,
} from '../../codegen/normalize.js'
import * as library from '../../src/index.js'

const knownKinds = ['int', 'clampedInt', 'float', 'bigint', 'pointer53']
const knownCodecs = ['ascii', 'utf8', 'utf16', 'utf32']

function fail(problem: string): never {
	throw new Error(`test/fuzz/catalog.ts: ${problem}`)
}

const managerPrototype = library.WasmHeapManager.prototype as unknown as Record<string, unknown>

function requireMethod(name: string): string {
	if (typeof managerPrototype[name] !== 'function') {
		fail(`the descriptor tables imply a method ${name}, which WasmHeapManager does not have`)
	}
	return name
}

function requireClass(name: string): Function {
	const value = (library as Record<string, unknown>)[name]
	if (typeof value !== 'function') fail(`the descriptor tables imply a class ${name}, which src/index.ts does not export`)
	return value
}

export interface ElementType extends NormalizedElement {
	/** The row whose functions this row's are (itself unless an alias): errors name its methods. */
	readonly canonical: NormalizedElement
	readonly RefClass: Function
	readonly ArrayRefClass: Function
}

export interface WideType extends NormalizedWideInteger {}

export interface Encoding extends NormalizedEncoding {
	readonly RefClass: Function
	readonly SliceRefClass: Function
}

const normalizedElements = normalizeElements(elementRows)
const byName = new Map(normalizedElements.map((row) => [row.name, row]))

/** Every element type of `descriptors/elements.ts`, aliases included. */
export const elementTypes: readonly ElementType[] = normalizedElements.map((row) => {
	if (!knownKinds.includes(row.kind)) fail(`row ${row.name} has kind '${row.kind}', which test/fuzz/model.ts does not model yet: teach it`)
	for (const name of Object.values(row.methods)) requireMethod(name)
	return {
		...row,
		canonical: row.aliasOf === undefined ? row : byName.get(row.aliasOf)!,
		RefClass: requireClass(row.refClass),
		ArrayRefClass: requireClass(row.arrayRefClass),
	}
})

/** Every wide integer of `descriptors/elements.ts`. */
export const wideTypes: readonly WideType[] = normalizeWideIntegers(wideIntegerRows).map((row) => {
	requireMethod(row.read)
	requireMethod(row.write)
	return row
})

/** Every string encoding of `descriptors/encodings.ts`. */
export const encodings: readonly Encoding[] = normalizeEncodings(stringEncodingRows).map((row) => {
	if (!knownCodecs.includes(row.codec)) fail(`encoding ${row.name} uses codec '${row.codec}', which test/fuzz/model.ts does not model yet: teach it`)
	for (const name of Object.values(row.methods)) requireMethod(name)
	return { ...row, RefClass: requireClass(row.refClass), SliceRefClass: requireClass(row.sliceRefClass) }
})

/** The whole-heap view getters (`heapInt8` ... `heapFloat64`), with their rows, as the generator derives them. */
export const wholeHeapViews: readonly { readonly member: string; readonly type: ElementType }[] = elementTypes.flatMap((type) => {
	if (type.heapView === undefined) return []
	if (!(type.heapView in managerPrototype)) fail(`the descriptor tables imply a getter ${type.heapView}, which WasmHeapManager does not have`)
	return [{ member: type.heapView, type }]
})

/** The manager methods whose errors a call of `method` on `type` may name (an alias's are its target's). */
export function methodNamesOf(type: ElementType): string[] {
	return [...Object.values(type.methods), ...Object.values(type.canonical.methods)]
}

// ---- public members --------------------------------------------------------------

/** Source files whose classes make up the public API, for their access modifiers and `@internal` tags. */
const apiSources = ['src/HeapAccess.ts', 'src/HeapRef.ts', 'src/HeapScope.ts', 'src/structs/StructRef.ts', 'generated/WasmHeapManager.generated.ts', 'generated/Refs.generated.ts']

interface ClassFacts {
	/** Members that are private, protected or `@internal`. */
	readonly hidden: Set<string>
	/** Public instance fields (not on the prototype at run time). */
	readonly publicFields: Set<string>
}

let classFacts: Map<string, ClassFacts> | undefined

function memberName(member: ts.ClassElement): string | undefined {
	const name = member.name
	if (name === undefined) return undefined
	if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text
	if (ts.isStringLiteral(name)) return name.text
	if (ts.isComputedPropertyName(name)) return `[${name.expression.getText()}]`
	return undefined
}

function readClassFacts(): Map<string, ClassFacts> {
	if (classFacts !== undefined) return classFacts
	classFacts = new Map()
	const root = new URL('../../', import.meta.url)
	for (const file of apiSources) {
		const text = readFileSync(new URL(file, root), 'utf8')
		const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
		const visit = (node: ts.Node): void => {
			if (ts.isClassDeclaration(node) && node.name !== undefined) {
				const facts: ClassFacts = { hidden: new Set(), publicFields: new Set() }
				for (const member of node.members) {
					const name = memberName(member)
					if (name === undefined || ts.isConstructorDeclaration(member)) continue
					const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : []
					const restricted = modifiers.some(
						(m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
					)
					const internal = ts.getJSDocTags(member).some((tag) => tag.tagName.text === 'internal')
					if (restricted || internal || name.startsWith('#')) facts.hidden.add(name)
					else if (ts.isPropertyDeclaration(member) && !modifiers.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) {
						facts.publicFields.add(name)
					}
				}
				classFacts!.set(node.name.text, facts)
			}
			ts.forEachChild(node, visit)
		}
		visit(source)
	}
	return classFacts
}

/** The public members of a class: its prototype chain's names and its public fields, less what the sources hide. */
export function publicMembers(Class: Function): string[] {
	const facts = readClassFacts()
	const names = new Set<string>()
	const hiddenBelow = new Set<string>()
	for (let proto = Class.prototype as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
		const className = (proto as { constructor: { name: string } }).constructor.name
		const classInfo = facts.get(className)
		for (const name of classInfo?.hidden ?? []) hiddenBelow.add(name)
		for (const name of classInfo?.publicFields ?? []) names.add(name)
		for (const key of Reflect.ownKeys(proto)) {
			if (key === 'constructor') continue
			const name = key === Symbol.dispose ? '[Symbol.dispose]' : typeof key === 'symbol' ? `[${String(key.description)}]` : key
			names.add(name)
		}
	}
	return [...names].filter((name) => !hiddenBelow.has(name)).sort()
}
