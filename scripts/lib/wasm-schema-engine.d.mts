export type PanicRegistry = {
    message: string;
    set_message: (message: string) => void;
};
/**
 * Instantiates the wasm module once per process. The package's default entry imports the .wasm
 * file as an ES module, which Node 20 cannot do, so we instantiate it by hand.
 */
export declare function loadSchemaEngineWasm(): Promise<typeof import("@prisma/schema-engine-wasm/schema_engine_bg")>;
/** The panic message the engine left behind, if the last failure was a panic. */
export declare function takeWasmPanicMessage(): string;
/**
 * Makes an adapter-pg queryable (adapter or transaction) accept `"char"` result columns.
 *
 * adapter-pg maps result columns to Prisma column types in queryRaw() and throws
 * UnsupportedNativeDataType for OID 18. We let the rows through as text (performIO is the one
 * place that sees pg's field list) and then report those columns as ColumnType.Character, which
 * is what the engine's describer reads them as. The patch is per instance, not on the prototype,
 * so nothing else in the process is affected.
 *
 * @template {object} T
 * @param {T} queryable
 * @returns {T}
 */
export declare function withCharColumns<T extends object>(queryable: T): T;
/**
 * GOTCHA: adapter-pg's executeScript splits a migration on every `;` — including a `;` inside a
 * comment, a string or a function body — and runs the pieces one by one. Send the script
 * whole instead: PostgreSQL's simple-query protocol runs several statements in one call, which
 * is what the native schema engine does too.
 * @template {object} T
 * @param {T} adapter
 * @returns {T}
 */
export declare function withWholeScripts<T extends object>(adapter: T): T;
/**
 * Runs one statement on a short-lived connection.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields
 * @param {string} sql
 * @param {unknown[]} [params]
 * @returns {Promise<import('pg').QueryResult<Record<string, unknown>>>}
 */
export declare function queryOnce(fields: import('./pg-url.mjs').PgConnectionFields, sql: string, params?: unknown[]): Promise<import('pg').QueryResult<Record<string, unknown>>>;
/**
 * True when the server is PGlite (served through pglite-socket). PGlite serves exactly one
 * database whatever name the client asks for, so CREATE DATABASE cannot give us a separate shadow.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields
 */
export declare function isPglite(fields: import('./pg-url.mjs').PgConnectionFields): Promise<boolean>;
/** Thrown when a database offered as a shadow database is not disposable. */
export declare class UnsafeShadowDatabaseError extends Error {
    name: string;
}
/**
 * Refuses a shadow database that looks like a real one. A shadow database is wiped before use,
 * so pointing it at the main database by mistake would destroy data. The tell-tale sign of a
 * real database is Prisma's migration history table.
 * @param {import('./pg-url.mjs').PgConnectionFields} fields where the shadow database lives
 * @param {string} [expectedDatabase] the database we meant to reach; checked against current_database()
 */
export declare function assertDisposableShadowDatabase(fields: import('./pg-url.mjs').PgConnectionFields, expectedDatabase?: string): Promise<void>;
/**
 * Decides where shadow databases come from:
 *   1. SHADOW_DATABASE_URL / datasource.shadowDatabaseUrl: that database, checked and reset;
 *   2. a PGlite main database: a private in-memory PGlite;
 *   3. otherwise: a temporary database created next to the main one and dropped afterwards
 *      (needs CREATEDB, like the native engine).
 * @param {{ url: string, shadowDatabaseUrl?: string }} options
 */
export declare function createShadowProvider({ url, shadowDatabaseUrl }: {
    url: string;
    shadowDatabaseUrl?: string;
}): {
    /**
     * Opens a clean shadow database; the adapter's dispose() releases (or drops) it.
     * @returns {Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>}
     */
    connect(): Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>;
    close(): Promise<void>;
};
/**
 * A migration-aware adapter factory for the wasm engine: the main database from separate
 * fields, shadow databases from createShadowProvider().
 * @param {{ url: string, shadowDatabaseUrl?: string }} options
 */
export declare function createAdapterFactory({ url, shadowDatabaseUrl }: {
    url: string;
    shadowDatabaseUrl?: string;
}): {
    factory: {
        provider: 'postgres';
        adapterName: string;
        /** @returns {Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>} */
        connect: () => Promise<import('@prisma/driver-adapter-utils').SqlDriverAdapter>;
        connectToShadowDb: () => Promise<import("@prisma/driver-adapter-utils").SqlDriverAdapter>;
    };
    close: () => Promise<void>;
};
/**
 * Starts a wasm schema engine for one database.
 * @param {{ url: string, shadowDatabaseUrl?: string, datamodels?: [string, string][], log?: (line: string) => void }} options
 *   datamodels: `[path, contents]` of each schema file; empty means "no schema" (e.g. `migrate deploy`).
 */
export declare function createWasmSchemaEngine({ url, shadowDatabaseUrl, datamodels, log }: {
    url: string;
    shadowDatabaseUrl?: string;
    datamodels?: [string, string][];
    log?: (line: string) => void;
}): Promise<{
    engine: import("@prisma/schema-engine-wasm/schema_engine_bg").SchemaEngine;
    close: () => Promise<void>;
    describeError: (error: unknown) => string;
}>;
/** Version of the bundled wasm engine, e.g. for `--version`. */
export declare function wasmEngineVersion(): Promise<string>;
