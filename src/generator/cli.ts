/**
 * The `wasm-heap-manager` command:
 *   wasm-heap-manager import-c header.h [--abi wasm32|wasm64|emscripten] [--clang path] [--lang c|c++] [--all] [-I dir] [-D NAME[=VALUE]] [-- clang args]
 *   wasm-heap-manager generate structs.ts --out dir [--abi wasm32|wasm64|emscripten]
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { abiNames, type AbiName } from '../structs/abi.js'
import { declarationsStem, generateFiles, GenerateError } from './generate.js'
import { ImportCError, importC, languageOf, type HeaderLanguage } from './importC.js'

type Command = 'import-c' | 'generate'

/**
 * Every option the command takes, one row each: the usage lines, the help's option list and
 * parseArguments all read this table, so that help and parser cannot disagree (a test checks
 * that every option the parser accepts is in the help).
 */
interface OptionRow {
	/** What is typed: `--abi`; `-I` and `-D` also joined to their value (`-Idir`). */
	readonly flag: string
	/** The value it takes, as the usage names it. */
	readonly value?: string
	/** The commands that take it; none for `--help` and `--version`, which are no command's. */
	readonly commands: readonly Command[]
	readonly required?: true
	readonly repeatable?: true
	/** Other spellings (`-h`). */
	readonly aliases?: readonly string[]
	/** What the help says of it; lines after the first are indented under it. */
	readonly text: string
}

const optionRows: readonly OptionRow[] = [
	{ flag: '--abi', value: abiNames.join('|'), commands: ['import-c', 'generate'], text: 'the C ABI of the layouts: wasm32 (the default), wasm64 or emscripten' },
	{ flag: '--out', value: 'dir', commands: ['generate'], required: true, text: 'the directory to write <name>.ts and <name>.h in (made if missing)' },
	{ flag: '--clang', value: 'path', commands: ['import-c'], text: 'the clang to run (by default $CLANG, else clang on the PATH,\nelse the newest clang-NN there)' },
	{
		flag: '--lang',
		value: 'c|c++',
		commands: ['import-c'],
		text: 'the language of the header: C (-std=c11), or C++ (-std=c++17); by default\nC++ for .hpp, .hh, .hxx, .h++, .cpp, .cc and .cxx, C otherwise',
	},
	{ flag: '--all', commands: ['import-c'], text: "every record, enum and typedef clang read, the system headers' too" },
	{ flag: '-I', value: 'dir', commands: ['import-c'], repeatable: true, text: 'a directory to search for included headers' },
	{ flag: '-D', value: 'NAME[=VALUE]', commands: ['import-c'], repeatable: true, text: 'a macro to define for the header' },
	{
		flag: '--',
		value: 'clang args',
		commands: ['import-c'],
		text: 'every argument after -- goes to clang as it is (--sysroot=dir,\n-isystem dir, -idirafter dir, -include file...), except what would change\nthe target --abi chooses or what clang prints (--target, -x, -E, -M..., -o)',
	},
	{ flag: '--help', aliases: ['-h'], commands: [], text: 'prints this help (also the command help)' },
	{ flag: '--version', aliases: ['-v'], commands: [], text: 'prints the version of the installed package (also the command version)' },
]

const commandRows: readonly { readonly name: Command; readonly input: string; readonly after?: string }[] = [
	{ name: 'import-c', input: 'header.h', after: '> structs.ts' },
	{ name: 'generate', input: 'structs.ts' },
]

function isCommand(name: string): name is Command {
	return commandRows.some((row) => row.name === name)
}

/** The spellings of the option row for `flag` (`--help`, `-h`). */
function spellings(flag: string): readonly string[] {
	const row = optionRows.find((row) => row.flag === flag)!
	return [row.flag, ...(row.aliases ?? [])]
}

/** A command's usage line, from optionRows (required options first), wrapped past 95 columns. */
function usageLine(command: (typeof commandRows)[number]): string {
	const start = `  wasm-heap-manager ${command.name} ${command.input}`
	const words = optionRows
		.filter((row) => row.commands.includes(command.name))
		.sort((a, b) => Number(b.required === true) - Number(a.required === true))
		.map((row) => {
			const word = row.value === undefined ? row.flag : `${row.flag} ${row.value}`
			return row.required ? word : `[${word}]${row.repeatable ? '...' : ''}`
		})
	if (command.after !== undefined) words.push(command.after)
	const lines = [start]
	for (const word of words) {
		const last = lines.length - 1
		if (lines[last]!.length + 1 + word.length > 95) lines.push(`${' '.repeat(20)} ${word}`)
		else lines[last] += ` ${word}`
	}
	return lines.join('\n')
}

const usage = `usage:\n${commandRows.map(usageLine).join('\n')}`

/** An option row's lines in the help: its spellings (with its value unless that is a list of choices) in a column of 11, what it does beside it. */
function helpLines(row: OptionRow): string {
	const own = row.commands.length === 0 || row.commands.length === commandRows.length ? [] : row.commands
	const note = [...own, ...(row.repeatable ? ['repeatable'] : [])]
	const spelled = [row.flag, ...(row.aliases ?? [])].join(', ')
	const head = row.value === undefined || row.value.includes('|') ? spelled : `${spelled} ${row.value}`
	const [first, ...rest] = `${note.length === 0 ? '' : `(${note.join(', ')}) `}${row.text}`.split('\n')
	return [`  ${head.padEnd(9)}  ${first}`, ...rest.map((line) => `${' '.repeat(13)}${line}`)].join('\n')
}

/** What `--help` (or `-h`, or `help`) prints, on stdout. */
const help = `${usage}

  import-c   prints defineStruct / defineUnion / defineEnum declarations for the records
             and enums of a C header, laid out by clang (the clang on the PATH, --clang or $CLANG):
             those declared in the header and in the headers it includes that are not system
             headers (found through -I or beside it; not through -isystem, -idirafter or
             clang's own paths), and every record and enum they hold or point to
  generate   writes dir/<name>.ts (a ref class per struct) and dir/<name>.h (the C
             declarations with static_assert checks, C11 and C++11 alike); needs ts-morph
             (npm install --save-dev ts-morph)

${optionRows.map(helpLines).join('\n')}
An option's value may also follow it after = (--abi=wasm64, --out=dir, --clang=path).
`

/** Whether the command line asks for help: `--help` or `-h` anywhere, or the command `help`. */
function asksForHelp(args: readonly string[]): boolean {
	const own = args.includes('--') ? args.slice(0, args.indexOf('--')) : args
	return args[0] === 'help' || spellings('--help').some((spelling) => own.includes(spelling))
}

/** Whether the command line asks for the version: `--version` or `-v` as the command, or the command `version`. */
function asksForVersion(args: readonly string[]): boolean {
	return args[0] === 'version' || spellings('--version').includes(args[0] ?? '')
}

/** The version in the package.json of this package, the nearest above this file (in dist/ once installed, src/generator/ in a checkout). */
function packageVersion(): string {
	let folder = dirname(fileURLToPath(import.meta.url))
	for (;;) {
		const file = join(folder, 'package.json')
		if (existsSync(file)) {
			const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }
			if (json.name === 'wasm-heap-manager' && typeof json.version === 'string') return json.version
		}
		const parent = dirname(folder)
		if (parent === folder) throw new UsageError('--version: no package.json of wasm-heap-manager above this command')
		folder = parent
	}
}

/** Thrown for a command line the command does not take. */
export class UsageError extends Error {
	override readonly name = 'UsageError'
}

interface Parsed {
	readonly command: string
	readonly input: string
	readonly abi: AbiName
	readonly out: string | undefined
	readonly clang: string | undefined
	/** import-c's arguments for clang: `-I`, `-D` and those after `--`, in their order. */
	readonly clangArgs: readonly string[]
	/** import-c's `--all`: the system headers' declarations too. */
	readonly all: boolean
	/** import-c's `--lang`, or what the header's name says. */
	readonly language?: HeaderLanguage
}

/** Arguments after `--` that would make clang read the header for another target or as another language than import-c reads. */
const refusedClangArgument = /^(?:-target$|--target(?:=|$)|-triple$|-x|--language(?:=|$)|-E$|-M|-o)/

/** Reads the command line (without `node` and the script). */
export function parseArguments(args: readonly string[]): Parsed {
	const [command, ...rest] = args
	if (command === undefined) throw new UsageError(`no command given (wasm-heap-manager --help says more)\n${usage}`)
	if (!isCommand(command)) throw new UsageError(`unknown command '${command}'\n${usage}`)
	let input: string | undefined
	/** The options with one value, by flag. */
	const given = new Map<string, string>()
	const clangArgs: string[] = []
	/** The options without a value (--all) that are given. */
	const switches = new Set<string>()
	for (let index = 0; index < rest.length; index++) {
		const typed = rest[index]!
		let argument = typed
		/** The value of `--name=value`, as most commands take it besides `--name value`. */
		let joined: string | undefined
		const equals = argument.startsWith('--') ? argument.indexOf('=') : -1
		if (equals > 2) {
			joined = argument.slice(equals + 1)
			argument = argument.slice(0, equals)
		}
		// the command's own rows only; -I and -D also joined to their value (-Idir), as clang takes them
		const row = optionRows.find((row) => row.commands.includes(command) && (argument === row.flag || (row.repeatable && joined === undefined && argument.startsWith(row.flag))))
		if (row === undefined) {
			if (typed.startsWith('-') || input !== undefined) throw new UsageError(`${command}: unexpected argument '${typed}'\n${usage}`)
			input = typed
			continue
		}
		if (row.flag === '--') {
			for (const passed of rest.slice(index + 1)) {
				if (refusedClangArgument.test(passed)) {
					throw new UsageError(
						`import-c: '${passed}' after -- is refused: import-c reads the header as C or C++ (--lang) for the target --abi chooses, and prints its own output\n${usage}`,
					)
				}
				clangArgs.push(passed)
			}
			break
		}
		if (row.repeatable) {
			const flag = row.flag
			const given = argument.length > flag.length ? argument.slice(flag.length) : rest[++index]
			if (given === undefined || given === '') throw new UsageError(`import-c: ${flag} needs a value\n${usage}`)
			if (flag === '-D' && !/^[A-Za-z_]\w*(?:=|$)/.test(given)) throw new UsageError(`import-c: -D ${given}: not a macro definition (NAME or NAME=VALUE)\n${usage}`)
			if (flag === '-I' && !isDirectory(given)) throw new UsageError(`import-c: -I ${given}: no such directory`)
			clangArgs.push(`${flag}${given}`)
			continue
		}
		if (row.value === undefined) {
			if (joined !== undefined) throw new UsageError(`${command}: ${argument} takes no value (given ${argument}=${joined})\n${usage}`)
			switches.add(row.flag)
			continue
		}
		// An option given twice is refused: the last one winning silently could generate
		// for an ABI the user did not mean (a script's default followed by an override).
		const previous = given.get(row.flag)
		if (previous !== undefined) throw new UsageError(`${command}: ${argument} is given twice (${previous} and ${joined ?? rest[index + 1] ?? 'nothing'})\n${usage}`)
		const next = joined ?? rest[++index]
		if (next === undefined || (joined !== undefined && next === '')) throw new UsageError(`${command}: ${argument} needs a value\n${usage}`)
		given.set(row.flag, next)
	}
	const abi = given.get('--abi') ?? 'wasm32'
	const out = given.get('--out')
	const clang = given.get('--clang')
	const all = switches.has('--all')
	if (input === undefined) throw new UsageError(`${command}: no input file given\n${usage}`)
	if (!(abiNames as readonly string[]).includes(abi)) throw new UsageError(`${command}: --abi ${abi} is not one of ${abiNames.join(', ')}`)
	if (command === 'generate' && out === undefined) throw new UsageError(`generate: --out dir is required\n${usage}`)
	const lang = given.get('--lang')
	if (lang !== undefined && lang !== 'c' && lang !== 'c++') throw new UsageError(`import-c: --lang ${lang} is not c or c++`)
	return { command, input, abi: abi as AbiName, out, clang, clangArgs, all, ...(command === 'import-c' ? { language: (lang ?? languageOf(input)) as HeaderLanguage } : {}) }
}

function isDirectory(path: string): boolean {
	try {
		return statSync(path).isDirectory()
	} catch {
		return false
	}
}

async function loadDeclarations(file: string): Promise<Record<string, unknown>> {
	const url = pathToFileURL(resolve(file)).href
	const extension = extname(file)
	if (extension === '.ts' || extension === '.mts' || extension === '.cts') {
		try {
			return (await import(url)) as Record<string, unknown>
		} catch (error) {
			if (!(error instanceof Error && /Unknown file extension|ERR_UNKNOWN_FILE_EXTENSION/.test(`${(error as NodeJS.ErrnoException).code} ${error.message}`))) throw error
		}
		let tsx: { tsImport(specifier: string, parent: string): Promise<unknown> }
		try {
			tsx = (await import('tsx/esm/api')) as typeof tsx
		} catch {
			// plain `bunx` (and `bun run`) start the bin with Node, as its #!/usr/bin/env node says; Bun's user agent tells
			// (bunx keeps one it is given: inside an npm script the agent is npm's, and there is no hint)
			const underBun = /^bun\//.test(process.env.npm_config_user_agent ?? '')
			throw new GenerateError(
				`generate: this Node cannot load ${basename(file)} by itself; ${underBun ? 'run bunx --bun wasm-heap-manager (plain bunx runs the command with Node), ' : ''}install tsx (npm install --save-dev tsx) or give a .js/.mjs module`,
			)
		}
		return (await tsx.tsImport(url, import.meta.url)) as Record<string, unknown>
	}
	return (await import(url)) as Record<string, unknown>
}

/** Runs the command; returns what to print on stdout. `warn` is told what import-c left out and why, one line each (by default on stderr). */
export async function run(args: readonly string[], warn: (message: string) => void = (message) => process.stderr.write(`wasm-heap-manager: ${message}\n`)): Promise<string> {
	if (asksForHelp(args)) return help
	if (asksForVersion(args)) return `${packageVersion()}\n`
	const parsed = parseArguments(args)
	if (parsed.command === 'import-c') {
		return importC(parsed.input, {
			abi: parsed.abi,
			clangArgs: parsed.clangArgs,
			all: parsed.all,
			warn,
			...(parsed.language === undefined ? {} : { language: parsed.language }),
			...(parsed.clang === undefined ? {} : { clang: parsed.clang }),
		})
	}
	if (!existsSync(parsed.input)) throw new GenerateError(`generate: ${parsed.input} does not exist`)
	const out = resolve(parsed.out!)
	// said before the module is loaded, and in the command's words rather than mkdir's EEXIST
	if (existsSync(out) && !isDirectory(out)) throw new GenerateError(`generate: --out ${parsed.out} is a file, not a directory (a directory that does not exist is made)`)
	const inputName = basename(parsed.input)
	const stem = declarationsStem(inputName)
	if (stem === undefined) throw new GenerateError(`generate: ${inputName} is not a declarations module; give a .ts, .mts, .cts, .js, .mjs or .cjs file`)
	const written = [join(out, `${stem}.ts`), join(out, `${stem}.h`)]
	// `generate structs.ts --out .` would write the generated module over the declarations
	if (written.includes(resolve(parsed.input))) {
		throw new GenerateError(`generate: --out ${parsed.out} would write the generated module over its input ${inputName}; choose another directory`)
	}
	// `generate structs.js --out .` would write it over structs.ts: the source structs.js was
	// compiled from, if there is one, and in any case the file TypeScript takes the generated
	// module's import of './structs.js' for, so that the module would import itself
	if (inputName.endsWith('.js') && written[0] === resolve(dirname(resolve(parsed.input)), `${stem}.ts`)) {
		throw new GenerateError(
			`generate: --out ${parsed.out} would write the generated module over ${stem}.ts, which TypeScript takes its import of ${inputName} for (the module would import itself); choose another directory`,
		)
	}
	let module: Record<string, unknown>
	try {
		module = await loadDeclarations(parsed.input)
	} catch (error) {
		if (error instanceof GenerateError) throw error
		// the module's own error (a syntax error, a defineStruct that throws), said as generate's
		throw new GenerateError(`generate: cannot load ${inputName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
	}
	// the generated module imports the declarations module by a relative path, with a .js ending as TypeScript's NodeNext wants
	let specifier = relative(out, resolve(parsed.input)).split(sep).join('/').replace(/\.(m|c)?ts$/, '.$1js')
	if (!specifier.startsWith('.')) specifier = `./${specifier}`
	// the headers' command, run where the declarations are (they name them by their base name)
	const outDirectory = relative(dirname(resolve(parsed.input)), out).split(sep).join('/') || '.'
	const files = await generateFiles(module, { abi: parsed.abi, declarationsSpecifier: specifier, inputName, outDirectory })
	try {
		mkdirSync(out, { recursive: true })
		writeFileSync(written[0]!, files['structs.ts'])
		writeFileSync(written[1]!, files['structs.h'])
	} catch (error) {
		// a parent that is a file (ENOTDIR), a directory it may not write (EACCES)...
		throw new GenerateError(`generate: cannot write to --out ${parsed.out}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
	}
	return `wrote ${written.map((path) => relative(process.cwd(), path) || path).join(' and ')}\n`
}

/** The bin's entry: prints the result, or the error (exit 2 for a usage error, which the usage follows; exit 1 for any other). */
export async function main(args: readonly string[]): Promise<void> {
	try {
		process.stdout.write(await run(args))
	} catch (error) {
		// a command line the command does not take: its error, then the usage, exit code 2 (as POSIX commands say a usage error)
		if (error instanceof UsageError) {
			process.stderr.write(`wasm-heap-manager: ${error.message.includes(`\n${usage}`) ? error.message : `${error.message}\n${usage}`}\n`)
			process.exitCode = 2
			return
		}
		if (error instanceof ImportCError || error instanceof GenerateError) {
			process.stderr.write(`wasm-heap-manager: ${error.message}\n`)
			process.exitCode = 1
			return
		}
		// Deno refuses what its permissions do not allow (NotCapable; PermissionDenied before Deno 2), its message naming the flag to add
		if (error instanceof Error && (error.name === 'NotCapable' || error.name === 'PermissionDenied')) {
			process.stderr.write(`wasm-heap-manager: ${error.message} (deno run -A npm:wasm-heap-manager grants every permission the commands use)\n`)
			process.exitCode = 1
			return
		}
		throw error
	}
}


