import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../../server/auth/password";

const cheap = { N: 2 ** 10, r: 8, p: 1 };

describe("password hashing", () => {
  it("verifies the right password and rejects others", async () => {
    const hash = await hashPassword("correct horse", cheap);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct hors", hash)).toBe(false);
  });

  it("salts: the same password hashes differently", async () => {
    expect(await hashPassword("same", cheap)).not.toBe(await hashPassword("same", cheap));
  });

  it("rejects malformed stored hashes instead of throwing", async () => {
    for (const stored of ["", "plain", "scrypt$x$8$1$a$b", "bcrypt$1$2$3$4$5"]) {
      expect(await verifyPassword("x", stored)).toBe(false);
    }
  });

  it("uses the default cost when none is given", async () => {
    expect(await hashPassword("x")).toMatch(/^scrypt\$32768\$8\$1\$/);
  });
});
