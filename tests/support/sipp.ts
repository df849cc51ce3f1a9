import { execFile } from "node:child_process";
import path from "node:path";
import { freePort } from "./net";

export const SIPP_SCENARIOS = path.resolve("tests/fixtures/sipp");

export interface SippResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs SIPp as a trunk toward `target` (host:port). SIPp exits 0 only when every call followed
 * its scenario. Bounded: `-timeout` ends a stuck run, and the process is killed past it.
 */
export async function runSipp(
  scenario: string,
  target: string,
  options: { holdMs?: number; service?: string; calls?: number; rate?: number; limit?: number; extra?: string[]; timeoutS?: number; transport?: "u1" | "t1" } = {},
): Promise<SippResult> {
  // SIPp's signalling port is the system's choice (no -p), but its echo port must be named (-mp has a fixed default):
  // free when chosen, it may be taken before SIPp binds it. Nothing was sent then, so run again on a new port.
  for (let attempt = 1; ; attempt++) {
    const result = await runSippOnce(scenario, target, options);
    if (attempt === 3 || !lostPortRace(result)) return result;
  }
}

/** SIPp could not bind the ports it was given: nothing was sent, so running again is safe. */
export function lostPortRace(result: SippResult): boolean {
  return result.code !== 0 && /Unable to bind|Address already in use/.test(result.stdout + result.stderr);
}

async function runSippOnce(
  scenario: string,
  target: string,
  options: Parameters<typeof runSipp>[2] = {},
): Promise<SippResult> {
  const timeoutS = options.timeoutS ?? 30;
  const args = [
    ...(scenario.startsWith("-sn") ? scenario.split(" ") : ["-sf", path.join(SIPP_SCENARIOS, scenario)]),
    target,
    "-i", "127.0.0.1",
    "-mp", String(await freePort()),
    "-s", options.service ?? "1000",
    "-m", String(options.calls ?? 1),
    "-r", String(options.rate ?? 10),
    "-l", String(options.limit ?? options.calls ?? 1),
    "-t", options.transport ?? "u1",
    "-timeout", `${timeoutS}s`,
    // Duration of a scenario's bare <pause/>.
    "-d", String(options.holdMs ?? 2500),
    "-timeout_error",
    "-nostdin",
    ...(options.extra ?? []),
  ];
  return new Promise((resolve) => {
    execFile("sipp", args, { timeout: (timeoutS + 10) * 1000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException).code === "number" ? Number((error as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
