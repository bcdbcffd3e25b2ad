import { chromium } from "playwright-core";
import fs from "node:fs";
const [,, url, ...ids] = process.argv;
const dir = fs.mkdtempSync("/tmp/w22/profile-");
const context = await chromium.launchPersistentContext(dir, { executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox","--disable-gpu"], viewport: { width: 1400, height: 900 } });
const page = await context.newPage();
await page.goto(url);
for (const id of ids) await page.locator("#" + id).screenshot({ path: `/tmp/w22/${id}.png` });
await context.close();
