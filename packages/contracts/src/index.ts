export * from "./api/index.ts";
export * from "./columns.ts";
export * from "./errors.ts";
export * from "./formula/index.ts";
export * from "./ids.ts";
export * from "./queue.ts";
export * from "./recipes/index.ts";
export * from "./seeded-random.ts";
