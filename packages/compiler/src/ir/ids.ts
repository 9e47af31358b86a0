/**
 * Ids are handed out by a per-compilation counter rather than random UUIDs so that the same spec
 * always lowers to the same IR: snapshots stay stable and IR dumps diff cleanly.
 */
export type ColumnId = `c${number}`;
export type RelId = `r${number}`;

export interface IdGen {
  column(): ColumnId;
  rel(): RelId;
}

export function createIdGen(): IdGen {
  let columns = 0;
  let rels = 0;
  return {
    column: () => `c${++columns}`,
    rel: () => `r${++rels}`,
  };
}
