/**
 * In-place sort for the short lists the audit sorts once per function (a statement's actions, a function's
 * findings). `Array.prototype.sort` allocates a work array on every call, which adds up over thousands of
 * functions; an insertion sort of a dozen items allocates nothing. Stable, as `Array.prototype.sort` is.
 */

/** The order of `Array.prototype.sort` without a comparator, for strings: UTF-16 code units. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const INSERTION_SORT_LIMIT = 24;

export function sortSmall<T>(list: T[], compare: (a: T, b: T) => number): T[] {
  if (list.length > INSERTION_SORT_LIMIT) return list.sort(compare);
  for (let i = 1; i < list.length; i++) {
    const item = list[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(list[j] as T, item) > 0) {
      list[j + 1] = list[j] as T;
      j--;
    }
    list[j + 1] = item;
  }
  return list;
}

/**
 * `sortSmall(list, compareCodeUnits)` with the comparison inlined, for the hot callers that sort strings:
 * `sortSmall` serves every caller, so its comparator call is not inlined.
 */
export function sortSmallStrings(list: string[]): string[] {
  if (list.length > INSERTION_SORT_LIMIT) return list.sort(compareCodeUnits);
  for (let i = 1; i < list.length; i++) {
    const item = list[i] as string;
    let j = i - 1;
    while (j >= 0 && (list[j] as string) > item) {
      list[j + 1] = list[j] as string;
      j--;
    }
    list[j + 1] = item;
  }
  return list;
}
