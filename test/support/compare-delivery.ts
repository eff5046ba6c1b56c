/** Ids that appear more than once, and written ids that do not appear. */
export function compareDelivery(
  written: string[],
  published: string[],
): { duplicates: string[]; missing: string[] } {
  const seen = new Map<string, number>();
  for (const id of published) seen.set(id, (seen.get(id) ?? 0) + 1);
  return {
    duplicates: [...seen].filter(([, n]) => n > 1).map(([id]) => id),
    missing: written.filter((id) => !seen.has(id)),
  };
}
