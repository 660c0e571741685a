export type Env = Record<string, string | undefined>;
/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
export declare const ENGINE_OVERRIDE_VAR = "CHURNLESS_SCHEMA_ENGINE";
export declare const SHIM_PATH: string;
export type SchemaEngineChoice = {
    engine: 'native' | 'wasm' | 'custom';
    binary: string | undefined;
    reason: string;
};
/**
 * @typedef {{ engine: 'native' | 'wasm' | 'custom', binary: string | undefined, reason: string }} SchemaEngineChoice
 *   binary: what PRISMA_SCHEMA_ENGINE_BINARY must be; undefined = unset it and let the CLI resolve
 *   (and if needed download) the native engine itself.
 */
/**
 * The decision, without any I/O.
 * @param {{
 *   requested?: string,
 *   customBinary?: string,
 *   native: { path: string } | { missing: string },
 *   isEmbeddedDb?: boolean,
 *   shimPath?: string,
 * }} input
 *   requested: value of CHURNLESS_SCHEMA_ENGINE; customBinary: a PRISMA_SCHEMA_ENGINE_BINARY that
 *   is not our shim; native: result of findNativeSchemaEngine().
 * @returns {SchemaEngineChoice}
 */
export declare function chooseSchemaEngine({ requested, customBinary, native, isEmbeddedDb, shimPath }: {
    requested?: string;
    customBinary?: string;
    native: {
        path: string;
    } | {
        missing: string;
    };
    isEmbeddedDb?: boolean;
    shimPath?: string;
}): SchemaEngineChoice;
/**
 * Looks for a native schema engine that the CLI would use without downloading anything: a file
 * `schema-engine-<binary target>` in @prisma/engines that runs here and reports the engine
 * version this Prisma expects (the CLI re-downloads a binary of another version).
 * @param {{ enginesDir?: string, expectedVersion?: string }} [where] defaults: the installed @prisma/engines
 * @returns {{ path: string } | { missing: string }}
 */
export declare function findNativeSchemaEngine(where?: {
    enginesDir?: string;
    expectedVersion?: string;
}): {
    path: string;
} | {
    missing: string;
};
/**
 * True when the URL is the embedded database's (the launcher's default) address.
 * @param {string | undefined} url
 * @param {Env} [env]
 */
export declare function isEmbeddedDbUrl(url: string | undefined, env?: Env): boolean;
/**
 * Applies the choice to `env` (process.env for the CLI) and returns it. Also turns off
 * Prisma's update check (CHECKPOINT_DISABLE), which calls checkpoint.prisma.io.
 * @param {{ env?: Env, databaseUrl?: string, log?: (line: string) => void }} [options]
 * @returns {SchemaEngineChoice}
 */
export declare function configureSchemaEngine({ env, databaseUrl, log }?: {
    env?: Env;
    databaseUrl?: string;
    log?: (line: string) => void;
}): SchemaEngineChoice;
