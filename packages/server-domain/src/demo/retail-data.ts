// The demo's retail data set, generated rather than shipped, and deterministic (same seed, same
// bytes) so screenshots, docs and tests can rely on its numbers.
import { seededRandom } from "@sous/contracts";

const FIRST = [
  "Ada",
  "Bruno",
  "Chloé",
  "Dev",
  "Elena",
  "Farid",
  "Grace",
  "Hugo",
  "Ines",
  "Jonas",
  "Keiko",
  "Liam",
  "Maya",
  "Noah",
  "Olga",
  "Priya",
];
const LAST = [
  "Martin",
  "Okafor",
  "Schmidt",
  "Rossi",
  "Nguyen",
  "García",
  "Dubois",
  "Kowalski",
  "Silva",
  "Larsen",
  "Haddad",
  "Tanaka",
];
const COUNTRIES = ["FR", "DE", "ES", "IT", "GB", "US", "NL", "JP"];
const SEGMENTS = ["consumer", "small business", "enterprise"];
const CATEGORIES = ["kitchen", "garden", "office", "outdoor", "books", "toys"];
const CHANNELS = ["email", "search", "social", "display"];

const csvField = (v: string | number | null) => {
  if (v === null) return "";
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const toCsv = (header: string[], rows: (string | number | null)[][]) =>
  `${[header, ...rows].map((r) => r.map(csvField).join(",")).join("\n")}\n`;
const day = (start: Date, offset: number) =>
  new Date(start.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

export interface RetailData {
  customers: string;
  products: string;
  campaigns: string;
  orders: string;
}

export function generateRetailData(
  opts: { seed?: number; customers?: number; orders?: number } = {},
): RetailData {
  const rand = seededRandom(opts.seed ?? 20_261_125);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const nCustomers = opts.customers ?? 400;
  const nOrders = opts.orders ?? 6000;
  const epoch = new Date("2025-01-01T00:00:00Z");

  const customers = Array.from({ length: nCustomers }, (_, i) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    return [
      `C${String(i + 1).padStart(4, "0")}`,
      `${first} ${last}`,
      `${first}.${last}${i}@example.com`.toLowerCase(),
      pick(COUNTRIES),
      day(epoch, Math.floor(rand() * 365)),
      pick(SEGMENTS),
    ];
  });
  const products = Array.from({ length: 60 }, (_, i) => {
    const category = pick(CATEGORIES);
    return [
      `P${String(i + 1).padStart(3, "0")}`,
      `${category} item ${i + 1}`,
      category,
      Math.round((5 + rand() * 195) * 100) / 100,
    ];
  });
  const campaigns = Array.from({ length: 8 }, (_, i) => {
    const start = Math.floor(rand() * 300);
    return [
      `K${i + 1}`,
      `${pick(["Spring", "Summer", "Autumn", "Winter"])} ${pick(CHANNELS)} push ${i + 1}`,
      pick(CHANNELS),
      day(epoch, start),
      day(epoch, start + 30),
      Math.round(1000 + rand() * 9000),
    ];
  });
  // A few customers buy a lot (a skewed distribution), so "top customers" means something.
  const orders = Array.from({ length: nOrders }, (_, i) => {
    const c = Math.floor(nCustomers * rand() ** 2.2);
    const p = products[Math.floor(rand() * products.length)]!;
    const qty = 1 + Math.floor(rand() * 4);
    const campaign = rand() < 0.35 ? `K${1 + Math.floor(rand() * 8)}` : null;
    return [
      `O${String(i + 1).padStart(6, "0")}`,
      customers[c]![0]!,
      p[0]!,
      campaign,
      day(epoch, Math.floor(rand() * 365)),
      qty,
      Math.round(qty * Number(p[3]) * 100) / 100,
    ];
  });

  return {
    customers: toCsv(["customer_id", "name", "email", "country", "signup_date", "segment"], customers),
    products: toCsv(["product_id", "name", "category", "price"], products),
    campaigns: toCsv(["campaign_id", "name", "channel", "start_date", "end_date", "budget"], campaigns),
    orders: toCsv(
      ["order_id", "customer_id", "product_id", "campaign_id", "order_date", "quantity", "amount"],
      orders,
    ),
  };
}
