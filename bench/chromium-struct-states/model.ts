/**
 * The page side of bench/chromium-struct-states.ts: the structs suite's local-cursor loop
 * (bench/structs.bench.ts, `walkWithCursor`) on the library, after the parts of the
 * realistic regime named in `STEPS` (the driver defines it; `out` collects the line printed).
 * `library.js` is the build under test (the driver's esbuild maps it to dist/index.js).
 */
import { createWasmHeapManager, defineStruct } from '../library.js'
declare const STEPS: string[]
/** Which loop: `local` (the default), `cursor` (the cursor and array the closure's), `at` (a new element ref each) or `split` (ten fields in two functions of five). */
declare const LOOP: string
declare const out: string[]
const elementCount = 4096
const memory = new WebAssembly.Memory({ initial: 16 })
let bump = 1024
const heap = createWasmHeapManager(() => memory.buffer, (size: number) => { const a = bump; bump += Math.ceil(size / 16) * 16; return a }, () => {})
const Body = defineStruct('Body', { x: 'Float64', y: 'Float64', vx: 'Float32', vy: 'Float32', mass: 'Float64', id: 'Int32', flags: 'Uint32' })
const bodies = heap.allocStructArray(Body, elementCount)
for (let i = 0; i < elementCount; i++) bodies.writeAt(i, { x: i, vx: 0.5, mass: 1e-9 * i })
const base = bodies.address
const attempt = (f: () => unknown) => { try { f() } catch { return } throw new Error('no throw') }
if (STEPS.includes('grow')) memory.grow(1)
if (STEPS.includes('indexErrors')) { attempt(() => bodies.at(bodies.elementCount)); attempt(() => bodies.at(-1)); attempt(() => bodies.readAt(bodies.elementCount)) }
if (STEPS.includes('badCursor')) attempt(() => bodies.at(0, {} as never))
if (STEPS.includes('readStruct')) attempt(() => heap.readStruct(Body, heap.heap.byteLength))
if (STEPS.includes('freed')) {
  const freed = heap.allocStructArray(Body, 1) as any
  const element = freed.at(0), cursor = freed.at(0)
  freed.free()
  if (STEPS.includes('freedGet')) attempt(() => element.x)
  if (STEPS.includes('freedSet')) attempt(() => (element.x = 1))
  if (STEPS.includes('freedAt')) attempt(() => freed.at(0, cursor))
}
if (STEPS.includes('six')) {
  const Six = defineStruct('Six', { a: 'Float64', b: 'Float64', c: 'Int32', d: 'Uint32', e: 'Float32', f: 'Int16' })
  const sixes = heap.allocStructArray(Six, 256) as any
  attempt(() => sixes.at(sixes.elementCount)); attempt(() => sixes.at(-1)); attempt(() => sixes.at(0, {} as never)); attempt(() => sixes.readAt(sixes.elementCount))
  attempt(() => heap.readStruct(Six, heap.heap.byteLength))
  const freed = heap.allocStructArray(Six, 1) as any
  const element = freed.at(0), cursor = freed.at(0)
  freed.free()
  attempt(() => element.c); attempt(() => (element.c = 1)); attempt(() => freed.at(0, cursor))
}
if (STEPS.includes('reads')) for (const address of [-1, 0.5, heap.heap.byteLength]) { attempt(() => heap.readFloat64(address)); attempt(() => heap.readInt32(address)) }
const walkWithCursor = (array: typeof bodies) => {
  const local = array.at(0)
  let sum = 0
  for (let i = 0; i < elementCount; i++) {
    const body = array.at(i, local)
    const x = body.x
    body.x = x + body.vx * body.mass
    sum += x
  }
  return sum
}
const rawGiven = (heapMemory: WebAssembly.Memory, at: number) => {
  const f64 = new Float64Array(heapMemory.buffer), f32 = new Float32Array(heapMemory.buffer)
  let sum = 0
  for (let i = 0; i < elementCount; i++) {
    const address = at + i * 40
    const x = f64[address / 8]!, vx = f32[(address + 16) / 4]!, mass = f64[(address + 24) / 8]!
    f64[address / 8] = x + vx * mass
    sum += x
  }
  return sum
}
const cursor = bodies.at(0)
const throughCursor = () => {
  let sum = 0
  for (let i = 0; i < elementCount; i++) {
    const body = bodies.at(i, cursor)
    const x = body.x
    body.x = x + body.vx * body.mass
    sum += x
  }
  return sum
}
const throughAt = () => {
  let sum = 0
  for (let i = 0; i < elementCount; i++) {
    const body = bodies.at(i)
    const x = body.x
    body.x = x + body.vx * body.mass
    sum += x
  }
  return sum
}
// the ten-field step split into two functions of five (the suite's moveX and moveYAndSum)
const moveX = (array: typeof bodies) => {
  const local = array.at(0)
  for (let i = 0; i < elementCount; i++) {
    const body = array.at(i, local)
    body.x = body.x + body.vx * body.mass
  }
}
const moveYAndSum = (array: typeof bodies) => {
  const local = array.at(0)
  let sum = 0
  for (let i = 0; i < elementCount; i++) {
    const body = array.at(i, local)
    body.y = body.y + body.vy * body.mass
    sum += body.id + body.flags
  }
  return sum
}
const rawStep = (heapMemory: WebAssembly.Memory, at: number) => {
  const f64 = new Float64Array(heapMemory.buffer), f32 = new Float32Array(heapMemory.buffer), i32 = new Int32Array(heapMemory.buffer), u32 = new Uint32Array(heapMemory.buffer)
  let sum = 0
  for (let i = 0; i < elementCount; i++) {
    const address = at + i * 40
    const mass = f64[(address + 24) / 8]!
    f64[address / 8] = f64[address / 8]! + f32[(address + 16) / 4]! * mass
    f64[(address + 8) / 8] = f64[(address + 8) / 8]! + f32[(address + 20) / 4]! * mass
    sum += i32[(address + 32) / 4]! + u32[(address + 36) / 4]!
  }
  return sum
}
let sink: unknown
const lib = LOOP === 'cursor' ? throughCursor : LOOP === 'at' ? throughAt : LOOP === 'split' ? () => { moveX(bodies); return moveYAndSum(bodies) } : () => walkWithCursor(bodies)
const raw = LOOP === 'split' ? () => rawStep(memory, base) : () => rawGiven(memory, base)
const variants = [lib, raw].map((batch) => () => { let last; for (let i = 0; i < 100; i++) last = batch(); return last })
const now = () => (globalThis as any).performance.now()
const t = (f: () => unknown) => { const s = now(); sink = f(); return ((now() - s) * 1e6) / 100 / elementCount }
const libs: number[] = [], raws: number[] = []
for (let round = 0; round < 40; round++) { libs.push(t(variants[0]!)); raws.push(t(variants[1]!)) }
const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!
out.push(`${LOOP} ${STEPS.join('+') || 'pristine'}: library ${med(libs.slice(10)).toFixed(2)} ns raw ${med(raws.slice(10)).toFixed(2)} ns ratio ${(med(raws.slice(10)) / med(libs.slice(10))).toFixed(2)}`)
