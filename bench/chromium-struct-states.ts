/**
 * The struct loops in Chromium, state by state: which part of the realistic regime costs
 * what (bench/notes.ts, `chromiumStructLoops`). Each run is a fresh headless Chromium page
 * running bench/chromium-struct-states/model.ts (the structs suite's local-cursor loop, or another: LOOP, on
 * dist/index.js, 100 calls a batch, 40 rounds, the median of the last 30) after the steps
 * named, joined by `+`:
 *   grow         the memory grows once (a buffer detached)
 *   indexErrors  at() and readAt() past the end and at -1
 *   badCursor    at(0, {}) (a cursor that is not one)
 *   readStruct   readStruct past the heap
 *   freed        an array of the same struct type allocated and freed (with freedGet,
 *                freedSet, freedAt: its element's field read, written, and at(0, cursor) after)
 *   six          the same error paths on an array of another struct type
 *   reads        readFloat64 and readInt32 at bad addresses
 *
 *   npx tsx bench/chromium-struct-states.ts none grow grow+freed+freedGet+freedSet+freedAt
 *   JS_FLAGS=--no-maglev-inlining npx tsx bench/chromium-struct-states.ts none
 *   LOOP=cursor|at npx tsx bench/chromium-struct-states.ts none   the suite's closure-cursor or at(i) loop instead
 *   LOOP=split ...   the ten-field step as two functions of five (moveX, moveYAndSum) against its raw loop
 *   CHROMIUM_ARGS='--no-zygote --single-process' JS_FLAGS='--trace-turbo --trace-turbo-filter=walkWithCursor
 *     --trace-turbo-path=/tmp/turbo' npx tsx bench/chromium-struct-states.ts none
 *                the loop's TurboFan graphs and instructions (Chromium's release build has no --print-opt-code;
 *                single-process, its renderer's output and files reach the driver; tracing delays TurboFan, so
 *                the times printed are then Maglev's)
 */
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundled = await build({
	entryPoints: [fileURLToPath(new URL('./chromium-struct-states/model.ts', import.meta.url))],
	bundle: true,
	write: false,
	format: 'iife',
	platform: 'browser',
	plugins: [
		{
			name: 'library-is-dist',
			setup(setup) {
				setup.onResolve({ filter: /\/library\.js$/ }, () => ({ path: `${root}dist/index.js` }))
			},
		},
	],
	logLevel: 'warning',
})
const code = bundled.outputFiles[0]!.text
const states = process.argv.slice(2)
if (states.length === 0) {
	console.error('usage: npx tsx bench/chromium-struct-states.ts none|<step>+<step>... (see the header)')
	process.exit(2)
}
const jsFlags = process.env.JS_FLAGS
const loop = process.env.LOOP ?? 'local'
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', ...(jsFlags === undefined ? [] : [`--js-flags=${jsFlags}`]), ...(process.env.CHROMIUM_ARGS ?? '').split(' ').filter(Boolean)],
})
try {
	console.log(`Chromium ${browser.version()}${jsFlags === undefined ? '' : ` (${jsFlags})`}: the ${loop === 'cursor' ? 'closure-cursor' : loop === 'at' ? 'at(i)' : 'local-cursor'} loop, ns an element`)
	for (const state of states) {
		const steps = state === 'none' ? [] : state.split('+')
		const page = await browser.newPage()
		const out = (await page.evaluate(`(() => { const out = []; const STEPS = ${JSON.stringify(steps)}; const LOOP = ${JSON.stringify(loop)}; ${code}; return out })()`)) as string[]
		console.log(out.join('\n'))
		await page.close()
	}
} finally {
	await browser.close()
}
