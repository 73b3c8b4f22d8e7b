/**
 * "Did you mean": the known word closest to what was typed, for mistyped options and subcommands. The
 * distance is Damerau–Levenshtein (a swapped pair of letters counts as one edit, as `--fromat` for
 * `--format`); a word that starts what was typed, or that what was typed starts (`--func`), is also close.
 */

/** Longer input is not a typo of any of our words; it would only cost time. */
const MAX_LENGTH = 64;

/** Edits between `a` and `b` (optimal string alignment distance), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i += 1) d[i * cols] = i;
  for (let j = 0; j < cols; j += 1) d[j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(rows - 1, cols - 1);
}

/**
 * The candidates `typed` most probably meant, best first (at most two when they tie): within a third of
 * the word's length in edits (at least one, at most three), or a prefix either way of at least 3 letters.
 */
export function closestWords(typed: string, candidates: readonly string[]): string[] {
  if (typed.length === 0 || typed.length > MAX_LENGTH) return [];
  const lower = typed.toLowerCase();
  const scored: { word: string; score: number }[] = [];
  for (const word of candidates) {
    const candidate = word.toLowerCase();
    const distance = editDistance(lower, candidate);
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(lower.length, candidate.length) / 3)));
    const prefix =
      Math.min(lower.length, candidate.length) >= 3 &&
      (candidate.startsWith(lower) || lower.startsWith(candidate));
    if (distance <= allowed) scored.push({ word, score: distance });
    else if (prefix) scored.push({ word, score: allowed + 1 });
  }
  scored.sort((a, b) => a.score - b.score || a.word.localeCompare(b.word));
  const best = scored[0];
  if (best === undefined) return [];
  return scored
    .filter((entry) => entry.score === best.score)
    .slice(0, 2)
    .map((entry) => entry.word);
}

/** ` (did you mean --format?)`, or nothing when no word is close. */
export function didYouMean(typed: string, candidates: readonly string[], prefix = ''): string {
  const words = closestWords(typed, candidates);
  if (words.length === 0) return '';
  return `; did you mean ${words.map((word) => `${prefix}${word}`).join(' or ')}?`;
}
