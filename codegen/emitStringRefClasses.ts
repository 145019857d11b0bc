/** Emits the string Ref class (`Utf8StringRef`, ...) of every encoding row. */
import { type ClassDeclarationStructure, type CodeBlockWriter, type OptionalKind } from 'ts-morph'
import { lengthMethod, refWriteMethod } from './emitStrings.js'
import { provenance } from './emitted.js'
import type { NormalizedEncoding } from './normalize.js'
import { exportGroupLine, groupedClass } from './docGroups.js'
import { refNameGetter } from './emitRefClasses.js'
import { asMember } from './snippets.js'

type ClassStructure = OptionalKind<ClassDeclarationStructure>

/** The getters every string ref class has alike: `refName` (its class's name) and `bytesPerElement`. */
export function stringRefIdentity(refClass: string, size: number): NonNullable<ClassStructure['getAccessors']> {
	return [
		refNameGetter(refClass),
		{
			name: 'bytesPerElement',
			docs: [`Bytes per encoded element: ${size}.`],
			returnType: `${size}`,
			statements: [`return ${size}`],
		},
	]
}

function stringRefClass(encoding: NormalizedEncoding): ClassStructure {
	const { methods, refClass, bytesPerElement: size } = encoding
	const guard = (member: string): string => `if (this.freed) this.throwFreed('${member}')`
	const capacity = size === 1 ? 'this.allocatedByteSize' : `this.allocatedByteSize / ${size}`
	/**
	 * `read` and the `value` getter: the manager's read, whose errors name it
	 * (`readNullTerminatedUtf8String: ...`), said again naming the member
	 * (`HeapRef.throwAsMember`), out of the path a read that succeeds takes.
	 */
	const readAs = (member: string) => (writer: CodeBlockWriter): void => {
		writer.writeLine(guard(member))
		asMember(member, `return this.manager.${methods.read}(this.address, ${capacity})`)(writer)
	}
	/** The element count before the terminator, its errors naming `member`. */
	const countAs = (member: string): string => `this.manager.${lengthMethod(encoding)}(this.address, ${capacity}, '${refClass}.${member}')`
	/** `write` and the `value` setter: the manager's write, told the member to name in an error. */
	const writeAs = (member: string): string[] => [guard(member), `this.manager.${refWriteMethod(methods.write)}(this.address, value, ${capacity}, '${refClass}.${member}')`]
	return {
		name: refClass,
		isExported: true,
		extends: 'HeapRef',
		docs: [
			`A reference to a null-terminated ${encoding.description} string on the heap, returned by \`${methods.alloc}\` and \`${methods.wrap}\`.\n` +
				`Its capacity is \`allocatedByteSize / ${size}\` elements, terminator included. Every member throws \`Error\` once the ref is freed.` +
				exportGroupLine('String refs'),
		],
		getAccessors: [
			...stringRefIdentity(refClass, size),
			{
				name: 'value',
				docs: ['The stored string: reading it reads as `read()` does, assigning it writes as `write(value)` does, its errors naming `value`.'],
				returnType: 'string',
				statements: readAs('value'),
			},
			{
				name: 'encodedElementCount',
				docs: ['Number of encoded elements before the terminator (found by scanning the allocation).'],
				returnType: 'number',
				statements: [
					guard('encodedElementCount'),
					`return ${countAs('encodedElementCount')}`,
				],
			},
			{
				name: 'encodedByteLength',
				docs: ['Byte length of the encoded string, terminator excluded.'],
				returnType: 'number',
				statements: [guard('encodedByteLength'), size === 1 ? `return ${countAs('encodedByteLength')}` : `return ${countAs('encodedByteLength')} * ${size}`],
			},
			{
				name: 'encodedElementsView',
				docs: [`A \`${encoding.elementsView}\` over the encoded elements, terminator excluded. Use it at once: growing the memory makes it stale.`],
				returnType: encoding.elementsView,
				statements: [
					guard('encodedElementsView'),
					`return this.manager.typedView(${encoding.elementsView}, this.address, ${countAs('encodedElementsView')}, '${refClass}.encodedElementsView')`,
				],
			},
			{
				name: 'encodedBytesView',
				docs: ['A `Uint8Array` over the encoded bytes, terminator excluded. Use it at once: growing the memory makes it stale.'],
				returnType: 'Uint8Array',
				statements: [
					guard('encodedBytesView'),
					`return this.manager.bytesView(this.address, ${countAs('encodedBytesView')}${size === 1 ? '' : ` * ${size}`}, '${refClass}.encodedBytesView')`,
				],
			},
		],
		setAccessors: [
			{
				name: 'value',
				docs: ['Writes a new string (see `write`).'],
				parameters: [{ name: 'value', type: 'string' }],
				statements: writeAs('value'),
			},
		],
		methods: [
			{
				name: 'read',
				docs: ['Reads the string (up to the terminator, or the whole capacity if C left none).'],
				returnType: 'string',
				statements: readAs('read'),
			},
			{
				name: 'write',
				docs: [
					`Writes a new string.\n@throws RangeError if it does not fit in the capacity (nothing is written), or the encoding cannot hold one of its characters`,
				],
				parameters: [{ name: 'value', type: 'string' }],
				returnType: 'void',
				statements: writeAs('write'),
			},
		],
	}
}

/** The string Ref class of one encoding. */
export function emitStringRefClass(encoding: NormalizedEncoding): ClassStructure {
	return groupedClass('emitStringRefClasses', { leadingTrivia: provenance(encoding.name, 'emitStringRefClasses'), ...stringRefClass(encoding) })
}
