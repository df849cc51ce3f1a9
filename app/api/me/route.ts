import { NextResponse } from "next/server";
import { toPublicUser } from "../../../server/accounts/user-service";
import { withRole } from "../../lib/api-auth";

export const dynamic = "force-dynamic";

export const GET = withRole("operator", (_request, user) => NextResponse.json(toPublicUser(user)));
