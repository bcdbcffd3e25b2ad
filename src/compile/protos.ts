/**
 * The Dataform protocol buffers, loaded from the .proto files that @dataform/core ships,
 * so that requests and responses match the core version exactly.
 */
import { createRequire } from "node:module";
import path from "node:path";
import fs from "node:fs";
import type Protobuf from "protobufjs";
import { cacheKey, readCache, writeCache } from "./disk-cache.js";

const nodeRequire = createRequire(import.meta.url);

let root: Protobuf.Root | undefined;

function protoRoot(): Protobuf.Root {
  if (!root) {
    // Loaded on first use: a compile whose graph comes from the graph cache decodes nothing.
    const protobuf = nodeRequire("protobufjs") as typeof Protobuf;
    const protoDir = path.dirname(nodeRequire.resolve("@dataform/core/package.json"));
    const files = ["core.proto", "configs.proto", "jit.proto"].map((file) => path.join(protoDir, file));
    // Parsing the .proto text costs more than reading its JSON form: keep that, per proto content.
    const key = cacheKey("protos", ...files.map((file) => fs.readFileSync(file)));
    const cached = readCache("protos", key);
    if (cached) {
      root = protobuf.Root.fromJSON(JSON.parse(cached.toString("utf8")) as Protobuf.INamespace);
      return root;
    }
    root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (path.isAbsolute(target) || target.startsWith("google/protobuf/") ? target : path.join(protoDir, target));
    root.loadSync(files, { keepCase: false });
    writeCache("protos", key, JSON.stringify(root.toJSON()));
  }
  return root;
}

export function encodeCompileRequest(projectDir: string, filePaths: string[], projectConfigOverride: Record<string, unknown>): string {
  const type = protoRoot().lookupType("dataform.CoreExecutionRequest");
  const message = type.fromObject({ compile: { compileConfig: { projectDir, filePaths, projectConfigOverride } } });
  return Buffer.from(type.encode(message).finish()).toString("base64");
}

/** Decodes core's base64 CoreExecutionResponse into a plain CompiledGraph object. */
export function decodeCompiledGraph(encodedResponse: string): Record<string, unknown> {
  const type = protoRoot().lookupType("dataform.CoreExecutionResponse");
  const message = type.decode(Buffer.from(encodedResponse, "base64"));
  const response = type.toObject(message, { defaults: false, arrays: true, longs: Number, enums: String }) as {
    compile?: { compiledGraph?: Record<string, unknown> };
  };
  return response.compile?.compiledGraph ?? {};
}

/** Encodes a message of one of core's types (e.g. "dataform.JitCompilationRequest") from a plain object. */
export function encodeMessage(typeName: string, value: Record<string, unknown>): Uint8Array {
  const type = protoRoot().lookupType(typeName);
  const message = type.fromObject(value);
  const problem = type.verify(message);
  if (problem) throw new Error(`${typeName}: ${problem}`);
  return type.encode(message).finish();
}

/** Decodes a message of one of core's types into a plain object (enums as names, 64-bit numbers as numbers). */
export function decodeMessage(typeName: string, bytes: Uint8Array): Record<string, unknown> {
  const type = protoRoot().lookupType(typeName);
  return type.toObject(type.decode(bytes), { defaults: false, arrays: true, longs: Number, enums: String }) as Record<string, unknown>;
}
