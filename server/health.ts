/** The process's parts report their state here; `/api/health` answers 503 when any part is down. */
export interface PartHealth {
  ok: boolean;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: "ok" | "down";
  uptimeS: number;
  parts: Record<string, PartHealth>;
}

export type HealthCheck = () => Promise<PartHealth> | PartHealth;

export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly startedAt = Date.now();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async report(timeoutMs = 2000): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await withTimeout(check, timeoutMs)] as const),
    );
    const parts = Object.fromEntries(entries);
    return {
      status: entries.every(([, part]) => part.ok) ? "ok" : "down",
      uptimeS: Math.round((Date.now() - this.startedAt) / 1000),
      parts,
    };
  }
}

async function withTimeout(check: HealthCheck, ms: number): Promise<PartHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<PartHealth>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${ms} ms` }), ms);
      }),
    ]);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** What anyone may see of a report: the overall status and whether each part is up, no details. */
export interface PublicHealthReport {
  status: HealthReport["status"];
  parts: Record<string, { ok: boolean }>;
}

export function publicHealth(report: HealthReport): PublicHealthReport {
  return {
    status: report.status,
    parts: Object.fromEntries(Object.entries(report.parts).map(([name, part]) => [name, { ok: part.ok }])),
  };
}
