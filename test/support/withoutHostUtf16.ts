/**
 * Imported first, for its effect: hides Node's `Buffer.prototype.ucs2Write` and `ucs2Slice`
 * before the library loads, so that src/codecs/hostUtf16.ts finds none and the UTF-16
 * codec reads and writes as it does in a browser or on Deno (its loops and `TextDecoder`).
 */
for (const name of ['ucs2Write', 'ucs2Slice']) {
	Object.defineProperty(Buffer.prototype, name, { value: undefined, configurable: true, writable: true })
}
