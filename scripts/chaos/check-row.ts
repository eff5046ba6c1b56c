export interface CheckRow {
  check: string;
  /** How many items the check looked at. */
  count: number;
  ok: boolean;
  /** Up to a few items that broke it. */
  offenders: string[];
}

export const row = (check: string, count: number, offenders: string[]): CheckRow => ({
  check,
  count,
  ok: offenders.length === 0,
  offenders: offenders.slice(0, 5),
});
