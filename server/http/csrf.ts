/**
 * The one guard of state-changing JSON API requests (every `app/api/**` route) against cross-site
 * request forgery. A browser lets any page send a `text/plain` POST with the user's cookies, and
 * SameSite=Lax does not stop a sibling subdomain (same site, other origin). So a request whose
 * method is not safe (RFC 9110 §9.2.1: anything but GET, HEAD, OPTIONS, TRACE) must carry
 * `Content-Type: application/json` (which a page can only send after a CORS preflight we never
 * grant) and come from our own origin: `Sec-Fetch-Site: same-origin` when the browser sends it, and
 * an `Origin` equal to PUBLIC_URL's origin or to the request's own host. A request with neither
 * header is refused too: non-browser clients must say where they come from.
 */
import { isSameOrigin } from "../realtime/socket-server";

export type CsrfVerdict = { ok: true } | { ok: false; status: 403 | 415; error: "unsupported-media-type" | "cross-origin" };

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

/**
 * @param method the request method.
 * @param header reads a request header by lower-case name (undefined or null when absent).
 * @param publicUrl PUBLIC_URL, whose origin is ours.
 */
export function checkStateChangingRequest(
  method: string,
  header: (name: string) => string | null | undefined,
  publicUrl: string,
): CsrfVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return { ok: true };
  const mediaType = (header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json") return { ok: false, status: 415, error: "unsupported-media-type" };
  const fetchSite = header("sec-fetch-site")?.trim().toLowerCase();
  if (fetchSite && fetchSite !== "same-origin") return { ok: false, status: 403, error: "cross-origin" };
  const origin = header("origin") ?? undefined;
  if (origin === undefined) return fetchSite === "same-origin" ? { ok: true } : { ok: false, status: 403, error: "cross-origin" };
  return isSameOrigin(origin, header("host") ?? undefined, publicUrl) ? { ok: true } : { ok: false, status: 403, error: "cross-origin" };
}

/** True for the paths the guard covers: the JSON API. */
export const isApiPath = (path: string) => path === "/api" || path.startsWith("/api/");
