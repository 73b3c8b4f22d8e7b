/**
 * Answers questions about the IAM action catalog (see action-catalog.ts). Misspelt actions are the
 * classic silent failure of a hand-written policy: IAM accepts `sqs:RecieveMessage`, and the function
 * simply never gets the permission. `suggest` finds what it was meant to be.
 */
import type { ActionCatalog, ActionCatalogData } from './action-catalog.js';
import { actionMatches } from './match.js';

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive. */
function editDistance(a: string, b: string, limit: number): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row = new Array<number>(t.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  const first = rows[0];
  if (first === undefined) return limit + 1;
  for (let j = 0; j <= t.length; j++) first[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        value = Math.min(value, (rows[i - 2] as number[])[j - 2] as number) + 1;
      }
      row[j] = value;
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
  }
  return (rows[s.length] as number[])[t.length] as number;
}

export function createActionCatalog(data: ActionCatalogData): ActionCatalog {
  // Each service's lookup table is built on first use: an audit asks about a few dozen of the catalog's
  // hundreds of services, and a CLI run pays for what it asks.
  const sources = new Map<string, { readonly service: string; readonly actions: readonly string[] }>();
  for (const [service, actions] of Object.entries(data))
    sources.set(service.toLowerCase(), { service, actions });
  const tables = new Map<string, Map<string, string>>();
  const services = {
    get(lowerService: string): Map<string, string> | undefined {
      let byLower = tables.get(lowerService);
      if (byLower === undefined) {
        const source = sources.get(lowerService);
        if (source === undefined) return undefined;
        byLower = new Map();
        for (const action of source.actions) byLower.set(action.toLowerCase(), `${source.service}:${action}`);
        tables.set(lowerService, byLower);
      }
      return byLower;
    },
    keys: () => sources.keys(),
  };

  const split = (action: string): [string, string] | undefined => {
    const colon = action.indexOf(':');
    return colon <= 0 ? undefined : [action.slice(0, colon).toLowerCase(), action.slice(colon + 1)];
  };

  // Policies repeat the same few hundred action names across thousands of statements: answer each once.
  // Bounded, as match.ts's pattern caches are, so that a long-running handler cannot grow them without limit.
  const known = new Map<string, boolean | undefined>();
  const canonicals = new Map<string, string | undefined>();
  const expansions = new Map<string, readonly string[]>();
  const remember = <T>(cache: Map<string, T>, key: string, value: T): T => {
    if (cache.size > 50_000) cache.clear();
    cache.set(key, value);
    return value;
  };

  const expand = (pattern: string): readonly string[] => {
    if (pattern === '*') {
      return [...services.keys()].flatMap((service) => [...(services.get(service)?.values() ?? [])]);
    }
    const parts = split(pattern);
    if (parts === undefined) return [];
    const matched: string[] = [];
    for (const service of services.keys()) {
      if (!actionMatches(`${parts[0]}:x`, `${service}:x`)) continue;
      for (const action of services.get(service)?.values() ?? []) {
        if (actionMatches(pattern, action)) matched.push(action);
      }
    }
    return matched;
  };

  return {
    has(action) {
      if (known.has(action)) return known.get(action);
      const parts = split(action);
      if (parts === undefined) return remember(known, action, undefined);
      const actions = services.get(parts[0]);
      return remember(known, action, actions === undefined ? undefined : actions.has(parts[1].toLowerCase()));
    },
    canonical(action) {
      if (canonicals.has(action)) return canonicals.get(action);
      const parts = split(action);
      return remember(
        canonicals,
        action,
        parts === undefined ? undefined : services.get(parts[0])?.get(parts[1].toLowerCase()),
      );
    },
    expand(pattern) {
      // Read-only lists, shared between callers: the same wildcard recurs in many roles.
      const expanded = expansions.get(pattern);
      if (expanded !== undefined) return expanded;
      return remember(expansions, pattern, expand(pattern));
    },
    suggest(action) {
      const parts = split(action);
      if (parts === undefined) return undefined;
      const actions = services.get(parts[0]);
      if (actions === undefined) return undefined;
      const limit = Math.max(2, Math.floor(parts[1].length / 4));
      let best: { action: string; distance: number } | undefined;
      for (const [lower, canonical] of actions) {
        const distance = editDistance(parts[1], lower, limit);
        if (distance <= limit && (best === undefined || distance < best.distance))
          best = { action: canonical, distance };
      }
      return best?.action;
    },
  };
}
