/**
 * One job of `npm run bench:browser`, in a module Web Worker of its own (a V8 isolate
 * of its own: the ArrayBufferDetaching protector and the type feedback of one job
 * cannot leak into the next, as a process of its own gives each suite on Node). The page
 * (page.ts) posts a {@link Job}; the worker builds the suite's cases on the memory asked
 * for, runs them with the Node harness, and posts back the results, with every line the
 * harness prints forwarded as it is printed.
 *
 * bench/browser.ts bundles this file with esbuild; there, `../library.js` is the shipped
 * build (dist/index.js) and `../emscriptenFixture.js` imports the fixture's .cjs directly.
 */
import { createAccessCases } from '../access.bench.js'
import { skippedCases } from '../elements.js'
import { runSuite, type BenchCase } from '../harness.js'
import { emscriptenHeapSource, sharedHeapSource, type BenchHeapSource, type MemoryKind } from '../heapSource.js'
import * as library from '../library.js'
import { createNumericCases } from '../numeric.bench.js'
import { createStringCases } from '../strings.bench.js'
import { createStructsCodegenCases } from '../structs-codegen.bench.js'
import { createStructCases } from '../structs.bench.js'
import type { BrowserSuite, Job, JobMessage } from './jobs.js'

const titles: Record<BrowserSuite, { title: string; baselines: string[] }> = {
	numeric: { title: 'Numeric access (vs the same loop on typed arrays / DataView)', baselines: ['raw'] },
	access: { title: 'Every width, atomics, refs and views (vs DataView/typed arrays, and getValue/setValue)', baselines: ['raw', 'typed', 'emscripten'] },
	strings: { title: 'Null-terminated strings (vs raw TextDecoder/TextEncoder, and Emscripten helpers)', baselines: ['raw', 'emscripten'] },
	structs: { title: 'Structs: fields of a 40-byte struct array through at(i), a cursor and readStruct (vs typed arrays, and six read* calls)', baselines: ['raw', 'six reads'] },
	'structs-codegen': { title: 'Generated struct classes (vs raw typed arrays, and vs the runtime defineStruct refs)', baselines: ['raw', 'runtime'] },
}

async function heapSource(memory: MemoryKind): Promise<BenchHeapSource> {
	return memory === 'shared' ? sharedHeapSource() : emscriptenHeapSource()
}

async function casesOf(job: Job): Promise<BenchCase[]> {
	switch (job.suite) {
		case 'numeric':
			return createNumericCases(library, {
				regime: job.regime,
				shared: job.memory === 'shared',
				suite: job.regime === 'pristine' ? 'numeric' : 'numeric realistic',
			})
		case 'access':
			return createAccessCases(await heapSource(job.memory))
		case 'strings':
			// Pristine only (bench/browser.ts): the realistic regime grows the memory, which the shared one cannot.
			return createStringCases(await heapSource(job.memory), { regime: job.regime })
		case 'structs':
			// Each struct suite makes a plain WebAssembly.Memory of its own (bench/browser.ts runs it once, as the plain memory).
			return createStructCases(library, job.regime)
		case 'structs-codegen':
			return createStructsCodegenCases(job.regime)
	}
}

const post = (message: JobMessage): void => (self as unknown as { postMessage(message: JobMessage): void }).postMessage(message)

self.addEventListener('message', (event) => {
	const job = (event as MessageEvent<Job>).data
	Object.assign(globalThis, { benchEnvironment: job.environment })
	console.log = (...parts: unknown[]) => post({ kind: 'line', line: parts.map(String).join(' ') })
	void (async () => {
		try {
			const pattern = job.filter === undefined ? undefined : new RegExp(job.filter)
			const cases = (await casesOf(job)).filter((benchCase) => pattern === undefined || pattern.test(benchCase.name))
			const { title, baselines } = titles[job.suite]
			const present = baselines.filter((name) => cases.some((benchCase) => benchCase.baselines[name] !== undefined))
			const heading = `${title}, ${job.memory} memory${job.regime === 'realistic' ? ', realistic regime (a memory grown and every error path taken once first)' : ''}`
			const results = runSuite(heading, cases, present, job.options).map((result) => ({ ...result, memory: job.memory }))
			post({ kind: 'done', results, skipped: skippedCases() })
		} catch (error) {
			post({ kind: 'failed', error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) })
		}
	})()
})
