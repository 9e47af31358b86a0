export * from "./env.ts";
export * from "./secret-box.ts";
