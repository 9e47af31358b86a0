/** Azure's RestError carries the HTTP status; 404 means the blob (or container) is missing. */
export function isNotFound(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { statusCode?: unknown }).statusCode === 404
  );
}
