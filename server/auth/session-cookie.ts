/** Cookie names and options, free of server imports so Next.js code can use them. */
export const SESSION_COOKIE = "hotline_session";
export const LOCALE_COOKIE = "hotline_locale";

export function sessionCookieOptions(publicUrl: string, expires: Date) {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: publicUrl.startsWith("https:"),
    path: "/",
    expires,
  };
}
