// The package's bin as a Bun or Deno user runs it, from the project the tarball is installed in:
//   node cli.mjs bun <bun binary>     bunx --bun wasm-heap-manager ..., and plain bunx (which the
//                                     bin's #!/usr/bin/env node shebang hands to Node)
//   node cli.mjs deno <deno binary>   deno run npm:wasm-heap-manager ... (offline, from node_modules),
//                                     with -A and without permissions
// Run by run.mjs (labels bun-cli, deno-cli) under this machine's Node, which spawns the runtime:
// generate on a .ts declarations module (ts-morph linked from the repository's node_modules,
// whose path is the third argument), the generated classes loaded and used by the runtime,
// import-c on a header (skipped, named, without clang on the PATH), and the errors a
// missing permission or a Node that cannot load TypeScript give.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { AssertionError, Skip, createReport, equal } from './suite.js'

const [runtime, binary, tsMorph] = process.argv.slice(2)
if ((runtime !== 'bun' && runtime !== 'deno') || !binary || !tsMorph) throw new Error('usage: node cli.mjs bun|deno <binary> <ts-morph folder>')
const project = process.cwd()
const report = createReport(`${runtime}-cli`)

/** Runs the runtime with `args` in the project: { status, stdout, stderr }. */
function runtimeRun(args, env = {}) {
	const result = spawnSync(binary, args, { cwd: project, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 })
	if (result.error) throw result.error
	return result
}

/** The runtime's command line that runs the installed bin with `args` (`permissions`: Deno's flags). */
function binCommand(args, permissions = ['-A']) {
	return runtime === 'bun'
		? ['x', '--bun', 'wasm-heap-manager', ...args]
		: ['run', '--no-prompt', '--cached-only', '--no-lock', '--node-modules-dir=manual', ...permissions, 'npm:wasm-heap-manager', ...args]
}

/** `result` exited with `status`; its output is in the message otherwise. */
function exited(result, status, what) {
	if (result.status !== status) throw new AssertionError(`${what}: exit ${result.status}, expected ${status}; stdout ${JSON.stringify(result.stdout)}, stderr ${JSON.stringify(result.stderr)}`)
}

/** `text` is one line, `wasm-heap-manager: ...`, with every part of `includes` in it (no stack trace). */
function oneErrorLine(text, includes, what) {
	const lines = text.trimEnd().split('\n')
	if (lines.length !== 1 || !lines[0].startsWith('wasm-heap-manager: ')) throw new AssertionError(`${what}: expected one 'wasm-heap-manager: ...' line, got ${JSON.stringify(text)}`)
	for (const part of includes) if (!text.includes(part)) throw new AssertionError(`${what}: expected ${JSON.stringify(part)} in ${JSON.stringify(text)}`)
}

writeFileSync(
	join(project, 'shapes.ts'),
	[
		`import { defineEnum, defineStruct, type StructType } from 'wasm-heap-manager'`,
		`export const Kind = defineEnum('Kind', 'Uint32', { SMALL: 1, LARGE: 2 })`,
		`export const Vec2 = defineStruct('Vec2', { x: 'Float32', y: 'Float32' })`,
		`export const Particle = defineStruct('Particle', { position: Vec2, mass: 'Float64', kind: Kind, name: { string: 'Utf8', capacity: 12 }, next: { pointer: (): StructType => Particle } })`,
		'',
	].join('\n'),
)
// Deno imports the generated module's '../shapes.js' (TypeScript's NodeNext spelling) as shapes.ts with sloppy imports (README)
writeFileSync(
	join(project, 'use-generated.ts'),
	[
		`import { createWasmHeapManager, type StructValue } from 'wasm-heap-manager'`,
		`import { ParticleArrayRef, ParticleRef } from './gen/shapes${runtime === 'deno' ? '.ts' : '.js'}'`,
		`import { Kind } from './shapes${runtime === 'deno' ? '.ts' : '.js'}'`,
		`const heap = createWasmHeapManager(new WebAssembly.Memory({ initial: 1, maximum: 16 }))`,
		`const first: ParticleRef = heap.allocStruct(ParticleRef, { mass: 2, name: 'first', position: { x: 1, y: 2 } })`,
		`first.kind = Kind.values.LARGE`,
		`const particles: ParticleArrayRef = heap.allocStructArray(ParticleRef, 3)`,
		`const cursor = particles.at(0)`,
		`for (let index = 0; index < particles.elementCount; index++) particles.at(index, cursor).mass = index + 0.5`,
		`particles.at(2).next = first`,
		`const plain: StructValue<typeof ParticleRef> = particles.readAt(2)`,
		`console.log(JSON.stringify([first instanceof ParticleRef, particles.at(1) instanceof ParticleRef, first.position.y, Kind.nameOf(first.kind), particles.at(2).next?.name, plain.next === first.address, particles.read().map((particle) => particle.mass), heap.sizeOf(ParticleRef)]))`,
		`particles.free()`,
		`first.free()`,
		'',
	].join('\n'),
)
/** A clang on the PATH (clang, or clang-NN), or `undefined`. */
const clang = (process.env.PATH ?? '')
	.split(delimiter)
	.flatMap((dir) => ['clang', ...Array.from({ length: 12 }, (_, index) => `clang-${index + 11}`)].map((name) => join(dir, name)))
	.find((path) => existsSync(path))
const linkedTsMorph = join(project, 'node_modules', 'ts-morph')
if (!existsSync(linkedTsMorph)) symlinkSync(tsMorph, linkedTsMorph, 'dir')

await report.check(`generate on a .ts declarations module (${runtime === 'bun' ? 'bunx --bun' : 'deno run -A npm:wasm-heap-manager'})`, () => {
	rmSync(join(project, 'gen'), { recursive: true, force: true })
	const result = runtimeRun(binCommand(['generate', 'shapes.ts', '--out', 'gen']))
	exited(result, 0, 'generate')
	equal(result.stdout, 'wrote gen/shapes.ts and gen/shapes.h\n', 'stdout')
	const module = readFileSync(join(project, 'gen/shapes.ts'), 'utf8')
	if (!module.includes('export class ParticleRef extends StructRef<typeof declarations.Particle>')) throw new AssertionError('gen/shapes.ts has no ParticleRef class')
})

await report.check(`the generated classes load and work (${runtime === 'bun' ? 'bun use-generated.ts' : 'deno run --sloppy-imports, then deno check'})`, () => {
	if (!existsSync(join(project, 'gen/shapes.ts'))) throw new Skip('generate did not write gen/shapes.ts')
	const result = runtimeRun(runtime === 'bun' ? ['use-generated.ts'] : ['run', '--no-prompt', '--cached-only', '--no-lock', '--node-modules-dir=manual', '--sloppy-imports', 'use-generated.ts'])
	exited(result, 0, 'use-generated.ts')
	equal(result.stdout.trim(), JSON.stringify([true, true, 2, 'LARGE', 'first', true, [0.5, 1.5, 2.5], 40]), 'what use-generated.ts printed')
	if (runtime === 'deno') {
		// Deno's own type check of the generated module, with its default (strict) options
		const checked = runtimeRun(['check', '--no-lock', '--node-modules-dir=manual', '--sloppy-imports', 'use-generated.ts'])
		exited(checked, 0, 'deno check use-generated.ts')
	}
})

await report.check('import-c on a header', () => {
	if (clang === undefined) throw new Skip('no clang on the PATH')
	writeFileSync(join(project, 'shapes.h'), 'typedef struct Vec2 { float x, y; } Vec2;\ntypedef struct Particle { Vec2 position; double mass; struct Particle *next; } Particle;\n')
	const result = runtimeRun(binCommand(['import-c', 'shapes.h']))
	exited(result, 0, 'import-c')
	for (const line of ['export const Vec2 = defineStruct(\n\t\'Vec2\',', 'export const Particle = defineStruct(\n\t\'Particle\',']) {
		if (!result.stdout.includes(line)) throw new AssertionError(`import-c printed no ${JSON.stringify(line)}: ${JSON.stringify(result.stdout.slice(0, 400))}`)
	}
})

if (runtime === 'deno') {
	await report.check('without permissions, each command says which permission it lacks, on one line (exit 1)', () => {
		const cases = [
			[['--version'], [], '--allow-read'],
			[['import-c', 'shapes.h'], [], '--allow-env'],
			...(clang === undefined ? [] : [[['import-c', 'shapes.h', '--clang', clang], ['--allow-read', '--allow-env', '--allow-write'], '--allow-run']]),
			[['generate', 'shapes.ts', '--out', 'gen-denied'], ['--allow-read'], '--allow-env'],
			[['generate', 'shapes.ts', '--out', 'gen-denied'], ['--allow-read', '--allow-env'], '--allow-write'],
		]
		for (const [args, permissions, wanted] of cases) {
			const what = `deno run ${permissions.join(' ')} npm:wasm-heap-manager ${args.join(' ')}`
			const result = runtimeRun(binCommand(args, permissions))
			exited(result, 1, what)
			oneErrorLine(result.stderr, [wanted], what)
		}
		if (existsSync(join(project, 'gen-denied'))) throw new AssertionError('gen-denied was made')
	})
} else {
	await report.check("plain bunx runs the bin with Node (its #!/usr/bin/env node): a Node that cannot load .ts says to use bunx --bun", () => {
		// as from a user's shell: bunx keeps an npm_config_user_agent it is given (npm run sets npm's, as
		// when CI runs this suite through npm run test:runtimes) and sets Bun's only where there is none
		const shell = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')))
		const result = spawnSync(binary, ['x', 'wasm-heap-manager', 'generate', 'shapes.ts', '--out', 'gen-node'], { cwd: project, encoding: 'utf8', env: shell, timeout: 120_000 })
		if (result.error) throw result.error
		// a Node that strips types itself (22.18+, 23.6+) generates
		if (result.status === 0) throw new Skip(`the node on the PATH loads shapes.ts itself: ${result.stdout.trim()}`)
		exited(result, 1, 'bunx generate')
		oneErrorLine(result.stderr, ['cannot load shapes.ts', 'bunx --bun wasm-heap-manager'], 'bunx generate')
	})
}

const { failed } = report.finish()
process.exitCode = failed > 0 ? 1 : 0
