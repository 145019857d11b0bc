/**
 * `npx tsx bench/crossover-browser.ts`: bench/crossover.bench.ts in headless Chromium
 * (/usr/bin/chromium, or CHROMIUM), on a cross-origin-isolated page served from
 * 127.0.0.1, printing the same tables. Browsers' `TextEncoder.encodeInto` and
 * `TextDecoder.decode` cost several hundred ns a call where Node's cost about a hundred,
 * so the codecs switch from their JS loops at other lengths there; the browser
 * thresholds at the top of `src/codecs/*.ts` cite this run (see `src/codecs/host.ts`).
 *
 *   npx tsx bench/crossover-browser.ts            median of 15 rounds, as on Node
 *   BENCH_ROUNDS=31 npx tsx bench/crossover-browser.ts
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { launchChromium, serveIsolated } from './browser/chromium.js'

const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const directory = mkdtempSync(join(tmpdir(), 'wasm-heap-manager-crossover-'))
const settings = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('BENCH_') && entry[1] !== undefined))
try {
	await build({
		entryPoints: { crossover: fileURLToPath(new URL('./crossover.bench.ts', import.meta.url)) },
		outdir: directory,
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		logLevel: 'warning',
	})
	// The settings reach the bench through runtime.ts's `environment` (benchEnvironment), before it loads.
	writeFileSync(
		join(directory, 'index.html'),
		'<!doctype html>\n<meta charset="utf-8">\n<title>crossover</title>\n' +
			`<script>globalThis.benchEnvironment = ${JSON.stringify(settings)}</script>\n` +
			'<script type="module">import("./crossover.js").then(() => { globalThis.crossoverDone = "done" }, (error) => { globalThis.crossoverDone = String(error && error.stack || error) })</script>\n',
	)
	const { server, port } = await serveIsolated(directory)
	const browser = await launchChromium(chromiumPath)
	try {
		console.log(`Chromium ${browser.version()}`)
		const page = await browser.newPage()
		page.on('console', (message) => console.log(message.text()))
		page.on('pageerror', (error) => console.error(`page error: ${error.message}`))
		await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load', timeout: 60_000 })
		await page.waitForFunction('globalThis.crossoverDone !== undefined', undefined, { timeout: 30 * 60_000, polling: 1000 })
		const outcome = await page.evaluate(() => (globalThis as unknown as { crossoverDone: string }).crossoverDone, undefined)
		if (outcome !== 'done') throw new Error(`crossover-browser: the bench failed in Chromium: ${outcome}`)
	} finally {
		await browser.close().catch(() => {})
		server.close()
	}
} finally {
	rmSync(directory, { recursive: true, force: true })
}
