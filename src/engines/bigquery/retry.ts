/**
 * Retries for BigQuery's transient failures: HTTP 429/5xx answers, the error reasons
 * BigQuery documents as retryable (rateLimitExceeded, backendError, internalError, …) and
 * dropped connections. Exponential backoff with full jitter, bounded in attempts.
 */

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, initialDelayMs: 1_000, maxDelayMs: 32_000 };

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "jobRateLimitExceeded", "backendError", "internalError", "jobInternalError"]);
const RETRYABLE_NETWORK_CODES = new Set(["ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ECONNABORTED", "UND_ERR_SOCKET"]);

interface ErrorShape {
  code?: number | string;
  errors?: { reason?: string }[];
  message?: string;
}

export function isRetryableReason(reason: string | undefined): boolean {
  return reason !== undefined && RETRYABLE_REASONS.has(reason);
}

export function isRetryableError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const shape = error as ErrorShape;
  if (typeof shape.code === "number" && RETRYABLE_STATUS.has(shape.code)) return true;
  if (typeof shape.code === "string" && RETRYABLE_NETWORK_CODES.has(shape.code)) return true;
  if (shape.errors?.some((detail) => isRetryableReason(detail.reason))) return true;
  return /socket hang up/i.test(shape.message ?? "");
}

export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, fails with a non-retryable error, or runs out of
 * attempts (then the last error is thrown). `onRetry` sees each retried failure.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
  retryable: (error: unknown) => boolean = isRetryableError,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= policy.maxAttempts || !retryable(error)) throw error;
      const delay = backoffDelayMs(policy, attempt);
      onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
