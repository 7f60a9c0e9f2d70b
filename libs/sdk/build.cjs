// Builds @rotor/sdk as an npm package that works outside this repository: the SDK and the
// typed API client it re-exports are compiled together (JS + .d.ts) into one directory, with
// a package.json whose only dependency is openapi-fetch. With --pack, also runs `npm pack`.
//
//   node libs/sdk/build.cjs [--out DIR] [--pack]     (default DIR: tmp/sdk-package)
//
// Prints the package directory, or the tarball's path with --pack.
const { buildPackage } = require('../../tools/build-package.cjs');

buildPackage({
  argv: process.argv.slice(2),
  defaultOut: 'tmp/sdk-package',
  // The API client beside the SDK instead of behind its repository alias.
  sources: [
    { from: 'libs/sdk/src', to: '' },
    { from: 'libs/api-client/src', to: 'api-client', alias: '@rotor/api-client' },
  ],
  declaration: true,
  readme: 'libs/sdk/README.md',
  packageJson: {
    name: '@rotor/sdk',
    description: "Typed client of Rotor's public API, with helpers to rotate and wait, read a rotation's secrets and iterate lists.",
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
  },
  dependencies: ['openapi-fetch'],
});
