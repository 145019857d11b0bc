/**
 * The message table (`src/messages.ts`): every error the library throws is one of its
 * entries, raised through `raise`, `raiseWithCause`, `raiseLikeCause` or `raiseAggregate`.
 *
 * 1. No code in `src/` or `generated/` outside the table builds an error or throws
 *    anything but a raised entry or a caught value (the exceptions are listed, each with
 *    its reason).
 * 2. Every entry renders from sample parameters (typed by the entry: a missing entry or a
 *    wrong parameter list is a compile error here) into an error of its class and code,
 *    whose text names the method.
 * 3. Every entry is used somewhere in `src/` or `generated/` (no dead messages).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import * as table from '../src/messages.js'
import { addressOutOfRange, pointerTargetDoesNotFit, raise, raiseAggregate, raiseLikeCause, raiseWithCause, type AggregateMessage, type Message } from '../src/messages.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const tableFile = 'src/messages.ts'

/** Every `.ts` file under `src/` and `generated/`, as paths relative to the root. */
function sourceFiles(): string[] {
	const files: string[] = []
	const walk = (directory: string): void => {
		for (const entry of readdirSync(directory, { withFileTypes: true })) {
			const path = join(directory, entry.name)
			if (entry.isDirectory()) walk(path)
			else if (entry.name.endsWith('.ts')) files.push(relative(root, path).split('\\').join('/'))
		}
	}
	walk(join(root, 'src'))
	walk(join(root, 'generated'))
	return files.sort()
}

/** The code of a line: `''` for a comment line, the line up to a trailing `//` comment otherwise. */
function codeOf(line: string): string {
	const trimmed = line.trim()
	if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return ''
	return line.replace(/\s\/\/ .*$/, '')
}

type AnyEntry = Message | AggregateMessage
type Table = typeof table
type EntryName = { [K in keyof Table]: Table[K] extends AnyEntry ? K : never }[keyof Table]

const entryNames = (Object.keys(table) as (keyof Table)[]).filter(
	(name): name is EntryName => typeof table[name] === 'object' && table[name] !== null && 'code' in (table[name] as object),
)

/**
 * Sample parameters for every entry, typed by the entry. The first parameter is the
 * method (or the ref class, or the declaration's subject): `probe.method` / `probe.Ref`.
 */
const samples: { [K in EntryName]: Parameters<Table[K]['text']> } = {
	addressNotANumber: ['probe.method', 'x', 8, 8],
	addressIsARef: ['probe.method', 'Int32Ref'],
	refIsNotANumber: ['probe.Int32Ref', 'number'],
	addressNotANonNegativeInteger: ['probe.method', 8, 8, 8],
	addressOutOfRange: ['probe.method', 8, 8, 8],
	addressMisaligned: ['probe.method', 8, 8, 8],
	elementCountNotANumber: ['probe.method', 'x'],
	elementCountInvalid: ['probe.method', 8],
	indexNotANumber: ['probe.method', 'x'],
	indexOutOfRange: ['probe.method', 8, 8],
	refReleased: ['probe.Ref', 'member', 8],
	refFreed: ['probe.Ref', 'member', 8, true],
	pointer53NotANumber: ['probe.method', 'x'],
	pointer53Invalid: ['probe.method', 8],
	pointer53StoredTooLarge: ['probe.method', 8, 5n],
	pointer53ResultInvalid: ['probe.method', 8, 5n, 5n],
	wideIntegerOutOfRange: ['probe.method', 5n, 8],
	valueNotANumber: ['probe.method', 'x'],
	valueNotConvertibleToNumber: ['probe.method', 'reason'],
	valueNotABigint: ['probe.method', 'x'],
	valueNotAString: ['probe.method', 'x'],
	stringDecodeFailed: ['probe.method', 8, 'reason'],
	stringLongerThanEngineAllows: ['probe.method', 64, 'Invalid string length'],
	notAscii: ['probe.method', 8, 8],
	codePointTooLarge: [8, 8],
	noTerminator: ['probe.method', 8, 8, 8],
	maxElementCountZero: ['probe.method'],
	wrapMaxElementCountZero: ['probe.method'],
	stringElementsOutOfRange: ['probe.method', 8, 8, 8, 8],
	terminatedStringDoesNotFit: ['probe.method', 8, 8, 8, true],
	stringSliceDoesNotFit: ['probe.method', 8, 8, 8, true],
	managerArgumentNotAFunction: ['probe.method', 'alloc', 'x'],
	heapArgumentInvalid: [new Uint8Array(1), false],
	optionsNotAnObject: ['probe.method', 'x'],
	unknownOption: ['probe.method', 'colour', ['a', 'b']],
	optionNotABoolean: ['probe.method', 'debug', 'x'],
	pollingModeInvalid: ['probe.method', 'x', ['a', 'b']],
	latestHeapNotABuffer: ['x', true],
	latestHeapDetached: ['probe.method'],
	allocatorReturnedUnsafeAddress: ['probe.method', 8, 2n ** 60n],
	allocatorReturnedNegative: ['probe.method', 16, -2147412192, 2147555104, 131072],
	viewImpossible: ['probe.method', 'Float16Array', 8],
	viewConstructorMissing: ['probe.method', 'name'],
	alignmentNotANumber: ['probe.method', 'x'],
	alignmentInvalid: ['probe.method', 8, 8],
	freeRefOfAnotherManager: ['probe.method'],
	freeNotARefOrAddress: ['probe.method', 'x'],
	deallocateAddressNotANumber: ['probe.method', 'x'],
	deallocateAddressInvalid: ['probe.method', 8],
	deallocateTrackedAddress: ['probe.method', 8],
	deallocateThrew: ['probe.method', new Error('x')],
	deallocationSizeBeyondAbi: ['probe.method', 2 ** 32, 'wasm32'],
	scopeFunctionNotAFunction: ['probe.method', 'x'],
	scopeFunctionAsync: ['probe.method'],
	scopeFunctionReturnedPromise: ['probe.method'],
	wrapNullPointer: ['probe.method'],
	stagingTypeError: ['probe.method', 'reason'],
	stagingRangeError: ['probe.method', 8, 'reason'],
	countOrValuesInvalid: ['probe.method', 'x'],
	stringOrCapacityInvalid: ['probe.method', null],
	heapDetachedNeverPolled: ['probe.method', 8],
	allocationTooLarge: ['probe.method', 8],
	allocationSizeBeyondAbi: ['probe.method', 2 ** 32, 'wasm32'],
	allocatorThrew: ['probe.method', 8, 'x'],
	allocatorReturnedNonAddress: ['probe.method', 8, 'x'],
	allocatorReturnedInvalidAddress: ['probe.method', 8, 0, 'a reason'],
	allocatorReturnedMisaligned: ['probe.method', 8, 8, 8, true],
	allocatorReturnedOutsideHeap: ['probe.method', 8, 8, 8],
	giveBackFailed: ['probe.method: allocating 8 bytes aligned to 8 failed: the allocator returned address 9, which is not a multiple of 8'],
	giveBackFailedCauses: [],
	wrapOptionsNotAnObject: ['probe.method', 'x', ['deallocator']],
	wrapDeallocatorInvalid: ['probe.method', 'x'],
	deallocatorThrew: ['probe.Ref', 'x'],
	freeOptionsNotAnObject: ['probe.method', 'x'],
	freeElementsNotABoolean: ['probe.method', 'x'],
	freeElementNotAnAddress: ['probe.method', 8, 8, 8],
	freeElementsDeallocatorThrew: ['probe.method', [{ index: 1, address: 64 }, { index: undefined, address: 32 }], 'x'],
	freeElementsDeallocatorsThrew: ['probe.method', [{ index: 1, address: 64 }, { index: undefined, address: 32 }]],
	scopeClosed: ['probe.method'],
	scopeInnerStillOpen: ['probe.method'],
	scopeKeepClosed: ['probe.method'],
	scopeKeepForeignRef: ['probe.method', 'x'],
	scopeDeallocatorsThrew: ['probe.method', 8],
	freeAllDeallocatorsThrew: ['probe.method', 8],
	scopeFunctionAndCloseThrew: ['probe.method'],
	scopeLeftOpenByFunction: ['probe.method', 2],
	trackingOff: ['probe.method'],
	debugOff: ['probe.method'],
	noLiveRefAtAddress: ['probe.method', 'x'],
	waitOnUnsharedHeap: ['probe.method'],
	waitTimeoutNotANumber: ['probe.method', 'x'],
	waitTimeoutInvalid: ['probe.method', 8],
	waitRefused: ['probe.method'],
	waitAsyncMissing: ['probe.method'],
	notifyCountNotANumber: ['probe.method', 'x'],
	notifyCountInvalid: ['probe.method', 8],
	emscriptenModuleNotAnObject: ['probe.method', 'x'],
	emscriptenModuleIsAPromise: ['probe.method'],
	emscriptenFunctionMissing: ['probe.method', '_malloc'],
	emscriptenHeapMissing: ['probe.method', false],
	emscriptenMemoryOptionInvalid: ['probe.method', 'x'],
	allocatorSizeNotANumber: ['probe.method', 'x'],
	allocatorSizeInvalid: ['probe.method', 8],
	allocatorRangeTooSmall: ['probe.method', 8, 8, 8, 8],
	allocatorRangesOverlap: ['probe.method', 1024, 65536, 16, 65536],
	allocatorHeaderVersion: ['probe.method', 8, 8, 8],
	allocatorHeapPastBuffer: ['probe.method', 8, 8, 8],
	allocatorOverlapsState: ['probe.method', 8, 8, 8],
	corruptHeaderMagic: ['probe.method', 8, 8],
	corruptHeaderRange: ['probe.method', 8, 'end 8'],
	allocatorBufferShrank: ['probe.Ref', 8],
	allocatorBufferResizedUnderHeap: ['probe.Ref', 8, 16],
	allocatorFreeNotANumber: ['probe.method', 'x'],
	allocatorFreeNotLive: ['probe.method', 8, 'outside', 3624, 65520],
	allocatorTargetInvalid: ['probe.method', 'x'],
	allocatorOptionsNotAnObject: ['probe.method', 'x'],
	allocatorOptionNotANumber: ['probe.method', 'name', 'x'],
	allocatorOptionInvalid: ['probe.method', 'name', 8],
	allocatorEndPastBuffer: ['probe.method', 8, 8],
	allocatorEndPast4GiB: ['probe.method', 8],
	allocatorNoRoomForHeader: ['probe.method', 8, 8, 8],
	corruptHeaderBase: ['probe.method', 8, 8],
	corruptHeader: ['probe.method', 8, 'version', 9, 2],
	corruptEnd: ['probe.method', 8],
	corruptQuickFree: ['probe.method', 8],
	corruptQuickList: ['probe.method', 2, 64, 16],
	corruptQuickCount: ['probe.method', 3, 1, 2, 512],
	corruptVictim: ['probe.method', 64],
	corruptBlockSize: ['probe.method', 8, 8, 8, 8],
	corruptPreviousFreeFlag: ['probe.method', 8, true, true],
	corruptTag: ['probe.method', 8, 8],
	corruptAdjacentFree: ['probe.method', 8],
	corruptFreeFlagsPreviousFree: ['probe.method', 8],
	corruptFooter: ['probe.method', 8, 8, 8],
	corruptBlocksEnd: ['probe.method', 8, 8],
	corruptEndMarker: ['probe.method', 8, 8, 8],
	corruptUsedCount: ['probe.method', 16, 8, 24],
	corruptFirstLevelBitmap: ['probe.method', 8, 8],
	corruptSecondLevelBitmap: ['probe.method', 8, true, 8],
	corruptListHead: ['probe.method', 8, 8, 8, true],
	corruptListedNotFree: ['probe.method', 8, 8, 8],
	corruptWrongClass: ['probe.method', 8, 8, 8, 8, 8, 8],
	corruptBackLink: ['probe.method', 8, 8, 8],
	corruptOrphan: ['probe.method', 8],
	declarationNameNotAString: ['probe.method', 'role', 'x'],
	declarationNameNotAnIdentifier: ['probe.method', 'role', 'name'],
	declarationNameProto: ['probe.method', 'role'],
	declarationUnknownKey: ['probe.method', 'x', 'form'],
	declarationMissingKey: ['probe.method', 'key', 'form'],
	declarationNumberNotANumber: ['probe.method', 'role', 'x'],
	declarationCountInvalid: ['probe.method', 'role', 8],
	declarationAlignmentInvalid: ['probe.method', 'role', 8, 8],
	declarationUnknownType: ['probe.method', 'x', ['a', 'b']],
	declarationTypeIsAFunction: ['probe.method'],
	declarationUnknownEncoding: ['probe.method', 'x', ['a', 'b']],
	declarationBitfieldNotAField: ['probe.method'],
	declarationAlignedNotAField: ['probe.method'],
	declarationBitfieldType: ['probe.method', 'x', true, ['a', 'b']],
	declarationBitfieldWidthNotANumber: ['probe.method', 'x'],
	declarationBitfieldWidthInvalid: ['probe.method', 8, 'x', 8, true],
	declarationAlignedTwice: ['probe.method', true],
	declarationPackedNotANumber: ['probe.method', 'x'],
	declarationPackedInvalid: ['probe.method', 8],
	declarationFieldsNotAnObject: ['probe.method', 'x'],
	declarationFieldsSymbolKeys: ['probe.method'],
	declarationOptionsNotAnObject: ['probe.method', 'x'],
	declarationUnknownOption: ['probe.method', 'key'],
	declarationNoFields: ['probe.method', 'struct'],
	declarationEnumStorage: ['probe.method', 'x', ['a', 'b']],
	declarationEnumValuesNotAnObject: ['probe.method', 'x'],
	declarationEnumValueNotANumber: ['probe.method', 'x'],
	declarationEnumValueOutOfRange: ['probe.method', 8, 'storage', 5n, 5n],
	declarationEnumNoMembers: ['probe.method'],
	structTypeConstructed: ['probe.method'],
	enumTypeConstructed: ['probe.method'],
	pointerTargetNotAStruct: ['probe.method', 'x'],
	unknownAbi: ['probe.method', 'x', ['a', 'b']],
	enumValuesTooWide: ['probe.method', 5n, 5n],
	layoutContainsItself: ['probe.Ref', 'x'],
	fieldPathNotAString: ['probe.method', 'x'],
	fieldPathNoSuchField: ['probe.method', 'x', 'segment', 'where', ['a', 'b']],
	fieldPathBadIndex: ['probe.method', 'where', 8, 'segment'],
	fieldPathNotAggregate: ['probe.method', 'where', 'segment'],
	notAStructType: ['probe.method', 'x'],
	generatedClassAbiMismatch: ['probe.method', 'className', 'classAbi', 'abi'],
	generatedClassDuplicate: ['probe.method', 'className', 'x', 'abi'],
	generatedClassOutdated: ['probe.method', 'className', 'x', 1],
	sliceCapacityInvalid: ['probe.method', 3, 5],
	wrapOptionNotANumber: ['probe.method', 'stride', 'x'],
	strideInvalid: ['probe.method', 8, 8, 'x'],
	refIsPartOfAnother: ['probe.Ref', 'member'],
	atReuseInvalid: ['probe.method'],
	accessorFieldMissing: ['probe.method', 'Point', 'z'],
	pointerTargetDoesNotFit: ['probe.method', 64, 'reason'],
	structArrayWriteNotAnArray: ['probe.method'],
	structArrayWriteTooMany: ['probe.method', 8, 8],
	pointerToArrayHasNoRef: ['probe.method', true],
	storedNotASafeInteger: ['probe.method', 'name', 8, 5n],
	abiIntegerNotANumber: ['probe.method', 'name', 'x'],
	abiIntegerOutOfRange: ['probe.method', 8, 'name', 'abi', 8, 8],
	wideEnumValueOutOfRange: ['probe.method', 1.5, 'name', 'BigInt64', -8n, 8n],
	boolNotABoolean: ['probe.method', 'x'],
	bitfieldValueOfWrongType: ['probe.method', 8, true, 'typeName', 'boolean', 'x'],
	bitfieldValueOutOfRange: ['probe.method', 'x', 8, true, 'typeName', 5n, 5n],
	inlineStringDoesNotFit: ['probe.method', 8, 'encoding', 8],
	pointerFieldRefFreed: ['probe.method', 8, true],
	pointerFieldRefReleased: ['probe.method', 8],
	pointerFieldValueInvalid: ['probe.method', 'x'],
	pointerFieldRefOfAnotherManager: ['probe.method', 8],
	pointerFieldRefOfAnotherType: ['probe.method', 'Body', 'Vec2', {}],
	arrayFieldNotAnArray: ['probe.method', 8, 'x'],
	arrayFieldTooMany: ['probe.method', 8, 8],
	recordValueNotAnObject: ['probe.method', 'x', 'x'],
	recordValueIsARef: ['probe.method', 'x', 'a ref of struct Vec'],
	recordValueIsAType: ['probe.method', 'struct O', 'struct Vec'],
	recordValueUnknownField: ['probe.method', 'x', 'key', ['a', 'b']],
}

/**
 * Entries whose text does not start with a method, and why. Every other entry's text
 * starts with its first parameter, the method (or `Ref.member`, or the subject).
 */
const withoutMethod: Partial<Record<EntryName, string>> = {
	heapArgumentInvalid: 'starts with createWasmHeapManager, the function, with no method of a manager before it',
	latestHeapNotABuffer: "names the user's getLatestHeap callback, called from whichever method polled (the entry point, as an optional last parameter, at construction)",
	codePointTooLarge: 'the codec does not know the method: stringDecodeFailed puts the method and address in front',
	giveBackFailedCauses: "the `cause` of giveBackFailed (an AggregateError of both errors), never thrown itself",
}

/** The codes `HeapErrorCode` declares (read from errors.ts, as error-codes.test.ts does). */
const declaredCodes = new Set([...readFileSync(join(root, 'src/errors.ts'), 'utf8').matchAll(/\| '(ERR_HEAP_[A-Z_]+)'/g)].map((match) => match[1]))

describe('the message table (src/messages.ts)', () => {
	describe('one home for every error', () => {
		/** Lines allowed to match a forbidden pattern, by file, each with its reason. */
		const allowed: Record<string, { readonly pattern: RegExp; readonly reason: string }[]> = {
			'src/HeapDebug.ts': [{ pattern: /new Error\(\)\.stack/, reason: 'captures the allocation stack for debug mode; nothing is thrown' }],
		}
		/** The generator CLI is a build-time tool with its own entry point and error classes (UsageError, ImportCError, GenerateError); its errors are not HeapErrors. */
		const outsideTheLibrary = (file: string): boolean => file.startsWith('src/generator/')

		it('no file but the table builds an Error, TypeError, RangeError or AggregateError, or calls heapError', () => {
			const forbidden = /\bnew\s+(Error|TypeError|RangeError|AggregateError|SyntaxError)\s*\(|\bheapError\s*\(|\bnew\s*\(\s*typeof\b|\bnew\s+\w*Error\w*\s*\(/
			const found: string[] = []
			for (const file of sourceFiles()) {
				if (file === tableFile || outsideTheLibrary(file)) continue
				readFileSync(join(root, file), 'utf8')
					.split('\n')
					.forEach((line, index) => {
						const code = codeOf(line)
						if (!forbidden.test(code)) return
						if (allowed[file]?.some(({ pattern }) => pattern.test(code))) return
						found.push(`${file}:${index + 1}: ${line.trim()}`)
					})
			}
			expect(found, 'raise an entry of src/messages.ts instead').to.deep.equal([])
		})

		it('every throw outside the table throws a raised entry or re-throws a caught value', () => {
			// `throw raise…(`, or `throw <identifier>` (a caught error, or a raised one held in a variable), or
			// HeapScope.close's `throw errors.length === 1 ? errors[0] : raiseAggregate(...)`.
			const accepted = /\bthrow\s+(raise(WithCause|LikeCause|Renamed|Aggregate)?\(|[A-Za-z_$][\w$]*\s*$|[A-Za-z_$][\w$]*\s*[;)}]|typeof address === 'number' \? raise\(|errors\.length === 1 \? errors\[0\] : raiseAggregate\()/
			const found: string[] = []
			for (const file of sourceFiles()) {
				if (file === tableFile || outsideTheLibrary(file)) continue
				readFileSync(join(root, file), 'utf8')
					.split('\n')
					.forEach((line, index) => {
						const code = codeOf(line)
						if (/\bthrow\s/.test(code) && !accepted.test(code)) found.push(`${file}:${index + 1}: ${line.trim()}`)
					})
			}
			expect(found, 'throw raise(entry, ...) with an entry of src/messages.ts').to.deep.equal([])
		})

		it('generated/ holds no message text: its throws name table entries', () => {
			for (const file of sourceFiles().filter((path) => path.startsWith('generated/'))) {
				const text = readFileSync(join(root, file), 'utf8')
				expect(text, file).not.to.match(/ERR_HEAP_[A-Z_]+/)
				for (const [, thrown] of text.matchAll(/throw (\w+)\(/g)) expect(['raise', 'raiseWithCause', 'raiseLikeCause', 'raiseAggregate'], `${file}: throw ${thrown}(`).to.include(thrown)
			}
		})
	})

	describe('every entry', () => {
		it(`is one of the ${entryNames.length} entries with samples, and the samples cover exactly the entries`, () => {
			expect(entryNames.length).to.be.greaterThan(150)
			expect(Object.keys(samples).sort()).to.deep.equal([...entryNames].sort())
		})

		for (const name of entryNames) {
			it(`${name}: renders into its class and code, naming the method`, () => {
				const entry = table[name] as AnyEntry
				const parameters = samples[name] as unknown[]
				const text = (entry.text as (...parameters: unknown[]) => string)(...parameters)
				const error =
					entry.Class === AggregateError
						? raiseAggregate([new Error('first'), new Error('second')], entry as AggregateMessage, ...parameters)
						: raise(entry as Message, ...parameters)
				expect(error.constructor, 'class').to.equal(entry.Class)
				expect([Error, TypeError, RangeError, AggregateError]).to.include(entry.Class)
				expect(error.code, 'code').to.equal(entry.code)
				expect(declaredCodes, 'a code HeapErrorCode declares').to.include(entry.code)
				expect(error.message).to.equal(text)
				if (error instanceof AggregateError) expect(error.errors).to.have.length(2)
				expect(text, 'no parameter rendered as undefined or [object Object]').not.to.match(/undefined|\[object /)
				const reason = withoutMethod[name]
				if (reason === undefined) {
					expect(String(parameters[0])).to.match(/^probe\./)
					expect(text, 'starts with the method').to.satisfy((t: string) => t.startsWith(String(parameters[0])))
				} else {
					expect(reason).to.be.a('string')
				}
			})
		}

		it("raiseLikeCause keeps the cause, its class and its code; a cause without a code gets the entry's", () => {
			const misaligned = raise(addressOutOfRange, 'probe.method', 8, 4, 16)
			;(misaligned as { code: string }).code = 'ERR_HEAP_MISALIGNED'
			const again = raiseLikeCause(misaligned, pointerTargetDoesNotFit, 'T.p', 8, misaligned.message)
			expect(again).to.be.instanceOf(RangeError)
			expect(again.code).to.equal('ERR_HEAP_MISALIGNED')
			expect(again.cause).to.equal(misaligned)
			expect(again.message).to.match(/^T\.p: the pointer holds 8, where no ref to its target fits: probe\.method: /)
			const typed = raiseLikeCause(new TypeError('x'), pointerTargetDoesNotFit, 'T.p', 8, 'x')
			expect(typed).to.be.instanceOf(TypeError)
			expect(typed.code).to.equal('ERR_HEAP_OUT_OF_RANGE')
		})

		it('raiseWithCause keeps the cause; raise sets none', () => {
			const cause = new Error('inner')
			expect(raiseWithCause(cause, addressOutOfRange, 'probe.method', 8, 4, 16).cause).to.equal(cause)
			expect('cause' in raise(addressOutOfRange, 'probe.method', 8, 4, 16)).to.equal(false)
		})

		it('takes exactly its parameters (a wrong list does not compile)', () => {
			const wrong = (): unknown => [
				// @ts-expect-error: addressOutOfRange takes the method, address, access size and heap size
				raise(addressOutOfRange, 'probe.method', 8),
				// @ts-expect-error: the address is a number
				raise(addressOutOfRange, 'probe.method', '8', 4, 16),
			]
			expect(wrong).to.be.a('function')
		})
	})

	describe('reads as English at the edges of its numbers', () => {
		it('an 8-byte access, a 4-byte one; "an" before a vowel sound only', () => {
			expect(table.addressOutOfRange.text('probe.m', 9, 8, 16)).to.contain('an 8-byte access must end')
			expect(table.addressNotANumber.text('probe.m', 'x', 4, 16)).to.contain('(for a 4-byte access')
			expect(table.abiIntegerNotANumber.text('probe.f', 'Int32', 'x')).to.contain('an Int32 value')
			expect(table.abiIntegerNotANumber.text('probe.f', 'Size', 'x')).to.contain('a Size value')
			expect(table.bitfieldValueOfWrongType.text('probe.f', 8, false, 'Uint8', 'number', 'x')).to.contain('an 8-bit unsigned bitfield')
			expect(table.bitfieldValueOfWrongType.text('probe.f', 11, true, 'Int16', 'number', 'x')).to.contain('an 11-bit signed bitfield')
			expect(table.bitfieldValueOfWrongType.text('probe.f', 3, true, 'Int8', 'number', 'x')).to.contain('a 3-bit signed bitfield')
		})

		it('one element, no elements: counts agree with their nouns and no range runs from 0 to -1', () => {
			expect(table.indexOutOfRange.text('probe.m', 1, 1)).to.equal('probe.m: index 1 is out of range: it must be an integer from 0 to 0 (the array has 1 element)')
			expect(table.indexOutOfRange.text('probe.m', 0, 0)).to.equal('probe.m: index 0 is out of range: the array has no elements')
			expect(table.indexOutOfRange.text('probe.m', 5, 2)).to.contain('from 0 to 1 (the array has 2 elements)')
			expect(table.structArrayWriteTooMany.text('probe.m', 1, 1)).to.equal('probe.m: 1 value given for an array of 1 element')
			expect(table.allocatorThrew.text('probe.m', 1, new Error('x'))).to.match(/^probe\.m: allocating 1 byte failed/)
			// A one-element slice, a one-byte element (writeUtf8StringSlice(address, 'a', 0), a slice written at the heap's last byte).
			expect(table.stringSliceDoesNotFit.text('writeUtf8StringSlice', 1, 0, 64, true)).to.equal(
				'writeUtf8StringSlice: the string needs 1 element, but only 0 fit at address 64 in maxElementCount; nothing was written',
			)
			expect(table.stringSliceDoesNotFit.text('Utf8StringSliceRef.value', 1, 0, 64, false)).to.match(/^Utf8StringSliceRef\.value: the string needs 1 element, but only 0 fit in the ref; /)
			expect(table.stringElementsOutOfRange.text('probe.m', 65535, 2, 1, 65536)).to.equal('probe.m: address 65535 is out of range: 2 elements of 1 byte must end within the heap of 65536 bytes')
			expect(table.stringElementsOutOfRange.text('probe.m', 65535, 1, 2, 65536)).to.contain('out of range: 1 element of 2 bytes must end')
			expect(table.allocatorRangeTooSmall.text('probe.m', 16, 0, 3600, 3632)).to.equal(
				'probe.m: the range [16, 0) is empty: it needs at least 3632 bytes (a 3600-byte header, one block and the end marker)',
			)
		})

		it('no rendered sample and no generated doc says "a" before a vowel sound or a plural noun after 1', () => {
			const rendered = entryNames.map((name) => ((table[name] as AnyEntry).text as (...parameters: unknown[]) => string)(...(samples[name] as unknown[])))
			const generatedDocs = readdirSync(join(root, 'generated')).map((file) => readFileSync(join(root, 'generated', file), 'utf8'))
			for (const text of [...rendered, ...generatedDocs]) {
				expect(text).not.to.match(/\ba (?:[aeioAEIO8]|u(?!ni|tf|int|se)|`[AEIO])/)
				expect(text).not.to.match(/(?<![\d.])1 (?:elements|bytes|values)\b/)
			}
		})
	})

	it('has no dead entries: each is used in src/ or generated/', () => {
		const sources = sourceFiles()
			.filter((file) => file !== tableFile)
			// Without import declarations: an entry only imported is not used.
			.map((file) => readFileSync(join(root, file), 'utf8').replace(/^import\s[\s\S]*?\sfrom\s+'[^']+';?$/gm, ''))
			.join('\n')
		const unused = entryNames.filter((name) => !new RegExp(`\\b${name}\\b`).test(sources))
		expect(unused, 'entries no code raises').to.deep.equal([])
	})
})
