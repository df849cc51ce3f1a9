import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * Creates the data folder (embedded database, generated secret, control socket) if it is missing,
 * and forces it to mode 0700 either way: `mkdir`'s mode is filtered by the umask and ignored for a
 * folder that already exists, and nobody but the server's account may read the database or secret.
 */
export async function ensureDataDir(dataDir: string): Promise<string> {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  return dir;
}

/**
 * SESSION_SECRET from the environment, or one generated on first start and kept in the data folder
 * (mode 0600) so sessions survive restarts.
 */
export async function resolveSessionSecret(dataDir: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, "session-secret");
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored.length >= 32) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const secret = randomBytes(32).toString("base64url");
  await writeFile(file, secret + "\n", { mode: 0o600 });
  return secret;
}

export const controlSocketPath = (dataDir: string) => path.join(path.resolve(dataDir), "control.sock");
