import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { CsvOptions, ImportOptions } from "@sous/contracts";
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

/** CSV import options: a plain comma-separated file with a header, with `csv` changed. */
const csvOptions = (csv: Partial<CsvOptions>): ImportOptions => ({
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
    skipBadLines: false,
    ...csv,
  },
});

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

  it("reads a later ISO date with slashes or a time as the stored file's read does, without giving up", async () => {
    // Past the sniffer's 20,480 sample rows: the stored file's read has not seen them either.
    const text = csvText(
      25000,
      (i) =>
        `${i},${i === 24000 ? "2024/03/05" : i === 24500 ? "2024-03-06T00:00:00" : `2024-01-${10 + (i % 19)}`}`,
      "id,day",
    );
    const file = path.join(dir, `iso-${++n}.csv`);
    writeFileSync(file, text);
    const stored = outDir();
    const expected = await importToParquet(engine, { file, outDir: stored });
    const streamedDir = outDir();
    const streamed = await importCsvStream(engine, {
      headFile: headOf(text, 1000),
      body: chunked(text),
      outDir: streamedDir,
      scratchDir: scratch(),
    });
    expect(expected.schema[1]).toEqual({ name: "day", type: "date" });
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
    expect(readdirSync(sc).filter((f) => f.startsWith(".segment-"))).toEqual([]);
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
        options: csvOptions({ skipBadLines: true }),
      }),
    ).toBeNull();
  });

  it("a file cut into many segments reads as importToParquet reads it: rows in order, types, count", async () => {
    const text = csvText(
      6000,
      (i) =>
        `${i}|${i % 11 === 0 ? `"multi\nline | ""${i}"""` : `plain ${i}`}|${(i * 0.5).toFixed(1)}|2024-0${1 + (i % 9)}-0${1 + (i % 9)}\r`,
      "id|note|amount|day\r",
    );
    const file = path.join(dir, `many-${++n}.csv`);
    writeFileSync(file, text);
    const stored = outDir();
    const expected = await importToParquet(engine, { file, outDir: stored });
    const streamedDir = outDir();
    const sc = scratch();
    const streamed = await importCsvStream(engine, {
      headFile: headOf(text, 2000),
      body: chunked(text, 1000),
      outDir: streamedDir,
      scratchDir: sc,
      segmentBytes: 8 * 1024,
      pendingSegments: 1,
    });
    expect(streamed?.schema).toEqual(expected.schema);
    expect(streamed?.rowCount).toBe(6000);
    // A part per segment, more than ten: their names must sort in the file's order.
    expect(readdirSync(streamedDir).length).toBeGreaterThan(12);
    expect(await rowsOf(streamedDir)).toEqual(await rowsOf(stored));
    expect(readdirSync(sc).filter((f) => f.startsWith(".segment-"))).toEqual([]);

    // A body that arrives faster than DuckDB converts: what piled up is converted in one go.
    const batchedDir = outDir();
    const batched = await importCsvStream(engine, {
      headFile: headOf(text, 2000),
      body: chunked(text, 1000),
      outDir: batchedDir,
      scratchDir: sc,
      segmentBytes: 8 * 1024,
    });
    expect(batched?.rowCount).toBe(6000);
    expect(readdirSync(batchedDir).length).toBeLessThan(Math.floor(text.length / (8 * 1024)));
    expect(await rowsOf(batchedDir)).toEqual(await rowsOf(stored));
    expect(readdirSync(sc).filter((f) => f.startsWith(".segment-"))).toEqual([]);
  });

  it("keeps quoted values with newlines whole where a segment is cut, with skipped lines before the header", async () => {
    const rows = Array.from(
      { length: 3000 },
      (_, i) => `${i};"line one\nline ""two""; ${i}\n";${i % 3 === 0}`,
    );
    const text = `exported 2024-05-01\nid;note;flag\n${rows.join("\n")}\n`;
    const file = path.join(dir, `quoted-${++n}.csv`);
    writeFileSync(file, text);
    const stored = outDir();
    const options = csvOptions({ delimiter: ";", skipLines: 1 });
    const expected = await importToParquet(engine, { file, outDir: stored, options });
    const streamedDir = outDir();
    const streamed = await importCsvStream(engine, {
      // 2 lines, then records of 3 lines each: the head ends after a whole record.
      headFile: headOf(text, 2 + 3 * 333),
      body: chunked(text, 777),
      outDir: streamedDir,
      scratchDir: scratch(),
      options,
      segmentBytes: 4096,
    });
    expect(streamed?.rowCount).toBe(3000);
    expect(streamed?.schema).toEqual(expected.schema);
    expect(readdirSync(streamedDir).length).toBeGreaterThan(5);
    expect(await rowsOf(streamedDir)).toEqual(await rowsOf(stored));
  });

  it("a bad value in a later segment gives up and leaves no part file, also of the segments read before", async () => {
    const text = csvText(4000, (i) => `${i},${i === 3900 ? "not a number" : i * 2}`, "id,n");
    const out = outDir();
    const sc = scratch();
    const r = await importCsvStream(engine, {
      headFile: headOf(text, 1000),
      body: chunked(text, 500),
      outDir: out,
      scratchDir: sc,
      segmentBytes: 2048,
    });
    expect(r).toBeNull();
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(sc).filter((f) => f.startsWith(".segment-"))).toEqual([]);
  });

  describe("with a spool (the segments are the body's only copy)", () => {
    it("imports as without one, and leaves no segment and no spool", async () => {
      const text = csvText(4000, (i) => `${i},${i * 2},"a ""q"" ${i % 9}"`, "id,n,note");
      const sc = scratch();
      const spool = path.join(sc, "spool.csv");
      const decided: boolean[] = [];
      const out = outDir();
      const r = await importCsvStream(engine, {
        headFile: headOf(text, 1000),
        body: chunked(text, 500),
        outDir: out,
        scratchDir: sc,
        segmentBytes: 2048,
        spool,
        onDecided: (s) => decided.push(s),
      });
      expect(decided).toEqual([true]);
      expect(r?.rowCount).toBe(4000);
      expect(readdirSync(out).length).toBeGreaterThan(10);
      expect(readdirSync(sc)).toEqual([]);
    });

    it("a bad value in a later segment leaves the whole body at the spool, byte for byte, and no part file", async () => {
      // Skipped lines and a header before the rows: every segment after the first starts with them
      // on disk, and the spool must hold them once.
      const rows = Array.from(
        { length: 4000 },
        (_, i) => `${i};${i === 3900 ? "not a number" : i * 2};"x\n${i}"`,
      );
      const text = `exported 2024-05-01\nid;n;note\n${rows.join("\n")}\n`;
      const options = csvOptions({ delimiter: ";", skipLines: 1 });
      const sc = scratch();
      const spool = path.join(sc, "spool.csv");
      const decided: boolean[] = [];
      const out = outDir();
      const r = await importCsvStream(engine, {
        headFile: headOf(text, 2 + 2 * 500),
        body: chunked(text, 333),
        outDir: out,
        scratchDir: sc,
        options,
        segmentBytes: 2048,
        spool,
        onDecided: (s) => decided.push(s),
      });
      expect(r).toBeNull();
      expect(decided).toEqual([true]);
      expect(readFileSync(spool, "utf8")).toBe(text);
      expect(readdirSync(out)).toEqual([]);
      expect(readdirSync(sc)).toEqual(["spool.csv"]);
    });

    it("a body that fails halfway leaves no spool and no segment", async () => {
      const text = csvText(3000, (i) => `${i},${i * 2}`, "id,n");
      const body = new PassThrough();
      const sc = scratch();
      const spool = path.join(sc, "spool.csv");
      const r = importCsvStream(engine, {
        headFile: headOf(text, 1000),
        body,
        outDir: outDir(),
        scratchDir: sc,
        segmentBytes: 2048,
        spool,
      });
      body.write(text.slice(0, text.length / 2));
      setTimeout(() => body.destroy(new Error("client went away")), 50);
      expect(await r).toBeNull();
      expect(existsSync(spool)).toBe(false);
      expect(readdirSync(sc)).toEqual([]);
    });

    it("says at once when it does not stream, without reading the body or writing a spool", async () => {
      const text = csvText(3000, (i) => `${i},${i * 2}`, "id,n");
      const sc = scratch();
      const spool = path.join(sc, "spool.csv");
      const decided: boolean[] = [];
      const body = new PassThrough();
      const r = await importCsvStream(engine, {
        headFile: headOf(text, 1000),
        body,
        outDir: outDir(),
        scratchDir: sc,
        options: csvOptions({ skipBadLines: true }),
        spool,
        onDecided: (s) => decided.push(s),
      });
      expect(r).toBeNull();
      expect(decided).toEqual([false]);
      expect(body.readableLength).toBe(0);
      expect(existsSync(spool)).toBe(false);
    });
  });
});
