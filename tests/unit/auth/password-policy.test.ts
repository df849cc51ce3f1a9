import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../../server/accounts/password-policy";

describe("password policy", () => {
  it("refuses the username itself, in any case", async () => {
    expect(await passwordProblem("Amina.Benali", "amina.benali")).toBe("validation.passwordIsUsername");
  });

  it("refuses common passwords from the maintained list, in any case", async () => {
    for (const password of ["password1", "PASSWORD1", "iloveyou", "12345678", "qwertyuiop"]) {
      expect(await passwordProblem(password, "someone")).toBe("validation.passwordCommon");
    }
  });

  it("accepts a password that is neither", async () => {
    expect(await passwordProblem("amber-kettle-92-lantern", "someone")).toBeUndefined();
  });
});
