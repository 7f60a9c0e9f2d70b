// Which end-to-end files run on the shared platform (sharedPlatform in @rotor/testing): the one
// test both the sequencer and the per-file setup ask, so they never disagree.
const { readFileSync } = require('node:fs');

function usesSharedPlatform(path) {
  return readFileSync(path, 'utf8').includes('sharedPlatform(');
}

module.exports = { usesSharedPlatform };
