/**
 * `import-c`: C struct, union and enum declarations, read from clang's JSON AST
 * (`-Xclang -ast-dump=json`), become defineStruct / defineUnion / defineEnum
 * declarations. Typedefs are resolved, enum values computed, anonymous members named
 * `anon0`, `anon1`... (their records `<Outer>_anon0`...), unnamed bitfields `_0`, `_1`...
 * A record under `#pragma pack` gets the pack value that reproduces clang's layout
 * (`-Xclang -fdump-record-layouts`; the JSON AST does not carry it) for wasm32 and
 * wasm64 alike, and every named record is checked against that layout before anything
 * is printed.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { cEnumStorage } from '../structs/abi.js'
import type { AbiName } from '../structs/abi.js'
import type { StructType } from '../index.js'

type StructLayout = ReturnType<StructType['layout']>
import { declarationFiles } from './declarationFiles.js'
import { cxxLayoutProbe, normalizeCxx } from './importCxx.js'
import { instantiateModel, type AliasModel, type EnumModel, type FieldExpr, type HeaderModel, type RecordModel, type TypeExpr } from './model.js'

/** The language import-c reads a header as: C (`-std=c11`), or C++ (`-std=c++17`; `--lang c++`, or a `.hpp`, `.hh`, `.hxx`, `.h++`, `.cpp`, `.cc` or `.cxx` header). */
export type HeaderLanguage = 'c' | 'c++'

/** The language a header's name says: C++ for `.hpp`, `.hh`, `.hxx`, `.h++`, `.cpp`, `.cc`, `.cxx`; C otherwise (`.h` is both: `--lang c++` says C++). */
export function languageOf(header: string): HeaderLanguage {
	return /\.(?:hpp|hh|hxx|h\+\+|cpp|cc|cxx)$/i.test(header) ? 'c++' : 'c'
}

/** The clang target of each ABI. */
export const clangTargets: { readonly [Name in AbiName]: string } = { wasm32: 'wasm32', wasm64: 'wasm64', emscripten: 'wasm32-unknown-emscripten' }

/** A node of clang's JSON AST (only what is read here). */
export interface ClangNode {
	readonly id?: string
	readonly kind: string
	readonly name?: string
	readonly tagUsed?: string
	readonly completeDefinition?: boolean
	readonly isImplicit?: boolean
	readonly isBitfield?: boolean
	readonly value?: string
	readonly type?: { readonly qualType: string; readonly desugaredQualType?: string }
	readonly fixedUnderlyingType?: { readonly qualType: string }
	readonly ownedTagDecl?: { readonly id?: string; readonly name?: string }
	readonly inner?: readonly ClangNode[]
	/** Where the declaration's name is (`file` left out when it is the file of the location written before it). */
	readonly loc?: unknown
	readonly range?: unknown
	/** Set by import-c on a C++ record that has no C layout (virtual functions, a reference member...): why. */
	readonly unsupported?: string
	/** Set by import-c on a C++ record: what its declaration says otherwise than C++ (its bases' members flattened), told if its layout differs from clang's. */
	readonly hints?: readonly string[]
}

/** One record of a layout dump: size, alignment and its direct fields' offsets. */
export interface DumpedLayout {
	readonly size: number
	readonly align: number
	readonly offsets: readonly number[]
	/** Each field's first bit within its byte offset, for a bitfield (`1:3-7 | int b` is byte 1, bit 3). */
	readonly bitOffsets?: readonly (number | undefined)[]
}

/** Thrown for a header import-c cannot read (clang missing, a compile error, a layout it cannot reproduce). */
export class ImportCError extends Error {
	override readonly name = 'ImportCError'
}

// ---- clang ------------------------------------------------------------------------

/** The clang to run: `--clang`, else `$CLANG`, else `clang` on the PATH, else the newest `clang-NN` there. */
export function findClang(given?: string): string {
	if (given !== undefined) return given
	if (process.env.CLANG) return process.env.CLANG
	const found: { name: string; version: number }[] = []
	for (const dir of (process.env.PATH ?? '').split(delimiter)) {
		let names: string[]
		try {
			names = readdirSync(dir)
		} catch {
			continue
		}
		for (const name of names) {
			if (name === 'clang') found.push({ name: join(dir, name), version: Infinity })
			const match = /^clang-(\d+)$/.exec(name)
			if (match) found.push({ name: join(dir, name), version: Number(match[1]) })
		}
	}
	found.sort((a, b) => b.version - a.version)
	if (found.length === 0) {
		throw new ImportCError('import-c: no clang found on the PATH (looked for clang and clang-NN); install it (apt-get install clang-14) or pass --clang <path>')
	}
	return found[0]!.name
}

/** Whether this is Deno and its permissions do not let it run `command` (false elsewhere). */
function denyingRun(command: string): boolean {
	const deno = (globalThis as { Deno?: { permissions?: { querySync?(descriptor: { name: 'run'; command: string }): { state: string } } } }).Deno
	const query = deno?.permissions?.querySync
	if (typeof query !== 'function') return false
	try {
		return query.call(deno!.permissions, { name: 'run', command }).state !== 'granted'
	} catch {
		return false
	}
}

function runClang(clang: string, args: readonly string[], input?: string): string {
	try {
		return execFileSync(clang, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) })
	} catch (error) {
		const failure = error as NodeJS.ErrnoException & { stderr?: string; status?: number | null; signal?: string | null }
		if (failure.code === 'ENOENT') {
			throw new ImportCError(`import-c: cannot run ${clang}: not found; install clang (apt-get install clang-14) or pass --clang <path>`)
		}
		const stderr = String(failure.stderr ?? '').trim()
		if (typeof failure.status !== 'number') {
			// clang ran and was killed (a crash, a timeout) or never started: a file that is not
			// executable (EACCES), or Deno without --allow-run (denyingRun)
			if (typeof failure.signal === 'string') throw new ImportCError(`import-c: ${clang} was killed by ${failure.signal} before it finished${stderr ? `:\n${stderr}` : ''}`)
			if (failure.code === 'EACCES') throw new ImportCError(`import-c: cannot run ${clang}: permission denied (EACCES); pass --clang <path> of a clang executable`)
			// Deno's execFileSync without --allow-run throws only "Command failed: ..."; its permissions say why
			if (denyingRun(clang)) throw new ImportCError(`import-c: cannot run ${clang}: Deno was not given run access to it; run again with the --allow-run flag`)
			throw new ImportCError(`import-c: cannot run ${clang}: ${failure.message}`, { cause: error })
		}
		throw new ImportCError(`import-c: ${clang} could not compile the header (exit ${failure.status}):\n${stderr}`)
	}
}

/**
 * The C source whose layout dump has every complete record of `ast` in it: `header`
 * included, then one `sizeof` of each record with a name (its tag, or the typedef of an
 * unnamed one), which lays it out and its nested records with it. (clang's
 * `-fdump-record-layouts-complete` lays a record out at its closing brace, before an
 * attribute written after it applies: `struct S { ... } __attribute__((packed));` would be
 * dumped unpacked, and so would every record holding it.)
 */
export function layoutProbe(header: string, ast: ClangNode): string {
	const probes: string[] = []
	const walk = (nodes: readonly ClangNode[], top: boolean): void => {
		for (const [index, node] of nodes.entries()) {
			if (node.kind !== 'RecordDecl') continue
			if (node.completeDefinition) {
				const name = node.name !== undefined ? `${node.tagUsed} ${node.name}` : top ? typedefNameOf(nodes, index) : undefined
				if (name !== undefined) probes.push(`_Static_assert(sizeof(${name}) || 1, "${name}");`)
			}
			walk(node.inner ?? [], false)
		}
	}
	walk((ast.inner ?? []).filter((node) => !node.isImplicit), true)
	return `#include "${header}"\n${probes.join('\n')}\n`
}

/** The ABIs whose layouts a pack value is fitted to besides the one imported for: wasm32 and wasm64 (their `long` and pointers differ). */
function otherAbis(abi: AbiName): AbiName[] {
	return (['wasm32', 'wasm64'] as const).filter((other) => other !== abi)
}

/**
 * Runs clang on `header` for `abi`: its JSON AST and its layout dump, and the layout dump
 * of the header under the other wasm ABIs (`others`; left out for one the header does
 * not compile for, or whose records differ).
 */
export function clangDumps(
	header: string,
	abi: AbiName,
	clang = findClang(),
	clangArgs: readonly string[] = [],
	language: HeaderLanguage = 'c',
): {
	ast: ClangNode
	/** For C++, each record's name in the layout dumps (`geo::Vec3<float>`) to its name in the module (`Vec3f`). */
	dumpNames?: ReadonlyMap<string, string>
	layouts: string
	others: Partial<Record<AbiName, string>>
	unchecked: Partial<Record<AbiName, string>>
	/** The files clang read the header from that are not system headers (the header, and those it includes found through -I or beside it), as clang spells them. */
	userFiles: string[]
} {
	// freestanding: clang's own <stdint.h>, <stddef.h>... (hosted, the emscripten target looks for a libc's in /usr/include);
	// the caller's -I, -D and other arguments after ours, so that a -std of theirs wins
	const target = (which: AbiName): string[] =>
		language === 'c++'
			? [`--target=${clangTargets[which]}`, '-std=c++17', '-ffreestanding', '-fsyntax-only', ...clangArgs, '-xc++']
			: [`--target=${clangTargets[which]}`, '-std=c11', '-ffreestanding', '-fsyntax-only', ...clangArgs, '-xc']
	// -MMD: the dependency file of the files read, without those clang takes as system headers
	const scratch = mkdtempSync(join(tmpdir(), 'import-c-'))
	let astText: string
	let userFiles: string[]
	try {
		const depFile = join(scratch, 'header.d')
		astText = runClang(clang, [...target(abi), header, '-Xclang', '-ast-dump=json', '-MMD', '-MF', depFile])
		// (none written when an argument of the caller's stops clang short of compiling; the AST check below says so)
		userFiles = existsSync(depFile) ? parseDependencies(readFileSync(depFile, 'utf8')) : []
	} finally {
		rmSync(scratch, { recursive: true, force: true })
	}
	let ast: ClangNode | undefined
	try {
		ast = JSON.parse(astText) as ClangNode
	} catch {
		// (an -ast-dump-filter, -E, -### ... among the caller's arguments)
	}
	if (ast?.kind !== 'TranslationUnitDecl') {
		throw new ImportCError(`import-c: ${clang} printed something other than its JSON AST (${JSON.stringify(astText.slice(0, 40))}...); does an argument given to clang change what it prints?`)
	}
	let dumpNames: ReadonlyMap<string, string> | undefined
	let probe: string
	if (language === 'c++') {
		// a sizeof of each record and of each alias of a template instantiation, which instantiates it: the AST then has its members
		probe = cxxLayoutProbe(header, ast)
		const normalized = normalizeCxx(JSON.parse(runClang(clang, [...target(abi), '-', '-Xclang', '-ast-dump=json'], probe)) as ClangNode)
		ast = normalized.ast
		dumpNames = normalized.dumpNames
	} else probe = layoutProbe(header, ast)
	const dump = (which: AbiName): string => runClang(clang, [...target(which), '-', '-Xclang', '-fdump-record-layouts'], probe)
	const layouts = dump(abi)
	const others: Partial<Record<AbiName, string>> = {}
	const unchecked: Partial<Record<AbiName, string>> = {}
	for (const other of otherAbis(abi)) {
		try {
			others[other] = dump(other)
		} catch (error) {
			if (!(error instanceof ImportCError)) throw error
			unchecked[other] = /error: (.*)/.exec(error.message)?.[1] ?? error.message
		}
	}
	return { ast, layouts, others, unchecked, userFiles, ...(dumpNames === undefined ? {} : { dumpNames }) }
}

/** The prerequisites of the make rule clang writes for -MMD (`x.o: a.h b\ c.h \` and a newline...), unescaped (`\ `, `\#`, `$$`). */
export function parseDependencies(text: string): string[] {
	const joined = text.replace(/\\\r?\n/g, ' ')
	const colon = /:(?:\s|$)/.exec(joined)
	const rest = colon === null ? '' : joined.slice(colon.index + 1)
	const files: string[] = []
	for (const match of rest.matchAll(/(?:\\.|[^\s\\])+/g)) files.push(match[0].replace(/\$\$/g, '$').replace(/\\([ #])/g, '$1'))
	return files
}

/** The named records of a layout dump (`struct Name` and `union Name` blocks), by name. */
export function parseLayoutDump(text: string, dumpNames?: ReadonlyMap<string, string>): Map<string, DumpedLayout> {
	const records = new Map<string, DumpedLayout>()
	for (const block of text.split('*** Dumping AST Record Layout').slice(1)) {
		const lines = block.split('\n').filter((line) => line.includes('|'))
		// a named record, or an unnamed one by its location (`struct (unnamed at f.h:6:25)`)
		const first = lines[0] ?? ''
		// (an unnamed record that a typedef names is dumped under the typedef's name: `0 | Name`,
		// also kept as `typedef Name` for when a tag has the name too)
		// (C++: `class geo::Vec3<float>`, named in the module by dumpNames)
		const named = anonymousKey(first) === undefined ? /^\s*0 \| ((?:struct|union|class) )?((?:\(anonymous namespace\)::)?[A-Za-z_][\w:<>, *()]*?)\s*$/.exec(first) : null
		const name = named === null ? anonymousKey(first) : (dumpNames?.get(named[2]!) ?? named[2])
		if (name === undefined) continue
		const offsets: number[] = []
		const bitOffsets: (number | undefined)[] = []
		let size = 0
		let align = 0
		// C++: whether the line last read at each depth is a base class (`0 |   struct Base (base)`), whose members are the record's own
		const baseAt: boolean[] = []
		for (const line of lines.slice(1)) {
			const end = /\[sizeof=(\d+), (?:dsize=\d+, )?align=(\d+)/.exec(line)
			if (end) {
				size = Number(end[1])
				align = Number(end[2])
				break
			}
			const field = /^\s*(\d+)(?::(\d+)-\d+)?\s\|( +)(\S.*)$/.exec(line)
			if (field) {
				const depth = (field[3]!.length - 1) / 2
				let direct = true
				for (let outer = 1; outer < depth; outer++) direct &&= baseAt[outer] === true
				const base = / \((?:primary |virtual )?base\)(?: \(empty\))?$/.test(field[4]!)
				baseAt.length = depth + 1
				baseAt[depth] = base
				if (!direct || base) continue
				offsets.push(Number(field[1]))
				bitOffsets.push(field[2] === undefined ? undefined : Number(field[2]))
			}
		}
		const layout = { size, align, offsets, bitOffsets }
		if (named !== null && named[1] === undefined) {
			records.set(`typedef ${name}`, layout)
			if (!records.has(name)) records.set(name, layout)
		} else records.set(name, layout)
	}
	return records
}

// ---- types ---------------------------------------------------------------------------

const scalarNames: { readonly [c: string]: string } = {
	char: 'Int8',
	'signed char': 'Int8',
	'unsigned char': 'Uint8',
	short: 'Int16',
	'short int': 'Int16',
	'signed short': 'Int16',
	'unsigned short': 'Uint16',
	'unsigned short int': 'Uint16',
	int: 'Int32',
	signed: 'Int32',
	'signed int': 'Int32',
	unsigned: 'Uint32',
	'unsigned int': 'Uint32',
	long: 'Long',
	'long int': 'Long',
	'signed long': 'Long',
	'unsigned long': 'Size',
	'unsigned long int': 'Size',
	'long long': 'BigInt64',
	'long long int': 'BigInt64',
	'signed long long': 'BigInt64',
	'unsigned long long': 'BigUint64',
	'unsigned long long int': 'BigUint64',
	_Bool: 'Bool',
	bool: 'Bool',
	float: 'Float32',
	double: 'Float64',
	__fp16: 'Float16',
	// C++'s own character types (C's are typedefs)
	char8_t: 'Uint8',
	char16_t: 'Uint16',
	char32_t: 'Uint32',
	_Float16: 'Float16',
}

class Unsupported extends Error {}

interface ParsedType {
	readonly base: string
	readonly pointers: number
	readonly dims: readonly number[]
}

const qualifiers = /\b(const|volatile|restrict|__restrict|_Atomic)\b/g

function parseCType(text: string): ParsedType {
	// `_Atomic(int)` is an int (wasm gives atomic scalars their own size and alignment); typeExpr refuses an atomic record
	let rest = text.replace(/_Atomic\(([^()]*)\)/g, '$1').replace(qualifiers, ' ').trim()
	const dims: number[] = []
	for (let match = /\[(\d+)\]\s*$/.exec(rest); match; match = /\[(\d+)\]\s*$/.exec(rest)) {
		dims.unshift(Number(match[1]))
		rest = rest.slice(0, match.index).trim()
	}
	if (/\[\]\s*$/.test(rest)) throw new Unsupported(`a flexible array member (${text})`)
	let pointers = 0
	while (rest.endsWith('*')) {
		pointers++
		rest = rest.slice(0, -1).trim()
	}
	return { base: rest.replace(/\s+/g, ' '), pointers, dims }
}

// ---- the AST ---------------------------------------------------------------------------

interface Context {
	readonly typedefs: Map<string, string>
	/** Typedefs declared with `aligned(n)`, by name. */
	readonly typedefAligns: Map<string, number>
	readonly records: Set<string>
	readonly enums: Set<string>
	/** Records whose definition was printed already (a by-value use needs it; a pointer uses a function otherwise). */
	readonly defined: Set<string>
	readonly declarations: (RecordModel | EnumModel | AliasModel)[]
	readonly skipped: { name: string; reason: string }[]
	/** Anonymous type spellings (`struct A::(anonymous at f.h:1:20)`) to the names given to them. */
	readonly anonymous: Map<string, string>
	/** Unnamed top-level records a typedef names, by their AST id, to the names given to them (the typedef's, or with `_` added when a tag has it). */
	readonly unnamedById: Map<string, string>
	/** Names of all tags (`struct S`, `union U`, `enum E`), which an unnamed record's typedef name may be too. */
	readonly tags: Set<string>
	/** The file (resolved) of the top-level declaration each declaration and left-out entry comes from. */
	readonly origins: Map<object, string | undefined>
}

function constantOf(node: ClangNode): bigint | undefined {
	if (node.value !== undefined && (node.kind === 'ConstantExpr' || node.kind === 'IntegerLiteral')) return BigInt(node.value)
	for (const child of node.inner ?? []) {
		const value = constantOf(child)
		if (value !== undefined) return value
	}
	return undefined
}

/** The location an unnamed type is spelled with (`struct A::(anonymous at f.h:1:20)`), its path resolved: clang spells a header it was given and one included (`./f.h`) differently. */
function anonymousKey(spelling: string): string | undefined {
	const location = /\((?:anonymous|unnamed)(?: (?:struct|union|enum))? at ([^)]*)\)/.exec(spelling)?.[1]
	const parts = location === undefined ? undefined : /^(.*):(\d+):(\d+)$/.exec(location)
	return parts ? `${resolve(parts[1]!)}:${parts[2]}:${parts[3]}` : location
}

/**
 * `text` with its typedef names replaced by what they stand for. The dimensions written
 * with a typedef name come before the typedef's own (`typedef int Vec3[3]`: `Vec3 v[2]` is
 * `int[2][3]`); a pointer to an array or to a function pointer is an address (`void **`).
 */
function resolveTypedefs(context: Context, text: string): string {
	for (let depth = 0; depth < 64; depth++) {
		const parsed = parseCType(text)
		const target = context.typedefs.get(parsed.base)
		if (target === undefined) return text
		const dims = parsed.dims.map((dim) => `[${dim}]`).join('')
		if (/\(\*/.test(target)) {
			// a function pointer: an array of them takes the dimensions inside (`void (*[2])(int)`)
			text = parsed.pointers > 0 ? `void ${'*'.repeat(parsed.pointers + 1)}${dims}` : target.replace('(*', `(*${dims}`)
			continue
		}
		const inner = parseCType(target)
		const innerDims = inner.dims.map((dim) => `[${dim}]`).join('')
		text =
			parsed.pointers > 0 && inner.dims.length > 0
				? `void ${'*'.repeat(parsed.pointers)}${dims}`
				: `${inner.base}${'*'.repeat(inner.pointers + parsed.pointers)}${dims}${innerDims}`
	}
	throw new Unsupported(`typedefs that do not end (${text})`)
}

/** The `aligned(n)` of the first typedef on the way from `spelling` to its type, unless a pointer comes first; an array of one is refused. */
function typedefAlignment(context: Context, spelling: string): number | undefined {
	let array = false
	for (let text: string | undefined = spelling, depth = 0; text !== undefined && depth < 64; depth++) {
		const parsed = parseCType(text)
		if (parsed.pointers > 0) return undefined
		array ||= parsed.dims.length > 0
		const align = context.typedefAligns.get(parsed.base)
		// clang pads such an array to a multiple of the alignment (`aligned8 a[3]`, 4-byte ints aligned 8, is 16 bytes)
		if (align !== undefined && array) throw new Unsupported(`an array of a typedef with aligned(n) (${spelling}), which clang pads`)
		if (align !== undefined) return align
		text = context.typedefs.get(parsed.base)
	}
	return undefined
}

/** What the typedef name `name` stands for, or `name` itself when that is not a type a field can have (`typedef int IA[];`). */
function typedefTarget(context: Context, name: string): string {
	try {
		return resolveTypedefs(context, name)
	} catch (error) {
		if (error instanceof Unsupported) return name
		throw error
	}
}

function baseExpr(context: Context, base: string, where: string): TypeExpr {
	const key = anonymousKey(base)
	if (key !== undefined) {
		const name = context.anonymous.get(key)
		if (name === undefined) throw new Unsupported(`an anonymous type that was not defined (${base})`)
		return context.enums.has(name) ? { kind: 'enum', name } : { kind: 'record', name }
	}
	const tagged = /^(struct|union|enum) ([A-Za-z_]\w*)$/.exec(base)
	if (tagged) {
		const name = tagged[2]!
		// one left out already (`struct LD { long double x; }`) has a definition: say it is left out
		const missing = (): string =>
			`${tagged[1]} ${name}, which ${context.skipped.some((skipped) => skipped.name === name) ? 'is left out' : tagged[1] === 'enum' ? 'has no definition' : 'has no definition here'}`
		if (tagged[1] === 'enum') {
			if (!context.enums.has(name)) throw new Unsupported(missing())
			return { kind: 'enum', name }
		}
		if (!context.records.has(name)) throw new Unsupported(missing())
		return { kind: 'record', name }
	}
	const scalar = scalarNames[base]
	if (scalar === undefined) throw new Unsupported(`the C type ${base}${where ? ` (${where})` : ''}, which no field type offers`)
	return { kind: 'scalar', name: scalar }
}

/** The field type of a C type spelling (typedefs resolved). */
function typeExpr(context: Context, spelling: string): TypeExpr {
	const resolved = resolveTypedefs(context, spelling)
	// `_Atomic` here or in a typedef on the way, on a struct or union (not on a pointer to one)
	let atomic = false
	for (let text: string | undefined = spelling, depth = 0; text !== undefined && depth < 64; depth++) {
		atomic ||= /\b_Atomic\b/.test(text)
		text = context.typedefs.get(parseCType(text).base)
	}
	if (atomic) {
		const parsed = parseCType(resolved)
		if (parsed.pointers === 0 && /^(?:struct|union) /.test(parsed.base)) {
			throw new Unsupported(`an _Atomic struct or union (${spelling}), which C may make larger than the struct`)
		}
	}
	if (/\(\*+(?:\[\d+\])*\)/.test(resolved)) {
		// a pointer to a function or an array, at any depth (`int (**)[3]`), or an array of them (`int (*[2])(void)`)
		const dims = [.../\(\*+((?:\[\d+\])*)\)/.exec(resolved)![1]!.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1]))
		if (dims.includes(0)) throw zeroLength(spelling)
		let expr: TypeExpr = { kind: 'scalar', name: 'Pointer' }
		for (const dim of dims.reverse()) expr = { kind: 'array', element: expr, length: dim }
		return expr
	}
	const parsed = parseCType(resolved)
	if (parsed.dims.includes(0)) throw zeroLength(spelling)
	let expr: TypeExpr
	if (parsed.pointers > 0) {
		expr = pointerExpr(context, parsed.base, parsed.pointers)
	} else if (parsed.base === 'char' && parsed.dims.length > 0) {
		// char[n]: a null-terminated UTF-8 string; char[m][n]: m of them
		expr = { kind: 'string', capacity: parsed.dims[parsed.dims.length - 1]! }
		for (const dim of parsed.dims.slice(0, -1).reverse()) expr = { kind: 'array', element: expr, length: dim }
		return expr
	} else {
		expr = baseExpr(context, parsed.base, '')
	}
	for (const dim of [...parsed.dims].reverse()) expr = { kind: 'array', element: expr, length: dim }
	return expr
}

/** `int z[0]`: a field of no bytes that, as a flexible array member, stands for the elements after the record; no field type is one. */
function zeroLength(spelling: string): Unsupported {
	return new Unsupported(`a zero-length array (${spelling}), the GNU form of a flexible array member, which no field type offers`)
}

function pointerExpr(context: Context, base: string, pointers: number): TypeExpr {
	let target: TypeExpr | undefined
	const resolvedBase = resolveTypedefs(context, base)
	// `void *` and a pointer to an opaque struct are plain addresses
	const address = (): TypeExpr => {
		let expr: TypeExpr = { kind: 'scalar', name: 'Pointer' }
		for (let level = 1; level < pointers; level++) expr = { kind: 'pointer', target: expr }
		return expr
	}
	if (resolvedBase === 'void') {
		return address()
	} else if (resolvedBase === 'char') {
		// `char *` is a C string; `char **` a pointer to one
		let expr: TypeExpr = { kind: 'pointer', target: { kind: 'cString', encoding: 'Utf8' } }
		for (let level = 1; level < pointers; level++) expr = { kind: 'pointer', target: expr }
		return expr
	} else {
		const tagged = /^(struct|union) ([A-Za-z_]\w*)$/.exec(resolvedBase)
		if (tagged && !context.records.has(tagged[2]!)) return address()
		try {
			target = baseExpr(context, resolvedBase, '')
		} catch (error) {
			if (error instanceof Unsupported) return address()
			throw error
		}
		// a record not defined yet (the struct itself, or one defined further down) is named through a
		// function, at any depth of pointers: `struct item **pprev` is { pointer: { pointer: () => item } }
		if (target.kind === 'record' && !context.defined.has(target.name)) {
			let expr: TypeExpr = { kind: 'pointer', target: { kind: 'deferred', name: target.name } }
			for (let level = 1; level < pointers; level++) expr = { kind: 'pointer', target: expr }
			return expr
		}
	}
	let expr: TypeExpr = target
	for (let level = 0; level < pointers; level++) expr = { kind: 'pointer', target: expr }
	return expr
}

function typeSpelling(node: ClangNode): string {
	return node.type?.qualType ?? ''
}

function collectEnum(context: Context, node: ClangNode, name: string): void {
	const members: { name: string; value: bigint }[] = []
	let next = 0n
	for (const child of node.inner ?? []) {
		if (child.kind !== 'EnumConstantDecl') continue
		const value = constantOf(child) ?? next
		if (child.name === '__proto__') throw new Unsupported('an enumerator named __proto__, which a JavaScript object cannot hold as its own key')
		members.push({ name: child.name!, value })
		next = value + 1n
	}
	const packed = (node.inner ?? []).some((child) => child.kind === 'PackedAttr')
	let storage
	if (node.fixedUnderlyingType) {
		const fixed = typeExpr(context, node.fixedUnderlyingType.qualType)
		storage = fixed.kind === 'scalar' ? fixed.name : 'Int32'
		if (storage === 'Long' || storage === 'Size' || storage === 'Bool') storage = cEnumStorage(members.map((m) => m.value), { packed })
	} else {
		storage = cEnumStorage(
			members.map((member) => member.value),
			{ packed },
		)
	}
	for (const member of members) {
		if (member.value > BigInt(Number.MAX_SAFE_INTEGER) || member.value < BigInt(Number.MIN_SAFE_INTEGER)) {
			throw new Unsupported(`enumerator ${member.name} = ${member.value}, beyond a safe integer`)
		}
	}
	context.enums.add(name)
	context.declarations.push({
		kind: 'enum',
		name,
		storage: storage as EnumModel['storage'],
		members: members.map((member) => ({ name: member.name, value: Number(member.value) })),
	})
}

function attributeValue(node: ClangNode, kind: string): number | undefined {
	const attribute = (node.inner ?? []).find((child) => child.kind === kind)
	if (attribute === undefined) return undefined
	const value = constantOf(attribute)
	return value === undefined ? undefined : Number(value)
}

function collectRecord(context: Context, node: ClangNode, name: string, inheritedPack: boolean): void {
	if (node.unsupported !== undefined) throw new Unsupported(node.unsupported)
	const children = node.inner ?? []
	const packedAttribute = children.some((child) => child.kind === 'PackedAttr')
	const pragmaPack = inheritedPack || children.some((child) => child.kind === 'MaxFieldAlignmentAttr')
	const fields: { name: string; type: FieldExpr; cType: string }[] = []
	const unnamed = memberNames(children)
	const hints: string[] = []
	const cxxHints = node.hints ?? []
	const typedefAligned: { field: string; spelling: string; align: number }[] = []
	context.records.add(name)
	for (const child of children) {
		if (child.kind === 'RecordDecl' || child.kind === 'EnumDecl') {
			if (!child.completeDefinition && child.kind === 'RecordDecl') continue
			const user = children.slice(children.indexOf(child) + 1).find((sibling) => sibling.kind === 'FieldDecl')
			const key = user === undefined ? undefined : anonymousKey(typeSpelling(user))
			const nestedName = child.name ?? (key === undefined ? undefined : context.anonymous.get(key)) ?? nestedAnonymousName(children, child, name, unnamed)
			collectTag(context, child, nestedName, pragmaPack)
			continue
		}
		if (child.kind !== 'FieldDecl') continue
		const spelling = typeSpelling(child)
		const fieldName = child.name ?? unnamed.get(child)!
		if (fieldName === '__proto__') throw new Unsupported('a member named __proto__, which a JavaScript object cannot hold as its own key')
		let type: FieldExpr = typeExpr(context, spelling)
		if (child.isBitfield) {
			const width = (child.inner ?? []).find((inner) => inner.kind === 'ConstantExpr' || inner.kind === 'IntegerLiteral')
			type = { kind: 'bits', bits: Number(width ? constantOf(width) : 0n), storage: type }
			if (child.name === undefined && type.bits > 0 && hints.length === 0) hints.push("an unnamed bitfield does not raise a C record's alignment, and a declared field would")
		}
		// `aligned(n)` on the member, or on a typedef it is declared with (which packed ignores, as clang does)
		const typedefAlign = child.isBitfield || packedAttribute ? undefined : typedefAlignment(context, spelling)
		const memberAlign = attributeValue(child, 'AlignedAttr')
		const align = typedefAlign === undefined ? memberAlign : Math.max(typedefAlign, memberAlign ?? 1)
		if (align !== undefined) type = { kind: 'aligned', type: type as TypeExpr, align }
		if (typedefAlign !== undefined) typedefAligned.push({ field: fieldName, spelling, align: typedefAlign })
		fields.push({ name: fieldName, type, cType: spelling })
	}
	const align = attributeValue(node, 'AlignedAttr')
	context.declarations.push({
		kind: node.tagUsed === 'union' ? 'union' : 'struct',
		name,
		fields,
		packed: packedAttribute,
		align,
		// a typedef's aligned(n) below its type's alignment (`typedef int u1 __attribute__((aligned(1)))`) lays out as a pack value does
		pragmaPack: pragmaPack || typedefAligned.length > 0,
		...(hints.length + cxxHints.length > 0 ? { hints: [...hints, ...cxxHints] } : {}),
		...(typedefAligned.length > 0 ? { typedefAligned } : {}),
	})
	context.defined.add(name)
}

/**
 * The names of a record's unnamed members: `anon0`, `anon1`... for anonymous records,
 * `_0`, `_1`... for unnamed bitfields, each the next one no named member of the record has.
 */
function memberNames(children: readonly ClangNode[]): Map<ClangNode, string> {
	const taken = new Set(children.flatMap((child) => (child.kind === 'FieldDecl' && child.name !== undefined ? [child.name] : [])))
	const names = new Map<ClangNode, string>()
	let anonymous = 0
	let bits = 0
	for (const child of children) {
		if (child.kind !== 'FieldDecl' || child.name !== undefined) continue
		let name: string
		do name = child.isBitfield ? `_${bits++}` : `anon${anonymous++}`
		while (taken.has(name))
		names.set(child, name)
	}
	return names
}

/** The name of a nested record without a tag: `<Outer>_<field>` for the field that has its type (named, or `anon<k>`). */
function nestedAnonymousName(siblings: readonly ClangNode[], nested: ClangNode, outer: string, unnamed: ReadonlyMap<ClangNode, string>): string {
	const index = siblings.indexOf(nested)
	const next = siblings.slice(index + 1).find((child) => child.kind === 'FieldDecl')
	if (next !== undefined && anonymousKey(typeSpelling(next)) !== undefined) return `${outer}_${next.name ?? unnamed.get(next)}`
	return `${outer}_anon`
}

function collectTag(context: Context, node: ClangNode, name: string, inheritedPack: boolean): void {
	try {
		if (node.kind === 'EnumDecl') collectEnum(context, node, name)
		else collectRecord(context, node, name, inheritedPack)
	} catch (error) {
		if (!(error instanceof Unsupported)) throw error
		context.records.delete(name)
		context.enums.delete(name)
		context.skipped.push({ name, reason: `it uses ${error.message}` })
	}
}

/** Options of {@link modelFromAst}. */
export interface ModelOptions {
	/**
	 * The header's own files (the header, and those it includes that are not system
	 * headers: `clangDumps`' `userFiles`). Given, the model holds the records, enums and
	 * typedefs declared in them, the records and enums those hold or point to (at any
	 * depth), and the typedefs of these; what else clang read (the C library's records) is
	 * left out without a word. Without them, everything clang read is in the model.
	 */
	readonly userFiles?: readonly string[]
}

/** The declarations of a header from clang's JSON AST (pack values still to fit). */
export function modelFromAst(ast: ClangNode, options: ModelOptions = {}): HeaderModel {
	const context: Context = {
		typedefs: new Map(),
		typedefAligns: new Map(),
		records: new Set(),
		enums: new Set(),
		defined: new Set(),
		declarations: [],
		skipped: [],
		anonymous: new Map(),
		unnamedById: new Map(),
		tags: tagNames(ast.inner ?? []),
		origins: new Map(),
	}
	const files = options.userFiles === undefined ? undefined : declarationFiles(ast)
	const top = (ast.inner ?? []).filter((node) => !node.isImplicit)
	// what a top-level node adds to the declarations and to those left out comes from its file
	const from = (node: ClangNode, declarations: number, skipped: number): void => {
		const file = files?.get(node)
		for (const added of [...context.declarations.slice(declarations), ...context.skipped.slice(skipped)]) context.origins.set(added, file)
	}
	// Nested and anonymous records are spelled with their location; learn every name first.
	assignAnonymousNames(context, top, undefined)
	for (const [index, node] of top.entries()) {
		const [declarations, skipped] = [context.declarations.length, context.skipped.length]
		if (node.kind === 'TypedefDecl') {
			let spelling = typeSpelling(node)
			// `typedef struct { ... } S;` is spelled `struct S`, which is the tag's spelling when there is a `struct S` too
			const owned = (node.inner ?? []).find((child) => child.ownedTagDecl !== undefined)?.ownedTagDecl
			const unnamed = owned?.name === '' && owned.id !== undefined ? context.unnamedById.get(owned.id) : undefined
			if (unnamed !== undefined) spelling = spelling.replace(/^(struct|union|enum) .*$/, `$1 ${unnamed}`)
			const key = anonymousKey(spelling)
			// a typedef name is followed through the typedefs before it (`typedef Inner InnerAlias;`)
			const tag = /^[A-Za-z_]\w*$/.test(spelling) ? typedefTarget(context, spelling) : spelling
			const target = key === undefined ? /^(?:struct|union|enum) ([A-Za-z_]\w*)$/.exec(tag)?.[1] : context.anonymous.get(key)
			if (target !== undefined && target !== node.name && (context.records.has(target) || context.enums.has(target))) {
				context.declarations.push({ kind: 'alias', name: node.name!, target })
			}
			if (key === undefined) context.typedefs.set(node.name!, spelling)
			const align = attributeValue(node, 'AlignedAttr')
			if (align !== undefined) context.typedefAligns.set(node.name!, align)
			from(node, declarations, skipped)
			continue
		}
		if ((node.kind === 'RecordDecl' || node.kind === 'EnumDecl') && (node.completeDefinition || node.kind === 'EnumDecl') && ((node.inner?.length ?? 0) > 0 || node.unsupported !== undefined)) {
			const name = node.name ?? (node.id === undefined ? undefined : context.unnamedById.get(node.id)) ?? typedefNameOf(top, index)
			if (name === undefined) continue
			collectTag(context, node, name, false)
			from(node, declarations, skipped)
		}
	}
	const locations = new Map([...context.anonymous].map(([key, name]) => [name, key]))
	// a renamed unnamed record is in the layout dump under its typedef's name
	for (const [index, node] of top.entries()) {
		const name = node.id === undefined ? undefined : context.unnamedById.get(node.id)
		const typedef = typedefNameOf(top, index)
		if (name !== undefined && typedef !== undefined && name !== typedef) locations.set(name, `typedef ${typedef}`)
	}
	const declarations = withoutClashingAliases(context)
	if (options.userFiles === undefined) return { declarations, skipped: context.skipped, locations, notes: [] }
	const own = new Set(options.userFiles.map((file) => resolve(file)))
	const isOwn = (entry: object): boolean => {
		const file = context.origins.get(entry)
		return file !== undefined && own.has(file)
	}
	const kept = neededBy(declarations, declarations.filter(isOwn))
	return {
		declarations: declarations.filter((declaration) => (declaration.kind === 'alias' ? kept.has(declaration.target) : kept.has(declaration.name))),
		skipped: context.skipped.filter(isOwn),
		locations,
		notes: [],
	}
}

/**
 * The names of the records and enums among `declarations` that `roots` are or name (a
 * typedef, its target), with every record and enum they hold or point to, at any depth.
 */
function neededBy(declarations: readonly (RecordModel | EnumModel | AliasModel)[], roots: readonly (RecordModel | EnumModel | AliasModel)[]): Set<string> {
	const byName = new Map(declarations.flatMap((declaration) => (declaration.kind === 'alias' ? [] : [[declaration.name, declaration] as const])))
	const needed = new Set<string>()
	const queue = roots.map((root) => (root.kind === 'alias' ? root.target : root.name))
	const uses = (expr: FieldExpr | { kind: 'cString' } | { kind: 'deferred'; name: string }): void => {
		switch (expr.kind) {
			case 'record':
			case 'enum':
			case 'deferred':
				queue.push(expr.name)
				return
			case 'array':
				return uses(expr.element)
			case 'pointer':
				return uses(expr.target)
			case 'bits':
				return uses(expr.storage)
			case 'aligned':
				return uses(expr.type)
			default:
				return
		}
	}
	for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
		if (needed.has(name)) continue
		needed.add(name)
		const declaration = byName.get(name)
		if (declaration?.kind === 'struct' || declaration?.kind === 'union') for (const field of declaration.fields) uses(field.type)
	}
	return needed
}

/**
 * The declarations without the typedefs a module cannot export: C keeps tags and typedef
 * names apart (`struct S` and a `typedef struct T S`), a module has one name for both, which
 * the tag keeps; a typedef given twice (C11 allows it) is exported once.
 */
function withoutClashingAliases(context: Context): (RecordModel | EnumModel | AliasModel)[] {
	const types = new Map(context.declarations.flatMap((declaration) => (declaration.kind === 'alias' ? [] : [[declaration.name, declaration] as const])))
	const unnamed = new Set(context.unnamedById.values())
	const aliases = new Set<string>()
	const kept = context.declarations.filter((declaration) => {
		if (declaration.kind !== 'alias') return true
		const clash = types.get(declaration.name)
		if (clash !== undefined) {
			const target = types.get(declaration.target)
			const named = target === undefined ? declaration.target : unnamed.has(target.name) ? `the unnamed ${target.kind} exported as ${target.name}` : `${target.kind} ${target.name}`
			const entry = { name: `typedef ${declaration.name}`, reason: `it names ${named}, and ${clash.kind} ${clash.name} has the name ${declaration.name} in the module` }
			context.skipped.push(entry)
			context.origins.set(entry, context.origins.get(declaration))
			return false
		}
		if (aliases.has(declaration.name)) return false
		aliases.add(declaration.name)
		return true
	})
	// a typedef before its record's definition (`typedef struct S S_t; struct S { ... };`) is exported after it
	const ordered: (RecordModel | EnumModel | AliasModel)[] = []
	const waiting = new Map<string, AliasModel[]>()
	for (const declaration of kept) {
		if (declaration.kind === 'alias' && !ordered.some((done) => done.kind !== 'alias' && done.name === declaration.target)) {
			waiting.set(declaration.target, [...(waiting.get(declaration.target) ?? []), declaration])
			continue
		}
		ordered.push(declaration)
		if (declaration.kind !== 'alias') {
			ordered.push(...(waiting.get(declaration.name) ?? []))
			waiting.delete(declaration.name)
		}
	}
	// the typedefs of a record that was left out (its definition uses what no field type offers)
	for (const [target, left] of waiting) {
		const reason = context.skipped.find((skipped) => skipped.name === target) === undefined ? `${target}, which has no definition here` : `${target}, which is left out`
		for (const alias of left) {
			const entry = { name: alias.name, reason: `it is a typedef of ${reason}` }
			context.skipped.push(entry)
			context.origins.set(entry, context.origins.get(alias))
		}
	}
	return ordered
}

/** Every tag of the header: the names of its records and enums, nested ones too (C gives them file scope). */
function tagNames(nodes: readonly ClangNode[], into = new Set<string>()): Set<string> {
	for (const node of nodes) {
		if ((node.kind === 'RecordDecl' || node.kind === 'EnumDecl') && node.name !== undefined) into.add(node.name)
		if (node.kind === 'RecordDecl') tagNames(node.inner ?? [], into)
	}
	return into
}

/** `typedef struct { ... } Name;`: the typedef right after an unnamed record names it. */
function typedefNameOf(top: readonly ClangNode[], index: number): string | undefined {
	const next = top[index + 1]
	if (next?.kind !== 'TypedefDecl') return undefined
	const owned = (next.inner ?? []).find((child) => child.ownedTagDecl !== undefined)?.ownedTagDecl
	if (owned?.name === '' || anonymousKey(typeSpelling(next)) !== undefined) return next.name
	return undefined
}

/** Every tag and typedef name of the header (what a name given to an unnamed record must not be). */
function declaredNames(nodes: readonly ClangNode[], into = new Set<string>()): Set<string> {
	for (const node of nodes) {
		if ((node.kind === 'RecordDecl' || node.kind === 'EnumDecl' || node.kind === 'TypedefDecl') && node.name !== undefined) into.add(node.name)
		if (node.kind === 'RecordDecl') declaredNames(node.inner ?? [], into)
	}
	return into
}

/**
 * Gives every unnamed record and enum its name, keyed by the location clang spells it
 * with; a nested one's name (`<Outer>_anon0`) gets `_` added while another declaration has it.
 */
function assignAnonymousNames(context: Context, nodes: readonly ClangNode[], outer: string | undefined, taken = declaredNames(nodes)): void {
	const unnamed = memberNames(nodes)
	for (const [index, node] of nodes.entries()) {
		if (node.kind !== 'RecordDecl' && node.kind !== 'EnumDecl') continue
		let name = node.name
		if (name === undefined) {
			if (outer === undefined) {
				name = typedefNameOf(nodes, index)
				// `struct S { ... }; typedef struct { ... } S;`: two types, one name in a module
				if (name !== undefined && context.tags.has(name)) {
					do name += '_'
					while (taken.has(name))
					taken.add(name)
				}
				if (name !== undefined && node.id !== undefined) context.unnamedById.set(node.id, name)
			} else {
				name = nestedAnonymousName(nodes, node, outer, unnamed)
				while (taken.has(name)) name += '_'
				taken.add(name)
			}
			// the spelling of the type is on the field (or typedef) that uses it
			const user = nodes.slice(index + 1).find((child) => child.kind === 'FieldDecl' || child.kind === 'TypedefDecl')
			const key = user === undefined ? undefined : anonymousKey(typeSpelling(user))
			if (name !== undefined && key !== undefined) context.anonymous.set(key, name)
		}
		if (name !== undefined) {
			if (node.kind === 'RecordDecl' && node.completeDefinition) context.records.add(name)
			if (node.kind === 'EnumDecl') context.enums.add(name)
			assignAnonymousNames(context, node.inner ?? [], name, taken)
		}
	}
}

// ---- fitting and checking against clang's layout ---------------------------------------

/**
 * Sets each `#pragma pack` record's pack value to the one (1, 2, 4, 8, or none for 16)
 * that reproduces clang's layout under `abi` and, where one does, under the `others` too
 * (`#pragma pack(4)` over `char; void *` changes nothing on wasm32 but moves the pointer
 * on wasm64), then checks every named record against `abi`'s dump. A record whose layout
 * differs from clang's, or that the library refuses, is left out (into `model.skipped`,
 * with why), and so is every record that holds it by value, and every typedef of it; a
 * pointer to it becomes an address. A record whose declaration lays out otherwise than
 * clang under another ABI (a header with `#if`s on the target) gets a note in `model.notes`.
 */
export function fitToLayouts(model: HeaderModel, dump: ReadonlyMap<string, DumpedLayout>, abi: AbiName, others: ReadonlyMap<AbiName, ReadonlyMap<string, DumpedLayout>> = new Map()): void {
	const recordsOf = (): RecordModel[] => model.declarations.filter((declaration): declaration is RecordModel => declaration.kind === 'struct' || declaration.kind === 'union')
	for (const record of recordsOf()) {
		if (!record.pragmaPack) continue
		const expected = dumpedLayout(model, dump, record.name)
		if (expected === undefined) continue
		const end = model.declarations.indexOf(record) + 1
		const declared = record.packed
		// `__attribute__((packed))` under `#pragma pack(1)` is `packed: 1` (an `aligned(n)` member is capped to 1); under
		// `#pragma pack(n > 1)`, clang aligns a packed record's bitfields as pack(n) does, which a pack value says
		const candidates: (boolean | 1 | 2 | 4 | 8)[] =
			record.packed === true ? (record.fields.some((field) => field.type.kind === 'bits') ? [true, 1, 2, 4, 8] : [true, 1]) : [false, 1, 2, 4, 8]
		let fitting: boolean | 1 | 2 | 4 | 8 | undefined
		for (const pack of candidates) {
			record.packed = pack
			const type = instantiateModel({ declarations: model.declarations.slice(0, end) }, () => {}).get(record.name) as StructType | undefined
			if (type === undefined || !sameLayout(type.layout(abi), expected)) continue
			fitting ??= pack
			const elsewhere = [...others].every(([other, otherDump]) => {
				const otherExpected = dumpedLayout(model, otherDump, record.name)
				return otherExpected === undefined || sameLayout(type.layout(other), otherExpected)
			})
			if (elsewhere) {
				fitting = pack
				break
			}
		}
		// none fits: the check below leaves the record out, saying how clang lays it out
		record.packed = fitting ?? declared
	}
	// each round leaves out the first record the library refuses or lays out otherwise than clang, and what holds it
	for (;;) {
		let refused: { name: string; reason: string } | undefined
		const defined = instantiateModel(model, (declaration, error) => {
			refused ??= { name: declaration.name, reason: `the library refuses its declaration: ${error instanceof Error ? error.message : String(error)}` }
		})
		if (refused === undefined) {
			for (const record of recordsOf()) {
				const expected = dumpedLayout(model, dump, record.name)
				if (expected === undefined) continue
				const layout = (defined.get(record.name) as StructType).layout(abi)
				if (!sameLayout(layout, expected)) {
					refused = { name: record.name, reason: differenceReason(record, layout, expected) }
					break
				}
			}
		}
		if (refused === undefined) break
		leaveOut(model, refused.name, refused.reason)
	}
	const defined = instantiateModel(model)
	for (const [other, otherDump] of others) {
		for (const record of recordsOf()) {
			const expected = dumpedLayout(model, otherDump, record.name)
			if (expected === undefined) continue
			const layout = (defined.get(record.name) as StructType).layout(other)
			if (!sameLayout(layout, expected)) {
				model.notes?.push(
					`${record.kind} ${record.name} is laid out by clang for ${other} as ${layoutText(expected)}; ` +
						`this declaration, read for ${abi}, gives ${layoutText(fromLayout(layout))} there: generate it for ${abi} only`,
				)
			}
		}
	}
}

/** `sizeof 8, align 4, offsets 0, 4` */
function layoutText(layout: DumpedLayout): string {
	return `sizeof ${layout.size}, align ${layout.align}, offsets ${layout.offsets.join(', ')}`
}

function fromLayout(layout: StructLayout): DumpedLayout {
	return { size: layout.size, align: layout.align, offsets: layout.fields.map((field) => field.offset) }
}

/** Why `record` is left out: how clang and its declaration lay it out, and what it has that a declaration may not say. */
function differenceReason(record: RecordModel, layout: StructLayout, expected: DumpedLayout): string {
	const hints = [...(record.hints ?? [])]
	// an aligned(n) typedef below the member type's own alignment, which a member's align cannot lower
	const lowered = (record.typedefAligned ?? []).filter((member) => member.align < (layout.fields.find((field) => field.name === member.field)?.align ?? 0))
	if (lowered.length > 0) {
		hints.push(
			`aligned(n) on a typedef lowers the alignment of members declared with it (${lowered.map((member) => `${member.spelling} ${member.field}`).join(', ')}), which a declaration says only by packing the whole record`,
		)
	}
	const declared = fromLayout(layout)
	const text = `clang lays it out as ${layoutText(expected)}, and its declaration as ${layoutText(declared)}`
	const bits = layoutText(declared) === layoutText(expected) ? ' (bit offsets differ)' : ''
	return hints.length > 0 ? `${text}${bits} (${hints.join('; ')})` : `${text}${bits}; it uses something import-c does not translate`
}

/**
 * Leaves `name` out of `model` (into `model.skipped`, with `reason`), with every record that
 * holds it by value and every typedef of it; a pointer to it becomes an address.
 */
function leaveOut(model: HeaderModel, name: string, reason: string): void {
	const queue: { name: string; reason: string }[] = [{ name, reason }]
	for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
		const index = model.declarations.findIndex((declaration) => declaration.kind !== 'alias' && declaration.name === next!.name)
		if (index < 0) continue
		const removed = model.declarations.splice(index, 1)[0]!
		model.skipped.push(next)
		const gone = removed.name
		for (let at = 0; at < model.declarations.length; at++) {
			const declaration = model.declarations[at]!
			if (declaration.kind === 'alias') {
				if (declaration.target !== gone) continue
				model.declarations.splice(at--, 1)
				model.skipped.push({ name: declaration.name, reason: `it is a typedef of ${removed.kind} ${gone}, which is left out` })
				continue
			}
			if (declaration.kind === 'enum') continue
			let held = false
			// a pointer to it, at any depth, becomes an address of that depth; by value, the record goes too
			const rewrite = (expr: TypeExpr): TypeExpr => {
				switch (expr.kind) {
					case 'record':
					case 'enum':
						held ||= expr.name === gone
						return expr
					case 'array':
						return { ...expr, element: rewrite(expr.element) }
					case 'pointer': {
						let depth = 1
						let target = expr.target
						while (target.kind === 'pointer') {
							depth++
							target = target.target
						}
						if ((target.kind === 'record' || target.kind === 'deferred') && target.name === gone) {
							let address: TypeExpr = { kind: 'scalar', name: 'Pointer' }
							for (let level = 1; level < depth; level++) address = { kind: 'pointer', target: address }
							return address
						}
						return expr
					}
					default:
						return expr
				}
			}
			const fields = declaration.fields.map((field) => {
				const type = field.type
				const rewritten: FieldExpr =
					type.kind === 'bits' ? { ...type, storage: rewrite(type.storage) } : type.kind === 'aligned' ? { ...type, type: rewrite(type.type) } : rewrite(type)
				// a pointer to the record left out is now an address, whose comment gives the C type
				return { ...field, type: rewritten }
			})
			if (held) queue.push({ name: declaration.name, reason: `it holds ${removed.kind} ${gone}, which is left out` })
			else model.declarations[at] = { ...declaration, fields }
		}
	}
}

function dumpedLayout(model: HeaderModel, dump: ReadonlyMap<string, DumpedLayout>, name: string): DumpedLayout | undefined {
	const location = model.locations?.get(name)
	return dump.get(name) ?? (location === undefined ? undefined : dump.get(location))
}

function sameLayout(layout: StructLayout, expected: DumpedLayout): boolean {
	// both leave `:0` bitfields out (the dump spells them `4:- |`), so every other field is compared, a bitfield's first bit too
	if (layout.size !== expected.size || layout.align !== expected.align || layout.fields.length !== expected.offsets.length) return false
	return layout.fields.every((field, index) => field.offset === expected.offsets[index] && (expected.bitOffsets === undefined || field.bitOffset === expected.bitOffsets[index]))
}

// ---- printing ----------------------------------------------------------------------------

/**
 * Words a module cannot bind (`class`, `interface`, `let`... are C identifiers) and the
 * names the printed module imports: a declaration named so is bound as `$name` and
 * exported as `name` (`export { $class as class }`); C names have no `$`.
 */
const unbindable = new Set(
	(
		'await break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
		'implements import in instanceof interface let new null package private protected public return static super switch this throw ' +
		'true try typeof var void while with yield arguments eval defineEnum defineStruct defineUnion StructType'
	).split(' '),
)

/** The name a declaration is bound to in the printed module. */
function local(name: string): string {
	return unbindable.has(name) ? `$${name}` : name
}

/** The statement that binds `name` to `value` and exports it under `name`. */
function exportConst(name: string, value: string): string {
	return local(name) === name ? `export const ${name} = ${value}` : `const ${local(name)} = ${value}\nexport { ${local(name)} as ${name} }`
}

function printType(expr: TypeExpr | { kind: 'cString' } | { kind: 'deferred'; name: string }): string {
	switch (expr.kind) {
		case 'scalar':
			return `'${expr.name}'`
		case 'record':
		case 'enum':
			return local(expr.name)
		case 'array':
			return `{ array: ${printType(expr.element)}, length: ${expr.length} }`
		case 'pointer':
			return `{ pointer: ${printType(expr.target)} }`
		case 'string':
			return `{ string: 'Utf8', capacity: ${expr.capacity} }`
		case 'cString':
			return `'Utf8'`
		case 'deferred':
			return `(): StructType => ${local(expr.name)}`
	}
}

function printField(expr: FieldExpr): string {
	if (expr.kind === 'bits') return `{ bits: ${expr.bits}, type: ${printType(expr.storage)} }`
	if (expr.kind === 'aligned') return `{ type: ${printType(expr.type)}, align: ${expr.align} }`
	return printType(expr)
}

/** Options of {@link printModel}. */
export interface PrintOptions {
	/** The header's name as the command was given it (its base name is printed). */
	readonly header: string
	readonly abi: AbiName
	/** Where the module imports the library from. */
	readonly moduleSpecifier?: string
	/**
	 * The command's other arguments (`--all`, those for clang), repeated in the module's first
	 * line so that it says how to make it again, in the header's directory (see {@link argumentsSeenFrom}).
	 */
	readonly commandArguments?: readonly string[]
}

/** An argument as a POSIX shell reads it back: as it is when it has nothing the shell would take apart, else single-quoted. */
export function shellWord(argument: string): string {
	return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, `'\\''`)}'`
}

/**
 * clang's options that take a path, as their own next argument (`-isystem dir`), joined to
 * it (`-isystemdir`, `-Idir`) or after `=` (`--sysroot=dir`).
 */
const clangPathOptions = ['--sysroot', '-idirafter', '-isysroot', '-isystem', '-iprefix', '-imacros', '-include', '-iquote', '-I'] as const

/**
 * The arguments for clang as the module's first line records them: that command is run in
 * the header's directory (it names the header by its base name), so each relative path an
 * option of {@link clangPathOptions} takes is rewritten from `cwd` (where import-c ran) to
 * `directory`; absolute paths, a path clang reads from the sysroot (`=dir`) and every other
 * argument stay as they are.
 */
export function argumentsSeenFrom(args: readonly string[], directory: string, cwd: string = process.cwd()): string[] {
	const rebase = (path: string): string => {
		if (path === '' || path.startsWith('=') || isAbsolute(path)) return path
		const seen = relative(directory, resolve(cwd, path)).split(sep).join('/') || '.'
		// a trailing slash is kept: -iprefix joins its value to -iwithprefix's as they are
		return /[\\/]$/.test(path) ? `${seen}/` : seen
	}
	const seen: string[] = []
	for (let index = 0; index < args.length; index++) {
		const argument = args[index]!
		const option = clangPathOptions.find((flag) => argument.startsWith(flag))
		if (option === undefined) {
			seen.push(argument)
		} else if (argument === option) {
			seen.push(argument)
			if (index + 1 < args.length) seen.push(rebase(args[++index]!))
		} else if (option === '--sysroot') {
			seen.push(argument.startsWith('--sysroot=') ? `--sysroot=${rebase(argument.slice('--sysroot='.length))}` : argument)
		} else {
			// another option that starts like this one (-isystem-after, -include-pch) is left alone
			const value = argument.slice(option.length)
			seen.push(value.startsWith('-') ? argument : `${option}${rebase(value)}`)
		}
	}
	return seen
}

/** The `.ts` module of a header's declarations. */
export function printModel(model: HeaderModel, options: PrintOptions): string {
	const header = options.header.split(/[\\/]/).pop()!
	const lines = [
		`// Generated by wasm-heap-manager import-c from ${header} (--abi ${options.abi}) — do not edit; run npx wasm-heap-manager import-c ${header} --abi ${options.abi}` +
			(options.commandArguments ?? []).map((argument) => ` ${shellWord(argument)}`).join(''),
		'',
		'',
		'',
	]
	for (const skipped of model.skipped) lines.push(`// ${skipped.name}: left out, ${skipped.reason}`)
	if (model.skipped.length > 0) lines.push('')
	for (const note of model.notes ?? []) lines.push(`// Note: ${note}`)
	if ((model.notes?.length ?? 0) > 0) lines.push('')
	for (const declaration of model.declarations) {
		if (declaration.kind === 'alias') {
			lines.push(`/** C \`typedef\` of ${declaration.target}. */`, exportConst(declaration.name, local(declaration.target)), '')
			continue
		}
		if (declaration.kind === 'enum') {
			const values = declaration.members.map((member) => `${member.name}: ${member.value}`).join(', ')
			lines.push(`/** C \`enum ${declaration.name}\`. */`, exportConst(declaration.name, `defineEnum('${declaration.name}', '${declaration.storage}', { ${values} })`), '')
			continue
		}
		const options = [
			...(declaration.packed === false ? [] : [`packed: ${declaration.packed}`]),
			...(declaration.align === undefined ? [] : [`align: ${declaration.align}`]),
		]
		const define = declaration.kind === 'union' ? 'defineUnion' : 'defineStruct'
		lines.push(`/** C \`${declaration.kind} ${declaration.name}\`. */`, `${local(declaration.name) === declaration.name ? 'export ' : ''}const ${local(declaration.name)} = ${define}(`, `\t'${declaration.name}',`, '\t{')
		for (const field of declaration.fields) {
			const printed = printField(field.type)
			// an address: say what it points to (`FILE *`, a function pointer), unless that is `void *`
			const comment = printed.includes("'Pointer'") && field.cType !== undefined && field.cType !== 'void *' ? ` // ${field.cType}` : ''
			lines.push(`\t\t${field.name}: ${printed},${comment}`)
		}
		lines.push(options.length > 0 ? `\t},\n\t{ ${options.join(', ')} },` : '\t},', ')')
		if (local(declaration.name) !== declaration.name) lines.push(`export { ${local(declaration.name)} as ${declaration.name} }`)
		lines.push('')
	}
	const body = lines.join('\n')
	const used = ['defineEnum', 'defineStruct', 'defineUnion'].filter((name) => body.includes(` ${name}(`))
	if (body.includes('(): StructType =>')) used.push('type StructType')
	lines[2] = `import { ${used.join(', ')} } from '${options.moduleSpecifier ?? 'wasm-heap-manager'}'`
	return lines.join('\n')
}

/**
 * `import-c` from dumps already made: the printed module. `others` are the layout dumps
 * under other ABIs (see {@link clangDumps}), which a `#pragma pack` value is fitted to as well.
 * With `userFiles`, the module has the header's own declarations and what they need (see {@link ModelOptions}).
 */
export function importFromDumps(
	ast: ClangNode,
	layouts: string,
	options: PrintOptions & WarnOption & ModelOptions & { readonly dumpNames?: ReadonlyMap<string, string> },
	others: Partial<Record<AbiName, string>> = {},
): string {
	const model = modelFromAst(ast, options.userFiles === undefined ? {} : { userFiles: options.userFiles })
	const otherDumps = new Map(Object.entries(others).map(([other, text]) => [other as AbiName, parseLayoutDump(text, options.dumpNames)]))
	const dump = parseLayoutDump(layouts, options.dumpNames)
	if (options.dumpNames !== undefined) {
		// C++: a record is printed only if checked; one the dump does not name as import-c does (a spelling not foreseen) is left out
		for (const declaration of [...model.declarations]) {
			if ((declaration.kind === 'struct' || declaration.kind === 'union') && dumpedLayout(model, dump, declaration.name) === undefined) {
				leaveOut(model, declaration.name, "clang's layout dump has no record import-c knows as it, so its layout cannot be checked")
			}
		}
	}
	fitToLayouts(model, dump, options.abi, otherDumps)
	for (const skipped of model.skipped) options.warn?.(`import-c: ${skipped.name}: left out, ${skipped.reason}`)
	for (const note of model.notes ?? []) options.warn?.(`import-c: Note: ${note}`)
	return printModel(model, options)
}

/** What {@link importC} and {@link importFromDumps} say besides the module. */
export interface WarnOption {
	/** Told each declaration left out and each note, one line each (the command prints them on stderr); they are in the module as comments too. */
	readonly warn?: (message: string) => void
}

/**
 * `import-c header.h [--abi ...] [--clang path] [--all]`: runs clang and returns the module:
 * the records, enums and typedefs declared in the header and in the headers it includes that
 * clang does not take as system headers (found through -I or beside the header, not through
 * -isystem, -idirafter or the built-in paths), with every record and enum they hold or point
 * to; with `all`, every one clang read (the C library's too).
 */
export function importC(
	header: string,
	options: {
		readonly abi?: AbiName
		readonly clang?: string
		readonly moduleSpecifier?: string
		readonly clangArgs?: readonly string[]
		readonly all?: boolean
		/** C or C++; by default what the header's name says ({@link languageOf}). */
		readonly language?: HeaderLanguage
	} & WarnOption = {},
): string {
	const abi = options.abi ?? 'wasm32'
	const language = options.language ?? languageOf(header)
	const { ast, layouts, others, unchecked, userFiles, dumpNames } = clangDumps(header, abi, findClang(options.clang), options.clangArgs, language)
	// the header, with these arguments, is for `abi` only: what generate asserts for the other ABI is unchecked
	for (const [other, error] of Object.entries(unchecked)) {
		options.warn?.(`import-c: Note: the header does not compile for ${other} (${error}), so its layouts there are not checked: generate it for ${abi} only`)
	}
	return importFromDumps(
		ast,
		layouts,
		{
			header,
			abi,
			commandArguments: [
				...(options.language !== undefined && options.language !== languageOf(header) ? ['--lang', options.language] : []),
				...(options.all === true ? ['--all'] : []),
				...((options.clangArgs ?? []).length > 0 ? ['--', ...argumentsSeenFrom(options.clangArgs!, dirname(resolve(header)))] : []),
			],
			...(options.all === true ? {} : { userFiles }),
			...(dumpNames === undefined ? {} : { dumpNames }),
			...(options.moduleSpecifier === undefined ? {} : { moduleSpecifier: options.moduleSpecifier }),
			...(options.warn === undefined ? {} : { warn: options.warn }),
		},
		others,
	)
}
