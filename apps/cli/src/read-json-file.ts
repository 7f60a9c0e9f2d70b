import { readFileSync } from 'node:fs';
import { usage } from './exit';

/** Reads a JSON file; a malformed one is a usage error that names the line and column. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usage(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const position = /position (\d+)/.exec((e as Error).message);
    const reason = (e as Error).message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '');
    if (!position) throw usage(`${path} is not valid JSON: ${reason}`);
    const before = text.slice(0, Number(position[1]));
    const line = before.split('\n').length;
    const column = Number(position[1]) - before.lastIndexOf('\n');
    throw usage(`${path} is not valid JSON: line ${line}, column ${column}: ${reason}`);
  }
}
