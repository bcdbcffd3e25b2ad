/**
 * Settings and shared state of one generator run: the time span (about two years up to
 * as_of_date), the parts of the windowed sources, the fx table and the id counters.
 */
import { asOfEnd as endOfAsOf, isoDay } from "./contract-rules.js";
import type { Prng } from "./prng.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface GeneratorOptions {
  persons: number;
  seed: number;
  /** YYYY-MM-DD */
  asOf: string;
  /** Average orders per person over all persons (shoppers get more). */
  ordersPerPerson?: number;
  /** Average events per person over all persons. */
  eventsPerPerson?: number;
}

export interface FxRate {
  day: number;
  currency: "EUR" | "GBP";
  /** Rate in units of 10^-4 USD. */
  rate: number;
}

/**
 * The numbers of the trap orders' ids (traps.ts: O800<copy> to O899<copy>, copy written with
 * four digits, so while persons / 1000 stays below 10,000): no real order takes one.
 */
export const TRAP_ORDER_NUMBERS = { from: 8_000_000, to: 9_000_000 } as const;

export class GeneratorContext {
  readonly asOfEnd: number;
  /** First instant of the data (two years before the end of as_of_date). */
  readonly start: number;
  /** Part i (i ≥ 1) starts at partStarts[i - 1]; part 0 is the plain file. */
  readonly partStarts: number[];
  readonly partSuffixes: string[];
  readonly ordersPerShopper: number;
  readonly eventsPerWebUser: number;
  readonly firstFxDay: number;
  private orderNumber = 1_000_000;
  private ticketNumber = 50_000;

  constructor(readonly options: GeneratorOptions) {
    this.asOfEnd = endOfAsOf(options.asOf);
    this.start = this.asOfEnd - 730 * DAY;
    // Half-year parts (18, 12 and 6 months before the day after as_of, then that day): the
    // plain file holds the oldest records, the last part what came after as_of.
    const end = new Date(this.asOfEnd);
    this.partStarts = [18, 12, 6, 0].map((months) => Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months, end.getUTCDate()));
    this.partSuffixes = ["", ...this.partStarts.map((start) => isoDay(Math.floor(start / DAY)))];
    this.ordersPerShopper = (options.ordersPerPerson ?? 10) / 0.77;
    this.eventsPerWebUser = (options.eventsPerPerson ?? 20) / 0.86;
    this.firstFxDay = Math.floor(this.start / DAY) - 7;
  }

  get partCount(): number {
    return this.partSuffixes.length;
  }

  partOf(instant: number): number {
    let part = 0;
    while (part < this.partStarts.length && instant >= this.partStarts[part]) part++;
    return part;
  }

  /** An instant in the span, between the given fractions of it. */
  randomInstant(rng: Prng, from: number, to: number): number {
    const span = this.asOfEnd - this.start;
    return this.start + Math.floor(span * (from + (to - from) * rng.next()));
  }

  /** An instant after `after`, still before the end of as_of_date. */
  laterInstant(rng: Prng, after: number): number {
    const latest = Math.min(this.asOfEnd - HOUR, after + 120 * DAY);
    return latest <= after + HOUR ? after + 1000 : after + HOUR + Math.floor((latest - after - HOUR) * rng.next());
  }

  /** An instant after the end of as_of_date (records the build must ignore). */
  afterAsOf(rng: Prng): number {
    return this.asOfEnd + rng.int(1, 20 * 24) * HOUR - rng.int(0, 3599) * 1000;
  }

  /**
   * The next real order's number. Numbers of the trap orders' block (TRAP_ORDER_NUMBERS) are
   * skipped: from about 640 k persons on, real orders reached it, and an order id shared by a
   * real order and a trap order made the two one order (its latest version wins), so the trap's
   * shop account lost its only order and the landing folder no longer held what its ground truth
   * says (895 fewer identifiers at 1 M persons).
   */
  nextOrderNumber(): number {
    if (this.orderNumber >= TRAP_ORDER_NUMBERS.from && this.orderNumber < TRAP_ORDER_NUMBERS.to) this.orderNumber = TRAP_ORDER_NUMBERS.to;
    return this.orderNumber++;
  }

  nextTicketNumber(): number {
    return this.ticketNumber++;
  }

  /** fx rates per business day from a week before the span to as_of_date, around 1.08 (EUR) and 1.27 (GBP). */
  *fxRates(rng: Prng): Generator<FxRate> {
    let eur = 10800;
    let gbp = 12700;
    const lastDay = Math.floor(this.asOfEnd / DAY) - 1;
    for (let day = this.firstFxDay; day <= lastDay; day++) {
      const weekday = new Date(day * DAY).getUTCDay();
      if (weekday === 0 || weekday === 6) continue;
      eur = clamp(eur + rng.int(-40, 40), 10400, 11200);
      gbp = clamp(gbp + rng.int(-50, 50), 12200, 13200);
      yield { day, currency: "EUR", rate: eur };
      yield { day, currency: "GBP", rate: gbp };
    }
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
