/**
 * Emits the length-delimited string family of every encoding row (Rust `&str`, Zig
 * slices, `std::string_view`: a pointer and an element count, no terminator, U+0000 an
 * ordinary character): `read<Enc>StringSlice`, `write<Enc>StringSlice`,
 * `alloc<Enc>StringSlice`, `wrap<Enc>StringSlice`, the `<Enc>StringSliceRef` class, and
 * the two length functions `encodedLengthOf<Enc>String` and
 * `lengthOfNullTerminated<Enc>String`. Each method calls its own codec's functions
 * directly, as the null-terminated family does.
 */
import { Scope, type ClassDeclarationStructure, type OptionalKind } from 'ts-morph'
import { Part, provenance, type Method } from './emitted.js'
import type { NormalizedEncoding } from './normalize.js'
import { asMember, codeWithArticle, liveLength, modules, type Writer } from './snippets.js'
import { withArticle } from '../src/wording.js'
import { codecFunction, codecFunctions, lengthMethod, refWriteHead, refWriteMethod, writeDecode, writeElementsSpan } from './emitStrings.js'
import { wrapNote } from './emitWrap.js'
import { exportGroupLine, grouped, groupedClass } from './docGroups.js'
import { stringRefIdentity } from './emitStringRefClasses.js'

const emitter = 'emitStringSlices'
const checkedMethod = (method: string): string => `${method}Checked`

function emitRead(encoding: NormalizedEncoding): Method[] {
	const method = encoding.methods.readSlice
	const size = encoding.bytesPerElement
	return [
		{
			name: method,
			docs: [
				`Reads the ${encoding.description} string of exactly \`elementCount\` elements at \`address\` (a Rust \`&str\`, a Zig slice, ` +
					'a `std::string_view`): no terminator is looked for, and U+0000 is an ordinary character.\n' +
					`@throws RangeError if the elements do not lie within the heap, for a bad ${size > 1 ? 'or misaligned ' : ''}address or count${encoding.codec === 'utf32' ? ', or an element above 0x10FFFF' : ''}; TypeError for arguments that are not numbers`,
			],
			parameters: [
				{ name: 'address', type: 'number' },
				{ name: 'elementCount', type: 'number' },
			],
			returnType: 'string',
			statements: (writer) => {
				// One check against the live whole-heap view (an integer start also proves the alignment).
				writer.writeLine(`const elements = this.fast.${encoding.elementsViewField}`)
				writer.writeLine(size === 1 ? 'const start = address' : `const start = typeof address === 'number' ? address / ${size} : Number.NaN`)
				writer
					.write(
						`if (Number.isInteger(start) && start >= 0 && Number.isSafeInteger(elementCount) && elementCount >= 0 && start + elementCount <= ${liveLength('elements')})`,
					)
					.block(() => {
						writer.writeLine('const length = elementCount')
						writeDecode(writer, encoding, method)
					})
				writer.writeLine(`return this.${checkedMethod(method)}(address, elementCount)`)
			},
		},
		{
			name: checkedMethod(method),
			docs: [`@internal The complete, checked path of \`${method}\`: polling, windows past an engine's typed-array cap, every error.`],
			parameters: [
				{ name: 'address', type: 'number' },
				{ name: 'elementCount', type: 'number' },
			],
			returnType: 'string',
			statements: (writer) => {
				writer.writeLine(`this.strings.checkSlice(address, ${size}, elementCount, '${method}')`)
				writer.writeLine('const length = elementCount')
				writeElementsSpan(writer, encoding, 'length')
				writeDecode(writer, encoding, method)
			},
		},
	]
}

/**
 * The public slice write, and `write<Enc>StringSliceAs`, the same write taking the name its
 * errors give (a slice ref's `Utf8StringSliceRef.value`) as `method`: a slice ref's `write`
 * and `value` setter call it, so that an error names what the user called. The public
 * method keeps its names as constants and does not call it: handing its work to the named
 * write (one call more) made the manager's slice writes slower (medians 1.02-1.08x over
 * eight cases, UTF-8 'héllo wörld ☃' 1.04-1.10x in each of six processes, two builds in
 * each, both orders), where the copy and the refs' calls of it cost 1,498 bytes minified and
 * 135 gzipped for the four encodings (the bundle with and without them, at 08a9e4e).
 */
function emitWrite(encoding: NormalizedEncoding): Method[] {
	const method = encoding.methods.writeSlice
	const size = encoding.bytesPerElement
	const statements = (name: string, self: string, retryArguments: string): Method['statements'] => (writer) => {
		writer.writeLine(`if (typeof value !== 'string') throwStringValueError(${name}, value)`)
		writer.writeLine(`const room = this.strings.sliceRoom(address, ${size}, maxElementCount, ${name})`)
		// Measured before anything is written (a UTF-8 measure of a long string keeps its
		// bytes for encodeMeasured), so a string that does not fit leaves no trace.
		writer.writeLine(`const count = ${codecFunction(encoding, 'measure')}(value, ${name})`)
		writer.write('if (count > room)').block(() => {
			writer.writeLine(`this.strings.sliceDoesNotFit(address, count, room, maxElementCount, ${name})`)
			writer.writeLine(`return this.${self}(address, value, maxElementCount${retryArguments})`)
		})
		// The span is the string's own size: never a view larger than the value needs.
		writeElementsSpan(writer, encoding, 'count')
		writer.writeLine(`${codecFunction(encoding, 'encodeMeasured')}(value, elements, start, count)`)
		writer.writeLine('return count')
	}
	const named = refWriteMethod(method)
	return [
		{
			name: method,
			docs: [
				`Writes \`value\` as ${withArticle(encoding.description)} string without a terminator at \`address\` and returns the number of elements written ` +
					'(the length to hand to Rust, Zig or C++ with the address). U+0000 is written as an ordinary character.\n' +
					`@param maxElementCount the room at \`address\` in elements (default: up to the heap's end)\n` +
					`@throws RangeError if the string does not fit (nothing is written), for a bad ${size > 1 ? 'or misaligned ' : ''}address or room, ` +
					`or for a character the encoding cannot hold; TypeError if \`value\` is not a string`,
			],
			parameters: [
				{ name: 'address', type: 'number' },
				{ name: 'value', type: 'string' },
				{ name: 'maxElementCount', type: 'number', hasQuestionToken: true },
			],
			returnType: 'number',
			statements: statements(`'${method}'`, method, ''),
		},
		{
			...refWriteHead(method, encoding.sliceRefClass),
			statements: statements('method', named, ', method'),
		},
	]
}

function emitAlloc(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.allocSlice
	const size = encoding.bytesPerElement
	const refClass = encoding.sliceRefClass
	return {
		name: method,
		docs: [
			`Allocates ${withArticle(encoding.description)} string without a terminator and returns ${codeWithArticle(refClass)} to it.\n` +
				`@param valueOrCapacity a string, encoded once and allocated at exactly its size; or a capacity in elements ` +
				`(allocates \`capacity * ${size}\` bytes, holding an empty string). An empty string allocates no element but still gets a unique address\n` +
				'@throws Error if the allocator fails; RangeError or TypeError for a bad capacity or a string the encoding cannot hold (nothing stays allocated)',
		],
		parameters: [{ name: 'valueOrCapacity', type: 'string | number' }],
		returnType: refClass,
		statements: (writer) => {
			writer.write(`if (typeof valueOrCapacity !== 'string')`).block(() => {
				writer.writeLine(`const capacity = this.strings.allocationCapacity(valueOrCapacity, '${method}')`)
				writer.writeLine(`const address = this.core.allocateRegion(capacity * ${size}, ${size}, '${method}')`)
				writer.writeLine(`return this.core.track(new ${refClass}(this, address, capacity * ${size}, this.core.tracking, 0), ${size})`)
			})
			writer.writeLine(`const count = ${codecFunction(encoding, 'measure')}(valueOrCapacity, '${method}')`)
			// (every byte written below: not zeroed first)
			writer.writeLine(`const address = this.core.allocateRegion(count * ${size}, ${size}, '${method}', true)`)
			writeElementsSpan(writer, encoding, 'count')
			writer.writeLine(`${codecFunction(encoding, 'encodeMeasured')}(valueOrCapacity, elements, start, count)`)
			writer.writeLine(`return this.core.track(new ${refClass}(this, address, count * ${size}, this.core.tracking, count), ${size})`)
		},
	}
}

function emitWrap(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.wrapSlice
	const size = encoding.bytesPerElement
	const refClass = encoding.sliceRefClass
	return {
		name: method,
		docs: [
			`Wraps ${withArticle(encoding.description)} string of \`elementCount\` elements that already exists at \`address\` ` +
				`(a Rust \`&str\` or \`String\` buffer, a Zig slice) in ${codeWithArticle(refClass)}; its length is \`elementCount\`, its capacity \`options.capacity\` (a Rust \`String\`'s spare room, which \`write\` may fill and \`free()\` hands the deallocator) or else \`elementCount\`.\n` +
				wrapNote +
				`@throws RangeError if \`address\` is 0, ${size > 1 ? 'misaligned, ' : ''}or the elements do not lie within the heap; TypeError or RangeError for a bad count or options`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'elementCount', type: 'number' },
			{ name: 'options', type: 'StringSliceWrapOptions', hasQuestionToken: true },
		],
		returnType: refClass,
		statements: [
			`const count = this.strings.capacity(elementCount, '${method}')`,
			`const capacity = this.strings.wrappedSliceCapacity(count, options, '${method}')`,
			`this.wrapRegion(address, capacity * ${size}, ${size}, '${method}')`,
			`return this.core.wrapped(new ${refClass}(this, address, capacity * ${size}, false, count), ${size}, options, '${method}', stringSliceWrapOptionNames)`,
		],
	}
}

function emitLengths(encoding: NormalizedEncoding): Method[] {
	const { encodedLength, length } = encoding.methods
	return [
		{
			name: encodedLength,
			docs: [
				`The number of ${encoding.description} elements \`value\` encodes to, without a terminator, counted without encoding it ` +
					`(what \`${encoding.methods.writeSlice}\` would return, and one less than \`${encoding.methods.write}\` needs).\n` +
					`@throws TypeError if \`value\` is not a string${encoding.codec === 'ascii' ? '; RangeError for a character above U+007F (naming it and its index)' : ''}`,
			],
			parameters: [{ name: 'value', type: 'string' }],
			returnType: 'number',
			statements: [
				`if (typeof value !== 'string') throwStringValueError('${encodedLength}', value)`,
				`return ${codecFunction(encoding, 'encodedLength')}(value, '${encodedLength}')`,
			],
		},
		{
			name: length,
			docs: [
				`The number of ${encoding.description} elements before the first 0 element at \`address\`: C's \`strlen\` on the heap.\n` +
					'@param maxElementCount look at most this many elements, and return it if none is 0 (like `strnlen`); without it the string must end before the heap does\n' +
					`@throws RangeError for a bad ${encoding.bytesPerElement > 1 ? 'or misaligned ' : ''}address or count, or a missing terminator`,
			],
			parameters: [
				{ name: 'address', type: 'number' },
				{ name: 'maxElementCount', type: 'number', hasQuestionToken: true },
			],
			returnType: 'number',
			statements: [`return this.${lengthMethod(encoding)}(address, maxElementCount, '${length}')`],
		},
	]
}

/** The manager's length-delimited string methods of one encoding, and the imports they use. */
export function emitStringSliceMethods(encoding: NormalizedEncoding): Part {
	const part = new Part()
	part.use(modules.codec(encoding.codec), ...codecFunctions.map((name) => `${name} as ${codecFunction(encoding, name)}`))
	part.use(modules.errors, 'throwStringDecodeError', 'throwStringValueError')
	part.use(modules.refs, encoding.sliceRefClass)
	part.use(modules.strings, 'type StringSliceWrapOptions', 'stringSliceWrapOptionNames')
	const trivia = provenance(encoding.name, emitter)
	for (const method of [...emitRead(encoding), ...emitWrite(encoding), emitAlloc(encoding), emitWrap(encoding), ...emitLengths(encoding)]) {
		part.methods.push({ leadingTrivia: trivia, ...method })
	}
	return grouped('emitStringSlices', part)
}

/** The `<Enc>StringSliceRef` class of one encoding. */
export function emitStringSliceRefClass(encoding: NormalizedEncoding): OptionalKind<ClassDeclarationStructure> {
	const { methods, sliceRefClass: refClass, bytesPerElement: size } = encoding
	const guard = (member: string): string => `if (this.freed) this.throwFreed('${member}')`
	const capacity = size === 1 ? 'this.allocatedByteSize' : `this.allocatedByteSize / ${size}`
	/** `read` and the `value` getter: the manager's slice read, its errors said again naming the member. */
	const readAs = (member: string): Writer => (writer) => {
		writer.writeLine(guard(member))
		asMember(member, `return this.manager.${methods.readSlice}(this.address, this.currentElementCount)`)(writer)
	}
	/** The manager's slice write, told the member to name in an error (`Utf8StringSliceRef.value`). */
	const writeAs = (member: string): string => `this.manager.${refWriteMethod(methods.writeSlice)}(this.address, value, ${capacity}, '${refClass}.${member}')`
	return groupedClass('emitStringSlices', {
		leadingTrivia: provenance(encoding.name, emitter),
		name: refClass,
		isExported: true,
		extends: 'HeapRef',
		docs: [
			`A reference to ${withArticle(encoding.description)} string without a terminator (a Rust \`&str\` or \`String\` buffer, a Zig slice), ` +
				`returned by \`${methods.allocSlice}\` and \`${methods.wrapSlice}\`. It holds \`elementCount\` elements (the current length, ` +
				`set by \`write\`) in room for \`capacity\`; U+0000 is an ordinary character. Every member but \`capacity\` throws \`Error\` once the ref is freed.` +
				exportGroupLine('String slice refs'),
		],
		properties: [
			{
				name: 'currentElementCount',
				scope: Scope.Private,
				docs: ['@internal The current length in elements.'],
				type: 'number',
			},
		],
		ctors: [
			{
				docs: [`Slice refs are made by the manager's \`${methods.allocSlice}\` and \`${methods.wrapSlice}\`, which check the region first.`],
				parameters: [
					{ name: 'manager', type: 'WasmHeapManager' },
					{ name: 'address', type: 'number' },
					{ name: 'allocatedByteSize', type: 'number' },
					{ name: 'tracked', type: 'boolean' },
					{ name: 'elementCount', type: 'number' },
				],
				statements: ['super(manager, address, allocatedByteSize, tracked)', 'this.currentElementCount = elementCount'],
			},
		],
		getAccessors: [
			...stringRefIdentity(refClass, size),
			{
				name: 'capacity',
				docs: [`Elements the region holds: \`allocatedByteSize / ${size}\`.`],
				returnType: 'number',
				statements: [`return ${capacity}`],
			},
			{
				name: 'elementCount',
				docs: ['The current length in elements: what the last `write` wrote, or what the ref was made with.'],
				returnType: 'number',
				statements: [guard('elementCount'), 'return this.currentElementCount'],
			},
			{
				name: 'value',
				docs: ['The stored string: reading it reads as `read()` does, assigning it writes as `write(value)` does, its errors naming `value`.'],
				returnType: 'string',
				statements: readAs('value'),
			},
			{
				name: 'encodedByteLength',
				docs: ['Byte length of the current string: `elementCount * bytesPerElement`.'],
				returnType: 'number',
				statements: [guard('encodedByteLength'), size === 1 ? 'return this.currentElementCount' : `return this.currentElementCount * ${size}`],
			},
			{
				name: 'encodedElementsView',
				docs: [`A \`${encoding.elementsView}\` over the current string's \`elementCount\` elements. Use it at once: growing the memory makes it stale.`],
				returnType: encoding.elementsView,
				statements: [
					guard('encodedElementsView'),
					`return this.manager.typedView(${encoding.elementsView}, this.address, this.currentElementCount, '${refClass}.encodedElementsView')`,
				],
			},
			{
				name: 'encodedBytesView',
				docs: ["A `Uint8Array` over the current string's bytes. Use it at once: growing the memory makes it stale."],
				returnType: 'Uint8Array',
				statements: [
					guard('encodedBytesView'),
					`return this.manager.bytesView(this.address, this.encodedByteLength, '${refClass}.encodedBytesView')`,
				],
			},
		],
		setAccessors: [
			{
				name: 'value',
				docs: ['Writes a new string (see `write`).'],
				parameters: [{ name: 'value', type: 'string' }],
				statements: [guard('value'), `this.currentElementCount = ${writeAs('value')}`],
			},
		],
		methods: [
			{
				name: 'read',
				docs: ['Reads the current string: its `elementCount` elements.'],
				returnType: 'string',
				statements: readAs('read'),
			},
			{
				name: 'write',
				docs: [
					'Writes a new string and makes its length the new `elementCount`. Returns that length.\n' +
						'@throws RangeError if it does not fit in the capacity (nothing is written, the length stays), or the encoding cannot hold one of its characters',
				],
				parameters: [{ name: 'value', type: 'string' }],
				returnType: 'number',
				statements: [
					guard('write'),
					`const written = ${writeAs('write')}`,
					'this.currentElementCount = written',
					'return written',
				],
			},
		],
	})
}
