/** The databases the integration project's global setup builds once per run (see seeds-database.ts). */
export const SHARED_DATABASES = ["seeds"] as const;
export type SharedDatabase = (typeof SHARED_DATABASES)[number];

declare module "vitest" {
  export interface ProvidedContext {
    /** Each shared database's file; `<file>.ready` appears when it is built, `<file>.failed` (the error) when its build failed. */
    sharedDatabases: Record<SharedDatabase, string>;
  }
}
