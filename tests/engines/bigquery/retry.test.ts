import { describe, expect, it } from "vitest";
import { backoffDelayMs, isRetryableError, withRetry } from "../../../src/engines/bigquery/retry.js";

const policy = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 300 };

describe("BigQuery retries", () => {
  it("retries rate limits, backend errors and dropped connections, nothing else", () => {
    expect(isRetryableError({ code: 500, message: "x" })).toBe(true);
    expect(isRetryableError({ code: 503 })).toBe(true);
    expect(isRetryableError({ code: 429 })).toBe(true);
    expect(isRetryableError({ code: 403, errors: [{ reason: "rateLimitExceeded" }] })).toBe(true);
    expect(isRetryableError({ code: 400, errors: [{ reason: "backendError" }] })).toBe(true);
    expect(isRetryableError({ code: "ECONNRESET" })).toBe(true);
    expect(isRetryableError(new Error("socket hang up"))).toBe(true);
    expect(isRetryableError({ code: 403, errors: [{ reason: "accessDenied" }] })).toBe(false);
    expect(isRetryableError({ code: 400, errors: [{ reason: "invalidQuery" }] })).toBe(false);
    expect(isRetryableError({ code: 404 })).toBe(false);
    expect(isRetryableError(undefined)).toBe(false);
  });

  it("backs off exponentially with jitter, capped", () => {
    expect(backoffDelayMs(policy, 1, () => 0)).toBe(50);
    expect(backoffDelayMs(policy, 1, () => 1)).toBe(100);
    expect(backoffDelayMs(policy, 2, () => 1)).toBe(200);
    expect(backoffDelayMs(policy, 5, () => 1)).toBe(300);
  });

  it("stops at the first success, a permanent error, or the last attempt", async () => {
    const fast = { ...policy, initialDelayMs: 1, maxDelayMs: 1 };
    let calls = 0;
    expect(await withRetry(fast, async () => (++calls < 3 ? Promise.reject({ code: 500 }) : "ok"))).toBe("ok");
    expect(calls).toBe(3);

    calls = 0;
    await expect(withRetry(fast, async () => Promise.reject({ code: 400, message: "bad", attempt: ++calls }))).rejects.toMatchObject({ attempt: 1 });

    calls = 0;
    const retried: number[] = [];
    await expect(withRetry(fast, async () => Promise.reject({ code: 503, attempt: ++calls }), (_error, attempt) => retried.push(attempt))).rejects.toMatchObject({
      attempt: 4,
    });
    expect(retried).toEqual([1, 2, 3]);
  });
});
