/**
 * Account administration: the one place where users are created and changed, used by the admin
 * pages, the API and the command line alike, so every path validates and guards the same way.
 */
import type { Db } from "../../db/client";
import { ConflictError } from "../../db/queries/errors";
import { countActiveAdmins, createUser, findUserById, listUsers, updateUser, type UserPatch } from "../../db/queries/users";
import type { User } from "../../db/schema";
import type { AuthService } from "../auth/auth-service";
import { hashPassword } from "../auth/password";
import { passwordProblem } from "./password-policy";
import {
  fieldErrors,
  newUserSchema,
  userPatchSchema,
  type NewUserInput,
  type Result,
  type UserPatchInput,
} from "./user-input";

/** What may be shown of a user outside the server: never the password hash. */
export type PublicUser = Omit<User, "passwordHash">;

export function toPublicUser({ passwordHash: _omit, ...user }: User): PublicUser {
  return user;
}

export class UserService {
  constructor(
    private readonly db: Db,
    private readonly auth: Pick<AuthService, "logoutEverywhere">,
  ) {}

  async list(): Promise<PublicUser[]> {
    return (await listUsers(this.db)).map(toPublicUser);
  }

  async create(input: NewUserInput): Promise<Result<PublicUser>> {
    const parsed = newUserSchema.safeParse(input);
    if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
    const { username, displayName, role, password } = parsed.data;
    const problem = await passwordProblem(password, username);
    if (problem) return { ok: false, errors: { password: problem } };
    try {
      const user = await createUser(this.db, {
        username,
        displayName: displayName || username,
        role,
        passwordHash: await hashPassword(password),
      });
      return { ok: true, value: toPublicUser(user) };
    } catch (error) {
      if (error instanceof ConflictError) return { ok: false, errors: { username: "validation.usernameTaken" } };
      throw error;
    }
  }

  async update(id: number, input: UserPatchInput): Promise<Result<PublicUser>> {
    const parsed = userPatchSchema.safeParse(input);
    if (!parsed.success) return { ok: false, errors: fieldErrors(parsed.error) };
    const current = await findUserById(this.db, id);
    if (!current) return { ok: false, errors: { form: "validation.userNotFound" } };
    const { password, ...rest } = parsed.data;
    const problem = password === undefined ? undefined : await passwordProblem(password, current.username);
    if (problem) return { ok: false, errors: { password: problem } };

    const losesAdmin =
      current.role === "admin" && !current.disabled && ((rest.role && rest.role !== "admin") || rest.disabled === true);
    if (losesAdmin && (await countActiveAdmins(this.db)) <= 1) {
      return { ok: false, errors: { [rest.disabled ? "disabled" : "role"]: "validation.lastAdmin" } };
    }

    const patch: UserPatch = { ...rest };
    if (password) patch.passwordHash = await hashPassword(password);
    const user = await updateUser(this.db, id, patch);
    if (!user) return { ok: false, errors: { form: "validation.userNotFound" } };
    // A disabled account or a reset password must not leave old sessions working.
    if (rest.disabled || password || (rest.role && rest.role !== current.role)) await this.auth.logoutEverywhere(id);
    return { ok: true, value: toPublicUser(user) };
  }

  async findById(id: number): Promise<PublicUser | undefined> {
    const user = await findUserById(this.db, id);
    return user && toPublicUser(user);
  }
}
