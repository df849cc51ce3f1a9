"use client";

import { ConnectionStatus } from "../components/connection-status";
import { connectDesk } from "../lib/socket";
import { useSocket } from "../lib/use-socket-state";

export function DeskConnection() {
  const state = useSocket(connectDesk, (socket) => {
    socket.on("session:ended", () => window.location.assign("/login"));
  });
  return <ConnectionStatus state={state} />;
}
