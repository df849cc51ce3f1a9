/**
 * Hands the running process's services to the Next.js code. Next bundles app/ code separately from
 * the custom server, so module singletons are not shared; the one process-wide object is the bridge.
 * Only types are imported here, so app/ bundles pull in none of the server's modules.
 */
import type { Services } from "./services";

const KEY = Symbol.for("hotline.services");
type Holder = { [KEY]?: Services };

export function registerServices(services: Services | undefined): void {
  (globalThis as Holder)[KEY] = services;
}

export function getServices(): Services {
  const services = (globalThis as Holder)[KEY];
  if (!services) throw new Error("Hotline services are not running: start the app with `npm start`, not `next start`.");
  return services;
}
