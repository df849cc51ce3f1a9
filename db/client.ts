/**
 * Opens the database: embedded PGlite in a data folder by default, PostgreSQL when a URL is given.
 * Both are driven through the same Drizzle schema, queries and migrations.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The Drizzle handle every query module takes; the same type for PGlite and PostgreSQL. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  readonly db: Db;
  readonly kind: "pglite" | "postgres";
  /** A cheap round trip, for health checks. */
  ping(): Promise<void>;
  /** Waits for queries in flight, then releases the connection(s). */
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: "pglite"; dataDir: string | null }
  | { kind: "postgres"; url: string; /** Defaults: {@link POSTGRES_POOL_TIMEOUTS}. */ timeouts?: Partial<PostgresPoolTimeouts> };

/** Bounds of the PostgreSQL pool, in ms (node-postgres option names). */
export interface PostgresPoolTimeouts {
  /** Connecting (TCP and startup) may take this long. */
  connectionTimeoutMillis: number;
  /** The server cancels a statement running longer (SQLSTATE 57014). */
  statement_timeout: number;
  /** The client gives up on a query the server does not answer. */
  query_timeout: number;
  /** The server ends a session left idle inside a transaction. */
  idle_in_transaction_session_timeout: number;
  /** An idle pooled connection is closed after this long. */
  idleTimeoutMillis: number;
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Opens the target and applies pending migrations before returning. */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  const database = target.kind === "pglite" ? await openPglite(target.dataDir) : await openPostgres(target.url, target.timeouts);
  try {
    await migrateDatabase(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/**
 * PGlite's PostgreSQL settings. `shared_buffers` is 128MB in PGlite's build: PostgreSQL's buffer cache lives inside
 * the WebAssembly heap, on top of the kernel's page cache that already holds the data files (PGlite reads them
 * through Node's file system), so a big cache is mostly a second copy. Measured here (Node 20, PGlite 0.5.16, a
 * 44 MB table scanned 20 times, after GC): RSS 332 MB with 128MB, 184 MB with 32MB or 16MB.
 */
export const PGLITE_SETTINGS = ["shared_buffers = 32MB"];

async function openPglite(dataDir: string | null): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  // Trigram similarity for the search fallback (migration 0004 creates the extension; PGlite must ship it).
  const { pg_trgm } = await import("@electric-sql/pglite/contrib/pg_trgm");
  const options = { extensions: { pg_trgm }, postgresqlconf: PGLITE_SETTINGS };
  // null = in memory, used by tests.
  const client = dataDir ? new PGlite(dataDir, options) : new PGlite(options);
  await client.waitReady;
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    ping: async () => {
      await client.query("select 1");
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/**
 * Bounds on every PostgreSQL round trip, so a hung or unreachable database fails queries (which the callers retry or
 * report) instead of piling them up: connecting waits at most 5 s; the server cancels a statement after 10 s
 * (`statement_timeout`) and ends a session idle inside a transaction after 30 s; the client gives up on a query
 * after 15 s even if the server never answers (`query_timeout`); TCP keepalive notices a dead peer. All in ms.
 */
export const POSTGRES_POOL_TIMEOUTS: Readonly<PostgresPoolTimeouts> = {
  connectionTimeoutMillis: 5_000,
  statement_timeout: 10_000,
  query_timeout: 15_000,
  idle_in_transaction_session_timeout: 30_000,
  idleTimeoutMillis: 30_000,
};

/** How long closing waits for pooled connections still checked out before it lets them go (ms). */
const POOL_END_WAIT_MS = 3_000;

async function openPostgres(url: string, timeouts: Partial<PostgresPoolTimeouts> = {}): Promise<Database> {
  const { Pool } = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new Pool({ connectionString: url, max: 10, keepAlive: true, ...POSTGRES_POOL_TIMEOUTS, ...timeouts });
  // Checked-out clients go back to the pool when their connection fails. Drizzle's `transaction` does not release its
  // client when `begin` itself fails (drizzle-orm's node-postgres session runs `begin` before its try/finally): a
  // connection lost at that moment kept the client checked out for ever, so `pool.end()` never resolved (shutdown hung
  // past its deadline with the database down) and each such loss shrank the pool by one. `release` becomes
  // idempotent, so drizzle's own release after ours does nothing. The callback form (`pool.query`) releases itself.
  const connect = pool.connect.bind(pool);
  pool.connect = ((callback?: Parameters<typeof connect>[0]) => {
    if (callback) return connect(callback);
    return connect().then((client) => {
      const release = client.release.bind(client);
      let released = false;
      const onError = (error: Error) => client.release(error);
      client.release = (destroy?: Error | boolean) => {
        if (released) return;
        released = true;
        client.off("error", onError);
        release(destroy);
      };
      client.on("error", onError);
      return client;
    });
  }) as typeof pool.connect;
  // A lost connection must not crash the process. The pool reports an idle client's error on itself; a checked-out
  // client (a transaction between statements) emits it on the client, where an unheard 'error' event is an uncaught
  // exception. The statement in flight, or the next one, fails with the error instead; the pool then replaces the client.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = drizzle(pool, { schema }) as unknown as Db;
  await db.execute(sql`select 1`);
  return {
    db,
    kind: "postgres",
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    // Bounded: a client some library still holds must not keep a shutdown waiting; its connection dies with the process.
    close: async () => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pool.end(), new Promise<void>((resolve) => (timer = setTimeout(resolve, POOL_END_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}

async function migrateDatabase(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_DIR };
  if (database.kind === "pglite") {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    await migrate(database.db as never, config);
  } else {
    const { migrate } = await import("drizzle-orm/node-postgres/migrator");
    await migrate(database.db as never, config);
  }
}
