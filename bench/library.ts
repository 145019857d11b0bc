/**
 * The library as the benchmarks load it: by default the shipped build, `dist/index.js`
 * (run.ts rebuilds it first when `src/` or `generated/` is newer); with
 * `BENCH_LIBRARY=src`, the TypeScript sources: in run.ts's suite processes compiled by
 * esbuild file by file (bench/compiled-children.ts), through tsx elsewhere (and with
 * `BENCH_CHILDREN=tsx`).
 *
 * Why not the sources by default: tsx compiles with esbuild's `keepNames`, which adds
 * `static { __name(this, 'Int32Ref') }` (an `Object.defineProperty` of `name`) to every
 * class. On Node 20 that takes `new` of a derived class off V8's fast path: constructing
 * an `Int32Ref` costs ~250 ns instead of ~15 ns (and a plain two-class hierarchy shows
 * the same). The rollup build has no such code, so only the shipped build measures what
 * users run. Code that constructs nothing (reads, writes, strings) measures the same either way.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type * as Library from '../src/index.js'

export const librarySource: 'dist' | 'src' = process.env.BENCH_LIBRARY === 'src' ? 'src' : 'dist'

// A computed specifier: dist/ is a build output, absent from a fresh checkout, and the
// type-check must not depend on it. Its API is the sources' API.
// BENCH_BUILD: a folder holding another build's dist/index.js (e.g. .tmp/builds/<commit>, as
// bench/compare-builds.ts makes them), to run a suite against it in a process of its own.
const distEntry = process.env.BENCH_BUILD === undefined ? '../dist/index.js' : pathToFileURL(resolve(process.env.BENCH_BUILD, 'dist/index.js')).href
const library = (librarySource === 'src' ? await import('../src/index.js') : await import(distEntry)) as typeof Library

export const { createWasmHeapManager, wrapEmscriptenModuleHeap, createHeapAllocator, defineStruct, StructRef, StructArrayRef } = library
export type { Int32Ref, WasmHeapManager, FieldRefValue } from '../src/index.js'
