// The REST client's HTTP: node:http(s) rather than the global fetch, because fetch has no
// connect timeout of its own and says nothing about which phase a failure happened in. Here a
// request gets `connectMs` to open the connection (TCP + TLS) and then `readMs` for the whole
// answer, and stops at once when its signal aborts.
import http from "node:http";
import https from "node:https";
import net, { type Socket } from "node:net";
import { formatSeconds } from "./timeouts.ts";

/**
 * Why a request got no answer: `unreachable` (refused, unknown host, no route, connect timeout:
 * nothing listens there), `timeout` (connected, then no answer in time), `network` (the connection
 * broke mid-way; worth one more try).
 */
export type TransportFailureKind = "unreachable" | "timeout" | "network";

export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    /** Short, user-safe reason, e.g. "connection refused". */
    readonly reason: string,
    readonly kind: TransportFailureKind,
    readonly code?: string,
  ) {
    super(reason);
  }
}

const UNREACHABLE: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name could not be resolved",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "the connection attempt timed out",
};

/** Classifies a socket-level error (from node:http, undici's fetch, or node-fetch). */
export function transportFailureOf(e: unknown): TransportError | undefined {
  if (e instanceof TransportError) return e;
  if (typeof e !== "object" || e === null) return undefined;
  const code = networkCodeOf(e);
  if (code && UNREACHABLE[code]) return new TransportError(UNREACHABLE[code], "unreachable", code);
  if (code) return new TransportError(`connection failed (${code})`, "network", code);
  return undefined;
}

function networkCodeOf(e: object): string | undefined {
  const own = (e as { code?: unknown }).code;
  if (typeof own === "string" && /^E[A-Z_]+$/.test(own)) return own;
  // fetch() wraps the socket error: TypeError("fetch failed", { cause }).
  const cause = (e as { cause?: unknown }).cause;
  if (typeof cause === "object" && cause !== null) return networkCodeOf(cause);
  return undefined;
}

export type TextResponse = { status: number; text: string };

export function httpRequestText(
  url: string,
  o: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    connectMs: number;
    readMs: number;
    signal?: AbortSignal;
  },
): Promise<TextResponse> {
  return new Promise<TextResponse>((resolve, reject) => {
    const { signal } = o;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const target = new URL(url);
    const secure = target.protocol === "https:";
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(o.body));
    const req = (secure ? https : http).request(target, { method: o.method, headers });
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const finish = (err: unknown, value?: TextResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (err === undefined) resolve(value as TextResponse);
      else {
        req.destroy();
        reject(err);
      }
    };
    const onAbort = () => finish(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });

    const startReading = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => finish(new TransportError(`no answer within ${formatSeconds(o.readMs)}`, "timeout")),
        o.readMs,
      );
    };
    timer = setTimeout(
      () =>
        finish(
          new TransportError(
            `could not connect within ${formatSeconds(o.connectMs)}`,
            "unreachable",
            "ETIMEDOUT",
          ),
        ),
      o.connectMs,
    );
    req.on("socket", (socket: Socket) => {
      // A kept-alive socket is already open; a new one is open once connected (and TLS done).
      if (socket.connecting) socket.once(secure ? "secureConnect" : "connect", startReading);
      else startReading();
    });
    req.on("error", (e) => finish(transportFailureOf(e) ?? new TransportError(e.message, "network")));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (e) => finish(new TransportError(e.message, "network")));
      res.on("aborted", () => finish(new TransportError("the connection closed mid-answer", "network")));
      res.on("end", () =>
        finish(undefined, { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.end(o.body);
  });
}

/**
 * One TCP connection attempt: undefined when something accepts it, else why the host is
 * unreachable. Tells "the workspace is gone" from "the connection broke" after a failure.
 */
export function probeConnect(host: string, port: number, ms: number): Promise<TransportError | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: TransportError | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        done(new TransportError(`could not connect within ${formatSeconds(ms)}`, "unreachable", "ETIMEDOUT")),
      ms,
    );
    socket.once("connect", () => done(undefined));
    socket.once("error", (e) => {
      const failure = transportFailureOf(e);
      done(failure?.kind === "unreachable" ? failure : undefined);
    });
  });
}
