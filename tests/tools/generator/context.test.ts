import { describe, expect, it } from "vitest";
import { GeneratorContext, TRAP_ORDER_NUMBERS } from "../../../tools/generator/context.js";
import { trapRecords } from "../../../tools/generator/traps.js";

/** The number of an order id (O + digits), or undefined when it has none. */
function orderNumber(orderId: string | undefined): number | undefined {
  const match = /^O(\d+)$/.exec(orderId ?? "");
  return match ? Number(match[1]) : undefined;
}

describe("generator context", () => {
  it("gives real orders no number of the trap orders' block", () => {
    const context = new GeneratorContext({ persons: 1_000_000, seed: 42, asOf: "2024-06-30" });
    let previous = 0;
    let inBlock = 0;
    let notIncreasing = 0;
    const around: number[] = [];
    for (let order = 0; order < 8_100_000; order++) {
      const number = context.nextOrderNumber();
      if (number >= TRAP_ORDER_NUMBERS.from && number < TRAP_ORDER_NUMBERS.to) inBlock++;
      if (number <= previous) notIncreasing++;
      if (order === 6_999_999 || order === 7_000_000) around.push(number);
      previous = number;
    }
    expect({ inBlock, notIncreasing }).toEqual({ inBlock: 0, notIncreasing: 0 });
    // Consecutive up to the block, then on from its end.
    expect(around).toEqual([TRAP_ORDER_NUMBERS.from - 1, TRAP_ORDER_NUMBERS.to]);
  });

  it("keeps every trap order's and trap line's id inside that block, for the 1 M-person folder's copies", () => {
    const context = new GeneratorContext({ persons: 1_000, seed: 42, asOf: "2024-06-30" });
    const batch = trapRecords(context, 1_000);
    const ids = [
      ...batch.orders.map((order) => order.rawLine?.split(",")[0] ?? order.order_id),
      ...batch.order_items.map((item) => item.order_id),
    ].filter((id) => id !== "");
    expect(ids.length).toBeGreaterThan(1_000 * 10);
    for (const id of ids) {
      const number = orderNumber(id);
      expect(number, id).toBeGreaterThanOrEqual(TRAP_ORDER_NUMBERS.from);
      expect(number, id).toBeLessThan(TRAP_ORDER_NUMBERS.to);
    }
  });
});
