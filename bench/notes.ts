/**
 * The closing note on a missed goal: by how much (from the data) and why (from what the
 * library does on that path, matched by case name). Used by run.ts and benchmarks-md.ts.
 * The reasons describe the code paths, so they hold as numbers move; when a code path
 * changes, change its reason here.
 */
import { formatRatio, type CaseResult } from './harness.js'

/**
 * Why the struct loops that take the array as a parameter collapse on Node 24 (V8 13.6): shown
 * in BENCHMARKS.md's Node 24 section, beside the struct tables. Measured with
 * bench/maglev-accessor-floor.mjs and a copy of the structs suite run on a build without tsx.
 */
export const node24StructLoops =
	'Why two struct loops take 30-130 ns an element on Node 24 (the local cursor, and the ten-field step split ' +
	'into two functions), against 5-15 ns on Node 20: the function that calls the loop function (the ' +
	'harness\'s batch, which calls it many times in a row, as a frame loop or a simulation\'s time step would) is ' +
	'compiled by Maglev with the loop function inlined into it (`--trace-opt`: the loop function reaches ' +
	'TurboFan by itself, then `throughLocalCursor` is compiled by Maglev and only that code runs from then ' +
	'on). Maglev inlines no getter or setter, an accessor call having no call feedback (`--trace-maglev-' +
	'inlining`: "call frequency (0) < minimum threshold"), so every field access is a call (`--prof`: `*get` and ' +
	'`*set`, the accessors\' TurboFan code, beside the Maglev loop). That is a floor for any accessor: in ' +
	'bench/maglev-accessor-floor.mjs (the suite\'s local-cursor loop called 100 times from a batch function, a ' +
	'process per shape) accessors that do nothing (`get` returns a constant, `set` drops its value) take 15.9-22.3 ' +
	'ns an element on Node 24 against raw\'s 1.8-2.6 ns (0.08-0.16x, two processes; 25.3 ns with the memory ' +
	'grown), accessors that are only the `DataView` access 22.9-23.1 ns, the library\'s 25.8-50.5 ns. So no ' +
	'accessor body reaches the 0.6x goal in that state. With `--no-maglev-inlining` the loop runs its own ' +
	'TurboFan code with every accessor inlined: the do-nothing accessors 1.09 ns, the library 10.2 ns against ' +
	'raw\'s 2.2 ns in that model; and the structs suite with that flag: the local cursor 5.4 ns against 3.2 ' +
	'(51.5 ns by default), the split step 14.9 ns against 8.0 (88.2); with `--no-maglev` 3.1 against 2.5 and ' +
	'16.5 against 7.4. Node 20 does not inline the loop into a Maglev caller (it has no Maglev), and neither does ' +
	'Chromium 156\'s V8: the model\'s do-nothing accessors take 0.73 ns there and the `DataView` ones 4.6 ns ' +
	'(raw 2.4 ns), and the Chromium tables above show the suite\'s loops there. The cases whose loops reach ' +
	'TurboFan by themselves (the loops over a constant array, readStruct) are not in this state; the ten-field ' +
	'step in one function is not either (47-52 ns with either flag: the inlining budget, as on Node 20).'

/**
 * The struct suites in Chromium: what the realistic regime's two parts cost there. Shown in
 * BENCHMARKS.md's Chromium section, beside the struct tables. Measured with
 * bench/chromium-struct-states.ts (the structs suite's local-cursor loop on dist/index.js in a
 * fresh headless Chromium 156 page per run, after the regime's steps named on its command line).
 */
export const chromiumStructLoops =
	'In Chromium the realistic regime costs the struct loops more than on Node 20, and its two parts add up. ' +
	'The local-cursor loop (a fresh page a run, three runs a state): pristine 4.6-9.8 ns an element (0.31-0.48x ' +
	'raw), the memory grown 8.3-8.8 ns (every typed-array and `DataView` access then tests for a detached ' +
	'buffer, as on Node: see the realistic struct entries below), an array of the same struct type freed and ' +
	'its error paths taken 5.6-8.3 ns (the roots\' `liveEnd` field becomes a double, `Infinity` for the freed ' +
	'one), both 10.5-13.9 ns (0.21-0.22x), and every error path of the suite taken too 10.3-28.8 ns. With ' +
	'`--js-flags=--no-maglev-inlining` the last state measured 10.3-13.7 ns: Chromium\'s loops reach TurboFan ' +
	'(`--trace-opt`, `--trace-turbo-inlining`: `at` and every accessor inlined), so the Node 24 Maglev state ' +
	'(see the Node 24 section) is not what costs here; the checks of the realistic regime are. Read to the ' +
	'instruction with `--trace-turbo` (Chromium\'s release build has no `--print-opt-code`; the instructions after ' +
	'register allocation, bench/chromium-struct-states.ts with `CHROMIUM_ARGS=\'--no-zygote --single-process\'`): ' +
	'the local-cursor loop is 48 instructions an element pristine and 111 in the realistic regime, the ' +
	'closure-cursor loop 39 and 78 (`LOOP=cursor`), raw\'s 34 in both. Raw holds its typed arrays in locals, so their lengths and data pointers are loaded once before the ' +
	'loop, which has no detach test. The library\'s accessors reach the heap through the cursor\'s manager: ' +
	'pristine, TurboFan loads that chain once an element for all four fields; realistic, each `DataView` access ' +
	'tests its buffer for detachment and the next accessor loads the chain again (the manager\'s views, the ' +
	'`Uint8Array`\'s length: its byte length shifted by an element size looked up from its map\'s elements kind, ' +
	'0 if detached, 12 instructions; then the `DataView`, its byte length, buffer, detached bit and data ' +
	'pointer): three detach tests and two length computations an element. 14 of the 111 are `at`\'s error ' +
	'path, a call that merges back into the loop once an error has run; thrown instead (`throw ' +
	'this.throwAt(...)`, which TurboFan defers) the loop was 97 instructions, no call in it, but no faster ' +
	'here (0.20-0.25x raw either way, four fresh pages each) nor on Node 20 (see the local-cursor entry): not kept'

interface Reason {
	readonly suite: string
	/** The baselines it explains, as a regular expression matched against the whole name (default: every one). */
	readonly baseline?: string
	readonly name: RegExp
	readonly why: string
}

/**
 * Node 24 (V8 13.6) on the ref cases of the numeric suite: why both loop shapes miss
 * there by more than on Node 20. Measured with bench/ref-tiers.mjs (the suite's loops for
 * these four cases on a build, without tsx, runnable under tracing flags, and library-free
 * models of the same paths); joined to each ref case's reason below.
 */
/**
 * The struct loops in the realistic regime, on Node 24 above all: what a detached buffer
 * anywhere in the process does to the accessors' checks. Measured with a copy of the
 * structs suite's loops on a build, without tsx (`--print-opt-code`, one process per state).
 */
const detachedBufferChecks =
	'What the realistic regime changes is that an `ArrayBuffer` was detached (the memory grew): from then on ' +
	'V8\'s ArrayBufferDetaching protector is invalid and optimised code tests for detachment wherever a typed ' +
	'array or `DataView` is used. Detaching an unrelated 8-byte buffer (`structuredClone(buffer, { transfer })`) ' +
	'without growing the memory has the whole effect, on Node 24: at(i) 1.92-1.94 -> 3.54 ns, the cursor 2.22-2.25 ' +
	'-> 3.71 ns, raw 1.37-1.38 ns in both (a freed array alone: 2.08 and 2.59 ns). Pristine, TurboFan merges the ' +
	'four accessors\' liveness checks into one comparison per element (the whole-heap view\'s length a plain load, ' +
	'`liveEnd` a small integer: `--print-opt-code` shows one `cmpl; jg`, 496 bytes of code). Once a buffer was ' +
	'detached, each `uint8Array.length` becomes its own test of the buffer\'s detached bit selecting the length or ' +
	'0, which value numbering cannot merge, so every access repeats the select, a conversion to double and the ' +
	'comparison with `liveEnd` (about 8 instructions, 32 of the loop\'s roughly 60 an element, 708 bytes of code); ' +
	'the `DataView`\'s own detach test is merged (one per element), since it deoptimises rather than selects. ' +
	'Raw\'s element accesses deoptimise on a detached buffer too and keep their 1.4 ns, where on Node 20 raw slows ' +
	'from 2.2 to 5.2 ns with a grown memory (at(i) 2.3 -> 6.3 ns): hence 0.62-0.69x on Node 20 and 0.32-0.39x on ' +
	'Node 24 for the same code. The checks that merge are the deoptimising ones (the `DataView`\'s exception, an ' +
	'element load falling back on `undefined`), rejected as the cold path of a ref (see the `readAt` entries); ' +
	'no other test of the view\'s liveness was found that V8 lowers without the select (in a model of the four ' +
	'accessors, `byteLength` for `length`, or a length kept beside the views with `length !== 0` as the detach ' +
	'test: the same select at each access, `--print-opt-code`). Neither loop is a Maglev ' +
	'matter: both reach TurboFan on their own (`--trace-opt`), and the at(i) element is not allocated'

const node24RefTiers =
	'On Node 24 (V8 13.6) neither loop shape runs the code Node 20 runs, for reasons in the engine\'s tiers. (1) ' +
	'The long loop is first compiled by Maglev through on-stack replacement, and TurboFan then compiles it by OSR ' +
	'from the Maglev frame (`--trace-osr`, `--trace-opt`); that code is not specialised to the loop function\'s ' +
	'context (`--print-opt-code`: every iteration reloads the ref from the context, checks its map and reloads ' +
	'manager, views, byte view and its length, the `DataView`, its byte length and data pointer, about 45 ' +
	'instructions), where Node 20\'s OSR from the interpreter, and Node 24 with `--no-osr-from-maglev`, fold the ' +
	'ref, its manager and views into constants (about 15 instructions). Long loop, default against ' +
	'`--no-osr-from-maglev`: `Float64Ref` value 3.1-3.2 against 1.49 ns (raw 0.81), `value += 1` 2.5 against 1.35 ' +
	'ns, `readAt` 3.45 against 1.63 ns, `writeAt` 2.35 against 1.12 ns; realistic 4.1 / 3.9 / 4.8 / 3.7 against ' +
	'2.5 / 2.4 / 3.1 / 1.6 ns. So Node 20\'s long-loop ratios are those of a ref TurboFan holds as a constant; a ' +
	'ref it cannot fold pays the whole chain of loads on either engine. (2) In the 64-call shape the function ' +
	'making the 64 calls is compiled by Maglev, which inlines the loop function into it, so the loop runs in ' +
	'Maglev code (`--prof`: the ticks are in `+lib_short`, Maglev): only code Maglev compiled by OSR goes on to ' +
	'TurboFan by OSR, and that caller is not called often enough to be compiled by TurboFan. ' +
	'`--always-osr-from-maglev` gives 1.36 / 1.09 / 1.63 / 1.14 ns pristine and 2.44 / 2.44 / 3.13 / 2.12 ns ' +
	'realistic, `--no-maglev-inlining` 1.76 / 1.69 / 1.90 / 1.37 ns, `--max-opt=2` (Maglev only) 7.7 / 16.6 / ' +
	'11.8 / 8.0 ns; the default 5.0-8.3 ns. What Maglev does with the paths: it never inlines a getter or setter ' +
	'(`--trace-maglev-inlining`: "cannot inline get value: call frequency (0) < minimum threshold (0.95)"; an ' +
	'accessor call has no call feedback), so `ref.value` is a call of the getter\'s own TurboFan code returning a ' +
	'boxed double (`--prof`: `*get value` beside `+lib_short`) and `value += 1` two calls: the model measured ' +
	'6.0-12 ns as a getter against 0.81 ns for the same body as a method (Node 20: 0.81 ns both), and nothing in ' +
	'the getter\'s body changes that. It calls the `NumberIsInteger` builtin for `Number.isInteger` (a model ' +
	'`writeAt`: 4.1-4.2 ns, 1.15-1.36 ns with `typeof index === \'number\' && index === (index | 0) && index >= ' +
	'0`; Node 20 0.81 ns both), so `writeAt` now tests its index that way (the cold path keeps the full check; ' +
	'TurboFan\'s code for both shapes and regimes is the same instructions as before on Node 20 and Node 24, ' +
	'`--print-opt-code`): on a build in plain Node 24, 64 calls, `writeAt` 4.4-4.5 -> 1.2-1.3 ns pristine (raw ' +
	'1.0) and 7.5 -> 4.9-5.0 ns realistic (raw 1.4). Maglev inlines no function of 100 bytes of bytecode or more ' +
	'("big function, size (104) >= max-size (100)": `readAt`), so `readAt` is a call of its TurboFan code there; ' +
	'brought to 98 bytes with `typeof index === \'number\' && index === index >>> 0` it was inlined, 6.1 -> 2.4 ' +
	'ns pristine but 6.3 -> 12.4 ns realistic: once a buffer is detached Maglev calls the ' +
	'`DataViewPrototypeGetFloat64` builtin instead of inlining the read (`--prof`), so `readAt` keeps ' +
	'`Number.isInteger` and stays a call. The value ref\'s `read()` method, which Maglev inlines, shows the same: ' +
	'1.26 ns pristine against the getter\'s 5.0 ns, 11.2 ns realistic against 5.8 ns (`ref-tiers.mjs ' +
	'refReadMethod`). (3) Maglev inlines a typed array\'s `length` only while V8\'s TypedArrayLengthLookupChain ' +
	'protector holds, and on Node 24 `child_process.spawnSync`/`execSync` and a crypto hash\'s `digest()` ' +
	'invalidate it (`--trace-protector-invalidation`; seemingly where Node gives a typed array it made in C++ the ' +
	'Buffer prototype), and so does loading tsx, whose esbuild calls `spawnSync`: every process of this suite was ' +
	'in that state until the suite processes ran compiled JavaScript without tsx (bench/compiled-children.ts). Then each fast path\'s live-length test is a call of `TypedArrayPrototypeLength` ' +
	'(`byteLength` and `index in view` are calls too: the model\'s `writeAt` with them, 4.7-6.1 ns; only an ' +
	'element access stays inline, and a check through it is the rejected "fall back on `undefined`"): `writeAt` ' +
	'in that state 7.4-22.5 -> 4.6-5.0 ns (`ref-tiers.mjs writeAt --spawn`). Browsers make no such call. Value ' +
	'refs, `readAt`, and the long loop\'s unspecialised OSR code keep their Node 24 figures: no check that keeps ' +
	'the errors was found that Maglev inlines behind a getter. Value refs now load their views as fields of the ' +
	'manager (ref, manager, view: one load fewer, 574c9e3); `readAt` keeps `manager.fast`, since the shorter form ' +
	'is 99 bytes of bytecode, which Maglev inlines, with the builtin call above: realistic, 64 calls, 0.47-0.55x ' +
	'(bench/compare-builds.ts, Node 24, five processes each way)'

const reasons: Reason[] = [
	// ---- numeric access -------------------------------------------------------------
	{
		suite: 'numeric realistic',
		baseline: 'raw',
		name: /ArrayRef readAt/,
		why:
			'`readAt` compares the index with the live element count and the ref\'s end with the byte view\'s live length, ' +
			'then reads the `DataView`: two detach tests in this regime (it reaches both through `manager.fast`, where value ' +
			'refs and the manager\'s methods now take them from fields of the manager: see the Node 24 note below). Once an ' +
			'index error or a freed ref has gone through the cold path, TurboFan compiles the call to it inside the caller\'s ' +
			'loop. Until 9eeeb5b that call\'s result, any value to TurboFan, was merged with the `DataView` read as a tagged ' +
			'value, so every read in the loop was boxed (a Smi-or-HeapNumber test and tag) and unboxed again in the caller ' +
			'(`--print-opt-code`, Node 20); the cold call is now `+this.readAtCold(index)` (`| 0`, `>>> 0` for integer rows, ' +
			'codegen/emitAccess.ts `ofRowType`), the same value, typed as a number: bench/compare-builds.ts 9eeeb5b against ' +
			'7fb5a50, three processes each order, Node 20: 5.26x / 4.55x (64 calls) with the new build second, 2.0x / 1.9x ' +
			'with it first; Node 24, whose processes ranged 0.3-7x on the loaded machine: the long loop 2.25x and 2.3x ' +
			'(three processes each order), 1.09x and 1.14x (five each), 64 calls 0.98x-1.14x (there Maglev calls readAt\'s ' +
			'own code, whose returned value is boxed either way); in one process of the suite\'s cases (best of 34 ' +
			'rounds) 0.27x -> 0.33x raw. What is left is the loads: with a call in the loop, and the manager\'s fields ' +
			'reassigned once the heap has grown, TurboFan keeps nothing across iterations, so each read loads `fast`, the ' +
			'live count, `liveEnd` (a boxed double), the byte view, its length, its buffer and detach bit, the `DataView`, ' +
			'its byte length, buffer, detach bit and data pointer (about 45 instructions an iteration). The call itself is ' +
			'not the cost: a copy of `readAt` whose cold call had no feedback (a deoptimization exit instead, a measurement ' +
			'only) took 2.7-3.2 ns against the call\'s 3.0 ns before 9eeeb5b; nor is the spill of the loop\'s `sum` that ' +
			'the call causes (`vmovsd [rbp-0x38]` at the loop header, reloaded before the add): the cold call behind a ' +
			'branch TurboFan marks unlikely (a `let` read in its temporal dead zone inside a try/catch, whose throw and ' +
			'catch blocks are deferred) kept `sum` in a register and measured 0.30x against 0.33x, and without 9eeeb5b\'s ' +
			'typing 3.25 against 3.0 ns. Reading through the whole-heap `Float64Array` at `address / 8 + index` (one ' +
			'detach test; array refs are aligned) measured 0.25x against 0.33x. Comparing the ref\'s fixed end (`address ' +
			'+ allocatedByteSize`, fields never reassigned, so constants for a ref TurboFan holds; a freed array ref fails ' +
			'on its live count of 0 already) instead of `liveEnd` drops that field\'s two loads, but the comparison then ' +
			'has two small integers\' feedback and converts the byte view\'s length (a double once it is selected against ' +
			'the detach test) to an integer with a check, five instructions more: 0.20-0.29x against 0.22-0.33x. ' +
			'`ArrayBuffer.prototype.byteLength` as the live length (0 once detached, without the select) is a call of the ' +
			'`ArrayBufferPrototypeGetByteLength` builtin in TurboFan (Node 20), and a `DataView`\'s `byteLength` throws ' +
			'on a detached buffer. Earlier: reading through a view of the ' +
			'ref\'s own elements (one detach test) measured 1.11-1.15x here and 1.14-1.19x pristine, but 0.29-0.33x with ' +
			'three managers alive (bench/compare-builds.ts b51ecb9 against aae4f3f, Node 20, five processes each): that view ' +
			'is made by the cold path on each ref\'s first read, so any program that reads a second array ref has the call ' +
			'compiled into its loop, where the `DataView` path only calls on errors. The ways without a check of our own (a ' +
			'load that falls back on `undefined`, the DataView\'s own exception) are the rejected ones. ' +
			node24RefTiers,
	},
	{
		suite: 'numeric realistic',
		baseline: 'raw',
		name: /Ref value/,
		why:
			'a value ref loads the ref, its manager, the manager\'s byte view and the ref\'s `liveEnd` (which doubles as the ' +
			'freed flag), compares with the byte view\'s live length and goes through the manager\'s `DataView`: two detach ' +
			'tests in this regime, and a cold path that has run, which TurboFan compiles as a call in the caller\'s loop (see ' +
			'`readAt`: the loop\'s live values go through a stack slot). Reading through the whole-heap typed array of the ' +
			'type at an index fixed when the ref is made (one detach test) measured 1.67x pristine but 0.70-0.76x here, ' +
			'and 0.56-0.72x for `value += 1` even with the store on the same view (bench/compare-builds.ts b51ecb9 against ' +
			'bf55298 and a1b7dcd, Node 20, five processes each, whether the cold path\'s value came back from the call or ' +
			'from a one-element view): the issue\'s "no case slower" rules it out, so value refs keep the DataView path. ' +
			'Once the heap has grown, the manager\'s `fast` is no constant TurboFan can fold, and the refs read the views ' +
			'through it (`manager.fast.uint8Array`, two dependent loads); the views are now fields of the manager ' +
			'(`fastUint8Array`, `fastDataView`, set with `fast`): `Float64Ref` value 1.03-1.13x, `value += 1` 1.01-1.09x ' +
			'(bench/compare-builds.ts 574c9e3 and 668ed81 against 810d5cc, Node 20, five processes each way for each; Node 24 0.99-1.25x and ' +
			'1.01-1.18x in medians whose processes ranged 0.4-2x on the loaded machine). A freed ref\'s `liveEnd` of ' +
			'`Infinity` makes that field a double, read through a box; a build that kept it a small integer measured ' +
			'0.71-0.94x here (two processes each way): not the cost. Here the cold path\'s call is `liveAddress` (it ' +
			'throws for the freed ref the regime reads; `manager.readFloat64` after it has no feedback and is a ' +
			'deoptimization exit), so there is no merge to type as in `readAt` (9eeeb5b); a `+` on that call changed ' +
			'nothing either in a process whose heap grew while a ref was read (0.37-0.38x both). Tried since and left (one ' +
			'process of the suite\'s cases, best of 34 rounds, Node 20): returning `getFloat64(...) + -0` (the same value, ' +
			'but a HeapNumber in the interpreter, as raw\'s `Float64Array` read returns, where the `DataView` builtin ' +
			'returns a Smi for an integral value, so that the caller\'s `sum` is a double as raw\'s is; see the pristine ' +
			'entry) measured 0.23-0.25x against 0.26-0.35x here: the call keeps `sum` in a stack slot (`vmovsd [rbp-0x28]` at ' +
			'the loop header, reloaded before the add), and a double add\'s chain through a store and a load is longer ' +
			'than an integer one\'s; with the cold call also behind a branch TurboFan marks unlikely (a `let` read in its ' +
			'temporal dead zone inside a try/catch: the throw and the catch are deferred blocks, so `sum` stays in a ' +
			'register) 0.23-0.43x from process to process against 0.27-0.35x, not kept for that and for what the construct ' +
			'would cost in Maglev. ' +
			node24RefTiers,
	},
	{
		suite: 'numeric',
		baseline: 'raw',
		name: /ArrayRef writeAt/,
		why:
			'`writeAt` is already one explicit check (`typeof value`, an integer index below the length of the ref\'s own ' +
			'view) and an indexed store, as raw; raw is the store alone at an index it holds, 0.7 ns, so loading the ' +
			'ref\'s view and its length and comparing are the 0.6 ns left. ' +
			node24RefTiers,
	},
	{
		suite: 'numeric realistic',
		baseline: 'raw',
		name: /ArrayRef writeAt/,
		why:
			'`writeAt` is one explicit check (`typeof value`, an integer index below the length of the ref\'s own view) and ' +
			'an indexed store; in this regime the store and the length carry a detach test, and the cold path has run ' +
			'(see `readAt` for what that does to a caller\'s loop on Node 20). ' +
			node24RefTiers,
	},
	{
		suite: 'numeric',
		baseline: 'raw',
		name: /ArrayRef readAt/,
		why:
			'`readAt` compares the index with the live element count and the ref\'s end with the byte view\'s live length, ' +
			'then reads the `DataView` at `address + index * size`: the ref, its manager, the views, the byte view and its ' +
			'length, the `DataView` and its byte length are loaded before the access, where raw indexes a view it holds. ' +
			node24RefTiers,
	},
	{
		suite: 'numeric',
		baseline: 'raw',
		name: /Ref value/,
		why:
			'a value ref loads the ref, its manager, the manager\'s byte view and the ref\'s `liveEnd` (which doubles as the ' +
			'freed flag), compares with the byte view\'s live length and goes through the manager\'s `DataView`; raw is one ' +
			'typed-array index at an index it already holds. For a ref and manager it holds, TurboFan folds all but the ' +
			'byte view\'s length and the `DataView`\'s data pointer (`--print-opt-code`, Node 20: `value += 1` is those two ' +
			'loads, two compares, the load, an add with an overflow check and the store, where raw is load, add, store); ' +
			'the views becoming fields of the manager (574c9e3) left that code as it was. A part of the gap is the ' +
			'caller\'s feedback, not the ref: the suite\'s refs hold 0, and for an integral value the `DataView` builtin ' +
			'returns a Smi where raw\'s `Float64Array` load returns a HeapNumber, so the library\'s loop specialises its ' +
			'`sum` to a small integer and converts every read with a check (`vcvttsd2si`, `vcvtlsi2sd`, `vucomisd`, two ' +
			'branches, then `addl` / `jo`) where raw adds doubles: in a plain Node 20 loop `sum += dv.getFloat64(...)` took ' +
			'1.73 ns with a Smi `sum` and 1.00 ns with a double one (a `Float64Array` read 0.88 ns). Returning ' +
			'`getFloat64(...) + -0` (the same value, a HeapNumber in the interpreter) made `sum` a double: `Float64Ref` ' +
			'value 0.60x -> 0.69-1.00x raw here (long loop, five processes; 64 calls 0.38-0.60x against 0.43-0.60x; each a ' +
			'process of the suite\'s cases without tsx, best of 34 rounds), but it loses in the realistic regime (see there), so it is ' +
			'not kept. ' +
			node24RefTiers,
	},
	{
		suite: 'numeric|numeric realistic|access',
		baseline: 'raw',
		name: /^(read|write)(Int8|Uint8)( \(64 calls\))?$/,
		why:
			'raw is a plain typed-array index (`HEAPU8[a]`), the cheapest access V8 has. The method indexes the manager\'s ' +
			'whole-heap byte view too, a field of the manager (`fastUint8Array`; two dependent loads through `fast` before ' +
			'574c9e3), and checks `Number.isInteger(address) && address >= 0 && address < length` against its live length: ' +
			'about 1 ns on top of a 1.5 ns access. TurboFan\'s code for that test (`--print-opt-code`, Node 20) is a round, a ' +
			'subtract and two float compares, the length load and its conversion to a double, then the element access\'s own ' +
			'conversion of the address to an integer and bounds check. Pristine, the manager\'s field folds to a constant as ' +
			'`fast` did (the same machine code); realistic, the field is one load fewer: 0.97-1.05x (bench/compare-builds.ts ' +
			'574c9e3 and 668ed81 against 810d5cc, Node 20, five processes each way for each). `readInt32`\'s test in one-byte form ' +
			'(`typeof address === \'number\' ? address : -1`, then `>>> 0`) measured 1.1-1.2x pristine and 0.84-0.97x realistic ' +
			'(two processes each way): the dead end of `>>> 0` below. `typeof address === \'number\' && ' +
			'Math.floor(address) === address` in place of `Number.isInteger` (a round and a compare, two instructions ' +
			'fewer) measured within noise (processes of the suite\'s cases without tsx, best of 34 rounds, Node 20: ' +
			'0.42-0.59x against 0.49-0.58x pristine, 0.52-0.59x against 0.50-0.57x realistic), so it was not kept',
	},
	{
		suite: 'numeric|numeric realistic|access',
		baseline: 'raw',
		name: /^(read|write)[A-Za-z0-9]+( \(64 calls\))?$/,
		why:
			'raw is one `DataView` access at the address. The method first loads the typed array of the type, a field of the ' +
			'manager (`fastInt32Array`, ...; through `fast`, two dependent loads, before 574c9e3: once the heap has grown that ' +
			'load is not folded, and the field measured `readInt32` 1.03-1.09x, 64 calls 1.04-1.31x, `writeFloat64` ' +
			'0.99-1.05x realistic, and the same machine code pristine; bench/compare-builds.ts 574c9e3 and 668ed81 against ' +
			'810d5cc, Node 20, five processes each way for each; Node 24 readInt32 0.93-1.28x, in processes that ranged ' +
			'0.3-2x on the loaded machine), checks the address (a number, an aligned index, below the view\'s live ' +
			'length) and indexes the view; a misaligned address then goes through the `DataView` after the three-part ' +
			'bounds check: about 1 ns per call on top of a 1.5-2 ns access. Writes went from the `DataView` to the typed ' +
			'array at aligned addresses, with an integer check (`(address >>> 3) * 8 === address`): 1.24-1.31x pristine ' +
			'and 1.32-1.33x in the realistic regime, where it also saves a detach test (bench/compare-builds.ts b51ecb9 ' +
			'against 9b72156, Node 20, five processes; 1.10-1.21x on Node 24, both regimes; 1.22-3.0x for every width ' +
			'in the access suite, bench/ab.ts). Reads wider than a byte took the same check later (c21e906 against ' +
			'5a10b28, three processes each way): `readInt32` 1.16-1.18x pristine and 0.96-0.99x realistic on Node 20, ' +
			'1.14-1.16x pristine and 1.04-1.13x realistic on Node 24. Shifting back instead of multiplying ' +
			'(`index << 2 === address`) measured 1.35x, but a 32-bit shift wraps: -8 passes as 2^32 - 8 in a heap over ' +
			'2 GiB (test/large-heap.test.ts); with a sign test, or a signed shift, it lost 2-7% realistic. Bytes keep ' +
			'`Number.isInteger`: `address >>> 0 === address` measured 1.18x pristine but 0.91x realistic for `readUint8`, ' +
			'and `typeof`, `address === (address | 0)` and `address >= 0` (what `writeAt` took for Maglev) 0.87-0.88x ' +
			'pristine and 0.90-0.93x realistic on Node 20, 0.92-0.99x on Node 24 (against 690edc4). ' +
			'On Node 24 both loop shapes are set by V8\'s tiers, not by the method (`npm run bench:node24 -- numeric`, ' +
			'V8 13.6, `readInt32` / `writeFloat64`): the 64-call shape runs 6.6 / 7.8 ns with Maglev on and 2.2 / 1.7 ns ' +
			'(0.61x / 0.73x raw) with `--no-maglev`, the long loop 4.0 / 3.9 ns with on-stack replacement and 2.2 / 1.9 ns ' +
			'(0.59x / 0.63x) with `--no-use-osr`: the benchmark\'s outer function is compiled by Maglev with the slice ' +
			'inlined, and Maglev inlines one level deep (`--max-maglev-inline-depth=1`), so the method is a call there; ' +
			'the OSR-compiled long loop is not peeled (see bench/chromium-long-loop.md), so it reloads the manager\'s ' +
			'views each iteration. The raw loops have nothing to inline or hoist. The numeric suite measures the same methods ' +
			'at 0.55-0.63x in a process without the Emscripten glue: loops this short move with the process around them ' +
			'(raw too), so these ratios carry about ±0.1 of such noise',
	},
	{
		suite: 'access',
		baseline: 'raw',
		name: /^(Int32|Float64)Ref\.value (read|write) \(1,024 refs\)$/,
		why:
			'each of the 1,024 refs is another object, so TurboFan folds nothing: per element the loop loads the ref from ' +
			'the array and checks its map, loads its manager and `liveEnd`, the manager\'s byte view and its length (with a ' +
			'check that the length fits 32 bits), compares, then loads the `DataView`, the ref\'s address, the view\'s byte ' +
			'length and data pointer and compares again (the `DataView`\'s own bounds check, which TurboFan does not drop ' +
			'after ours) before the access: about 40 instructions an element against raw\'s 17 (`--print-opt-code`, Node 20, ' +
			'the suite\'s loops and a plain-Node model of them without tsx, which compiles to the same code). Why ' +
			'`Float64Ref` reads take about twice `Int32Ref`\'s (6.0 against 3.1 ns in one run) where raw takes 1.5 against ' +
			'1.1 ns: the read case runs before the write case, so the refs hold the 0 they were allocated with, and for an ' +
			'integral value the `DataView` builtin returns a Smi where raw\'s `Float64Array` load returns a HeapNumber ' +
			'(`%IsSmi`, Node 20 and Node 24); so the library loop\'s `sum +=` gets small-integer feedback and TurboFan ' +
			'converts every read to an int32 with a check (`vcvttsd2si`, `vcvtlsi2sd`, `vucomisd`, two branches, then ' +
			'`addl` / `jo`), where raw adds doubles; the rest is the `Int32Ref` loop\'s code, instruction for instruction, ' +
			'and no deoptimization happens (`--trace-deopt`). With refs holding fractions the loop adds doubles ' +
			'(`vaddsd`) and the conversion is gone: library ÷ raw in the model 0.31-0.33x against 0.27-0.30x for zeros ' +
			'(three processes each at load 3; 0.18-0.40x against 0.12-0.20x at load 10). The benchmark is left as it is: ' +
			'reading zeros, or any integral doubles, is a case programs have, and the cure measured for it (returning ' +
			'`getFloat64(...) + -0`, a HeapNumber in the interpreter) loses in the numeric suite\'s realistic regime (see ' +
			'`Ref value` there). Writes, Node 24 (V8 13.6): an `Int32Ref` write of a number that is not a ' +
			'small integer (this case writes the samples, fractions read from a `Float64Array`; so would 2^31 and more in ' +
			'a `Uint32Ref`) made Maglev\'s code for the ref\'s `write`, which had taken the `setInt32` argument as a Smi, ' +
			'deoptimise with "not a Smi"; V8 then stops speculating at that call, and TurboFan called the ' +
			'`DataViewPrototypeSetInt32` builtin there with a HeapNumber allocated per write (`--trace-deopt`, ' +
			'`--print-opt-code`), for every later caller of `Int32Ref.write`: the one-ref `value += 1` case after it took ' +
			'10.9 ns. The integer value refs of up to 32 bits now pass `value | 0` to the setter, the same stored bits ' +
			'(codegen/snippets.ts `takesInt32Argument`): in the model 18-32 -> 3.3-5.1 ns on Node 24; bench/ab.ts access ' +
			'(the ref cases) 06e3793 against 4a2a650, Node 24, five processes each, two runs: `Int32Ref.value write` 2.04x ' +
			'and 3.36x (0.093-0.13x -> 0.26-0.31x raw), `Int32Ref.value += 1 (one ref)` 6.6x and 15x (0.013-0.020x -> 0.13-0.19x raw). On Node 20 ' +
			'TurboFan\'s code for this write loop (the suite\'s and the model\'s) and for the numeric suite\'s `value += 1` ' +
			'in both regimes and both loop shapes is the same instructions as before (`--print-opt-code`, diffed), as is ' +
			'Node 24\'s for the three other cases; the timings of cases whose code did not change moved 0.7-1.3x either ' +
			'way between processes on the machine at load 9-10, which is the noise of those runs. Chromium 156 never ' +
			'took that deopt, with either build (`--js-flags=--trace-deopt`), and its figures for these cases moved within ' +
			'their noise (bench/browser.ts access, three runs each: `Int32Ref.value write` 0.15-0.37x before, 0.27-0.32x after)',
	},
	{
		suite: 'numeric|numeric realistic|access',
		baseline: 'raw',
		name: /Ref\.value|Ref value|ArrayRef\.|Ref\.read/,
		why:
			'a ref access loads the ref, its manager, the manager\'s byte view (a field of the manager; `readAt` through ' +
			'`manager.fast`) and the ref\'s `liveEnd` (which doubles as the ' +
			'freed flag) and compares before touching memory, then goes through the `DataView` (an array ref\'s `writeAt` ' +
			'loads a view of its own elements and its length instead); raw is one typed-array index at an ' +
			'address it already holds, under 1.5 ns, so those fixed loads are most of the time',
	},
	// ---- strings ------------------------------------------------------------------------
	{
		suite: 'strings realistic',
		baseline: 'emscripten',
		name: /^UTF-8 write 60 B mixed$/,
		why:
			'not the code: the run that made this file measured 0.99x, and the same case run alone three times right ' +
			'after, on the same build (3fae617) in the same regime (`BENCH_FILTER="UTF-8 write 60 B mixed" ' +
			'BENCH_REGIME=realistic npx tsx bench/run.ts strings`, Node 20), measured 1.29x, 1.43x and 1.46x against ' +
			'`stringToUTF8`, and 1.20-1.29x for the exact-room case beside it; pristine it is 1.20x in the same run. ' +
			'Both sides write 60 bytes in 150-250 ns, where a scheduler interruption of a round moves the median a few ' +
			'percent on this shared machine'
	},
	{
		suite: 'strings|strings realistic',
		baseline: '0\\.5\\.1',
		name: /^UTF-8 read .*mixed/,
		why:
			'0.5.1 decodes with `{ stream: true }` too, the faster way on Node 20 for text that is not ASCII, and never ' +
			'flushes (a string ending inside a character loses its U+FFFD); the library adds its terminator scan within ' +
			'the heap\'s bounds, its ASCII probe and the flush when the run ends in a byte above 0x7F. Both do the same ' +
			'decoding: within noise at 1 MiB',
	},
	{
		suite: 'strings|strings realistic',
		baseline: '0\\.5\\.1',
		name: /^UTF-8 write (?!.*exact room)/,
		why:
			'the same work as 0.5.1 (one `encodeInto` into the heap, a room of 3 bytes per code unit), with the address, ' +
			'room and value checks on top, where 0.5.1 creates a `TextEncoder` per call ' +
			'instead: the two are within a few percent, the size of run-to-run noise. The view of the heap that ' +
			'`encodeInto` needs is made by `byteRange` (`new Uint8Array` on a remembered buffer), not `subarray`, which ' +
			'costs about 90 ns on Node 20 (Node\'s `Buffer` sends it down V8\'s slow species path). For a while strings of ' +
			'up to 85 code units went through the scratch buffer whatever the room, to avoid that view; with `byteRange` ' +
			'the direct `encodeInto` is faster again where 3 bytes per code unit fit: 64 B of ASCII 1.06-1.19x and 60 B ' +
			'of mixed text 1.03-1.09x against the scratch detour (bench/compare-builds.ts --suite strings, both orders, ' +
			'three processes each, Node 20), so only a room the string may not fit takes it',
	},
	{
		suite: 'strings|strings realistic',
		name: /^UTF-32 read (5|6|8) B/,
		why:
			'two code points. The read scanned for the terminator (`findZeroUint32`) and then decoded (one `fromCharCode` ' +
			'per code point, as `UTF32ToString` does, inside a try/catch): 17.3 ns against 12.7. Now a string of at most 2 ' +
			'BMP code points is read in one pass first (`decodeShortTerminated` of the utf32 codec, row flag ' +
			'`decodesShortInOnePass`): it loads at most 3 elements, stops at the terminator and makes the string with one ' +
			'`fromCharCode(first, second)`; anything else (a longer string, a code point past the BMP, an element above ' +
			'0x10FFFF, a scan under 3 elements) goes the old way. Node 20, bench/compare-builds.ts --suite strings, a064459 ' +
			'against c755159, 3 processes each order: 1.33x in both regimes (medians) with the new build second, 1.8x / ' +
			'1.33x with it first (c755159 0.56x / 0.75x of it); `npm run bench -- strings` (one build): 11.7 / 13.4 ns ' +
			'against `UTF32ToString`\'s 12.7 / 12.8 (1.08x / 0.96x; a 3-code-point version measured 1.04x / 1.03x). ' +
			'64 B to 1 MiB on Node 20: 0.93-1.11x, noise. Node 24 (V8 13.6): 8 B 1.40x / 1.25x against c755159 with the ' +
			'new build second, 1.7x with it first, but 64 B 0.84-0.89x with the new build second and c755159 1.11-1.14x of it with it first: the 64 B ' +
			'read lost about 10% there in two-build processes, and that is not resolved (`npm run bench:node24 -- ' +
			'strings`, one build: 64 B 94.8 / 108.4 ns against BENCHMARKS.md\'s Node 24 101.2 / 97.5; 8 B 10.1 / 10.8 ns ' +
			'against 14.7 / 15.1, 1.19x `UTF32ToString` in both regimes, where it was 0.86x / 0.84x). It is not the call: the 3-code-point version (173 bytes ' +
			'of bytecode) was left a call in that loop once TurboFan\'s inlining budget was spent (--trace-turbo-inlining), ' +
			'this one (102 bytes) is inlined, and the loss stayed; nor the address test (the division back: 0.77-0.88x); ' +
			'calling it only when element 1 or 2 is 0: 0.85-0.94x. Without the one pass, a decode of 2 elements with one ' +
			'`fromCharCode(first, second)` after the usual scan keeps 64 B at 0.93-1.03x on Node 24 (8 B 1.02-1.23x), ' +
			'but on Node 20 it is 0.67-0.84x of the one pass at 8 B (about 18 ns against 12), so below `UTF32ToString` ' +
			'again. Building the string while scanning with a `+=` per element, as `UTF32ToString` does, would waste ' +
			'those concatenations on every longer string; the one pass concatenates nothing until it has the terminator'
	},
	{
		suite: 'strings|strings realistic',
		name: /^UTF-32 write/,
		why:
			'with an exact room, a string with surrogate pairs has more code units than the room has elements, so it ' +
			'might not fit, and then nothing may be written: the write saves each element before overwriting it until it ' +
			'has met the pairs it needs to fit (then it writes the rest plainly; past 256 elements the room is saved in ' +
			'one copy) and puts them back if the string runs out of room; on a shared heap it looks for those pairs ' +
			'first. `stringToUTF32` writes in one pass and truncates. Every way reads each code unit with `charCodeAt`, ' +
			'about 2 ns on Node 20, so the saving\'s load and store per element are what is left: 16 code points in 72 ns ' +
			'against 52 (in one process: writing without saving, which may not fit, 59 ns; looking for the pairs first, ' +
			'70-75 ns; copying the room first in a loop, 83 ns). A string of a few elements pays the fixed checks instead: ' +
			'with every check stripped (unsafe, a measurement only) 2 code points took 4.9 ns against 7.3-7.6 (Node 20, ' +
			'a loop of 20,000 writes, `stringToUTF32` 6.0 ns). Tried since: reading each code point with `codePointAt` ' +
			'(which pairs surrogates itself and returns a lone one as it is) instead of `charCodeAt` and a pair test: ' +
			'0.90-0.94x at 2 code points, 0.90-0.93x at 1,110, so kept `charCodeAt`. The fast path\'s address test ' +
			'became `address >>> 2` times 4 giving `address` back (for UTF-16 `>>> 1`, times 2) instead of a division ' +
			'and `Number.isInteger`, and its room test `Number.isInteger` instead of `Number.isSafeInteger` (the room ' +
			'bounds it): 6.5 ns against 7.0-7.6 in that loop, but a build whose code for this method was the same ' +
			'character for character measured 7.0 ns there as well (code layout), and within noise in ' +
			'bench/compare-builds.ts --suite strings ' +
			'(30a9e8a against c755159, 3 processes each order: this case is bimodal there, 0.75x or 1.32x from one ' +
			'process to the next in either build, and the second build loaded usually gets the slow mode; UTF-16 ' +
			'write 6 B 0.96-1.02x, ASCII write 5 B 0.97-0.99x, either order). It now shares the manager\'s form ' +
			'(codegen/snippets.ts `alignedIndexTest`: the shift of the address as a number, -1 for anything else, ' +
			'compared with that number), against the form comparing with the raw address (44efc1e against 352b4c7, ' +
			'three processes each order, UTF-16 and UTF-32 reads and writes of 6-64 B): 0.84-1.11x with the new form ' +
			'loaded second and 0.90-1.11x loaded first; the bimodal UTF-32 8 B write 0.78-0.94x second and ' +
			'1.39-1.43x first: level within the order effect. The loops that write into a room the string may not fit ' +
			'now count elements against the room (one bound per element, the string\'s end tested once after each store) ' +
			'instead of testing the room\'s end and the string\'s end per code unit: in a plain Node 20 model, 16 code ' +
			'points with one pair into an exact room 106 -> 87 ns (without saving 78, `stringToUTF32` 82, on a loaded ' +
			'machine), but in bench/compare-builds.ts --suite strings against 810d5cc (3 processes each order, 7 runs in ' +
			'all, Node 20 and 24) the 64 B write is level: 0.92-1.15x with the new build loaded second, 0.90-1.07x loaded ' +
			'first. Past 256 elements (the room copied first) 4 KiB 1.05-1.13x loaded second, 1.01-1.7x loaded first. ' +
			'Tried in the same model, each against 53 ns for the saving loop then (`stringToUTF32` 46, no check at all ' +
			'41): encoding into a scratch array of code points and copying it in when it fits, 63.5 ns; the code units ' +
			'into a `Uint16Array` with a count of pairs, then encoding from there, 72 ns; looking for the pairs first ' +
			'with `charCodeAt` and then writing, 74 ns. Copying a scratch array in with `set` needs a view of its first ' +
			'n elements, and a new `subarray` costs about 90 ns on Node 20 (see the UTF-8 exact-room entry), more than ' +
			'the saving it would spare at 16 elements'
	},
	{
		suite: 'strings|strings realistic',
		baseline: 'raw',
		name: /^ASCII write/,
		why:
			'a character above U+007F must throw before anything is written, so from 40 characters the write encodes ' +
			'into a scratch buffer first (checking that every character took one byte) and then copies it in: ' +
			'`encodeInto` plus a copy, where raw is `encodeInto` alone (no check). No engine API tells whether a string ' +
			'is ASCII without a pass over it, and `encodeInto` (17 GB/s) is the fastest pass there is: regexes cost about ' +
			'0.55 ns per character, 10x `encodeInto`. So the floor is raw plus a copy: at 1 MiB, 82 against 65 µs in a ' +
			'plain Node 20 process (the copy alone 23 µs; saving the room and encoding in place, 88 µs), and more here, ' +
			'where the other cases\' loops leave the caches colder',
	},
	{
		suite: 'strings|strings realistic',
		baseline: 'emscripten',
		name: /^(ASCII|UTF-8) write (5|6|8) B/,
		why:
			'a short write checks every character first (ASCII validity, or whether it fits an exact room) and then ' +
			'stores them: it reads each code unit once into a small array, ORs them together, then stores from the array ' +
			'(a second `charCodeAt` pass cost 3 ns more at 5 characters), plus the address and room checks; ' +
			'`stringToUTF8` stores as it goes and truncates when the room runs out. At 5 bytes the fixed checks are the ' +
			'whole difference (a few ns)',
	},
	{
		suite: 'strings|strings realistic',
		baseline: 'emscripten',
		name: /^UTF-8 write .*exact room/,
		why:
			'with an exact room the string might not fit, so from 24 code units the write encodes it with `encodeInto` ' +
			'(about 85 ns fixed cost) into a scratch buffer, and copies the bytes in with `set` if they fit; ' +
			'`stringToUTF8` is one plain loop that truncates instead. Measuring first with a loop would read every code ' +
			'unit twice (`charCodeAt` is about 2 ns a unit on Node 20). The copy\'s source was a new `subarray` of the ' +
			'scratch buffer each time, about 90 ns on Node 20 (Node\'s `Buffer` changes `constructor` on a `Uint8Array` ' +
			'prototype, which sends `subarray` down V8\'s slow species path), more than the encoding; views of up to ' +
			'256 bytes are now made once per length and kept (dropped when the scratch buffer is replaced): 60 bytes of ' +
			'mixed text into an exact room 235 -> 183 ns in a plain Node 20 process (`stringToUTF8` 290 ns there, the ' +
			'machine loaded). bench/compare-builds.ts --suite strings against 810d5cc (3 processes each order, ' +
			'pristine / realistic): 60 B mixed into an exact room 1.40x / 1.29x with the new build loaded second and ' +
			'1.49x / 1.89x loaded first on Node 20, 1.34x / 1.25x and 1.30x / 1.67x on Node 24; 64 B of ASCII into an ' +
			'exact room 1.41-1.64x, and the ASCII write of 64 B (whose copy goes the same way) 1.32-1.56x, in every ' +
			'order, regime and Node'
	},
	{
		suite: 'strings|strings realistic',
		baseline: 'emscripten',
		name: / (5|6|8) B/,
		why:
			'at 5-8 bytes the fixed cost per call is the whole time: the fast path loads the whole-heap view, checks the ' +
			'address and room, scans for the terminator or the string\'s characters and calls the codec; Emscripten\'s ' +
			'helper checks nothing. The two are within a few percent, close to the noise',
	},
	{
		suite: 'strings|strings realistic',
		baseline: '(raw|0\\.5\\.1)',
		name: /^UTF-8 write .*exact room/,
		why:
			'the write has to know the string fits before it writes anything. With a room under 3 bytes per code unit it ' +
			'encodes into a scratch buffer of 3 bytes per code unit (where V8 does not check the room as it goes) and ' +
			'copies the bytes in if they fit; a room over 64 KiB with under 1.25 bytes per unit (mostly ASCII) is saved ' +
			'and encoded in place instead. Either way one copy of the room on top of raw `encodeInto`, which truncates ' +
			'silently (0.5.1 too: it encodes into the room and throws after writing). No engine API gives a string\'s ' +
			'UTF-8 length (or whether it is ASCII) without a pass over it, and `encodeInto` is the fastest pass, so the ' +
			'floor is raw plus a copy: at 1 MiB of ASCII the copy alone is 23 µs against raw\'s 65 µs in a plain Node 20 ' +
			'process (0.74-0.79x at best), more in this one. At 60 bytes the copy is a `set` from a view of the scratch ' +
			'buffer kept for that length (a new `subarray` each time cost about 90 ns on Node 20)'
	},
	{
		suite: 'strings|strings realistic',
		name: /^UTF-16 write (8 chars|64 B)$/,
		why:
			'below 40 code units (where the host\'s `ucs2Write` takes over, src/codecs/utf16.ts) the write is the ' +
			'`charCodeAt` loop raw and Emscripten\'s `stringToUTF16` run, after the address, room and value checks: a few ' +
			'ns, the whole difference at 8 units, within noise at 32 (64 B)',
	},
	{
		suite: 'strings|strings realistic',
		baseline: 'raw',
		name: /^UTF-8 write/,
		why:
			'with the room up to the heap\'s end the write is the same `encodeInto` into the heap as raw, after a constant ' +
			'check that 3 bytes per code unit fit; the gap is that fixed cost and run-to-run noise',
	},
	{
		suite: 'strings|strings realistic',
		name: / read /,
		why:
			'the read scans for the terminator within the heap\'s bounds and then decodes. Where the host has no copy of ' +
			'its own (src/codecs/hostCopies.ts: browsers for ASCII, browsers and Deno for UTF-16), ASCII reads check that ' +
			'`TextDecoder` kept one character per byte (bytes above 0x7F read as Latin-1), UTF-16 reads that no U+FFFD ' +
			'appeared (lone surrogates must round-trip): an extra pass over the result that raw does not make; on Node ' +
			'and Bun both are one `latin1Slice` or `ucs2Slice`, and UTF-8 reads are `TextDecoder` as raw\'s (on Node up to 22 a run of ' +
			'ASCII from 2 KiB is `isAscii` of `node:buffer` and a `latin1Slice`: 1 MiB in 0.36-0.38 ms against raw\'s 3.1-3.4 ms, ' +
			'Node 20 builds long ASCII strings slowly in `TextDecoder`); UTF-32 reads convert to code units in a scratch array ' +
			'and, on Node and Bun, make the string with `ucs2Slice` from 16 elements (raw: `TextDecoder(\'utf-16le\')`; each ' +
			'string used once, 1 MiB 2.27 against 2.48 ms, 4 KiB 2.25 against 3.23 µs). The view ' +
			'handed to `TextDecoder` is made with `new Uint8Array(buffer, offset, length)` on the buffer remembered for ' +
			'the last whole-heap view (textCoders.ts `byteRange`), not `subarray`, whose species lookup Node\'s `Buffer` ' +
			'sends down V8\'s slow path (a 60-byte range about 30 against 55 ns in a plain Node 20 loop): 64 B ASCII ' +
			'reads 1.06-1.17x on Node 20 and 1.10-1.17x on Node 24 in bench/compare-builds.ts --suite strings against ' +
			'05ede45 (the other reads level)',
	},
	// ---- allocation -------------------------------------------------------------------
	{
		suite: 'allocation|allocation realistic',
		baseline: 'raw',
		name: /^allocInt32/,
		why:
			'the bare `_malloc` + `_free` pair is about 10 ns. The manager adds a 104-byte ref object (and the boxed double ' +
			'of its `liveEnd`), the checks on the returned address (a number, positive, aligned, inside the heap: one ' +
			'combined test), the 4-byte zeroing store, and the allocation table\'s insert and delete. The path was about ' +
			'1,250 bytes of bytecode, where V8 (Node 20, V8 11.3) inlines at most 920 per compiled function, and the ' +
			'ref\'s constructor, the deepest call and so the last candidate, was left a generic construct call: 39-56 ns. ' +
			'It is now about 870 bytes (`HeapRef` one base constructor; `alloc<T>()` one `HeapCore.allocValue`, its ' +
			'value path a private method; the table\'s insert returns its slot, which the ref keeps, so that free() ' +
			'removes the entry without hashing; growing, replacing and moving entries out of line): ' +
			'`--trace-turbo-inlining` shows the whole loop inlined with one manager; with three, the deallocator call in ' +
			'`free()` is a call (below). Where the time goes (`perf` with `--perf-prof`, one manager, Node 20): the loop\'s ' +
			'own code about half, `_malloc` and `_free` a fifth, the write barrier of the table\'s insert ' +
			'(`RecordWriteSaveFP`: the ref is young, the table\'s values array old, so every insert records the slot) ' +
			'11%, scavenges 4%. Two things made the loop slower than its work. (1) A boolean field tested by its ' +
			'truthiness (`numbersKnown`, `plainFrees`, `clearAllocatedRegions`, `scopesOrDebug`, the ref\'s `tracked`) is, ' +
			'wherever TurboFan cannot fold the manager into a constant, compared with false and \'\', then its map ' +
			'loaded and tested (undetectable, number, bigint): about a dozen instructions for a flag that is set; ' +
			'`=== true` is one comparison. (2) The table\'s hash of both 32-bit halves of the address put an ' +
			'int-to-double conversion, a division and a checked truncation on every insert; it hashes the low 32 bits ' +
			'now (addresses 2^32 apart share a home slot and probe on). With those, `tracked` and `released` read from ' +
			'`tableSlot` and `ownDeallocator` instead of fields of their own (two stores and 16 bytes less per ref), and ' +
			'the zeroing store and the heap-end test through the manager\'s own view fields (`fastInt32Array`: one load ' +
			'less once the heap has grown): the same loop, minimum of 300 interleaved batches, both load orders, Node 20, ' +
			'one manager 27.1 -> 24.7-25.2 ns pristine and 29.2 -> 26.5 realistic, three managers 30.4-30.8 -> 28.9 and ' +
			'33.5-36.1 -> 31.0, a manager V8 does not fold 34-37 -> 31 ns (raw 9.1-9.4 ns). `bench/ab.ts allocation` ' +
			'against 7fb5a50 (4 processes, Node 20): 0.30x -> 0.36x pristine, 0.27x -> 0.30x realistic; ' +
			'`BENCH_MANAGERS=3` (6 processes) 0.25x -> 0.30x and 0.25x -> 0.26x; Node 24 0.28x -> 0.30x and 0.26x -> ' +
			'0.28x, three managers 0.22x -> 0.24x both; `compare-allocation.ts` (7 processes each order) 1.11x and 1.00x ' +
			'pristine, 1.29x and 1.07x realistic. What is left short: (a) A process runs either TurboFan\'s regular code ' +
			'for the loop or only the code it compiled by on-stack replacement, which V8 does not specialise to the ' +
			'loop function\'s context: it reloads the manager, checks its map and reloads core, table, views every ' +
			'iteration (`--print-opt-code`: 2,812 against 2,092 bytes of code; `--trace-opt`: no regular compile of ' +
			'the loop in those processes): 33-38 against 25-27 ns, at random from process to process, for every build, ' +
			'so a suite\'s ratio moves with which code its process ran. (b) With three managers over three modules the ' +
			'call site of the deallocator in `HeapCore.freeRef` has seen three targets (megamorphic), and TurboFan ' +
			'cannot see which manager frees a ref until after it has chosen what to inline: the call goes through ' +
			'`Builtins_Call` to the caller closure, about 15% of the loop (`perf`). A dispatch on a per-manager slot ' +
			'to constant call sites (`if (slot === 0) caller0(...)`) made `freeRef` 206 bytes of bytecode instead of ' +
			'128, past the inlining budget: 1.4-1.8x slower; calling the deallocator directly instead of through its ' +
			'caller measured the same as the caller (26.5 against 26.9 ns, one manager; 30.5-31.2 both, three). ' +
			'(c) The write barrier: any store of the young ref into the table takes it. (Earlier: a hash by double ' +
			'multiplication instead of `Math.imul`, 9 bytes of bytecode less, made `free(address)` of a temporary 20% ' +
			'slower in the tracking suite; skipping the division for an address below 2^31 measured 1.00-1.09x ' +
			'pristine and 0.95-1.02x realistic; the ref\'s rare fields on the prototype instead of the instance, 1.03-' +
			'1.09x with one manager but 1.2-1.3x slower with three in the realistic regime, where `free()` reads them from ' +
			'refs of several classes.) Tracking off: 22-23 ns (0.44-0.47x) with one manager in the process (Node 24: ' +
			'17-20 ns), 29-30 ns (0.33x) in the tracking suite, whose loop seven managers share (so V8 folds none of ' +
			'them into constants): 31-42 ns against 12-15 ns raw (0.35-0.39x) on a loaded machine, and in the same ' +
			'processes the same loop without the manager (`_malloc`, a 12-field object like the ref then was, the zeroing ' +
			'store, `_free`) 18.5-27 ns: the 0.45x goal (27-33 ns there) leaves 6-14 ns for the path\'s checks and ' +
			'indirections, which took 13-17 ns (measured before the flags\' `=== true`), each one a check the issue keeps. ' +
			'How near the budget the loop is: a one-comparison check in `free()` (a wrapped region of 4 GiB or more, ' +
			'with its refusal out of line: `free()` 47 -> 68 bytes of bytecode, 56fa25d) made the loop 0.82x and 0.73x ' +
			'(bench/compare-allocation.ts, 7 processes, both load orders); the check moved to wrap time (6aa0711), ' +
			'which marks such a ref so that its `free()` takes the slow path: 1.00x and 1.12x of 30107d1.',
	},
	{
		suite: 'ownership',
		baseline: 'try/finally',
		name: /^withScope/,
		why:
			'the scope is one object per call, which holds the first four refs in fields (an array only from the fifth), ' +
			'the closure `withScope` is given and the context holding `i` (both allocated on every iteration), one call ' +
			'per temporary that adopts it, and at close one `free()` call site for every temporary, which TurboFan ' +
			'inlines for `Int32Ref`, `Float64ArrayRef` and the string ref alike. The difference was 90-170 ns per scope ' +
			'(the goal allows 100); what made it so, found with `perf` and `--print-opt-code` (Node 20): the scope\'s ' +
			'array (an allocation, and a backing store on its first `push`: `GrowFastSmiOrObjectElements`), the async ' +
			'check `Object.getPrototypeOf(fn)`, which V8 calls in its runtime (`Runtime_JSReceiverGetPrototypeOf`; ' +
			'`fn instanceof AsyncFunction` is inlined), `closeScope` and `withScope` too big to inline with their throw ' +
			'sites, and, at the polymorphic `free()` in close, the array ref\'s `invalidate`, two levels of `super` ' +
			'calls, compiled as two generic `StoreIC` calls per array ref. Each is gone (fields, `instanceof`, throws ' +
			'out of line, `ArrayHeapRef.invalidate` without its `super` call), and the open scopes are a linked list ' +
			'(no push and pop per scope). Both builds in one process, this case\'s loops interleaved, 8 processes ' +
			'alternating which loads first: Node 20 0.79x -> 0.87x (`withScope` 1.03-1.25x faster in every process, ' +
			'try/finally unchanged; the difference 144 -> 76 ns), Node 24 0.75x -> 0.85x (1.02-1.16x; 111 -> 61 ns). ' +
			'`bench/ab.ts ownership`, `BENCH_ROUNDS=301 BENCH_BATCH_NS=100000`, 12 processes per build: Node 20 0.80x -> ' +
			'0.86x, Node 24 0.73x -> 0.83x (the other two cases of the suite 0.99-1.06x). With three `Int32Ref`s (one ' +
			'class) the difference is 100 -> 62 ns: what is left is the closure, the scope object and the adopt calls, ' +
			'not the polymorphism. Inside a scope `scopesOrDebug` is set, and its test before `adopt` is now `=== true`, one ' +
			'comparison instead of the dozen instructions of a truthiness test (see allocInt32() + free(), which both ' +
			'sides share and which got faster too: the ratio is try/finally ÷ scope, so the same difference reads lower ' +
			'when both get faster): `bench/ab.ts ownership` against 7fb5a50, 10 processes, Node 20 0.86x -> 0.90x ' +
			'pristine and 0.88x -> 0.88x realistic, Node 24 0.74x -> 0.71x and 0.74x -> 0.76x (3-4 processes: Node 20 ' +
			'0.77-0.85x -> 0.90-0.91x pristine, 0.85x -> 0.89x realistic; Node 24 0.65-0.83x -> 0.76-0.81x and ' +
			'0.79-0.85x -> 0.80-0.82x). A suite run on this machine moves this ratio by ±0.08 from process to process',
	},
	// ---- tracking ---------------------------------------------------------------------
	{
		suite: 'tracking',
		name: /^free\(address\) of a temporary/,
		why:
			'the cost of the allocation itself (see allocInt32() + free()): the table lookup is constant — the table ' +
			'is open-addressed with backward-shift deletion, so a freed entry leaves no tombstone and the address a ' +
			'`malloc` hands out again and again costs the same each time (a `Map` kept deleted entries in its chains: ' +
			'51 µs per temporary with 10,000 live refs, before tombstones and then this table)',
	},
	{
		suite: 'tracking',
		name: /^free\(address\) \+ alloc of live refs/,
		why:
			'here each address is freed and re-added only once per pass over all the live refs: `free(address)` is a ' +
			'constant number of table operations. What grows with the count is the garbage collector\'s work and the ' +
			'cache misses. Each operation makes a ref (an object of ten fields and the box of its `liveEnd`, a double ' +
			'once any ref was freed), and here every ref lives until 100,000 later operations replace it: longer than ' +
			'V8\'s young generation holds it, so each scavenge copies most of what it finds and promotes it, where ' +
			'with 100 or 10,000 live refs the refs die young. bench/tracking-gc.mjs (this loop in plain Node 20 over the ' +
			'built-in allocator, with the collector\'s time from `PerformanceObserver` `gc` entries; two processes, three ' +
			'rounds of 204,800 operations each): 100 live 97-154 ns an operation, 3-22 ns of it collecting; 10,000 live ' +
			'81-104 ns, 5-18 ns; 100,000 live 490-1,130 ns, 225-580 ns collecting (`--trace-gc`: scavenges of 15-42 ms). ' +
			'With `--max-semi-space-size=1` the 10,000-ref case, whose refs then outlive the young generation too, took ' +
			'570-670 ns (430-465 collecting); with `--max-semi-space-size=64` the 100,000-ref case took 340-500 ns (0-60 ' +
			'collecting). The rest, about 350-500 ns against 80-150, is not the collector\'s: the table slot, the ref and ' +
			'its box and the allocator\'s block each lie somewhere in tens of megabytes (misses, not counted one by one); ' +
			'the bare allocator, which makes no object, ' +
			'slows down over the same range too (compare its times on the line)',
	},
	// ---- the built-in allocator ------------------------------------------------------
	{
		suite: 'heapAllocator|heapAllocator realistic',
		baseline: 'emscripten',
		name: /^alloc \+ free pairs/,
		why:
			'a pair is served from the top chunk by both allocators: dlmalloc keeps the top\'s address in its state and ' +
			'carves it in a few wasm instructions, the built-in allocator finds it through the end marker and its ' +
			'footer, through a `Uint32Array` whose every access carries a bounds check (and a detach check once any buffer ' +
			'in the process has been detached). Since 96808b4 `alloc` with nothing listed and no designated victim tests ' +
			'two header words and carves the top from the end marker and footer it read (it used to read the second-level ' +
			'map, the victim and the first-level map, then the top\'s own header again), and `free` tests the top merge and ' +
			'the quick list from one read of the next header; the top\'s address is not kept in JavaScript, since another ' +
			'allocator over the same memory (a thread, or a second `createHeapAllocator` in this one) may move it. With ' +
			'bench/compare-builds.ts --suite heapAllocator against dbfed74 (0.5 ms batches, 75 rounds; 5-7 processes per ' +
			'build order), Node 20: pairs 1.17x and 1.16x pristine, 1.18x and 1.12x realistic; churn 1.34x and 1.06x, ' +
			'1.33x and 1.04x; shared-memory churn 1.01x and 0.99x, 1.03x and 0.98x; Node 24: pairs 1.09x and 1.15x, 1.08x ' +
			'and 1.03x; churn 1.23x and 1.25x, 1.20x and 1.15x; shared 1.01x and 1.02x, 1.16x and 0.96x. The rest of the ' +
			'gap is calls: V8 inlines by bytecode size (`--trace-turbo-inlining`), and `allocSmall` (too large to inline) and ' +
			'`freeBlock` stay calls from the loop. Tried and left: the top carve in a short `allocSmall` of its own, so that ' +
			'the loop inlines `alloc` down to it (pairs 1.30-1.35x of dbfed74 in both orders), costs the shared-memory churn, ' +
			'whose loop in this suite is the non-shared churn\'s and so shares its inlining budget, 2-4% in both orders with ' +
			'the locked paths in functions of their own and 8-11% with the lock inline; the carve in `allocSized` slowed ' +
			'both churn rows; one `alloc`/`free` closure pair for a shared buffer and another for the rest made the shared ' +
			'row 1.15x but the churn row 0.8-0.9x (one loop then calls two functions). The shared row pays two `Atomics` ' +
			'builtin calls an operation (`--print-opt-code`: `AtomicsCompareExchange`, `AtomicsExchange`, not inlined), so that a ' +
			'churn step on a shared memory takes ~57 ns against ~24 ns on a plain one (minimum of 800 rounds, one build\'s loop). In this suite\'s own loop, whose call sites see every ' +
			'allocator, both pay ~20 ns more and the ratio to dlmalloc moves between 0.8x and 1.5x with the machine\'s load ' +
			'(the minimum over many rounds, bench/heapAllocatorMinimum.ts, put pairs at 0.81-0.96x and churn at 1.6-2.0x on ' +
			'a loaded machine at 33fb6d4)',
	},
	// ---- structs -------------------------------------------------------------------------
	{
		suite: 'structs',
		baseline: 'six reads',
		name: /^readStruct/,
		why:
			'the object: since c21e906 each of the six `heap.read<T>` calls reads an aligned address through the typed ' +
			'array after an integer test, and V8 allocates their object literal with its final shape, its fields holding ' +
			'a placeholder first and so tagged, the whole-number doubles of this case (`a: i`, `b: -i`) stored as small ' +
			'integers. `readStruct`\'s object took its shape field by field (a shape change stored with each field) and ' +
			'`b`, whose first value was -0, became a double field, a heap number allocated for every value ' +
			'(`--print-opt-code`, Node 20: the loop allocated 104 bytes a struct against the literal\'s 88). The record ' +
			'constructor now gives the first six fields `undefined` before the builder stores them: each value is ' +
			'allocated with its final shape and its fields are tagged, as the literal\'s are (the loop\'s code is the ' +
			'literal\'s allocation, 88 bytes, and no shape stores). bench/compare-builds.ts --suite structs against ' +
			'7fb5a50, 3 processes in each build order: Node 20 1.07x and 1.09x pristine, 1.04x and 0.98x realistic (5 ' +
			'processes: 1.03x and 1.05x, 1.00x and 1.04x); Node 24 1.07x and 1.08x, 1.06x and 1.02x; against six reads ' +
			'0.94-0.96x pristine there (the tool favours the first-loaded build; before 0.89x), 1.14-1.16x realistic; ' +
			'in `bench/run.ts structs` 0.94x, 1.01x and 1.02x pristine on Node 20, 0.96x, 1.10x and 0.98x on Node 24 ' +
			'(BENCHMARKS.md\'s 0.86x and 0.85x were before). The two loops are now the same work: one allocation, six ' +
			'loads, the same small-integer tests and write barriers; the literal tests each field\'s alignment and ' +
			'bounds, `readStruct` the remembered type, ABI and codec (about 30 instructions) and the struct\'s bounds once. ' +
			'Models of the object alone (plain `DataView` reads, Node 20, 80 rounds interleaved in one process, best ' +
			'round, 2-3 processes): the former constructor and stores 12.2-13.4 ns, the literal 11.6-12.3, a constructor ' +
			'taking the six values as arguments 11.8-12.2, the constructor giving `undefined` 10.8-12.0, a copy of a ' +
			'template by `{ ...template }` 25 and by `Object.assign` 82-84 ns; Node 24: 11.5-12.2, 10.5-11.7 and ' +
			'9.9-11.2 for the former, the literal and the constructor giving `undefined`. With fractional doubles in `a` and `b` (each tagged value then a heap number of its own, where a ' +
			'double field\'s box is allocated with the object) the constructor giving `undefined` measured 13.1-17.1 ns ' +
			'against 12.9-16.0, within this machine\'s noise. Since 009312f the codec of the last type is remembered in ' +
			'one object whose fields change, the type checked only on a miss (the module `let` it replaced was tested ' +
			'for its temporal dead zone at each of four reads: the loop\'s code went from 1,756 to 1,196 bytes). Tried ' +
			'and left: reading aligned fields through the whole-heap typed arrays, with the alignment of the struct\'s ' +
			'address and its end below 2^32 tested once per struct: TurboFan folds the whole-heap `DataView` to a ' +
			'constant as it does the typed arrays, one bounds test per field either way, and the typed arrays are five ' +
			'views for this struct where the `DataView` is one: against the `DataView` readers, 0.95x and 1.04x ' +
			'pristine, 0.96x and 0.92x realistic on Node 20, 0.99x and 0.95x pristine, 0.83x and 0.87x realistic on ' +
			'Node 24. Fields made tagged by a first object given `undefined` then `0` (the shape still changing with ' +
			'each store): 0.9x of without',
	},
	{
		suite: 'structs|structs realistic',
		baseline: 'six reads',
		name: /^readStruct/,
		why:
			'not the code: the loop\'s TurboFan code is the same in processes that report 17 ns and 45-53 ns ' +
			'(`--print-opt-code`, Node 20, diffed instruction by instruction, before 009312f: 2,124 bytes with `readStruct`, ' +
			'`lastCodec`, `checkType`, the codec\'s `readIn`, the 6-field builder, `Value` and the six readers ' +
			'inlined and no call in the loop; `--trace-deopt` shows no deopt of it; since 009312f a hit calls neither ' +
			'`lastCodec` nor `checkType`, see the entry above). Of 16 realistic processes, 12 ' +
			'measured 17.4-20.3 ns (1.32-1.45x) and 4 measured 45-53 ns. It is when that code arrives: the loop ' +
			'gets hot only at the end of the 15 warm-up rounds (one call each), V8 compiles it on its concurrent ' +
			'thread, and until that job completes the loop runs its baseline code, 44-50 ns a struct. With ' +
			'`--trace-opt` and the round numbers printed: in fast processes the job completed in round 0 or 1 ' +
			'(2.7-18.8 ms of compiling); in a 47.2 ns process it took 31 ms of compiling and completed in round ' +
			'18 of 25, on this machine\'s 2 vCPUs busy with other processes, while six reads\' job had completed ' +
			'in round 0: 18 of the library\'s 25 rounds at 44-96 ns, its median with them. The report\'s 47.0 ' +
			'against 24.3 ns is that case. The harness now runs the batches as timed, untimed, for 150 ms first ' +
			'(`BENCH_SETTLE_NS`): 16.3-16.9 ns, 1.45-1.53x, in 8 of 8 realistic processes, against 17.5-51.9 ns, ' +
			'1.01-1.42x, in the 8 alternated with them without it',
	},
	{
		suite: 'structs|structs realistic',
		baseline: 'raw',
		name: /^the same ten fields in two functions/,
		why:
			'the ten-field step below, split so that each function\'s `at` (twice) and accessors fit V8\'s 920-byte ' +
			'inlining budget: 2.0-2.7x faster than in one function in five processes of six, 1.1x in the sixth (Node 20). What is left is the ' +
			'local-cursor case\'s (see that case): loads a constant cursor would not need, the loop over the ' +
			'elements run twice, and in the realistic regime the detach tests of every access. And a write: ' +
			'at a `DataView` store TurboFan (Node 20, `--print-opt-code` of `moveYAndSum`, realistic) forgets the maps ' +
			'and fields it had loaded, so after `body.y = ...` the reads of `id` and `flags` check the cursor\'s and the ' +
			'manager\'s maps again and reload the manager\'s views and the root\'s `liveEnd`. Setters that store an ' +
			'aligned field through the row\'s whole-heap typed array (after which TurboFan keeps what it knows) measured ' +
			'slower in every loop but readStruct: 0.63-1.01x pristine and 0.76-1.00x realistic, this case 0.99x and ' +
			'0.92x (bench/compare-builds.ts --suite structs against 9ee87cc, 3 processes, Node 20): the setter grew by ' +
			'its alignment test and its second store. Not kept. ' +
			detachedBufferChecks,
	},
	{
		suite: 'structs|structs realistic',
		baseline: 'raw',
		name: /^at\(i, cursor\), ten fields touched/,
		why:
			'V8\'s inlining budget. TurboFan (Node 20) inlines at most 920 bytes of bytecode into one compiled ' +
			'function, and this loop asks for `at` twice (156 bytes each, a generated class\'s 171: the cursor is made with `at(0)`; 225 before ' +
			'c1af8e3, ee67884 and 10c6ab4), eight getters (78 bytes each since e499259, 104 before) and two setters (87 since ' +
			'afaa7e4, 102 before): `--trace-turbo-inlining` at e499259 showed one ' +
			'getter left a call on every element (`perf`: about a fifth of the time in that getter, `*get`), and the ' +
			'call spills what the loop holds in registers around it. Measured: 17.8-76 ns an element against raw\'s ' +
			'6.2-12.5 ns, 0.15-0.43x, from process to process (which accessor is left out, and whether the loop ran ' +
			'its OSR code, varies). Splitting `at` into a 27-byte dispatcher (inlined outside the budget, as V8 does ' +
			'with functions of 27 bytes or fewer) and its two paths left every accessor but one inlined too, and made ' +
			'this case 1.08-1.19x faster but the three-field local-cursor case 2-3.4x slower in most processes ' +
			'(bench/compare-builds.ts --suite structs, both orders, 3 processes each): not kept. What would fit is ' +
			'accessors of about half their size; their checks (root live, heap not replaced, bounds) are the ones ' +
			'the refs keep. Chains of functions of at most 27 bytes each (what V8 inlines at once, outside the budget) ' +
			'do not get there: V8 takes a function as small only if its bytecode plus what its own optimized code ' +
			'already inlined is at most 27 bytes (js-inlining-heuristic.cc; `--trace-turbo-inlining` prints it as ' +
			'"existing opt code\'s inlined bytecode size", Node 20 and 24 alike), and the accessors and `at` are ' +
			'optimized on their own long before the loop is ("reason: small function"), so the loop\'s compile took ' +
			'a 21-byte getter for 21 + 139 bytes, a 23-byte setter for 23 + 226 and a chained `at` for 23 + 259, ' +
			'against the same budget, and left more of them calls. bench/inline-budget-model.mjs (the current ' +
			'accessors and `at`, the same as chains, each of its functions 11-27 bytes, the same checks and ' +
			'errors; 5 processes a shape and regime): the ten-field step 108-322 ns an element chained against ' +
			'16-45 ns now, Node 20 pristine (0.04-0.07x raw against 0.24-0.45x), 114-228 against 42-47 realistic ' +
			'(0.06-0.07x against 0.18-0.25x); Node 24 101-182 against 26-46 pristine, 157-410 against 59-84 ' +
			'realistic; and every three-field loop slower too (the local-cursor loop 18-71 ns against 3.5-8.3, ' +
			'Node 20 pristine; `at(i)` 22-37 against 1.9-3.6, Node 24 pristine). Not kept. The budget is the whole ' +
			'pristine gap: with `--max-inlined-bytecode-size-cumulative=4600` the model\'s current ten-field step ' +
			'is 0.54-0.71x raw on Node 20 and 0.69-0.73x on Node 24 (0.28-0.31x and 0.18-0.20x realistic)',
	},
	{
		suite: 'structs|structs realistic',
		baseline: 'raw',
		name: /the cursor a local$/,
		why:
			'the array and the cursor are no constants to TurboFan here, so the loop loads what the closure\'s loop has ' +
			'folded: per element it checks the cursor\'s map, loads its manager, the manager\'s views and the root\'s ' +
			'`liveEnd` (a boxed double), and per access tests the `DataView`\'s buffer and bounds (`--print-opt-code`, ' +
			'Node 20: about 60 instructions an element, every call inlined). Two things made it far slower, both fixed: ' +
			'(1) `at` asked `Object.getPrototypeOf(cursor)` before anything had checked the cursor\'s map, so TurboFan ' +
			'could not fold it and called `Runtime_JSReceiverGetPrototypeOf` on every move (`perf`): 31-36 ns an element; ' +
			'`at` now reads the cursor\'s `root` first. (2) `at` was 225 bytes of bytecode, and a loop that makes its ' +
			'cursor with `at(0)` inlines it twice, so the inlining budget (920 bytes, Node 20) ran out before the last ' +
			'getter, a call on every element: 13-24 ns; its error paths are now one call and its root read once, 156 bytes, and the ' +
			'loop 5.9-7.0 ns, 0.54-0.64x raw (six processes). In the realistic regime that one call has run, so ' +
			'TurboFan compiles it as a call, and as a statement its block merges back into the loop after `at`, which ' +
			'then checks the array\'s map and loads its address and stride again. `throw this.throwAt(...)` (the call ' +
			'never returns) leaves it in a deferred block: bench/compare-builds.ts --suite structs, Node 20, realistic, ' +
			'measured 1.57-1.97x for this loop in 3 processes with the old build loaded first, but 1.00-1.01x in 5 ' +
			'processes of each load order (ranges 0.57-1.65x), and `at(i)` 0.56x with the old build first and 1.00x ' +
			'with it second; Node 24 0.99-1.04x. Not kept: a process\'s state decides more than the call. Realistic, a process of the suite still runs this loop at one of two ' +
			'speeds: BENCHMARKS.md\'s run of 26900d5 drew the slower (7.4 ns, 0.36x), and three more processes of the ' +
			'realistic struct cases right after it measured 4.8, 8.1 and 4.3 ns (0.61x, 0.34x, 0.59x). The same loop with the cursor in a closure, as the cases ' +
			'above, is 0.9x raw: what is left is the loads a constant cursor does not need. The same getPrototypeOf ' +
			'call was the structs-codegen suite\'s 32-42 ns mode, in a process where V8 kept only the code it compiled ' +
			'by on-stack replacement (not specialised to the closure), about one process in six; it is 12-13 ns there now',
	},
	{
		suite: 'structs realistic',
		baseline: 'raw',
		name: /^at\(i(, cursor)?\)/,
		why:
			'per element the loop (`--print-opt-code`, Node 20) compares the index with the live element count, ' +
			'computes the element\'s address (a cursor stores it), and then, for each of the four field accesses, tests the ' +
			'whole-heap `Uint8Array`\'s buffer for detachment, converts its length to a double and compares it with ' +
			'the root\'s `liveEnd` (a double field once any array of the class was freed: `Infinity`), and tests the ' +
			'`DataView`\'s buffer for detachment and the bounds; raw does one detach test and one bounds check per ' +
			'access. Until 8b8cac1 `at` also tested the array\'s `freed` flag for truth five ways (false, \'\', ' +
			'undetectable, heap number, bigint: 13 instructions) on every call; it now reads it only for a ' +
			'fixed-array field\'s root, a freed array\'s live element count being 0 already. The checks left are ' +
			'the ones the refs keep (freed, heap replaced, bounds): 5.3 ns against raw\'s 3.4 (0.63-0.65x ' +
			'in four of five processes, the fifth 0.54x; 5.5-5.6 ns and 0.60-0.62x before 8b8cac1, Node 20). The ' +
			'float fields read and written through the whole-heap typed arrays instead, after the manager\'s ' +
			'aligned-index test on each access (the address is the cursor\'s, known only then): slower, 0.80x and ' +
			'0.61x pristine, 0.77x and 0.85x realistic for at(i) and the cursor (bench/compare-builds.ts --suite ' +
			'structs, 3 processes; the other build order 0.85x, 0.71x, 0.45x and 0.90x), so the accessors keep the ' +
			'`DataView`. BENCHMARKS.md\'s run of 26900d5 measured `at(i)` at 11.5 ns (0.35x) in its realistic process; ' +
			'three more processes right after it, 7.0, 4.7 and 4.1 ns (0.55x, 0.68x, 0.69x). ' +
			detachedBufferChecks,
	},
	// ---- generated struct classes ------------------------------------------------------
	{
		suite: 'structs-codegen|structs-codegen realistic',
		name: /five struct types in use$/,
		why:
			'a draw. With five struct types the runtime refs\' shared `at`, accessors and element constructor see five ' +
			'classes, and how V8 compiles the five loops depends on the order in which its background jobs complete: in ' +
			'three `npm run bench -- structs-codegen` processes at 4765690 (Node 20), the runtime refs\' `at(i)` loop took ' +
			'11.0-36.6 ns per element in five of six regime runs against the generated classes\' 2.4-10.7 ns (generated ' +
			'2.3-10.7x faster), and 4.8 ns, level, in the sixth; the cursor loops 1.00-1.86x. BENCHMARKS.md\'s run drew ' +
			'the runtime refs\' fast compile (2.4 ns). On Node 24 the batch that runs the five loops in turn is compiled ' +
			'by Maglev with the five loops inlined and stays there (`--trace-opt`: marked for Maglev, never for TurboFan; ' +
			'`--prof`: `+generatedAts`, `LoadIC_Megamorphic`, `StoreIC_Megamorphic`, `JSConstructStubGeneric`): Maglev ' +
			'calls every getter and the element constructor instead of inlining them, 28-64 ns per element for either ' +
			'kind of class, the runtime refs 2-3x slower, where a loop that reaches TurboFan on its own takes 1-2 ns. ' +
			'With `--trace-opt` (Node 24, generated cursors) each of the five loops reached TurboFan by itself first ' +
			'(OSR, then a whole-function compile); the batch was then compiled by Maglev with the five inlined, and ' +
			'their TurboFan code no longer ran: 8.7, 11.5, 28.5 and 87.3 ns an element in four processes. No shape of ' +
			'the library\'s or the generated classes\' code changes that: Maglev inlines no getter or setter however ' +
			'small (a 5-byte `get x() { return this.a }`: "call frequency (0) < minimum threshold (0.95)", ' +
			'`--trace-maglev-inlining`), so each element is four accessor calls and the call of `at`, which inlining ' +
			'`at` (27 bytes of bytecode or fewer, `--max-maglev-inlined-bytecode-size-small`) would not remove',
	},
	{
		suite: 'structs-codegen realistic',
		baseline: 'raw',
		name: /^generated(?: at\(i(, cursor)?\): 3 reads|: fields of one ref)/,
		why:
			'the generated accessors make the library\'s checks (the runtime entry below), so they take what the ' +
			'structs suite\'s loops take in this regime. ' +
			detachedBufferChecks,
	},
	{
		suite: 'structs-codegen|structs-codegen realistic',
		baseline: 'runtime',
		name: /^generated(?: at\(i(, cursor)?\): 3 reads|: fields of one ref)/,
		why:
			'with one struct type in the program the runtime refs\' shared accessors and `at` see one class, and V8 ' +
			'compiles them to what the generated class is. `--print-opt-code` of the two loops (Node 20, diffed ' +
			'instruction by instruction): the cursor loops pristine are the same 544 bytes (the cursor, the views, ' +
			'`liveEnd` and the stride folded to constants), and the one-ref loops the same 620 (pristine) and 692 ' +
			'(realistic) bytes: the same loads, liveness comparison, detach tests and `DataView` bounds checks per ' +
			'access. The generated `at(i)` loop was 2 instructions longer (2.5 against 2.3 ns pristine): its field ' +
			'at offset 0 read `this.address`, the tagged small integer `at` stored in the element V8 did not ' +
			'allocate, and untagged it again (`movq; sarq`), where the runtime\'s `this.address + offset` folded ' +
			'onto the untagged sum. It reads `this.address + 0` now: the at(i) loops are the same code (0.92-0.96x ' +
			'-> 0.99-1.01x pristine, five processes), and the one-ref loop, whose address is a real field, takes ' +
			'the runtime\'s three sign extensions (`movsxlq`) with it (realistic 1.03-1.04x -> 0.99-1.00x). In the ' +
			'realistic regime the generated `at` stopped testing a freed array\'s flag (13 instructions a call, see ' +
			'at(i, cursor)), and 8b8cac1 gave the library\'s `at` the same. No check is left that a generated class ' +
			'could skip: what it knows when generated (offsets, the element class, the size) V8 folds into the ' +
			'runtime\'s code too while its feedback is monomorphic, so the two are level, 0.96-1.01x in steady ' +
			'processes of this machine. The generated classes pull ahead where that feedback is shared, in a program ' +
			'using several struct types (the five-type cases)',
	},
]

function percent(value: number): string {
	return value < 0.1 ? `${(value * 100).toFixed(1)}%` : `${Math.round(value * 100)}%`
}

/** How far a ratio falls short of its goal, e.g. `0.45x vs raw, goal 0.5x: 10% short`. */
export function shortfall(result: CaseResult, baseline: string): string {
	const ratio = result.ratios[baseline]!
	const goal = result.goals[baseline]!
	const needs = goal / ratio
	return `${formatRatio(ratio)} vs ${baseline}, goal ${goal}x: ${percent(1 - ratio / goal)} short (needs ${needs >= 10 ? Math.round(needs) : needs.toFixed(2)}x the speed)`
}

/** Why the library is slower than a baseline on a case, if a reason is known. */
export function reasonFor(result: CaseResult, baseline: string): string | undefined {
	return reasons.find(
		(reason) =>
			new RegExp(`^(${reason.suite})$`).test(result.suite) &&
			(reason.baseline === undefined || new RegExp(`^(${reason.baseline})$`).test(baseline)) &&
			reason.name.test(result.name),
	)?.why
}

/**
 * The missed goals as lines grouped by reason: each reason once, with the cases it
 * explains (case and shortfall) under it; cases without a known reason last.
 */
export function describeMisses(misses: readonly { readonly result: CaseResult; readonly baseline: string }[]): string[] {
	const groups = new Map<string, string[]>()
	for (const { result, baseline } of misses) {
		const why = reasonFor(result, baseline) ?? '(no reason recorded in bench/notes.ts)'
		const cases = groups.get(why) ?? []
		cases.push(`${result.suite} / ${result.name}: ${shortfall(result, baseline)}`)
		groups.set(why, cases)
	}
	return [...groups].flatMap(([why, cases]) => [`- ${why}:`, ...cases.map((line) => `  - ${line}`)])
}
