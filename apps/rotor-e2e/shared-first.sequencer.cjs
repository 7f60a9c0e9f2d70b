// The end-to-end files that share a platform (sharedPlatform in @rotor/testing) run first, in
// Jest's usual order among themselves, then the files that start a platform of their own: each
// worker starts its shared platform once and stops it for good before its first other file
// (test/support/one-platform-at-a-time.ts).
const { readFileSync } = require('node:fs');
const Sequencer = require('@jest/test-sequencer').default;

const usesShared = (test) => readFileSync(test.path, 'utf8').includes('sharedPlatform(');

class SharedFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [...ordered.filter(usesShared), ...ordered.filter((t) => !usesShared(t))];
  }
}

module.exports = SharedFirst;
