/**
 * Hotline's registration with its provider (TRUNK_REGISTRAR), on the B2BUA's transaction layer so the provider's
 * calls reach the B2BUA, with its `trunk` health entry.
 */
import type { TrunkSettings } from "../config/config";
import type { HealthRegistry } from "../health";
import type { Logger } from "../logger";
import type { B2bua } from "./b2bua";
import { TrunkRegistration } from "./trunk-registration";

/** Starts registering; `stop()` the result at shutdown (it unregisters). */
export function startProviderRegistration(trunk: TrunkSettings, b2bua: B2bua, logger: Logger, health: HealthRegistry): TrunkRegistration {
  const registration = new TrunkRegistration({
    ...trunk,
    layer: b2bua.layer,
    credentials: { username: trunk.username, password: trunk.password },
    local: b2bua.localContact(trunk.transport),
    logger,
  });
  registration.start();
  health.register("trunk", () => {
    const status = registration.status();
    return { ok: status.state === "registered", registrar: `${trunk.registrar.host}:${trunk.registrar.port}`, ...status };
  });
  return registration;
}
