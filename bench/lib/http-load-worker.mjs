// bench/lib/http-load-worker.mjs: the load loop of bench/lib/http-load.ts, run in a worker thread
// (plain JavaScript: a worker thread does not get tsx's loader).
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

async function load(o) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const post = (body) =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: o.port,
          path: o.path,
          method: "POST",
          agent,
          headers: { ...o.headers, "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(body);
    });

  const latencies = [];
  let errors = 0;
  let sent = 0;
  const start = performance.now();
  const until = start + o.seconds * 1000;
  const interval = o.rate ? 1000 / o.rate : 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  await Promise.all(
    Array.from({ length: o.clients }, async () => {
      for (;;) {
        const k = sent++;
        const free = performance.now();
        // Open loop: request k is due at start + k * interval; a client that is early waits.
        const due = o.rate ? start + k * interval : free;
        if (due >= until) return;
        if (due - free > 1) await sleep(due - free);
        // Late because every client was busy: the server's delay, counted from the due time.
        // Early: counted from the send (a timer's wake-up slack is the client's, not the server's).
        const from = free > due ? due : performance.now();
        const status = await post(o.bodies[k % o.bodies.length]);
        latencies.push(performance.now() - from);
        if (status !== 200) errors++;
      }
    }),
  );
  agent.destroy();
  return { latencies, errors, perSecond: latencies.length / o.seconds };
}

const port = parentPort;
void load(workerData).then((r) => {
  port.postMessage(r);
  port.close();
});
