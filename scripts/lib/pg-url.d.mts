export type PgConnectionFields = {
    host: string;
    port: number;
    user: string;
    password: string | undefined;
    database: string;
    ssl?: boolean | {
        rejectUnauthorized: boolean;
    };
};
/**
 * @typedef {{ host: string, port: number, user: string, password: string | undefined, database: string, ssl?: boolean | { rejectUnauthorized: boolean } }} PgConnectionFields
 */
/**
 * Splits a `postgres://` or `postgresql://` URL into the fields `pg.Client` accepts.
 * @param {string} url
 * @returns {PgConnectionFields}
 */
export declare function pgFieldsFromUrl(url: string): PgConnectionFields;
/**
 * The same URL pointing at another database on the same server.
 * @param {string} url
 * @param {string} database
 */
export declare function withDatabase(url: string, database: string): string;
/**
 * The URL with its password replaced by `***`, safe for logs and error messages.
 * Falls back to a generic placeholder when the input is not a URL at all, so a malformed
 * secret never leaks through an error message.
 * @param {string | undefined} url
 */
export declare function redactUrl(url: string | undefined): string;
/**
 * Quotes an identifier for SQL (`CREATE DATABASE "..."`). Identifiers cannot be bind parameters.
 * @param {string} name
 */
export declare function quoteIdent(name: string): string;
