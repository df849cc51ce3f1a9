/**
 * The first start with no administrator: either ADMIN_USERNAME/ADMIN_PASSWORD create one, or a
 * one-time setup link is printed, whose token lets exactly one visitor create the first admin.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../../db/client";
import { countActiveAdmins, findUserByUsername } from "../../db/queries/users";
import type { UserService } from "./user-service";

export class FirstAdminSetup {
  private token: string | undefined;

  constructor(private readonly db: Db) {}

  /** Creates the admin from the environment if none exists; otherwise returns a setup token to print. */
  async bootstrap(
    users: UserService,
    admin: { username?: string; password?: string },
  ): Promise<{ created?: string; setupToken?: string; error?: string }> {
    if ((await countActiveAdmins(this.db)) > 0) return {};
    if (admin.username && admin.password) {
      if (await findUserByUsername(this.db, admin.username)) {
        return { error: `user "${admin.username}" exists but is not an active admin; fix it with the command line` };
      }
      const result = await users.create({ username: admin.username, password: admin.password, role: "admin" });
      if (!result.ok) return { error: `ADMIN_USERNAME/ADMIN_PASSWORD rejected: ${Object.values(result.errors).join(", ")}` };
      return { created: result.value.username };
    }
    this.token = randomBytes(24).toString("base64url");
    return { setupToken: this.token };
  }

  /** True while a setup link is open and `token` is its token. */
  accepts(token: string | null | undefined): boolean {
    if (!this.token || !token) return false;
    const a = Buffer.from(this.token);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Closes the link once used; a race between two visitors is settled by re-checking for an admin. */
  async complete(
    token: string,
    users: UserService,
    input: { username: string; password: string; displayName?: string },
  ): Promise<Awaited<ReturnType<UserService["create"]>>> {
    if (!this.accepts(token) || (await countActiveAdmins(this.db)) > 0) {
      return { ok: false, errors: { form: "validation.setupClosed" } };
    }
    const result = await users.create({ ...input, role: "admin" });
    if (result.ok) this.token = undefined;
    return result;
  }
}
