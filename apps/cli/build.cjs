// Builds the `rotor` CLI as an npm package with a `rotor` bin that works outside this
// repository: the CLI, @rotor/sdk and @rotor/api-client compiled together into one directory,
// depending only on commander and openapi-fetch. With --pack, also runs `npm pack`.
//
//   node apps/cli/build.cjs [--out DIR] [--pack]     (default DIR: tmp/cli-package)
const { buildPackage } = require('../../tools/build-package.cjs');

buildPackage({
  argv: process.argv.slice(2),
  defaultOut: 'tmp/cli-package',
  sources: [
    { from: 'apps/cli/src', to: '' },
    { from: 'libs/sdk/src', to: 'sdk', alias: '@rotor/sdk' },
    { from: 'libs/api-client/src', to: 'sdk/api-client', alias: '@rotor/api-client' },
  ],
  types: ['node'],
  executable: 'main.js',
  readme: 'apps/cli/README.md',
  packageJson: {
    name: '@rotor/cli',
    description: "Rotor's command line: projects, Redis connections, rotations and their secrets.",
    bin: { rotor: 'dist/main.js' },
  },
  dependencies: ['commander', 'openapi-fetch'],
});
