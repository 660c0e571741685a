#!/usr/bin/env node
export declare const DEFAULT_DATA_DIR = ".data/pglite";
export type EmbeddedDb = {
    url: string;
    port: number;
    dataDir: string;
    stop: () => Promise<void>;
};
/**
 * @typedef {{ url: string, port: number, dataDir: string, stop: () => Promise<void> }} EmbeddedDb
 */
/**
 * Starts PGlite on `dataDir` and serves it on 127.0.0.1:`port`.
 * @param {{ dataDir?: string, port?: number }} [options]
 *   dataDir: folder for the data (created if missing), or "memory://" for a throw-away database;
 *   port: TCP port, 0 for any free one. Defaults: .data/pglite and EMBEDDED_DB_PORT or 54329.
 * @returns {Promise<EmbeddedDb>}
 */
export declare function startEmbeddedDb({ dataDir, port }?: {
    dataDir?: string;
    port?: number;
}): Promise<EmbeddedDb>;
