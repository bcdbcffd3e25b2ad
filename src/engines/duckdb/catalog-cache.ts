/**
 * What DuckDbEngine knows of its catalogs' tables and views between the DDL statements it runs.
 *
 * An action asked the catalog several times about its table (its columns before a merge, its
 * comments after), and each lookup of DuckDB's catalog functions builds a row for every
 * object of the database whatever its filter keeps: in the test suites a fifth of the
 * statements' time. So each object's description (or its absence), and each schema's list of
 * objects, is kept once read, until a statement may have changed it:
 * - a statement of the engine's own that creates, replaces, alters or comments one object
 *   forgets only that object (and the lists);
 * - another statement that creates or drops one table and nothing else (tableNamedBy) forgets
 *   the objects of that name;
 * - any other statement that may be DDL (mayChangeCatalog) forgets everything.
 * (A whole-catalog snapshot instead, one query for every object, cost more than the lookups it
 * saved: the test suites' operations run DDL often, and every snapshot read every comment.)
 *
 * Transactions: a lookup inside one is neither answered from the cache nor kept (it sees the
 * transaction's own uncommitted DDL), and whatever a transaction invalidated is invalidated
 * again when it ends, committed or rolled back: a lookup outside it, meanwhile, saw and kept
 * the state before it. Every invalidation also moves a generation on, so a lookup that was
 * under way across one keeps nothing.
 */

/** A table's or view's kind, columns and current comments. */
export interface DescribedObject {
  kind: "table" | "view";
  columns: { name: string; type: string }[];
  comments: { description: string | null; columns: ReadonlyMap<string, string | null> };
}

/** Words of a statement that may create, drop, rename, alter or comment a table or view, or switch the default catalog. */
const CATALOG_CHANGING = /\b(create|alter|drop|rename|comment|attach|detach|import|use)\b/i;

/** True when `sql` may change what the cache holds (a false positive only costs lookups). */
export function mayChangeCatalog(sql: string): boolean {
  return CATALOG_CHANGING.test(sql);
}

/** One part of a table's name: double-quoted, backtick-quoted (Dataform's `project.dataset.table`) or bare. */
const NAME_PART = String.raw`(?:"(?:[^"]|"")*"|\`[^\`]*\`|[A-Za-z_][\w$]*)`;
/** The DDL that creates or drops one table and changes nothing else, and the table's name. */
const ONE_TABLE_DDL = new RegExp(
  String.raw`^\s*(?:create\s+(?:or\s+replace\s+)?(?:temp(?:orary)?\s+)?table\s+(?:if\s+not\s+exists\s+)?|drop\s+table\s+(?:if\s+exists\s+)?)(${NAME_PART}(?:\s*\.\s*${NAME_PART})*)`,
  "i",
);
/** Each part of a name that ONE_TABLE_DDL matched (matchAll copies it, so sharing it is safe). */
const NAME_PARTS = new RegExp(NAME_PART, "g");

/**
 * The name (its last part) of the one table that `sql` creates or drops, when it is a single
 * statement of the forms the project's operations run between actions: `create table if not
 * exists t (…)`, `create or replace temp table t as …`, `drop table if exists t`. The cache then
 * forgets the objects of that name only (invalidateNamed); in a 100 k-person incremental run 22
 * such statements each made it forget every description, and each action read its table's
 * again (5 to 16 ms a lookup). Undefined for anything else, which forgets everything: several
 * statements (a `;` before the end, even one in a string), `cascade` (a drop that takes
 * dependent views with it), other DDL.
 */
export function tableNamedBy(sql: string): string | undefined {
  const match = ONE_TABLE_DDL.exec(sql);
  if (!match) return undefined;
  if (sql.trimEnd().replace(/;$/, "").includes(";") || /\bcascade\b/i.test(sql)) return undefined;
  const parts = [...match[1].matchAll(NAME_PARTS)].map((part) => part[0]);
  const last = parts[parts.length - 1];
  if (last.startsWith("`")) return last.slice(1, -1).split(".").pop();
  if (last.startsWith('"')) return last.slice(1, -1).replaceAll('""', '"');
  return last;
}

/** The cache's key of an object: its catalog ("" for the warehouse's own), schema and name. */
export function objectKey(catalog: string, schema: string, name: string): string {
  return [catalog, schema, name].join("\u0000");
}

/** The invalidations made inside one transaction, made again when it ends. */
export interface TransactionInvalidations {
  all: boolean;
  objects: string[];
  /** Names of tables whose objects were forgotten in every catalog and schema (invalidateNamed). */
  names: string[];
}

/** The name part of an objectKey, lower-cased (DuckDB's names are case-insensitive). */
function nameOfKey(key: string): string {
  return key.slice(key.lastIndexOf("\u0000") + 1).toLowerCase();
}

export class CatalogCache {
  /** Each object's description, or null when it does not exist, by objectKey. */
  private readonly objects = new Map<string, DescribedObject | null>();
  /** Lists of objects (listTables), by the list's key. */
  private readonly lists = new Map<string, { schema: string; name: string }[]>();
  private generation = 0;

  /** The object `key` (undefined when it does not exist): kept, or read by `read` (and kept unless `inTransaction`). */
  async describe(key: string, inTransaction: boolean, read: () => Promise<DescribedObject | undefined>): Promise<DescribedObject | undefined> {
    if (inTransaction) return read();
    const kept = this.objects.get(key);
    if (kept !== undefined) return kept ?? undefined;
    const generation = this.generation;
    const object = await read();
    if (generation === this.generation) this.objects.set(key, object ?? null);
    return object;
  }

  /** The objects `keys` not kept yet, read together by `read` (a map by key; a key it lacks has no object) and kept. */
  async describeMany(keys: readonly string[], read: () => Promise<ReadonlyMap<string, DescribedObject>>): Promise<void> {
    if (keys.every((key) => this.objects.has(key))) return;
    const generation = this.generation;
    const objects = await read();
    if (generation !== this.generation) return;
    for (const key of keys) if (!this.objects.has(key)) this.objects.set(key, objects.get(key) ?? null);
  }

  /** A list of objects `key`: kept, or read by `read` (and kept unless `inTransaction`). */
  async list(key: string, inTransaction: boolean, read: () => Promise<{ schema: string; name: string }[]>): Promise<{ schema: string; name: string }[]> {
    if (inTransaction) return read();
    const kept = this.lists.get(key);
    if (kept) return kept.map((table) => ({ ...table }));
    const generation = this.generation;
    const tables = await read();
    if (generation === this.generation) this.lists.set(key, tables.map((table) => ({ ...table })));
    return tables;
  }

  /** The object `key` may have changed (and with it the lists); recorded in `transaction` when inside one. */
  invalidate(key: string, transaction?: TransactionInvalidations): void {
    this.generation++;
    this.objects.delete(key);
    this.lists.clear();
    transaction?.objects.push(key);
  }

  /**
   * The objects named `name` in any catalog and schema may have changed (and with them the
   * lists): a statement's unqualified name may resolve to a temporary table or to one of the
   * default schema's. Recorded in `transaction` when inside one.
   */
  invalidateNamed(name: string, transaction?: TransactionInvalidations): void {
    this.generation++;
    const named = name.toLowerCase();
    for (const key of [...this.objects.keys()]) if (nameOfKey(key) === named) this.objects.delete(key);
    this.lists.clear();
    transaction?.names.push(name);
  }

  /** Anything may have changed; recorded in `transaction` when inside one. */
  invalidateAll(transaction?: TransactionInvalidations): void {
    this.generation++;
    this.objects.clear();
    this.lists.clear();
    if (transaction) transaction.all = true;
  }

  /** A transaction ended (committed or rolled back): what it invalidated is invalidated again. */
  ended(transaction: TransactionInvalidations): void {
    if (transaction.all) this.invalidateAll();
    for (const key of transaction.objects) this.invalidate(key);
    for (const name of transaction.names) this.invalidateNamed(name);
  }
}
