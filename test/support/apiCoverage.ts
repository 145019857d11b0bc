/**
 * A mocha root-hook plugin (loaded by .mocharc.json) that checks every public member of
 * every exported class is exercised by the suite, by name: in the spirit of ts-morph's
 * `ensurePublicApiHasTests`, but measured rather than searched for, since the per-type
 * tests build method names from the element table.
 *
 * Before the run it wraps each method and accessor on the prototypes of the classes
 * `src/index.ts` exports so that a call records `Class.member` (the class that declares
 * it; an alias such as `readPointer32` is recorded under its own name). After a run of
 * the whole suite (every test file, no --grep) it compares the record with the public
 * members `dist/index.d.ts` declares (the build strips `@internal` ones) and fails
 * naming each member no test called. Calls made inside worker threads are not seen.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import * as library from '../../src/index.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..')
const called = new Set<string>()
/** Every member instrumented, as `Class.member` (instance fields are not on a prototype, and not counted). */
const instrumentedMembers = new Set<string>()

function instrument(prototype: object, className: string): void {
	for (const name of Object.getOwnPropertyNames(prototype)) {
		if (name === 'constructor') continue
		const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!
		const key = `${className}.${name}`
		instrumentedMembers.add(key)
		if (typeof descriptor.value === 'function') {
			const original = descriptor.value as (...args: unknown[]) => unknown
			// Named as the member (a computed method name), so a stack shows the wrapper as the
			// member itself: debug mode finds allocation sites by the library's member names.
			descriptor.value = {
				[name](this: unknown, ...args: unknown[]) {
					called.add(key)
					return original.apply(this, args)
				},
			}[name]
			Object.defineProperty(prototype, name, descriptor)
		} else if (descriptor.get !== undefined || descriptor.set !== undefined) {
			const { get, set } = descriptor
			if (get !== undefined) {
				descriptor.get = function (this: unknown) {
					called.add(key)
					return get.call(this)
				}
			}
			if (set !== undefined) {
				descriptor.set = function (this: unknown, value: unknown) {
					called.add(key)
					set.call(this, value)
				}
			}
			Object.defineProperty(prototype, name, descriptor)
		}
	}
}

/** Public instance members of the exported classes in a declaration file, as `Class.member`. */
export function declaredPublicMembers(declarationFile: string): string[] {
	const source = ts.createSourceFile(declarationFile, readFileSync(declarationFile, 'utf8'), ts.ScriptTarget.ES2022, true)
	const members: string[] = []
	const visit = (node: ts.Node): void => {
		if (ts.isClassDeclaration(node) && node.name) {
			for (const member of node.members) {
				if (ts.isConstructorDeclaration(member) || !member.name || !ts.isIdentifier(member.name)) continue
				const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : []
				if (modifiers.some((m) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.StaticKeyword].includes(m.kind))) continue
				members.push(`${node.name.text}.${member.name.text}`)
			}
		}
		ts.forEachChild(node, visit)
	}
	visit(source)
	return [...new Set(members)].sort()
}

/** Whether mocha is running every test file with no filter. */
function wholeSuite(rootSuite: Mocha.Suite): boolean {
	if (process.argv.some((argument) => /^(--grep|-g|--fgrep|-f|--invert|--only)/.test(argument))) return false
	const loaded = new Set(rootSuite.suites.map((suite) => suite.file).filter((file): file is string => file !== undefined).map((file) => resolve(file)))
	const all = readdirSync(join(root, 'test')).filter((name) => name.endsWith('.test.ts')).map((name) => join(root, 'test', name))
	return all.every((file) => loaded.has(file))
}

export const mochaHooks = {
	beforeAll(this: Mocha.Context) {
		for (const value of Object.values(library)) {
			if (typeof value !== 'function' || value.prototype === undefined) continue
			// Each class in the chain once, recorded under the class that declares the member.
			for (let prototype = value.prototype as object | null; prototype && prototype !== Object.prototype; prototype = Object.getPrototypeOf(prototype) as object | null) {
				if (instrumented.has(prototype)) continue
				instrumented.add(prototype)
				instrument(prototype, (prototype as { constructor: { name: string } }).constructor.name)
			}
		}
	},
	afterAll(this: Mocha.Context) {
		const rootSuite = this.test?.parent
		if (!rootSuite || !wholeSuite(rootSuite)) return
		const declarations = join(root, 'dist/index.d.ts')
		if (!existsSync(declarations)) throw new Error('public-API coverage: dist/index.d.ts is missing (the package test builds it)')
		const missing = declaredPublicMembers(declarations).filter((member) => instrumentedMembers.has(member) && !called.has(member))
		if (missing.length > 0) {
			throw new Error(`public-API coverage: ${missing.length} public members no test calls by name:\n  ${missing.join('\n  ')}`)
		}
	},
}

const instrumented = new Set<object>()
