/**
 * Compiles benchmark loops written as text into functions of their own, so that a loop
 * can be derived from the element table (`bench/elements.ts`) rather than written out
 * once per type.
 */

/**
 * Compiles `body` into a function of its own, with the `scope` entries as constants.
 * Every generated batch gets its own code and type feedback: batches made by one
 * shared closure would share call-site feedback across element types and go
 * polymorphic, which would measure the benchmark, not the library (measured: 3.5 ns
 * per `readInt32` as a literal loop or a compiled one, 5.5 to 12 ns through a shared
 * closure).
 */
export function compileBatch(name: string, body: string, scope: Readonly<Record<string, unknown>>): () => unknown {
	const names = Object.keys(scope)
	const factory = new Function(...names, `'use strict'\nreturn function ${name.replace(/\W/g, '_')}() {\n${body}\n}`) as (
		...values: unknown[]
	) => () => unknown
	return factory(...names.map((key) => scope[key]))
}
