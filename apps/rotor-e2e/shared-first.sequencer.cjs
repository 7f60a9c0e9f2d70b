// The order the end-to-end files run in, over two workers:
//   1. the chaos smokes, the longest file by far (two chaos runs, one after the other), so one
//      worker spends them while the other gets through the rest instead of waiting at the end;
//   2. the files that share a platform (sharedPlatform in @rotor/testing), so each worker
//      starts its shared platform once and stops it for good before its first other file
//      (test/support/one-platform-at-a-time.ts);
//   3. the files that start a platform of their own, in Jest's usual order.
const { basename } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const { usesSharedPlatform } = require('./shared-platform-files.cjs');

const LONGEST = ['chaos-smokes.spec.ts'];
const usesShared = (test) => usesSharedPlatform(test.path);
const longest = (test) => LONGEST.includes(basename(test.path));

class SharedFirst extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [
      ...ordered.filter(longest),
      ...ordered.filter((t) => !longest(t) && usesShared(t)),
      ...ordered.filter((t) => !longest(t) && !usesShared(t)),
    ];
  }
}

module.exports = SharedFirst;
