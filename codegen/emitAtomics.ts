/**
 * The atomic facet of an element row, in one place: the manager's
 * `read<T>Atomic`/`write<T>Atomic`, the value ref's `readAtomic()`/`writeAtomic(v)` and
 * the array ref's `readAtomicAt(i)`/`writeAtomicAt(i, v)`. The row's atomic strategy
 * decides how a value crosses the integer view `Atomics` needs.
 */
import { indexCheck } from './emitAccess.js'
import { facetParts, provenance, type FacetParts, type Part } from './emitted.js'
import type { NormalizedElement } from './normalize.js'
import { atomicAccessCheck, describeElement, modules, pointer53ValueCheck, valueConversion, type Writer } from './snippets.js'

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
				`@throws RangeError if \`address\` is not a multiple of ${alignment} or the access does not lie within the heap`,
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
				`@throws RangeError if \`address\` is not a multiple of ${alignment} or the access does not lie within the heap; nothing is written`,
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

	const guard = (member: string): string => `if (this.freed) this.throwFreed('${member}')`
	parts.ref.methods.push(
		{
			leadingTrivia: trivia,
			name: 'readAtomic',
			docs: [`Reads the value atomically (needs the address aligned to ${alignment}).`],
			returnType: valueType,
			statements: [guard('readAtomic'), `return this.manager.${methods.readAtomic}(this.address)`],
		},
		{
			leadingTrivia: trivia,
			name: 'writeAtomic',
			docs: [`Writes a value atomically (needs the address aligned to ${alignment}).`],
			parameters: [{ name: 'value', type: valueType }],
			returnType: 'void',
			statements: [guard('writeAtomic'), `this.manager.${methods.writeAtomic}(this.address, value)`],
		},
	)
	parts.arrayRef.methods.push(
		{
			leadingTrivia: trivia,
			name: 'readAtomicAt',
			docs: ['Atomically reads the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`'],
			parameters: [{ name: 'index', type: 'number' }],
			returnType: valueType,
			statements: [indexCheck('readAtomicAt'), `return this.manager.${methods.readAtomic}(this.address + index * ${byteSize})`],
		},
		{
			leadingTrivia: trivia,
			name: 'writeAtomicAt',
			docs: ['Atomically writes the element at `index`.\n@throws RangeError if `index` is not an integer in `[0, elementCount)`'],
			parameters: [
				{ name: 'index', type: 'number' },
				{ name: 'value', type: valueType },
			],
			returnType: 'void',
			statements: [indexCheck('writeAtomicAt'), `this.manager.${methods.writeAtomic}(this.address + index * ${byteSize}, value)`],
		},
	)
	return parts
}
