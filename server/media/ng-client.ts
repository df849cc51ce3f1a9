/**
 * Client for rtpengine's "ng" control protocol.
 *
 * Each request is one UDP datagram `cookie + " " + bencode(dict)`; rtpengine answers with the same cookie, which is
 * how replies are matched to requests. rtpengine caches its reply per cookie, so a retry re-sends the SAME cookie:
 * a lost reply then never applies an offer twice. Only control messages pass through Node; media stays inside
 * rtpengine.
 *
 * The socket is injected through {@link NgTransportFactory} so unit tests drive the client with a fake transport.
 */
import dgram from "node:dgram";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { type BencodeDict, type BencodeValue, decode, encode, isDict } from "./bencode.js";
import { type Logger, silentLogger } from "./logger.js";

/** Address of an rtpengine ng listener. */
export interface NgAddress {
  host: string;
  port: number;
}

/** The datagram seam: sends to the rtpengine address it was created for and reports every datagram received. */
export interface NgTransport {
  send(data: Buffer): void;
  /** Registers the single receive handler (called once by the client). */
  onMessage(handler: (data: Buffer) => void): void;
  /** Registers the single socket-error handler (called once by the client). */
  onError(handler: (error: Error) => void): void;
  close(): void;
}

/** Creates the transport for one rtpengine address. */
export type NgTransportFactory = (target: NgAddress) => NgTransport;

/** Default transport: an unconnected UDP socket that only accepts datagrams from the target address. */
export const udpTransportFactory: NgTransportFactory = (target) => {
  const socket = dgram.createSocket(net.isIPv6(target.host) ? "udp6" : "udp4");
  // Without unref a forgotten client would keep the process alive; pending requests hold their own timers anyway.
  socket.unref();
  let closed = false;
  return {
    send(data) {
      if (closed) return;
      socket.send(data, target.port, target.host);
    },
    onMessage(handler) {
      socket.on("message", (msg, rinfo) => {
        // Anyone on the network can send to our port: only the rtpengine we talk to may answer.
        if (rinfo.port === target.port && sameHost(rinfo.address, target.host)) handler(msg);
      });
    },
    onError(handler) {
      socket.on("error", handler);
    },
    close() {
      if (closed) return;
      closed = true;
      socket.close();
    },
  };
};

function sameHost(a: string, b: string): boolean {
  const strip = (h: string): string => (h.startsWith("::ffff:") ? h.slice(7) : h);
  return strip(a) === strip(b) || (b === "localhost" && (a === "127.0.0.1" || a === "::1"));
}

/** Base class of every ng failure. */
export class NgClientError extends Error {
  override name = "NgClientError";
  constructor(
    message: string,
    /** The ng command that failed. */
    readonly command: string,
  ) {
    super(message);
  }
}

/** rtpengine answered `result: "error"` (or another non-ok result such as "load limit"). */
export class NgError extends NgClientError {
  override name = "NgError";
  constructor(
    command: string,
    /** rtpengine's `error-reason` (or the result string when there is none). */
    readonly reason: string,
    /** The whole reply, for logging. */
    readonly reply: BencodeDict,
  ) {
    super(`rtpengine ${command} failed: ${reason}`, command);
  }
}

/** No reply after every attempt. */
export class NgTimeoutError extends NgClientError {
  override name = "NgTimeoutError";
  constructor(
    command: string,
    readonly attempts: number,
  ) {
    super(`rtpengine ${command}: no reply after ${attempts} attempt(s)`, command);
  }
}

/** Too many requests in flight, or the client is closed: refused without sending. */
export class NgUnavailableError extends NgClientError {
  override name = "NgUnavailableError";
}

/** Client options; every field has a default. */
export interface NgClientOptions {
  /** Wait per attempt before re-sending, ms. Default 1000 (rtpengine answers in about a millisecond locally). */
  timeoutMs?: number;
  /** Re-sends after the first attempt. Default 2. */
  retries?: number;
  /** Bound on requests not yet settled (in flight and queued); more are refused with {@link NgUnavailableError}. Default 1024. */
  maxPending?: number;
  /**
   * Requests sent and not yet answered at once; the others wait in order. Default 32. Replies come back to one UDP
   * socket whose receive buffer (net.core.rmem_default, 208 KiB on Debian) holds about 50 `query` replies of a
   * bridged call (3.2 KB each, about 4 KiB of kernel memory): a burst of hundreds of requests (one `query` per
   * bridged call, the media watch) made the kernel drop a third of the replies at 100 calls (RcvbufErrors), each
   * then waited a whole retry timeout. The window keeps the replies that can arrive together within the buffer.
   */
  maxInFlight?: number;
  transportFactory?: NgTransportFactory;
  logger?: Logger;
}

/** Per-call overrides of the retry policy. */
export interface NgRequestOptions {
  timeoutMs?: number;
  retries?: number;
  /**
   * Sent at once, outside the in-flight window (see {@link NgClientOptions.maxInFlight}): for health checks (`ping`,
   * `statistics`), one at a time per instance, whose answer must not wait behind a backlog when the instance stopped
   * answering.
   */
  urgent?: boolean;
}

/** Reply of an offer/answer: the rewritten SDP plus the full reply. */
export interface NgSdpReply {
  sdp: string;
  reply: BencodeDict;
}

/** Identifies a call, and optionally one party of it, as rtpengine does. */
export interface NgCallRef {
  callId: string;
  fromTag?: string;
  toTag?: string;
}

/** Media playback source: exactly one of a file path on the rtpengine host, an in-memory blob, or a db id. */
export type NgMediaSource = { file: string } | { blob: Buffer } | { dbId: number };

interface Pending {
  command: string;
  frame: Buffer;
  attempt: number;
  maxAttempts: number;
  timeoutMs: number;
  timer: NodeJS.Timeout | undefined;
  /** Holds a place in the window (every request but the urgent ones). */
  windowed: boolean;
  /** performance.now() after which a request still queued is refused instead of sent: its whole retry budget. */
  sendBy: number;
  resolve: (reply: BencodeDict) => void;
  reject: (error: Error) => void;
}

/** Maps our camelCase call reference onto ng's dashed keys. */
function refArgs(ref: NgCallRef): BencodeDict {
  return { "call-id": ref.callId, "from-tag": ref.fromTag, "to-tag": ref.toTag };
}

function sdpOf(command: string, reply: BencodeDict): string {
  const sdp = reply["sdp"];
  if (typeof sdp !== "string") throw new NgError(command, "reply has no sdp", reply);
  return sdp;
}

/**
 * One rtpengine ng endpoint. Safe to share across calls; every method is an independent request.
 */
export class NgClient {
  readonly address: NgAddress;
  private readonly transport: NgTransport;
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly maxPending: number;
  private readonly maxInFlight: number;
  /** Requests waiting for a place in the window (in {@link pending} too), oldest first. */
  private readonly queued: string[] = [];
  private inFlight = 0;
  private readonly logger: Logger;
  // A random prefix keeps cookies unique across restarts of Hotline, so rtpengine's per-cookie reply cache can
  // never hand a new request the cached reply of an old one.
  private readonly cookiePrefix = randomBytes(4).toString("hex");
  private seq = 0;
  private closed = false;

  constructor(address: NgAddress, options: NgClientOptions = {}) {
    this.address = address;
    this.timeoutMs = options.timeoutMs ?? 1000;
    this.retries = options.retries ?? 2;
    this.maxPending = options.maxPending ?? 1024;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 32);
    this.logger = options.logger ?? silentLogger;
    this.transport = (options.transportFactory ?? udpTransportFactory)(address);
    this.transport.onMessage((data) => this.handleMessage(data));
    this.transport.onError((error) => this.logger.warn("ng socket error", { error: error.message, ...address }));
  }

  /** Number of requests not yet settled, in flight or queued (for metrics and tests). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Number of requests sent and awaiting a reply (at most `maxInFlight`). */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /**
   * Sends a raw ng command. Resolves with the reply dictionary when `result` is "ok" or "pong"; rejects with
   * {@link NgError} on another result, {@link NgTimeoutError} when every attempt went unanswered, and
   * {@link NgUnavailableError} when it was never sent: the client is closed, `maxPending` requests are unsettled, or it
   * waited in the window's queue longer than its own retry budget (attempts × timeout).
   */
  request(command: string, args: BencodeDict = {}, options: NgRequestOptions = {}): Promise<BencodeDict> {
    if (this.closed) return Promise.reject(new NgUnavailableError("ng client is closed", command));
    if (this.pending.size >= this.maxPending) {
      return Promise.reject(new NgUnavailableError(`too many ng requests in flight (${this.maxPending})`, command));
    }
    const cookie = `${this.cookiePrefix}${(this.seq++).toString(36)}`;
    const frame = Buffer.concat([Buffer.from(`${cookie} `, "ascii"), encode({ ...args, command })]);
    return new Promise<BencodeDict>((resolve, reject) => {
      const maxAttempts = 1 + Math.max(0, options.retries ?? this.retries);
      const timeoutMs = options.timeoutMs ?? this.timeoutMs;
      const entry: Pending = {
        command,
        frame,
        attempt: 0,
        maxAttempts,
        timeoutMs,
        timer: undefined,
        windowed: options.urgent !== true,
        sendBy: performance.now() + maxAttempts * timeoutMs,
        resolve,
        reject,
      };
      this.pending.set(cookie, entry);
      if (!entry.windowed) {
        this.sendAttempt(cookie, entry);
      } else if (this.inFlight < this.maxInFlight) {
        this.inFlight++;
        this.sendAttempt(cookie, entry);
      } else {
        this.queued.push(cookie);
      }
    });
  }

  /**
   * A request settled: if it held a place in the window, the place goes to the oldest queued request; queued
   * requests that waited their whole retry budget (the instance stopped answering) are refused without being sent.
   */
  private settled(entry: Pending): void {
    if (!entry.windowed) return;
    this.inFlight--;
    for (let next = this.queued.shift(); next !== undefined; next = this.queued.shift()) {
      const waiting = this.pending.get(next);
      if (!waiting) continue;
      if (performance.now() > waiting.sendBy) {
        this.pending.delete(next);
        waiting.reject(new NgUnavailableError(`rtpengine ${waiting.command}: not sent, the requests before it went unanswered`, waiting.command));
        continue;
      }
      this.inFlight++;
      this.sendAttempt(next, waiting);
      return;
    }
  }

  private sendAttempt(cookie: string, entry: Pending): void {
    entry.attempt++;
    if (entry.attempt > 1) this.logger.debug("ng retry", { command: entry.command, cookie, attempt: entry.attempt });
    try {
      this.transport.send(entry.frame);
    } catch (error) {
      // A synchronous send failure (e.g. socket closed underneath us) is treated like a lost datagram: retry.
      this.logger.warn("ng send failed", { command: entry.command, error: (error as Error).message });
    }
    entry.timer = setTimeout(() => {
      if (this.pending.get(cookie) !== entry) return;
      if (entry.attempt < entry.maxAttempts) {
        this.sendAttempt(cookie, entry);
      } else {
        this.pending.delete(cookie);
        this.settled(entry);
        entry.reject(new NgTimeoutError(entry.command, entry.attempt));
      }
    }, entry.timeoutMs);
  }

  private handleMessage(data: Buffer): void {
    const space = data.indexOf(0x20);
    if (space <= 0) {
      this.logger.warn("ng reply without cookie", { bytes: data.length });
      return;
    }
    const cookie = data.toString("ascii", 0, space);
    const entry = this.pending.get(cookie);
    // attempt 0: still queued, never sent, so this cannot be its reply.
    if (!entry || entry.attempt === 0) {
      // Normal after a retry: the first reply settled the request, the duplicate arrives later.
      this.logger.debug("ng reply for unknown cookie", { cookie });
      return;
    }
    let reply: BencodeValue;
    try {
      reply = decode(data.subarray(space + 1));
    } catch (error) {
      // Leave the request pending: the retry may yield a readable copy, else it times out.
      this.logger.warn("undecodable ng reply", { cookie, error: (error as Error).message });
      return;
    }
    this.pending.delete(cookie);
    clearTimeout(entry.timer);
    this.settled(entry);
    if (!isDict(reply)) {
      entry.reject(new NgError(entry.command, "reply is not a dictionary", {}));
      return;
    }
    const result = reply["result"];
    if (result === "ok" || result === "pong") {
      if (typeof reply["warning"] === "string") {
        this.logger.warn("rtpengine warning", { command: entry.command, warning: reply["warning"] });
      }
      entry.resolve(reply);
      return;
    }
    const reason = reply["error-reason"];
    entry.reject(
      new NgError(entry.command, typeof reason === "string" ? reason : `result ${String(result)}`, reply),
    );
  }

  /** Rejects everything in flight and closes the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queued.length = 0;
    this.inFlight = 0;
    for (const [cookie, entry] of this.pending) {
      clearTimeout(entry.timer);
      this.pending.delete(cookie);
      entry.reject(new NgUnavailableError("ng client closed", entry.command));
    }
    this.transport.close();
  }

  // ---- typed commands ------------------------------------------------------------------------------------------

  /** Liveness check; resolves with the round-trip time in ms. */
  async ping(options?: NgRequestOptions): Promise<number> {
    const started = performance.now();
    await this.request("ping", {}, options);
    return performance.now() - started;
  }

  /** Creates/updates a call from the caller's SDP; `options` usually comes from a leg profile. */
  async offer(params: { callId: string; fromTag: string; sdp: string; options?: BencodeDict }): Promise<NgSdpReply> {
    const reply = await this.request("offer", {
      ...params.options,
      ...refArgs(params),
      sdp: params.sdp,
    });
    return { sdp: sdpOf("offer", reply), reply };
  }

  /** Completes the call with the callee's SDP; `fromTag` is still the caller's tag, `toTag` the callee's. */
  async answer(params: {
    callId: string;
    fromTag: string;
    toTag: string;
    sdp: string;
    options?: BencodeDict;
  }): Promise<NgSdpReply> {
    const reply = await this.request("answer", {
      ...params.options,
      ...refArgs(params),
      sdp: params.sdp,
    });
    return { sdp: sdpOf("answer", reply), reply };
  }

  /** Tears down a call (or one branch of it when tags are given). Returns the final statistics reply. */
  delete(ref: NgCallRef & { options?: BencodeDict }): Promise<BencodeDict> {
    return this.request("delete", { ...ref.options, ...refArgs(ref) });
  }

  /** Current state and per-stream statistics of one call. */
  query(ref: NgCallRef): Promise<BencodeDict> {
    return this.request("query", refArgs(ref));
  }

  /** Call ids currently known to rtpengine. */
  async list(limit = 1000): Promise<string[]> {
    const reply = await this.request("list", { limit });
    const calls = reply["calls"];
    return Array.isArray(calls) ? calls.filter((c): c is string => typeof c === "string") : [];
  }

  /** Process-wide statistics (the `statistics` dictionary of the reply). */
  async statistics(options?: NgRequestOptions): Promise<BencodeDict> {
    const reply = await this.request("statistics", {}, options);
    const stats = reply["statistics"];
    return isDict(stats) ? stats : reply;
  }

  /**
   * Plays a file/blob to the party selected by `fromTag` (measured: the party whose tag is given hears it).
   * `repeatTimes` loops it (for hold music); resolves with the media duration in ms when rtpengine reports it.
   */
  async playMedia(
    params: NgCallRef & { source: NgMediaSource; repeatTimes?: number; startPosMs?: number },
  ): Promise<{ durationMs: number | undefined; reply: BencodeDict }> {
    const src = params.source;
    const reply = await this.request("play media", {
      ...refArgs(params),
      file: "file" in src ? src.file : undefined,
      blob: "blob" in src ? src.blob : undefined,
      "db-id": "dbId" in src ? src.dbId : undefined,
      "repeat-times": params.repeatTimes,
      "start-pos": params.startPosMs,
    });
    const duration = reply["duration"];
    return { durationMs: typeof duration === "number" ? duration : undefined, reply };
  }

  /** Stops playback started by {@link playMedia}; the party hears the other side again. */
  stopMedia(ref: NgCallRef): Promise<BencodeDict> {
    return this.request("stop media", refArgs(ref));
  }

  /** Drops media sent BY the selected party (others hear nothing from it): hold / mute toward the customer. */
  blockMedia(ref: NgCallRef & { options?: BencodeDict }): Promise<BencodeDict> {
    return this.request("block media", { ...ref.options, ...refArgs(ref) });
  }

  /** Reverses {@link blockMedia}. */
  unblockMedia(ref: NgCallRef & { options?: BencodeDict }): Promise<BencodeDict> {
    return this.request("unblock media", { ...ref.options, ...refArgs(ref) });
  }

  /** Replaces the selected party's audio with silence (keeps RTP flowing, unlike block, so NAT/timeouts stay happy). */
  silenceMedia(ref: NgCallRef & { options?: BencodeDict }): Promise<BencodeDict> {
    return this.request("silence media", { ...ref.options, ...refArgs(ref) });
  }

  /** Reverses {@link silenceMedia}. */
  unsilenceMedia(ref: NgCallRef & { options?: BencodeDict }): Promise<BencodeDict> {
    return this.request("unsilence media", { ...ref.options, ...refArgs(ref) });
  }

  /**
   * Injects a DTMF digit into the media SENT BY the party selected by `fromTag` (measured on 10.5: the digit is
   * heard by the other party; to send a digit to the trunk, give the browser's tag). Needs `inject-DTMF` in the
   * offer/answer flags and media already flowing from that party, else rtpengine answers
   * "No SSRC context present for DTMF injection". `code` is one digit (0-9, *, #, A-D).
   */
  playDTMF(
    params: NgCallRef & { code: string; durationMs?: number; volume?: number; pauseMs?: number },
  ): Promise<BencodeDict> {
    return this.request("play DTMF", {
      ...refArgs(params),
      code: params.code,
      duration: params.durationMs,
      volume: params.volume,
      pause: params.pauseMs,
    });
  }

  /** Starts call recording (rtpengine must run with a userspace `--recording-method=pcap`; see platform notes). */
  startRecording(ref: NgCallRef & { options?: BencodeDict }): Promise<BencodeDict> {
    return this.request("start recording", { ...ref.options, ...refArgs(ref) });
  }

  /** Stops call recording. */
  stopRecording(ref: NgCallRef): Promise<BencodeDict> {
    return this.request("stop recording", refArgs(ref));
  }
}
