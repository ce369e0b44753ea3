/** Remembers the last `max` ids; `see(id)` is true the first time an id is seen. */
export function recentIds(max: number): (id: string) => boolean {
  const seen = new Set<string>();
  return (id) => {
    if (seen.has(id)) return false;
    seen.add(id);
    // A Set iterates in insertion order: the first value is the oldest.
    if (seen.size > max) seen.delete(seen.values().next().value as string);
    return true;
  };
}
