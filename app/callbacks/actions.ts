"use server";

import { revalidatePath } from "next/cache";
import { completeCallbackRequest } from "../../db/queries/callback-requests";
import { getServices } from "../../server/runtime-registry";
import { requireRole } from "../lib/auth";

/** "Called back": closes the request once; a second click (or a colleague's) changes nothing. */
export async function completeCallbackAction(form: FormData): Promise<void> {
  const user = await requireRole("operator", "/callbacks");
  const id = Number(form.get("id"));
  if (!Number.isSafeInteger(id) || id <= 0) return;
  await completeCallbackRequest(getServices().database.db, id, user.id, new Date());
  revalidatePath("/callbacks");
}
