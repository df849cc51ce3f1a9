/**
 * Registrar for operators' softphones (RFC 3261 §10), over SIP WebSocket only. The WebSocket was
 * authenticated by the session cookie at upgrade, so no digest: a REGISTER is accepted only for
 * the AOR of the user who owns the connection. One binding per operator (the newest tab wins);
 * bindings end at expiry or when the connection closes.
 */
import { createResponse, parseNameAddr, isSipUri, type Connection, type SipRequest, type SipResponse } from "../sip";

export interface WsIdentity {
  userId: number;
  username: string;
  /** Admins may also place test calls into a queue from the browser (the demo path). A wallboard never gets here (the upgrade needs an operator). */
  role: "operator" | "supervisor" | "admin" | "wallboard";
}

export interface Binding {
  userId: number;
  username: string;
  contact: string;
  connection: Connection;
  expiresAt: number;
}

export interface RegistrarEvents {
  registered(binding: Binding): void;
  unregistered(userId: number, why: "expired" | "unregistered" | "connection-closed" | "replaced"): void;
}

export const MIN_EXPIRES_S = 60;
export const MAX_EXPIRES_S = 600;
export const DEFAULT_EXPIRES_S = 300;

export class Registrar {
  private readonly bindings = new Map<number, Binding & { timer: NodeJS.Timeout }>();

  constructor(
    private readonly now: () => number,
    private readonly events: RegistrarEvents,
  ) {}

  binding(userId: number): Binding | undefined {
    return this.bindings.get(userId);
  }

  get size(): number {
    return this.bindings.size;
  }

  /** Answers a REGISTER that arrived on an authenticated WebSocket connection. */
  handle(request: SipRequest, identity: WsIdentity, connection: Connection): SipResponse {
    const to = parseNameAddr(request.headers.get("To") ?? "");
    if (!to.ok || !isSipUri(to.value.uri) || to.value.uri.user?.toLowerCase() !== identity.username.toLowerCase()) {
      return createResponse(request, 403, { reason: "Forbidden: register your own address" });
    }
    const contactValue = request.headers.get("Contact");
    const headerExpires = Number(request.headers.get("Expires") ?? DEFAULT_EXPIRES_S);
    // A fetch of the bindings (no Contact) is answered with what is there.
    if (!contactValue) return this.ok(request, identity.userId);
    if (contactValue.trim() === "*") {
      if (headerExpires !== 0) return createResponse(request, 400, { reason: "Contact * needs Expires: 0" });
      this.remove(identity.userId, "unregistered");
      return createResponse(request, 200);
    }
    const contact = parseNameAddr(contactValue);
    if (!contact.ok) return createResponse(request, 400, { reason: "Bad Contact" });
    const paramExpires = contact.value.params.get("expires");
    const requested = paramExpires != null ? Number(paramExpires) : headerExpires;
    if (!Number.isFinite(requested) || requested < 0) return createResponse(request, 400, { reason: "Bad Expires" });
    if (requested === 0) {
      this.remove(identity.userId, "unregistered");
      return createResponse(request, 200);
    }
    if (requested < MIN_EXPIRES_S) {
      return createResponse(request, 423, { headers: [["Min-Expires", String(MIN_EXPIRES_S)]] });
    }
    const expires = Math.min(requested, MAX_EXPIRES_S);
    const previous = this.bindings.get(identity.userId);
    if (previous) clearTimeout(previous.timer);
    const binding = {
      userId: identity.userId,
      username: identity.username,
      contact: contact.value.uriText,
      connection,
      expiresAt: this.now() + expires * 1000,
      timer: setTimeout(() => this.remove(identity.userId, "expired"), expires * 1000),
    };
    binding.timer.unref();
    this.bindings.set(identity.userId, binding);
    // A refresh on the same connection is not news; a first binding or a new tab is.
    if (previous?.connection !== connection) this.events.registered(binding);
    return this.ok(request, identity.userId);
  }

  /** The connection closed: its bindings end at once (the browser is gone). */
  connectionClosed(connection: Connection): void {
    for (const [userId, binding] of this.bindings) {
      if (binding.connection === connection) this.remove(userId, "connection-closed");
    }
  }

  /** The account's sessions ended (logout, disabled): drop its binding and close its socket. */
  dropUser(userId: number): void {
    const binding = this.bindings.get(userId);
    if (!binding) return;
    this.remove(userId, "unregistered");
    binding.connection.close();
  }

  close(): void {
    for (const binding of this.bindings.values()) clearTimeout(binding.timer);
    this.bindings.clear();
  }

  private remove(userId: number, why: Parameters<RegistrarEvents["unregistered"]>[1]): void {
    const binding = this.bindings.get(userId);
    if (!binding) return;
    clearTimeout(binding.timer);
    this.bindings.delete(userId);
    this.events.unregistered(userId, why);
  }

  private ok(request: SipRequest, userId: number): SipResponse {
    const binding = this.bindings.get(userId);
    const headers: Array<[string, string]> = [];
    if (binding) {
      const remaining = Math.max(0, Math.round((binding.expiresAt - this.now()) / 1000));
      headers.push(["Contact", `<${binding.contact}>;expires=${remaining}`]);
    }
    return createResponse(request, 200, { headers });
  }
}
