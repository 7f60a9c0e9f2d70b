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
