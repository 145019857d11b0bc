/**
 * What a benchmark run records about the code and the machine, and the rebuild of
 * dist/ before it (bench/run.ts and bench/browser.ts).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { cpus, loadavg, release, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

function newestMtime(path: string): number {
	const stats = statSync(path)
	if (!stats.isDirectory()) return stats.mtimeMs
	return Math.max(stats.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))))
}

/** Rebuilds dist/ when it is missing or older than what it is built from; returns whether it did. */
export function ensureFreshBuild(): boolean {
	const output = join(root, 'dist/index.js')
	const inputs = ['src', 'generated', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json'].map((input) => join(root, input))
	if (existsSync(output) && statSync(output).mtimeMs >= Math.max(...inputs.map(newestMtime))) return false
	try {
		execFileSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'pipe' })
	} catch (error) {
		const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer }
		console.error(`dist/ is older than src/ and \`npm run build\` failed, so there is nothing current to measure:`)
		console.error(`${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`)
		console.error('Fix the build, or measure the sources with BENCH_LIBRARY=src.')
		process.exit(1)
	}
	return true
}

/** The commit the library was built from, and whether src/ or generated/ had changes on top of it. */
export function describeSource(): string {
	try {
		const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'generated'], { cwd: root, encoding: 'utf8' }).trim() !== ''
		return `commit ${commit}${dirty ? ' with uncommitted changes in src/ or generated/' : ''}`
	} catch {
		return 'not a git checkout'
	}
}

/** The machine and runtime, for BENCHMARKS.md. */
export function describeMachine(): Record<string, unknown> {
	let cpuModel = cpus()[0]?.model ?? 'unknown'
	try {
		cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel
	} catch {
		// Not Linux: os.cpus() it is.
	}
	let os = `${type()} ${release()}`
	try {
		const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1]
		if (pretty !== undefined) os = `${pretty} (${type()} ${release()})`
	} catch {
		// No /etc/os-release: the kernel's name and release.
	}
	return {
		cpu: cpuModel,
		cores: cpus().length,
		memoryBytes: totalmem(),
		os,
		node: process.version,
		v8: process.versions.v8,
		loadAverageAtStart: loadavg().map((load) => Math.round(load * 100) / 100),
	}
}
