"use client";

import { useEffect, useState } from "react";
import type { Socket } from "socket.io-client";
import type { ConnectionState } from "../components/connection-status";

/** Where a page goes when the server ends its session (logout in another tab, expiry, account changed). */
export const SESSION_ENDED_PATH = "/login?loggedOut=1";

/**
 * Opens a socket for the component's lifetime and tracks whether it is connected. When the server
 * says the session ended, the page leaves for the login page (the server has closed the socket).
 */
export function useSocket<S extends Socket>(connect: () => S, setup?: (socket: S) => void): ConnectionState {
  const [state, setState] = useState<ConnectionState>("connecting");
  useEffect(() => {
    const socket = connect();
    socket.on("connect", () => setState("connected"));
    socket.on("disconnect", () => setState("disconnected"));
    socket.on("connect_error", () => setState("disconnected"));
    socket.on("session:ended", () => window.location.replace(SESSION_ENDED_PATH));
    setup?.(socket);
    return () => {
      socket.disconnect();
    };
    // The socket lives as long as the page; connect and setup are stable module functions.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
