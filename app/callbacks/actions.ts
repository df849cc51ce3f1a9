"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { completeCallbackRequest } from "../../db/queries/callback-requests";
import { CallbackService } from "../../server/callbacks/callback-service";
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

const callBackSchema = z.union([
  z.object({ id: z.coerce.number().int().positive() }),
  z.object({ missedCallId: z.uuid() }),
]);

/**
 * "Call back": claims the item for the operator (a colleague's claim wins) and asks their open desk to dial it; the
 * page then says what happened (`?result=`, and `&reason=` when the outbound policy refused the number).
 */
export async function callBackAction(form: FormData): Promise<void> {
  const user = await requireRole("operator", "/callbacks");
  const parsed = callBackSchema.safeParse(Object.fromEntries([...form.entries()].filter(([, v]) => v !== "")));
  if (!parsed.success) redirect("/callbacks?result=not-found");
  const start = getServices().onCallBack;
  const target = "id" in parsed.data ? { requestId: parsed.data.id } : { missedCallId: parsed.data.missedCallId };
  const result = start ? await start(user.id, target, user.role) : ({ ok: false, error: "no-desk" } as const);
  revalidatePath("/callbacks");
  const refused = !result.ok && result.error === "refused" ? `&reason=${result.reason}` : "";
  redirect(`/callbacks?result=${result.ok ? "dialling" : result.error}${refused}&item=${result.ok ? result.requestId : ""}`);
}

const noteSchema = z.object({ id: z.coerce.number().int().positive(), note: z.string().trim().min(1).max(1000) });

/** The operator's note on their latest attempt at a request. */
export async function callbackNoteAction(form: FormData): Promise<void> {
  const user = await requireRole("operator", "/callbacks");
  const parsed = noteSchema.safeParse({ id: form.get("id"), note: form.get("note") });
  if (!parsed.success) return;
  const saved = await new CallbackService(getServices().database.db, Date.now).note(parsed.data.id, user.id, parsed.data.note);
  revalidatePath("/callbacks");
  redirect(`/callbacks?result=${saved ? "note-saved" : "note-no-attempt"}`);
}
