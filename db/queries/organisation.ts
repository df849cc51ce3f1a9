import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { organisation, type Organisation } from "../schema";

/** The organisation profile (one row, id 1), or its defaults before an admin saved one. */
export async function getOrganisation(db: Db): Promise<Organisation> {
  const [row] = await db.select().from(organisation).where(eq(organisation.id, 1));
  return (
    row ?? {
      id: 1,
      name: "",
      localizedNames: {},
      purpose: "",
      defaultLocale: "en",
      country: null,
      historyDays: 365,
      serviceLevelTargetPct: 80,
      updatedAt: new Date(0),
    }
  );
}

export type OrganisationPatch = Partial<Omit<Organisation, "id" | "updatedAt">>;

/** Creates or updates the one row; returns it as stored. */
export async function saveOrganisation(db: Db, patch: OrganisationPatch): Promise<Organisation> {
  const [row] = await db
    .insert(organisation)
    .values({ id: 1, ...patch })
    .onConflictDoUpdate({ target: organisation.id, set: { ...patch, updatedAt: new Date() } })
    .returning();
  return row!;
}
