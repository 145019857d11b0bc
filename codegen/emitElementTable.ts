/**
 * The element table at run time, and the type-level map from type names to value types:
 * what code outside the generated classes (struct layouts and accessors) needs to know
 * about each row, emitted from the descriptor table rather than copied.
 */
import type { StatementStructures } from 'ts-morph'
import { StructureKind } from 'ts-morph'
import { provenance } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { withArticle } from '../src/wording.js'

/** The statements of `elementTable.generated.ts`. */
export function emitElementTable(elements: readonly NormalizedElement[]): StatementStructures[] {
	return [
		{
			kind: StructureKind.Interface,
			name: 'ElementValueTypes',
			isExported: true,
			docs: ['The JavaScript value type of each element type, by name (what `read<Name>` returns).'],
			properties: elements.map((element) => ({
				leadingTrivia: provenance(element.name, 'emitElementTable'),
				name: element.name,
				type: element.valueType,
				docs: [`${element.description[0]!.toUpperCase()}${element.description.slice(1)}.`],
			})),
		},
		{
			kind: StructureKind.Interface,
			name: 'ElementCIntegers',
			isExported: true,
			docs: ["Each element type's `cInteger` fact at the type level: `'signed'` or `'unsigned'` for a plain C integer, else `null`."],
			properties: elements.map((element) => ({
				name: element.name,
				type: element.cInteger === null ? 'null' : `'${element.cInteger}'`,
				docs: [element.cInteger === null ? `\`${element.name}\` is not a plain C integer.` : `\`${element.name}\` is ${withArticle(element.cInteger)} C integer.`],
			})),
		},
		{
			kind: StructureKind.TypeAlias,
			name: 'ElementTypeName',
			isExported: true,
			docs: ["The name of an element type: `'Int32'`, `'Float64'`, `'Pointer53'`..."],
			type: 'keyof ElementValueTypes',
		},
		{
			kind: StructureKind.Interface,
			name: 'ElementFacts',
			isExported: true,
			docs: ['What the library knows about one element type at run time.'],
			properties: [
				{ name: 'name', isReadonly: true, type: 'ElementTypeName', docs: ["The row's name."] },
				{ name: 'byteSize', isReadonly: true, type: '1 | 2 | 4 | 8', docs: ['Bytes one element occupies.'] },
				{ name: 'alignment', isReadonly: true, type: '1 | 2 | 4 | 8', docs: ['Natural alignment in bytes (C `_Alignof`) on every wasm ABI.'] },
				{ name: 'valueType', isReadonly: true, type: "'number' | 'bigint'", docs: ['The JavaScript type of values read and written.'] },
				{ name: 'cType', isReadonly: true, type: 'string', docs: ['The C type the row stands for.'] },
				{
					name: 'cInteger',
					isReadonly: true,
					type: "'signed' | 'unsigned' | null",
					docs: ['Whether it is a plain C integer (a valid bitfield or enum storage type) and its signedness, else `null`.'],
				},
				{ name: 'aliasOf', isReadonly: true, type: 'ElementTypeName | undefined', docs: ['The row this one is another name for.'] },
			],
		},
		{
			kind: StructureKind.VariableStatement,
			isExported: true,
			docs: ["Every element type's facts, by name."],
			declarationKind: 'const' as never,
			declarations: [
				{
					name: 'elementTable',
					type: '{ readonly [Name in ElementTypeName]: ElementFacts }',
					initializer: (writer) => {
						writer.write('Object.freeze(').inlineBlock(() => {
							for (const element of elements) {
								const alias = element.aliasOf === undefined ? 'undefined' : `'${element.aliasOf}'`
								writer.writeLine(
									`${element.name}: Object.freeze({ name: '${element.name}', byteSize: ${element.byteSize}, alignment: ${element.alignment}, ` +
										`valueType: '${element.valueType}', cType: '${element.cType}', ` +
										`cInteger: ${element.cInteger === null ? 'null' : `'${element.cInteger}'`}, aliasOf: ${alias} }),`,
								)
							}
						}).write(')')
					},
				},
			],
		},
	]
}
