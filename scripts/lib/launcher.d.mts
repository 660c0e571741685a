export type Env = Record<string, string | undefined>;
export type CompanionService = {
    name: string;
    enabled: (env: Env) => boolean;
    start: (env: Env) => Promise<{
        env?: Record<string, string>;
        stop: () => Promise<void>;
    }>;
};
/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
/**
 * A process the app needs next to it in local mode.
 * @typedef {{
 *   name: string,
 *   enabled: (env: Env) => boolean,
 *   start: (env: Env) => Promise<{ env?: Record<string, string>, stop: () => Promise<void> }>,
 * }} CompanionService
 */
/**
 * Companion services, started after the database and before migrations and the app; each is
 * stopped when the app exits. The Stripe sandbox gives the app STRIPE_SANDBOX_URL.
 * @type {CompanionService[]}
 */
export declare const companionServices: CompanionService[];
/**
 * @param {{
 *   cwd: string,
 *   command: string[],
 *   env?: Env,
 *   services?: CompanionService[],
 *   log?: (line: string) => void,
 * }} options
 *   command: the app process (argv[0] is the executable); env: defaults to process.env.
 * @returns {Promise<number>} the exit code to exit with
 */
export declare function launch({ cwd, command, env, services, log }: {
    cwd: string;
    command: string[];
    env?: Env;
    services?: CompanionService[];
    log?: (line: string) => void;
}): Promise<number>;
/**
 * Runs the app with inherited stdio until it exits; SIGINT/SIGTERM are passed on to it.
 * With APP_LOG_FILE set, its stdout and stderr are also copied into that file (emptied first).
 */
export declare function runApp({ command, cwd, env }: {
    command: string[];
    cwd: string;
    env: Env;
}): Promise<number>;
