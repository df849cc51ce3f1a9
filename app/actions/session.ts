"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { safeNextPath } from "../../server/auth/roles";
import { LOCALE_COOKIE, SESSION_COOKIE, sessionCookieOptions } from "../../server/auth/session-cookie";
import { CLIENT_IP_HEADER } from "../../server/http/client-address";
import { isLocale } from "../../server/i18n/locales";
import { getServices } from "../../server/runtime-registry";
import { currentUser } from "../lib/auth";

export interface LoginState {
  /** i18n key of a message for the whole form. */
  error?: string;
  retryAfterS?: number;
  fields?: Partial<Record<"username" | "password", string>>;
  username?: string;
}

const ONE_YEAR_S = 365 * 24 * 3600;

export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const username = String(form.get("username") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const fields: LoginState["fields"] = {};
  if (!username) fields.username = "validation.required";
  if (!password) fields.password = "validation.required";
  if (fields.username || fields.password) return { fields, username };

  const services = getServices();
  const requestHeaders = await headers();
  const result = await services.auth.login({
    username,
    password,
    address: requestHeaders.get(CLIENT_IP_HEADER) ?? "unknown",
    userAgent: requestHeaders.get("user-agent"),
  });
  if (!result.ok) {
    return result.reason === "rate_limited"
      ? { error: "login.rateLimited", retryAfterS: result.retryAfterS, username }
      : { error: "login.invalid", username };
  }
  const jar = await cookies();
  jar.set(SESSION_COOKIE, result.token, sessionCookieOptions(services.config.PUBLIC_URL, result.expiresAt));
  if (isLocale(result.user.locale)) jar.set(LOCALE_COOKIE, result.user.locale, { path: "/", maxAge: ONE_YEAR_S, sameSite: "lax" });
  redirect(safeNextPath(String(form.get("next") ?? ""), result.user.role, services.config.PUBLIC_URL));
}

export async function logout(): Promise<void> {
  const jar = await cookies();
  await getServices().auth.logout(jar.get(SESSION_COOKIE)?.value);
  jar.delete(SESSION_COOKIE);
  redirect("/login?loggedOut=1");
}

/** The language menu: kept in a cookie for this browser and, when signed in, in the user's profile. */
export async function setLocale(form: FormData): Promise<void> {
  const locale = form.get("locale");
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: ONE_YEAR_S, sameSite: "lax" });
  const user = await currentUser();
  if (user && user.locale !== locale) await getServices().users.update(user.id, { locale });
}
