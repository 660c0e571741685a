/** On with the embedded database unless STRIPE_SANDBOX=0; anywhere with STRIPE_SANDBOX=1; never when STRIPE_SANDBOX_URL points at one already. */
/** @param {Record<string, string | undefined>} env */
export declare function sandboxWanted(env: Record<string, string | undefined>): boolean;
/** @type {import('./launcher.mjs').CompanionService} */
export declare const stripeSandboxService: import('./launcher.mjs').CompanionService;
