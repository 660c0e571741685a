/**
 * Returns the secret stored in `file`, creating it first (32 random bytes, base64) if it does not
 * exist. An existing file is never overwritten: data encrypted with the key must stay readable.
 * @param {string} file
 */
export declare function ensureSecretFile(file: string): string;
