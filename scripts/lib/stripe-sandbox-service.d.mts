/** On with the embedded database unless STRIPE_SANDBOX=0; anywhere with STRIPE_SANDBOX=1; never when STRIPE_SANDBOX_URL points at one already. */
/** @param {Record<string, string | undefined>} env */
export declare function sandboxWanted(env: Record<string, string | undefined>): boolean;
/**
 * What the app is told about a sandbox started at `url`: always where it is; that production
 * builds may offer it only when STRIPE_SANDBOX=1 asked for it explicitly.
 * @param {Record<string, string | undefined>} env
 * @param {string} url
 * @returns {Record<string, string>}
 */
export declare function sandboxAppEnv(env: Record<string, string | undefined>, url: string): Record<string, string>;
/** @type {import('./launcher.mjs').CompanionService} */
export declare const stripeSandboxService: import('./launcher.mjs').CompanionService;
