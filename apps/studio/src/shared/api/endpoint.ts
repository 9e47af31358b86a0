import type { ProjectRole } from "@sous/contracts";
import type { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What an endpoint accepts and returns. The same object drives validation, the OpenAPI document
 * and the browser client's types (which is why the method and path keep their literal types).
 */
export interface Endpoint<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | StreamBody | undefined = z.ZodType | StreamBody | undefined,
  O extends z.ZodType | undefined = z.ZodType | undefined,
  A extends "public" | "user" | "admin" = "public" | "user" | "admin",
  M extends HttpMethod = HttpMethod,
  Path extends string = string,
> {
  method: M;
  path: Path;
  summary: string;
  tag: string;
  /** public: no caller needed; user: any signed-in caller; admin: ADMIN role. */
  auth: A;
  /** Minimal role in the project named by the `projectId` path parameter. */
  projectRole?: ProjectRole;
  params?: P;
  query?: Q;
  /** A zod schema for JSON bodies, or a raw stream (uploads) described by its content types. */
  body?: B;
  output?: O;
  status?: number;
}

/** A raw request body (uploads), described by the content types it accepts. */
export interface StreamBody {
  stream: string[];
}

export function endpoint<
  A extends "public" | "user" | "admin",
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | StreamBody | undefined = undefined,
  O extends z.ZodType | undefined = undefined,
  M extends HttpMethod = HttpMethod,
  Path extends string = string,
>(e: Endpoint<P, Q, B, O, A, M, Path>): Endpoint<P, Q, B, O, A, M, Path> {
  return e;
}
