/** Timestamps are ISO-8601 UTC strings with milliseconds everywhere: portable across SQLite and PostgreSQL. */
export type IsoTimestamp = string;

export function toIso(date: Date): IsoTimestamp {
  return date.toISOString();
}

export function addMinutes(iso: IsoTimestamp, minutes: number): IsoTimestamp {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

export function isBefore(a: IsoTimestamp, b: IsoTimestamp): boolean {
  return Date.parse(a) < Date.parse(b);
}
