/**
 * The struct-field facet of an element row: a factory that makes the accessor of one
 * numeric struct field of that row, `(offset, name, where) => { get, set }`. The struct
 * refs (src/structs/StructRef.ts) call it once per field and type, and install what it
 * returns on the type's shared prototype. Each row's accessor is its own function, so
 * that the `DataView` call in it is the row's own (`getInt32`, `setFloat64`...) and V8
 * inlines it: a factory shared by every row would make the call site megamorphic.
 *
 * The hot path is the numeric refs': one comparison of the root ref's `liveEnd` (Infinity
 * once freed) with the live whole-heap view's length, then the DataView; the cold path
 * throws if the root was freed, else goes through the manager's `read<T>`/`write<T>`,
 * which polls for a replaced heap and throws the numeric refs' errors. An alias row
 * shares its row's factory.
 *
 * The factory also makes `read(view, address)`: the field of the struct at `address`
 * read straight from `view`, for `readStruct`, which checks the whole struct against
 * the live view once and then calls one such reader per numeric field.
 */
import { Part, provenance } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { elementRead, elementWrite, modules } from './snippets.js'
import type { CodeBlockWriter } from 'ts-morph'

const emitter = 'emitStructFields'

/** The name of a row's factory function. */
export function structFieldFactoryName(element: NormalizedElement): string {
	return `${element.name}Field`
}

/** The factory function of one full (non-alias) row, as statements, and the imports they use. */
export function emitStructFieldFactory(element: NormalizedElement, part: Part, first = false): (writer: CodeBlockWriter) => void {
	const { methods, valueType } = element
	const address = 'this.address + offset'
	const read = elementRead(element, address, methods.read, part)
	const readChecked = elementRead(element, 'address + offset', methods.read, part)
	// `value | 0` for the integer rows of up to 32 bits, as the value refs pass it (see takesInt32Argument)
	const write = elementWrite(element, address, methods.write, part, true)
	let conversion = ''
	if (element.kind !== 'pointer53') {
		const convert = valueType === 'bigint' ? 'bigintValue' : 'numberValue'
		part.use(modules.conversions, convert)
		conversion =
			valueType === 'bigint'
				? `if (typeof value !== 'bigint') bigintValue(value, where)`
				: `if (typeof value !== 'number') value = numberValue(value, where)`
	}
	return (writer) => {
		if (first) writer.newLine()
		else writer.blankLineIfLastNot()
		writer.write(provenance(element.name, emitter))
		writer.writeLine(`/** @internal The accessor of a struct field stored as ${element.name}, at \`offset\` in its struct. */`)
		writer
			.write(`function ${structFieldFactoryName(element)}(offset: number, name: string, where: string): StructFieldAccessor<${valueType}>`)
			.block(() => {
				writer.write('return').block(() => {
					writer.write(`get(this: StructFieldHost): ${valueType} `).inlineBlock(() => {
						writer.writeLine('const fast = this.manager.fast')
						writer.write('if (!(this.root.liveEnd <= fast.uint8Array.length))').block(() => {
							writer.writeLine('this.checkLive(name)')
							writer.writeLine(`return this.manager.${methods.read}(${address})`)
						})
						writer.writeLine('const view = fast.dataView')
						read(writer)
					})
					writer.write(',').newLine()
					writer.write(`set(this: StructFieldHost, value: ${valueType}): void `).inlineBlock(() => {
						if (conversion !== '') writer.writeLine(conversion)
						writer.writeLine('const fast = this.manager.fast')
						writer.write('if (!(this.root.liveEnd <= fast.uint8Array.length))').block(() => {
							writer.writeLine('this.checkLive(name)')
							writer.writeLine(`this.manager.${methods.write}(${address}, value)`)
							writer.writeLine('return')
						})
						writer.writeLine('const view = fast.dataView')
						write(writer)
					})
					writer.write(',').newLine()
					writer.write(`read(view: DataView, address: number): ${valueType} `).inlineBlock(() => {
						readChecked(writer)
					})
					writer.write(',').newLine()
				})
			})
	}
}

/** The whole file's statements: one factory per full row, and the table of factories by row name (aliases share). */
export function emitStructFields(elements: readonly NormalizedElement[]): { part: Part; statements: ((writer: CodeBlockWriter) => void)[] } {
	const part = new Part().use('../src/structs/StructRef.js', 'StructFieldAccessor', 'StructFieldHost')
	const statements = elements.filter((element) => element.aliasOf === undefined).map((element, index) => emitStructFieldFactory(element, part, index === 0))
	const byName = new Map(elements.map((element) => [element.name, element]))
	statements.push((writer) => {
		writer.blankLineIfLastNot()
		writer.writeLine('/** @internal The struct-field accessor factory of each element row, by row name (an alias row shares its row\'s). */')
		writer.write('export const structFieldAccessors: { readonly [row: string]: (offset: number, name: string, where: string) => StructFieldAccessor<number | bigint> } =').block(() => {
			for (const element of elements) {
				const target = element.aliasOf === undefined ? element : byName.get(element.aliasOf)!
				writer.writeLine(`${element.name}: ${structFieldFactoryName(target)},`)
			}
		})
	})
	return { part, statements }
}
