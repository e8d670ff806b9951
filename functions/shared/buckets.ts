/** A stable bucket 0..count-1 for a key (index write sharding): the same key always lands in the same bucket. */
export const bucketOf = (key: string, count: number): number => {
  let hash = 0;
  for (const c of key) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return hash % count;
};
