const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A progress indicator on stderr while something is awaited: a spinner with the elapsed time
 * on a terminal, one line at the start and one at the end otherwise (logs stay readable).
 */
export async function withProgress<T>(what: string, work: Promise<T>, err: NodeJS.WriteStream = process.stderr): Promise<T> {
  const started = Date.now();
  const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  let frame = 0;
  const timer = err.isTTY ? setInterval(() => err.write(`\r${FRAMES[frame++ % FRAMES.length]} ${what} ${seconds()}`), 100) : null;
  if (!timer) err.write(`${what}…\n`);
  try {
    const result = await work;
    finish(`✓ ${what} (${seconds()})`);
    return result;
  } catch (e) {
    finish(`✗ ${what} (${seconds()})`);
    throw e;
  }

  function finish(line: string): void {
    if (timer) {
      clearInterval(timer);
      err.write(`\r\x1b[2K${line}\n`);
    } else err.write(`${line}\n`);
  }
}
