/** One schema change. Shipped migrations are append-only: never edit or reorder one (see ../README.md). */
export interface Migration {
  /** 1, 2, 3, ... in the order they apply; equals the NNN of the file name. */
  version: number;
  /** snake_case, equals the rest of the file name. */
  name: string;
  /** Plain SQL script; runs in one transaction together with its schema_migrations row. */
  sql: string;
}
