/**
 * Suite processes without tsx: bench/run.ts's parent compiles the benchmark code into a
 * mirror of the checkout under .tmp/ and starts each suite as plain JavaScript there.
 *
 * Why: loading tsx changes the V8 state every benchmark then runs in. Its esbuild calls
 * `spawnSync` as it loads, and on Node 24 (V8 13.6) that invalidates V8's
 * TypedArrayLengthLookupChain protector, after which Maglev-compiled code calls a builtin
 * for every typed array's `length` (bench/notes.ts, `node24RefTiers`); on Node 20 loading
 * it invalidates the ArrayBufferDetaching protector, the one the realistic regime is
 * defined by, so that the pristine regime was not pristine (`--trace-protector-invalidation`
 * shows both). A program that runs the library as JavaScript, in Node or a browser, is in
 * neither state.
 *
 * The mirror: every TypeScript file the suites can load (what esbuild finds from
 * bench/run.ts, dynamic imports with literal specifiers included) is compiled on its own
 * (no bundle, so each module keeps its own `import.meta.url` and "am I the main module"
 * test) to the same relative path with `.js` (`.mjs`, `.cjs`), and every other entry of the checkout is a
 * symbolic link to the original (dist/, test/fixtures/, node_modules/, package.json with
 * its `"type": "module"`, bench/results/, ...), so that the paths the bench code computes
 * from `import.meta.url` resolve as they do in the checkout.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'

/** Output extension of each compiled source extension. */
const compiledExtensions: Readonly<Record<string, string>> = { '.ts': '.js', '.mts': '.mjs', '.cts': '.cjs' }

/** Where `file` (a path in the checkout at `root`) is in the mirror at `mirror`: the same relative path, a TypeScript extension turned into its JavaScript one. */
export function mirrorPath(root: string, mirror: string, file: string): string {
	const path = relative(root, resolve(root, file))
	if (path === '' || path === '..' || path.startsWith(`..${sep}`) || isAbsolute(path)) throw new Error(`bench: ${file} is not inside ${root}, so it has no place in its mirror`)
	const extension = extname(path)
	const compiled = compiledExtensions[extension]
	return join(mirror, compiled === undefined ? path : path.slice(0, -extension.length) + compiled)
}

/**
 * `execArgv` without the options that load tsx (`--import tsx`, `--require .../tsx/...`,
 * `--loader`/`--experimental-loader` of tsx, in either the two-argument or the `=` form);
 * every other option (e.g. `--trace-protector-invalidation`, `--max-old-space-size`) stays.
 */
export function withoutTsx(execArgv: readonly string[]): string[] {
	const loaders = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader'])
	const isTsx = (value: string): boolean => /(^|[/\\@])tsx([/\\]|$)/.test(value) || value === 'tsx'
	const kept: string[] = []
	for (let index = 0; index < execArgv.length; index++) {
		const option = execArgv[index]!
		const equals = option.indexOf('=')
		if (equals > 0 && loaders.has(option.slice(0, equals)) && isTsx(option.slice(equals + 1))) continue
		if (loaders.has(option) && index + 1 < execArgv.length && isTsx(execArgv[index + 1]!)) {
			index++
			continue
		}
		kept.push(option)
	}
	return kept
}

/** The checkout's TypeScript files that `entry` loads, directly or through other modules (relative paths, packages left out). */
async function sourcesOf(root: string, entry: string): Promise<string[]> {
	const { build } = await import('esbuild')
	const result = await build({
		entryPoints: [entry],
		absWorkingDir: root,
		bundle: true,
		write: false,
		metafile: true,
		packages: 'external',
		platform: 'node',
		format: 'esm',
		outdir: join(root, '.tmp/unused'),
		logLevel: 'silent',
	})
	return Object.keys(result.metafile.inputs)
		.map((input) => resolve(root, input))
		.filter((input) => compiledExtensions[extname(input)] !== undefined)
}

/**
 * Makes a fresh mirror of the checkout at `root` in a new folder under `parent` (default
 * `<root>/.tmp`; the name holds this process's pid, and mirrors there whose process is
 * gone are removed first) and returns the mirror path of `entry` and the mirror's folder
 * (the caller removes it). The compile runs esbuild in this process only.
 */
export async function compileMirror(root: string, entry: string, parent = join(root, '.tmp')): Promise<{ entry: string; mirror: string }> {
	mkdirSync(parent, { recursive: true })
	removeStaleMirrors(parent)
	const mirror = mkdtempSync(join(parent, `${mirrorPrefix}${process.pid}-`))
	const sources = await sourcesOf(root, entry)
	const { build } = await import('esbuild')
	for (const [extension, output] of Object.entries(compiledExtensions)) {
		const entryPoints = sources.filter((source) => extname(source) === extension)
		if (entryPoints.length === 0) continue
		// Each file on its own, as tsx compiles them (the checkout's tsconfig.json, e.g.
		// useDefineForClassFields: false), but without tsx's keepNames.
		await build({
			entryPoints,
			absWorkingDir: root,
			outbase: root,
			outdir: mirror,
			outExtension: { '.js': output },
			bundle: false,
			format: extension === '.cts' ? 'cjs' : 'esm',
			platform: 'node',
			target: `node${process.versions.node}`,
			tsconfig: join(root, 'tsconfig.json'),
			logLevel: 'warning',
		})
	}
	// Every folder that holds a compiled file is a real folder of the mirror; everything
	// else in it is a link to the checkout's entry of that name.
	const compiled = new Set(sources.map((source) => mirrorPath(root, mirror, source)))
	const folders = new Set<string>()
	for (const source of sources) for (let folder = dirname(relative(root, source)); folder !== '.'; folder = dirname(folder)) folders.add(folder)
	folders.add('.')
	for (const folder of folders) {
		for (const name of readdirSync(join(root, folder))) {
			const path = join(folder, name)
			const target = join(mirror, path)
			if (folders.has(path) || compiled.has(target) || compiled.has(mirrorPath(root, mirror, join(root, path)))) continue
			if (existsSync(target) || isLink(target)) continue
			symlinkSync(join(root, path), target)
		}
	}
	return { entry: mirrorPath(root, mirror, entry), mirror }
}

function isLink(path: string): boolean {
	try {
		return lstatSync(path).isSymbolicLink()
	} catch {
		return false
	}
}

const mirrorPrefix = 'bench-compiled-'

/** Whether the process `pid` is running (a mirror's name holds the pid of the run that made it). */
function running(pid: number): boolean {
	try {
		process.kill(pid, 0)
		return true
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'
	}
}

/** Removes the mirrors in `parent` whose run is gone without removing its own (e.g. stopped by Ctrl-C). */
function removeStaleMirrors(parent: string): void {
	for (const name of readdirSync(parent)) {
		const pid = new RegExp(`^${mirrorPrefix}(\\d+)-`).exec(name)?.[1]
		if (pid !== undefined && !running(Number(pid))) removeMirror(join(parent, name))
	}
}

/**
 * How a parent process starts `script` (a file of the checkout at `root`, e.g.
 * bench/run.ts) as a suite process: compiled, from a mirror removed when this process
 * exits, with this process's options but tsx's; with `BENCH_CHILDREN=tsx`, the file
 * itself with this process's options (through tsx, as before, to compare).
 */
export async function suiteProcess(root: string, script: string): Promise<{ execArgv: string[]; script: string; compiled: boolean }> {
	if (process.env.BENCH_CHILDREN === 'tsx') return { execArgv: process.execArgv, script, compiled: false }
	const { entry, mirror } = await compileMirror(root, script)
	process.on('exit', () => removeMirror(mirror))
	return { execArgv: withoutTsx(process.execArgv), script: entry, compiled: true }
}

/** Removes a mirror `compileMirror` made (its links only, never what they point to). */
export function removeMirror(mirror: string): void {
	rmSync(mirror, { recursive: true, force: true })
}
