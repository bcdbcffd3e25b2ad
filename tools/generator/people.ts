/**
 * Who a generated person is: names, contact values that belong to them alone, which
 * systems know them, and the shared values (pools) some of them use. Everything derives
 * from (seed, person index); values of one person never collide with another's, except
 * the pool values, which are shared on purpose.
 */
import { COUNTRIES, type Country } from "./countries.js";
import { Prng } from "./prng.js";

/** People are planned in blocks of 100; fixed offsets in a block carry the shared-value roles. */
export const BLOCK = 100;

export interface Person {
  index: number;
  rng: Prng;
  firstName: string;
  lastName: string;
  /** Own email (normalised form). */
  email: string;
  /** Own phone (E.164). */
  phone: string;
  country: Country;
  birth: { year: number; month: number; day: number };
  gender: "male" | "female" | "other" | "unknown";
  inCrm: boolean;
  inShop: boolean;
  inWeb: boolean;
  inSupport: boolean;
  inLoyalty: boolean;
  crmId: string;
  shopId: string;
  loyaltyId: string;
  /** Shared values this person uses (see planRoles). */
  roles: Roles;
}

export interface Roles {
  /** Email on the person's CRM contact instead of their own. */
  crmEmail?: string;
  /** Phone on the person's CRM contact instead of their own. */
  crmPhone?: string;
  /** Email typed at checkout on every order instead of their own. */
  orderEmail?: string;
  /** Phone on the loyalty member instead of their own. */
  loyaltyPhone?: string;
  /** Email on the loyalty member instead of their own. */
  loyaltyEmail?: string;
  /** An anonymous_id shared with another person (a shared device); both sign in on it. */
  sharedDevice?: string;
  /** Requester email of the person's tickets. */
  ticketEmail?: string;
}

const FIRST_NAMES = ["Jane", "John", "Maria", "José", "Zoë", "Ahmed", "Li", "Olivia", "Noah", "Emma", "Liam", "Sofia", "Lucas", "Mia", "Ethan", "Chloé", "Mateo", "Aisha", "Yuki", "Anna"];
const LAST_NAMES = ["Doe", "Smith", "O'Brien", "García", "Müller", "Nguyen", "Rossi", "Dupont", "Kowalski", "Brown", "Lee", "Martin", "Silva", "Ivanova", "Khan", "Taylor", "Dubois", "Jansen", "Cohen", "Park"];
const DOMAINS = ["example.com", "mail.example.org", "inbox.example.net", "example.co.uk", "post.example.de"];
const COUNTRY_WEIGHTS: [string, number][] = [
  ["US", 0.55],
  ["GB", 0.2],
  ["CA", 0.05],
  ["DE", 0.07],
  ["FR", 0.07],
  ["IT", 0.06],
];
const NATIONAL_PREFIX: Record<string, string> = { GB: "4420", DE: "4930", FR: "331", IT: "3906" };

export function planPerson(seed: number, index: number): Person {
  const rng = new Prng(seed, index, 1);
  const firstName = FIRST_NAMES[index % FIRST_NAMES.length];
  const lastName = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length];
  const country = pickCountry(rng);
  const person: Person = {
    index,
    rng,
    firstName,
    lastName,
    email: `${asciiLocal(firstName)}.${asciiLocal(lastName)}.${index}@${DOMAINS[index % DOMAINS.length]}`,
    phone: ownPhone(index, country.alpha2),
    country,
    birth: { year: rng.int(1950, 2005), month: rng.int(1, 12), day: rng.int(1, 28) },
    gender: rng.pick(["male", "female", "female", "male", "other", "unknown"] as const),
    inCrm: rng.chance(0.8),
    inShop: rng.chance(0.75),
    inWeb: rng.chance(0.85),
    inSupport: rng.chance(0.3),
    inLoyalty: rng.chance(0.35),
    crmId: `C${100000 + index}`,
    shopId: `S${100000 + index}`,
    loyaltyId: `L${String(100000 + index).padStart(7, "0")}`,
    roles: {},
  };
  applyRoles(person);
  return person;
}

/**
 * Shared values by offset in the block (b = block number):
 *  0–3   CRM email info@shop-b…        4 CRM contacts: over the limit, links nothing
 *  0–3   the same email at checkout    4 shop accounts: over the limit too
 *  4–6   CRM email family.b@…          exactly 3 CRM contacts: links the three people
 *  7–10  CRM phone +1555…b             household phone on 4 CRM contacts: over the limit
 *  11–13 loyalty phone +1556…b         exactly 3 members: links
 *  14–18 checkout email test@test.com  5 shop accounts: a placeholder, over the limit
 *  14    ticket email test@test.com    shared values link no ticket either
 *  19–27 team.b@… on 3 CRM, 3 shop, 3 loyalty accounts: counted per system, so it links
 *  28–29 one shared device (anonymous_id) on which both sign in: links nothing
 */
function applyRoles(person: Person): void {
  const block = Math.floor(person.index / BLOCK);
  const offset = person.index % BLOCK;
  const roles = person.roles;
  const forceUs = () => {
    person.country = COUNTRIES.find((country) => country.alpha2 === "US")!;
    person.phone = ownPhone(person.index, "US");
  };
  if (offset <= 3) {
    person.inCrm = person.inShop = true;
    roles.crmEmail = roles.orderEmail = `info@shop-${block}.example.com`;
  } else if (offset <= 6) {
    person.inCrm = true;
    roles.crmEmail = `family.${block}@example.net`;
  } else if (offset <= 10) {
    forceUs();
    person.inCrm = true;
    roles.crmPhone = `+1555${String(block).padStart(7, "0")}`;
  } else if (offset <= 13) {
    person.inLoyalty = true;
    roles.loyaltyPhone = `+1556${String(block).padStart(7, "0")}`;
  } else if (offset <= 18) {
    person.inShop = true;
    roles.orderEmail = "test@test.com";
    if (offset === 14) {
      person.inSupport = true;
      roles.ticketEmail = "test@test.com";
    }
  } else if (offset <= 27) {
    const team = `team.${block}@example.org`;
    if (offset <= 21) (person.inCrm = true), (roles.crmEmail = team);
    else if (offset <= 24) (person.inShop = true), (roles.orderEmail = team);
    else (person.inLoyalty = true), (roles.loyaltyEmail = team);
  } else if (offset <= 29) {
    person.inShop = person.inWeb = true;
    roles.sharedDevice = `a-shared-${String(block).padStart(6, "0")}`;
  }
  // CRM traps forced at fixed offsets (see crmRecords): a version after as_of, a duplicate contact.
  if (offset === 17 || offset === 67 || offset === 40) person.inCrm = true;
}

/** Pool values of a block, for the ground truth (values that more than one person may carry). */
export function poolValuesOfBlock(block: number): { emails: string[]; phones: string[]; anonymousIds: string[] } {
  return {
    emails: [`info@shop-${block}.example.com`, `family.${block}@example.net`, "test@test.com", `team.${block}@example.org`],
    phones: [`+1555${String(block).padStart(7, "0")}`, `+1556${String(block).padStart(7, "0")}`],
    anonymousIds: [`a-shared-${String(block).padStart(6, "0")}`],
  };
}

function pickCountry(rng: Prng): Country {
  let draw = rng.next();
  for (const [code, weight] of COUNTRY_WEIGHTS) {
    draw -= weight;
    if (draw < 0) return COUNTRIES.find((country) => country.alpha2 === code)!;
  }
  return COUNTRIES.find((country) => country.alpha2 === "US")!;
}

/** A phone number nobody else has: a bijection of the person index into the country's plan. */
function ownPhone(index: number, alpha2: string): string {
  if (alpha2 === "US" || alpha2 === "CA") {
    // Area codes 201–550 (never 555/556, the pools' areas).
    const area = 201 + (index % 350);
    const exchange = 200 + (Math.floor(index / 350) % 800);
    const line = Math.floor(index / 280_000) % 10_000;
    return `+1${area}${exchange}${String(line).padStart(4, "0")}`;
  }
  return `+${NATIONAL_PREFIX[alpha2]}${String(index).padStart(8, "0")}`;
}

function asciiLocal(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();
}
