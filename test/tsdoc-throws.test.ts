/**
 * The generated members' TSDoc promises errors that a user may rely on: this reads the
 * `@throws` lines of generated/ and provokes each one. A manager method whose TSDoc says
 * `TypeError if \`address\` is not a number` is called with the address `'8'`; one that
 * names a value of the wrong JS type is called with such values; a ref member that says
 * `Error if the ref was freed or released` is called on a freed ref, and so on. A line
 * that promises what the code does not do, or code that stops doing it, fails here.
 */
import { readFileSync } from 'node:fs'
import { expect } from 'chai'
import { createWasmHeapManager, type HeapError } from '../src/index.js'
import { caught } from './support/dynamic.js'

interface DocumentedMethod {
	readonly name: string
	readonly docs: string
	readonly parameters: readonly { readonly name: string; readonly type: string }[]
}

/** The documented methods of each class of a generated file, by class name. */
function documentedMethods(file: string): Map<string, DocumentedMethod[]> {
	const text = readFileSync(new URL(`../generated/${file}`, import.meta.url), 'utf8')
	const classes = new Map<string, DocumentedMethod[]>()
	for (const [, className, body] of text.matchAll(/^export (?:abstract )?class (\w+)[^\n]*\{\n([\s\S]*?)^\}/gm)) {
		const methods: DocumentedMethod[] = []
		for (const [, docs, name, parameters] of body!.matchAll(/\/\*\*([\s\S]*?)\*\/\n\t(?:public )?(\w+)\(([^)]*)\)/g)) {
			methods.push({
				name: name!,
				docs: docs!.replace(/\n\t \* ?/g, '\n'),
				parameters: parameters!
					.split(',')
					.map((parameter) => parameter.trim())
					.filter(Boolean)
					.map((parameter) => {
						const [parameterName, type] = parameter.split(/\??: /)
						return { name: parameterName!, type: type! }
					}),
			})
		}
		classes.set(className!, methods)
	}
	return classes
}

/** Values of the wrong JS type, for each way a TSDoc line names one. */
const wrongValues: Record<string, readonly unknown[]> = {
	'a bigint or a symbol': [5n, Symbol('value')],
	'not a bigint': [5, '5', {}],
	'not a number': ['5', 5n],
}

/**
 * The value claims of the `@throws TypeError` lines: each parameter named as being of the
 * wrong JS type, with values of that kind (`address` and `index` are checked on their own).
 */
function valueClaims(docs: string): { readonly name: string; readonly values: readonly unknown[] }[] {
	const claims: { name: string; values: readonly unknown[] }[] = []
	for (const [line] of docs.matchAll(/@throws TypeError if [^\n]*/g)) {
		for (const [, names, kind] of line.matchAll(/((?:`\w+`(?: or )?)+) is (a bigint or a symbol|not a bigint|not a number)/g)) {
			for (const [, name] of names!.matchAll(/`(\w+)`/g)) {
				if (name !== 'address' && name !== 'index') claims.push({ name: name!, values: wrongValues[kind!]! })
			}
		}
	}
	return claims
}

/** A valid argument for a parameter: a small aligned address, an index, a value of its type. */
function validArgument(parameter: { readonly name: string; readonly type: string }, address: number): unknown {
	if (parameter.name === 'address') return address
	if (parameter.name === 'index') return 0
	if (parameter.name === 'timeoutMs') return 0
	return parameter.type === 'bigint' ? 0n : 0
}

function expectThrown(call: () => unknown, errorClass: typeof Error, what: string): HeapError {
	const error = caught(call, what) as HeapError
	expect(error.constructor, `${what}: ${error.message}`).to.equal(errorClass)
	expect(error.code, `${what}: its code`).to.match(/^ERR_HEAP_/)
	return error
}

describe('the errors the generated TSDoc promises', () => {
	const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true })
	const heap = createWasmHeapManager(memory) as unknown as Record<string, (...args: unknown[]) => unknown>
	const address = heap.allocate!(64, 8) as number

	it('manager methods: TypeError for an address that is not a number, and for a value of the wrong JS type', () => {
		const methods = documentedMethods('WasmHeapManager.generated.ts').get('WasmHeapManager')!
		let addressClaims = 0
		let valueCount = 0
		for (const method of methods) {
			const valid = method.parameters.map((parameter) => validArgument(parameter, address))
			if (method.docs.includes('@throws TypeError if `address` is not a number')) {
				addressClaims++
				const args = method.parameters.map((parameter, index) => (parameter.name === 'address' ? '8' : valid[index]))
				expectThrown(() => heap[method.name]!(...args), TypeError, `${method.name}('8', ...)`)
			}
			for (const { name, values } of valueClaims(method.docs)) {
				const position = method.parameters.findIndex((parameter) => parameter.name === name)
				expect(position, `${method.name}: its TSDoc names the parameter ${name}`).to.be.at.least(0)
				for (const wrong of values) {
					valueCount++
					const args = valid.map((value, index) => (index === position ? wrong : value))
					expectThrown(() => heap[method.name]!(...args), TypeError, `${method.name} with ${name} = ${String(wrong)}`)
				}
			}
		}
		// Reads, writes and atomics of every row, the wide integers left aside.
		expect(addressClaims).to.be.at.least(100)
		expect(valueCount).to.be.at.least(250)
	})

	it('value and array ref methods: Error once freed, TypeError for a non-number index or a value of the wrong JS type, RangeError where a wrapped ref is misaligned', () => {
		let claims = 0
		for (const [className, methods] of documentedMethods('Refs.generated.ts')) {
			const row = /^(\w+?)(Array)?Ref$/.exec(className)
			if (row === null || !methods.some((method) => method.docs.includes('@throws Error if the ref was freed or released'))) continue
			const [, type, array] = row
			const make = (at?: number) =>
				(array === undefined
					? at === undefined ? heap[`alloc${type}`]!() : heap[`wrap${type}`]!(at, { deallocator: null })
					: heap[`alloc${type}Array`]!(2)) as Record<string, (...args: unknown[]) => unknown> & { free(): void }
			for (const method of methods) {
				if (!method.docs.includes('@throws Error if the ref was freed or released')) continue
				const valid = method.parameters.map((parameter) => validArgument(parameter, address))
				const live = make()
				if (method.docs.includes('`index` is not a number')) {
					claims++
					const args = method.parameters.map((parameter, index) => (parameter.name === 'index' ? '0' : valid[index]))
					expectThrown(() => live[method.name]!(...args), TypeError, `${className}.${method.name}('0', ...)`)
				}
				for (const { name, values } of valueClaims(method.docs)) {
					const position = method.parameters.findIndex((parameter) => parameter.name === name)
					expect(position, `${className}.${method.name}: its TSDoc names the parameter ${name}`).to.be.at.least(0)
					for (const wrong of values) {
						claims++
						const args = valid.map((value, index) => (index === position ? wrong : value))
						expectThrown(() => live[method.name]!(...args), TypeError, `${className}.${method.name} with ${name} = ${String(wrong)}`)
					}
				}
				const alignment = /@throws RangeError if the ref's address is not a multiple of (\d+)/.exec(method.docs)
				if (alignment !== null) {
					claims++
					const misaligned = make(address + 1)
					expectThrown(() => misaligned[method.name]!(...valid), RangeError, `${className}.${method.name} at a misaligned address`)
				}
				live.free()
				claims++
				const error = expectThrown(() => live[method.name]!(...valid), Error, `${className}.${method.name} once freed`)
				expect(error.code).to.equal('ERR_HEAP_REF_FREED')
			}
		}
		expect(claims).to.be.at.least(400)
	})
})
