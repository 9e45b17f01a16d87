import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LtxFault } from '../../local/ltx/server';

const SCRIPT = fileURLToPath(new URL('./stack-process.ts', import.meta.url));

export interface StackInfo {
  bucket: string;
  supabaseUrl: string;
  supabaseAnonKey: string;
  supabaseServiceRoleKey: string;
  uploadsUrl: string;
  s3Endpoint: string;
  s3AccessKeyId: string;
  s3SecretAccessKey: string;
  region: string;
}

export interface StackChild {
  info: StackInfo;
  pid: number;
  /** stderr so far (the stack's log lines), for failure messages. */
  log(): string;
  /** Switches the child's LTX stand-in into a fault (or back to normal). */
  setLtxFault(fault: LtxFault | null): Promise<void>;
  /** Kills the child's whole process group (the stack, its Chromium and FFmpeg) at once, as a crash would. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Free ports picked now and reused across restarts (the stored media URLs name the web port). */
export async function pickPorts(): Promise<{ web: number; supabase: number; s3: number; ltx: number; events: number; sqs: number }> {
  const one = () =>
    new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
  const ports: number[] = [];
  // Sequential binds could hand back the same port once it is closed: keep asking until all differ.
  while (ports.length < 6) {
    const port = await one();
    if (!ports.includes(port)) ports.push(port);
  }
  const [web, supabase, s3, ltx, events, sqs] = ports as [number, number, number, number, number, number];
  return { web, supabase, s3, ltx, events, sqs };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts test/faults/stack-process.ts in its own process group and waits for its ready line. */
export async function startStackChild(options: { dataDir: string; ports: Awaited<ReturnType<typeof pickPorts>>; ltxHangMs?: number }, timeoutMs = 60_000): Promise<StackChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, JSON.stringify(options)], {
    cwd: process.cwd(),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, VERBOSE: '' },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    if (stderr.length > 2_000_000) stderr = stderr.slice(-1_000_000);
  });
  const pid = child.pid!;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<StackInfo>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup('SIGKILL');
      reject(new Error(`the stack process did not get ready within ${timeoutMs} ms:\n${stderr.slice(-4000)}`));
    }, timeoutMs);
    lines.on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { ready: StackInfo }).ready);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the stack process exited (${code ?? signal}) before it was ready:\n${stderr.slice(-4000)}`));
    });
  });
  return {
    info,
    pid,
    log: () => stderr,
    setLtxFault: (fault) =>
      new Promise<void>((resolve) => {
        const line = JSON.stringify({ ltxFault: fault });
        const onLine = (answer: string) => {
          if (answer !== JSON.stringify({ ok: line })) return;
          lines.off('line', onLine);
          resolve();
        };
        lines.on('line', onLine);
        child.stdin!.write(`${line}\n`);
      }),
    crash: async () => {
      killGroup('SIGKILL');
      await exited(child);
    },
    stop: async () => {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(timer);
      // Chromium or FFmpeg left behind by a slow stop.
      killGroup('SIGKILL');
    },
  };
}
