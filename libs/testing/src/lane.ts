/**
 * Test lanes let two checkouts run their tests on one machine at once. Lane 0 (the default)
 * keeps the usual ports and database names; lane N (ROTOR_TEST_LANE=1…9) moves every port a
 * test platform, chaos or bench smoke run takes by N × 100 and puts `_lN` into every
 * database name, so two lanes never share a broker, a port or a database.
 */
export function testLane(): number {
  const raw = process.env['ROTOR_TEST_LANE'] ?? '';
  if (raw === '') return 0;
  const lane = Number(raw);
  if (!Number.isInteger(lane) || lane < 0 || lane > 9) throw new Error(`ROTOR_TEST_LANE must be a whole number 0–9, got "${raw}"`);
  return lane;
}

/** `port` moved into this lane. */
export function lanePort(port: number): number {
  return port + testLane() * 100;
}

/** `suffix` (a database name suffix such as `_e2e`) marked with this lane. */
export function laneSuffix(suffix: string): string {
  const lane = testLane();
  return lane === 0 ? suffix : `${suffix}_l${lane}`;
}

/**
 * The Jest worker running this test file: 1 in band or outside Jest, 1…N when Jest runs
 * files in parallel (the end-to-end suite does, two at a time).
 */
export function testWorker(): number {
  const id = Number(process.env['JEST_WORKER_ID'] ?? '1');
  return Number.isInteger(id) && id >= 1 ? id : 1;
}

/**
 * `port` moved into this lane and this Jest worker: worker w adds (w − 1) × 1000, so two
 * platforms of one suite, started by two workers at once, never share a port.
 */
export function workerPort(port: number): number {
  return lanePort(port) + (testWorker() - 1) * 1000;
}

/** `suffix` marked with this lane and, past the first, this Jest worker (`_e2e_w2`). */
export function workerSuffix(suffix: string): string {
  const worker = testWorker();
  return laneSuffix(worker === 1 ? suffix : `${suffix}_w${worker}`);
}
