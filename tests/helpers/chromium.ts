/**
 * Headless Chromium for browser tests: Debian's `chromium` package (apt-get install -y
 * chromium), driven by playwright-core. CI installs it (.ci/run) and sets
 * C360_REQUIRE_BROWSER=1, so a missing browser fails there instead of skipping.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

const CANDIDATES = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter((candidate): candidate is string => Boolean(candidate));

export const CHROMIUM_PATH = CANDIDATES.find((candidate) => fs.existsSync(candidate));

export const BROWSER_REQUIRED = process.env.C360_REQUIRE_BROWSER === "1" || process.env.CI === "true";

export const NO_BROWSER_MESSAGE =
  "Skipping the browser tests: no Chromium at " + CANDIDATES.join(" or ") + ". Install it once with: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH).";

/** A fresh headless Chromium with its own profile folder, as the browser tests use it. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!CHROMIUM_PATH) throw new Error(NO_BROWSER_MESSAGE);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "c360-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
