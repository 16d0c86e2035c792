/**
 * A benchmark suite: one file `<topic>.bench.ts` in this folder, exporting `suite` (the runner finds them by name).
 * Each suite measures our part and its reference beside it in the same run and reports ratios, never absolute
 * pass/fail thresholds.
 */
export interface BenchRow {
  /** What was measured, e.g. "VERSION start-up". */
  readonly name: string;
  /** Our measurement, e.g. p50 in ms. */
  readonly ours: Stats;
  /** The reference measured in the same run, when there is one. */
  readonly reference?: Stats & { readonly label: string };
  readonly unit: string;
  readonly note?: string;
}

export interface Stats {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

export interface BenchSuite {
  readonly name: string;
  /** Returns rows, or a reason the suite cannot run here (e.g. not root). */
  run(): Promise<readonly BenchRow[] | { skipped: string }>;
}
