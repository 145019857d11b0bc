// Preloaded (node --import) by test/codecs-browser-host.test.ts, after tsx: hides
// process.versions.node, so that src/codecs/host.ts takes this process for a browser and
// the codecs use the thresholds measured in Chromium.
const versions = { ...process.versions }
delete versions.node
Object.defineProperty(process, 'versions', { value: versions, configurable: true, enumerable: true })
