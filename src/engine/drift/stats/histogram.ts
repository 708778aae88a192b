// Bin edges and counts for PSI and Jensen–Shannon, written to give NumPy's numbers bit for bit:
// np.linspace, np.quantile(method='linear'), np.histogram_bin_edges(a, bins) and searchsorted-based counts.
// Counting goes through a `below(e)` function — how many values are < e — so the same code serves a sorted
// array (binary search) and the bucketed index of large columns (bucketStats.ts).

/** np.linspace(start, stop, num) (endpoint included). */
export function linspace(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const out = new Array<number>(num);
  if (div <= 0) {
    for (let i = 0; i < num; i++) out[i] = i * delta + start;
    return out;
  }
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * Linear-interpolated quantiles of n sorted values (np.quantile, method='linear'), reading the k-th smallest
 * value through `at(k)`.
 */
export function quantilesLinear(n: number, probs: readonly number[], at: (k: number) => number): number[] {
  return probs.map(q => {
    const virt = (n - 1) * q;
    if (virt >= n - 1) return at(n - 1);
    if (virt < 0) return at(0);
    const prev = Math.floor(virt);
    const gamma = virt - prev;
    const a = at(prev);
    const b = at(prev + 1);
    const diff = b - a;
    return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
  });
}

/** The ranks quantilesLinear reads for these probabilities (to fetch them in advance). */
export function quantileRanks(n: number, probs: readonly number[]): number[] {
  const ranks = new Set<number>();
  for (const q of probs) {
    const virt = (n - 1) * q;
    if (virt >= n - 1) ranks.add(n - 1);
    else if (virt < 0) ranks.add(0);
    else {
      ranks.add(Math.floor(virt));
      ranks.add(Math.floor(virt) + 1);
    }
  }
  return [...ranks].sort((a, b) => a - b);
}

/** Ascending, duplicates removed (np.unique on an edge array; −0 and +0 are one edge). */
export function uniqueEdges(edges: number[]): number[] {
  const s = [...edges].sort((a, b) => a - b);
  return s.filter((e, i) => i === 0 || e !== s[i - 1]);
}

/**
 * PSI edges: reference quantiles at linspace(0, 1, bins + 1), outer edges widened to ±Infinity so that current
 * values outside the reference range are counted, duplicates collapsed.
 */
export function psiEdges(nRef: number, bins: number, at: (k: number) => number): number[] {
  const q = quantilesLinear(nRef, linspace(0, 1, bins + 1), at);
  return uniqueEdges([-Infinity, ...q.slice(1, -1), Infinity]);
}

/**
 * np.histogram_bin_edges(values, bins) from the finite min and max of the values (a zero range widened by ±0.5);
 * if rounding leaves equal neighbours (NumPy would refuse: "Too many bins"), they are collapsed.
 */
export function histogramBinEdges(min: number, max: number, bins: number): number[] {
  let first = min;
  let last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  return uniqueEdges(linspace(first, last, bins + 1));
}

/**
 * Shares per bin for edges e₀ < … < e_k: bin i holds e_i ≤ x < e_{i+1}, except that the first bin also takes
 * everything below e₁ and the last everything from e_{k−1} up (±Infinity included) — np.searchsorted(
 * edges[1:-1], x, 'right') for PSI and np.histogram(np.clip(x, e₀, e_k), edges) for Jensen–Shannon alike.
 * `below(e)` counts the values < e; n is the number of (non-missing) values.
 */
export function binCounts(edges: readonly number[], n: number, below: (e: number) => number): number[] {
  const k = edges.length - 1;
  const cum = new Array<number>(k + 1);
  cum[0] = 0;
  cum[k] = n;
  for (let i = 1; i < k; i++) cum[i] = below(edges[i]!);
  const counts = new Array<number>(k);
  for (let i = 0; i < k; i++) counts[i] = cum[i + 1]! - cum[i]!;
  return counts;
}
