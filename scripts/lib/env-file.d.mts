/**
 * Loads `<dir>/.env` into process.env if the file exists.
 * @param {string} [dir] project root; defaults to the current directory
 * @returns {boolean} whether a file was loaded
 */
export declare function loadDotEnv(dir?: string): boolean;
