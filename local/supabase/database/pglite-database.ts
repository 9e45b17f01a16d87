import type { Database, JwtClaims, QueryResult, SqlExecutor } from './database';
import { preparePgliteDataDir } from './pglite-data-dir';
import { EngineGoneError, PgliteEngine, type EngineResult, type Statement } from './pglite-engine';
import { apiRole, parseStatementTimeout, requestSettingsQuery, type StatementTimeouts } from './request-settings';
import { RoleTimeouts } from './role-timeouts';
import { SUPABASE_BOOTSTRAP_SQL } from './supabase-bootstrap-sql';

export interface PgliteDatabaseOptions {
  /** Directory to persist to; null keeps the database in a scratch directory removed on close (tests). */
  dataDir: string | null;
  /** Per-role statement timeouts overriding the roles' own settings (anon 3 s, authenticated 8 s). */
  statementTimeouts?: StatementTimeouts;
  log?: (line: string) => void;
}

/**
 * Under contention, a replayable statement that has run this long is stopped (worker restarted) so
 * the requests waiting behind it run, then run again; each stop doubles its next slice up to the cap.
 */
const FIRST_SLICE_MS = 250;
const MAX_SLICE_MS = 500;
/** How long close() waits for running statements before it stops the worker anyway. */
const CLOSE_WAIT_MS = 5000;
/**
 * Single-user Postgres (what PGlite is) has no checkpointer: without one, a restart after a
 * statement timeout replays every change since the worker started. A CHECKPOINT this often, when
 * something was written, keeps restarts short (and lets Postgres recycle its WAL).
 */
const CHECKPOINT_EVERY_MS = 30_000;

const quoteIdent = (name: string): string => '"' + name.replace(/"/g, '""') + '"';

/** A Postgres-shaped error (SQLSTATE in `code`), as the REST and Realtime layers expect from the driver. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

/** A connection's use: one plain statement, or one transaction. */
class Session {
  /** `begin` and the request settings, run again when the session resumes after a preemption. */
  opened: Statement[] = [];
  /** Completed statements, run again on resume; only kept while none of them has written. */
  readonly done: Statement[] = [];
  /** True while resuming the transaction elsewhere is indistinguishable for its caller (nothing written, nothing failed). */
  replayable: boolean;
  /** Set once the transaction is lost (statement timeout, worker crash): later statements fail. */
  aborted: Error | null = null;
  timeoutMs = 0;
  preemptions = 0;
  /** Statements of one transaction run one after another even if the caller does not await each. */
  chain: Promise<unknown> = Promise.resolve();
  constructor(readonly inTransaction: boolean) {
    this.replayable = inTransaction;
  }
}

type Outcome = { kind: 'done'; result: EngineResult } | { kind: 'error'; error: Error } | { kind: 'timeout' } | { kind: 'preempted' };

interface InFlight {
  session: Session;
  sliceExpired: boolean;
  preempt: () => void;
}

/**
 * The embedded Postgres behind the Database interface, run in a worker thread (pglite-engine.ts) so
 * that a runaway statement never blocks Node's event loop, and so it can be stopped: PGlite has no
 * way to cancel a statement (its statement_timeout never fires while the WebAssembly is busy), so
 * a statement past its role's timeout is ended by terminating the worker and starting a new one on
 * the same files (~0.3 s; Postgres recovers from its WAL as after a crash: committed data stays,
 * the open transaction is gone), answered with Postgres's own 57014.
 *
 * PGlite is one connection, so statements take turns (a FIFO of sessions). So that one user's slow
 * statement cannot hold everyone else for its whole timeout, a statement of a transaction that has
 * not written yet is preempted when others wait: stopped, the others served, then its transaction
 * replayed (begin, settings, earlier read-only statements) and the statement run again. Its timeout
 * runs on the clock from its first start, as in Postgres. A transaction that has written, and plain statements outside a
 * transaction (internal ones), are never preempted: they keep the connection until they end or
 * time out.
 */
class PgliteDatabase implements Database {
  private engine!: PgliteEngine;
  private ready: Promise<void> = Promise.resolve();
  private holder: Session | null = null;
  private readonly queue: { session: Session; grant: () => void; refuse: (err: Error) => void }[] = [];
  private inflight: InFlight | null = null;
  private readonly channels = new Map<string, Set<(payload: string) => void>>();
  private closed = false;
  /** Worker restarts so far (timeouts, preemptions, crashes), for logs and tests. */
  restarts = 0;
  /** Whether anything may have been written since the last checkpoint. */
  private dirty = true;
  private checkpointTimer: NodeJS.Timeout | undefined;
  /** A worker with PGlite loaded but no database open, ready to take over at the next restart. */
  private spare: PgliteEngine | undefined;

  private readonly roleTimeouts: RoleTimeouts;

  constructor(
    private readonly dir: string,
    timeouts: StatementTimeouts,
    private readonly log: (line: string) => void,
  ) {
    this.roleTimeouts = new RoleTimeouts((sql, params) => this.single({ sql, params }) as Promise<QueryResult<{ role: string; timeout: string | null }>>, timeouts);
  }

  async start(): Promise<void> {
    this.engine = this.newEngine();
    await this.engine.start();
    this.prepareSpare();
    this.checkpointTimer = setInterval(() => void this.checkpoint(), CHECKPOINT_EVERY_MS);
    this.checkpointTimer.unref();
  }

  /** CHECKPOINT if anything was written since the last one (it waits its turn like any statement). */
  async checkpoint(): Promise<void> {
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    await this.single({ sql: 'checkpoint' }).catch((err: unknown) => {
      this.dirty = true;
      if (!this.closed) this.log(`pglite: checkpoint failed: ${(err as Error).message}`);
    });
  }

  query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
    return this.single({ sql, params }) as Promise<QueryResult<T>>;
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction(undefined, fn);
  }

  asRole<T>(claims: JwtClaims, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.inTransaction(claims, fn);
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    let set = this.channels.get(channel);
    if (!set) {
      set = new Set();
      this.channels.set(channel, set);
      await this.single({ sql: `listen ${quoteIdent(channel)}` });
    }
    set.add(onNotify);
    const handlers = set;
    return async () => {
      handlers.delete(onNotify);
      if (handlers.size === 0 && this.channels.get(channel) === handlers) {
        this.channels.delete(channel);
        if (!this.closed) await this.single({ sql: `unlisten ${quoteIdent(channel)}` });
      }
    };
  }

  /**
   * Waits for the statements already queued, then shuts Postgres down cleanly; if they do not end
   * within CLOSE_WAIT_MS (a runaway internal statement), stops the worker as a crash would.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.checkpointTimer);
    const session = new Session(false);
    const turn = this.acquire(session).then(
      () => true,
      () => false,
    );
    const gotTurn = await Promise.race([turn, new Promise<false>((r) => setTimeout(() => r(false), CLOSE_WAIT_MS).unref())]);
    this.closed = true;
    for (const w of this.queue.splice(0)) w.refuse(closedError());
    await this.ready.catch(() => undefined);
    await this.spare?.kill();
    this.spare = undefined;
    if (gotTurn) await this.engine.close();
    else await this.engine.kill();
  }

  private newEngine(): PgliteEngine {
    const engine = new PgliteEngine(
      this.dir,
      (channel, payload) => {
        for (const h of this.channels.get(channel) ?? []) h(payload);
      },
      (crashed) => {
        if (crashed === this.engine && !this.closed) {
          this.log('pglite: the worker crashed');
          this.restart('after a crash');
        }
      },
    );
    return engine;
  }

  /**
   * Stops the worker now and starts another on the same files; statements wait on `ready`.
   * Restarts run one after another, each ending the worker the previous one started.
   */
  private restart(reason: string): void {
    this.restarts++;
    const previous = this.ready;
    this.ready = (async () => {
      await previous.catch(() => undefined);
      const t0 = performance.now();
      await this.engine.kill();
      for (let attempt = 1; ; attempt++) {
        const engine = (attempt === 1 && this.spare) || this.newEngine();
        this.spare = undefined;
        try {
          await engine.start();
          for (const channel of this.channels.keys()) await engine.run([{ sql: `listen ${quoteIdent(channel)}` }]);
          this.engine = engine;
          break;
        } catch (err) {
          await engine.kill();
          if (attempt === 3) {
            this.log(`pglite: restart failed: ${(err as Error).message}`);
            throw err;
          }
        }
      }
      this.log(`pglite: worker restarted (${reason}) in ${Math.round(performance.now() - t0)} ms`);
      this.prepareSpare();
    })();
    this.ready.catch(() => undefined);
  }

  /** Loads the next spare worker in the background (after a start, so it does not compete with one). */
  private prepareSpare(): void {
    if (this.closed) return;
    const spare = this.newEngine();
    this.spare = spare;
    spare.spawn().catch(() => {
      if (this.spare === spare) this.spare = undefined;
    });
  }

  /** Waits for the connection (FIFO); answers false if `deadline` (performance.now() time) passes first. */
  private acquire(session: Session, deadline = Infinity): Promise<boolean> {
    if (this.closed) return Promise.reject(closedError());
    if (!this.holder) {
      this.holder = session;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve, reject) => {
      const waiter = {
        session,
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
        refuse: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer =
        deadline < Infinity
          ? setTimeout(() => {
              const i = this.queue.indexOf(waiter);
              if (i >= 0) this.queue.splice(i, 1);
              resolve(false);
            }, Math.max(0, deadline - performance.now()))
          : undefined;
      this.queue.push(waiter);
      this.maybePreempt();
    });
  }

  private release(session: Session): void {
    if (this.holder !== session) return;
    const next = this.queue.shift();
    this.holder = next?.session ?? null;
    next?.grant();
  }

  private maybePreempt(): void {
    const f = this.inflight;
    if (f && f.sliceExpired && f.session.replayable && this.queue.length > 0) f.preempt();
  }

  private async single(st: Statement): Promise<EngineResult> {
    const session = new Session(false);
    await this.acquire(session);
    try {
      return await this.execute(session, [st], { preemptible: false, checkWrite: false, timeoutMs: 0 });
    } finally {
      this.release(session);
    }
  }

  private async inTransaction<T>(claims: JwtClaims | undefined, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const open: Statement[] = [{ sql: 'begin' }];
    if (claims) open.push(requestSettingsQuery(claims, await this.roleTimeouts.forRole(apiRole(claims)))); // apiRole throws before any SQL
    const session = new Session(true);
    await this.acquire(session);
    try {
      try {
        const opened = await this.execute(session, open, { preemptible: false, checkWrite: false, timeoutMs: 0 });
        session.opened = open;
        if (claims) session.timeoutMs = parseStatementTimeout((opened.rows[0] as { statement_timeout?: unknown } | undefined)?.statement_timeout);
      } catch (err) {
        await this.end(session, 'rollback').catch(() => undefined);
        throw err;
      }
      const tx: SqlExecutor = {
        query: <R>(sql: string, params?: unknown[]) => {
          const next = session.chain.then(() => this.statement(session, { sql, params }));
          session.chain = next.catch(() => undefined);
          return next as Promise<QueryResult<R>>;
        },
      };
      let value: T;
      try {
        value = await fn(tx);
        await session.chain;
      } catch (err) {
        await session.chain;
        await this.end(session, 'rollback').catch(() => undefined);
        throw err;
      }
      await this.end(session, 'commit');
      return value;
    } finally {
      this.release(session);
    }
  }

  private async statement(session: Session, st: Statement): Promise<EngineResult> {
    if (this.holder !== session) throw new Error('a transaction statement ran after its transaction ended (a query on `tx` outside its callback?)');
    if (session.aborted) throw pgError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    try {
      const r = await this.execute(session, [st], { preemptible: true, checkWrite: session.replayable, timeoutMs: session.timeoutMs });
      if (r.wrote) session.replayable = false;
      if (session.replayable) session.done.push(st);
      return r;
    } catch (err) {
      session.replayable = false; // Postgres aborted the transaction; a replay would not reproduce that
      throw err;
    }
  }

  /** COMMIT or ROLLBACK; nothing to do when the worker that held the transaction is gone (COMMIT of an aborted transaction rolls back in Postgres too). */
  private async end(session: Session, verb: 'commit' | 'rollback'): Promise<void> {
    if (session.aborted) return;
    await this.execute(session, [{ sql: verb }], { preemptible: false, checkWrite: false, timeoutMs: 0 });
  }

  /**
   * Runs `batch` for the session holding the connection: under its statement timeout, giving way
   * (preempted) and resuming as many times as needed.
   */
  private async execute(session: Session, batch: Statement[], opts: { preemptible: boolean; checkWrite: boolean; timeoutMs: number }): Promise<EngineResult> {
    // As in Postgres, the timeout runs on the clock from the statement's start: time spent giving
    // way to others (and on the restarts that costs) counts.
    const deadline = opts.timeoutMs > 0 ? performance.now() + opts.timeoutMs : Infinity;
    for (;;) {
      await this.ready;
      const outcome = await this.runOnce(session, batch, opts.preemptible, opts.checkWrite, deadline - performance.now());
      switch (outcome.kind) {
        case 'done':
          return outcome.result;
        case 'error':
          throw outcome.error;
        case 'timeout':
          throw this.timedOut(session);
        case 'preempted':
          session.preemptions++;
          this.release(session);
          if (!(await this.acquire(session, deadline))) throw this.timedOut(session); // its transaction went with the worker
          await this.ready;
          await this.resume(session, deadline);
      }
    }
  }

  private timedOut(session: Session): Error {
    session.aborted = pgError('57014', 'canceling statement due to statement timeout');
    return session.aborted;
  }

  /** Re-opens a preempted session's transaction on the new worker: begin, settings, earlier read-only statements. */
  private async resume(session: Session, deadline: number): Promise<void> {
    for (const batch of [session.opened, ...session.done.map((st) => [st])]) {
      const outcome = await this.runOnce(session, batch, false, false, deadline - performance.now());
      if (outcome.kind === 'timeout') throw this.timedOut(session);
      if (outcome.kind === 'error') throw outcome.error;
      if (outcome.kind !== 'done') throw pgError('08006', 'the embedded Postgres stopped while resuming a transaction');
    }
  }

  private runOnce(session: Session, batch: Statement[], preemptible: boolean, checkWrite: boolean, budgetMs: number): Promise<Outcome> {
    if (batch[0]?.sql !== 'checkpoint') this.dirty = true;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const finish = (o: Outcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        clearTimeout(slice);
        if (this.inflight === inflight) this.inflight = null;
        resolve(o);
      };
      const inflight: InFlight = {
        session,
        sliceExpired: false,
        preempt: () => {
          this.restart('a long statement gave way to waiting requests');
          finish({ kind: 'preempted' });
        },
      };
      const timeout =
        budgetMs < Infinity
          ? setTimeout(() => {
              this.restart(`statement timeout of ${session.timeoutMs} ms`);
              finish({ kind: 'timeout' });
            }, Math.max(0, budgetMs))
          : undefined;
      const slice = preemptible
        ? setTimeout(() => {
            inflight.sliceExpired = true;
            this.maybePreempt();
          }, Math.min(FIRST_SLICE_MS * 2 ** session.preemptions, MAX_SLICE_MS))
        : undefined;
      this.inflight = inflight;
      this.engine.run(batch, checkWrite).then(
        (result) => finish({ kind: 'done', result }),
        (err: unknown) => {
          if (settled) return; // stopped on purpose (timeout, preemption): already answered
          if (err instanceof EngineGoneError) {
            // The worker died under this statement: the transaction is gone, as with a lost connection.
            session.aborted = pgError('08006', `the embedded Postgres stopped during the statement: ${err.message}`);
            finish({ kind: 'error', error: session.aborted });
          } else finish({ kind: 'error', error: err as Error });
        },
      );
    });
  }
}

function closedError(): Error {
  return pgError('08003', 'the database is closed');
}

/**
 * Embedded Postgres with Supabase's roles, `auth` schema and helpers, in a worker thread. PGlite has
 * one connection: queries and transactions queue behind each other, so never call `db.query` from
 * inside a `transaction`/`asRole` callback (use the `tx` it hands you) or the two wait on each other
 * forever.
 */
export async function createPgliteDatabase(opts: PgliteDatabaseOptions): Promise<Database & { readonly restarts: number }> {
  const data = await preparePgliteDataDir(opts.dataDir);
  const db = new PgliteDatabase(data.dir, opts.statementTimeouts ?? {}, opts.log ?? (() => undefined));
  try {
    await db.start();
    await db.query(SUPABASE_BOOTSTRAP_SQL);
    await db.checkpoint();
  } catch (err) {
    await db.close().catch(() => undefined);
    await data.dispose();
    throw err;
  }
  const close = db.close.bind(db);
  db.close = async () => {
    await close();
    await data.dispose();
  };
  return db;
}
