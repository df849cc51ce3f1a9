import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";
import { LOCALE_COOKIE } from "../../server/auth/session-cookie";
import { isLocale, negotiateLocale } from "../../server/i18n/locales";
import { MESSAGES } from "../../server/i18n/messages";

/**
 * The language of a request: the user's choice (kept in a cookie, set at login from their profile
 * and by the language menu), else the browser's Accept-Language. No locale in URLs: a call center
 * desk is a tool, not a public site.
 */
export default getRequestConfig(async () => {
  const chosen = (await cookies()).get(LOCALE_COOKIE)?.value;
  const locale = isLocale(chosen) ? chosen : negotiateLocale((await headers()).get("accept-language"));
  return { locale, messages: MESSAGES[locale] };
});
