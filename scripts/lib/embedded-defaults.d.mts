export type Env = Record<string, string | undefined>;
/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
export declare const EMBEDDED_DB_DEFAULT_PORT = 54329;
export declare const EMBEDDED_DB_HOST = "127.0.0.1";
/**
 * The embedded database's port: EMBEDDED_DB_PORT, else 54329.
 * @param {Env} [env]
 */
export declare function embeddedDbPort(env?: Env): number;
/**
 * Connection URL of the embedded database. PGlite accepts any user and password; these are
 * fixed and not secret (it only listens on 127.0.0.1).
 * @param {number} port
 */
export declare function embeddedDbUrl(port: number): string;
