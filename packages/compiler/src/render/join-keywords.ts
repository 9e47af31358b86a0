import type { JoinType } from "../ir/rel.ts";

/** Standard SQL join keywords; dialects override the non-standard ones (anti joins). */
export const JOIN_KEYWORDS: Record<JoinType, string> = {
  inner: "INNER JOIN",
  left: "LEFT OUTER JOIN",
  right: "RIGHT OUTER JOIN",
  full: "FULL OUTER JOIN",
  cross: "CROSS JOIN",
  left_anti: "LEFT ANTI JOIN",
};
