/**
 * Raised whenever a change makes the generator write other bytes for the same options, so that
 * folders cached by an earlier version (tools/bench/landing-cache.ts) are made again. 2: real
 * order numbers skip the trap orders' block (context.ts TRAP_ORDER_NUMBERS). A module of its
 * own: the benchmark reads it without loading the generator, which runs in a process of its own.
 */
export const GENERATOR_VERSION = 2;
