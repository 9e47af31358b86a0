import { AppError } from "@sous/contracts";
import type { z } from "zod";
import type { DatePart, PortableDateSchema, PortableOrdinalSchema, PortableTargetSchema } from "./schemas.ts";

// The TypeScript side of the extra feature handlings (see schemas.ts for their semantics): what
// scorePortable writes into the model's input vector, with scikit-learn's float64 operations.

type Cell = unknown;

const MS_PER_DAY = 86_400_000;
const ISO_ZONE = /(Z|[+-]\d\d:?\d\d)$/i;

/** A date cell as milliseconds since the epoch (UTC), or null when missing. */
export function dateMillis(feature: string, v: Cell): number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === "string") {
    // A date or a date-time without an offset is UTC (as the trainers read naive timestamps).
    const text = v.length <= 10 || ISO_ZONE.test(v) ? v : `${v}Z`;
    const ms = Date.parse(text.length <= 10 ? `${text}T00:00:00Z` : text);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new AppError(
    "invalid_input",
    `feature ${feature} is a date: expected an ISO date or date-time, got ${typeof v} ${JSON.stringify(String(v)).slice(0, 40)}`,
  );
}

/** A part of the instant, in UTC (floats: the model's input is float64). */
export function datePart(ms: number, part: DatePart): number {
  const d = new Date(ms);
  switch (part) {
    case "year":
      return d.getUTCFullYear();
    case "month":
      return d.getUTCMonth() + 1;
    case "dayOfWeek":
      // Monday 0 .. Sunday 6 (Python's weekday()).
      return (d.getUTCDay() + 6) % 7;
    case "hour":
      return d.getUTCHours();
    case "epochDays":
      return Math.floor(ms / MS_PER_DAY);
  }
}

export type Step = (row: Readonly<Record<string, unknown>>, out: Float64Array) => void;

/** The steps writing a date feature's parts at `at`, `at + 1`, ... */
export function dateStep(
  f: z.infer<typeof PortableDateSchema>,
  at: number,
  cellOf: (row: Readonly<Record<string, unknown>>) => unknown,
): Step {
  return (row, out) => {
    const ms = dateMillis(f.name, cellOf(row));
    f.parts.forEach((p, k) => {
      const x = ms === null ? p.impute : datePart(ms, p.part);
      out[at + k] = p.rescale.kind === "standard" ? (x - p.rescale.mean) / p.rescale.scale : x;
    });
  };
}

/** Level -> value for ordinal codes or target means; `unseen` for any other level. */
export function levelValues(
  f: z.infer<typeof PortableOrdinalSchema> | z.infer<typeof PortableTargetSchema>,
): { get(level: string): number } {
  const map = new Map<string, number>();
  f.levels.forEach((level, i) => {
    if (!map.has(level)) map.set(level, f.type === "ordinal" ? i : f.values[i]!);
  });
  return { get: (level) => map.get(level) ?? f.unseen };
}
