import { seededRandom } from "@sous/contracts";

/**
 * Seeded CSV rows for the ML tests: `churned` depends on x1, x2 and the colour, plus noise (no
 * model separates it perfectly); x1 is empty on every 17th row. With `traps`, also a column that
 * copies the target (a leak) and a constant one, which the Lab's suggestion must leave out.
 */
export function churnRows(n: number, seed: number, opts: { traps?: boolean } = {}): string {
  const colours = ["red", "green", "blue", "black"];
  const lines = [opts.traps ? "id,x1,x2,colour,leak,constant,churned" : "id,x1,x2,colour,churned"];
  const r = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const x1 = (r() * 20 - 10).toFixed(3);
    const x2 = (r() * 100).toFixed(2);
    const colour = colours[i % 4]!;
    const noise = (r() * 2 - 1) * 6;
    const score =
      Number(x1) + (Number(x2) - 50) / 10 + (colour === "red" ? 4 : colour === "blue" ? -4 : 0) + noise;
    const churned = score > 0;
    const traps = opts.traps ? `${churned ? 1 : 0},7,` : "";
    lines.push(`${i + 1},${i % 17 === 0 ? "" : x1},${x2},${colour},${traps}${churned}`);
  }
  return `${lines.join("\n")}\n`;
}
