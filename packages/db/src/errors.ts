// Classifies Prisma's known request errors so callers can map them without string matching.
interface PrismaKnownError {
  code: string;
  meta?: Record<string, unknown>;
}

function isPrismaKnownError(e: unknown): e is PrismaKnownError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    /^P\d{4}$/.test((e as { code: string }).code)
  );
}

/** A unique constraint was violated (P2002). */
export function isUniqueViolation(e: unknown): boolean {
  return isPrismaKnownError(e) && e.code === "P2002";
}

/** The record an update or delete needed does not exist (P2025). */
export function isRecordNotFound(e: unknown): boolean {
  return isPrismaKnownError(e) && e.code === "P2025";
}

/** Worth retrying: pool timeout, transaction conflict or deadlock. */
export function isRetryableDbError(e: unknown): boolean {
  return isPrismaKnownError(e) && ["P2024", "P2028", "P2034"].includes(e.code);
}
