/**
 * import-c and generate on real third-party headers, as installed by Debian's -dev packages
 * (zlib1g-dev, libbz2-dev, libsqlite3-dev, libjpeg62-turbo-dev; their libc includes from
 * wasi-libc): for wasm32 and for wasm64, import-c (with the -I/-D/-- arguments a user
 * gives it) prints a module that loads and has every record of interest, `generate` turns
 * it into classes (which load and make refs) and a structs.h, structs.h compiles with its own asserts holding, and its
 * asserts on those records hold when compiled against the ORIGINAL header, on both targets:
 * what the generated classes bake in is what C lays out. A header that is not installed is
 * skipped, saying which package has it; no clang skips the whole test. The headers are read
 * where they are installed, never copied into the repository.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createWasmHeapManager, type AbiName, type StructRef, type StructType } from '../src/index.js'
import { generateFiles } from '../src/generator/generate.js'
import { importC } from '../src/generator/importC.js'
import { clangOrSkip } from './support/clang.js'

const library = resolve(import.meta.dirname, '../src/index.ts')
const wasi = '/usr/include/wasm32-wasi'

/** The multiarch directory that has libjpeg's jconfig.h (/usr/include/x86_64-linux-gnu...), if any. */
function multiarchWith(file: string): string | undefined {
	try {
		return readdirSync('/usr/include', { withFileTypes: true })
			.filter((entry) => entry.isDirectory() && /-linux-gnu/.test(entry.name))
			.map((entry) => join('/usr/include', entry.name))
			.find((dir) => existsSync(join(dir, file)))
	} catch {
		return undefined
	}
}

/**
 * The arguments a user gives import-c for a header that includes libc headers: wasi-libc's,
 * which expect `__wasi__` (clang's --target=wasm32-wasi defines it; import-c's wasm32 target
 * does not). wasi-libc refuses wasm64 in its <wasi/api.h> alone (its other headers follow
 * `__wasm64__`): for wasm64 that one is skipped, and the <stdint.h> it brings included.
 * None of these libc types is in a record checked here (FILE, off_t and va_list are only
 * in function prototypes and behind pointers).
 */
function libcArgs(abi: AbiName): string[] {
	return ['-D', '__wasi__', '--', '-isystem', wasi, ...(abi === 'wasm64' ? ['-D__wasi_api_h', '-include', 'stdint.h'] : [])]
}

interface RealHeader {
	readonly header: string
	readonly package: string
	/** What the header needs besides itself: import-c's command-line arguments for `abi`, or why it cannot be read here. */
	readonly args: (abi: AbiName) => string[] | string
	/** The records checked against the header: their C spelling (`struct X` for a tag, the typedef name of an unnamed record). */
	readonly records: readonly string[]
	/** Typedefs of tagged records, which import-c exports as aliases: typedef name → tag. */
	readonly aliases: Readonly<Record<string, string>>
	/** Every name the module exports (the header's records, enums and typedefs, and what they need): none of the C library's. */
	readonly exports?: readonly string[]
}

const headers: readonly RealHeader[] = [
	{
		header: '/usr/include/zlib.h',
		package: 'zlib1g-dev',
		args: (abi) => (existsSync(join(wasi, 'stdio.h')) ? libcArgs(abi) : `no ${wasi} (apt-get install wasi-libc)`),
		records: ['struct z_stream_s', 'struct gz_header_s', 'struct gzFile_s'],
		aliases: { z_stream: 'z_stream_s', gz_header: 'gz_header_s' },
		exports: ['gzFile_s', 'gz_header', 'gz_header_s', 'z_stream', 'z_stream_s'],
	},
	{
		header: '/usr/include/bzlib.h',
		package: 'libbz2-dev',
		args: (abi) => (existsSync(join(wasi, 'stdio.h')) ? libcArgs(abi) : `no ${wasi} (apt-get install wasi-libc)`),
		records: ['bz_stream'],
		aliases: {},
		exports: ['bz_stream'],
	},
	{
		// only <stdarg.h>, clang's own: no arguments at all
		header: '/usr/include/sqlite3.h',
		package: 'libsqlite3-dev',
		args: () => [],
		records: [
			'struct sqlite3_file',
			'struct sqlite3_io_methods',
			'struct sqlite3_vfs',
			'struct sqlite3_mem_methods',
			'struct sqlite3_module',
			'struct sqlite3_index_info',
			// declared inside sqlite3_index_info, file-scope tags in C
			'struct sqlite3_index_constraint',
			'struct sqlite3_index_orderby',
			'struct sqlite3_index_constraint_usage',
			'struct sqlite3_vtab',
			'struct sqlite3_vtab_cursor',
			'struct sqlite3_mutex_methods',
			'struct sqlite3_pcache_page',
			'struct sqlite3_pcache_methods2',
			'struct sqlite3_pcache_methods',
			'struct sqlite3_snapshot',
			'struct sqlite3_rtree_geometry',
			'struct sqlite3_rtree_query_info',
			'struct Fts5PhraseIter',
			'struct Fts5ExtensionApi',
			'struct fts5_tokenizer',
			'struct fts5_api',
		],
		aliases: { sqlite3_vfs: 'sqlite3_vfs', sqlite3_module: 'sqlite3_module', sqlite3_index_info: 'sqlite3_index_info' },
	},
	{
		// jpeglib.h wants <stdio.h> included before it, and its jconfig.h is in the multiarch directory
		header: '/usr/include/jpeglib.h',
		package: 'libjpeg62-turbo-dev',
		args: (abi) => {
			if (!existsSync(join(wasi, 'stdio.h'))) return `no ${wasi} (apt-get install wasi-libc)`
			const multiarch = multiarchWith('jconfig.h')
			if (multiarch === undefined) return 'no jconfig.h in a /usr/include/<multiarch> directory'
			return [...libcArgs(abi), '-include', 'stdio.h', '-idirafter', multiarch]
		},
		records: [
			'JQUANT_TBL',
			'JHUFF_TBL',
			'jpeg_component_info',
			'jpeg_scan_info',
			'struct jpeg_marker_struct',
			'struct jpeg_common_struct',
			'struct jpeg_compress_struct',
			'struct jpeg_decompress_struct',
			'struct jpeg_error_mgr',
			'struct jpeg_progress_mgr',
			'struct jpeg_destination_mgr',
			'struct jpeg_source_mgr',
			'struct jpeg_memory_mgr',
		],
		aliases: {},
	},
]

/** The C name of a record in the printed module: its tag, or the typedef name of an unnamed record. */
function nameOf(spelling: string): string {
	return spelling.split(' ').pop()!
}

/** import-c's argument list (after the header) split into its options and clang's: `-D X` → `-DX`, everything after `--` as it is. */
function clangArgsOf(args: readonly string[]): string[] {
	const out: string[] = []
	for (let index = 0; index < args.length; index++) {
		const argument = args[index]!
		if (argument === '--') return [...out, ...args.slice(index + 1)]
		out.push(argument.length === 2 ? `${argument}${args[++index]}` : argument)
	}
	return out
}

/**
 * structs.h's asserts on `records` (the `#if __SIZEOF_POINTER__` lines around them kept),
 * each `struct Name` spelled as the real header spells the record; an offset of a member
 * C does not name (an anonymous member `anonN`, an unnamed bitfield `_N`) left out.
 */
function assertsOn(structsH: string, records: readonly string[]): { lines: string[]; counted: Map<string, number> } {
	const spellings = new Map(records.map((spelling) => [nameOf(spelling), spelling]))
	const counted = new Map<string, number>()
	const lines: string[] = []
	for (const line of structsH.split('\n')) {
		if (/^#(?:if __SIZEOF_POINTER__|else|endif)$|^#if __SIZEOF_POINTER__ /.test(line)) {
			lines.push(line)
			continue
		}
		// (structs.h spells them as C++ does, through <stdalign.h> and a macro of its own in C; the original header has neither)
		const match = /^static_assert\((sizeof|alignof|__builtin_offsetof)\((?:struct|union) ([A-Za-z_]\w*)(?:, (\w+))?\)/.exec(line)
		if (!match) continue
		const spelling = spellings.get(match[2]!)
		if (spelling === undefined || (match[3] !== undefined && /^(?:anon\d+|_\d+)$/.test(match[3]))) continue
		lines.push(line.replace(/^static_assert\((alignof\()?/, (_, alignof: string | undefined) => `_Static_assert(${alignof === undefined ? '' : '_Alignof('}`).replace(new RegExp(`\\((?:struct|union) ${match[2]}\\b`), `(${spelling}`))
		if (match[1] === 'sizeof') counted.set(match[2]!, (counted.get(match[2]!) ?? 0) + 1)
	}
	return { lines, counted }
}

describe('import-c and generate on real C headers (zlib, bzip2, SQLite, libjpeg), checked against the headers by clang-14 for wasm32 and wasm64', () => {
	let scratch: string
	before(() => {
		scratch = mkdtempSync(join(tmpdir(), 'import-c-real-'))
	})
	after(() => process.env.KEEP_SCRATCH ? undefined : rmSync(scratch, { recursive: true, force: true }))

	it('every record of interest imported, loaded, generated, and laid out by the generated structs.h as the original header lays it out', async function () {
		this.timeout(300_000)
		const clang = clangOrSkip(this)
		const present = headers.filter((entry) => {
			if (existsSync(entry.header)) return true
			console.log(`      skipped ${entry.header}: not installed (apt-get install ${entry.package})`)
			return false
		})
		if (present.length === 0) {
			console.log('      skipped: none of the headers is installed')
			this.skip()
		}
		let checked = 0
		// one clang run per target and ABI, on every structs.h and every check file: the clang calls dominate
		const compiles: { target: AbiName; args: string[]; files: string[]; what: string }[] = []
		for (const abi of ['wasm32', 'wasm64'] as const) {
			const checks: { file: string; entry: RealHeader }[] = []
			const structsHeaders: string[] = []
			for (const entry of present) {
				const args = entry.args(abi)
				if (typeof args === 'string') {
					console.log(`      skipped ${entry.header} for ${abi}: ${args}`)
					continue
				}
				const stem = `${entry.header.replace(/.*\//, '').replace(/\.h$/, '')}-${abi}`
				const warnings: string[] = []
				const text = importC(entry.header, { abi, clang, clangArgs: clangArgsOf(args), moduleSpecifier: library, warn: (line) => warnings.push(line) })
				writeFileSync(join(scratch, `${stem}.ts`), text)
				const module = (await import(pathToFileURL(join(scratch, `${stem}.ts`)).href)) as Record<string, unknown>
				// the header's records and what they need, not the C library's (timespec, pthread_*, __wasi_*...), nor notes on those
				const exported = Object.keys(module).sort()
				if (entry.exports !== undefined) expect(exported, `${entry.header} (${abi}): exports`).to.deep.equal([...entry.exports].sort())
				expect(exported.filter((name) => /^(?:timespec|timeval|pthread_|__wasi_|__mbstate|max_align_t|fd_set|FILE$|div_t|ldiv_t)/.test(name)), `${entry.header} (${abi})`).to.deep.equal([])
				expect(warnings.filter((line) => /pthread|timespec|__wasi_|max_align_t/.test(line)), `${entry.header} (${abi}): warnings`).to.deep.equal([])
				// (the first line repeats the command, whose -D__wasi__ is not a declaration)
				expect(text.slice(text.indexOf('\n')), `${entry.header} (${abi})`).to.not.match(/pthread|timespec|__wasi_|max_align_t/)
				for (const spelling of entry.records) {
					const type = module[nameOf(spelling)] as StructType | undefined
					expect(type?.kind, `${entry.header} (${abi}): ${spelling}`).to.equal(/^union /.test(spelling) ? 'union' : 'struct')
					expect(text, `${entry.header} (${abi}): ${spelling} left out`).to.not.match(new RegExp(`^// ${nameOf(spelling)}: left out`, 'm'))
				}
				for (const [alias, tag] of Object.entries(entry.aliases)) expect(module[alias], `${entry.header}: ${alias}`).to.equal(module[tag])
				const files = await generateFiles(module, { abi, declarationsSpecifier: `./${stem}.js`, inputName: `${stem}.ts`, moduleSpecifier: library })
				for (const spelling of entry.records) {
					expect(files['structs.ts'], `${stem}: ${spelling}`).to.include(`export class ${nameOf(spelling)}Ref extends`)
				}
				// the generated classes load, and each makes refs of its record's size
				writeFileSync(join(scratch, `${stem}.generated.ts`), files['structs.ts'])
				const generated = (await import(pathToFileURL(join(scratch, `${stem}.generated.ts`)).href)) as Record<string, unknown>
				const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 4 }), { abi })
				for (const spelling of entry.records) {
					const ref = heap.allocStruct(generated[`${nameOf(spelling)}Ref`] as never) as unknown as StructRef
					expect(ref, `${stem}: ${spelling}Ref`).to.be.instanceOf(generated[`${nameOf(spelling)}Ref`] as new () => unknown)
					expect(ref.allocatedByteSize, `${stem}: ${spelling}`).to.equal((module[nameOf(spelling)] as StructType).layout(abi).size)
					ref.free()
				}
				writeFileSync(join(scratch, `${stem}.structs.h`), files['structs.h'])
				structsHeaders.push(join(scratch, `${stem}.structs.h`))
				const { lines, counted } = assertsOn(files['structs.h'], entry.records)
				// both ABIs' sizeof asserts for each record
				for (const spelling of entry.records) expect(counted.get(nameOf(spelling)), `${stem}: asserts on ${spelling}`).to.equal(2)
				checked += entry.records.length
				const check = join(scratch, `${stem}.check.c`)
				writeFileSync(check, [`#include "${entry.header}"`, ...lines, ''].join('\n'))
				checks.push({ file: check, entry })
			}
			// structs.h on its own, for the ABI it was generated for: its declarations and asserts
			if (structsHeaders.length > 0) compiles.push({ target: abi, args: [], files: structsHeaders, what: `structs.h generated for ${abi}` })
			// the asserts against the original headers, on both targets, each with the arguments the header needs there
			for (const target of ['wasm32', 'wasm64'] as const) {
				for (const check of checks) {
					const args = check.entry.args(target)
					if (typeof args === 'string') continue
					compiles.push({ target, args: clangArgsOf(args), files: [check.file], what: `${check.file} on ${target}` })
				}
			}
		}
		// one clang per target and argument list, with every file that shares them
		const batches = new Map<string, { target: AbiName; args: string[]; files: string[]; what: string[] }>()
		for (const compile of compiles) {
			const key = JSON.stringify([compile.target, compile.args])
			const batch = batches.get(key) ?? { target: compile.target, args: compile.args, files: [], what: [] }
			batch.files.push(...compile.files)
			batch.what.push(compile.what)
			batches.set(key, batch)
		}
		for (const batch of batches.values()) {
			const result = spawnSync(clang, [`--target=${batch.target}`, '-std=c11', '-ffreestanding', '-fsyntax-only', ...batch.args, '-xc', ...batch.files], { encoding: 'utf8' })
			expect(result.status, `${batch.what.join(', ')}:\n${result.stderr}`).to.equal(0)
		}
		expect(checked).to.be.greaterThan(0)
	})
})
