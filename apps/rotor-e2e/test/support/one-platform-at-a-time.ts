/**
 * Runs before every end-to-end file (setupFilesAfterEnv): a file that does not use the shared
 * platform starts a platform, a chaos run or a bench of its own, so this worker's shared
 * platform stops first. The two would otherwise hold Postgres connections (a hundred on a
 * default server) and CPU at once.
 */
import { stopSharedPlatform } from '@rotor/testing';
const { usesSharedPlatform } = require('../../shared-platform-files.cjs') as { usesSharedPlatform: (path: string) => boolean };

beforeAll(async () => {
  const file = expect.getState().testPath;
  if (file && !usesSharedPlatform(file)) await stopSharedPlatform();
}, 60_000);
