"use client";

import { ConnectionStatus } from "../components/connection-status";
import { useDeskSocket } from "./desk-socket";

/** The server connection indicator; the socket itself belongs to {@link DeskSocketProvider}. */
export function DeskConnection() {
  const { connection } = useDeskSocket();
  return <ConnectionStatus state={connection} />;
}
