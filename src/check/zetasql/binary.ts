/**
 * Where npm @fivetrandevelopers/zetasql keeps the ZetaSQL local service (a gRPC server
 * built from google/zetasql) for this machine, and its .proto files.
 */
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { C360Error } from "../../errors.js";

const requireFromHere = createRequire(import.meta.url);

/** The package's lib/zetasql folder: the server binaries and protos/. */
export function zetaSqlPackageDir(): string {
  return path.join(path.dirname(requireFromHere.resolve("@fivetrandevelopers/zetasql/package.json")), "lib", "zetasql");
}

/**
 * The package ships four builds and names them like its own runServer() does:
 * `remote_server` + `_arm` on arm + `.so` on Linux (an ELF executable, not a library).
 */
export function zetaSqlServerBinary(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (platform !== "linux" && platform !== "darwin") {
    throw new C360Error(`The ZetaSQL analyzer runs on Linux and macOS only (this is ${platform}); c360 check cannot run here.`);
  }
  if (arch !== "x64" && arch !== "arm64") {
    throw new C360Error(`The ZetaSQL analyzer is built for x64 and arm64 only (this is ${arch}); c360 check cannot run here.`);
  }
  const name = `remote_server${arch === "arm64" ? "_arm" : ""}${platform === "linux" ? ".so" : ""}`;
  const binary = path.join(zetaSqlPackageDir(), name);
  if (!fs.existsSync(binary)) {
    throw new C360Error(`The ZetaSQL analyzer binary ${binary} is missing: reinstall @fivetrandevelopers/zetasql (npm ci).`);
  }
  return binary;
}

/** The package's gRPC dependencies, resolved from the package itself (they are not c360's own). */
export function requireZetaSqlDependency<T>(name: "@grpc/grpc-js" | "@grpc/proto-loader"): T {
  const requireFromPackage = createRequire(requireFromHere.resolve("@fivetrandevelopers/zetasql/package.json"));
  return requireFromPackage(name) as T;
}
