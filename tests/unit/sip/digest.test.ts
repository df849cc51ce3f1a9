import { describe, expect, it } from "vitest";
import { buildDigestAuthorization, parseDigestChallenge } from "../../../server/sip/digest.js";

function challenge(text: string) {
  const parsed = parseDigestChallenge(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe("Digest client", () => {
  it("reproduces the RFC 2617 §3.5 example", () => {
    const c = challenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    const header = buildDigestAuthorization(c, { username: "Mufasa", password: "Circle Of Life" }, { method: "GET", uri: "/dir/index.html", cnonce: "0a4f113b", nc: 1 });
    expect(header.ok).toBe(true);
    if (!header.ok) return;
    expect(header.value).toContain('response="6629fae49393a05397450978507c4ef1"');
    expect(header.value).toContain("nc=00000001");
    expect(header.value).toContain('cnonce="0a4f113b"');
    expect(header.value).toContain('opaque="5ccc069c403ebaf9f0171e9517f40e41"');
    expect(header.value).toContain("qop=auth,");
  });

  it("reproduces the RFC 7616 §3.9.1 MD5 and SHA-256 examples", () => {
    const base = 'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const request = { method: "GET", uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", nc: 1 };
    const credentials = { username: "Mufasa", password: "Circle of Life" };
    const md5 = buildDigestAuthorization(challenge(`Digest ${base}, algorithm=MD5`), credentials, request);
    const sha = buildDigestAuthorization(challenge(`Digest ${base}, algorithm=SHA-256`), credentials, request);
    expect(md5.ok && md5.value).toContain('response="8ca523f5e9506fed4657c9700eebdbec"');
    expect(sha.ok && sha.value).toContain('response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"');
  });

  it("answers a SIP REGISTER challenge without qop in the RFC 2069 form", () => {
    const c = challenge('Digest realm="atlanta.example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", stale=FALSE');
    const header = buildDigestAuthorization(c, { username: "bob", password: "zanzibar" }, { method: "REGISTER", uri: "sip:atlanta.example.com" });
    expect(header.ok && header.value).toMatch(/^Digest username="bob", realm="atlanta.example.com", .*response="[0-9a-f]{32}", algorithm=MD5$/);
    expect(header.ok && header.value).not.toContain("qop");
  });

  it("rejects malformed or unsupported challenges", () => {
    expect(parseDigestChallenge("Basic realm=x").ok).toBe(false);
    expect(parseDigestChallenge('Digest realm="x"').ok).toBe(false);
    expect(parseDigestChallenge('Digest realm="x, nonce="y"').ok).toBe(false);
    expect(parseDigestChallenge('Digest realm="x", nonce="y", algorithm=SHA-512-256').ok).toBe(false);
    const authIntOnly = challenge('Digest realm="x", nonce="y", qop="auth-int"');
    expect(buildDigestAuthorization(authIntOnly, { username: "a", password: "b" }, { method: "INVITE", uri: "sip:x" }).ok).toBe(false);
  });

  it("parses stale and lowercases qop", () => {
    const c = challenge('Digest realm="r", nonce="n", stale=true, qop="AUTH"');
    expect(c.stale).toBe(true);
    expect(c.qop).toEqual(["auth"]);
  });
});
