/**
 * A terminal-friendly rendering of the JSON log lines for `npm start`: time, message and the job's
 * facts on one line; debug lines only when asked for.
 */
export function prettyLogSink(verbose: boolean, write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): (line: string) => void {
  return (line: string) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      write(line);
      return;
    }
    const { time, level, message, stack: _stack, ...fields } = entry;
    if (level === 'debug' && !verbose) return;
    const clock = typeof time === 'string' ? time.slice(11, 19) : '';
    const facts = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    const tag = level === 'error' ? 'ERROR ' : level === 'warn' ? 'WARN  ' : '';
    write(`${clock} ${tag}${String(message)}${facts ? `  ${facts}` : ''}`);
  };
}
