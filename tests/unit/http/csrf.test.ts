import { describe, expect, it } from "vitest";
import { checkStateChangingRequest } from "../../../server/http/csrf";

const site = "https://hotline.example.org";
const headers = (h: Record<string, string>) => (name: string) => h[name];

describe("the state-changing API guard", () => {
  it("lets safe methods through whatever they carry", () => {
    expect(checkStateChangingRequest("GET", headers({ origin: "https://evil.example" }), site)).toEqual({ ok: true });
  });

  it("refuses a text/plain or form body (what a cross-site page can send without a preflight)", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]) {
      expect(checkStateChangingRequest("POST", headers({ "content-type": type, origin: site }), site)).toMatchObject({ ok: false, status: 415 });
    }
  });

  it("refuses JSON from another origin, a sibling subdomain included, and JSON that says nothing of where it comes from", () => {
    const json = { "content-type": "application/json" };
    expect(checkStateChangingRequest("POST", headers({ ...json, origin: "https://evil.example.org", host: "hotline.example.org" }), site)).toEqual({
      ok: false,
      status: 403,
      error: "cross-origin",
    });
    expect(checkStateChangingRequest("PATCH", headers({ ...json, "sec-fetch-site": "same-site" }), site)).toMatchObject({ ok: false, status: 403 });
    expect(checkStateChangingRequest("DELETE", headers(json), site)).toMatchObject({ ok: false, status: 403 });
    expect(checkStateChangingRequest("POST", headers({ ...json, origin: "null" }), site)).toMatchObject({ ok: false, status: 403 });
  });

  it("accepts same-origin JSON by Origin or by Sec-Fetch-Site", () => {
    expect(checkStateChangingRequest("POST", headers({ "content-type": "application/json; charset=utf-8", origin: site }), site)).toEqual({ ok: true });
    expect(checkStateChangingRequest("POST", headers({ "content-type": "application/json", "sec-fetch-site": "same-origin" }), site)).toEqual({ ok: true });
  });
});
