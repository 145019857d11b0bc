/**
 * Scopes: temporaries for one call, as Emscripten's `stackSave`/`stackRestore` give C
 * callers. A scope adopts every ref the manager allocates while it is the innermost open
 * one, and frees them, newest first, when it closes.
 */
import type { HeapCore } from './HeapCore.js'
import { scopeEnded, type HeapRef } from './HeapRef.js'
import { formatByteSize, formatInspected, inspectCustom } from './inspect.js'
import { raise, raiseAggregate, scopeDeallocatorsThrew, scopeKeepClosed, scopeKeepForeignRef } from './messages.js'

/** The error of a close whose deallocators threw: the one error, or an `AggregateError` of them all. */
function throwCloseErrors(errors: unknown[]): never {
	throw errors.length === 1 ? errors[0] : raiseAggregate(errors, scopeDeallocatorsThrew, 'HeapScope.close', errors.length)
}

/**
 * An open scope of a manager, from `heap.openScope()`; `using scope = heap.openScope()` closes it at the end of the block.
 * @group Manager
 */
export class HeapScope {
	/** @internal */
	private readonly core: HeapCore
	/** @internal The scope that was innermost when this one opened: innermost again once this one closes. */
	readonly outer: HeapScope | undefined
	// The refs adopted, in allocation order: the first four in fields of the scope, the rest
	// in an array made for the fifth. Entries whose `scope` moved on are skipped. (A scope
	// was an object and an array, whose first push allocated its backing store: with three
	// temporaries the fields measured 1.04-1.08x a whole `withScope` call, issue 11.)
	/** @internal */
	private first: HeapRef | undefined = undefined
	/** @internal */
	private second: HeapRef | undefined = undefined
	/** @internal */
	private third: HeapRef | undefined = undefined
	/** @internal */
	private fourth: HeapRef | undefined = undefined
	/** @internal The fifth and later refs, once there is a fifth. */
	private more: HeapRef[] | undefined = undefined
	/** @internal How many refs were adopted. */
	private count = 0
	/** @internal */
	private closed = false

	/** @internal Scopes are opened by `heap.openScope()` and `heap.withScope(fn)`. */
	constructor(core: HeapCore, outer: HeapScope | undefined) {
		this.core = core
		this.outer = outer
	}

	/** Whether `close()` has run. */
	get isClosed(): boolean {
		return this.closed
	}

	/** @internal Called by the manager for each ref allocated while this scope is innermost. */
	adopt(ref: HeapRef): void {
		ref.scope = this
		const count = this.count
		if (count === 0) this.first = ref
		else if (count === 1) this.second = ref
		else if (count === 2) this.third = ref
		else if (count === 3) this.fourth = ref
		else this.adoptMore(ref)
		this.count = count + 1
	}

	/** @internal {@link adopt} of a fifth or later ref: into the array, made for the fifth. */
	private adoptMore(ref: HeapRef): void {
		;(this.more ??= []).push(ref)
	}

	/** @internal The `index`th ref adopted. */
	private adopted(index: number): HeapRef {
		if (index > 3) return this.more![index - 4]!
		return (index === 0 ? this.first : index === 1 ? this.second : index === 2 ? this.third : this.fourth)!
	}

	/**
	 * Moves `ref` out of the scope: closing will not free it (it stays tracked). Returns
	 * the ref.
	 * @throws TypeError if `ref` is not a ref this scope holds (or the scope is closed)
	 */
	keep<R extends HeapRef>(ref: R): R {
		if (this.closed) throw raise(scopeKeepClosed, 'HeapScope.keep')
		if (typeof ref !== 'object' || ref === null || (ref as HeapRef).scope !== this) {
			throw raise(scopeKeepForeignRef, 'HeapScope.keep', ref)
		}
		ref.scope = undefined
		return ref
	}

	/**
	 * Frees every ref the scope still holds, newest first. A deallocator that throws does
	 * not stop the others from being freed; its error is thrown afterwards (an
	 * `AggregateError` when there are several).
	 * @throws Error if the scope is already closed, or an inner scope is still open
	 */
	close(): void {
		this.core.closeScope(this, 'HeapScope.close')
		this.closed = true
		let errors: unknown[] | undefined
		for (let index = this.count - 1; index >= 0; index--) {
			const ref = this.adopted(index)
			if (ref.scope !== this) continue
			try {
				ref.free()
			} catch (error) {
				;(errors ??= []).push(error)
			}
			// freed either way; for its freed error to say by what (free() set undefined)
			ref.scope = scopeEnded
		}
		// (The refs are not forgotten: clearing the fields took time, and a closed scope is
		// garbage once its `using` block or withScope call ends.)
		if (errors !== undefined) throwCloseErrors(errors)
	}

	/** @internal The refs closing would free: those adopted that are still this scope's (not freed, released or kept). */
	private held(): HeapRef[] {
		const refs: HeapRef[] = []
		for (let index = 0; index < this.count; index++) {
			const ref = this.adopted(index)
			if (ref.scope === this) refs.push(ref)
		}
		return refs
	}

	/**
	 * A short summary for `JSON.stringify` and loggers: `{ type: 'HeapScope', closed: false,
	 * refCount: 2, refByteSize: 12 }`, the refs closing would free (`closed: true` alone once closed).
	 */
	toJSON(): Record<string, unknown> {
		if (this.closed) return { type: 'HeapScope', closed: true }
		const refs = this.held()
		return { type: 'HeapScope', closed: false, refCount: refs.length, refByteSize: refs.reduce((sum, ref) => sum + ref.allocatedByteSize, 0) }
	}

	/** @internal What `console.log(scope)` prints: `HeapScope { refs: 2 (12 B) }`, or `HeapScope { closed: true }`. */
	[inspectCustom](): string {
		const summary = this.toJSON()
		return formatInspected(
			'HeapScope',
			summary.closed === true ? [['closed', 'true']] : [['refs', `${summary.refCount as number} (${formatByteSize(summary.refByteSize as number)})`]],
		)
	}

	/**
	 * `[object HeapScope]` for `Object.prototype.toString` and `String(scope)`, and the name the
	 * library's errors give a scope passed where a value goes (`an object (HeapScope)`), as a
	 * manager's, an allocator's and a ref's are theirs.
	 */
	get [Symbol.toStringTag](): string {
		return 'HeapScope'
	}

	/**
	 * Calls `close()`, for `using scope = heap.openScope()`; nothing once the scope is closed
	 * (a block that closed it itself), as a ref's dispose frees nothing once it is freed.
	 */
	[Symbol.dispose](): void {
		if (!this.closed) this.close()
	}
}
