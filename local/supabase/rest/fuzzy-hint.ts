/** Levenshtein distance, for PostgREST's "Perhaps you meant" hints. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] ?? 0;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] ?? 0;
      prev[j] = Math.min(up + 1, (prev[j - 1] ?? 0) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] ?? 0;
}

/** The candidate closest to `name` with a similarity of at least `min` (PostgREST uses 0.75 for names). */
export function closest(name: string, candidates: Iterable<string>, min = 0.75): string | undefined {
  let best: string | undefined;
  let bestScore = min;
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const score = 1 - distance(name.toLowerCase(), c.toLowerCase()) / Math.max(name.length, c.length, 1);
    if (score >= bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
