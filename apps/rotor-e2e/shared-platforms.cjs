// The end-to-end suite's global setup and teardown: no shared platform (libs/testing
// shared-platform.ts) outlives the run that started it, nor is found by the next one. Jest
// loads this file without its module mapper, so the TypeScript sources come in through the
// repository's own loader, which resolves @rotor/* like tsc does.
function shared() {
  require('../../tools/register.cjs');
  return require('../../libs/testing/src/shared-platform.ts');
}

module.exports = async () => {
  await shared().stopSharedPlatforms();
};
