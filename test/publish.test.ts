/**
 * Publishing: the tarball `npm pack` makes passes publint and "Are the types wrong?"; a
 * strict TypeScript consumer that installed it compiles (nodenext as ESM and as CommonJS,
 * bundler), and its `@ts-expect-error` lines are exactly the errors they claim; every
 * public declaration in dist/index.d.ts carries a TSDoc comment; TypeDoc builds the API
 * reference without a warning; and the README states the bundle size that
 * scripts/bundle-size.mjs measures.
 */
import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import ts from 'typescript'
import { consumerLibs } from './support/typescript.js'

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..')
const consumerFixture = join(root, 'test/consumer')
const isWindows = process.platform === 'win32'
const npm = isWindows ? 'npm.cmd' : 'npm'

interface Run {
	readonly status: number | null
	readonly stdout: string
	readonly stderr: string
}

function run(command: string, args: readonly string[], cwd: string): Run {
	const result = spawnSync(command, args, {
		cwd,
		encoding: 'utf8',
		env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
		shell: isWindows && command === npm,
		maxBuffer: 64 * 2 ** 20,
	})
	if (result.error) throw result.error
	return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function runOrThrow(command: string, args: readonly string[], cwd: string): string {
	const result = run(command, args, cwd)
	if (result.status !== 0) {
		throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`)
	}
	return result.stdout
}

/** The JS file of a package's bin, to run with `node` (no shell, no .cmd shim). */
function binScript(packageName: string, binName: string): string {
	const manifestPath = createRequire(import.meta.url).resolve(`${packageName}/package.json`)
	const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: string | Record<string, string> }
	return join(dirname(manifestPath), typeof bin === 'string' ? bin : bin[binName]!)
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], cwd: string): string {
	return ts.formatDiagnostics(diagnostics, {
		getCanonicalFileName: (fileName) => fileName,
		getCurrentDirectory: () => cwd,
		getNewLine: () => '\n',
	})
}

interface Compilation {
	readonly program: ts.Program
	readonly diagnostics: readonly ts.Diagnostic[]
}

/** What `tsc -p <config> --noEmit` reports, with this checkout's TypeScript. */
function compile(configPath: string): Compilation {
	const configDiagnostics: ts.Diagnostic[] = []
	const parsed = ts.getParsedCommandLineOfConfigFile(configPath, { noEmit: true }, {
		...ts.sys,
		onUnRecoverableConfigFileDiagnostic: (diagnostic) => configDiagnostics.push(diagnostic),
	})
	if (parsed === undefined) throw new Error(formatDiagnostics(configDiagnostics, dirname(configPath)))
	const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences })
	const diagnostics = [...configDiagnostics, ...parsed.errors, ...ts.getPreEmitDiagnostics(program)]
	return { program, diagnostics }
}

function expectNoDiagnostics({ diagnostics }: Compilation, cwd: string): void {
	expect(diagnostics.length, `TypeScript reported:\n${formatDiagnostics(diagnostics, cwd)}`).to.equal(0)
}

/** The package's declaration files the program loaded, relative to the consumer project. */
function packageDeclarations(program: ts.Program, cwd: string): string[] {
	return program
		.getSourceFiles()
		.map((file) => relative(cwd, file.fileName).split('\\').join('/'))
		.filter((path) => path.startsWith('node_modules/wasm-heap-manager/'))
		.sort()
}

describe('publishing', function () {
	this.timeout(300_000)

	let workFolder = ''
	let tarballPath = ''

	before(() => {
		// Rebuilds dist/ unless it is newer than src/, generated/ and the build configs
		// (the package test, which runs first, has just built it).
		runOrThrow(process.execPath, [join(root, 'scripts/ensure-build.mjs')], root)
		workFolder = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-publish-'))
		const output = runOrThrow(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', workFolder], root)
		const [pack] = JSON.parse(output) as [{ filename: string }]
		tarballPath = join(workFolder, pack.filename)
	})

	after(() => {
		if (workFolder) rmSync(workFolder, { recursive: true, force: true })
	})

	it('publint reports nothing for the packed tarball, not even a suggestion', async () => {
		const tarball = readFileSync(tarballPath)
		const { messages, pkg } = await publint({
			pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) as ArrayBuffer },
			level: 'suggestion',
			strict: true,
		})
		const report = messages.map((message) => `${message.type} ${message.code}: ${formatMessage(message, pkg) ?? ''}`)
		expect(report.length, `publint:\n${report.join('\n')}`).to.equal(0)
	})

	it('"Are the types wrong?" finds no problem in any resolution mode, node10 included', () => {
		// Run in the work folder so no .attw.json config is picked up; a local tarball
		// needs no network (--no-definitely-typed: the package ships its own types).
		const attw = run(
			process.execPath,
			[binScript('@arethetypeswrong/cli', 'attw'), tarballPath, '--format', 'json', '--no-color', '--no-definitely-typed'],
			workFolder,
		)
		let result: {
			analysis: {
				types: unknown
				problems: unknown[]
				entrypoints: Record<string, { resolutions: Record<string, { resolution?: { fileName: string } }> }>
			}
		}
		try {
			result = JSON.parse(attw.stdout) as typeof result
		} catch {
			throw new Error(`attw did not print JSON (exit ${attw.status}):\n${attw.stdout}\n${attw.stderr}`)
		}
		expect(result.analysis.types, 'attw found types').to.not.equal(false)
		expect(result.analysis.problems, `attw problems:\n${JSON.stringify(result.analysis.problems, null, 2)}`).to.deep.equal([])
		expect(attw.status, attw.stderr).to.equal(0)

		// Each resolution mode reaches the declaration file of its module kind.
		const resolved = Object.fromEntries(
			Object.entries(result.analysis.entrypoints['.']!.resolutions).map(([mode, { resolution }]) => [mode, resolution?.fileName]),
		)
		expect(resolved).to.deep.equal({
			node10: '/node_modules/wasm-heap-manager/dist/index.d.ts',
			'node16-cjs': '/node_modules/wasm-heap-manager/dist/index.d.cts',
			'node16-esm': '/node_modules/wasm-heap-manager/dist/index.d.ts',
			bundler: '/node_modules/wasm-heap-manager/dist/index.d.ts',
		})
	})

	describe('a strict TypeScript consumer of the tarball', () => {
		let project = ''

		before(() => {
			// A project outside this checkout (so nothing resolves through its node_modules),
			// with the fixture's files and the tarball installed as a dependency. The consumer
			// is compiled with this checkout's TypeScript, so nothing else is downloaded.
			project = join(workFolder, 'consumer')
			mkdirSync(project)
			for (const file of readdirSync(consumerFixture)) copyFileSync(join(consumerFixture, file), join(project, file))
			runOrThrow(npm, ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarballPath], project)
		})

		it('compiles under module and moduleResolution nodenext, as ESM and as CommonJS', () => {
			const compilation = compile(join(project, 'tsconfig.nodenext.json'))
			expectNoDiagnostics(compilation, project)
			// consumer.ts (ESM) reads index.d.ts; consumer.cts (CommonJS) reads index.d.cts.
			expect(packageDeclarations(compilation.program, project)).to.deep.equal([
				'node_modules/wasm-heap-manager/dist/index.d.cts',
				'node_modules/wasm-heap-manager/dist/index.d.ts',
			])
		})

		it('compiles under module esnext and moduleResolution bundler', () => {
			const compilation = compile(join(project, 'tsconfig.bundler.json'))
			expectNoDiagnostics(compilation, project)
			expect(packageDeclarations(compilation.program, project)).to.deep.equal(['node_modules/wasm-heap-manager/dist/index.d.ts'])
		})

		it('needs no lib beyond es2022 and esnext.disposable: no DOM, no @types/node', () => {
			expectNoDiagnostics(compile(join(project, 'tsconfig.minimal.json')), project)
		})

		it('compiles in a browser project: lib ["ES2022", "DOM"] without esnext.disposable, skipLibCheck false', () => {
			const compilation = compile(join(project, 'tsconfig.browser.json'))
			expect(compilation.program.getCompilerOptions().lib).to.deep.equal(['lib.es2022.d.ts', 'lib.dom.d.ts'])
			expect(compilation.program.getCompilerOptions().skipLibCheck).to.equal(false)
			expectNoDiagnostics(compilation, project)
			expect(packageDeclarations(compilation.program, project)).to.deep.equal(['node_modules/wasm-heap-manager/dist/index.d.ts'])
		})

		it('compiles with lib ["ES2022"] alone: no DOM, no esnext.disposable, no @types', () => {
			const compilation = compile(join(project, 'tsconfig.es2022.json'))
			expect(compilation.program.getCompilerOptions().lib).to.deep.equal(['lib.es2022.d.ts'])
			expectNoDiagnostics(compilation, project)
		})

		it('rejects every wrong value a @ts-expect-error line marks, with the error that line claims', () => {
			// Compile copies without the directives: each directive's next line must then
			// fail with the expected message, and no other line may fail. So a directive
			// cannot be satisfied by an unrelated error (a misspelt method, say).
			const expectedErrors: readonly (readonly [RegExp, RegExp])[] = [
				[/\.writeBigInt64\(/, /Argument of type 'number' is not assignable to parameter of type 'bigint'/],
				[/\.writeInt32\(/, /Argument of type 'bigint' is not assignable to parameter of type 'number'/],
				[/\.writePointer53\(/, /Argument of type 'bigint' is not assignable to parameter of type 'number'/],
				[/\.writeFloat64\(/, /Argument of type 'string' is not assignable to parameter of type 'number'/],
				[/pollingMode: 'sometimes'/, /Type '"sometimes"' is not assignable to type 'PollingMode \| undefined'/],
			]
			const mutant = join(project, 'mutant')
			mkdirSync(mutant)
			const marked: { file: string; line: number; code: string }[] = []
			for (const file of ['consumer.ts', 'consumer.cts']) {
				const lines = readFileSync(join(project, file), 'utf8').split('\n')
				lines.forEach((line, index) => {
					if (!line.trim().startsWith('// @ts-expect-error')) return
					marked.push({ file, line: index + 2, code: lines[index + 1]!.trim() })
					lines[index] = '' // keeps the line numbers
				})
				writeFileSync(join(mutant, file), lines.join('\n'))
			}
			// Inside the project, so the package and package.json's "type" resolve as before.
			copyFileSync(join(project, 'tsconfig.nodenext.json'), join(mutant, 'tsconfig.nodenext.json'))

			for (const file of ['consumer.ts', 'consumer.cts']) {
				expect(marked.filter((mark) => mark.file === file), `directives in ${file}`).to.have.length(expectedErrors.length)
			}

			const { diagnostics } = compile(join(mutant, 'tsconfig.nodenext.json'))
			const found = diagnostics.map((diagnostic) => {
				const file = diagnostic.file ? relative(mutant, diagnostic.file.fileName) : '(global)'
				const line = diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line + 1 : 0
				return { file, line, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') }
			})
			const unexpected = found.filter(({ file, line }) => !marked.some((mark) => mark.file === file && mark.line === line))
			expect(unexpected.length, `errors on lines without a directive:\n${formatDiagnostics(diagnostics, mutant)}`).to.equal(0)
			for (const mark of marked) {
				const expectation = expectedErrors.find(([code]) => code.test(mark.code))
				expect(expectation, `no expected error listed for ${mark.file}:${mark.line}: ${mark.code}`).to.not.equal(undefined)
				const messages = found.filter(({ file, line }) => file === mark.file && line === mark.line).map(({ message }) => message)
				const said = messages.join('\n') || '(nothing: the types accept the wrong value)'
				expect(
					messages.some((message) => expectation![1].test(message)),
					`${mark.file}:${mark.line} (${mark.code}) should fail with ${expectation![1]}; TypeScript said:\n${said}`,
				).to.equal(true)
			}
		})
	})

	it('every export and public member in dist/index.d.ts has a TSDoc comment', () => {
		const missing = undocumentedDeclarations(join(root, 'dist/index.d.ts'))
		expect(missing.length, `${missing.length} declarations without a TSDoc comment:\n${missing.join('\n')}`).to.equal(0)
	})

	it('TypeDoc builds the API reference from the entry points without a warning', () => {
		// typedoc.json sets treatWarningsAsErrors, so a warning (an undocumented member, a
		// broken {@link}, a referenced but unexported type) fails the build.
		const out = join(workFolder, 'api')
		const typedoc = run(process.execPath, [binScript('typedoc', 'typedoc'), '--out', out, '--logLevel', 'Warn'], root)
		expect(typedoc.status, `typedoc exited with ${typedoc.status}:\n${typedoc.stdout}${typedoc.stderr}`).to.equal(0)
		expect(readdirSync(out)).to.include('index.html')
		expect(readdirSync(join(out, 'classes'))).to.include.members(['wasm-heap-manager.WasmHeapManager.html', 'wasm-heap-manager.Int32Ref.html', 'wasm-heap-manager.Utf8StringRef.html'])
	})

	describe('bundle size', () => {
		const script = join(root, 'scripts/bundle-size.mjs')

		it('README.md states the size scripts/bundle-size.mjs measures', () => {
			const check = run(process.execPath, [script, '--check'], root)
			expect(check.status, `${check.stdout}${check.stderr}`).to.equal(0)
		})

		it('--check fails naming both when the stated size is stale, and --update-readme fixes it', () => {
			const readme = join(workFolder, 'stale-README.md')
			writeFileSync(readme, '# title\n\n<!-- bundle-size -->\nThe ESM build is **1.0 KiB minified**.\n<!-- /bundle-size -->\n\nmore\n')
			const stale = run(process.execPath, [script, '--check', '--readme', readme], root)
			expect(stale.status).to.equal(1)
			expect(stale.stderr).to.contain('stated:   The ESM build is **1.0 KiB minified**.').and.contain('measured: ')

			const update = run(process.execPath, [script, '--update-readme', '--readme', readme], root)
			expect(update.status, update.stderr).to.equal(0)
			const updated = readFileSync(readme, 'utf8')
			expect(updated).to.match(/^# title\n\n<!-- bundle-size -->\nWhat each entry point adds .*\n\n\| entry point \|.*\n.*\n(\| .* \| [\d.]+ KiB \| [\d.]+ KiB \| .* \|\n){3}<!-- \/bundle-size -->\n\nmore\n$/)
			expect(run(process.execPath, [script, '--check', '--readme', readme], root).status).to.equal(0)
		})

		it('every entry point is within its budget, and the allocator and struct entries stay a tenth of the whole', () => {
			const sizes = run(process.execPath, [script], root)
			expect(sizes.status, `${sizes.stdout}${sizes.stderr}`).to.equal(0)
			const minified = Object.fromEntries([...sizes.stdout.matchAll(/^(\w+): .*\((\d+) and \d+ bytes/gm)].map((match) => [match[1], Number(match[2])]))
			expect(Object.keys(minified)).to.deep.equal(['index', 'allocator', 'structs'])
			expect(minified.allocator! * 10).to.be.lessThan(minified.index!)
			expect(minified.structs! * 10).to.be.lessThan(minified.index!)
		})

		it('fails clearly when the README has no markers', () => {
			const readme = join(workFolder, 'unmarked-README.md')
			writeFileSync(readme, '# title\n')
			for (const mode of ['--check', '--update-readme']) {
				const result = run(process.execPath, [script, mode, '--readme', readme], root)
				expect(result.status, mode).to.equal(1)
				expect(result.stderr, mode).to.contain('expected the marker <!-- bundle-size --> exactly once, found it 0 times')
			}
			expect(readFileSync(readme, 'utf8')).to.equal('# title\n')
		})
	})
})

/**
 * Every declaration a user of dist/index.d.ts can see without a TSDoc comment of its
 * own, as `Class.member (kind)`: the exported classes, functions, interfaces and type
 * aliases, and every public member of the exported classes (inherited ones included,
 * named by the class declaring them) and interfaces. Each overload, and the getter and
 * setter of an accessor, needs its own comment, as TypeDoc requires. Private and
 * protected members, and `@internal` ones (stripped from the build), are not visible.
 */
function undocumentedDeclarations(declarationFile: string): string[] {
	const program = ts.createProgram({
		rootNames: [declarationFile],
		options: { noEmit: true, strict: true, types: [], lib: consumerLibs },
	})
	const checker = program.getTypeChecker()
	const sourceFile = program.getSourceFile(declarationFile)!
	const moduleSymbol = checker.getSymbolAtLocation(sourceFile)!
	const missing = new Set<string>()
	const seen = new Set<ts.Declaration>()

	const hasComment = (node: ts.Node): boolean =>
		ts.getJSDocCommentsAndTags(node).some(
			(doc) =>
				ts.isJSDoc(doc) &&
				(Boolean(ts.getTextOfJSDocComment(doc.comment)?.trim()) ||
					(doc.tags ?? []).some((tag) => tag.tagName.text === 'inheritDoc' || Boolean(ts.getTextOfJSDocComment(tag.comment)?.trim()))),
		)
	const ownerName = (declaration: ts.Declaration): string => {
		const owner = declaration.parent
		return (ts.isClassDeclaration(owner) || ts.isInterfaceDeclaration(owner)) && owner.name ? `${owner.name.text}.` : ''
	}
	const check = (declaration: ts.Declaration, name: string): void => {
		if (seen.has(declaration)) return
		seen.add(declaration)
		if (!hasComment(declaration)) missing.add(`${ownerName(declaration)}${name} (${ts.SyntaxKind[declaration.kind]})`)
	}
	const isPublic = (declaration: ts.Declaration): boolean =>
		(ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0 &&
		!(ts.isPropertyDeclaration(declaration) && ts.isPrivateIdentifier(declaration.name))
	const checkMembers = (properties: readonly ts.Symbol[]): void => {
		for (const property of properties) {
			if (property.name === 'prototype') continue
			for (const declaration of property.declarations ?? []) {
				if (isPublic(declaration)) check(declaration, property.name)
			}
		}
	}

	for (const exported of checker.getExportsOfModule(moduleSymbol)) {
		const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
		for (const declaration of symbol.declarations ?? []) check(declaration, exported.name)
		if (symbol.flags & ts.SymbolFlags.Class) {
			const instanceType = checker.getDeclaredTypeOfSymbol(symbol)
			const staticType = checker.getTypeOfSymbol(symbol)
			checkMembers(checker.getPropertiesOfType(instanceType))
			checkMembers(checker.getPropertiesOfType(staticType))
			for (const signature of staticType.getConstructSignatures()) {
				// An implicit constructor has no declaration to document.
				const declaration = signature.getDeclaration() as ts.SignatureDeclaration | undefined
				if (declaration && ts.isConstructorDeclaration(declaration) && isPublic(declaration)) check(declaration, 'constructor')
			}
		} else if (symbol.flags & ts.SymbolFlags.Interface) {
			checkMembers(checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)))
		}
	}
	return [...missing].sort()
}
