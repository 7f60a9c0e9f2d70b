// Runs the TypeScript sources of an app directly (no build step): SWC transpiles with
// decorator metadata for Nest, and @rotor/* aliases resolve through tsconfig.base.json.
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.base.json');
require('@swc-node/register');
