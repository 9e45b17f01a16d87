/**
 * The local Supabase API in a process of its own, as Supabase is a service of its own in production:
 * its REST, Auth and Realtime work then runs on another core than the pipeline's API and handlers,
 * instead of queueing behind them on one event loop. Used for a real PostgreSQL (DATABASE_URL): the
 * parent reaches the same database through a pool of its own for `db`. PGlite lives inside one
 * process, so the stack keeps it in-process (startSupabaseLocal).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createPostgresDatabase } from './database/postgres-database';
import type { SupabaseLocal, SupabaseLocalOptions } from './start-supabase-local';
import type { SupabaseChildMessage, SupabaseParentMessage, SupabaseProcessOptions } from './supabase-process-messages';

const CHILD = fileURLToPath(new URL('./supabase-child.ts', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** tsx's loader, so the child runs the TypeScript sources as this process does. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startSupabaseProcess(options: SupabaseProcessOptions & { databaseUrl: string; log?: SupabaseLocalOptions['log'] }): Promise<SupabaseLocal> {
  const { log = () => undefined, ...childOptions } = options;
  const child = fork(CHILD, [], { execArgv: ['--import', tsxLoader()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  const send = (message: SupabaseParentMessage) => {
    if (child.connected) child.send(message);
  };
  const ready = await new Promise<Extract<SupabaseChildMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the local Supabase process did not start within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.on('message', (message: SupabaseChildMessage) => {
      if (message.type === 'log') log(message.line);
      else if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the local Supabase process failed to start: ${message.error}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the local Supabase process exited (${signal ?? code}) before it was ready`));
    });
    send({ type: 'start', options: childOptions });
  }).catch(async (err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  let db;
  try {
    // The child bootstrapped the database before it said ready: the parent's pool only connects.
    db = await createPostgresDatabase({ connectionString: options.databaseUrl, bootstrapped: true, log });
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const database = db;
  let stopped: Promise<void> | undefined;
  return {
    url: ready.url,
    anonKey: ready.anonKey,
    serviceRoleKey: ready.serviceRoleKey,
    jwtSecret: ready.jwtSecret,
    jwksUrl: ready.jwksUrl,
    db: database,
    setUnavailable: (on) => send({ type: 'unavailable', on }),
    stop: () =>
      (stopped ??= (async () => {
        send({ type: 'stop' });
        await waitForExit(child, STOP_TIMEOUT_MS);
        await database.close();
      })()),
  };
}
