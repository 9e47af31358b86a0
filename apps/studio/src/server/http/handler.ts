import "server-only";
import { AppError, type ProjectRole, type User } from "@sous/contracts";
import type { z } from "zod";
import type { Endpoint, StreamBody } from "../../shared/api/endpoint.ts";
import { authenticate } from "../auth/authenticate.ts";
import { requireProjectRole } from "../services/project-access.ts";
import { checkJsonContentType, checkSameOrigin } from "./csrf.ts";
import { errorResponse } from "./errors.ts";

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface HandlerArgs<P, Q, B, A> {
  req: Request;
  user: A extends "public" ? User | null : User;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  /** The caller's role in the project, when the endpoint names one. */
  role: ProjectRole | null;
}

type RouteContext = { params: Promise<Record<string, string | string[]>> };

function isSchema(x: unknown): x is z.ZodType {
  return typeof x === "object" && x !== null && "safeParse" in x;
}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  checkJsonContentType(req.headers, text);
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.");
  }
}

/**
 * Wraps a route handler: refuses cross-site cookie requests, authenticates, checks the project
 * role, validates params, query and body, validates the output, and maps every error through the
 * one error model.
 */
export function handle<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | StreamBody | undefined,
  O extends z.ZodType | undefined,
  A extends "public" | "user" | "admin",
>(
  e: Endpoint<P, Q, B, O, A>,
  fn: (
    args: HandlerArgs<P, Q, B, A>,
  ) => Promise<(O extends z.ZodType ? z.input<O> : unknown) | Response | null>,
) {
  return async (req: Request, context: RouteContext): Promise<Response> => {
    try {
      checkSameOrigin(req);
      const user = await authenticate(req.headers);
      if (e.auth !== "public" && !user) {
        throw new AppError(
          "unauthenticated",
          "Sign in, or send an API key as `Authorization: Bearer <key>`.",
        );
      }
      if (e.auth === "admin" && user?.role !== "ADMIN")
        throw new AppError("forbidden", "Only administrators can do this.");
      const rawParams = await context.params;
      const params = e.params ? e.params.parse(rawParams) : undefined;
      const query = e.query ? e.query.parse(Object.fromEntries(new URL(req.url).searchParams)) : undefined;
      const body = isSchema(e.body) ? e.body.parse(await readJson(req)) : undefined;
      let role: ProjectRole | null = null;
      if (e.projectRole && user) {
        role = await requireProjectRole({
          user,
          projectId: String(rawParams.projectId),
          minRole: e.projectRole,
        });
      }
      const result = await fn({ req, user, params, query, body, role } as HandlerArgs<P, Q, B, A>);
      if (result instanceof Response) return result;
      if (e.status === 204) return new Response(null, { status: 204 });
      const output = e.output ? e.output.parse(result) : result;
      return Response.json(output, { status: e.status ?? 200 });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
