/**
 * Child process of bench/board/board-push.ts: `BOARDS` Socket.IO board clients on `URL`, each asking for the board
 * and then counting every `board:queue` update: latency from the oldest event it carries (`eventAt`, same machine
 * clock) to its arrival, and bytes received. Prints one JSON line when told to stop (stdin closes).
 */
import { io } from "socket.io-client";

const url = process.env.URL!;
const boards = Number(process.env.BOARDS);
const latencies: number[] = [];
let bytes = 0;
let updates = 0;
let ready = 0;
const sockets = Array.from({ length: boards }, () => {
  const socket = io(`${url}/board`, { transports: ["websocket"], forceNew: true });
  socket.on("connect", () =>
    socket.emit("board:get", () => {
      ready += 1;
      if (ready === boards) process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
    }),
  );
  socket.on("board:queue", (update: { eventAt?: number }) => {
    const now = Date.now();
    updates += 1;
    bytes += JSON.stringify(update).length;
    if (update.eventAt !== undefined) latencies.push(now - update.eventAt);
  });
  return socket;
});
process.stdin.resume();
process.stdin.on("end", () => {
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(`${JSON.stringify({ latencies, bytes, updates })}\n`);
  process.exit(0);
});
