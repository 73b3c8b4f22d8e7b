/**
 * One self-rewriting line on a terminal's stderr while a whole account is read: what has been read so
 * far, phase by phase. The CLI only asks for it on a terminal and never with `--format json`.
 */
import type { LiveReadPhase, LiveReadProgress } from './live-account-reader.js';

export interface ProgressStream {
  write(text: string): unknown;
}

const LABELS: Record<LiveReadPhase, string> = {
  roles: 'roles',
  functions: 'functions',
  'event-source-mappings': 'mappings',
  'managed-policies': 'managed policies',
  'event-invoke-configs': 'invoke configs',
  'function-tags': 'tags',
  encryption: 'queue, stream, topic and secret keys',
};

export interface ProgressLine {
  readonly onProgress: (progress: LiveReadProgress) => void;
  /** Erases the line, so that the report starts on a clean one. */
  clear(): void;
}

/** `minIntervalMs` keeps a 5,000-function read from writing 5,000 lines' worth of escapes. */
export function createProgressLine(
  stream: ProgressStream,
  minIntervalMs = 100,
  now: () => number = Date.now,
): ProgressLine {
  const latest = new Map<LiveReadPhase, LiveReadProgress>();
  let lastDrawn = Number.NEGATIVE_INFINITY;
  let drawn = false;
  const render = (): string =>
    [...latest.values()]
      .map((p) => `${LABELS[p.phase]} ${p.done}${p.total === undefined ? '' : `/${p.total}`}`)
      .join(' · ');
  return {
    onProgress(progress) {
      latest.set(progress.phase, progress);
      const finished = progress.total !== undefined && progress.done === progress.total;
      if (!finished && now() - lastDrawn < minIntervalMs) return;
      lastDrawn = now();
      drawn = true;
      stream.write(`\r\x1b[2Kreading the account: ${render()}`);
    },
    clear() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
