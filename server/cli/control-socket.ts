/**
 * A Unix socket in the data folder through which `npm run cli` asks the running server to run a
 * command. Embedded PGlite allows one process per data folder, and the live queue must see changes,
 * so while the server runs the CLI never opens the database itself. The socket file is 0600: only
 * the account that runs the server can use it.
 */
import { chmod, rm } from "node:fs/promises";
import net from "node:net";
import type { CommandOutput } from "./commands";

const MAX_REQUEST = 64 * 1024;

export async function listenControlSocket(
  file: string,
  run: (argv: string[]) => Promise<CommandOutput>,
): Promise<{ close(): Promise<void> }> {
  if (await isServing(file)) throw new Error(`another Hotline server already runs on this data folder (${file})`);
  await rm(file, { force: true });
  const server = net.createServer((socket) => {
    // One command per connection: the buffer holds only the first request line, and whatever
    // follows it (a second line, a retransmission) is never read as a command.
    let buffer = "";
    let taken = false;
    socket.setEncoding("utf8");
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: string) => {
      if (taken) return;
      buffer += chunk;
      const newline = buffer.indexOf("\n");
      if (newline < 0) {
        if (buffer.length > MAX_REQUEST) socket.destroy();
        return;
      }
      taken = true;
      const line = buffer.slice(0, newline);
      buffer = "";
      if (line.length > MAX_REQUEST) return socket.destroy();
      const reply = (output: CommandOutput) => socket.end(JSON.stringify(output) + "\n");
      let argv: unknown;
      try {
        argv = JSON.parse(line).argv;
      } catch {
        argv = undefined;
      }
      if (!Array.isArray(argv) || !argv.every((a) => typeof a === "string")) {
        return reply({ code: 2, out: [], err: ["error: malformed control request"] });
      }
      run(argv).then(reply, (error) => reply({ code: 1, out: [], err: [`error: ${String(error)}`] }));
    });
  });
  // The socket file is created by listen() with the process's umask: create it owner-only from the
  // start (0600 after the umask 0177), not world-connectable until the chmod below.
  // listen() binds a Unix socket synchronously, so the umask is restored before anything else runs.
  const previousUmask = process.umask(0o177);
  let listening: Promise<void>;
  try {
    listening = new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(file, () => resolve());
    });
  } finally {
    process.umask(previousUmask);
  }
  await listening;
  await chmod(file, 0o600);
  return {
    close: () => new Promise<void>((resolve) => server.close(() => rm(file, { force: true }).then(() => resolve()))),
  };
}

/** Sends argv to the running server; undefined when no server listens on the socket. */
export function sendControlCommand(file: string, argv: string[]): Promise<CommandOutput | undefined> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(file);
    let data = "";
    socket.setEncoding("utf8");
    socket.on("connect", () => socket.write(JSON.stringify({ argv }) + "\n"));
    socket.on("data", (chunk: string) => (data += chunk));
    socket.on("end", () => {
      try {
        resolve(JSON.parse(data) as CommandOutput);
      } catch {
        reject(new Error("the running server sent an unreadable reply"));
      }
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(undefined);
      else reject(error);
    });
  });
}

function isServing(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.on("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}
