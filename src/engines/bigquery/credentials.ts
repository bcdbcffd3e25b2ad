/**
 * Credentials come from Google application-default credentials (ADC): the
 * GOOGLE_APPLICATION_CREDENTIALS key file, `gcloud auth application-default login`, or the
 * metadata server on Google Cloud. Checked when the engine opens, so a missing login is
 * one clear message before any work starts, not a failure in the middle of a run.
 */
import type { BigQuery } from "@google-cloud/bigquery";
import { C360Error, errorMessage } from "../../errors.js";

export class BigQueryCredentialsError extends C360Error {}

interface AuthClientHolder {
  authClient: { getClient(): Promise<unknown> };
}

export function missingCredentialsMessage(project: string, detail: string): string {
  return (
    `No Google Cloud credentials for BigQuery (project ${project}). c360 uses application-default credentials; provide them in one of these ways:\n` +
    "  - on your machine: gcloud auth application-default login\n" +
    "  - with a service account: set GOOGLE_APPLICATION_CREDENTIALS to its JSON key file\n" +
    "  - on Google Cloud (Compute Engine, Cloud Run, Cloud Build…): the attached service account is used\n" +
    `(${detail})`
  );
}

export async function verifyCredentials(client: BigQuery, project: string): Promise<void> {
  try {
    await (client as unknown as AuthClientHolder).authClient.getClient();
  } catch (error) {
    throw new BigQueryCredentialsError(missingCredentialsMessage(project, errorMessage(error)), { cause: error });
  }
}
