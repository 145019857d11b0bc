/** Emits the value Ref class (`Int32Ref`, ...) of every element row. */
import { Scope, type ClassDeclarationStructure, type OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement, writeElementRead, writeElementWrite } from './snippets.js'

type ClassStructure = OptionalKind<ClassDeclarationStructure>

function emitRefClass(element: NormalizedElement): ClassStructure {
	const { methods, refClass, valueType } = element
	const guard = (member: string): string => `if (this.freed) this.throwFreed('${member}')`
	const aliasNote = element.aliasOf !== undefined ? ` Behaves exactly like \`${element.aliasOf}Ref\`.` : ''
	return {
		name: refClass,
		isExported: true,
		extends: 'HeapRef',
		docs: [
			`A reference to ${describeElement(element)} on the heap, returned by \`${methods.alloc}()\` and \`${methods.wrap}(address)\`.${aliasNote}\n` +
				`Every member throws \`Error\` once the ref is freed.`,
		],
		getAccessors: [
			{
				name: 'refName',
				scope: Scope.Protected,
				docs: ['@internal'],
				returnType: 'string',
				statements: [`return '${refClass}'`],
			},
			{
				name: 'value',
				docs: [`The referenced value: reading it reads as \`${methods.read}\` does, assigning it writes as \`${methods.write}\` does.`],
				returnType: valueType,
				statements: ['return this.read()'],
			},
		],
		setAccessors: [
			{
				name: 'value',
				docs: [`Writes the referenced value, converted as \`${methods.write}\` converts it.`],
				parameters: [{ name: 'value', type: valueType }],
				statements: ['this.write(value)'],
			},
		],
		methods: [
			{
				name: 'read',
				docs: ['Reads the value.'],
				returnType: valueType,
				statements: (writer) => {
					// The address was checked when the ref was made: only the end (Infinity once
					// freed) is compared with the heap's live length here.
					writer.writeLine('const fast = this.manager.fast')
					writer.writeLine(
						`if (!(this.liveEnd <= fast.uint8Array.length)) return this.manager.${methods.read}(this.liveAddress('read'))`,
					)
					writer.writeLine('const view = fast.dataView')
					writeElementRead(writer, element, 'this.address', `${refClass}.read`)
				},
			},
			{
				name: 'write',
				docs: [`Writes a value, converted as \`${methods.write}\` converts it.`],
				parameters: [{ name: 'value', type: valueType }],
				returnType: 'void',
				statements: (writer) => {
					writer.writeLine('const fast = this.manager.fast')
					writer.write('if (!(this.liveEnd <= fast.uint8Array.length))').block(() => {
						writer.writeLine(`this.manager.${methods.write}(this.liveAddress('write'), value)`)
						writer.writeLine('return')
					})
					writer.writeLine('const view = fast.dataView')
					writeElementWrite(writer, element, 'this.address', `${refClass}.write`)
				},
			},
			{
				name: 'readAtomic',
				docs: [`Reads the value atomically (needs the address aligned to ${element.byteSize}).`],
				returnType: valueType,
				statements: [guard('readAtomic'), `return this.manager.${methods.readAtomic}(this.address)`],
			},
			{
				name: 'writeAtomic',
				docs: [`Writes a value atomically (needs the address aligned to ${element.byteSize}).`],
				parameters: [{ name: 'value', type: valueType }],
				returnType: 'void',
				statements: [guard('writeAtomic'), `this.manager.${methods.writeAtomic}(this.address, value)`],
			},
		],
	}
}

/** The value Ref classes, in table order. */
export function emitRefClasses(elements: readonly NormalizedElement[]): ClassStructure[] {
	return elements.map(emitRefClass)
}
