/**
 * The seam between the CLI and the AWS SDK adapters (`shared/adapters/aws/**`). The CLI never imports the
 * SDK itself: each entry here is a lazy `import()`, so `audit --from DIR` never evaluates SDK code and the
 * offline path stays fast and network-free. To wire an adapter, add its line below.
 */
import type { AccountSource } from '../domain/model.js';

/** What `--region` / `--profile` say; absent values fall back to the SDK's default chain. */
export interface LiveAccountOptions {
  /** One region (`--region R`). */
  readonly region?: string;
  /** Several regions (`--region A,B`, or `--all-regions` once resolved): read together, roles judged across them. */
  readonly regions?: readonly string[];
  readonly profile?: string;
  /** Where a whole-account audit draws its progress line (stderr on a terminal, never with --format json). */
  readonly progress?: { write(text: string): unknown };
}

export interface ExportAccountOptions extends LiveAccountOptions {
  /** The folder to write (`export --to DIR`), in the export folder format of the contract. */
  readonly to: string;
  /** Progress and warnings, for stderr. */
  readonly log: (message: string) => void;
}

export interface LiveAdapters {
  /** `audit` without `--from`: the live account of the default AWS credentials. */
  readonly createLiveSource?: (options: LiveAccountOptions) => AccountSource | Promise<AccountSource>;
  /** `export --to DIR`: writes an export folder from the live account. */
  readonly exportAccount?: (options: ExportAccountOptions) => Promise<void>;
  /** `--all-regions`: the regions enabled for the account (EC2 DescribeRegions). */
  readonly enabledRegions?: (options: { readonly profile?: string }) => Promise<readonly string[]>;
}

export const liveAdapters: LiveAdapters = {
  createLiveSource: (options) =>
    import('../adapters/aws/cli-live.js').then((m) => m.createCliLiveSource(options)),
  exportAccount: (options) => import('../adapters/aws/cli-live.js').then((m) => m.exportAccount(options)),
  enabledRegions: (options) => import('./enabled-regions.js').then((m) => m.enabledRegions(options)),
};
