"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { allowOutboundPattern, removeOutboundPattern } from "../../../server/outbound/outbound-policy";
import { adminDb, formText } from "../admin-write";
import { requireRole } from "../../lib/auth";

const PATH = "/admin/outbound";

/** Adds a pattern to the allow-list; a malformed one comes back with `?error=` and what was typed. */
export async function allowPatternAction(form: FormData): Promise<void> {
  await requireRole("admin", PATH);
  const text = formText(form, "pattern");
  const result = await allowOutboundPattern(adminDb(), text);
  revalidatePath(PATH);
  if (!result.ok) redirect(`${PATH}?error=invalid&pattern=${encodeURIComponent(text)}`);
  redirect(`${PATH}?notice=${result.added ? "added" : "exists"}`);
}

export async function removePatternAction(form: FormData): Promise<void> {
  await requireRole("admin", PATH);
  await removeOutboundPattern(adminDb(), formText(form, "pattern"));
  revalidatePath(PATH);
  redirect(`${PATH}?notice=removed`);
}
