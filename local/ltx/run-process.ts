import { spawn } from 'node:child_process';

/**
 * Runs a binary with `input` on stdin and collects stdout, up to `maxOutputBytes` (beyond that the
 * process is killed: a decoder must not be able to fill memory). Rejects with stderr on a non-zero exit.
 */
export function runProcess(
  file: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: Uint8Array; maxOutputBytes: number; signal?: AbortSignal },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: options.env, stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let overflow = false;
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > options.maxOutputBytes) {
        overflow = true;
        child.kill('SIGKILL');
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 4000) err += chunk.toString();
    });
    // A decoder that stops reading early (bad data) closes stdin: that is its answer, not our error.
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) => {
      if (overflow) return reject(new Error(`${file} wrote more than ${options.maxOutputBytes} bytes`));
      if (code !== 0) return reject(new Error(err.trim().split('\n').slice(-3).join(' | ') || `exit code ${code}`));
      resolve(Buffer.concat(out));
    });
    child.stdin.end(options.input ? Buffer.from(options.input.buffer, options.input.byteOffset, options.input.byteLength) : undefined);
  });
}
