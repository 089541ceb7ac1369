import type { Page } from '../domain/common.schema.js';

/** Turns `limit + 1` rows fetched newest-first into a page whose cursor is the last id shown. */
export function toPage<R, T extends { id: string }>(rows: readonly R[], limit: number, map: (row: R) => T): Page<T> {
  const items = rows.slice(0, limit).map(map);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? last.id : null };
}
