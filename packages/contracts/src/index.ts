export * from "./columns.ts";
export * from "./recipes/index.ts";
