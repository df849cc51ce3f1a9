/**
 * Keeps rtpengine instances available to the call logic.
 *
 * - {@link RtpengineSupervisor} spawns a local rtpengine child with a fully explicit command line, waits until it
 *   answers an ng ping, restarts it with exponential backoff when it dies or stops answering, and stops it with
 *   SIGTERM at shutdown.
 * - {@link ExternalRtpengine} is an instance run by someone else (another host, a container): health by ping only.
 * - {@link MediaPool} picks an instance for a new call and keeps every later command of that call on it.
 *
 * An rtpengine restart loses all of its sessions: {@link MediaPool.onSessionsLost} names the calls that were on it
 * (decided by {@link SessionLossDetector} from the instances' state changes), so the call path can move or end them.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { isDict } from "./bencode.js";
import { type Logger, silentLogger } from "./logger.js";
import { type NgAddress, NgClient, type NgClientOptions } from "./ng-client.js";
import { SessionLossDetector } from "./session-loss.js";

/** Lifecycle state of one instance. */
export type MediaInstanceState = "starting" | "up" | "down" | "stopped";

/** Health snapshot of one rtpengine, as served by /api/health. */
export interface MediaInstanceStatus {
  id: string;
  kind: "spawned" | "external";
  address: NgAddress;
  state: MediaInstanceState;
  /** True when the instance answered its last ping. */
  up: boolean;
  /** Child pid (spawned instances while running). */
  pid: number | undefined;
  /** Restarts after a crash, hang or failed start since this object was created. */
  restarts: number;
  lastError: string | undefined;
  /** Round-trip of the last successful ping, ms. */
  lastPingMs: number | undefined;
  /** When `state` last changed (ms since epoch). */
  since: number;
}

/** What the call logic and the pool need from an rtpengine, whoever runs it. */
export interface MediaInstance {
  readonly id: string;
  readonly client: NgClient;
  status(): MediaInstanceStatus;
  start(): Promise<void>;
  /** Final: stops health checks (and the child, if spawned) and closes the ng client. */
  stop(): Promise<void>;
  /** Called on every state change; returns an unsubscribe function. */
  onStateChange(listener: (status: MediaInstanceStatus) => void): () => void;
}

/** Base with the state bookkeeping shared by both kinds of instance. */
abstract class InstanceBase implements MediaInstance {
  readonly id: string;
  readonly client: NgClient;
  protected state: MediaInstanceState = "stopped";
  protected since = Date.now();
  protected lastError: string | undefined;
  protected lastPingMs: number | undefined;
  protected restarts = 0;
  protected readonly logger: Logger;
  private readonly listeners = new Set<(status: MediaInstanceStatus) => void>();
  private healthTimer: NodeJS.Timeout | undefined;
  private pingFailures = 0;

  constructor(
    id: string,
    readonly address: NgAddress,
    protected readonly kind: "spawned" | "external",
    logger: Logger | undefined,
    clientOptions: NgClientOptions | undefined,
    private readonly healthIntervalMs: number,
    /** Consecutive failed health pings before the instance counts as down. */
    private readonly maxPingFailures: number,
  ) {
    this.id = id;
    this.logger = logger ?? silentLogger;
    this.client = new NgClient(address, { logger: this.logger, ...clientOptions });
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;
  protected abstract pid(): number | undefined;
  /** Called when health pings failed `maxPingFailures` times in a row. */
  protected abstract onUnhealthy(reason: string): void;

  status(): MediaInstanceStatus {
    return {
      id: this.id,
      kind: this.kind,
      address: { ...this.address },
      state: this.state,
      up: this.state === "up",
      pid: this.pid(),
      restarts: this.restarts,
      lastError: this.lastError,
      lastPingMs: this.lastPingMs,
      since: this.since,
    };
  }

  onStateChange(listener: (status: MediaInstanceStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  protected setState(state: MediaInstanceState, error?: string): void {
    if (error !== undefined) this.lastError = error;
    if (state === this.state) return;
    this.state = state;
    this.since = Date.now();
    const log = state === "down" ? this.logger.warn : this.logger.info;
    log.call(this.logger, `rtpengine ${state}`, { id: this.id, error, ...this.address });
    this.notify();
  }

  /** Tells the listeners the current status although the state did not change (e.g. a restart seen while up). */
  protected notify(): void {
    const snapshot = this.status();
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch (err) {
        this.logger.error("media state listener threw", { error: (err as Error).message });
      }
    }
  }

  /** One short ping: used by readiness polling and health checks. Resolves with the failure, or undefined. */
  protected async probe(timeoutMs: number): Promise<string | undefined> {
    try {
      this.lastPingMs = await this.client.ping({ timeoutMs, retries: 0, urgent: true });
      return undefined;
    } catch (error) {
      return `ping failed: ${(error as Error).message}`;
    }
  }

  protected startHealthChecks(): void {
    this.stopHealthChecks();
    if (this.healthIntervalMs <= 0) return;
    this.pingFailures = 0;
    this.healthTimer = setInterval(() => void this.healthCheck(), this.healthIntervalMs);
    this.healthTimer.unref();
  }

  protected stopHealthChecks(): void {
    clearInterval(this.healthTimer);
    this.healthTimer = undefined;
  }

  private async healthCheck(): Promise<void> {
    if (this.state === "stopped") return;
    const failure = await this.probe(Math.min(1000, this.healthIntervalMs));
    if ((this.state as MediaInstanceState) === "stopped") return; // stop() may run during the await.
    if (failure === undefined) {
      this.pingFailures = 0;
      if (this.state !== "up") this.onHealthy();
      return;
    }
    this.pingFailures++;
    this.lastError = failure;
    if (this.pingFailures >= this.maxPingFailures && this.state === "up") this.onUnhealthy(failure);
  }

  /** A ping succeeded while not up. */
  protected onHealthy(): void {
    this.setState("up");
  }
}

/** Options of a spawned rtpengine. */
export interface RtpengineSupervisorOptions {
  /** Name in status and logs. Default `rtpengine-<ngPort>`. */
  id?: string;
  /** Executable. Default "/usr/bin/rtpengine" (Debian's rtpengine-daemon). */
  binary?: string;
  /** IP address rtpengine binds media to and writes into SDP (its `--interface`). */
  interfaceAddress: string;
  /** ng listener; host defaults to `interfaceAddress`. */
  ngHost?: string;
  ngPort: number;
  /** RTP port range; give each instance (and each test) its own. */
  portMin: number;
  portMax: number;
  /** Seconds without media before rtpengine drops a call (`--timeout`). Default 60. */
  mediaTimeoutSec?: number;
  /**
   * Seconds without media on streams that were told not to send (a=inactive / a=recvonly from that side: a hold)
   * before rtpengine drops the call (`--silent-timeout`). Default 3600 (rtpengine's own default).
   */
  silentTimeoutSec?: number;
  /**
   * Seconds a stream whose peer never answered (an operator attempt offered and abandoned) keeps the call alive
   * (`--offer-timeout`). Default: `mediaTimeoutSec`, so an abandoned attempt cannot keep a dead call for rtpengine's
   * default hour.
   */
  offerTimeoutSec?: number;
  /**
   * XML-RPC URL rtpengine calls when it drops a call for a media timeout (`--b2b-url`, with `--xmlrpc-format=1`:
   * method `teardown`, one string parameter, the call id). See {@link MediaTimeoutListener}. Default: none.
   */
  timeoutNotifyUrl?: string;
  /**
   * `host:port` where rtpengine sends one JSON datagram per RFC 4733 digit a party sent (`--dtmf-log-dest`). See
   * {@link DtmfListener}. Default: none.
   */
  dtmfLogDest?: string;
  /** Default `<tmpdir>/hotline-rtpengine-<ngPort>.pid`. */
  pidFile?: string;
  /**
   * Where rtpengine writes call recordings (`--recording-dir`, with `--recording-method=pcap`, the userspace method:
   * `proc` needs the kernel module and fails silently). It creates `pcaps/`, `metadata/` and `tmp/` inside. Only
   * calls asked for (`start recording`) are recorded. Default: none (recording disabled).
   */
  recordingDir?: string;
  /** Appended to the command line, e.g. `--recording-method=pcap`, `--dtmf-log-dest=...`. */
  extraArgs?: readonly string[];
  /** How long a start may take to answer ping, ms. Default 5000 (measured: first pong ~130 ms after exec). */
  readyTimeoutMs?: number;
  /** Restart backoff. Defaults: 200 ms doubling to 10 s; the doubling resets after 30 s of stable uptime. */
  backoff?: { initialMs?: number; maxMs?: number; stableMs?: number };
  /** Health ping period while up, ms; 0 disables. Default 5000. */
  healthIntervalMs?: number;
  /** Failed health pings in a row before a running child counts as hung and is killed. Default 3. */
  maxPingFailures?: number;
  /** Grace after SIGTERM before SIGKILL at stop, ms. Default 3000. */
  stopGraceMs?: number;
  logger?: Logger;
  clientOptions?: NgClientOptions;
}

/** Number of rtpengine stderr lines kept for error reports; bounded so a chatty child cannot grow memory. */
const STDERR_TAIL = 20;

/**
 * Runs one local rtpengine as a child process and keeps it alive.
 *
 * `start()` resolves once the child answers ping; if the first start fails it rejects, but the supervisor keeps
 * retrying in the background (with backoff) until `stop()`, so a late-appearing fix (port freed) heals by itself.
 */
export class RtpengineSupervisor extends InstanceBase {
  private readonly opts: Required<
    Pick<
      RtpengineSupervisorOptions,
      "binary" | "mediaTimeoutSec" | "pidFile" | "readyTimeoutMs" | "stopGraceMs" | "extraArgs"
    >
  > &
    RtpengineSupervisorOptions;
  private readonly backoff: { initialMs: number; maxMs: number; stableMs: number };
  private child: ChildProcess | undefined;
  private childStartedAt = 0;
  private consecutiveFailures = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly stderrTail: string[] = [];
  private readonly exitHook = (): void => {
    // Node is exiting without stop(): do not leave an orphan holding the ng port and the RTP range.
    this.child?.kill("SIGTERM");
  };

  constructor(options: RtpengineSupervisorOptions) {
    const ngHost = options.ngHost ?? options.interfaceAddress;
    super(
      options.id ?? `rtpengine-${options.ngPort}`,
      { host: ngHost, port: options.ngPort },
      "spawned",
      options.logger,
      options.clientOptions,
      options.healthIntervalMs ?? 5000,
      options.maxPingFailures ?? 3,
    );
    this.opts = {
      binary: "/usr/bin/rtpengine",
      mediaTimeoutSec: 60,
      pidFile: join(tmpdir(), `hotline-rtpengine-${options.ngPort}.pid`),
      readyTimeoutMs: 5000,
      stopGraceMs: 3000,
      extraArgs: [],
      ...options,
    };
    this.backoff = { initialMs: 200, maxMs: 10_000, stableMs: 30_000, ...options.backoff };
  }

  /** The exact command line (without the binary), for logs and tests. */
  commandLine(): string[] {
    const o = this.opts;
    return [
      // Never read /etc/rtpengine/rtpengine.conf: it would silently add listeners (ports 2224/2225) and options.
      "--config-file=none",
      // Stay a child so we see it die; log to stderr so we can keep the tail for error reports.
      "--foreground",
      "--log-stderr",
      // Userspace forwarding only: no kernel module, iptables or capabilities needed.
      "--table=-1",
      `--interface=${o.interfaceAddress}`,
      `--listen-ng=${this.address.host}:${this.address.port}`,
      `--port-min=${o.portMin}`,
      `--port-max=${o.portMax}`,
      // Free ports and session state at once on delete, so `list` is accurate and ranges do not run dry.
      "--delete-delay=0",
      `--timeout=${o.mediaTimeoutSec}`,
      `--silent-timeout=${o.silentTimeoutSec ?? 3600}`,
      `--offer-timeout=${o.offerTimeoutSec ?? o.mediaTimeoutSec}`,
      // Timeouts are reported to Hotline, which ends the call's dialogs with BYE (format 1: call id only).
      ...(o.timeoutNotifyUrl ? [`--b2b-url=${o.timeoutNotifyUrl}`, "--xmlrpc-format=1"] : []),
      // Callers' digits (RFC 4733) for the caller menu: one datagram per digit, no polling.
      ...(o.dtmfLogDest ? [`--dtmf-log-dest=${o.dtmfLogDest}`] : []),
      `--pidfile=${o.pidFile}`,
      ...(o.recordingDir ? [`--recording-dir=${o.recordingDir}`, "--recording-method=pcap"] : []),
      ...o.extraArgs,
    ];
  }

  protected pid(): number | undefined {
    return this.child?.pid;
  }

  override async start(): Promise<void> {
    if (this.state === "up" || this.state === "starting") return;
    this.stopping = false;
    this.killOrphan();
    const error = await this.spawnAndWait();
    if (error) {
      this.scheduleRestart();
      throw new Error(`rtpengine ${this.id} did not start: ${error}`);
    }
  }

  /** Where the Hotline process that spawned the rtpengine named in the pid file writes its own pid. */
  private get ownerFile(): string {
    return `${this.opts.pidFile}.owner`;
  }

  /**
   * A previous Hotline that died hard may have left its rtpengine running with our ng port: kill it if the pid file
   * names an rtpengine process with our exact --listen-ng argument (never anything else), unless that rtpengine's
   * parent is still the other Hotline that started it (the owner file's pid): another instance is running on this
   * ng port, and killing its rtpengine would drop its calls.
   *
   * @throws Error naming RTPENGINE_NG_PORT when another running Hotline owns the rtpengine on our ng port.
   */
  private killOrphan(): void {
    let pid: number;
    let parent: number;
    try {
      pid = Number.parseInt(readFileSync(this.opts.pidFile, "utf8").trim(), 10);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      const listen = `--listen-ng=${this.address.host}:${this.address.port}`;
      if (!cmdline[0]?.endsWith("rtpengine") || !cmdline.includes(listen)) return;
      // proc(5): "pid (comm) state ppid ...", where comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return; // No pid file or no such process: nothing to clean up.
    }
    const owner = (() => {
      try {
        return Number.parseInt(readFileSync(this.ownerFile, "utf8").trim(), 10);
      } catch {
        return undefined;
      }
    })();
    if (owner !== undefined && parent === owner && owner !== process.pid) {
      throw new Error(
        `rtpengine ng port ${this.address.port} is in use by the rtpengine of another running Hotline (pid ${owner}): ` +
          "give each instance its own RTPENGINE_NG_PORT and RTP_PORT_MIN/RTP_PORT_MAX",
      );
    }
    this.logger.warn("killing orphaned rtpengine from a previous run", { pid, id: this.id });
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /** Spawns the child and waits for its first pong. Resolves with an error message, or undefined when up. */
  private async spawnAndWait(): Promise<string | undefined> {
    this.setState("starting");
    const child = spawn(this.opts.binary, this.commandLine(), { stdio: ["ignore", "ignore", "pipe"] });
    this.child = child;
    // Tells a second Hotline on the same ng port that this rtpengine is not an orphan (see killOrphan).
    writeFileSync(this.ownerFile, `${process.pid}\n`);
    this.childStartedAt = Date.now();
    this.stderrTail.length = 0;
    process.once("exit", this.exitHook);

    let exited: string | undefined;
    const onGone = (reason: string): void => {
      if (exited !== undefined) return; // 'error' and 'exit' can both fire for one failure.
      exited = reason;
      this.onChildGone(child, reason);
    };
    child.once("error", (err) => onGone(`spawn failed: ${err.message}`));
    child.once("exit", (code, signal) => onGone(signal ? `killed by ${signal}` : `exited with code ${code}`));
    if (child.stderr) {
      createInterface({ input: child.stderr }).on("line", (line) => this.onStderr(line));
    }

    const deadline = Date.now() + this.opts.readyTimeoutMs;
    while (exited === undefined && this.child === child && !this.stopping) {
      if ((await this.probe(100)) === undefined) {
        if (exited !== undefined || this.child !== child || this.stopping) break;
        this.logger.info("rtpengine ready", { id: this.id, pid: child.pid, ms: Date.now() - this.childStartedAt });
        this.setState("up");
        this.startHealthChecks();
        return undefined;
      }
      if (Date.now() >= deadline) {
        const reason = `no ng pong within ${this.opts.readyTimeoutMs} ms`;
        this.lastError = reason;
        // A child that never answers is useless: kill it; its exit handler then counts the failure.
        child.kill("SIGKILL");
        return reason;
      }
      await delay(50);
    }
    return this.stopping ? "stopped during start" : this.describeFailure(exited ?? "replaced");
  }

  private onStderr(line: string): void {
    this.stderrTail.push(line);
    if (this.stderrTail.length > STDERR_TAIL) this.stderrTail.shift();
    // rtpengine logs every ng command at INFO; only its errors deserve more than debug in our logs.
    if (/\b(ERR|CRIT|ALERT|EMERG)\b/.test(line)) this.logger.warn("rtpengine stderr", { id: this.id, line });
    else this.logger.debug("rtpengine stderr", { id: this.id, line });
  }

  private describeFailure(reason: string): string {
    const lastErrLine = [...this.stderrTail].reverse().find((l) => /\b(ERR|CRIT|ALERT|EMERG)\b/.test(l));
    return lastErrLine ? `${reason}: ${lastErrLine}` : reason;
  }

  private onChildGone(child: ChildProcess, reason: string): void {
    process.removeListener("exit", this.exitHook);
    if (this.child !== child) return;
    this.child = undefined;
    this.stopHealthChecks();
    if (this.stopping) return;
    const message = this.describeFailure(reason);
    this.setState("down", message);
    if (Date.now() - this.childStartedAt >= this.backoff.stableMs) this.consecutiveFailures = 0;
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.stopping || this.restartTimer || this.child) return;
    const delayMs = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** this.consecutiveFailures);
    this.consecutiveFailures++;
    this.logger.info("rtpengine restart scheduled", { id: this.id, delayMs });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.restarts++;
      void this.spawnAndWait().then((error) => {
        if (error) {
          this.setState("down", error);
          this.scheduleRestart();
        }
      });
    }, delayMs);
    this.restartTimer.unref();
  }

  protected override onUnhealthy(reason: string): void {
    // Alive but not answering: a hung child is worse than a dead one. Kill it; the exit handler restarts it.
    this.logger.warn("rtpengine not answering, killing it", { id: this.id, reason });
    this.child?.kill("SIGKILL");
  }

  protected override onHealthy(): void {
    // Only the readiness wait may declare a spawned child up.
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves when the child is gone. Final. */
  override async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    this.stopHealthChecks();
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), this.opts.stopGraceMs);
      await gone;
      clearTimeout(killer);
    }
    this.child = undefined;
    process.removeListener("exit", this.exitHook);
    // rtpengine removes its pid file on a clean exit; after SIGKILL it stays and would mislead killOrphan.
    rmSync(this.opts.pidFile, { force: true });
    rmSync(this.ownerFile, { force: true });
    this.client.close();
    this.setState("stopped");
  }
}

/** Options of an rtpengine run elsewhere. */
export interface ExternalRtpengineOptions {
  id?: string;
  address: NgAddress;
  /** Health ping period, ms. Default 5000. */
  healthIntervalMs?: number;
  /** Failed pings in a row before it counts as down. Default 2. */
  maxPingFailures?: number;
  logger?: Logger;
  clientOptions?: NgClientOptions;
}

/** Seconds of slack when comparing an external rtpengine's uptime (it reports whole seconds). */
const UPTIME_SLACK_S = 2;

/**
 * An rtpengine Hotline does not run: no spawning, health by a periodic `statistics` request. Its reply's
 * `totalstatistics.uptime` (whole seconds since rtpengine started) also tells a restart between two checks (systemd
 * restarting it within the check period): uptime lower than the previous one plus the time since, beyond
 * {@link UPTIME_SLACK_S}, counts as a restart (`restarts` + 1, listeners told), because its sessions are gone although
 * it never failed a check.
 */
export class ExternalRtpengine extends InstanceBase {
  /** The last uptime seen (s) and when (ms since epoch). */
  private lastUptime: { uptimeS: number; at: number } | undefined;

  constructor(options: ExternalRtpengineOptions) {
    super(
      options.id ?? `rtpengine-${options.address.host}:${options.address.port}`,
      options.address,
      "external",
      options.logger,
      options.clientOptions,
      options.healthIntervalMs ?? 5000,
      options.maxPingFailures ?? 2,
    );
  }

  protected pid(): number | undefined {
    return undefined;
  }

  protected override async probe(timeoutMs: number): Promise<string | undefined> {
    const started = performance.now();
    try {
      const stats = await this.client.statistics({ timeoutMs, retries: 0, urgent: true });
      this.lastPingMs = performance.now() - started;
      const total = stats["totalstatistics"];
      const uptimeS = isDict(total) ? Number(total["uptime"]) : NaN;
      if (Number.isFinite(uptimeS)) this.observeUptime(uptimeS, Date.now());
      return undefined;
    } catch (error) {
      return `statistics failed: ${(error as Error).message}`;
    }
  }

  private observeUptime(uptimeS: number, at: number): void {
    const before = this.lastUptime;
    this.lastUptime = { uptimeS, at };
    if (!before || this.state !== "up") return;
    const expected = before.uptimeS + (at - before.at) / 1000;
    if (uptimeS + UPTIME_SLACK_S < expected) {
      this.restarts += 1;
      this.logger.warn("rtpengine restarted between health checks: its sessions are gone", { id: this.id, uptimeS, expectedS: Math.round(expected) });
      this.notify();
    }
  }

  /** Pings once (never throws: an unreachable instance is reported as down and re-checked periodically). */
  override async start(): Promise<void> {
    if (this.state !== "stopped") return;
    this.setState("starting");
    const failure = await this.probe(1000);
    if ((this.state as MediaInstanceState) === "stopped") return;
    if (failure === undefined) this.setState("up");
    else this.setState("down", failure);
    this.startHealthChecks();
  }

  protected override onUnhealthy(reason: string): void {
    this.setState("down", reason);
  }

  override async stop(): Promise<void> {
    this.stopHealthChecks();
    this.client.close();
    this.setState("stopped");
  }
}

/** Raised when no instance is up to take a new call. */
export class NoMediaInstanceError extends Error {
  override name = "NoMediaInstanceError";
}

/** The sessions of one instance are gone (it died, restarted or stopped answering): the calls that were on it. */
export interface MediaSessionLoss {
  instanceId: string;
  /** The instance's state when the loss was noticed (`down`, `starting`, or `up` after an unseen restart). */
  state: MediaInstanceState;
  /** rtpengine call ids (Hotline's call record ids) that lived on the instance. */
  callIds: string[];
}

/** How {@link MediaPool} chooses an instance for a new call. */
export type PoolStrategy = "least-sessions" | "round-robin";

/**
 * Chooses an rtpengine per call. A call sticks to its instance (its sessions live only there) until `release`.
 * Session counts are the pool's own assignments, so choosing costs no ng round trip.
 */
export class MediaPool {
  private readonly assignments = new Map<string, MediaInstance>();
  private readonly counts = new Map<MediaInstance, number>();
  private cursor = 0;
  private readonly lossDetector = new SessionLossDetector();
  private readonly lossListeners = new Set<(loss: MediaSessionLoss) => void>();
  /** Calls whose media was lost with an instance since the pool was created (for /api/health). */
  private lostCallsTotal = 0;
  private lastLoss: { instanceId: string; at: number; calls: number } | undefined;

  constructor(
    readonly instances: readonly MediaInstance[],
    private readonly strategy: PoolStrategy = "least-sessions",
  ) {
    for (const instance of instances) {
      this.counts.set(instance, 0);
      this.lossDetector.observe(instance.status());
      instance.onStateChange((status) => this.instanceChanged(instance, status));
    }
  }

  /**
   * Called once for every loss of an instance's sessions (see {@link SessionLossDetector}) with the calls that lived
   * there. Those calls are already released from the pool when listeners run, so `acquire` puts them on a live
   * instance if one is up. Returns an unsubscribe function.
   */
  onSessionsLost(listener: (loss: MediaSessionLoss) => void): () => void {
    this.lossListeners.add(listener);
    return () => this.lossListeners.delete(listener);
  }

  /**
   * Resolves true as soon as some instance is up (at once if one is), false after `timeoutMs` ms without one.
   * Event-driven: listens to the instances' state changes, no polling.
   */
  whenAnyUp(timeoutMs: number): Promise<boolean> {
    if (this.instances.some((i) => i.status().up)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const unsubscribe: Array<() => void> = [];
      const done = (up: boolean) => {
        clearTimeout(timer);
        for (const off of unsubscribe) off();
        resolve(up);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      for (const instance of this.instances) {
        unsubscribe.push(instance.onStateChange((status) => status.up && done(true)));
      }
    });
  }

  /** Calls lost with their instance since start, and the last such loss (for /api/health). */
  lossStats(): { lostCalls: number; lastLoss: { instanceId: string; at: number; calls: number } | undefined } {
    return { lostCalls: this.lostCallsTotal, lastLoss: this.lastLoss && { ...this.lastLoss } };
  }

  private instanceChanged(instance: MediaInstance, status: MediaInstanceStatus): void {
    if (!this.lossDetector.observe(status)) return;
    const callIds = [...this.assignments].filter(([, on]) => on === instance).map(([callId]) => callId);
    for (const callId of callIds) this.release(callId);
    this.lostCallsTotal += callIds.length;
    this.lastLoss = { instanceId: instance.id, at: status.since, calls: callIds.length };
    const loss: MediaSessionLoss = { instanceId: instance.id, state: status.state, callIds };
    for (const listener of this.lossListeners) listener(loss);
  }

  /**
   * The instance for `callId`: the one it already has, else a new choice among the instances that are up
   * (least sessions, ties broken round robin; or plain round robin). Throws {@link NoMediaInstanceError}.
   */
  acquire(callId: string): MediaInstance {
    const existing = this.assignments.get(callId);
    if (existing) return existing;
    const n = this.instances.length;
    let chosen: MediaInstance | undefined;
    let chosenCount = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const candidate = this.instances[(this.cursor + i) % n];
      if (!candidate || !candidate.status().up) continue;
      const count = this.counts.get(candidate) ?? 0;
      if (this.strategy === "round-robin") {
        chosen = candidate;
        this.cursor = (this.cursor + i + 1) % n;
        break;
      }
      if (count < chosenCount) {
        chosen = candidate;
        chosenCount = count;
      }
    }
    if (!chosen) throw new NoMediaInstanceError("no rtpengine instance is up");
    if (this.strategy === "least-sessions") this.cursor = (this.instances.indexOf(chosen) + 1) % n;
    this.assignments.set(callId, chosen);
    this.counts.set(chosen, (this.counts.get(chosen) ?? 0) + 1);
    return chosen;
  }

  /** The instance a call is on, without assigning one. */
  get(callId: string): MediaInstance | undefined {
    return this.assignments.get(callId);
  }

  /** Forgets a finished call (call after `delete`); keeps the map bounded by the number of live calls. */
  release(callId: string): void {
    const instance = this.assignments.get(callId);
    if (!instance) return;
    this.assignments.delete(callId);
    this.counts.set(instance, Math.max(0, (this.counts.get(instance) ?? 1) - 1));
  }

  /** Live calls per instance id. */
  sessionCounts(): Record<string, number> {
    return Object.fromEntries(this.instances.map((i) => [i.id, this.counts.get(i) ?? 0]));
  }

  status(): MediaInstanceStatus[] {
    return this.instances.map((i) => i.status());
  }

  async start(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.instances.map((i) => i.stop()));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
