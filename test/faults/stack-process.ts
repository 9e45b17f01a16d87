/**
 * The local stack as a process of its own, for the crash suite: `tsx test/faults/stack-process.ts
 * '<json options>'`. It prints one line `{"ready": <stack.json info>}` on stdout once the stack is up
 * (after its start-up sweep), logs to stderr, takes commands as JSON lines on stdin
 * (`{"ltxFault": {...}|null}`), and stops on SIGTERM. The test kills it with SIGKILL
 * mid-job and starts it again on the same data directory and ports.
 */
import { startLocalStack } from '../../local/stack';
import { createInterface } from 'node:readline';
import type { LtxFault } from '../../local/ltx/server';
import { createReadableLogger } from '../../shared/adapters/readable-logger';

interface ProcessOptions {
  dataDir: string;
  ports: { web: number; supabase: number; s3: number; ltx: number; events: number; sqs: number };
  /** Hold every LTX answer this long, so the test can catch the job in `generating`. */
  ltxHangMs?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ProcessOptions;
const logger = createReadableLogger({ level: 'debug', fields: { pid: process.pid } });

const stack = await startLocalStack({
  dataDir: options.dataDir,
  ports: options.ports,
  renderScale: 1 / 6,
    renderFps: 10,
  ltxClipSize: { width: 320, height: 180 },
  queueVisibilityTimeoutSeconds: 5,
  logger,
});
if (options.ltxHangMs) stack.ltx?.setFault({ kind: 'hang', ms: options.ltxHangMs });
process.stdout.write(`${JSON.stringify({ ready: stack.info })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { ltxFault?: LtxFault | null };
  if (command.ltxFault !== undefined) stack.ltx?.setFault(command.ltxFault);
  process.stdout.write(`${JSON.stringify({ ok: line })}\n`);
});

process.once('SIGTERM', () => {
  void stack.stop().then(() => process.exit(0));
});
