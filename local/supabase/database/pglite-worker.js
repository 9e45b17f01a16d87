// @ts-check
/**
 * The worker thread that owns the embedded Postgres (PGlite). It is deliberately dumb: it runs the
 * statements the main thread sends, one at a time, and posts back rows, errors and notifications.
 * Scheduling, transactions, statement timeouts and restarts are decided on the main thread
 * (pglite-database.ts), which may terminate this thread mid-statement: PGlite cannot cancel a
 * running query, and a terminated worker leaves the data directory as a crashed Postgres would,
 * to be recovered from its WAL by the next worker.
 *
 * Plain JavaScript on purpose: a worker thread does not inherit vitest's TypeScript transform.
 *
 * in:  {open: true}                                 (first message: open the database, then {ready: true})
 *      {id, batch: [{sql, params?}], checkWrite?}  (no params: simple protocol, several statements allowed)
 *      {close: true}                                (clean shutdown, then {closed: true})
 * out: {loaded: true} | {ready: true} | {id, rows, affectedRows, wrote?} | {id, error} | {notify: {channel, payload}} | {fatal}
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

// Postgres keeps its files private (0600, directories 0700) and so do we; Emscripten's file system
// creates them with 0666/0777 under the umask (initdb's files even chmod'ed 0666). This thread owns
// nothing but the database files, so its own copy of `fs` (a worker's modules are its own) gets
// owner-only modes on everything it creates or chmods. Patched before PGlite loads.
/** @param {unknown} mode */
const ownerOnly = (mode) => (typeof mode === 'number' ? mode & 0o700 : mode);
const { mkdirSync, writeFileSync, chmodSync, fchmodSync } = fs;
Object.assign(fs, {
  /** @type {typeof fs.mkdirSync} */
  mkdirSync: (/** @type {any} */ p, /** @type {any} */ o) =>
    mkdirSync(p, typeof o === 'object' && o !== null ? { ...o, mode: ownerOnly(o.mode ?? 0o700) } : /** @type {number} */ (ownerOnly(o ?? 0o700))),
  /** @type {typeof fs.writeFileSync} */
  writeFileSync: (/** @type {any} */ p, /** @type {any} */ data, /** @type {any} */ o) =>
    writeFileSync(p, data, { ...(typeof o === 'string' ? { encoding: o } : o), mode: ownerOnly(o?.mode ?? 0o600) }),
  chmodSync: (/** @type {any} */ p, /** @type {any} */ mode) => chmodSync(p, /** @type {number} */ (ownerOnly(mode))),
  fchmodSync: (/** @type {any} */ fd, /** @type {any} */ mode) => fchmodSync(fd, /** @type {number} */ (ownerOnly(mode))),
});
const { PGlite } = await import('@electric-sql/pglite');

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { dataDir, wasmModule, fsBundle } = /** @type {{dataDir: string, wasmModule?: WebAssembly.Module, fsBundle?: Blob}} */ (workerData);

/** @param {unknown} err */
function plainError(err) {
  /** @type {Record<string, unknown>} */
  const out = { message: err instanceof Error ? err.message : String(err) };
  if (err && typeof err === 'object') {
    for (const [k, v] of Object.entries(err)) if (v === undefined || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  }
  return out;
}

// Loaded and waiting: a spare thread is made ahead of time so that a restart only opens the database.
port.postMessage({ loaded: true });
await new Promise((resolve) => port.once('message', resolve)); // {open: true}

let pg;
try {
  pg = await PGlite.create({
    dataDir,
    ...(wasmModule ? { pgliteWasmModule: wasmModule } : {}),
    ...(fsBundle ? { fsBundle } : {}),
    // 16 MB of buffers (Postgres's default is 128 MB) is plenty for a local database and starts a
    // third faster, which is what a restart after a statement timeout waits for.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
  });
} catch (err) {
  port.postMessage({ fatal: plainError(err) });
  process.exit(1);
}
const db = pg;
db.onNotification((channel, payload) => port.postMessage({ notify: { channel, payload } }));

/**
 * @typedef {{sql: string, params?: unknown[]}} Statement
 * @param {Statement} st
 */
async function run(st) {
  if (!st.params || st.params.length === 0) {
    const results = await db.exec(st.sql);
    const last = results[results.length - 1];
    return { rows: last?.rows ?? [], affectedRows: last?.affectedRows };
  }
  const r = await db.query(st.sql, st.params);
  return { rows: r.rows, affectedRows: r.affectedRows };
}

/** @param {Record<string, unknown>} message */
function post(message) {
  try {
    port.postMessage(message);
  } catch (err) {
    // A value the structured clone cannot carry: report it rather than leave the caller waiting.
    port.postMessage({ id: message.id, error: { message: `cannot pass the result to the main thread: ${plainError(err).message}` } });
  }
}

/** @type {Promise<void>} */
let queue = Promise.resolve();
/**
 * `batch`: statements run in order, the last one's result answered, the first error answered instead.
 * `checkWrite`: also answer whether the open transaction has written anything yet (an assigned xid).
 */
port.on('message', (/** @type {{id?: number, batch?: Statement[], checkWrite?: boolean, close?: boolean}} */ m) => {
  queue = queue.then(async () => {
    if (m.close) {
      await db.close().catch(() => undefined);
      port.postMessage({ closed: true });
      return;
    }
    try {
      let result = { rows: /** @type {unknown[]} */ ([]), affectedRows: /** @type {number | undefined} */ (undefined) };
      for (const st of m.batch ?? []) result = await run(st);
      /** @type {boolean | undefined} */
      let wrote;
      if (m.checkWrite) wrote = (await db.query('select txid_current_if_assigned() is not null as w')).rows[0]?.w === true;
      post({ id: m.id, rows: result.rows, affectedRows: result.affectedRows, wrote });
    } catch (err) {
      post({ id: m.id, error: plainError(err) });
    }
  });
});
port.postMessage({ ready: true });
