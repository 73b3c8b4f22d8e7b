/**
 * Answers questions about the IAM action catalog (see action-catalog.ts). Misspelt actions are the
 * classic silent failure of a hand-written policy: IAM accepts `sqs:RecieveMessage`, and the function
 * simply never gets the permission. `suggest` finds what it was meant to be.
 */
import type { ActionCatalog, ActionCatalogData } from './action-catalog.js';
import { hasWildcard, wildcardMatcher, wildcardMatches } from './match.js';

/** Rows of the edit-distance table, reused from call to call (three: transpositions look two rows back). */
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal string alignment distance (Levenshtein with adjacent transpositions) between two lower-cased
 * names, or `limit + 1` when it exceeds `limit`. Only the cells within `limit` of the diagonal are computed
 * (a path that leaves that band costs more than `limit`), so a call costs O(limit × length), and names whose
 * lengths differ by more than `limit` cost nothing.
 */
function editDistance(s: string, t: string, limit: number): number {
  if (Math.abs(s.length - t.length) > limit) return limit + 1;
  const width = t.length + 1;
  if (rows[0].length < width) rows = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
  const outside = limit + 1;
  let [older, prev, row] = rows;
  for (let j = 0; j < width; j++) prev[j] = j <= limit ? j : outside;
  for (let i = 1; i <= s.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(t.length, i + limit);
    row[0] = i <= limit ? i : outside;
    if (from > 1) row[from - 1] = outside;
    let best = row[0] as number;
    const si = s.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const tj = t.charCodeAt(j - 1);
      let value = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (si === tj ? 0 : 1),
      );
      if (i > 1 && j > 1 && si === t.charCodeAt(j - 2) && s.charCodeAt(i - 2) === tj) {
        value = Math.min(value, (older[j - 2] as number) + 1);
      }
      row[j] = Math.min(value, outside);
      if (value < best) best = value;
    }
    if (to < t.length) row[to + 1] = outside;
    if (best > limit) return outside;
    const spare = older;
    older = prev;
    prev = row;
    row = spare;
  }
  return Math.min(prev[t.length] as number, outside);
}

/**
 * Which letters and digits a name holds, case folded, one bit each (digits share the six bits left, which
 * only makes the test below let more through). A name that lacks a letter the pattern requires cannot
 * match it: one AND instead of a scan, for most of the catalog's twenty thousand actions.
 */
function charMask(text: string): number {
  let mask = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i) | 32; // ASCII letters to lower case; digits keep their code
    if (code >= 97 && code <= 122) mask |= 1 << (code - 97);
    else if (code >= 48 && code <= 57) mask |= 1 << (26 + ((code - 48) % 6));
  }
  return mask;
}

/** The most action names the memoised expansions hold together (a few times the catalog). */
const EXPANDED_ACTIONS_LIMIT = 200_000;

/** A service's actions, lower-cased and as AWS spells them, with their `charMask`s, index for index. */
interface ScanTable {
  readonly lower: readonly string[];
  readonly canonical: readonly string[];
  readonly masks: Int32Array;
  /** The union of `masks`: a service none of whose actions has a letter the pattern requires is skipped. */
  readonly union: number;
}

export function createActionCatalog(data: ActionCatalogData): ActionCatalog {
  // Each service's lookup table is built on first use: an audit asks about a few dozen of the catalog's
  // hundreds of services, and a CLI run pays for what it asks.
  const sources = new Map<string, { readonly service: string; readonly actions: readonly string[] }>();
  for (const [service, actions] of Object.entries(data))
    sources.set(service.toLowerCase(), { service, actions });
  const tables = new Map<string, Map<string, string>>();
  const scanTables = new Map<string, ScanTable>();
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
    /** The service's actions as arrays, for scanning them all against a pattern. */
    scan(lowerService: string, actions: Map<string, string>): ScanTable {
      let table = scanTables.get(lowerService);
      if (table === undefined) {
        const lower = [...actions.keys()];
        const masks = Int32Array.from(lower, charMask);
        table = { lower, canonical: [...actions.values()], masks, union: masks.reduce((a, b) => a | b, 0) };
        scanTables.set(lowerService, table);
      }
      return table;
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
  let expandedActions = 0;
  const matching = new Map<string, boolean>();
  // A misspelt action recurs in every role that attaches its policy: the search through the service's
  // actions is done once per name.
  const suggestions = new Map<string, string | undefined>();
  const remember = <T>(cache: Map<string, T>, key: string, value: T): T => {
    if (cache.size > 50_000) cache.clear();
    cache.set(key, value);
    return value;
  };

  /** The actions `pattern` matches; the first only, when `first` (an existence test). */
  const expand = (pattern: string, first = false): readonly string[] => {
    if (pattern === '*') {
      return [...services.keys()].flatMap((service) => [...(services.get(service)?.values() ?? [])]);
    }
    const parts = split(pattern);
    if (parts === undefined) return [];
    // An action has one colon, so the pattern's first colon can only match it: the service part and the
    // action part are matched on their own. An action part without wildcards is a lookup, not a scan.
    const [servicePattern, actionPattern] = parts;
    const literal = hasWildcard(actionPattern) ? undefined : actionPattern.toLowerCase();
    // `*` and `?` are neither letters nor digits: the mask holds what the literal characters require.
    const required = charMask(actionPattern);
    const matches = wildcardMatcher(actionPattern, false);
    const matched: string[] = [];
    for (const service of services.keys()) {
      if (!wildcardMatches(servicePattern, service, false)) continue;
      const actions = services.get(service);
      if (actions === undefined) continue;
      if (literal !== undefined) {
        const action = actions.get(literal);
        if (action !== undefined) matched.push(action);
        if (first && matched.length > 0) return matched;
        continue;
      }
      const { lower, canonical, masks, union } = services.scan(service, actions);
      if ((union & required) !== required) continue;
      for (let i = 0; i < masks.length; i++) {
        if (((masks[i] as number) & required) === required && matches(lower[i] as string)) {
          matched.push(canonical[i] as string);
          if (first) return matched;
        }
      }
    }
    return matched;
  };

  /** The closest action of the service to a lower-cased, misspelt `service:action`. */
  const closest = (lowerAction: string): string | undefined => {
    const parts = split(lowerAction);
    if (parts === undefined) return undefined;
    const actions = services.get(parts[0]);
    if (actions === undefined) return undefined;
    const limit = Math.max(2, Math.floor(parts[1].length / 4));
    let best: { action: string; distance: number } | undefined;
    for (const [lower, canonical] of actions) {
      const distance = editDistance(parts[1], lower, best === undefined ? limit : best.distance - 1);
      if (distance <= limit && (best === undefined || distance < best.distance))
        best = { action: canonical, distance };
    }
    return best?.action;
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
      // Read-only lists, shared between callers: the same wildcard recurs in many roles. Bounded by the
      // actions held, not the patterns: hundreds of `*:*ab*` would each hold thousands.
      const known = expansions.get(pattern);
      if (known !== undefined) return known;
      const expanded = expand(pattern);
      expandedActions += expanded.length + 1;
      if (expandedActions > EXPANDED_ACTIONS_LIMIT || expansions.size > 50_000) {
        expansions.clear();
        expandedActions = expanded.length + 1;
      }
      expansions.set(pattern, expanded);
      return expanded;
    },
    matchesAny(pattern) {
      const expanded = expansions.get(pattern);
      if (expanded !== undefined) return expanded.length > 0;
      if (matching.has(pattern)) return matching.get(pattern) === true;
      return remember(matching, pattern, expand(pattern, true).length > 0);
    },
    suggest(action) {
      const key = action.toLowerCase();
      if (suggestions.has(key)) return suggestions.get(key);
      return remember(suggestions, key, closest(key));
    },
  };
}
