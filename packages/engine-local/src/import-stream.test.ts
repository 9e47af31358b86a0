import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCsvStream, importToParquet } from "./import-file.ts";
import { LocalEngine } from "./local-engine.ts";

let dir: string;
let engine: LocalEngine;
let n = 0;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sous-import-stream-"));
  engine = await LocalEngine.create({ allowedDirectories: [dir] });
});
afterAll(() => {
  engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const outDir = () => {
  const d = path.join(dir, `out-${++n}`);
  mkdirSync(d);
  return d;
};

/** The head a caller keeps: the first `lines` lines of the text, complete. */
function headOf(text: string, lines: number): string {
  const file = path.join(dir, `head-${++n}.csv`);
  writeFileSync(file, `${text.split("\n").slice(0, lines).join("\n")}\n`);
  return file;
}

/** The text in small chunks, as a request body arrives. */
const chunks = (text: string, size = 4096) => {
  const buf = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return parts;
};
const chunked = (text: string, size = 4096) => Readable.from(chunks(text, size));

async function rowsOf(dirPath: string) {
  return engine.withConnection(async (c) =>
    (await c.runAndReadAll(`SELECT * FROM read_parquet('${dirPath}/*.parquet')`)).getRowsJson(),
  );
}

function csvText(rows: number, row: (i: number) => string, header: string): string {
  const lines = [header];
  for (let i = 0; i < rows; i++) lines.push(row(i));
  return `${lines.join("\n")}\n`;
}

const scratch = () => {
  const d = path.join(dir, `scratch-${++n}`);
  mkdirSync(d);
  return d;
};

describe("importCsvStream", () => {
  it("reads the whole streamed file as importToParquet reads the stored one", async () => {
    const text = csvText(
      5000,
      (i) =>
        `${i}|name "${i % 7}"|${(i * 1.25).toFixed(2)}|${i % 2 === 0}|2024-0${1 + (i % 9)}-1${i % 10}|${i % 5 === 0 ? "" : `x${i}`}`,
      'id|a "quoted" name|amount|flag|day|"weird;""col"""',
    );
    const file = path.join(dir, `full-${++n}.csv`);
    writeFileSync(file, text);
    const stored = outDir();
    const expected = await importToParquet(engine, { file, outDir: stored });
    const streamedDir = outDir();
    const streamed = await importCsvStream(engine, {
      headFile: headOf(text, 2000),
      body: chunked(text),
      outDir: streamedDir,
      scratchDir: scratch(),
    });
    expect(streamed).not.toBeNull();
    expect(streamed?.schema).toEqual(expected.schema);
    expect(streamed?.rowCount).toBe(expected.rowCount);
    expect(streamed?.options).toEqual(expected.options);
    expect(await rowsOf(streamedDir)).toEqual(await rowsOf(stored));
  });

  it("reads dates in the format the head shows", async () => {
    const text = csvText(300, (i) => `${i};${1 + (i % 28)}/0${1 + (i % 9)}/2024`, "id;day");
    const file = path.join(dir, `dates-${++n}.csv`);
    writeFileSync(file, text);
    const stored = outDir();
    const expected = await importToParquet(engine, { file, outDir: stored });
    const streamedDir = outDir();
    const streamed = await importCsvStream(engine, {
      headFile: headOf(text, 100),
      body: chunked(text, 500),
      outDir: streamedDir,
      scratchDir: scratch(),
    });
    expect(streamed?.schema).toEqual(expected.schema);
    expect(await rowsOf(streamedDir)).toEqual(await rowsOf(stored));
  });

  it("gives up, leaving no file, when a later value contradicts a type read from the head, and drains the body", async () => {
    const text = csvText(3000, (i) => `${i},${i === 2500 ? "not a number" : i * 2}`, "id,n");
    const out = outDir();
    const body = new PassThrough();
    // A writer that checks backpressure, as the upload's tee does: it must reach the end.
    const written = (async () => {
      for (const chunk of chunks(text, 256)) {
        if (!body.write(chunk)) await new Promise((r) => body.once("drain", r).once("close", r));
      }
      body.end();
    })();
    const r = await importCsvStream(engine, {
      headFile: headOf(text, 1000),
      body,
      outDir: out,
      scratchDir: scratch(),
    });
    await written;
    expect(r).toBeNull();
    expect(readdirSync(out)).toEqual([]);
  });

  it("gives up when the body fails halfway (an interrupted upload)", async () => {
    const text = csvText(3000, (i) => `${i},${i * 2}`, "id,n");
    const body = new PassThrough();
    const out = outDir();
    const sc = scratch();
    const r = importCsvStream(engine, { headFile: headOf(text, 1000), body, outDir: out, scratchDir: sc });
    body.write(text.slice(0, text.length / 2));
    setTimeout(() => body.destroy(new Error("client went away")), 50);
    expect(await r).toBeNull();
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(sc).filter((f) => f.startsWith(".stream-"))).toEqual([]);
  });

  it("leaves files it cannot read in one pass (JSON, bad lines to skip) to importToParquet", async () => {
    const json = '{"a": 1}\n{"a": 2}\n';
    const head = path.join(dir, `head-${++n}.json`);
    writeFileSync(head, json);
    expect(
      await importCsvStream(engine, {
        headFile: head,
        body: chunked(json),
        outDir: outDir(),
        scratchDir: scratch(),
      }),
    ).toBeNull();
    const text = csvText(10, (i) => `${i},${i}`, "a,b");
    expect(
      await importCsvStream(engine, {
        headFile: headOf(text, 5),
        body: chunked(text),
        outDir: outDir(),
        scratchDir: scratch(),
        options: {
          format: "csv",
          csv: {
            delimiter: ",",
            quote: '"',
            escape: '"',
            encoding: "utf-8",
            header: true,
            skipLines: 0,
            trailingDelimiter: false,
            decimalSeparator: ".",
            skipBadLines: true,
          },
        },
      }),
    ).toBeNull();
  });
});
