/** The middle value (the upper one of an even count): robust to the outliers a shared machine produces. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;
