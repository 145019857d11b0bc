/** Emits `alloc<T>()` and `alloc<T>Array(elementCountOrValues)` for every element row. */
import type { MethodDeclarationStructure, OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement } from './snippets.js'

type Method = OptionalKind<MethodDeclarationStructure>

function emitAlloc(element: NormalizedElement): Method {
	const method = element.methods.alloc
	return {
		name: method,
		docs: [
			`Allocates ${describeElement(element)} (${element.byteSize} bytes, aligned to ${element.byteSize}) and returns a \`${element.refClass}\` to it.\n` +
				`The region is zeroed unless \`clearAllocatedRegions\` is off, and tracked unless \`trackAllocations\` is off.\n` +
				`@throws Error if the allocator fails`,
		],
		returnType: element.refClass,
		statements: [
			`const address = this.allocateRegion(${element.byteSize}, ${element.byteSize}, '${method}')`,
			`return this.track(new ${element.refClass}(this, address, ${element.byteSize}, this.trackedRefs !== undefined))`,
		],
	}
}

function emitAllocArray(element: NormalizedElement): Method {
	const method = element.methods.allocArray
	const size = element.byteSize
	return {
		name: method,
		docs: [
			`Allocates an array of ${describeElement(element)} and returns a \`${element.arrayRefClass}\` to it.\n` +
				`@param elementCountOrValues the number of elements, or an array-like of values to copy in ` +
				`(converted as \`${element.methods.write}\` converts)\n` +
				`@throws Error if the allocator fails; TypeError or RangeError for a bad count or value, in which case nothing stays allocated`,
		],
		parameters: [{ name: 'elementCountOrValues', type: `number | ArrayLike<${element.valueType}>` }],
		returnType: element.arrayRefClass,
		statements: (writer) => {
			writer.writeLine(`const elementCount = this.elementCountOf(elementCountOrValues, '${method}')`)
			writer.writeLine('const values = this.valuesSafeFromGrowth(elementCountOrValues)')
			writer.writeLine(`const address = this.allocateRegion(elementCount * ${size}, ${size}, '${method}')`)
			writer.write(`if (typeof values !== 'number')`).block(() => {
				writer.write('try').block(() => {
					if (element.kind === 'pointer53') {
						writer.write('for (let index = 0; index < elementCount; index++)').block(() => {
							writer.writeLine(`this.${element.methods.write}(address + index * ${size}, values[index]!)`)
						})
					} else {
						writer.writeLine(
							`new ${element.viewConstructor}(this.views.buffer, address, elementCount).set(values)`,
						)
					}
				})
				writer.write('catch (error)').block(() => {
					writer.writeLine('this.deallocate(address)')
					writer.writeLine('throw error')
				})
			})
			writer.writeLine(
				`return this.track(new ${element.arrayRefClass}(this, address, elementCount * ${size}, this.trackedRefs !== undefined, elementCount))`,
			)
		},
	}
}

/** The allocation methods, in table order. */
export function emitAllocMethods(elements: readonly NormalizedElement[]): Method[] {
	return elements.flatMap((element) => [emitAlloc(element), emitAllocArray(element)])
}
