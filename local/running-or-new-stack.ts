import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createReadableLogger } from '../shared/adapters/readable-logger';
import type { LocalStackSettings } from './local-stack-settings';
import { startLocalStack } from './stack';

export interface StackInfo {
  supabaseUrl: string;
  supabaseAnonKey: string;
  uploadsUrl: string;
  webUrl: string;
}

async function runningStack(dataDir: string): Promise<StackInfo | null> {
  try {
    const info = JSON.parse(await readFile(resolve(dataDir, 'stack.json'), 'utf8')) as StackInfo;
    const res = await fetch(`${info.webUrl}/config.json`, { signal: AbortSignal.timeout(1500) });
    return res.ok ? info : null;
  } catch {
    return null;
  }
}

/**
 * The stack `npm start` is running (found by its stack.json and asked for /config.json), or a new one
 * started with the same settings; `stop` stops only a stack started here. For the demo and the
 * screenshot script, which work as a user would: through the web endpoints, not the stack's internals.
 */
export async function runningOrNewStack(settings: LocalStackSettings, say: (line: string) => void): Promise<{ info: StackInfo; stop: () => Promise<void> }> {
  const running = await runningStack(settings.dataDir);
  if (running) {
    say(`Using the running stack at ${running.webUrl}`);
    return { info: running, stop: async () => undefined };
  }
  say('Starting the local stack (first start takes a little longer)…');
  const started = await startLocalStack({
    dataDir: resolve(settings.dataDir),
    realLtx: settings.realLtx,
    env: settings.env,
    ports: settings.ports,
    staticDir: resolve('web/public'),
    logger: createReadableLogger({ level: settings.verbose ? 'debug' : 'info' }),
  });
  return { info: started.info, stop: () => started.stop() };
}
