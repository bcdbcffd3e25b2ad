/**
 * customer_information on the hand-written fixture (tests/fixtures/landing.README.md), built
 * through the real DAG on DuckDB: the profile of every one of the 20 customers, worked out
 * by hand from the records (per column the first non-null value in METRICS.md's order;
 * an invalid email or phone counts as null; CRM contacts by updated_at descending).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoldBuild } from "./gold-harness.js";

let gold: GoldBuild;
beforeAll(async () => {
  gold = await GoldBuild.ofSeeds();
});
afterAll(() => gold?.close());

type Profile = Record<string, unknown>;

const EMPTY: Profile = {
  is_known: true,
  email: null,
  phone_e164: null,
  first_name: null,
  last_name: null,
  birth_date: null,
  age: null,
  age_band: "unknown",
  gender: "unknown",
  city: null,
  country_code: null,
  postal_code: null,
  marketing_opt_in: null,
  loyalty_tier: null,
  loyalty_points: null,
  crm_ids: [],
  shop_customer_ids: [],
  loyalty_ids: [],
  ticket_ids: [],
  anonymous_ids: [],
};

/** A profile: unspecified columns empty, counts from the arrays. */
function profile(values: Profile): Profile {
  const merged = { ...EMPTY, ...values };
  const count = (column: string) => (merged[column] as unknown[]).length;
  return {
    ...merged,
    crm_id_count: count("crm_ids"),
    shop_customer_id_count: count("shop_customer_ids"),
    loyalty_id_count: count("loyalty_ids"),
    ticket_count: count("ticket_ids"),
    anonymous_id_count: count("anonymous_ids"),
  };
}

/** One CRM contact's profile columns (the same shape for every CRM customer). */
function crm(
  firstName: string,
  lastName: string,
  email: string | null,
  phone: string | null,
  gender: string,
  city: string,
  country: string | null,
  postal: string,
  optIn: boolean | null,
): Profile {
  return { first_name: firstName, last_name: lastName, email, phone_e164: phone, gender, city, country_code: country, postal_code: postal, marketing_opt_in: optIn };
}

const EXPECTED: Record<string, Profile> = {
  // C1001 v2 stands (v3 is after as_of): phone +14155550199, Oakland; 39 on 2024-06-30 (born 1985-04-12).
  // Loyalty L0001 gold 1520; first seen = joined_on 2022-01-05 00:00 UTC.
  "8788c40c714f565dd96392d62b518221": profile({
    ...crm("Jane", "Doe", "jane.doe@example.com", "+14155550199", "female", "Oakland, CA", "US", "02134", true),
    birth_date: "1985-04-12",
    age: 39,
    age_band: "35-44",
    loyalty_tier: "gold",
    loyalty_points: 1520,
    first_seen_at: "2022-01-05 00:00:00",
    crm_ids: ["C1001"],
    shop_customer_ids: ["S2001"],
    loyalty_ids: ["L0001"],
    ticket_ids: ["5001"],
    anonymous_ids: ["a-jane-1"],
  }),
  // C1002: quoted name and a CRLF inside the city; GB phone; born 1990-04-12 → 34.
  "ce639ce33d6ccb8c6d416d5f2c8883ef": profile({
    ...crm('Bob "Bobby"', "Martin", "bob.martin@example.co.uk", "+442079460958", "male", "London\r\nFlat 2", "GB", "SW1A 1AA", false),
    birth_date: "1990-04-12",
    age: 34,
    age_band: "25-34",
    first_seen_at: "2023-02-01 08:00:00",
    crm_ids: ["C1002"],
    shop_customer_ids: ["S2002"],
  }),
  // C1003: born 1992-03-15 → 32; created 10:00+01:00.
  "0af46576aa28cd342ea5c4512784e8d1": profile({
    ...crm("Carla", "Rossi", "carla.rossi@example.it", "+390612345678", "female", "Roma", "IT", "00184", true),
    birth_date: "1992-03-15",
    age: 32,
    age_band: "25-34",
    first_seen_at: "2023-03-01 09:00:00",
    crm_ids: ["C1003"],
    shop_customer_ids: ["S2003"],
  }),
  // C1005 + L0005 (phone): the CRM email wins though shared (valid); L0005 bronze with unparseable points.
  "d68103ff97102c9f94c9bc5b21c69aa0": profile({
    ...crm("Eve", "Adams", "info@acme.example", "+12125550101", "male", "New York", "US", "10001", true),
    loyalty_tier: "bronze",
    first_seen_at: "2023-04-01 12:00:00",
    crm_ids: ["C1005"],
    loyalty_ids: ["L0005"],
  }),
  // C1006: birth date after as_of → null.
  "b55ad258fde9e946d76ade299e562afe": profile({
    ...crm("Frank", "Baker", "info@acme.example", "+16465550100", "male", "New York", "US", "10002", false),
    first_seen_at: "2023-04-02 12:00:00",
    crm_ids: ["C1006"],
  }),
  "29d4865f2f64583a066defae229426fc": profile({
    ...crm("Grace", "Chen", "info@acme.example", "+12125550102", "other", "New York", "US", "10003", false),
    first_seen_at: "2023-04-03 12:00:00",
    crm_ids: ["C1007"],
  }),
  "da24796bf6852bae75b2bdef2ff48a1e": profile({
    ...crm("Heidi", "Diaz", "info@acme.example", "+16465550100", "other", "New York", "GB", "10004", true),
    first_seen_at: "2023-04-04 12:00:00",
    crm_ids: ["C1008"],
  }),
  // C1009 (updated 2024-02-01) before C1011 (2023-05-02) before C1010 (2023-05-01): C1009's phone is invalid,
  // so the phone is C1011's; names, gender and opt-in from C1009 v2 (Iván, fEMALE, 0).
  "3f3f4ac2f62eb3f74c56f74be954d4df": profile({
    ...crm("Iván", "Kim", "family.kim@example.com", "+16465550100", "female", "Boston", "US", "02108", false),
    first_seen_at: "2023-05-01 12:00:00",
    crm_ids: ["C1009", "C1010", "C1011"],
    shop_customer_ids: ["S2006"],
  }),
  // C1013 (updated 2023-06-15) before C1012: C1013's gender `?` is unknown, so C1012's `x` → other;
  // neither has a usable birth date or country.
  "6eb0e336d7936186e29bdf7999962862": profile({
    ...crm("LUIS", "GARCIA", "luis.garcia@example.com", "+13055550111", "other", "Miami", null, "33101", false),
    first_seen_at: "2023-06-01 12:00:00",
    crm_ids: ["C1012", "C1013"],
  }),
  // S2004 alone: email from its latest order.
  "9f303efd294eda22cf42e8f1272863c5": profile({ email: "dan.lee@example.com", first_seen_at: "2024-03-04 15:00:00", shop_customer_ids: ["S2004"] }),
  // S2005 alone: its checkout email is shared but valid.
  "79c8100b3a86e941b826067179c3e7e8": profile({ email: "info@acme.example", first_seen_at: "2024-04-02 10:00:00", shop_customer_ids: ["S2005"] }),
  // L0002: no email, invalid phone; silver 80.
  "483379c41e4dbae64a6167fd313c51e3": profile({ loyalty_tier: "silver", loyalty_points: 80, first_seen_at: "2023-03-01 00:00:00", loyalty_ids: ["L0002"] }),
  // L0006: tier diamond → null, points 10, shared household phone (valid).
  "78d8ff091e3a9a0a5f984faf441f67f5": profile({ phone_e164: "+16465550100", loyalty_points: 10, first_seen_at: "2023-05-02 00:00:00", loyalty_ids: ["L0006"] }),
  // L0008: the later record wins: platinum 200, o'hara@example.com.
  "67b69478a800c585beb0673ded529d8c": profile({
    email: "o'hara@example.com",
    loyalty_tier: "platinum",
    loyalty_points: 200,
    first_seen_at: "2023-06-01 00:00:00",
    loyalty_ids: ["L0008"],
  }),
  "1983603187a1be3feaacbd9a0448d8fd": profile({ email: "info@acme.example", first_seen_at: "2024-04-05 10:00:00", ticket_ids: ["5002"] }),
  "d6cf1ca3c3b53486106705a4108fdfec": profile({ first_seen_at: "2024-05-01 10:00:00.5", ticket_ids: ["5003"] }),
  "cbbd3b6c8a679059fcaf910011003157": profile({ first_seen_at: "2024-05-03 10:00:00", ticket_ids: ["5004"] }),
  // Anonymous visitors: only web identifiers → is_known false.
  "5e07ad24f00d8f4c7182e19b343e5570": profile({ is_known: false, first_seen_at: "2024-06-10 08:00:00", anonymous_ids: ["a-dan-phone"] }),
  "0543f3d3e3cac5160e6642ae1acf2f27": profile({ is_known: false, first_seen_at: "2024-06-20 10:00:00", anonymous_ids: ["a-mia"] }),
  "698e3e440e27fc9fade6fcb670845692": profile({ is_known: false, first_seen_at: "2024-05-01 09:00:00", anonymous_ids: ["a-shared-tablet"] }),
};

const PROFILE_COLUMNS = Object.keys(profile({ first_seen_at: null }));

describe("customer_information on the hand-written fixture", () => {
  it("has the 20 customers of the fixture README, 17 of them known", async () => {
    const rows = await gold.query("select customer_key, is_known from c360.customer_information order by customer_key");
    expect(rows.map((row) => row.customer_key)).toEqual(Object.keys(EXPECTED).sort());
    expect(rows.filter((row) => row.is_known).length).toBe(17);
  });

  for (const [customerKey, expected] of Object.entries(EXPECTED)) {
    it(`gives the hand-worked profile of ${customerKey}`, async () => {
      const [row] = await gold.query(`select ${PROFILE_COLUMNS.join(", ")} from c360.customer_information where customer_key = '${customerKey}'`);
      expect(row).toEqual(expected);
    });
  }

  it("customer_360 carries the same profile for every customer", async () => {
    const rows = await gold.query(`select customer_key, ${PROFILE_COLUMNS.join(", ")} from c360.customer_360 order by customer_key`);
    expect(rows).toEqual(Object.keys(EXPECTED).sort().map((key) => ({ customer_key: key, ...EXPECTED[key] })));
  });
});
