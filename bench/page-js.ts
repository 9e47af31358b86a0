// bench/page-js.ts: the JavaScript a studio page loads first (issue 18: the recipe editor under
// 1 MiB), as the Next build itself reports it (diagnostics/route-bundle-stats.json: uncompressed
// first-load JS per route), with the biggest chunks listed.
// Run: pnpm exec tsx bench/page-js.ts [distDir=.next-bench] [route=/projects/[projectId]/recipes/[recipeId]]
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../scripts/lib/stack.ts";

const [distArg = ".next-bench", route = "/projects/[projectId]/recipes/[recipeId]"] = process.argv.slice(2);
const studio = path.join(repoRoot, "apps/studio");
const statsFile = path.join(studio, distArg, "diagnostics/route-bundle-stats.json");
if (!existsSync(statsFile)) throw new Error(`no ${statsFile}: build the studio into ${distArg} first`);
const stats = JSON.parse(readFileSync(statsFile, "utf8")) as {
  route: string;
  firstLoadUncompressedJsBytes: number;
  firstLoadChunkPaths: string[];
}[];
const entry = stats.find((s) => s.route === route);
if (!entry) throw new Error(`no route ${route} in ${statsFile}`);
const chunks = entry.firstLoadChunkPaths
  .map((p) => ({ p, bytes: statSync(path.join(studio, p)).size }))
  .sort((a, b) => b.bytes - a.bytes);
for (const c of chunks.slice(0, 6)) console.log(`  ${(c.bytes / 1024).toFixed(0).padStart(6)} KiB  ${c.p}`);
console.log(
  `${route}: ${(entry.firstLoadUncompressedJsBytes / 1024 / 1024).toFixed(2)} MiB of first-load JavaScript in ${chunks.length} chunks (goal < 1 MiB)`,
);
