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

/** One value as inspection shows it: `7`, `-0`, `7n`, `'text'` (cut after 60 characters). */
export function formatInspectedValue(value: unknown): string {
	switch (typeof value) {
		case 'number':
			return Object.is(value, -0) ? '-0' : String(value)
		case 'bigint':
			return `${value}n`
		case 'string':
			return value.length > shownCharacters
				? `${quote(value.slice(0, shownCharacters))}... ${value.length - shownCharacters} more characters`
				: quote(value)
		default:
			return String(value)
	}
}

/** A string in single quotes, escaped as in a JavaScript string literal. */
export function quote(text: string): string {
	return `'${JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`
}

/** The first elements of an array ref: `[1, 2, 3]`, or `[1, ..., 8, ... 92 more]`. */
export function formatInspectedElements(elementCount: number, readAt: (index: number) => unknown): string {
	const shown: string[] = []
	for (let index = 0; index < Math.min(elementCount, shownElements); index++) shown.push(formatInspectedValue(readAt(index)))
	if (elementCount > shownElements) shown.push(`... ${elementCount - shownElements} more`)
	return `[${shown.join(', ')}]`
}

/** A value as JSON can hold it: bigints become decimal strings (JSON has no 64-bit integers). */
export function jsonValue(value: unknown): unknown {
	return typeof value === 'bigint' ? value.toString() : value
}

/** `Name { key: value, key: value }`, the shape Node prints class instances in. */
export function formatInspected(name: string, fields: readonly (readonly [string, string])[]): string {
	return `${name} { ${fields.map(([key, value]) => `${key}: ${value}`).join(', ')} }`
}
