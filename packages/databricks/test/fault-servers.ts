// Real network peers for fault tests (no mocks): a server that accepts TCP connections and never
// answers, a port that refuses connections, and an HTTP proxy in front of the emulator that can
// swallow the SQL endpoint's requests or be killed mid-run.
import http from "node:http";
import net from "node:net";

export type Peer = { url: string; host: string; port: number };

export type HangingServer = Peer & {
  /** Connections accepted so far (a request is in flight once this is > 0). */
  accepted(): number;
  close(): Promise<void>;
};

const HOST = "127.0.0.1";

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** Accepts every connection, reads and drops what arrives, never writes a byte, never closes. */
export async function startHangingServer(): Promise<HangingServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.resume();
  });
  const port = await listen(server);
  return {
    url: `http://${HOST}:${port}`,
    host: HOST,
    port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released): connecting to it is refused. */
export async function closedPort(): Promise<Peer> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://${HOST}:${port}`, host: HOST, port };
}

export type FaultProxy = Peer & {
  /** From now on, requests to the SQL endpoint (/sql/...) are held forever, unanswered. */
  hangSql(): void;
  /** SQL requests received and held so far. */
  heldSql(): number;
  /** SQL requests passed on to the target so far (OpenSession, ExecuteStatement, status polls...). */
  forwardedSql(): number;
  /** Stops listening and drops every connection: the port then refuses, like a killed workspace. */
  kill(): Promise<void>;
};

/** An HTTP proxy to `target` (the emulator) that can turn silent or die. */
export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  let hang = false;
  let held = 0;
  let forwarded = 0;
  const server = http.createServer((req, res) => {
    const sql = req.url?.startsWith("/sql/") ?? false;
    if (hang && sql) {
      held++;
      req.resume();
      return;
    }
    if (sql) forwarded++;
    const upstream = http.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  const port = await listen(server);
  return {
    url: `http://${HOST}:${port}`,
    host: HOST,
    port,
    hangSql: () => {
      hang = true;
    },
    heldSql: () => held,
    forwardedSql: () => forwarded,
    kill: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
