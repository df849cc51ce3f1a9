import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { E2E_DATA_DIR } from "../../../playwright.config";

const run = promisify(execFile);

/** Runs `npm run cli -- …` against the server under test (through its control socket). */
export async function cli(...argv: string[]): Promise<string> {
  const { stdout } = await run("npx", ["tsx", "server/cli/main.ts", ...argv], {
    env: { ...process.env, DATA_DIR: E2E_DATA_DIR, DATABASE_URL: "", LOG_LEVEL: "error" },
  });
  return stdout;
}

export const USERS = {
  operator: { username: "olga", password: "olga-password-1", role: "operator" },
  /** A second operator, for calls that move from one operator to another. */
  secondOperator: { username: "omar", password: "omar-password-1", role: "operator" },
  supervisor: { username: "sam", password: "sam-password-1", role: "supervisor" },
} as const;
