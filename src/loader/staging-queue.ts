/**
 * Stages the parts a load will read, in load order, one at a time, the next part while the
 * warehouse reads the current one (staging is JavaScript work on this thread, the read runs
 * on the warehouse's threads, so the two overlap), and further ahead within a byte budget.
 * Staged files live in a private temporary folder removed by `close`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LandingPart } from "./parts.js";
import { stagePart, type StagedPart } from "./staged-part.js";

/**
 * Landing bytes staged but not yet taken, beyond the part after the one being loaded. None
 * by default: measured at 1 M persons on 2 cores, staging further ahead only takes CPU from
 * the warehouse's inserts (138 s of insert time instead of 117 s, no faster overall).
 */
const DEFAULT_AHEAD_BYTES = 0;

interface Slot {
  part: LandingPart;
  sizeBytes: number;
  result: Promise<StagedPart | undefined>;
  settle: (result: Promise<StagedPart | undefined>) => void;
  taken: boolean;
}

export class StagingQueue {
  private readonly slots: Slot[];
  private readonly indexOf: Map<LandingPart, number>;
  private folder: string | undefined;
  private running: Promise<void> | undefined;
  private nextToTake = 0;
  private aheadBytes = 0;
  private closed = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    parts: LandingPart[],
    private readonly maxAheadBytes = DEFAULT_AHEAD_BYTES,
  ) {
    this.slots = parts.map((part) => {
      let settle!: Slot["settle"];
      const result = new Promise<StagedPart | undefined>((resolve) => {
        settle = (staged) => resolve(staged);
      });
      result.catch(() => {}); // a rejection reaches the caller through take(); none may go unhandled meanwhile
      return { part, sizeBytes: fileSize(part), result, settle, taken: false };
    });
    this.indexOf = new Map(parts.map((part, index) => [part, index]));
  }

  /** The staged part, or undefined when it must be parsed by the framework. Parts are taken in order. */
  async take(part: LandingPart): Promise<StagedPart | undefined> {
    const index = this.indexOf.get(part);
    if (index === undefined) return undefined;
    this.running ??= this.stageAll();
    const slot = this.slots[index];
    slot.taken = true;
    this.nextToTake = index + 1;
    try {
      return await slot.result;
    } finally {
      this.aheadBytes -= slot.sizeBytes;
      this.wakeUp?.();
    }
  }

  /** Stops staging, waits for the staging under way and removes every staged file not taken. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp?.();
    await this.running;
    for (const slot of this.slots) {
      if (slot.taken) continue;
      const staged = await slot.result.catch(() => undefined);
      if (staged) fs.rmSync(staged.path, { force: true });
    }
    if (this.folder) fs.rmSync(this.folder, { recursive: true, force: true });
  }

  private async stageAll(): Promise<void> {
    for (let index = 0; index < this.slots.length; index++) {
      // Always stage the part after the one being loaded; further only within the budget.
      while (!this.closed && index > this.nextToTake && this.aheadBytes >= this.maxAheadBytes) {
        await new Promise<void>((resolve) => (this.wakeUp = resolve));
        this.wakeUp = undefined;
      }
      const slot = this.slots[index];
      if (this.closed) {
        slot.settle(Promise.resolve(undefined));
        continue;
      }
      this.aheadBytes += slot.sizeBytes;
      const staged = (async () => stagePart(slot.part, this.stagingFolder()))();
      slot.settle(staged);
      await staged.catch(() => {});
    }
  }

  private stagingFolder(): string {
    this.folder ??= fs.mkdtempSync(path.join(os.tmpdir(), "c360-staging-"));
    return this.folder;
  }
}

function fileSize(part: LandingPart): number {
  try {
    return fs.statSync(part.absolutePath).size;
  } catch {
    return 0; // staging will report the unreadable file
  }
}
