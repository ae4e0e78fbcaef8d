// "Did you mean": the one edit distance of lxc-ffi, for config keys (lib/container/config.ts) and
// option keys (lib/options/parse.ts).

/** Edit distance (Levenshtein), for suggestions (keys are short: the quadratic table costs nothing). */
export function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/**
 * The candidate nearest to `wrong` when it is at most `max` edits away (a typo), else null; the
 * first of equally near ones.
 *
 * @example
 * nearest('lxc.uts.nmae', ['lxc.uts.name', 'lxc.tty.max']) // 'lxc.uts.name'
 */
export function nearest(wrong: string, candidates: readonly string[], max = Math.max(2, Math.floor(wrong.length / 5))): string | null {
  let best: string | null = null;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = distance(wrong, c);
    if (d < bestD) { best = c; bestD = d; }
  }
  return best;
}

/**
 * The option key `wrong` was meant to be: one that differs only in case first, then one at most
 * two edits away ignoring case (fewer for a key of one or two letters, so that `x` suggests nothing); null if none.
 *
 * @example
 * optionKeyGuess('BdevType', ['bdevType', 'quiet']) // 'bdevType'
 * optionKeyGuess('bdevtipe', ['bdevType', 'quiet']) // 'bdevType'
 */
export function optionKeyGuess(wrong: string, candidates: readonly string[]): string | null {
  const lower = wrong.toLowerCase();
  const same = candidates.find((c) => c.toLowerCase() === lower);
  if (same !== undefined) return same;
  const folded = candidates.map((c) => c.toLowerCase());
  const guess = nearest(lower, folded, Math.min(2, wrong.length - 1));
  return guess === null ? null : candidates[folded.indexOf(guess)];
}
