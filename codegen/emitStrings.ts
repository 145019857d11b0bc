/**
 * Emits the null-terminated string methods of every encoding row: read, write, alloc,
 * wrap, and the internal length scan the string refs use. Each method calls its own
 * codec's functions directly (imported as `decodeUtf8`, `writeUtf16`, ...).
 */
import type { CodeBlockWriter } from 'ts-morph'
import { Scope } from 'ts-morph'
import { Part, provenance, type Method } from './emitted.js'
import type { NormalizedEncoding } from './normalize.js'
import { alignedIndexTest, codeWithArticle, modules } from './snippets.js'
import { wrapNote } from './emitWrap.js'
import { grouped } from './docGroups.js'

/** The codec functions every codec module exports. */
export const codecFunctions = ['findTerminator', 'decode', 'measure', 'encodedLength', 'encodeMeasured', 'write'] as const

/** `decode` of codec `utf8` is imported as `decodeUtf8`. */
export const codecFunction = (encoding: NormalizedEncoding, name: (typeof codecFunctions)[number]): string =>
	`${name}${encoding.codecSuffix}`

/**
 * Declares `elements` and `start`: the whole-heap elements view and the string's index
 * in it, or, when the span reaches past that view (an engine's typed-array cap), a
 * window over just the span.
 */
export function writeElementsSpan(writer: CodeBlockWriter, encoding: NormalizedEncoding, countExpression: string): void {
	const size = encoding.bytesPerElement
	writer.writeLine(`let elements = this.views.${encoding.elementsViewField}`)
	writer.writeLine(`let start = ${size === 1 ? 'address' : `address / ${size}`}`)
	writer.write(`if (start + ${countExpression} > elements.length)`).block(() => {
		writer.writeLine(`elements = new ${encoding.elementsView}(this.views.buffer, address, ${countExpression})`)
		writer.writeLine('start = 0')
	})
}

/** The complete read: polling, windows past an engine's typed-array cap, every error. */
function emitCheckedRead(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.read
	const size = encoding.bytesPerElement
	return {
		name: checkedMethod(method),
		docs: [
			'@internal The complete, checked path of `' + method + '`, taken when its fast path does not apply.',
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'maxElementCount', type: 'number | undefined' },
		],
		returnType: 'string',
		statements: (writer) => {
			writer.writeLine(`const scan = this.strings.scanLimit(address, ${size}, maxElementCount, '${method}')`)
			writer.writeLine(
				`let length = this.strings.findTerminator(this.views.${encoding.elementsViewField}, address, scan, ${codecFunction(encoding, 'findTerminator')})`,
			)
			writer.write('if (length < 0)').block(() => {
				writer.writeLine(`length = this.strings.unterminatedLength(address, ${size}, scan, maxElementCount, '${method}')`)
				writer.writeLine(`if (length < 0) return this.${checkedMethod(method)}(address, maxElementCount)`)
			})
			writeElementsSpan(writer, encoding, 'length')
			writeDecode(writer, encoding, method)
		},
	}
}

/**
 * Declares `elements` (the whole-heap view the hot paths check against: empty in
 * 'always' mode and once detached) and `start`, the string's index in it, and returns
 * the test that `address` is a valid start in it (see {@link alignedIndexTest}; an
 * address it refuses goes to the checked path).
 */
function writeFastSpan(writer: CodeBlockWriter, encoding: NormalizedEncoding): string {
	writer.writeLine(`const elements = this.fast.${encoding.elementsViewField}`)
	return alignedIndexTest(writer, encoding.bytesPerElement, 'start')
}

export function writeDecode(writer: CodeBlockWriter, encoding: NormalizedEncoding, method: string): void {
	writer.write('try').block(() => {
		writer.writeLine(`return ${codecFunction(encoding, 'decode')}(elements, start, length)`)
	})
	writer.write('catch (error)').block(() => {
		writer.writeLine(`throwStringDecodeError('${method}', address, error)`)
	})
}

/** `decodeShortTerminated` of the codec of a row with `decodesShortInOnePass`, as imported: `decodeShortTerminatedUtf32`. */
const shortDecoder = (encoding: NormalizedEncoding): string => `decodeShortTerminated${encoding.codecSuffix}`

/** The public read: one check against the live whole-heap view, else the checked path. */
function emitRead(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.read
	const size = encoding.bytesPerElement
	return {
		name: method,
		docs: [
			`Reads a null-terminated ${encoding.description} string at \`address\`.\n` +
				`@param maxElementCount read at most this many elements (then no terminator is needed, like \`strnlen\`); ` +
				`without it the string must end before the heap does\n` +
				`@throws RangeError for a bad ${size > 1 ? 'or misaligned ' : ''}address, or a missing terminator`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'maxElementCount', type: 'number', hasQuestionToken: true },
		],
		returnType: 'string',
		statements: (writer) => {
			const validStart = writeFastSpan(writer, encoding)
			writer.write(`if (${validStart})`).block(() => {
				writer.writeLine('let scan = elements.length - start')
				writer.write('if (maxElementCount !== undefined)').block(() => {
					writer.writeLine(
						`if (!(Number.isSafeInteger(maxElementCount) && maxElementCount >= 0)) return this.${checkedMethod(method)}(address, maxElementCount)`,
					)
					writer.writeLine('if (maxElementCount < scan) scan = maxElementCount')
				})
				if (encoding.decodesShortInOnePass) {
					writer.writeLine(`const short = ${shortDecoder(encoding)}(elements, start, scan)`)
					writer.writeLine('if (short !== undefined) return short')
				}
				writer.writeLine(`let length = ${codecFunction(encoding, 'findTerminator')}(elements, start, scan)`)
				writer.writeLine('if (length < 0 && scan === maxElementCount) length = scan')
				writer.write('if (length >= 0)').block(() => {
					writeDecode(writer, encoding, method)
				})
			})
			writer.writeLine(`return this.${checkedMethod(method)}(address, maxElementCount)`)
		},
	}
}

/** The complete write: polling, windows past an engine's typed-array cap, every error. */
function emitCheckedWrite(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.write
	const size = encoding.bytesPerElement
	return {
		name: checkedMethod(method),
		docs: [
			'@internal The complete, checked path of `' + method + '`, taken when its fast path does not apply; ' +
				"its errors name `method`: `" + method + "`, or a string ref's member that called it (`" + encoding.refClass + ".value`).",
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: 'string' },
			{ name: 'maxElementCount', type: 'number | undefined' },
			{ name: 'method', type: 'string', initializer: `'${method}'` },
		],
		returnType: 'number',
		statements: (writer) => {
			writer.writeLine(`if (typeof value !== 'string') throwStringValueError(method, value)`)
			writer.writeLine(`const room = this.strings.room(address, ${size}, maxElementCount, method)`)
			// Never more room than the string can need: an engine's encoder or typed array
			// may refuse a larger span (Node 20's encodeInto writes nothing into 2^31 bytes).
			const most = encoding.maxElementsPerCodeUnit === 1 ? 'value.length' : `value.length * ${encoding.maxElementsPerCodeUnit}`
			writer.writeLine(`const span = room > ${most} ? ${most} + 1 : room`)
			writeElementsSpan(writer, encoding, 'span')
			writer.writeLine(`const written = ${codecFunction(encoding, 'write')}(value, elements, start, span, method)`)
			writer.write('if (written < 0)').block(() => {
				writer.writeLine(`this.strings.doesNotFit(address, ${codecFunction(encoding, 'measure')}(value, method) + 1, room, maxElementCount, method)`)
				writer.writeLine(`return this.${checkedMethod(method)}(address, value, maxElementCount, method)`)
			})
			writer.writeLine('return written')
		},
	}
}

/**
 * The internal write of a string ref's or string slice ref's `write` and `value` setter,
 * `writeNullTerminatedUtf8StringAs` or `writeUtf8StringSliceAs`: the public write taking the
 * name its errors give.
 */
export const refWriteMethod = (method: string): string => `${method}As`

/**
 * The head of `refWriteMethod(method)` for the ref class `refClass` (a string ref or a string
 * slice ref): its name, docs, parameters (the public write's and the `method` its errors
 * name) and return type; each emitter gives the statements.
 */
export function refWriteHead(method: string, refClass: string): Pick<Method, 'name' | 'docs' | 'parameters' | 'returnType'> {
	return {
		name: refWriteMethod(method),
		docs: [`@internal \`${method}\` for ${refClass.endsWith('SliceRef') ? 'a slice ref' : 'a string ref'}'s \`write\` and \`value\` setter: its errors name \`method\` (\`${refClass}.value\`).`],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: 'string' },
			{ name: 'maxElementCount', type: 'number' },
			{ name: 'method', type: 'string' },
		],
		returnType: 'number',
	}
}

/**
 * The public write: one check against the live whole-heap view, else the checked path.
 * `forRef`: the same, as `refWriteMethod`, taking the name its errors give (`Utf8StringRef.value`)
 * as `method`: a string ref's `write` and `value` setter call it, so that an error names
 * what the user called, and the public method stays as it is (a fourth parameter there,
 * passed on to the checked path only, measured 1.01-1.13x slower UTF-8 writes through the
 * manager once refs had called it with four arguments, eight processes, both orders).
 */
function emitWrite(encoding: NormalizedEncoding, forRef = false): Method {
	const method = encoding.methods.write
	const size = encoding.bytesPerElement
	const name = forRef ? 'method' : `'${method}'`
	const checked = `this.${checkedMethod(method)}(address, value, maxElementCount${forRef ? ', method' : ''})`
	if (forRef) {
		return {
			...emitWrite(encoding),
			...refWriteHead(method, encoding.refClass),
			statements: (writer) => writeFastWrite(writer, encoding, name, checked, true),
		}
	}
	return {
		name: method,
		docs: [
			`Writes \`value\` as a null-terminated ${encoding.description} string at \`address\` and returns the number of elements written, not counting the terminator.\n` +
				`@param maxElementCount the room at \`address\` in elements, terminator included (default: up to the heap's end)\n` +
				`@throws RangeError if the string does not fit (nothing is written), for a bad ${size > 1 ? 'or misaligned ' : ''}address, or for a character the encoding cannot hold; TypeError if \`value\` is not a string`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: 'string' },
			{ name: 'maxElementCount', type: 'number', hasQuestionToken: true },
		],
		returnType: 'number',
		statements: (writer) => writeFastWrite(writer, encoding, name, checked, false),
	}
}

/**
 * The body of a write's fast path (see emitWrite): the codec's errors name `name`, and
 * `checked` is the call of the checked path. A ref's write (`forRef`) always has a room.
 */
function writeFastWrite(writer: CodeBlockWriter, encoding: NormalizedEncoding, name: string, checked: string, forRef: boolean): void {
	const validStart = writeFastSpan(writer, encoding)
	writer.write(`if (typeof value === 'string' && ${validStart})`).block(() => {
		const limit = (): void => {
			writer.writeLine(
				// Number.isInteger, not isSafeInteger: the room bounds it anyway (measured
				// within noise of isSafeInteger in the strings suite: bench/notes.ts).
				`if (!(Number.isInteger(maxElementCount) && maxElementCount >= 1 && maxElementCount <= ${forRef ? 'elements.length - start' : 'room'})) return ${checked}`,
			)
		}
		if (forRef) {
			limit()
			writer.writeLine(`const written = ${codecFunction(encoding, 'write')}(value, elements, start, maxElementCount, ${name})`)
			writer.writeLine('if (written >= 0) return written')
			return
		}
		writer.writeLine('let room = elements.length - start')
		writer.write('if (maxElementCount !== undefined)').block(() => {
			limit()
			writer.writeLine('room = maxElementCount')
		})
		writer.writeLine(`const written = ${codecFunction(encoding, 'write')}(value, elements, start, room, ${name})`)
		writer.writeLine('if (written >= 0) return written')
	})
	writer.writeLine(`return ${checked}`)
}

function emitAlloc(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.alloc
	const size = encoding.bytesPerElement
	const bits = size * 8
	const tracked = 'this.core.tracking'
	return {
		name: method,
		docs: [
			`Allocates a null-terminated ${encoding.description} string and returns ${codeWithArticle(encoding.refClass)} to it.\n` +
				`@param capacityOrValue a capacity in elements, not counting the terminator (allocates \`(capacity + 1) * ${size}\` bytes holding an empty string), ` +
				`or a string, encoded once and allocated at exactly its size plus the terminator\n` +
				`@throws Error if the allocator fails; RangeError or TypeError for a bad capacity or a string the encoding cannot hold (nothing stays allocated)`,
		],
		parameters: [{ name: 'capacityOrValue', type: 'number | string' }],
		returnType: encoding.refClass,
		statements: (writer) => {
			writer.write(`if (typeof capacityOrValue !== 'string')`).block(() => {
				writer.writeLine(`const capacity = this.strings.allocationCapacity(capacityOrValue, '${method}')`)
				writer.writeLine(`const byteSize = (capacity + 1) * ${size}`)
				writer.writeLine(`const address = this.core.allocateRegion(byteSize, ${size}, '${method}')`)
				writer.writeLine('// An empty string even when clearAllocatedRegions is off.')
				writer.writeLine(`this.views.dataView.setUint${bits}(address, 0${size === 1 ? '' : ', true'})`)
				writer.writeLine(`return this.core.track(new ${encoding.refClass}(this, address, byteSize, ${tracked}), ${size})`)
			})
			writer.writeLine(`const count = ${codecFunction(encoding, 'measure')}(capacityOrValue, '${method}')`)
			// (every byte written below, the terminator too: not zeroed first)
			writer.writeLine(`const address = this.core.allocateRegion((count + 1) * ${size}, ${size}, '${method}', true)`)
			writeElementsSpan(writer, encoding, 'count + 1')
			writer.writeLine(`${codecFunction(encoding, 'encodeMeasured')}(capacityOrValue, elements, start, count)`)
			writer.writeLine('elements[start + count] = 0')
			writer.writeLine(`return this.core.track(new ${encoding.refClass}(this, address, (count + 1) * ${size}, ${tracked}), ${size})`)
		},
	}
}

function emitWrap(encoding: NormalizedEncoding): Method {
	const method = encoding.methods.wrap
	const size = encoding.bytesPerElement
	return {
		name: method,
		docs: [
			`Wraps a null-terminated ${encoding.description} string that already exists at \`address\` (for example one C returned) in ${codeWithArticle(encoding.refClass)}.\n` +
				`@param maxElementCount its capacity in elements, terminator included (default: its current length + 1)\n` +
				wrapNote +
				`@throws RangeError if \`address\` is 0, ${size > 1 ? 'misaligned, ' : ''}out of range, or (without \`maxElementCount\`) the string has no terminator; TypeError for bad options`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'maxElementCount', type: 'number', hasQuestionToken: true },
			{ name: 'options', type: 'WrapOptions', hasQuestionToken: true },
		],
		returnType: encoding.refClass,
		statements: (writer) => {
			writer.writeLine(`this.wrapRegion(address, ${size}, ${size}, '${method}')`)
			writer.writeLine(
				`const capacity = maxElementCount === undefined ? this.${lengthMethod(encoding)}(address, undefined, '${method}') + 1 : this.strings.capacity(maxElementCount, '${method}')`,
			)
			writer.writeLine(
				`if (capacity === 0) throw raise(wrapMaxElementCountZero, '${method}')`,
			)
			writer.writeLine(`this.wrapRegion(address, capacity * ${size}, ${size}, '${method}')`)
			writer.writeLine(`return this.core.wrapped(new ${encoding.refClass}(this, address, capacity * ${size}, false), ${size}, options, '${method}')`)
		},
	}
}

/** The internal checked path of a public method, e.g. `readNullTerminatedUtf8StringChecked`. */
export const checkedMethod = (method: string): string => `${method}Checked`

/** The internal length scan's name, e.g. `nullTerminatedUtf8Length`. */
export const lengthMethod = (encoding: NormalizedEncoding): string => `nullTerminated${encoding.name}Length`

function emitLength(encoding: NormalizedEncoding): Method {
	const method = lengthMethod(encoding)
	const size = encoding.bytesPerElement
	return {
		name: method,
		scope: Scope.Public,
		docs: [
			'@internal The number of elements before the terminator at `address`, scanning at most `maxElementCount` (which is returned when reached).',
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'maxElementCount', type: 'number | undefined' },
			{ name: 'method', type: 'string' },
		],
		returnType: 'number',
		statements: (writer) => {
			writer.writeLine(`const scan = this.strings.scanLimit(address, ${size}, maxElementCount, method)`)
			writer.writeLine(
				`const length = this.strings.findTerminator(this.views.${encoding.elementsViewField}, address, scan, ${codecFunction(encoding, 'findTerminator')})`,
			)
			writer.writeLine('if (length >= 0) return length')
			writer.writeLine(`const unterminated = this.strings.unterminatedLength(address, ${size}, scan, maxElementCount, method)`)
			writer.writeLine(`return unterminated < 0 ? this.${method}(address, maxElementCount, method) : unterminated`)
		},
	}
}

/** The string methods of one encoding, and the imports they use. */
export function emitStringMethods(encoding: NormalizedEncoding): Part {
	const part = new Part()
	part.use(modules.codec(encoding.codec), ...codecFunctions.map((name) => `${name} as ${codecFunction(encoding, name)}`))
	if (encoding.decodesShortInOnePass) part.use(modules.codec(encoding.codec), `decodeShortTerminated as ${shortDecoder(encoding)}`)
	part.use(modules.errors, 'throwStringDecodeError', 'throwStringValueError')
	part.use(modules.messages, 'raise', 'wrapMaxElementCountZero')
	part.use(modules.refs, encoding.refClass)
	part.use(modules.core, 'type WrapOptions')
	const trivia = provenance(encoding.name, 'emitStrings')
	for (const method of [
		emitRead(encoding),
		emitCheckedRead(encoding),
		emitWrite(encoding),
		emitWrite(encoding, true),
		emitCheckedWrite(encoding),
		emitAlloc(encoding),
		emitWrap(encoding),
		emitLength(encoding),
	]) {
		part.methods.push({ leadingTrivia: trivia, ...method })
	}
	return grouped('emitStrings', part)
}
