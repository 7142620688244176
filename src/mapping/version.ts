/**
 * Version of the mapping rules, part of every plan hash. Bump it when a code change alters what is
 * written for unchanged input (a new default, another truncation...): every contact is then rewritten
 * once on its next event instead of keeping a stale Krayin record that "matches" the old hash.
 */
export const MAPPING_VERSION = 1;
