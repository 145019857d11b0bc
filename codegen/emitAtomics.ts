/**
 * The atomic facet of an element row, in one place: the manager's
 * `read<T>Atomic`/`write<T>Atomic`, the read-modify-write operations the row has
 * (`add<T>Atomic` … `compareExchange<T>Atomic`, from the operations table) and, for rows
 * that can be waited on, `wait<T>`/`wait<T>Async`; the value ref's `readAtomic()`,
 * `writeAtomic(v)`, `addAtomic(v)` …; the array ref's `readAtomicAt(i)`,
 * `writeAtomicAt(i, v)`, `addAtomicAt(i, v)` …. The row's atomic strategy decides how a
 * value crosses the integer view `Atomics` needs.
 */
import { indexCheck } from './emitAccess.js'
import { facetParts, provenance, type FacetParts, type Method, type Part } from './emitted.js'
import type { NormalizedAtomicOperation, NormalizedElement } from './normalize.js'
import { atomicAccessCheck, describeElement, liveRefValue, modules, pointer53ValueCheck, refThrowsDoc, typeErrorDoc, valueConversion, type Writer } from './snippets.js'
import { grouped, groupedMembers } from './docGroups.js'

const emitter = 'emitAtomics'

const strategyNotes: Record<NormalizedElement['atomicStrategy'], string> = {
	native: '',
	viaBits: ' The value moves as its exact bit pattern through an integer atomic.',
	clampThenUint8: ' The value is clamped as `Uint8ClampedArray` does, then stored with a `Uint8` atomic.',
	viaBigUint64: ' The pointer moves through a 64-bit unsigned integer atomic.',
}

/** `return <value loaded from view[index]>`, converted back from what the atomic view holds. */
function loadStatements(element: NormalizedElement, method: string, part: Part): Writer {
	switch (element.atomicStrategy) {
		case 'native':
		case 'clampThenUint8':
			return (writer) => writer.writeLine('return Atomics.load(view, index)')
		case 'viaBits': {
			const { fromBits } = element.atomicBits!
			part.use(modules.conversions, fromBits)
			return (writer) => writer.writeLine(`return ${fromBits}(Atomics.load(view, index))`)
		}
		case 'viaBigUint64':
			part.use(modules.conversions, 'maxPointer53').use(modules.errors, 'throwPointer53StoredError')
			return (writer) => {
				writer.writeLine('const stored = Atomics.load(view, index)')
				writer.writeLine(
					`if (stored > maxPointer53) throwPointer53StoredError('${method}', address, Number(stored >> 32n), Number(stored & 0xffffffffn))`,
				)
				writer.writeLine('return Number(stored)')
			}
	}
}

/** `Atomics.store(view, index, <value converted to what the atomic view holds>)`. */
function storeStatements(element: NormalizedElement, method: string, part: Part): Writer {
	switch (element.atomicStrategy) {
		case 'native':
			return (writer) => writer.writeLine('Atomics.store(view, index, value)')
		case 'clampThenUint8':
			part.use(modules.conversions, 'clampToUint8')
			return (writer) => writer.writeLine('Atomics.store(view, index, clampToUint8(value))')
		case 'viaBits': {
			const { toBits } = element.atomicBits!
			part.use(modules.conversions, toBits)
			return (writer) => writer.writeLine(`Atomics.store(view, index, ${toBits}(value))`)
		}
		case 'viaBigUint64': {
			const check = pointer53ValueCheck(method, part)
			return (writer) => {
				check(writer)
				writer.writeLine('Atomics.store(view, index, BigInt(value))')
			}
		}
	}
}

/** The value parameters of an operation: `value`, or `expected` and `replacement`. */
function valueNames(operation: NormalizedAtomicOperation): string[] {
	return operation.shape === 'compareExchange' ? ['expected', 'replacement'] : ['value']
}

/** What an operation does beyond `Atomics.<op>` on the row's own view, by strategy (a TSDoc sentence). */
function operationNote(element: NormalizedElement, operation: NormalizedAtomicOperation): string {
	switch (element.atomicStrategy) {
		case 'native':
			return operation.operator === '+' || operation.operator === '-' ? ' The result wraps around, as in C.' : ''
		case 'clampThenUint8':
			return ` Values are clamped as \`${element.methods.write}\` clamps them, then exchanged with a \`Uint8\` atomic.`
		case 'viaBits':
			if (operation.shape === 'combine') {
				return (
					' A compare-exchange loop on the bit pattern, as C compiles it for a floating type; the operand and ' +
					`the result are rounded as \`${element.methods.write}\` rounds.`
				)
			}
			return operation.shape === 'compareExchange'
				? ' Compares bit patterns, as C does: `-0` does not match `0`, and a `NaN` matches a `NaN` with the same bits.'
				: ' The value moves as its exact bit pattern.'
		case 'viaBigUint64':
			return operation.shape === 'compareExchange'
				? ' The stored uint64 is compared with `expected`.'
				: ' A compare-exchange loop on the stored uint64, so that an invalid stored value or result throws with nothing written.'
	}
}

/** The statements after the address check of one read-modify-write operation: do it and return the old value. */
function operationStatements(element: NormalizedElement, operation: NormalizedAtomicOperation, method: string, part: Part): Writer {
	const { name, shape, operator } = operation
	switch (element.atomicStrategy) {
		case 'native':
			return (writer) =>
				writer.writeLine(
					shape === 'compareExchange'
						? 'return Atomics.compareExchange(view, index, expected, replacement)'
						: `return Atomics.${name}(view, index, value)`,
				)
		case 'clampThenUint8':
			part.use(modules.conversions, 'clampToUint8')
			if (shape === 'combine') throw new Error(`${element.name}: '${name}' cannot run on a clamped row`)
			return (writer) =>
				writer.writeLine(
					shape === 'compareExchange'
						? 'return Atomics.compareExchange(view, index, clampToUint8(expected), clampToUint8(replacement))'
						: 'return Atomics.exchange(view, index, clampToUint8(value))',
				)
		case 'viaBits': {
			const { toBits, fromBits } = element.atomicBits!
			part.use(modules.conversions, toBits, fromBits)
			if (shape === 'compareExchange') {
				return (writer) =>
					writer.writeLine(`return ${fromBits}(Atomics.compareExchange(view, index, ${toBits}(expected), ${toBits}(replacement)))`)
			}
			if (shape === 'exchange') return (writer) => writer.writeLine(`return ${fromBits}(Atomics.exchange(view, index, ${toBits}(value)))`)
			return (writer) => {
				// Rounded once to the type, as a write rounds it; the sum of two such values in a
				// double, rounded once more by the bit conversion, is the correctly rounded sum.
				writer.writeLine(`const operand = ${fromBits}(${toBits}(value))`)
				writer.writeLine('let stored = Atomics.load(view, index)')
				writer.write('for (;;)').block(() => {
					writer.writeLine(`const old = ${fromBits}(stored)`)
					// Compared as bits: a stored NaN or -0 is replaced like any other value.
					writer.writeLine(`const seen = Atomics.compareExchange(view, index, stored, ${toBits}(old ${operator} operand))`)
					writer.writeLine('if (seen === stored) return old')
					writer.writeLine('stored = seen')
				})
			}
		}
		case 'viaBigUint64': {
			part.use(modules.conversions, 'maxPointer53').use(modules.errors, 'throwPointer53StoredError')
			const storedCheck = (variable: string): string =>
				`if (${variable} > maxPointer53) throwPointer53StoredError('${method}', address, Number(${variable} >> 32n), Number(${variable} & 0xffffffffn))`
			if (shape === 'compareExchange') {
				return (writer) => {
					writer.writeLine('const stored = Atomics.compareExchange(view, index, BigInt(expected), BigInt(replacement))')
					// Above 2^53 - 1 it cannot have equalled `expected`: nothing was written.
					writer.writeLine(storedCheck('stored'))
					writer.writeLine('return Number(stored)')
				}
			}
			if (shape === 'combine') part.use(modules.errors, 'throwPointer53ResultError')
			return (writer) => {
				writer.writeLine('const operand = BigInt(value)')
				writer.writeLine('let stored = Atomics.load(view, index)')
				// A loop rather than Atomics.<op>, which would change an invalid stored value
				// (or store an invalid result) before it could be refused.
				writer.write('for (;;)').block(() => {
					writer.writeLine(storedCheck('stored'))
					if (shape === 'combine') {
						writer.writeLine(`const result = stored ${operator} operand`)
						writer.writeLine(
							`if (!(result >= 0n && result <= maxPointer53)) throwPointer53ResultError('${method}', address, stored, result)`,
						)
					}
					const stored = shape === 'combine' ? 'result' : 'operand'
					writer.writeLine(`const seen = Atomics.compareExchange(view, index, stored, ${stored})`)
					writer.writeLine('if (seen === stored) return Number(stored)')
					writer.writeLine('stored = seen')
				})
			}
		}
	}
}

/** The manager's member for one read-modify-write operation of a row. */
function operationMethod(element: NormalizedElement, operation: NormalizedAtomicOperation, part: Part, trivia: string): Method {
	const { valueType, alignment } = element
	const method = operation.method
	const names = valueNames(operation)
	const conversions: Writer[] = names.map((name) =>
		element.kind === 'pointer53' ? pointer53ValueCheck(method, part, name) : valueConversion(element, method, part, name),
	)
	const invalid =
		element.kind === 'pointer53'
			? '\n@throws RangeError if a value, the stored value or the result is not an integer from 0 to `2^53 - 1`; nothing is written'
			: ''
	return {
		leadingTrivia: trivia,
		name: method,
		docs: [
			`Atomically ${operation.description} the ${element.description} at \`address\` and returns the value held before ` +
				`(\`Atomics.${operation.shape === 'combine' ? operation.name : operation.shape}\`, C \`${operation.cFunction}\`), ` +
				`converting ${names.map((name) => `\`${name}\``).join(' and ')} as \`${element.methods.write}\` does.` +
				operationNote(element, operation) +
				`\n@throws RangeError if ${misalignedOr(alignment)}the access does not lie within the heap; nothing is written` +
				invalid +
				typeErrorDoc(element, names),
		],
		parameters: [{ name: 'address', type: 'number' }, ...names.map((name) => ({ name, type: valueType }))],
		returnType: valueType,
		statements: [...conversions, atomicAccessCheck(element, method), operationStatements(element, operation, method, part)],
	}
}

/** The start of a `@throws RangeError` clause on an address the access needs aligned (nothing for bytes). */
function misalignedOr(alignment: number): string {
	return alignment > 1 ? `\`address\` is not a multiple of ${alignment} or ` : ''
}

/** The manager's `wait<T>` and `wait<T>Async`, for a row that can be waited on. */
function waitMethods(element: NormalizedElement, part: Part, trivia: string): Method[] {
	const wait = element.wait
	if (wait === undefined) return []
	const through = wait.viewConstructor === element.atomicViewConstructor ? '' : ` (through the \`${wait.viewConstructor}\` of the same bits)`
	const throws =
		`@throws RangeError if ${misalignedOr(element.alignment)}the access does not lie within the heap, ` +
		'or `timeoutMs` is negative or NaN\n' +
		'@throws TypeError if the heap is not a `SharedArrayBuffer`, `address` or `timeoutMs` is not a number, or `expected` is ' +
		(element.valueType === 'bigint' ? 'not a bigint' : 'a bigint or a symbol')
	const view = { field: wait.viewField, constructor: wait.viewConstructor }
	const parameters = [
		{ name: 'address', type: 'number' },
		{ name: 'expected', type: element.valueType },
		{ name: 'timeoutMs', type: 'number', hasQuestionToken: true },
	]
	return [
		{
			leadingTrivia: trivia,
			name: wait.method,
			docs: [
				`Sleeps while the ${element.description} at \`address\` holds \`expected\` (converted as \`${element.methods.write}\` does), ` +
					`until a \`notify\` on the address or \`timeoutMs\` milliseconds (default: no limit); \`Atomics.wait\`${through}, ` +
					'as C\'s `memory.atomic.wait` does. Blocks the thread.\n' +
					'@returns `\'ok\'` when woken, `\'not-equal\'` if the value was not `expected`, `\'timed-out\'`\n' +
					throws +
					', or this thread may not block (a browser\'s main thread)',
			],
			parameters,
			returnType: 'WaitResult',
			statements: [
				valueConversion(element, wait.method, part, 'expected'),
				atomicAccessCheck(element, wait.method, view),
				`return waitOn(view, index, expected, timeoutMs, '${wait.method}')`,
			],
		},
		{
			leadingTrivia: trivia,
			name: wait.asyncMethod,
			docs: [
				`\`${wait.method}\` without blocking: a promise of its result (\`Atomics.waitAsync\`). ` +
					'Errors in the arguments are thrown, not returned as a rejected promise.\n' +
					throws +
					'\n@throws Error if the engine has no `Atomics.waitAsync`',
			],
			parameters,
			returnType: 'Promise<WaitResult>',
			statements: [
				valueConversion(element, wait.asyncMethod, part, 'expected'),
				atomicAccessCheck(element, wait.asyncMethod, view),
				`return waitOnAsync(view, index, expected, timeoutMs, '${wait.asyncMethod}')`,
			],
		},
	]
}

/** The atomic members of one full (non-alias) row. */
export function emitAtomics(element: NormalizedElement): FacetParts {
	const parts = facetParts()
	const { methods, valueType, byteSize, alignment } = element
	const trivia = provenance(element.name, emitter)
	const note = strategyNotes[element.atomicStrategy]
	const manager = parts.manager

	manager.methods.push({
		leadingTrivia: trivia,
		name: methods.readAtomic,
		docs: [
			`Atomically reads ${describeElement(element)} at \`address\` (\`Atomics.load\`).${note}\n` +
				`@throws RangeError if ${misalignedOr(alignment)}the access does not lie within the heap` +
				typeErrorDoc(element),
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: valueType,
		statements: [atomicAccessCheck(element, methods.readAtomic), loadStatements(element, methods.readAtomic, manager)],
	})
	manager.methods.push({
		leadingTrivia: trivia,
		name: methods.writeAtomic,
		docs: [
			`Atomically writes ${describeElement(element)} at \`address\` (\`Atomics.store\`), converting the value as \`${methods.write}\` does.${note}\n` +
				`@throws RangeError if ${misalignedOr(alignment)}the access does not lie within the heap; nothing is written` +
				typeErrorDoc(element, ['value']),
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: valueType },
		],
		returnType: 'void',
		statements: [
			valueConversion(element, methods.writeAtomic, manager),
			atomicAccessCheck(element, methods.writeAtomic),
			storeStatements(element, methods.writeAtomic, manager),
		],
	})

	for (const operation of element.atomicOperations) manager.methods.push(operationMethod(element, operation, manager, trivia))
	if (element.wait !== undefined) {
		manager.use(modules.heapWaits, 'WaitResult', 'waitOn', 'waitOnAsync')
		manager.methods.push(...groupedMembers('emitAtomicsWaits', 'manager', waitMethods(element, manager, trivia)))
	}

	const guard = (member: string): string => `if (this.freed) this.throwFreed('${member}')`
	// The manager's method names itself in its errors; the member's `catch` says them again
	// naming the member (HeapRef.throwAsMember), out of the path a call that succeeds takes.
	const call = (member: string, statement: string): Writer => (writer) => {
		writer.write('try').block(() => writer.writeLine(statement))
		writer.write('catch (error)').block(() => writer.writeLine(`this.throwAsMember(error, '${member}')`))
	}
	// A writing member converts its values and then checks the ref (see liveRefValue): an
	// object's `valueOf` may free it. A value ref's check is the last conversion's; an array
	// ref checks its index first (nothing is called on a value then) and the ref again after.
	const live = (member: string, names: readonly string[]): string[] => names.map((name) => liveRefValue(element, member, name))
	// A wrapped ref may sit at any address; its atomics need natural alignment.
	const misaligned = alignment > 1 ? `\n@throws RangeError if the ref's address is not a multiple of ${alignment}` : ''
	parts.ref.methods.push(
		{
			leadingTrivia: trivia,
			name: 'readAtomic',
			docs: [`Reads the value atomically (needs the address aligned to ${alignment}).${misaligned}` + refThrowsDoc(element)],
			returnType: valueType,
			statements: [guard('readAtomic'), call('readAtomic', `return this.manager.${methods.readAtomic}(this.address)`)],
		},
		{
			leadingTrivia: trivia,
			name: 'writeAtomic',
			docs: [`Writes a value atomically (needs the address aligned to ${alignment}).${misaligned}` + refThrowsDoc(element, { values: ['value'] })],
			parameters: [{ name: 'value', type: valueType }],
			returnType: 'void',
			statements: [...live('writeAtomic', ['value']), call('writeAtomic', `this.manager.${methods.writeAtomic}(this.address, value)`)],
		},
	)
	parts.arrayRef.methods.push(
		{
			leadingTrivia: trivia,
			name: 'readAtomicAt',
			docs: ['Atomically reads the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`' + refThrowsDoc(element, { index: true })],
			parameters: [{ name: 'index', type: 'number' }],
			returnType: valueType,
			statements: [indexCheck('readAtomicAt'), call('readAtomicAt', `return this.manager.${methods.readAtomic}(this.address + index * ${byteSize})`)],
		},
		{
			leadingTrivia: trivia,
			name: 'writeAtomicAt',
			docs: [
				'Atomically writes the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`' +
					refThrowsDoc(element, { index: true, values: ['value'] }),
			],
			parameters: [
				{ name: 'index', type: 'number' },
				{ name: 'value', type: valueType },
			],
			returnType: 'void',
			statements: [
				indexCheck('writeAtomicAt'),
				...live('writeAtomicAt', ['value']),
				call('writeAtomicAt', `this.manager.${methods.writeAtomic}(this.address + index * ${byteSize}, value)`),
			],
		},
	)
	for (const operation of element.atomicOperations) {
		const names = valueNames(operation)
		const values = names.map((name) => ({ name, type: valueType }))
		const passed = names.join(', ')
		parts.ref.methods.push({
			leadingTrivia: trivia,
			name: operation.refMethod,
			docs: [
				`Atomically ${operation.description} the value and returns the value held before, as \`${operation.method}\` does.${misaligned}` +
					refThrowsDoc(element, { values: names }),
			],
			parameters: values,
			returnType: valueType,
			statements: [...live(operation.refMethod, names), call(operation.refMethod, `return this.manager.${operation.method}(this.address, ${passed})`)],
		})
		parts.arrayRef.methods.push({
			leadingTrivia: trivia,
			name: operation.arrayRefMethod,
			docs: [
				`Atomically ${operation.description} the element at \`index\` and returns the value held before, as \`${operation.method}\` does.\n` +
					'@throws RangeError if `index` is not an integer in `[0, elementCount)`' +
					refThrowsDoc(element, { index: true, values: names }),
			],
			parameters: [{ name: 'index', type: 'number' }, ...values],
			returnType: valueType,
			statements: [
				indexCheck(operation.arrayRefMethod),
				...live(operation.arrayRefMethod, names),
				call(operation.arrayRefMethod, `return this.manager.${operation.method}(this.address + index * ${byteSize}, ${passed})`),
			],
		})
	}
	return grouped('emitAtomics', parts)
}
