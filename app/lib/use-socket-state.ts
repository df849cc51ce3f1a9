"use client";

import { useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import type { ConnectionState } from "../components/connection-status";

/** Opens a socket for the component's lifetime and tracks whether it is connected. */
export function useSocket<S extends Socket>(connect: () => S, setup?: (socket: S) => void): ConnectionState {
  const [state, setState] = useState<ConnectionState>("connecting");
  useEffect(() => {
    const socket = connect();
    socket.on("connect", () => setState("connected"));
    socket.on("disconnect", () => setState("disconnected"));
    socket.on("connect_error", () => setState("disconnected"));
    setup?.(socket);
    return () => {
      socket.disconnect();
    };
    // The socket lives as long as the page; connect and setup are stable module functions.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
