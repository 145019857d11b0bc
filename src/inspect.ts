/**
 * What `console.log(ref)` and `JSON.stringify(ref)` show: a short line per ref and per
 * manager instead of their internals. Node, Deno and Bun call a method stored under
 * `Symbol.for('nodejs.util.inspect.custom')`; reaching it through the symbol registry
 * needs no import of `node:util`, so browsers load this file as it is.
 */

/** @internal The key of the custom inspection method (a registered symbol: the same in every realm). */
export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never

/** Elements an array ref shows before `... N more`. */
const shownElements = 8
/** Characters of a string value shown before it is cut. */
const shownCharacters = 60

/** A byte count for people: `48 B`, `64 KiB`, `16 MiB`, `1.5 GiB`. */
export function formatByteSize(byteSize: number): string {
	const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
	let value = byteSize
	let unit = 0
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024
		unit++
	}
	const shown = Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '')
	return `${shown} ${units[unit]}`
}

/** Nesting a summary shows before `[Object]` / `[Array]`: a struct's nested struct's fields, not theirs. */
const shownDepth = 2

/**
 * One value as inspection shows it: `7`, `-0`, `7n`, `'text'` (cut after 60 characters),
 * and the plain data `readStruct` gives: `{ x: 1, y: 2 }`, `[1, 2, 3]` (the first 8
 * elements), nested two levels deep.
 */
export function formatInspectedValue(value: unknown, depth = 0): string {
	switch (typeof value) {
		case 'number':
			return Object.is(value, -0) ? '-0' : String(value)
		case 'bigint':
			return `${value}n`
		case 'string':
			return value.length > shownCharacters
				? `${quote(value.slice(0, shownCharacters))}... ${value.length - shownCharacters} more characters`
				: quote(value)
		case 'object':
			if (value === null) return 'null'
			if (Array.isArray(value)) {
				return depth >= shownDepth ? '[Array]' : formatInspectedElements(value.length, (index) => value[index], depth + 1)
			}
			if (depth >= shownDepth) return '[Object]'
			return `{ ${formatInspectedFields(Object.entries(value), depth + 1)} }`
		default:
			return String(value)
	}
}

/** `key: value, key: value` for a plain object's entries. */
function formatInspectedFields(entries: readonly (readonly [string, unknown])[], depth: number): string {
	return inspectedEntries(entries, depth)
		.map(([key, value]) => `${key}: ${value}`)
		.join(', ')
}

/**
 * A plain object's entries as a summary shows them: each value formatted, each key as it
 * is (struct fields are C identifiers) unless it is in `taken`, then quoted.
 */
export function inspectedEntries(entries: readonly (readonly [string, unknown])[], depth = 0, taken?: ReadonlySet<string>): [string, string][] {
	return entries.map(([key, value]) => [taken?.has(key) === true ? quote(key) : key, formatInspectedValue(value, depth)])
}

/** A string in single quotes, escaped as in a JavaScript string literal. */
export function quote(text: string): string {
	return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`
}

/** The first elements of an array ref: `[1, 2, 3]`, or `[1, ..., 8, ... 92 more]`. */
export function formatInspectedElements(elementCount: number, readAt: (index: number) => unknown, depth = 0): string {
	const shown: string[] = []
	for (let index = 0; index < Math.min(elementCount, shownElements); index++) shown.push(formatInspectedValue(readAt(index), depth))
	if (elementCount > shownElements) shown.push(`... ${elementCount - shownElements} more`)
	return `[${shown.join(', ')}]`
}

/**
 * A value as JSON can hold it: bigints become decimal strings (JSON has no 64-bit
 * integers), also inside the plain objects and arrays `readStruct` gives.
 */
export function jsonValue(value: unknown): unknown {
	if (typeof value === 'bigint') return value.toString()
	if (typeof value !== 'object' || value === null) return value
	if (Array.isArray(value)) return value.map(jsonValue)
	const copy: Record<string, unknown> = {}
	for (const [key, field] of Object.entries(value)) copy[key] = jsonValue(field)
	return copy
}

/** `Name { key: value, key: value }`, the shape Node prints class instances in. */
export function formatInspected(name: string, fields: readonly (readonly [string, string])[]): string {
	return `${name} { ${fields.map(([key, value]) => `${key}: ${value}`).join(', ')} }`
}
