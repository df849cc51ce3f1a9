"use client";

import { useRouter } from "next/navigation";
import { ConnectionStatus } from "../components/connection-status";
import { connectDesk } from "../lib/socket";
import { useSocket } from "../lib/use-socket-state";

export function DeskConnection() {
  const router = useRouter();
  const state = useSocket(connectDesk, (socket) => {
    socket.on("session:ended", () => router.replace("/login"));
  });
  return <ConnectionStatus state={state} />;
}
