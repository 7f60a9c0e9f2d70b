/** Everything on standard input (a password or token piped in, so it stays out of process lists). */
export async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}
