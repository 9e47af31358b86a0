export * from "./auth.ts";
export * from "./common.ts";
export * from "./databricks.ts";
export * from "./datasets.ts";
export * from "./flow.ts";
export * from "./jobs.ts";
export * from "./projects.ts";
export * from "./recipes.ts";
