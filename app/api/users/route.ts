import { NextResponse } from "next/server";
import { getServices } from "../../../server/runtime-registry";
import { withRole } from "../../lib/api-auth";

export const dynamic = "force-dynamic";

export const GET = withRole("admin", async () => NextResponse.json(await getServices().users.list()));

/** Creates a user; 422 with `{ errors: { field: i18nKey } }` on invalid input. */
export const POST = withRole("admin", async (request) => {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return NextResponse.json({ errors: { form: "validation.invalid" } }, { status: 400 });
  }
  const result = await getServices().users.create((body ?? {}) as never);
  return result.ok
    ? NextResponse.json(result.value, { status: 201 })
    : NextResponse.json({ errors: result.errors }, { status: 422 });
});
