// One page of a list: count, clamp the requested page into range, then read that page.
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pages: number;
}

/**
 * `count` gives the number of matching documents; `read(skip, limit)` reads one page of them in
 * the list's order. A page past the end shows the last page; a missing one shows the first.
 */
export async function paginate<T>(
  requested: number | undefined,
  pageSize: number,
  count: () => Promise<number>,
  read: (skip: number, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  const total = await count();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, requested ?? 1), pages);
  const items = await read((page - 1) * pageSize, pageSize);
  return { items, total, page, pages };
}
