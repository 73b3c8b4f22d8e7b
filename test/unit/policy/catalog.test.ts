import fc from 'fast-check';
import { loadActionCatalog } from '../../../shared/adapters/action-catalog/load-action-catalog.js';
import type { ActionCatalog } from '../../../shared/domain/policy/action-catalog.js';
import { createActionCatalog } from '../../../shared/domain/policy/catalog.js';
import { actionMatches } from '../../../shared/domain/policy/match.js';

let catalog: ActionCatalog;
beforeAll(async () => {
  catalog = await loadActionCatalog();
});

describe('IAM action catalog', () => {
  it('knows real actions in any case and spells them as AWS does', () => {
    expect(catalog.has('sqs:receivemessage')).toBe(true);
    expect(catalog.canonical('SQS:RECEIVEMESSAGE')).toBe('sqs:ReceiveMessage');
  });

  it('tells a misspelt action of a known service from an unknown service', () => {
    expect(catalog.has('sqs:RecieveMessage')).toBe(false);
    expect(catalog.has('nosuchservice:Do')).toBeUndefined();
  });

  it.each([
    ['sqs:RecieveMessage', 'sqs:ReceiveMessage'],
    ['kinesis:GetRecord', 'kinesis:GetRecords'],
    ['logs:PutLogEvent', 'logs:PutLogEvents'],
    ['dynamodb:DescribeStrem', 'dynamodb:DescribeStream'],
  ])('suggests %s was meant to be %s', (typo, meant) => {
    expect(catalog.suggest(typo)).toBe(meant);
  });

  it('suggests nothing for a name far from every action', () => {
    expect(catalog.suggest('sqs:LaunchRocket')).toBeUndefined();
  });

  it('expands wildcard patterns to the actions they grant', () => {
    expect(catalog.expand('sqs:Receive*')).toEqual(['sqs:ReceiveMessage']);
    expect(catalog.expand('sqs:Recieve*')).toEqual([]);
    expect(catalog.expand('kinesis:*').length).toBeGreaterThan(20);
  });
});

describe('action suggestion agrees with a plain edit distance', () => {
  /** Optimal string alignment distance, the whole table: the definition, with no band and no cut-off. */
  function distance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) =>
      Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const row = d[i] as number[];
        const prev = d[i - 1] as number[];
        row[j] = Math.min(
          (prev[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
        }
      }
    }
    return (d[a.length] as number[])[b.length] as number;
  }

  /** The first action of the service at the smallest distance, if that distance is within the limit. */
  function referenceSuggestion(actions: readonly string[], typo: string): string | undefined {
    const limit = Math.max(2, Math.floor(typo.length / 4));
    let best: { action: string; distance: number } | undefined;
    for (const action of actions) {
      const d = distance(typo.toLowerCase(), action.toLowerCase());
      if (d <= limit && (best === undefined || d < best.distance)) best = { action, distance: d };
    }
    return best === undefined ? undefined : `svc:${best.action}`;
  }

  const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'D', 'e'), minLength: 1, maxLength: 14 });

  it('on random action lists and misspellings', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(name, {
          minLength: 1,
          maxLength: 12,
          comparator: (a, b) => a.toLowerCase() === b.toLowerCase(),
        }),
        name,
        (actions, typo) => {
          const small = createActionCatalog({ svc: actions });
          expect(small.suggest(`svc:${typo}`)).toBe(referenceSuggestion(actions, typo));
          // Asked again (memoised): the same answer.
          expect(small.suggest(`SVC:${typo}`)).toBe(referenceSuggestion(actions, typo));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('wildcard expansion', () => {
  it.each([
    ['ec2:*?*?*?*?*?*?*Q', 0],
    ['*:*?*?*?*?*?*?*Q', 0],
    ['s?s:ReceiveMessage', 1],
    ['*:ReceiveMessage', 1],
    ['*:*ab*', 100],
    ['S?S:*message*', 5],
  ])('expands %s to what a plain scan of the catalog finds', (pattern, atLeast) => {
    // Asked first whether it matches anything (the existence test stops at the first match), then expanded.
    const any = catalog.matchesAny(pattern);
    const expanded = catalog.expand(pattern);
    expect(any).toBe(expanded.length > 0);
    expect(expanded.length).toBeGreaterThanOrEqual(atLeast);
    for (const action of expanded) expect(actionMatches(pattern, action)).toBe(true);
    const service = pattern.slice(0, pattern.indexOf(':'));
    const scanned = catalog.expand(`${service}:*`).filter((action) => actionMatches(pattern, action));
    expect(expanded).toEqual(scanned);
  });
});
