/**
 * The one random-text generator of the suite: seeded strings over all planes, for the
 * codec tests (test/codecs.test.ts) and the manager's string tests (test/strings.test.ts).
 */
import type { SeededRandom } from './heaps.js'

/** Code points at the edges of the UTF-8 lengths, the BOM, U+FFFD, the noncharacters and the last code point. */
const specialCodePoints = [0x7f, 0x80, 0x7ff, 0x800, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x10ffff]

type Piece = 'ascii' | 'twoByte' | 'threeByte' | 'astral' | 'loneHigh' | 'loneLow' | 'special'

function randomCodePoint(random: SeededRandom, piece: Piece): number {
	switch (piece) {
		case 'ascii':
			return random.int(1, 0x80)
		case 'twoByte':
			return random.int(0x80, 0x800)
		case 'threeByte': {
			const point = random.int(0x800, 0x10000 - 0x800)
			return point < 0xd800 ? point : point + 0x800 // skip the surrogates
		}
		case 'astral':
			return random.int(0x10000, 0x110000)
		case 'loneHigh':
			return random.int(0xd800, 0xdc00)
		case 'loneLow':
			return random.int(0xdc00, 0xe000)
		case 'special':
			return random.pick(specialCodePoints)
	}
}

const styles: readonly (readonly Piece[])[] = [
	['ascii'],
	['ascii', 'ascii', 'ascii', 'ascii', 'twoByte', 'threeByte'],
	['ascii', 'twoByte', 'threeByte', 'astral', 'loneHigh', 'loneLow', 'special'],
	['twoByte', 'threeByte', 'astral'],
	['threeByte'],
	['astral', 'loneHigh', 'loneLow'],
]

/**
 * A random string of exactly `length` code units, never U+0000, in one of several
 * styles (ASCII only, mostly ASCII, everything, no ASCII, ...), made of runs of 1-12
 * characters of one kind. Cutting to `length` may leave a lone high surrogate at the
 * end, and runs of lone surrogates may pair up: both are wanted. `asciiOnly` keeps to
 * U+0001..U+007F (what an ASCII encoding can store).
 */
export function randomText(random: SeededRandom, length: number, asciiOnly = false): string {
	const pieces = asciiOnly ? styles[0]! : random.pick(styles)
	const parts: string[] = []
	let size = 0
	while (size < length) {
		const piece = random.pick(pieces)
		const run = random.int(1, 13)
		for (let i = 0; i < run; i++) {
			const character = String.fromCodePoint(randomCodePoint(random, piece))
			parts.push(character)
			size += character.length
		}
	}
	return parts.join('').slice(0, length)
}
