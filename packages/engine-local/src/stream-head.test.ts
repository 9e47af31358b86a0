import { describe, expect, it } from "vitest";
import { SNIFF_SAMPLE_ROWS } from "./csv-sniff.ts";
import { STREAM_HEAD_MAX_BYTES, StreamHead } from "./stream-head.ts";

const line = (i: number) => `${i},"a value, with
a newline",${"x".repeat(40)}\n`;

describe("StreamHead", () => {
  it("waits for the sniffer's rows and MiB, then cuts after a whole record and keeps every byte seen", () => {
    const h = new StreamHead();
    const chunks: Buffer[] = [];
    let found: ReturnType<StreamHead["add"]> = null;
    for (let i = 0; !found; i++) {
      const chunk = Buffer.from(Array.from({ length: 100 }, (_, k) => line(i * 100 + k)).join(""));
      // Chunks end anywhere, here inside a quoted value.
      const cut = chunk.indexOf("a newline") - 3;
      chunks.push(chunk.subarray(0, cut), chunk.subarray(cut));
      found = h.add(chunk.subarray(0, cut)) ?? h.add(chunk.subarray(cut));
    }
    const seen = Buffer.concat(chunks);
    expect(found.seen.equals(seen)).toBe(true);
    const text = found.head.toString();
    expect(found.head.length).toBeGreaterThanOrEqual(1024 * 1024 - 200);
    expect(text.split("\n").length).toBeGreaterThan(SNIFF_SAMPLE_ROWS);
    // Whole records: the head ends after a record's newline, never inside the quoted one.
    expect(text.endsWith(',"a value, with\n')).toBe(false);
    expect(text.endsWith(`${"x".repeat(40)}\n`)).toBe(true);
    expect(h.add(Buffer.from("more\n"))).toBeNull();
  });

  it("gives up on a head longer than its cap, and on one with no line end to cut at", () => {
    const long = new StreamHead();
    const row = `${"y".repeat(STREAM_HEAD_MAX_BYTES / 4)}\n`;
    let r: ReturnType<StreamHead["add"]> = null;
    for (let i = 0; i < 4 && !r; i++) r = long.add(Buffer.from(row));
    // Four rows, far from the sniffer's sample: the cap cuts it, and the head is what it holds.
    expect(r?.head.toString().split("\n").length).toBe(5);
    const none = new StreamHead();
    expect(none.add(Buffer.alloc(STREAM_HEAD_MAX_BYTES, 0x61))).toBeNull();
    expect(none.failed).toBe(true);
  });
});
