export type Env = Record<string, string | undefined>;
/** Environment variables (process.env or a copy of it). @typedef {Record<string, string | undefined>} Env */
export declare const PROJECT_ROOT: string;
/** Thrown when the CLI exits with a non-zero code; carries what it printed. */
export declare class PrismaCliError extends Error {
    code: number | null;
    output: string;
    name: string;
    /**
     * @param {string[]} args
     * @param {number | null} code
     * @param {string} output stdout and stderr, interleaved as printed
     */
    constructor(args: string[], code: number | null, output: string);
}
/** Path of the CLI's entry script, resolved from the project (not from PATH). */
export declare function prismaCliPath(cwd?: string): string;
/**
 * Runs `prisma <args>`, collecting its output; with `echo`, also forwards it to our stdout/stderr.
 * @param {string[]} args
 * @param {{ cwd?: string, env?: Env, echo?: boolean, timeoutMs?: number }} [options]
 * @returns {Promise<{ stdout: string, stderr: string, output: string }>}
 */
export declare function runPrisma(args: string[], { cwd, env, echo, timeoutMs }?: {
    cwd?: string;
    env?: Env;
    echo?: boolean;
    timeoutMs?: number;
}): Promise<{
    stdout: string;
    stderr: string;
    output: string;
}>;
