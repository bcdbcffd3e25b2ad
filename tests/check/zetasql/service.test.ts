import { describe, expect, it } from "vitest";
import { zetaSqlServerBinary } from "../../../src/check/zetasql/binary.js";
import { ZetaSqlService } from "../../../src/check/zetasql/service.js";
import { BIGQUERY_LANGUAGE_OPTIONS } from "../../../src/check/zetasql/bigquery-language.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("ZetaSQL local service", () => {
  it("picks the binary the package ships for the platform", () => {
    expect(zetaSqlServerBinary("linux", "x64")).toMatch(/lib\/zetasql\/remote_server\.so$/);
    expect(zetaSqlServerBinary("linux", "arm64")).toMatch(/lib\/zetasql\/remote_server_arm\.so$/);
    expect(zetaSqlServerBinary("darwin", "arm64")).toMatch(/lib\/zetasql\/remote_server_arm$/);
    expect(() => zetaSqlServerBinary("win32", "x64")).toThrow(/Linux and macOS only/);
  });

  it("starts on a loopback port, answers, and leaves no process behind when stopped", async () => {
    const service = await ZetaSqlService.start();
    const pid = service.pid!;
    try {
      expect(alive(pid)).toBe(true);
      const parsed = await service.parse({ sqlStatement: "select 1", options: BIGQUERY_LANGUAGE_OPTIONS, allowScript: false });
      expect(parsed.result).toBe("parsedStatement");
    } finally {
      await service.stop();
    }
    expect(service.running).toBe(false);
    expect(alive(pid)).toBe(false);
    await service.stop();
    await expect(service.parse({ sqlStatement: "select 1", options: BIGQUERY_LANGUAGE_OPTIONS, allowScript: false })).rejects.toThrow("has been stopped");
  });
});
