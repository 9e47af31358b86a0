// Server-only: BullMQ producers and the Redis connection factory.
export { type BuildQueue, createBuildQueue, enqueueBuild } from "./build-queue.ts";
export { createRedisConnection } from "./redis.ts";
