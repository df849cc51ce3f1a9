/**
 * HTTP Digest client for answering 401/407 challenges (RFC 3261 §22.2, §22.3; RFC 2617;
 * RFC 7616 for SHA-256). Pure functions: no I/O, deterministic when cnonce is supplied.
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { scanQuotedString, skipWs, TOKEN_PREFIX_RE, unquote } from "./lexical.js";
import { fail, ok, type Result } from "./result.js";

export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";

/** A parsed `WWW-Authenticate` / `Proxy-Authenticate` Digest challenge. */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** Offered qop values, lowercase; empty for an RFC 2069 style challenge. */
  qop: string[];
  stale: boolean;
}

/** Parses `Digest k=v, k="v", ...`. Unknown parameters are ignored (RFC 7616 §3.3). */
export function parseDigestChallenge(header: string): Result<DigestChallenge> {
  const s = header.trim();
  if (!/^digest[ \t]+/i.test(s)) return fail("not a Digest challenge");
  const params = new Map<string, string>();
  let i = skipWs(s, 6);
  while (i < s.length) {
    const name = TOKEN_PREFIX_RE.exec(s.slice(i))?.[0];
    if (!name) return fail("invalid challenge parameter");
    i = skipWs(s, i + name.length);
    if (s[i] !== "=") return fail(`missing value for ${name}`);
    i = skipWs(s, i + 1);
    let value: string;
    if (s[i] === '"') {
      const end = scanQuotedString(s, i);
      if (end < 0) return fail(`unterminated value for ${name}`);
      value = unquote(s.slice(i, end));
      i = end;
    } else {
      value = TOKEN_PREFIX_RE.exec(s.slice(i))?.[0] ?? "";
      if (!value) return fail(`empty value for ${name}`);
      i += value.length;
    }
    params.set(name.toLowerCase(), value);
    i = skipWs(s, i);
    if (s[i] === ",") i = skipWs(s, i + 1);
    else if (i < s.length) return fail("expected , between challenge parameters");
  }
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  if (realm === undefined || nonce === undefined) return fail("challenge without realm or nonce");
  const algorithmText = params.get("algorithm") ?? "MD5";
  const algorithm = (["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"] as const).find((a) => a.toLowerCase() === algorithmText.toLowerCase());
  if (!algorithm) return fail(`unsupported algorithm ${algorithmText}`);
  const challenge: DigestChallenge = {
    realm,
    nonce,
    algorithm,
    qop: (params.get("qop") ?? "").split(",").map((q) => q.trim().toLowerCase()).filter(Boolean),
    stale: (params.get("stale") ?? "").toLowerCase() === "true",
  };
  const opaque = params.get("opaque");
  if (opaque !== undefined) challenge.opaque = opaque;
  return ok(challenge);
}

export interface DigestCredentials {
  username: string;
  password: string;
}

export interface DigestRequestInfo {
  method: string;
  /** The digest-uri: the Request-URI of the request being authorised (RFC 3261 §22.4). */
  uri: string;
  /** Client nonce; random when omitted. */
  cnonce?: string;
  /** Nonce count for this nonce, starting at 1 (RFC 2617 §3.2.2). */
  nc?: number;
}

function hashFn(algorithm: DigestAlgorithm): (s: string) => string {
  const name = algorithm.startsWith("SHA-256") ? "sha256" : "md5";
  return (s) => createHash(name).update(s, "utf8").digest("hex");
}

/**
 * Computes the Authorization / Proxy-Authorization header value for a challenge.
 * Uses qop=auth when offered; auth-int alone is not supported (SIP bodies are rarely
 * protected that way) and falls back to the RFC 2069 form only when no qop is offered.
 */
export function buildDigestAuthorization(challenge: DigestChallenge, credentials: DigestCredentials, request: DigestRequestInfo): Result<string> {
  const useQop = challenge.qop.length > 0;
  if (useQop && !challenge.qop.includes("auth")) return fail("challenge offers no supported qop");
  const H = hashFn(challenge.algorithm);
  const cnonce = request.cnonce ?? randomBytes(8).toString("hex");
  const nc = (request.nc ?? 1).toString(16).padStart(8, "0");
  let ha1 = H(`${credentials.username}:${challenge.realm}:${credentials.password}`);
  if (challenge.algorithm.endsWith("-sess")) ha1 = H(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = H(`${request.method}:${request.uri}`);
  const response = useQop ? H(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`) : H(`${ha1}:${challenge.nonce}:${ha2}`);
  const q = (v: string): string => `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  const parts = [
    `username=${q(credentials.username)}`,
    `realm=${q(challenge.realm)}`,
    `nonce=${q(challenge.nonce)}`,
    `uri=${q(request.uri)}`,
    `response=${q(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (challenge.opaque !== undefined) parts.push(`opaque=${q(challenge.opaque)}`);
  if (useQop) parts.push("qop=auth", `nc=${nc}`, `cnonce=${q(cnonce)}`);
  return ok(`Digest ${parts.join(", ")}`);
}
