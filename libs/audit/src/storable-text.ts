/**
 * Postgres text and jsonb refuse U+0000, and a request can carry one (in its path, query or a
 * header). Every string of a record is stored with it replaced by U+FFFD, before the record is
 * hashed, so what is stored is exactly what was chained.
 */
export function storableText<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value) as T;
  if (Array.isArray(value)) return value.map((v) => storableText(v)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, storableText(v)])) as T;
  }
  return value;
}
