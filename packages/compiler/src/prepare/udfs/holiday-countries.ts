/**
 * The countries of the holiday step, each as a calendar of date-holidays (see holidays.ts).
 * Apart from that library so that the step's checks and the studio's catalog (which list the
 * countries) do not load its data. GB is England & Wales: the other nations differ by a day or two.
 */
export const HOLIDAY_COUNTRIES = {
  BE: { country: "BE" },
  DE: { country: "DE" },
  ES: { country: "ES" },
  FR: { country: "FR" },
  GB: { country: "GB", state: "ENG" },
  IT: { country: "IT" },
  NL: { country: "NL" },
  US: { country: "US" },
} as const satisfies Readonly<Record<string, { country: string; state?: string }>>;
