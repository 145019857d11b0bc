/**
 * Assembles the value ref class (`Int32Ref`) and array ref class (`Int32ArrayRef`) of
 * each element row from the members the facet emitters made. An alias row gets a
 * subclass of its row's classes that only renames it (errors and `instanceof` name
 * the alias; every member is the aliased row's).
 */
import { Scope, type ClassDeclarationStructure, type OptionalKind } from 'ts-morph'
import { Part, provenance, type FacetParts } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { describeElement, modules } from './snippets.js'
import { emitFreeElements } from './emitFreeElements.js'
import { exportGroupLine, groupedClass } from './docGroups.js'

type ClassStructure = OptionalKind<ClassDeclarationStructure>

const emitter = 'emitRefClasses'

/** The protected `refName` getter errors name a ref by (its class's name). */
export function refNameGetter(name: string, override = false): NonNullable<ClassStructure['getAccessors']>[number] {
	// (ts-morph prints `hasOverrideKeyword` on accessors; its structure type omits it)
	const overrideKeyword = { hasOverrideKeyword: override } as object
	return {
		...overrideKeyword,
		name: 'refName',
		scope: Scope.Protected,
		docs: ['@internal'],
		returnType: 'string',
		statements: [`return '${name}'`],
	}
}

function classFrom(part: Part, structure: ClassStructure): ClassStructure {
	return {
		...structure,
		getAccessors: [...(structure.getAccessors ?? []), ...part.getAccessors],
		setAccessors: [...(structure.setAccessors ?? []), ...part.setAccessors],
		methods: [...(structure.methods ?? []), ...part.methods],
		properties: [...(structure.properties ?? []), ...part.properties],
		ctors: [...(structure.ctors ?? []), ...part.ctors],
	}
}

/** The two ref classes of one row, and the imports they use. */
export function emitRefClasses(element: NormalizedElement, facets: readonly FacetParts[]): { classes: ClassStructure[]; part: Part } {
	const { methods, refClass, arrayRefClass, byteSize } = element
	const trivia = provenance(element.name, emitter)
	const part = new Part()
	if (element.aliasOf !== undefined) {
		part.use(modules.refs, `${element.aliasOf}Ref`, `${element.aliasOf}ArrayRef`)
		return {
			part,
			classes: [
				{
					leadingTrivia: trivia,
					name: refClass,
					isExported: true,
					extends: `${element.aliasOf}Ref`,
					docs: [
						`A reference to ${describeElement(element)} on the heap, returned by \`${methods.alloc}()\` and \`${methods.wrap}(address)\`. ` +
							`Every member is \`${element.aliasOf}Ref\`'s.` +
							exportGroupLine('Number refs'),
					],
					getAccessors: [refNameGetter(refClass, true)],
				},
				{
					leadingTrivia: trivia,
					name: arrayRefClass,
					isExported: true,
					extends: `${element.aliasOf}ArrayRef`,
					docs: [
						`A reference to an array of ${describeElement(element)} on the heap, returned by \`${methods.allocArray}\` and \`${methods.wrapArray}\`. ` +
							`Every member is \`${element.aliasOf}ArrayRef\`'s.` +
							exportGroupLine('Array refs'),
					],
					getAccessors: [refNameGetter(arrayRefClass, true)],
					methods: element.pointer ? [emitFreeElements(element)] : [],
				},
			],
		}
	}

	part.use(modules.heapRef, 'HeapRef', 'ArrayHeapRef')
	const ref = new Part()
	const arrayRef = new Part()
	for (const facet of facets) {
		ref.add(facet.ref)
		arrayRef.add(facet.arrayRef)
	}
	if (element.pointer) arrayRef.methods.push(emitFreeElements(element))
	part.add(ref).add(arrayRef)
	return {
		part,
		classes: [
			classFrom(ref, {
				leadingTrivia: trivia,
				name: refClass,
				isExported: true,
				extends: 'HeapRef',
				docs: [
					`A reference to ${describeElement(element)} on the heap, returned by \`${methods.alloc}()\` and \`${methods.wrap}(address)\`.\n` +
						`Every member throws \`Error\` once the ref is freed.` +
						exportGroupLine('Number refs'),
				],
				getAccessors: [refNameGetter(refClass)],
			}),
			groupedClass('emitRefClasses', classFrom(arrayRef, {
				leadingTrivia: trivia,
				name: arrayRefClass,
				isExported: true,
				extends: `ArrayHeapRef<${element.valueType}>`,
				docs: [
					`A reference to an array of ${describeElement(element)} on the heap, returned by \`${methods.allocArray}\` and \`${methods.wrapArray}\`.\n` +
						`Every member throws \`Error\` once the ref is freed; indices are checked against \`elementCount\`.` +
						exportGroupLine('Array refs'),
				],
				getAccessors: [
					refNameGetter(arrayRefClass),
					{
						name: 'bytesPerElement',
						docs: [`Bytes per element: ${byteSize}.`],
						returnType: `${byteSize}`,
						statements: [`return ${byteSize}`],
					},
				],
			})),
		],
	}
}
