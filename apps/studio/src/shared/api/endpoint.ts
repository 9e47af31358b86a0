import type { ProjectRole } from "@sous/contracts";
import type { z } from "zod";

/** What an endpoint accepts and returns. The same object drives validation and the OpenAPI document. */
export interface Endpoint<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | StreamBody | undefined = z.ZodType | StreamBody | undefined,
  O extends z.ZodType | undefined = z.ZodType | undefined,
  A extends "public" | "user" | "admin" = "public" | "user" | "admin",
> {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
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
>(e: Endpoint<P, Q, B, O, A>): Endpoint<P, Q, B, O, A> {
  return e;
}
