/**
 * The timing loop the two-build A/B scripts share (bench/atomic-members.mjs,
 * bench/touched-paths.mjs, bench/iteration-ab.mjs, bench/alloc-values-ab.mjs, bench/float16-ab.mjs,
 * bench/cliffs-probe.mjs): every case's variants (builds A and B, a hand-written loop)
 * timed back to back, round after round, the order of the variants reversed every other
 * round, so that machine noise and the load order hit them alike; the first `warmup`
 * rounds are not recorded.
 *
 *   const { times, sink } = interleavedRounds(names, (n, k) => cases[k][names[n]], { rounds: 60, warmup: 15 })
 *   median(times[n][k]) // ns for one batch of `repeats` calls of case n's variant k
 */

/**
 * Times `variant(n, k)` (a function, or `undefined` for a variant a case lacks) for every
 * case `n` of `names` and every variant `k`, `repeats(n)` calls a batch, `rounds` rounds.
 * Returns the batches' times in ns, `times[n][k]`, and the sum of what the calls returned
 * (for the caller to use, so that no loop is optimised away).
 */
export function interleavedRounds(names, variant, { variants = 2, rounds = 60, warmup = 15, repeats = () => 20, order = alternating } = {}) {
	const times = names.map(() => Array.from({ length: variants }, () => []))
	let sink = 0
	for (let round = 0; round < rounds; round++) {
		for (let n = 0; n < names.length; n++) {
			const count = repeats(n)
			for (const k of order(round, variants)) {
				const f = variant(n, k)
				if (f === undefined) continue
				const t = process.hrtime.bigint()
				for (let r = 0; r < count; r++) sink += f() ?? 0
				if (round >= warmup) times[n][k].push(Number(process.hrtime.bigint() - t))
			}
		}
	}
	return { times, sink }
}

/** The default order of the variants in a round: 0, 1, ... in even rounds, reversed in odd ones. */
export function alternating(round, variants) {
	const order = Array.from({ length: variants }, (_, k) => k)
	return round % 2 ? order.reverse() : order
}

/** The median of `values` (the upper one of an even count), sorting them in place. */
export const median = (values) => values.sort((x, y) => x - y)[values.length >> 1]
