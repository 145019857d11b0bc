/**
 * What the browser benchmarks (bench/browser.ts, bench/crossover-browser.ts) share: a
 * cross-origin-isolated static server on 127.0.0.1 (so that `SharedArrayBuffer` exists)
 * and headless Chromium driven by playwright-core.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** A static server of `directory` (its `.html` and `.js` files) on 127.0.0.1, cross-origin isolated. */
export function serveIsolated(directory: string): Promise<{ server: Server; port: number }> {
	const types: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8' }
	const server = createServer((request, response) => {
		const headers = {
			'Cross-Origin-Opener-Policy': 'same-origin',
			'Cross-Origin-Embedder-Policy': 'require-corp',
			'Cross-Origin-Resource-Policy': 'same-origin',
			'Cache-Control': 'no-store',
		}
		const name = new URL(request.url ?? '/', 'http://127.0.0.1').pathname.replace(/^\/+/, '') || 'index.html'
		if (name === 'favicon.ico') {
			response.writeHead(204, headers).end()
			return
		}
		const extension = /\.(html|js)$/.exec(name)?.[1]
		if (request.method !== 'GET' || extension === undefined || name.includes('/') || !existsSync(join(directory, name))) {
			response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found')
			return
		}
		response.writeHead(200, { ...headers, 'Content-Type': types[extension]! }).end(readFileSync(join(directory, name)))
	})
	return new Promise((resolvePromise, reject) => {
		server.once('error', reject)
		server.listen(0, '127.0.0.1', () => resolvePromise({ server, port: (server.address() as { port: number }).port }))
	})
}

/** playwright-core's entry: where `npm run test:runtimes` installs it, else installed once into node_modules/.cache/bench-browser. */
function playwrightEntry(): string {
	const candidates = ['node_modules/.cache/runtimes', 'node_modules/.cache/bench-browser', '.'].map((base) =>
		join(root, base, 'node_modules/playwright-core/index.mjs'),
	)
	const found = candidates.find((path) => existsSync(path))
	if (found !== undefined) return found
	const cache = join(root, 'node_modules/.cache/bench-browser')
	mkdirSync(cache, { recursive: true })
	writeFileSync(join(cache, 'package.json'), `${JSON.stringify({ name: 'bench-browser-tools', private: true }, null, 2)}\n`)
	console.log(`bench:browser: installing playwright-core into ${cache}`)
	const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', 'playwright-core@^1.49.0'], { cwd: cache, stdio: 'inherit' })
	if (install.status !== 0 || !existsSync(candidates[1]!)) throw new Error('bench:browser: could not install playwright-core')
	return candidates[1]!
}

export interface PlaywrightPage {
	on(event: 'console', listener: (message: { text(): string }) => void): void
	on(event: 'pageerror', listener: (error: Error) => void): void
	goto(url: string, options: object): Promise<unknown>
	waitForFunction(body: string, argument: unknown, options: object): Promise<unknown>
	evaluate<T, A>(body: (argument: A) => T | Promise<T>, argument: A): Promise<T>
}
export interface PlaywrightBrowser {
	newPage(): Promise<PlaywrightPage>
	close(): Promise<void>
	version(): string
}

/** Headless Chromium at `executablePath`, with V8 flags (`--trace-osr,--trace-deopt`) if given. */
export async function launchChromium(executablePath: string, jsFlags?: string): Promise<PlaywrightBrowser> {
	const { chromium } = (await import(pathToFileURL(playwrightEntry()).href)) as { chromium: { launch(options: object): Promise<PlaywrightBrowser> } }
	return chromium.launch({
		executablePath,
		headless: true,
		timeout: 60_000,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', ...(jsFlags === undefined ? [] : [`--js-flags=${jsFlags.replace(/,/g, ' ')}`])],
	})
}
