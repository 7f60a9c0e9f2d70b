/** Prints for people (aligned tables) or for scripts (`--json`: exactly one JSON document). */
export class Output {
  constructor(readonly json: boolean, private readonly out: NodeJS.WritableStream = process.stdout) {}

  /** Rows as a table; with --json, `data` (the API's own shape) instead. */
  table(rows: Array<Record<string, unknown>>, columns: string[], data: unknown = rows): void {
    if (this.json) return this.data(data);
    if (rows.length === 0) return this.line('(none)');
    const cells = rows.map((r) => columns.map((c) => text(r[c])));
    const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
    const format = (values: string[]) => values.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
    this.line(format(columns.map((c) => c.toUpperCase())));
    for (const row of cells) this.line(format(row));
  }

  /** One record as `key: value` lines; with --json, `data`. */
  record(fields: Record<string, unknown>, data: unknown = fields): void {
    if (this.json) return this.data(data);
    const width = Math.max(...Object.keys(fields).map((k) => k.length));
    for (const [k, v] of Object.entries(fields)) this.line(`${`${k}:`.padEnd(width + 1)} ${text(v)}`);
  }

  /** A sentence for people; with --json, `data`. */
  done(sentence: string, data: unknown): void {
    if (this.json) this.data(data);
    else this.line(sentence);
  }

  data(value: unknown): void {
    this.out.write(JSON.stringify(value, null, 2) + '\n');
  }

  line(s: string): void {
    this.out.write(s + '\n');
  }
}

function text(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const MASK = '********';
