/** Keys that are write-only in the connection API: removed from every answer, at any depth. */
const WRITE_ONLY = new Set(['password', 'sentinelPassword']);

export function stripWriteOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripWriteOnly);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !WRITE_ONLY.has(key))
      .map(([key, v]) => [key, stripWriteOnly(v)]),
  );
}
