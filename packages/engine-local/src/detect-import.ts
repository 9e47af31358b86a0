import { open } from "node:fs/promises";
import { AppError, type CsvOptions, type ImportOptions } from "@sous/contracts";

const HEAD_BYTES = 64 * 1024;

/** The first bytes of a file: enough to tell its format and a CSV's dialect. */
export async function readHead(file: string, bytes = HEAD_BYTES): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const head = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(head, 0, bytes, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Decodes a sample of text in the given encoding; a cut-off last character is dropped. */
export function decodeHead(head: Buffer, encoding: CsvOptions["encoding"]): string {
  if (encoding === "latin-1") return head.toString("latin1");
  if (encoding === "utf-16") {
    const even = head.subarray(0, head.length - (head.length % 2));
    return new TextDecoder("utf-16le").decode(even).replace(/^\uFEFF/, "");
  }
  return new TextDecoder("utf-8")
    .decode(head)
    .replace(/^\uFEFF/, "")
    .replace(/\uFFFD$/, "");
}

/** Which encoding a text sample is in: a UTF-16 BOM, valid UTF-8, or else Latin-1. */
export function detectEncoding(head: Buffer): CsvOptions["encoding"] {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return "utf-16";
  let end = head.length;
  // A multi-byte character cut by the sample's end is not an encoding error.
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const b = head[end - back] ?? 0;
    if ((b & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((b & 0x80) === 0) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, end));
    return "utf-8";
  } catch {
    return "latin-1";
  }
}

/** True when a sample is not text: NUL bytes (outside UTF-16) or many control characters. */
export function looksBinary(head: Buffer, encoding: CsvOptions["encoding"]): boolean {
  if (encoding !== "utf-16" && head.includes(0)) return true;
  const text = decodeHead(head, encoding);
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) controls++;
  }
  return controls > text.length / 100;
}

/** Tells the format from the content (magic bytes), then the file name; CSV otherwise. */
export function detectFormat(head: Buffer, fileName = ""): ImportOptions["format"] {
  if (head.length === 0) throw new AppError("invalid_input", "The file is empty.");
  if (head.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "xlsx";
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".parquet")) return "parquet";
  if (lower.endsWith(".xlsx")) return "xlsx";
  const start = head
    .toString("utf8", 0, Math.min(head.length, 256))
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (start.startsWith("{") || start.startsWith("[")) return "json";
  if (/\.(nd)?jsonl?$/.test(lower)) return "json";
  return "csv";
}
