/**
 * Which passwords are refused besides their length: the username itself (in any case), and the
 * common passwords of the maintained `@zxcvbn-ts/language-common` list (about 30,000 entries from
 * leaked-password corpora; only those of 8 characters or more matter, since shorter ones fail the
 * length rule first). The list is loaded on first use and kept as a set of lower-case strings.
 * Returns the i18n key of the field error, or undefined when the password is acceptable.
 */
let common: Promise<Set<string>> | undefined;

function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) => new Set(dictionary["passwords-common"].filter((p) => p.length >= 8).map((p) => p.toLowerCase())),
  );
  return common;
}

export async function passwordProblem(password: string, username: string): Promise<string | undefined> {
  const lower = password.toLowerCase();
  if (lower === username.trim().toLowerCase()) return "validation.passwordIsUsername";
  if ((await commonPasswords()).has(lower)) return "validation.passwordCommon";
  return undefined;
}
