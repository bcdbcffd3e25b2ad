/**
 * Ground truth, step two: identity resolution and per-customer figures, by SOURCES.md's
 * link rules and METRICS.md's definitions, computed from the generated records.
 *
 * People are resolved one at a time (their own emails and phones never appear in anyone
 * else's records), which keeps memory flat; values from the shared pools (mailboxes,
 * household phones, placeholders, shared devices) are collected across people and decided
 * at the end, when their account counts per system are known.
 */
import { once } from "node:events";
import fs from "node:fs";
import path from "node:path";
import type { GeneratorContext } from "./context.js";
import { epochDay } from "./contract-rules.js";
import type { PoolValues, RecordBatch } from "./model.js";
import { countSessions, writeTruthFiles, type TruthSummary } from "./truth-files.js";
import { resolveBatch, type FxLookup, type QuarantineCounts, type ResolvedBatch } from "./truth-records.js";

export type { TruthSummary } from "./truth-files.js";

type AccountSystem = "crm" | "shop" | "loyalty";

interface PoolUse {
  accounts: Record<AccountSystem, Set<string>>;
  components: Set<number>;
}

interface SharedDevice {
  userIds: Map<string, number>; // user_id → component of that shop account
  events: Map<string, number>; // message_id → instant
}

/** Figures per component (summed over components that end up in one customer). */
export interface Figures {
  minKey: string;
  known: boolean;
  ids: Record<"crm" | "shop" | "loyalty" | "support" | "web", number>;
  orderCount: number;
  revenueCents: number;
  lastOrderDay: number;
  tickets: number;
  sessions: number;
  touchpoints: number;
}

export class GroundTruth {
  private readonly figures: Figures[] = [];
  private readonly parent: number[] = [];
  private readonly poolUses = new Map<string, PoolUse>();
  private readonly devices = new Map<string, SharedDevice>();
  private readonly quarantine: QuarantineCounts = new Map();
  private readonly identityLines: fs.WriteStream;
  private readonly identityTemp: string;
  private readonly facts = { crmReexports: 0, crmSameInstantTies: 0, orderStatusChanges: 0, duplicateMessagesAcrossParts: 0, anonymousThenSignedIn: 0, sharedDevices: 0, recordsAfterAsOf: {} as Record<string, number> };
  private readonly valuesOverLimit: string[] = [];
  private readonly valuesAtLimit: string[] = [];

  constructor(
    private readonly context: GeneratorContext,
    private readonly fx: FxLookup,
    private readonly pools: PoolValues,
    private readonly truthDir: string,
    private readonly maxAccounts = 3,
  ) {
    fs.mkdirSync(truthDir, { recursive: true });
    this.identityTemp = path.join(truthDir, ".identity.tmp");
    this.identityLines = fs.createWriteStream(this.identityTemp);
  }

  /** Adds one person's records (or the trap block). */
  async add(batch: RecordBatch): Promise<void> {
    const resolved = resolveBatch(batch, this.context, this.fx, this.quarantine);
    this.collectFacts(resolved);
    const local = new LocalGraph();
    const emailsOf = new Map<number, string[]>();
    const phonesOf = new Map<number, string[]>();
    const account = (node: number, email: string | null, phone: string | null) => {
      if (email) emailsOf.set(node, [...(emailsOf.get(node) ?? []), email]);
      if (phone) phonesOf.set(node, [...(phonesOf.get(node) ?? []), phone]);
    };
    for (const contact of resolved.contacts) account(local.node("crm", contact.crmId), contact.email, contact.phone);
    for (const order of resolved.orders) account(local.node("shop", order.shopId), order.email, null);
    for (const member of resolved.members) account(local.node("loyalty", member.memberId), member.email, member.phone);
    for (const ticket of resolved.tickets) account(local.node("support", ticket.ticketId), ticket.email, null);

    // Anonymous ids: own devices resolve here; pool devices at the end.
    const byDevice = new Map<string, typeof resolved.events>();
    for (const event of resolved.events) {
      if (event.userId) local.node("shop", event.userId);
      byDevice.set(event.anonymousId, [...(byDevice.get(event.anonymousId) ?? []), event]);
    }
    const ownDevices: [number, typeof resolved.events][] = [];
    for (const [anonymousId, events] of byDevice) {
      if (this.pools.anonymousIds.has(anonymousId)) continue;
      const node = local.node("web", anonymousId);
      ownDevices.push([node, events]);
      const users = new Set(events.flatMap((event) => (event.userId ? [event.userId] : [])));
      if (users.size === 1) {
        local.union(node, local.node("shop", [...users][0]));
        if (events.some((event) => !event.userId)) this.facts.anonymousThenSignedIn++;
      } else if (users.size > 1) this.facts.sharedDevices++;
    }

    // Own values link within the person unless one system alone carries them on too many accounts.
    const valueNodes = new Map<string, number[]>();
    const poolValues: [string, number][] = [];
    for (const [kind, map] of [["email", emailsOf], ["phone", phonesOf]] as const) {
      for (const [node, values] of map) {
        for (const value of new Set(values)) {
          const key = `${kind}:${value}`;
          if ((kind === "email" ? this.pools.emails : this.pools.phones).has(value)) poolValues.push([key, node]);
          else valueNodes.set(key, [...(valueNodes.get(key) ?? []), node]);
        }
      }
    }
    for (const [key, nodes] of valueNodes) {
      const accounts = this.accountsPerSystem(nodes.map((node) => local.keyOf(node)));
      if (accounts === this.maxAccounts) this.valuesAtLimit.push(key);
      if (accounts > this.maxAccounts) {
        this.valuesOverLimit.push(key);
        continue;
      }
      for (const node of nodes.slice(1)) local.union(nodes[0], node);
    }

    // Components of this batch become global components.
    const componentOf = new Map<number, number>();
    for (let node = 0; node < local.size; node++) {
      const root = local.find(node);
      let component = componentOf.get(root);
      if (component === undefined) {
        component = this.newComponent(local.keyOf(node));
        componentOf.set(root, component);
      }
      const figures = this.figures[component];
      const [system] = local.keyOf(node).split(":", 1) as [keyof Figures["ids"]];
      figures.ids[system]++;
      if (system !== "web") figures.known = true;
      if (local.keyOf(node) < figures.minKey) figures.minKey = local.keyOf(node);
      if (!this.identityLines.write(`${component}\t${local.keyOf(node)}\n`)) await once(this.identityLines, "drain");
    }
    const componentOfKey = (system: string, id: string) => componentOf.get(local.find(local.node(system, id)))!;
    for (const order of resolved.orders) {
      const figures = this.figures[componentOfKey("shop", order.shopId)];
      figures.touchpoints++;
      if (order.status !== "completed") continue;
      figures.orderCount++;
      figures.revenueCents += order.usdCents;
      figures.lastOrderDay = Math.max(figures.lastOrderDay, order.orderDay);
    }
    for (const ticket of resolved.tickets) {
      const figures = this.figures[componentOfKey("support", ticket.ticketId)];
      figures.tickets++;
      figures.touchpoints++;
    }
    for (const [node, events] of ownDevices) {
      const figures = this.figures[componentOf.get(local.find(node))!];
      figures.sessions += countSessions(events.map((event) => event.at));
      figures.touchpoints += events.length;
    }
    for (const [key, node] of poolValues) this.usePoolValue(key, local.keyOf(node), componentOf.get(local.find(node))!);
    for (const [anonymousId, events] of byDevice) {
      if (!this.pools.anonymousIds.has(anonymousId)) continue;
      const device = this.devices.get(anonymousId) ?? { userIds: new Map(), events: new Map() };
      for (const event of events) {
        device.events.set(event.messageId, event.at);
        if (event.userId) device.userIds.set(event.userId, componentOfKey("shop", event.userId));
      }
      this.devices.set(anonymousId, device);
    }
  }

  /** Decides the pools, writes the truth files and returns the summary. */
  async finish(): Promise<TruthSummary> {
    for (const use of this.poolUses.values()) {
      if (Object.values(use.accounts).some((accounts) => accounts.size > this.maxAccounts)) continue;
      const [first, ...rest] = [...use.components];
      for (const component of rest) this.union(first, component);
    }
    let sharedDevices = this.facts.sharedDevices;
    const deviceComponents: [string, number][] = [];
    for (const [anonymousId, device] of this.devices) {
      const component = this.newComponent(`web:${anonymousId}`);
      const figures = this.figures[component];
      figures.ids.web = 1;
      figures.sessions = countSessions([...device.events.values()]);
      figures.touchpoints = device.events.size;
      if (device.userIds.size === 1) this.union(component, [...device.userIds.values()][0]);
      else if (device.userIds.size > 1) sharedDevices++;
      deviceComponents.push([`web:${anonymousId}`, component]);
    }
    await new Promise<void>((resolve) => this.identityLines.end(resolve));
    return writeTruthFiles(this, this.truthDir, this.identityTemp, epochDay(this.context.asOfEnd) - 1, deviceComponents, {
      ...this.facts,
      sharedDevices,
      valuesOverLimit: [...this.valuesOverLimit, ...[...this.poolUses].filter(([, use]) => Object.values(use.accounts).some((accounts) => accounts.size > this.maxAccounts)).map(([key]) => key)].sort(),
      valuesAtLimit: [...this.valuesAtLimit, ...[...this.poolUses].filter(([, use]) => Math.max(...Object.values(use.accounts).map((accounts) => accounts.size)) === this.maxAccounts).map(([key]) => key)].sort(),
      quarantine: Object.fromEntries([...this.quarantine].map(([table, codes]) => [table, Object.fromEntries([...codes].sort())])),
    });
  }

  root(component: number): number {
    let root = component;
    while (this.parent[root] !== root) root = this.parent[root];
    while (this.parent[component] !== root) [component, this.parent[component]] = [this.parent[component], root];
    return root;
  }

  figuresOf(component: number): Figures {
    return this.figures[component];
  }

  get componentCount(): number {
    return this.figures.length;
  }

  private union(a: number, b: number): void {
    const [rootA, rootB] = [this.root(a), this.root(b)];
    if (rootA !== rootB) this.parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
  }

  private newComponent(minKey: string): number {
    this.parent.push(this.figures.length);
    this.figures.push({ minKey, known: false, ids: { crm: 0, shop: 0, loyalty: 0, support: 0, web: 0 }, orderCount: 0, revenueCents: 0, lastOrderDay: -Infinity, tickets: 0, sessions: 0, touchpoints: 0 });
    return this.figures.length - 1;
  }

  /** The largest number of distinct accounts one system has among `keys`. */
  private accountsPerSystem(keys: string[]): number {
    const perSystem = new Map<string, Set<string>>();
    for (const key of keys) {
      const system = key.split(":", 1)[0];
      if (system === "support" || system === "web") continue; // tickets and events never count as accounts
      perSystem.set(system, (perSystem.get(system) ?? new Set()).add(key));
    }
    return Math.max(0, ...[...perSystem.values()].map((accounts) => accounts.size));
  }

  private usePoolValue(valueKey: string, accountKey: string, component: number): void {
    const use = this.poolUses.get(valueKey) ?? { accounts: { crm: new Set(), shop: new Set(), loyalty: new Set() }, components: new Set() };
    const system = accountKey.split(":", 1)[0];
    if (system === "crm" || system === "shop" || system === "loyalty") use.accounts[system].add(accountKey);
    use.components.add(component);
    this.poolUses.set(valueKey, use);
  }

  private collectFacts(resolved: ResolvedBatch): void {
    this.facts.crmReexports += resolved.facts.crmReexports;
    this.facts.crmSameInstantTies += resolved.facts.crmSameInstantTies;
    this.facts.orderStatusChanges += resolved.facts.orderStatusChanges;
    this.facts.duplicateMessagesAcrossParts += [...resolved.facts.repeatedMessageParts.values()].filter((parts) => parts.size > 1).length;
    for (const [table, count] of Object.entries(resolved.facts.recordsAfterAsOf)) this.facts.recordsAfterAsOf[table] = (this.facts.recordsAfterAsOf[table] ?? 0) + count;
  }
}

/** Union-find over one batch's identifiers ("system:id" keys). */
class LocalGraph {
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly parent: number[] = [];

  get size(): number {
    return this.keys.length;
  }

  node(system: string, id: string): number {
    const key = `${system}:${id}`;
    let node = this.index.get(key);
    if (node === undefined) {
      node = this.keys.push(key) - 1;
      this.parent.push(node);
      this.index.set(key, node);
    }
    return node;
  }

  keyOf(node: number): string {
    return this.keys[node];
  }

  find(node: number): number {
    while (this.parent[node] !== node) node = this.parent[node] = this.parent[this.parent[node]];
    return node;
  }

  union(a: number, b: number): void {
    const [rootA, rootB] = [this.find(a), this.find(b)];
    if (rootA !== rootB) this.parent[Math.max(rootA, rootB)] = Math.min(rootA, rootB);
  }
}

