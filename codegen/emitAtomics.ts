/** Emits `read<T>Atomic(address)` and `write<T>Atomic(address, value)` for every element row. */
import type { MethodDeclarationStructure, OptionalKind } from 'ts-morph'
import type { NormalizedElement } from './normalize.js'
import { describeElement, writeAtomicAccessCheck, writePointer53ValueCheck } from './snippets.js'

type Method = OptionalKind<MethodDeclarationStructure>

const strategyNotes: Record<NormalizedElement['atomicStrategy'], string> = {
	native: '',
	viaInt32Bits: ' The float moves as its exact bit pattern through a 32-bit integer atomic.',
	viaBigInt64Bits: ' The double moves as its exact bit pattern through a 64-bit integer atomic.',
	clampThenUint8: ' The value is clamped as `Uint8ClampedArray` does, then stored with a `Uint8` atomic.',
	viaBigUint64: ' The pointer moves through a 64-bit unsigned integer atomic.',
}

function emitReadAtomic(element: NormalizedElement): Method {
	const method = element.methods.readAtomic
	return {
		name: method,
		docs: [
			`Atomically reads ${describeElement(element)} at \`address\` (\`Atomics.load\`).${strategyNotes[element.atomicStrategy]}\n` +
				`@throws RangeError if \`address\` is not a multiple of ${element.byteSize} or the access does not lie within the heap`,
		],
		parameters: [{ name: 'address', type: 'number' }],
		returnType: element.valueType,
		statements: (writer) => {
			writeAtomicAccessCheck(writer, element, method)
			switch (element.atomicStrategy) {
				case 'native':
				case 'clampThenUint8':
					writer.writeLine('return Atomics.load(view, index)')
					break
				case 'viaInt32Bits':
					writer.writeLine('return bitsToFloat32(Atomics.load(view, index))')
					break
				case 'viaBigInt64Bits':
					writer.writeLine('return bitsToFloat64(Atomics.load(view, index))')
					break
				case 'viaBigUint64':
					writer.writeLine('const stored = Atomics.load(view, index)')
					writer.writeLine(
						`if (stored > maxPointer53) throwPointer53StoredError('${method}', address, Number(stored >> 32n), Number(stored & 0xffffffffn))`,
					)
					writer.writeLine('return Number(stored)')
					break
			}
		},
	}
}

function emitWriteAtomic(element: NormalizedElement): Method {
	const method = element.methods.writeAtomic
	return {
		name: method,
		docs: [
			`Atomically writes ${describeElement(element)} at \`address\` (\`Atomics.store\`), converting the value as \`${element.methods.write}\` does.${strategyNotes[element.atomicStrategy]}\n` +
				`@throws RangeError if \`address\` is not a multiple of ${element.byteSize} or the access does not lie within the heap; nothing is written`,
		],
		parameters: [
			{ name: 'address', type: 'number' },
			{ name: 'value', type: element.valueType },
		],
		returnType: 'void',
		statements: (writer) => {
			writeAtomicAccessCheck(writer, element, method)
			switch (element.atomicStrategy) {
				case 'native':
					writer.writeLine('Atomics.store(view, index, value)')
					break
				case 'clampThenUint8':
					writer.writeLine('Atomics.store(view, index, clampToUint8(value))')
					break
				case 'viaInt32Bits':
					writer.writeLine('Atomics.store(view, index, float32ToBits(value))')
					break
				case 'viaBigInt64Bits':
					writer.writeLine('Atomics.store(view, index, float64ToBits(value))')
					break
				case 'viaBigUint64':
					writePointer53ValueCheck(writer, method)
					writer.writeLine('Atomics.store(view, index, BigInt(value))')
					break
			}
		},
	}
}

/** The atomic read and write methods, in table order. */
export function emitAtomicMethods(elements: readonly NormalizedElement[]): Method[] {
	return elements.flatMap((element) => [emitReadAtomic(element), emitWriteAtomic(element)])
}
