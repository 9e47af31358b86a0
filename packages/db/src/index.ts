// Server-only: never import this package from client components.

export { createDb, type Db } from "./client.ts";
export { isRecordNotFound, isRetryableDbError, isUniqueViolation } from "./errors.ts";
export type { Prisma } from "./generated/prisma/client.ts";
export * from "./generated/prisma/enums.ts";
export type * from "./generated/prisma/models.ts";
export {
  createJobCancelListener,
  createJobChangeListener,
  JOB_CANCEL_CHANNEL,
  JOB_CHANGE_CHANNEL,
  type JobCancelHandler,
  type JobCancelListener,
  type JobChangeHandler,
  type JobChangeListener,
} from "./job-changes.ts";
export {
  createNotifyListener,
  type NotifyHandler,
  type NotifyListener,
  type NotifyListenerOptions,
} from "./notify-listener.ts";
// Migrations are a separate entry (@sous/db/migrate): they read files and load wasm, which the
// studio bundle must not include.
