import type { Migration } from './types';

/**
 * PLACEHOLDER, branch h-leadattrs only: version 9 belongs to the two-way sync's echo table (branch
 * h-twoway). migrate() requires versions 1..n without gaps, so 010 cannot run without a 009. At merge,
 * this file is dropped in favour of h-twoway's 009; it must never ship.
 */
export const migration009: Migration = {
  version: 9,
  name: 'reserved_two_way',
  sql: `SELECT 1;`,
};
